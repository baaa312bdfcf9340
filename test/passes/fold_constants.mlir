// RUN: modelc-opt %s --modelc-fold-constants | FileCheck %s

// The Shape -> Gather -> Concat chain folds to a constant; the unused relu is dead.
// CHECK-LABEL: func.func @shape_chain
// CHECK-NOT: graph.shape
// CHECK-NOT: graph.gather
// CHECK-NOT: graph.relu
// CHECK: %[[C:.+]] = graph.constant dense<[1, 12]> : tensor<2xi64>
// CHECK: return %[[C]]
func.func @shape_chain(%x: tensor<1x3x4xf32>) -> tensor<2xi64> {
  %s = graph.shape %x {start = 0 : i64, end = 3 : i64} : (tensor<1x3x4xf32>) -> tensor<3xi64>
  %i0 = graph.constant dense<0> : tensor<1xi64>
  %d0 = graph.gather %s, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %i1 = graph.constant dense<1> : tensor<1xi64>
  %d1 = graph.gather %s, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %i2 = graph.constant dense<2> : tensor<1xi64>
  %d2 = graph.gather %s, %i2 {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %p = graph.mul %d1, %d2 : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %c = graph.concat %d0, %p {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %dead = graph.relu %x : tensor<1x3x4xf32>
  return %c : tensor<2xi64>
}
