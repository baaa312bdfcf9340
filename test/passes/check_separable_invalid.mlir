// RUN: not modelc-opt %s --split-input-file --modelc-check-separable=dim=N --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s
// The ops carry their ONNX node names (NameLoc), so the diagnostics are checked as text.

func.func @softmax_over_batch(%x: tensor<4x10xf32> {graph.dims = {N = 0 : i64}}) -> tensor<4x10xf32> {
  // CHECK: error: {{.*}}--dim N: node 'sm' (Softmax) mixes elements along dimension N; --dim supports dimensions the model is separable along (batch)
  // CHECK-NEXT: note: {{.*}}it normalizes along axis 0, the dimension's axis
  %y = graph.softmax %x {axis = 0 : i64} : tensor<4x10xf32> loc("sm")
  return %y : tensor<4x10xf32>
}

// -----

func.func @reduce_over_batch(%x: tensor<4x10xf32> {graph.dims = {N = 0 : i64}}) -> tensor<10xf32> {
  // CHECK: error: {{.*}}node 'mean' (Reduce) mixes elements along dimension N
  // CHECK-NEXT: note: {{.*}}it reduces over axis 0
  %y = graph.reduce %x {kind = 1 : i32, axes = array<i64: 0>, keepdims = false} : (tensor<4x10xf32>) -> tensor<10xf32> loc("mean")
  return %y : tensor<10xf32>
}

// -----

// A constant with different rows per batch index: the model only works for N = 4.
func.func @per_index_constant(%x: tensor<4x2xf32> {graph.dims = {N = 0 : i64}}) -> tensor<4x2xf32> {
  %c = graph.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  // CHECK: error: {{.*}}node 'add' (Add) mixes elements along dimension N
  // CHECK-NEXT: note: {{.*}}an operand that does not depend on the dimension has size 4 along it with different values per index (only size 1 or equal slices broadcast)
  %y = graph.add %x, %c : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32> loc("add")
  return %y : tensor<4x2xf32>
}

// -----

func.func @flatten_batch(%x: tensor<4x10xf32> {graph.dims = {N = 0 : i64}}) -> tensor<40xf32> {
  // CHECK: error: {{.*}}node 'flat' (Reshape) mixes elements along dimension N
  // CHECK-NEXT: note: {{.*}}it merges or splits the dimension's axis with others
  %y = graph.reshape %x : (tensor<4x10xf32>) -> tensor<40xf32> loc("flat")
  return %y : tensor<40xf32>
}

// -----

func.func @concat_batch(%x: tensor<4x10xf32> {graph.dims = {N = 0 : i64}}) -> tensor<8x10xf32> {
  // CHECK: error: {{.*}}node 'cat' (Concat) mixes elements along dimension N
  // CHECK-NEXT: note: {{.*}}it concatenates along axis 0
  %y = graph.concat %x, %x {axis = 0 : i64} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<8x10xf32> loc("cat")
  return %y : tensor<8x10xf32>
}

// -----

func.func @gemm_contracts_batch(%x: tensor<4x10xf32> {graph.dims = {N = 0 : i64}}) -> tensor<10x10xf32> {
  %w = graph.constant dense<1.0> : tensor<4x10xf32>
  // CHECK: error: {{.*}}node 'g' (Gemm) mixes elements along dimension N
  // CHECK-NEXT: note: {{.*}}the dimension is the contracted axis of A
  %y = graph.gemm %x, %w {trans_a = true} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<10x10xf32> loc("g")
  return %y : tensor<10x10xf32>
}

// -----

func.func @transposed_output(%x: tensor<4x10xf32> {graph.dims = {N = 0 : i64}}) -> (tensor<10x4xf32> {graph.name = "y"}) {
  %y = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x10xf32>) -> tensor<10x4xf32>
  // CHECK: error: {{.*}}--dim N: output 'y' has N at dimension 1; the bundle offsets pointers along the outermost dimension, so N must be dimension 0
  return %y : tensor<10x4xf32>
}

// -----

func.func @unknown_op(%x: tensor<4x10xf32> {graph.dims = {N = 0 : i64}}) -> tensor<4x10xf32> {
  // CHECK: error: {{.*}}node 'cs' (CumSum) mixes elements along dimension N
  // CHECK-NEXT: note: {{.*}}modelc has no separability rule for this op
  %y = "graph.cum_sum"(%x) {axis = 1 : i64, exclusive = false, reverse = false} : (tensor<4x10xf32>) -> tensor<4x10xf32> loc("cs")
  return %y : tensor<4x10xf32>
}

// -----

// Concat with a per-index constant along another axis.
func.func @concat_per_index(%x: tensor<2x3xf32> {graph.dims = {N = 0 : i64}}) -> tensor<2x4xf32> {
  %c = graph.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  // CHECK: error: {{.*}}node 'join' (Concat) mixes elements along dimension N
  // CHECK-NEXT: note: {{.*}}an operand that does not depend on the dimension has different values per index along it
  %y = graph.concat %x, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32> loc("join")
  return %y : tensor<2x4xf32>
}
