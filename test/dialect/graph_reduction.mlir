// RUN: modelc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// Reduction-family graph ops print, parse back and infer their result types.
// CHECK-LABEL: func.func @ops
// CHECK: graph.reduce %{{.+}} {axes = array<i64: 0, 2>, keepdims = false, kind = 6 : i32} : (tensor<2x3x4xf32>) -> tensor<3xf32>
// CHECK: graph.arg_max %{{.+}} {axis = 2 : i64, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x3xi64>
// CHECK: graph.top_k %{{.+}} {axis = 2 : i64, k = 3 : i64} : (tensor<2x3x4xf32>) -> (tensor<2x3x3xf32>, tensor<2x3x3xi64>)
// CHECK: graph.layer_norm %{{.+}}, %{{.+}} {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = f32} : (tensor<2x3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
// CHECK: graph.nll_loss %{{.+}}, %{{.+}} {reduction = 0 : i32} : (tensor<2x3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
func.func @ops(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %t: tensor<2x4xi64>) -> (tensor<3xf32>, tensor<2x3xi64>, tensor<2x3x3xf32>, tensor<2x3x4xf32>, tensor<2x4xf32>) {
  %r = graph.reduce %x {kind = 6 : i32, axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %a = graph.arg_max %x {axis = 2 : i64, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x3xi64>
  %v, %i = graph.top_k %x {axis = 2 : i64, k = 3 : i64} : (tensor<2x3x4xf32>) -> (tensor<2x3x3xf32>, tensor<2x3x3xi64>)
  %y, %m, %d = graph.layer_norm %x, %s {axis = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<2x3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  %l = graph.nll_loss %x, %t {reduction = 0 : i32} : (tensor<2x3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  return %r, %a, %v, %y, %l : tensor<3xf32>, tensor<2x3xi64>, tensor<2x3x3xf32>, tensor<2x3x4xf32>, tensor<2x4xf32>
}

// -----

func.func @unsorted_axes(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // expected-error @+2 {{reduce axes must be sorted, unique and in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = graph.reduce %x {kind = 0 : i32, axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

func.func @int_log(%x: tensor<2x3xi32>) -> tensor<2x1xi32> {
  // expected-error @+1 {{'log_sum' needs a floating-point input}}
  %y = graph.reduce %x {kind = 7 : i32, axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}

// -----

func.func @big_k(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>) {
  // expected-error @+2 {{k = 4 is out of range for axis 1 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %v, %i = graph.top_k %x {axis = 1 : i64, k = 4 : i64} : (tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return %v, %i : tensor<2x4xf32>, tensor<2x4xi64>
}

// -----

func.func @bad_groups(%x: tensor<1x6x2xf32>, %s: tensor<6xf32>) -> tensor<1x6x2xf32> {
  // expected-error @+1 {{num_groups 4 does not divide 6 channels}}
  %y = graph.group_norm %x, %s, %s {num_groups = 4 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<1x6x2xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x2xf32>
  return %y : tensor<1x6x2xf32>
}

// -----

func.func @bad_scale(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{does not broadcast to the normalized shape}}
  %y, %m, %d = graph.layer_norm %x, %s {axis = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<2x3x4xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  return %y : tensor<2x3x4xf32>
}

// -----

func.func @bad_target(%x: tensor<2x3x4xf32>, %t: tensor<2x3xi64>) -> tensor<f32> {
  // expected-error @+2 {{nll_loss expects input N x C x d1... and target N x d1...}}
  // expected-error @+1 {{failed to infer returned types}}
  %l = graph.nll_loss %x, %t {reduction = 1 : i32} : (tensor<2x3x4xf32>, tensor<2x3xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
