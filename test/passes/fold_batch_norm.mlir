// RUN: modelc-opt %s --modelc-fold-batch-norm | FileCheck %s

// s = 2 / sqrt(3 + 1) = 1; W' = W * 1; b' = (0.5 - 1) * 1 + 0.25 = -0.25.
// CHECK-LABEL: func.func @conv_bn
// CHECK-NOT: graph.batch_norm
// CHECK: %[[B:.+]] = graph.constant dense<-2.500000e-01> : tensor<2xf32>
// CHECK: graph.conv %{{.+}}, %{{.+}}, %[[B]]
func.func @conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<2x1x3x3xf32>
  %b = graph.constant dense<0.5> : tensor<2xf32>
  %g = graph.constant dense<2.0> : tensor<2xf32>
  %beta = graph.constant dense<0.25> : tensor<2xf32>
  %m = graph.constant dense<1.0> : tensor<2xf32>
  %v = graph.constant dense<3.0> : tensor<2xf32>
  %c = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = graph.batch_norm %c, %g, %beta, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
