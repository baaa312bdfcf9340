// RUN: modelc-opt %s --split-input-file --verify-diagnostics

// A result whose size depends on the data can only be a graph output for now.
func.func @nonzero_consumed(%x: tensor<2x3xf32>) -> tensor<6x2xi64> {
  // expected-error @+1 {{'graph.non_zero' op result #0 has a size that depends on the data, so it can only be a graph output for now, but 'graph.transpose' (node 'tr') reads it}}
  %y, %s = graph.non_zero %x : (tensor<2x3xf32>) -> (tensor<2x6xi64>, tensor<2xi64>)
  %t = graph.transpose %y {perm = array<i64: 1, 0>} : (tensor<2x6xi64>) -> tensor<6x2xi64> loc("tr")
  return %t : tensor<6x2xi64>
}

// -----

// Unique's inverse_indices has a static size and may be consumed.
func.func @unique_inverse(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y, %i, %v, %c, %ys, %is, %cs = graph.unique %x {axis = 0 : i64}
      : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>,
                            tensor<1xi64>, tensor<1xi64>, tensor<1xi64>)
  %g = graph.gather %x, %v {axis = 0 : i64} : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}

// -----

func.func @unique_counts(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result #3 has a size that depends on the data}}
  %y, %i, %v, %c, %ys, %is, %cs = graph.unique %x {axis = 0 : i64}
      : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>,
                            tensor<1xi64>, tensor<1xi64>, tensor<1xi64>)
  %g = graph.gather %x, %c {axis = 0 : i64} : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}
