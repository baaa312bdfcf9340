// RUN: modelc-opt %s --modelc-convert-conv-to-gemm --split-input-file | FileCheck %s

// A 3x3 convolution becomes im2col + a batched GEMM; the bias moves to the epilogue.
// CHECK-LABEL: func.func @conv3x3
// CHECK: %[[COL:.+]] = kernel.alloc : memref<1x1x36x64xf32>
// CHECK: kernel.im2col ins(%{{.+}} : memref<1x4x8x8xf32>) outs(%[[COL]] : memref<1x1x36x64xf32>)
// CHECK: kernel.gemm ins(%{{.+}}, %[[COL]] : memref<1x8x36xf32>, memref<1x1x36x64xf32>) outs(%{{.+}} : memref<1x1x8x64xf32>) epilogue(%{{.+}} : memref<1x8x1xf32>)
// CHECK: arith.addf
// CHECK-NOT: kernel.conv
func.func @conv3x3(%x: memref<1x4x8x8xf32>, %w: memref<8x4x3x3xf32>, %b: memref<8xf32>, %y: memref<1x8x8x8xf32>) {
  kernel.conv ins(%x, %w, %b : memref<1x4x8x8xf32>, memref<8x4x3x3xf32>, memref<8xf32>) outs(%y : memref<1x8x8x8xf32>) attributes {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  return
}

// -----

// 1x1 stride-1 convolutions read the input directly as the GEMM's B operand.
// CHECK-LABEL: func.func @pointwise
// CHECK-NOT: kernel.im2col
// CHECK: %[[B:.+]] = kernel.view %{{.+}} : memref<2x16x4x4xf32> to memref<2x1x16x16xf32>
// CHECK: kernel.gemm ins(%{{.+}}, %[[B]] : memref<1x8x16xf32>, memref<2x1x16x16xf32>)
func.func @pointwise(%x: memref<2x16x4x4xf32>, %w: memref<8x16x1x1xf32>, %y: memref<2x8x4x4xf32>) {
  kernel.conv ins(%x, %w : memref<2x16x4x4xf32>, memref<8x16x1x1xf32>) outs(%y : memref<2x8x4x4xf32>) attributes {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
  return
}

// -----

// Depthwise convolutions (M = 1, K = 9) stay direct.
// CHECK-LABEL: func.func @depthwise
// CHECK: kernel.conv
// CHECK-NOT: kernel.gemm
func.func @depthwise(%x: memref<1x8x8x8xf32>, %w: memref<8x1x3x3xf32>, %y: memref<1x8x8x8xf32>) {
  kernel.conv ins(%x, %w : memref<1x8x8x8xf32>, memref<8x1x3x3xf32>) outs(%y : memref<1x8x8x8xf32>) attributes {dilations = array<i64: 1, 1>, group = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  return
}

// -----

// A quantize-dequantize epilogue (QDQ models) with uint8 zero points: buffers keep ui8, the
// GEMM epilogue's block arguments are signless i8, as in every scalar body.
// CHECK-LABEL: func.func @qdq_epilogue
// CHECK: kernel.gemm ins({{.+}}) outs({{.+}}) epilogue(%{{.+}}, %{{.+}}, %{{.+}} : memref<1x8x1xf32>, memref<1x1x1x1xf32>, memref<1x1x1x1xui8>)
// CHECK-NEXT: ^bb0(%[[ACC:.+]]: f32, %[[B:.+]]: f32, %[[S:.+]]: f32, %[[ZP:.+]]: i8):
// CHECK: arith.addf %[[ACC]], %[[B]] : f32
// CHECK: arith.uitofp %[[ZP]] : i8 to f32
// CHECK: kernel.yield
func.func @qdq_epilogue(%x: memref<1x4x8x8xf32>, %w: memref<8x4x3x3xf32>, %b: memref<8xf32>, %s: memref<f32>, %zp: memref<ui8>, %y: memref<1x8x8x8xf32>) {
  kernel.conv ins(%x, %w, %b : memref<1x4x8x8xf32>, memref<8x4x3x3xf32>, memref<8xf32>) outs(%y : memref<1x8x8x8xf32>) epilogue(%s, %zp : memref<f32>, memref<ui8>) attributes {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} {
  ^bb0(%acc: f32, %scale: f32, %z: i8):
    %q = arith.divf %acc, %scale : f32
    %r = math.roundeven %q : f32
    %zf = arith.uitofp %z : i8 to f32
    %v = arith.addf %r, %zf : f32
    %c0 = arith.constant 0.000000e+00 : f32
    %c255 = arith.constant 2.550000e+02 : f32
    %lo = arith.maximumf %v, %c0 : f32
    %hi = arith.minimumf %lo, %c255 : f32
    %i = arith.fptoui %hi : f32 to i8
    %f = arith.uitofp %i : i8 to f32
    %d = arith.subf %f, %zf : f32
    %o = arith.mulf %d, %scale : f32
    kernel.yield %o : f32
  }
  return
}
