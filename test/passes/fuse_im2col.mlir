// RUN: modelc-opt %s --modelc-fuse-im2col --split-input-file | FileCheck %s

// A 3x3 pad-1 convolution as im2col + GEMM: the GEMM reads the image as B, the unfolding
// ([groups, kh, kw, strides, pads (top, left, bottom, right), dilations]) in b_im2col, and
// the column buffer is gone.
// CHECK-LABEL: func.func @conv3x3
// CHECK-NOT: kernel.alloc
// CHECK-NOT: kernel.im2col
// CHECK: kernel.gemm ins(%{{.+}}, %arg0 : memref<1x8x36xf32>, memref<1x4x8x8xf32>)
// CHECK-SAME: b_im2col = array<i64: 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1>
func.func @conv3x3(%x: memref<1x4x8x8xf32>, %w: memref<1x8x36xf32>, %y: memref<1x1x8x64xf32>) {
  %col = kernel.alloc : memref<1x1x36x64xf32>
  kernel.im2col ins(%x : memref<1x4x8x8xf32>) outs(%col : memref<1x1x36x64xf32>) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  kernel.gemm ins(%w, %col : memref<1x8x36xf32>, memref<1x1x36x64xf32>) outs(%y : memref<1x1x8x64xf32>) attributes {tile = array<i64: 6, 36, 64, 6, 16>}
  return
}

// -----

// Two groups, stride 2, asymmetric padding, dilation 2: all of it lands in b_im2col.
// CHECK-LABEL: func.func @grouped_strided
// CHECK-NOT: kernel.im2col
// CHECK: kernel.gemm ins(%{{.+}}, %arg0 : memref<2x3x18xf32>, memref<2x4x9x9xf32>)
// CHECK-SAME: b_im2col = array<i64: 2, 3, 3, 2, 2, 0, 1, 2, 1, 2, 2>
func.func @grouped_strided(%x: memref<2x4x9x9xf32>, %w: memref<2x3x18xf32>, %y: memref<2x2x3x16xf32>) {
  %col = kernel.alloc : memref<2x2x18x16xf32>
  kernel.im2col ins(%x : memref<2x4x9x9xf32>) outs(%col : memref<2x2x18x16xf32>) {dilations = array<i64: 2, 2>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 1, 2, 1>, strides = array<i64: 2, 2>}
  kernel.gemm ins(%w, %col : memref<2x3x18xf32>, memref<2x2x18x16xf32>) outs(%y : memref<2x2x3x16xf32>) attributes {tile = array<i64: 6, 18, 16, 6, 16>}
  return
}

// -----

// The columns are also read by another kernel: they must exist, so nothing changes.
// CHECK-LABEL: func.func @columns_read_twice
// CHECK: kernel.im2col
// CHECK: kernel.gemm ins(%{{.+}}, %{{.+}} : memref<1x8x36xf32>, memref<1x1x36x64xf32>)
// CHECK-NOT: b_im2col
func.func @columns_read_twice(%x: memref<1x4x8x8xf32>, %w: memref<1x8x36xf32>, %y: memref<1x1x8x64xf32>, %z: memref<1x1x36x64xf32>) {
  %col = kernel.alloc : memref<1x1x36x64xf32>
  kernel.im2col ins(%x : memref<1x4x8x8xf32>) outs(%col : memref<1x1x36x64xf32>) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  kernel.copy %col, %z : memref<1x1x36x64xf32>, memref<1x1x36x64xf32>
  kernel.gemm ins(%w, %col : memref<1x8x36xf32>, memref<1x1x36x64xf32>) outs(%y : memref<1x1x8x64xf32>) attributes {tile = array<i64: 6, 36, 64, 6, 16>}
  return
}

// -----

// The image is overwritten between the im2col and the GEMM: the GEMM would read the new
// values, so the im2col stays.
// CHECK-LABEL: func.func @image_overwritten
// CHECK: kernel.im2col
// CHECK-NOT: b_im2col
func.func @image_overwritten(%x: memref<1x4x8x8xf32>, %v: memref<1x4x8x8xf32>, %w: memref<1x8x36xf32>, %y: memref<1x1x8x64xf32>) {
  %col = kernel.alloc : memref<1x1x36x64xf32>
  kernel.im2col ins(%x : memref<1x4x8x8xf32>) outs(%col : memref<1x1x36x64xf32>) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  kernel.copy %v, %x : memref<1x4x8x8xf32>, memref<1x4x8x8xf32>
  kernel.gemm ins(%w, %col : memref<1x8x36xf32>, memref<1x1x36x64xf32>) outs(%y : memref<1x1x8x64xf32>) attributes {tile = array<i64: 6, 36, 64, 6, 16>}
  return
}
