// RUN: modelc-opt %s | modelc-opt | FileCheck %s

// Graph ops print and parse back; result types are inferred and checked.
// CHECK-LABEL: func.func @ops
// CHECK: graph.conv %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x3x3xf32>
// CHECK: graph.pool %{{.+}} {ceil_mode = true
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
// CHECK: graph.gather
func.func @ops(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x1x1xf32>, %a: tensor<2x3x4xf32>, %v: tensor<4xf32>, %i: tensor<2xi64>) -> (tensor<1x3x3x3xf32>, tensor<1x2x3x3xf32>, tensor<2x3xf32>, tensor<2x3x2xf32>) {
  %c = graph.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x3x3xf32>
  %p = graph.pool %x {kind = 0 : i32, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %m = graph.matmul %a, %v : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  %g = graph.gather %a, %i {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x3x2xf32>
  return %c, %p, %m, %g : tensor<1x3x3x3xf32>, tensor<1x2x3x3xf32>, tensor<2x3xf32>, tensor<2x3x2xf32>
}
