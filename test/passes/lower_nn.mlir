// RUN: modelc-opt %s --modelc-lower-to-kernel --split-input-file | FileCheck %s

// The NN family lowers to kernel.call of runtime_min/mc_kernels_nn.h, one output element per task.

// Resize tables are computed at compile time: asymmetric nearest (floor) 2 -> 4 reads rows
// 0 0 1 1, 2 -> 6 columns 0 0 0 1 1 1; one tap per axis, identity axes have no table.
// CHECK-LABEL: func.func @resize_nearest
// CHECK: %[[IDX:.+]] = kernel.weight dense<[0, 0, 1, 1, 0, 0, 0, 1, 1, 1]> : tensor<10xi64>
// CHECK: %[[W:.+]] = kernel.weight dense<1.000000e+00> : tensor<10xf64>
// CHECK: kernel.call "mc::resize" ins(%{{.+}}, %[[IDX]], %[[W]] : memref<1x1x2x2xf32>, memref<10xi64>, memref<10xf64>) outs(%{{.+}} : memref<1x1x4x6xf32>)
// CHECK-SAME: params = array<i64: 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 4, 6, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 4>, tasks = 24 : i64
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32> {
  %y = graph.resize %x {coordinate_transformation_mode = 4 : i32, mode = 0 : i32, nearest_mode = 2 : i32, roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 3.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32>
  return %y : tensor<1x1x4x6xf32>
}

// -----

// align_corners 4 -> 2 lands on input samples 0 and 3: the zero-weight taps are dropped.
// CHECK-LABEL: func.func @resize_linear
// CHECK: kernel.weight dense<[0, 3]> : tensor<2xi64>
// CHECK: kernel.call "mc::resize"
// CHECK-SAME: params = array<i64: 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0>
func.func @resize_linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %y = graph.resize %x {coordinate_transformation_mode = 3 : i32, mode = 1 : i32, nearest_mode = 0 : i32, roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 1.0, 0.5>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// tf_crop_and_resize of roi [0.5, 1.5]: sources 1.5, 3 and 4.5; the last lies outside the
// input and is marked -1 (the kernel writes extrapolation_value, the fparam).
// CHECK-LABEL: func.func @resize_crop
// CHECK: kernel.weight dense<[1, 2, 3, 0, -1, 3]> : tensor<6xi64>
// CHECK: kernel.weight dense<[5.000000e-01, 5.000000e-01, 1.000000e+00, 0.000000e+00, 5.000000e-01, 5.000000e-01]> : tensor<6xf64>
// CHECK: kernel.call "mc::resize"
// CHECK-SAME: fparams = array<f64: 7.000000e+00>
func.func @resize_crop(%x: tensor<4xf32>) -> tensor<3xf32> {
  %y = graph.resize %x {coordinate_transformation_mode = 5 : i32, extrapolation_value = 7.0 : f64, mode = 1 : i32, nearest_mode = 0 : i32, roi = array<f64: 0.5, 1.5>, scales = array<f64: 0.75>} : (tensor<4xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// Windowed kernels see three spatial axes: 1-d is padded with leading extent-1 axes.
// Parameters: N, C, M, group, input, output, kernel, strides, begin pads, dilations, has-bias.
// CHECK-LABEL: func.func @conv_transpose
// CHECK: kernel.call "mc::conv_transpose" ins(%{{.+}}, %{{.+}}, %{{.+}} : memref<1x2x3xf32>, memref<2x2x3xf32>, memref<4xf32>) outs(%{{.+}} : memref<1x4x7xf32>)
// CHECK-SAME: params = array<i64: 1, 2, 4, 2, 1, 1, 3, 1, 1, 7, 1, 1, 3, 1, 1, 2, 0, 0, 0, 1, 1, 1, 1>, tasks = 28 : i64
func.func @conv_transpose(%x: tensor<1x2x3xf32>, %w: tensor<2x2x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x7xf32> {
  %y = graph.conv_transpose %x, %w, %b {dilations = array<i64: 1>, group = 2 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 2>} : (tensor<1x2x3xf32>, tensor<2x2x3xf32>, tensor<4xf32>) -> tensor<1x4x7xf32>
  return %y : tensor<1x4x7xf32>
}

// -----

// Two results become two output buffers of one call; storage_order is the last parameter.
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: %[[V:.+]] = kernel.alloc : memref<1x1x2x2xf32>
// CHECK: %[[I:.+]] = kernel.alloc : memref<1x1x2x2xi64>
// CHECK: kernel.call "mc::max_pool_with_indices" ins(%{{.+}} : memref<1x1x4x4xf32>) outs(%[[V]], %[[I]] : memref<1x1x2x2xf32>, memref<1x1x2x2xi64>)
// CHECK-SAME: params = array<i64: 1, 1, 4, 4, 1, 2, 2, 1, 2, 2, 1, 2, 2, 0, 0, 0, 1, 1, 1, 1>
func.func @max_pool_indices(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %v, %i = graph.max_pool_with_indices %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %v, %i : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

// MaxUnpool zero-fills its output, then scatters the 4 x 4 unpooled tensor into the 5 x 5 result.
// CHECK-LABEL: func.func @max_unpool
// CHECK: %[[Y:.+]] = kernel.alloc : memref<1x1x5x5xf32>
// CHECK: kernel.call "mc::zero_fill" outs(%[[Y]] : memref<1x1x5x5xf32>) {tasks = 25 : i64}
// CHECK: kernel.call "mc::max_unpool" ins(%{{.+}}, %{{.+}} : memref<1x1x2x2xf32>, memref<1x1x2x2xi64>) outs(%[[Y]] : memref<1x1x5x5xf32>) {params = array<i64: 1, 1, 4, 4, 1, 5, 5>, tasks = 4 : i64}
func.func @max_unpool(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) -> tensor<1x1x5x5xf32> {
  %y = graph.max_unpool %x, %i {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x5x5xf32>
  return %y : tensor<1x1x5x5xf32>
}

// -----

// CHECK-LABEL: func.func @lp_pool
// CHECK: kernel.call "mc::lp_pool"
// CHECK-SAME: fparams = array<f64: 3.000000e+00>, params = array<i64: 3, 1, 1, 8, 1, 1, 7, 1, 1, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1>, tasks = 21 : i64
func.func @lp_pool(%x: tensor<1x3x8xf32>) -> tensor<1x3x7xf32> {
  %y = graph.lp_pool %x {ceil_mode = false, dilations = array<i64: 1>, kernel_shape = array<i64: 2>, p = 3.0 : f64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x3x8xf32>) -> tensor<1x3x7xf32>
  return %y : tensor<1x3x7xf32>
}

// -----

// Absent optional inputs (bias, past_state) are one-element placeholders with Has* = 0;
// tasks cover the output and the present state.
// CHECK-LABEL: func.func @causal
// CHECK-COUNT-2: kernel.weight dense<0.000000e+00> : tensor<1xf16> : memref<1xf16>
// CHECK: kernel.call "mc::causal_conv_with_state" ins({{.+}}) outs(%{{.+}}, %{{.+}} : memref<2x4x8xf16>, memref<2x4x2xf16>)
// CHECK-SAME: params = array<i64: 2, 4, 8, 3, 0, 0, 1>, tasks = 80 : i64
func.func @causal(%x: tensor<2x4x8xf16>, %w: tensor<4x1x3xf16>) -> (tensor<2x4x8xf16>, tensor<2x4x2xf16>) {
  %y, %s = graph.causal_conv_with_state %x, %w {silu = true} : (tensor<2x4x8xf16>, tensor<4x1x3xf16>) -> (tensor<2x4x8xf16>, tensor<2x4x2xf16>)
  return %y, %s : tensor<2x4x8xf16>, tensor<2x4x2xf16>
}

// -----

// Parameters: N, C, grid points, spatial axes, extents, mode (linear), padding (reflection), align.
// CHECK-LABEL: func.func @grid_sample
// CHECK: kernel.call "mc::grid_sample"
// CHECK-SAME: params = array<i64: 1, 2, 336, 3, 3, 4, 5, 1, 2, 1>, tasks = 672 : i64
func.func @grid_sample(%x: tensor<1x2x3x4x5xf32>, %g: tensor<1x6x7x8x3xf32>) -> tensor<1x2x6x7x8xf32> {
  %y = graph.grid_sample %x, %g {align_corners = true, mode = 1 : i32, padding_mode = 2 : i32} : (tensor<1x2x3x4x5xf32>, tensor<1x6x7x8x3xf32>) -> tensor<1x2x6x7x8xf32>
  return %y : tensor<1x2x6x7x8xf32>
}

// -----

// Outer x len x inner x components, the transform length, the output extent, inverse, irfft.
// CHECK-LABEL: func.func @dft
// CHECK: kernel.call "mc::dft" ins(%{{.+}} : memref<2x10x3x1xf32>) outs(%{{.+}} : memref<2x6x3x2xf32>)
// CHECK-SAME: params = array<i64: 2, 10, 3, 1, 10, 6, 0, 0>, tasks = 36 : i64
func.func @dft(%x: tensor<2x10x3x1xf32>) -> tensor<2x6x3x2xf32> {
  %y = graph.dft %x {axis = 1 : i64, dft_length = 10 : i64, inverse = false, onesided = true} : (tensor<2x10x3x1xf32>) -> tensor<2x6x3x2xf32>
  return %y : tensor<2x6x3x2xf32>
}

// -----

// CHECK-LABEL: func.func @stft
// CHECK: %[[WIN:.+]] = kernel.weight dense<0.000000e+00> : tensor<1xf32>
// CHECK: kernel.call "mc::stft" ins(%{{.+}}, %[[WIN]] : memref<1x16x1xf32>, memref<1xf32>)
// CHECK-SAME: params = array<i64: 1, 16, 1, 3, 3, 6, 4, 0>, tasks = 9 : i64
func.func @stft(%x: tensor<1x16x1xf32>) -> tensor<1x3x3x2xf32> {
  %y = graph.stft %x {frame_length = 4 : i64, frame_step = 6 : i64, onesided = true} : (tensor<1x16x1xf32>) -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}
