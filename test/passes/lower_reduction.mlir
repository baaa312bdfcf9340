// RUN: modelc-opt %s --modelc-lower-to-kernel --split-input-file | FileCheck %s

// A reduction without keepdims writes the keepdims view of its result; 16-bit floats
// accumulate in f32 (extended in map, truncated in finalize).
// CHECK-LABEL: func.func @sum_f16
// CHECK: %[[BUF:.+]] = kernel.alloc : memref<2x4xf16>
// CHECK: %[[V:.+]] = kernel.view %[[BUF]] : memref<2x4xf16> to memref<2x1x4xf16>
// CHECK: kernel.reduce ins(%{{.+}} : memref<2x3x4xf16>) outs(%[[V]] : memref<2x1x4xf16>)
// CHECK-SAME: axes = array<i64: 1>, init = 0.000000e+00 : f32
// CHECK: map
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: combine
// CHECK: arith.addf
// CHECK: finalize
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @sum_f16(%x: tensor<2x3x4xf16>) -> tensor<2x4xf16> {
  %y = graph.reduce %x {kind = 0 : i32, axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf16>) -> tensor<2x4xf16>
  return %y : tensor<2x4xf16>
}

// -----

// Mean divides by the group size in finalize; max starts from -inf.
// CHECK-LABEL: func.func @mean_max
// CHECK: kernel.reduce {{.+}} attributes {axes = array<i64: 0, 1>, init = 0.000000e+00 : f32}
// CHECK: finalize
// CHECK: %[[N:.+]] = arith.constant 6.000000e+00 : f32
// CHECK: arith.divf %{{.+}}, %[[N]] : f32
// CHECK: kernel.reduce {{.+}} attributes {axes = array<i64: 1>, init = 0xFF800000 : f32}
// CHECK: combine
// CHECK: arith.maximumf
func.func @mean_max(%x: tensor<2x3xf32>) -> (tensor<1x1xf32>, tensor<2x1xf32>) {
  %m = graph.reduce %x {kind = 1 : i32, axes = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  %y = graph.reduce %x {kind = 2 : i32, axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %m, %y : tensor<1x1xf32>, tensor<2x1xf32>
}

// -----

// Integer reductions keep their type; unsigned max compares unsigned from 0, signed min
// starts at the type's largest value.
// CHECK-LABEL: func.func @ints
// CHECK: kernel.reduce ins(%{{.+}} : memref<4xui8>) {{.+}} init = 0 : i8
// CHECK: arith.maxui
// CHECK: kernel.reduce ins(%{{.+}} : memref<4xi32>) {{.+}} init = 2147483647 : i32
// CHECK: arith.minsi
// CHECK: kernel.reduce ins(%{{.+}} : memref<4xi1>) {{.+}} init = false
// CHECK: arith.maxui
func.func @ints(%a: tensor<4xui8>, %b: tensor<4xi32>, %c: tensor<4xi1>) -> (tensor<1xui8>, tensor<1xi32>, tensor<1xi1>) {
  %x = graph.reduce %a {kind = 2 : i32, axes = array<i64: 0>} : (tensor<4xui8>) -> tensor<1xui8>
  %y = graph.reduce %b {kind = 3 : i32, axes = array<i64: 0>} : (tensor<4xi32>) -> tensor<1xi32>
  %z = graph.reduce %c {kind = 2 : i32, axes = array<i64: 0>} : (tensor<4xi1>) -> tensor<1xi1>
  return %x, %y, %z : tensor<1xui8>, tensor<1xi32>, tensor<1xi1>
}

// -----

// LogSumExp: a max reduction first, whose result shifts the exponentials of the second
// (an extra operand of map and finalize).
// CHECK-LABEL: func.func @log_sum_exp
// CHECK: %[[OUT:.+]] = kernel.alloc : memref<2x1xf32>
// CHECK: %[[MAX:.+]] = kernel.alloc : memref<2x1xf32>
// CHECK: kernel.reduce ins(%{{.+}} : memref<2x5xf32>) outs(%[[MAX]] : memref<2x1xf32>)
// CHECK: arith.maximumf
// CHECK: kernel.reduce ins(%{{.+}} : memref<2x5xf32>) outs(%[[OUT]] : memref<2x1xf32>) extra(%[[MAX]] : memref<2x1xf32>)
// CHECK: map
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: finalize
// CHECK: math.log
func.func @log_sum_exp(%x: tensor<2x5xf32>) -> tensor<2x1xf32> {
  %y = graph.reduce %x {kind = 8 : i32, axes = array<i64: 1>} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// L1 maps abs, L2 squares and takes the root, SumSquare squares; noop axes ([]) keep the map.
// CHECK-LABEL: func.func @norms
// CHECK: kernel.reduce {{.+}}axes = array<i64: 1>
// CHECK: math.absf
// CHECK: kernel.reduce {{.+}}axes = array<i64: 1>
// CHECK: arith.mulf
// CHECK: math.sqrt
// CHECK: kernel.reduce ins(%{{.+}} : memref<2x3xf32>) outs(%{{.+}} : memref<2x3xf32>) attributes {axes = array<i64>
// CHECK: arith.mulf
func.func @norms(%x: tensor<2x3xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x3xf32>) {
  %a = graph.reduce %x {kind = 5 : i32, axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %b = graph.reduce %x {kind = 6 : i32, axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %c = graph.reduce %x {kind = 9 : i32, axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %a, %b, %c : tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x3xf32>
}

// -----

// Axis-wise ops are library calls over outer x len x inner: params (outer, len, inner, ...).
// CHECK-LABEL: func.func @axis_ops
// CHECK: kernel.call "mc::argreduce" ins(%{{.+}} : memref<2x3x4xf32>) outs(%{{.+}} : memref<2x1x4xi64>) {cost = 3 : i64, params = array<i64: 2, 3, 4, 1, 1>, tasks = 8 : i64}
// CHECK: kernel.call "mc::hardmax" {{.+}} params = array<i64: 6, 4, 1>, tasks = 6
// CHECK: kernel.call "mc::cumprod" {{.+}} params = array<i64: 1, 2, 12, 0, 1>, tasks = 12
// CHECK: kernel.call "mc::topk" ins(%{{.+}} : memref<2x3x4xf32>) outs(%{{.+}}, %{{.+}} : memref<2x2x4xf32>, memref<2x2x4xi64>) {{.+}} params = array<i64: 2, 3, 4, 2, 0>, tasks = 8
// CHECK: kernel.call "mc::softmax" {{.+}} params = array<i64: 2, 3, 4, 1>, tasks = 8
func.func @axis_ops(%x: tensor<2x3x4xf32>) -> (tensor<2x1x4xi64>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xi64>, tensor<2x3x4xf32>) {
  %a = graph.arg_min %x {axis = 1 : i64, keepdims = true, select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  %h = graph.hardmax %x {axis = 2 : i64} : tensor<2x3x4xf32>
  %c = graph.cum_prod %x {axis = 0 : i64, reverse = true} : tensor<2x3x4xf32>
  %v, %i = graph.top_k %x {axis = 1 : i64, k = 2 : i64, largest = false} : (tensor<2x3x4xf32>) -> (tensor<2x2x4xf32>, tensor<2x2x4xi64>)
  %s = graph.softmax %x {axis = 1 : i64, log = true} : tensor<2x3x4xf32>
  return %a, %h, %c, %v, %i, %s : tensor<2x1x4xi64>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xi64>, tensor<2x3x4xf32>
}

// -----

// Layer norm: one task per row; a scale smaller than the normalized shape is broadcast into
// a buffer first; without a bias the scale stands in (HasBias = 0, last param).
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[S:.+]] = kernel.alloc : memref<3x4xf32>
// CHECK: kernel.elementwise ins(%{{.+}} : memref<4xf32>) outs(%[[S]] : memref<3x4xf32>)
// CHECK: kernel.call "mc::normalize" ins(%{{.+}}, %[[S]], %[[S]] : memref<2x3x4xf32>, memref<3x4xf32>, memref<3x4xf32>) outs(%{{.+}}, %{{.+}}, %{{.+}} : memref<2x3x4xf32>, memref<2x1x1xf64>, memref<2x1x1xf64>)
// CHECK-SAME: fparams = array<f64: 0.0099999997764825821>, params = array<i64: 2, 12, 1, 1, 0, 0>, tasks = 2
func.func @layer_norm(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf64>) {
  %y, %m, %i = graph.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-02 : f32, stash_type = f64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf64>, tensor<2x1x1xf64>)
  return %y, %i : tensor<2x3x4xf32>, tensor<2x1x1xf64>
}

// -----

// Group norm over N x C x S: rows are (n, group), parameters per channel
// (params rows, len, RowMod = groups, Div = S, Rms, HasBias); statistics are scratch.
// CHECK-LABEL: func.func @group_norm
// CHECK: kernel.call "mc::normalize" {{.+}} outs(%{{.+}}, %{{.+}}, %{{.+}} : memref<2x4x3xf32>, memref<4xf32>, memref<4xf32>)
// CHECK-SAME: params = array<i64: 4, 6, 2, 3, 0, 1>, tasks = 4
func.func @group_norm(%x: tensor<2x4x3xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3xf32> {
  %y = graph.group_norm %x, %s, %b {num_groups = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

// Losses and LRN: reduction 2 (mean) is one task; ignore_index -1 is a parameter.
// CHECK-LABEL: func.func @loss_lrn
// CHECK: kernel.call "mc::nll_loss" ins(%{{.+}}, %{{.+}}, %{{.+}} : memref<3x5x2xf32>, memref<3x2xi64>, memref<5xf32>) outs(%{{.+}} : memref<f32>) {cost = 6 : i64, params = array<i64: 3, 5, 2, 2, 1, 1, -1>, tasks = 1 : i64}
// CHECK: kernel.call "mc::lrn" {{.+}} fparams = array<f64: 9.9999997473787516E-5, 7.500000e-01, 1.000000e+00>, params = array<i64: 1, 8, 4, 3>, tasks = 32
func.func @loss_lrn(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>, %z: tensor<1x8x2x2xf32>) -> (tensor<f32>, tensor<1x8x2x2xf32>) {
  %l = graph.nll_loss %x, %t, %w {reduction = 2 : i32, ignore_index = -1 : i64} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  %n = graph.lrn %z {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32, size = 3 : i64} : tensor<1x8x2x2xf32>
  return %l, %n : tensor<f32>, tensor<1x8x2x2xf32>
}
