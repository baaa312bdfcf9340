// RUN: modelc-opt %s --modelc-fold-constants --split-input-file | FileCheck %s

// Small constant reductions (the shape arithmetic of exported models) fold on the host.
// CHECK-LABEL: func.func @fold_ints
// CHECK-NOT: graph.reduce
// CHECK-DAG: graph.constant dense<24> : tensor<i64>
// CHECK-DAG: graph.constant dense<[9, -6]> : tensor<2xi64>
// CHECK-DAG: graph.constant dense<{{\[}}[-7], [1]]> : tensor<2x1xi64>
// CHECK-DAG: graph.constant dense<[2, 3, 4]> : tensor<3xi64>
func.func @fold_ints() -> (tensor<i64>, tensor<2xi64>, tensor<2x1xi64>, tensor<3xi64>) {
  %s = graph.constant dense<[2, 3, 4]> : tensor<3xi64>
  %k = graph.constant dense<[[3, -7], [6, 1]]> : tensor<2x2xi64>
  %p = graph.reduce %s {kind = 4 : i32, axes = array<i64: 0>, keepdims = false} : (tensor<3xi64>) -> tensor<i64>
  %c = graph.reduce %k {kind = 0 : i32, axes = array<i64: 0>, keepdims = false} : (tensor<2x2xi64>) -> tensor<2xi64>
  %m = graph.reduce %k {kind = 3 : i32, axes = array<i64: 1>} : (tensor<2x2xi64>) -> tensor<2x1xi64>
  // No axes: max is the identity.
  %i = graph.reduce %s {kind = 2 : i32, axes = array<i64>} : (tensor<3xi64>) -> tensor<3xi64>
  return %p, %c, %m, %i : tensor<i64>, tensor<2xi64>, tensor<2x1xi64>, tensor<3xi64>
}

// -----

// Float kinds, including the maps and finalizers (mean, L2, log-sum-exp).
// CHECK-LABEL: func.func @fold_floats
// CHECK-NOT: graph.reduce
// CHECK-DAG: graph.constant dense<2.500000e+00> : tensor<f32>
// CHECK-DAG: graph.constant dense<5.000000e+00> : tensor<f32>
// CHECK-DAG: graph.constant dense<[4.04858732, 4.0001235]> : tensor<2xf32>
func.func @fold_floats() -> (tensor<f32>, tensor<f32>, tensor<2xf32>) {
  %x = graph.constant dense<[[0.0, 4.0], [3.0, 3.0]]> : tensor<2x2xf32>
  %mean = graph.reduce %x {kind = 1 : i32, axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x2xf32>) -> tensor<f32>
  %v = graph.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %l2 = graph.reduce %v {kind = 6 : i32, axes = array<i64: 0>, keepdims = false} : (tensor<2xf32>) -> tensor<f32>
  %w = graph.constant dense<[[1.0, 4.0], [-5.0, 4.0]]> : tensor<2x2xf32>
  %lse = graph.reduce %w {kind = 8 : i32, axes = array<i64: 1>, keepdims = false} : (tensor<2x2xf32>) -> tensor<2xf32>
  return %mean, %l2, %lse : tensor<f32>, tensor<f32>, tensor<2xf32>
}

// -----

// A reduction of a non-constant stays.
// CHECK-LABEL: func.func @no_fold
// CHECK: graph.reduce
func.func @no_fold(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %y = graph.reduce %x {kind = 0 : i32, axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// Integer folds wrap around in two's complement as numpy does (|INT64_MIN| is INT64_MIN), and
// the compiler itself does no signed overflow (a fuzzer finding).
// CHECK-LABEL: func.func @fold_wrapping
// CHECK-NOT: graph.reduce
// CHECK-DAG: graph.constant dense<-9223372036854775805> : tensor<i64>
// CHECK-DAG: graph.constant dense<-9223372036854775808> : tensor<i64>
// CHECK-DAG: graph.constant dense<0> : tensor<i64>
func.func @fold_wrapping() -> (tensor<i64>, tensor<i64>, tensor<i64>) {
  %a = graph.constant dense<[-9223372036854775808, 3]> : tensor<2xi64>
  %l1 = graph.reduce %a {kind = 5 : i32, axes = array<i64: 0>, keepdims = false} : (tensor<2xi64>) -> tensor<i64>
  %b = graph.constant dense<[9223372036854775807, 1]> : tensor<2xi64>
  %sum = graph.reduce %b {kind = 0 : i32, axes = array<i64: 0>, keepdims = false} : (tensor<2xi64>) -> tensor<i64>
  %c = graph.constant dense<[4611686018427387904, 4]> : tensor<2xi64>
  %prod = graph.reduce %c {kind = 4 : i32, axes = array<i64: 0>, keepdims = false} : (tensor<2xi64>) -> tensor<i64>
  return %l1, %sum, %prod : tensor<i64>, tensor<i64>, tensor<i64>
}
