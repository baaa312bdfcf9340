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

// -----

// The consumer's other input is a view created after the producer (a Flatten between the
// two nodes): the view moves above the producer so the fused kernel can read it.
// CHECK-LABEL: func.func @late_view
// CHECK: %[[V:.+]] = kernel.view %arg1 : memref<3x4xf32> to memref<1x12xf32>
// CHECK: kernel.elementwise ins(%arg0, %arg0, %[[V]] : memref<1x12xf32>, memref<1x12xf32>, memref<1x12xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK-NOT: kernel.elementwise
func.func @late_view(%arg0: memref<1x12xf32> {kernel.io = "input"}, %arg1: memref<3x4xf32> {kernel.io = "input"}, %arg2: memref<1x12xf32> {kernel.io = "output"}) {
  %0 = kernel.alloc : memref<1x12xf32>
  kernel.elementwise ins(%arg0, %arg0 : memref<1x12xf32>, memref<1x12xf32>) outs(%0 : memref<1x12xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.subf %a, %b : f32
    kernel.yield %s : f32
  }
  %1 = kernel.view %arg1 : memref<3x4xf32> to memref<1x12xf32>
  kernel.elementwise ins(%0, %1 : memref<1x12xf32>, memref<1x12xf32>) outs(%arg2 : memref<1x12xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.mulf %a, %b : f32
    kernel.yield %m : f32
  }
  return
}

// -----

// A consumer that changes the element type stays out of a GEMM's epilogue (the GEMM writes
// float32); it still fuses with elementwise kernels.
// CHECK-LABEL: func.func @gemm_cast
// CHECK: kernel.gemm
// CHECK: kernel.elementwise
// CHECK: arith.extf
func.func @gemm_cast(%a: memref<4x8xf32> {kernel.io = "input"}, %b: memref<8x6xf32> {kernel.io = "input"}, %y: memref<4x6xf64> {kernel.io = "output"}) {
  %0 = kernel.alloc : memref<4x6xf32>
  kernel.gemm ins(%a, %b : memref<4x8xf32>, memref<8x6xf32>) outs(%0 : memref<4x6xf32>)
  kernel.elementwise ins(%0 : memref<4x6xf32>) outs(%y : memref<4x6xf64>) {
  ^bb0(%v: f32):
    %e = arith.extf %v : f32 to f64
    kernel.yield %e : f64
  }
  return
}
