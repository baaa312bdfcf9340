// RUN: modelc-opt %s --modelc-pipeline | FileCheck %s
// RUN: modelc-opt %s --modelc-pipeline="opt-level=0" | FileCheck %s --check-prefix=O0
// RUN: modelc-opt %s --modelc-pipeline="target=cuda" | FileCheck %s --check-prefix=BUFFER
// RUN: modelc-opt %s --modelc-pipeline="implicit-im2col=false" | FileCheck %s --check-prefix=BUFFER

// The whole pipeline: conv + relu become one tiled GEMM with a fused epilogue over
// planned buffers. On the CPU the GEMM gathers the conv windows from the input itself (no
// im2col kernel, b_im2col); the CUDA GEMM, and the CPU one with implicit-im2col=false, read
// an im2col buffer. At -O0 the conv stays direct and the relu separate.
// CHECK-LABEL: func.func @conv_relu
// CHECK-SAME: kernel.arena_bytes
// CHECK-NOT: kernel.im2col
// CHECK: kernel.gemm ins(%{{.+}}, %arg0 : memref<{{.+}}>, memref<1x3x8x8xf32>)
// CHECK-SAME: b_im2col = array<i64: 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1>
// CHECK-SAME: tile = array<i64:
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: kernel.elementwise
// BUFFER: kernel.im2col
// BUFFER: kernel.gemm
// BUFFER-NOT: b_im2col
// O0: kernel.conv
// O0: kernel.elementwise
func.func @conv_relu(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = graph.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = graph.constant dense<0.1> : tensor<4xf32>
  %y = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = graph.relu %y : tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}
