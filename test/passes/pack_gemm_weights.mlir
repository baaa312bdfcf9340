// RUN: modelc-opt %s --modelc-pack-gemm-weights --split-input-file | FileCheck %s

// A weight as A (a convolution lowered to GEMM): op(A) = [[1,2],[3,4],[5,6]] (M = 3, K = 2) in
// panels of mr = 2 rows: panel 0 holds rows 0-1 per depth step, panel 1 row 2 and a zero row.
// CHECK-LABEL: func.func @pack_a
// CHECK-NOT: tensor<3x2xf32>
// CHECK: %[[P:.+]] = kernel.weight dense<{{\[}}{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]], {{\[}}[5.000000e+00, 0.000000e+00], [6.000000e+00, 0.000000e+00]]]> : tensor<2x2x2xf32> : memref<2x2x2xf32>
// CHECK: kernel.gemm ins(%[[P]], %{{.+}} : memref<2x2x2xf32>, memref<2x5xf32>)
// CHECK-SAME: packed_a = true
// CHECK-NOT: packed_b
func.func @pack_a(%x: memref<2x5xf32>, %y: memref<3x5xf32>) {
  %w = kernel.weight dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32> : memref<3x2xf32>
  kernel.gemm ins(%w, %x : memref<3x2xf32>, memref<2x5xf32>) outs(%y : memref<3x5xf32>) attributes {tile = array<i64: 2, 8, 4, 2, 4>}
  return
}

// -----

// A transposed B (a Gemm layer with transB = 1): B is N x K = [[1,2],[3,4],[5,6]], so op(B)
// has columns [1,2], [3,4], [5,6]; panels of nr = 4 columns pad column 3 with zeros, and the
// transposition flag is gone.
// CHECK-LABEL: func.func @pack_b_transposed
// CHECK: %[[P:.+]] = kernel.weight dense<{{\[}}{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00, 0.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00, 0.000000e+00]]]> : tensor<1x2x4xf32>
// CHECK: kernel.gemm ins(%{{.+}}, %[[P]] : memref<4x2xf32>, memref<1x2x4xf32>)
// CHECK-SAME: packed_b = true
// CHECK-NOT: trans_b = true
func.func @pack_b_transposed(%x: memref<4x2xf32>, %y: memref<4x3xf32>) {
  %w = kernel.weight dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32> : memref<3x2xf32>
  kernel.gemm ins(%x, %w : memref<4x2xf32>, memref<3x2xf32>) outs(%y : memref<4x3xf32>) attributes {trans_b = true, tile = array<i64: 2, 8, 4, 2, 4>}
  return
}

// -----

// Through a view (conv weights seen as [groups, M, K]); batch dimensions stay in front. The
// original weight is still read by another kernel, so it stays.
// CHECK-LABEL: func.func @through_view
// CHECK: %[[P:.+]] = kernel.weight {{.*}} : tensor<1x2x2x2xf32> : memref<1x2x2x2xf32>
// CHECK: %[[W:.+]] = kernel.weight dense<1.000000e+00> : tensor<4x2x1x1xf32>
// CHECK: kernel.gemm ins(%[[P]], %{{.+}} : memref<1x2x2x2xf32>, memref<1x1x2x9xf32>)
// CHECK-SAME: packed_a = true
// CHECK: kernel.copy %[[W]]
func.func @through_view(%x: memref<1x1x2x9xf32>, %y: memref<1x1x4x9xf32>, %z: memref<4x2x1x1xf32>) {
  %w = kernel.weight dense<1.0> : tensor<4x2x1x1xf32> : memref<4x2x1x1xf32>
  %v = kernel.view %w : memref<4x2x1x1xf32> to memref<1x4x2xf32>
  kernel.gemm ins(%v, %x : memref<1x4x2xf32>, memref<1x1x2x9xf32>) outs(%y : memref<1x1x4x9xf32>) attributes {tile = array<i64: 4, 8, 16, 2, 16>}
  kernel.copy %w, %z : memref<4x2x1x1xf32>, memref<4x2x1x1xf32>
  return
}

// -----

// Activations are not weights, and GEMMs without a tile are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK-NOT: packed_
func.func @untouched(%a: memref<4x2xf32>, %b: memref<2x3xf32>, %y: memref<4x3xf32>) {
  %w = kernel.weight dense<1.0> : tensor<2x3xf32> : memref<2x3xf32>
  kernel.gemm ins(%a, %b : memref<4x2xf32>, memref<2x3xf32>) outs(%y : memref<4x3xf32>) attributes {tile = array<i64: 2, 8, 4, 2, 4>}
  kernel.gemm ins(%a, %w : memref<4x2xf32>, memref<2x3xf32>) outs(%y : memref<4x3xf32>)
  return
}
