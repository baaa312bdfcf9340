// RUN: modelc-opt %s --modelc-fuse-elementwise --split-input-file | FileCheck %s

// A relu reading only the conv's output joins the conv's epilogue; the temporary goes away.
// CHECK-LABEL: func.func @conv_relu
// CHECK-NOT: kernel.elementwise
// CHECK: kernel.conv ins(%{{.+}}) outs(%[[OUT:.+]] : memref<1x2x4x4xf32>)
// CHECK: ^bb0(%[[ACC:.+]]: f32):
// CHECK: arith.maximumf %[[ACC]]
// CHECK: kernel.copy %[[OUT]]
func.func @conv_relu(%x: memref<1x1x4x4xf32>, %y: memref<1x2x4x4xf32>) {
  %w = kernel.weight dense<1.0> : tensor<2x1x3x3xf32> : memref<2x1x3x3xf32>
  %t = kernel.alloc : memref<1x2x4x4xf32>
  kernel.conv ins(%x, %w : memref<1x1x4x4xf32>, memref<2x1x3x3xf32>) outs(%t : memref<1x2x4x4xf32>) attributes {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  %o = kernel.alloc : memref<1x2x4x4xf32>
  kernel.elementwise ins(%t : memref<1x2x4x4xf32>) outs(%o : memref<1x2x4x4xf32>) {
  ^bb0(%a: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %a, %z : f32
    kernel.yield %r : f32
  }
  kernel.copy %o, %y : memref<1x2x4x4xf32>, memref<1x2x4x4xf32>
  return
}

// -----

// A buffer with a second reader is not fused.
// CHECK-LABEL: func.func @two_readers
// CHECK: kernel.elementwise
// CHECK: kernel.elementwise
func.func @two_readers(%x: memref<4xf32>, %y: memref<4xf32>, %z: memref<4xf32>) {
  %t = kernel.alloc : memref<4xf32>
  kernel.elementwise ins(%x : memref<4xf32>) outs(%t : memref<4xf32>) {
  ^bb0(%a: f32):
    %r = math.exp %a : f32
    kernel.yield %r : f32
  }
  kernel.elementwise ins(%t : memref<4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32):
    %r = math.tanh %a : f32
    kernel.yield %r : f32
  }
  kernel.copy %t, %z : memref<4xf32>, memref<4xf32>
  return
}

// -----

// Elementwise chains merge into one loop, with the second op's extra input appended.
// CHECK-LABEL: func.func @chain
// CHECK: kernel.elementwise ins(%{{.+}}, %{{.+}} : memref<4xf32>, memref<4xf32>) outs(%{{.+}} : memref<4xf32>)
// CHECK: math.exp
// CHECK: arith.addf
// CHECK-NOT: kernel.elementwise
func.func @chain(%x: memref<4xf32>, %b: memref<4xf32>, %y: memref<4xf32>) {
  %t = kernel.alloc : memref<4xf32>
  kernel.elementwise ins(%x : memref<4xf32>) outs(%t : memref<4xf32>) {
  ^bb0(%a: f32):
    %r = math.exp %a : f32
    kernel.yield %r : f32
  }
  %o = kernel.alloc : memref<4xf32>
  kernel.elementwise ins(%t, %b : memref<4xf32>, memref<4xf32>) outs(%o : memref<4xf32>) {
  ^bb0(%a: f32, %c: f32):
    %r = arith.addf %a, %c : f32
    kernel.yield %r : f32
  }
  kernel.copy %o, %y : memref<4xf32>, memref<4xf32>
  return
}
