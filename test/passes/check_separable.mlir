// RUN: modelc-opt %s --split-input-file --modelc-check-separable=dim=N | FileCheck %s

// Conv, BatchNorm, pool, broadcast bias, flatten keeping axis 0, Gemm on A's rows: the batch
// axis stays separate and the result is tagged.
// CHECK-LABEL: func.func @cnn
// CHECK-SAME: -> (tensor<4x10xf32> {graph.dims = {N = 0 : i64}, graph.name = "y"})
func.func @cnn(%x: tensor<4x3x8x8xf32> {graph.dims = {N = 0 : i64}, graph.name = "x"})
    -> (tensor<4x10xf32> {graph.name = "y"}) {
  %w = graph.constant dense<1.0> : tensor<8x3x3x3xf32>
  %c = graph.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<4x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<4x8x8x8xf32>
  %s = graph.constant dense<1.0> : tensor<8xf32>
  %bn = graph.batch_norm %c, %s, %s, %s, %s {epsilon = 1.0e-5 : f32} : (tensor<4x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8x8x8xf32>
  %b = graph.constant dense<0.5> : tensor<1x8x1x1xf32>
  %a = graph.add %bn, %b : (tensor<4x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<4x8x8x8xf32>
  %r = graph.relu %a : tensor<4x8x8x8xf32>
  %p = graph.pool %r {kind = 0 : i32, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<4x8x8x8xf32>) -> tensor<4x8x4x4xf32>
  %f = graph.reshape %p : (tensor<4x8x4x4xf32>) -> tensor<4x128xf32>
  %gw = graph.constant dense<1.0> : tensor<10x128xf32>
  %gb = graph.constant dense<1.0> : tensor<10xf32>
  %g = graph.gemm %f, %gw, %gb {trans_b = true} : (tensor<4x128xf32>, tensor<10x128xf32>, tensor<10xf32>) -> tensor<4x10xf32>
  %sm = graph.softmax %g {axis = 1 : i64} : tensor<4x10xf32>
  return %sm : tensor<4x10xf32>
}

// -----

// Transpose moves the axis and moves it back; a reduction and a batched MatMul over other
// axes keep it; a result independent of N is not tagged.
// CHECK-LABEL: func.func @moves
// CHECK-SAME: -> (tensor<2x5x3xf32> {graph.dims = {N = 0 : i64}}, tensor<3xf32>)
func.func @moves(%x: tensor<2x3x5xf32> {graph.dims = {N = 0 : i64}})
    -> (tensor<2x5x3xf32>, tensor<3xf32>) {
  %t = graph.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x5xf32>) -> tensor<3x5x2xf32>
  %e = graph.exp %t : tensor<3x5x2xf32>
  %u = graph.transpose %e {perm = array<i64: 2, 1, 0>} : (tensor<3x5x2xf32>) -> tensor<2x5x3xf32>
  %w = graph.constant dense<1.0> : tensor<3x3xf32>
  %m = graph.matmul %u, %w : (tensor<2x5x3xf32>, tensor<3x3xf32>) -> tensor<2x5x3xf32>
  %k = graph.constant dense<2.0> : tensor<3xf32>
  %n = graph.neg %k : tensor<3xf32>
  return %m, %n : tensor<2x5x3xf32>, tensor<3xf32>
}

// -----

// Reductions, Softmax, Slice, Concat and Gather over other axes keep the batch axis.
// CHECK-LABEL: func.func @other_axes
// CHECK-SAME: -> (tensor<2x4xf32> {graph.dims = {N = 0 : i64}})
func.func @other_axes(%x: tensor<2x3x4xf32> {graph.dims = {N = 0 : i64}}) -> tensor<2x4xf32> {
  %s = graph.softmax %x {axis = 2 : i64} : tensor<2x3x4xf32>
  %sl = graph.slice %s {starts = array<i64: 0, 1, 0>, steps = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x2x4xf32>
  %c = graph.concat %sl, %s {axis = 1 : i64} : (tensor<2x2x4xf32>, tensor<2x3x4xf32>) -> tensor<2x5x4xf32>
  %i = graph.constant dense<[0, 2]> : tensor<2xi64>
  %g = graph.gather %c, %i {axis = 1 : i64} : (tensor<2x5x4xf32>, tensor<2xi64>) -> tensor<2x2x4xf32>
  %r = graph.reduce %g {kind = 0 : i32, axes = array<i64: 1>, keepdims = false} : (tensor<2x2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// Token ids [N, T] looked up in an embedding table: the result carries N at axis 0.
// CHECK-LABEL: func.func @embedding
// CHECK-SAME: -> (tensor<2x3x4xf32> {graph.dims = {N = 0 : i64}})
func.func @embedding(%ids: tensor<2x3xi64> {graph.dims = {N = 0 : i64}}) -> tensor<2x3x4xf32> {
  %e = graph.constant dense<1.0> : tensor<10x4xf32>
  %g = graph.gather %e, %ids {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %g : tensor<2x3x4xf32>
}

// -----

// Constants that are the same for every batch index broadcast: a splat added to the input, and
// a class token expanded to the batch (what Expand(cls, [N, 1, 4]) folds to) joined to it.
// CHECK-LABEL: func.func @uniform_constants
// CHECK-SAME: -> (tensor<2x4x4xf32> {graph.dims = {N = 0 : i64}})
func.func @uniform_constants(%x: tensor<2x3x4xf32> {graph.dims = {N = 0 : i64}}) -> tensor<2x4x4xf32> {
  %s = graph.constant dense<0.5> : tensor<2x3x4xf32>
  %a = graph.add %x, %s : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %cls = graph.constant dense<[[[1.0, 2.0, 3.0, 4.0]], [[1.0, 2.0, 3.0, 4.0]]]> : tensor<2x1x4xf32>
  %c = graph.concat %cls, %a {axis = 1 : i64} : (tensor<2x1x4xf32>, tensor<2x3x4xf32>) -> tensor<2x4x4xf32>
  return %c : tensor<2x4x4xf32>
}
