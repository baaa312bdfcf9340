// RUN: modelc-opt %s --modelc-lower-to-kernel --split-input-file | FileCheck %s

// Attention is one fused library call, one task per query row (B * Hq * Sq = 16). Params:
// Hq, Hkv, Sq, Skv, D, Dv; (batch, head, sequence) strides of Q (3-d layout: head stride D),
// K, V (4-d) and Y (3-d); the mask seen as 4-d (1, 1, 4, 6); HasMask, HasNonpad, Causal,
// Past, Left, Right, QkMode, softmax precision. fparams: sqrt(scale), softcap. An absent
// nonpad input is replaced by Q (unread); the scratch holds (Skv + Dv) doubles per row.
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.+]]: memref<1x4x24xf32> {kernel.io = "input"}, %[[K:.+]]: memref<1x2x6x6xf32> {kernel.io = "input"}, %[[V:.+]]: memref<1x2x6x5xf32> {kernel.io = "input"}, %[[M:.+]]: memref<4x6xi1> {kernel.io = "input"}
// CHECK: %[[Y:.+]] = kernel.alloc : memref<1x4x20xf32>
// CHECK: %[[QK:.+]] = kernel.alloc : memref<1x4x4x6xf32>
// CHECK: %[[S:.+]] = kernel.alloc : memref<1408xi8>
// CHECK: kernel.call "mc::attention" ins(%[[Q]], %[[K]], %[[V]], %[[M]], %[[Q]] : {{.*}}) outs(%[[Y]], %[[QK]], %[[S]] : {{.*}})
// CHECK-SAME: fparams = array<f64: 5.000000e-01, 0.000000e+00>
// CHECK-SAME: params = array<i64: 4, 2, 4, 6, 6, 5, 96, 6, 24, 72, 36, 6, 60, 30, 5, 80, 5, 20, 1, 1, 4, 6, 1, 0, 1, 2, -1, -1, 3, 11>
// CHECK-SAME: tasks = 16 : i64
func.func @attention(%q: tensor<1x4x24xf32>, %k: tensor<1x2x6x6xf32>, %v: tensor<1x2x6x5xf32>, %m: tensor<4x6xi1>) -> (tensor<1x4x20xf32>, tensor<1x4x4x6xf32>) {
  %y, %qk = graph.attention %q, %k, %v mask(%m : tensor<4x6xi1>) {q_num_heads = 4 : i64, kv_num_heads = 2 : i64, scale = 0.25 : f64, is_causal = true, kv_offset = 2 : i64, qk_mode = 3 : i64, softmax_precision = 11 : i64} : (tensor<1x4x24xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x5xf32>) -> tensor<1x4x20xf32>, tensor<1x4x4x6xf32>
  return %y, %qk : tensor<1x4x20xf32>, tensor<1x4x4x6xf32>
}

// -----

// Without the qk result the kernel gets a one-element placeholder it never writes; float16
// rows accumulate in float (4-byte scratch).
// CHECK-LABEL: func.func @attention_fp16
// CHECK: %[[QK:.+]] = kernel.alloc : memref<1xf16>
// CHECK: %[[S:.+]] = kernel.alloc : memref<1344xi8>
// CHECK: kernel.call "mc::attention"
// CHECK-SAME: fparams = array<f64: 0.35355339059327379, 2.000000e+00>
// CHECK-SAME: params = array<i64: 3, 3, 4, 6, 8, 8, 96, 32, 8, 144, 48, 8, 144, 48, 8, 96, 32, 8, 1, 1, 1, 1, 0, 0, 0, 0, -1, -1, -1, 0>
func.func @attention_fp16(%q: tensor<2x3x4x8xf16>, %k: tensor<2x3x6x8xf16>, %v: tensor<2x3x6x8xf16>) -> tensor<2x3x4x8xf16> {
  %y = graph.attention %q, %k, %v {q_num_heads = 3 : i64, kv_num_heads = 3 : i64, scale = 0.125 : f64, softcap = 2.0 : f64} : (tensor<2x3x4x8xf16>, tensor<2x3x6x8xf16>, tensor<2x3x6x8xf16>) -> tensor<2x3x4x8xf16>
  return %y : tensor<2x3x4x8xf16>
}

// -----

// Einsum: letters b, i, k (output) then j (summed); extents, then each operand's stride per
// letter (0 where the letter is missing or broadcast: the size-1 batch of %b).
// CHECK-LABEL: func.func @einsum
// CHECK: kernel.call "mc::einsum2" ins(%{{.+}}, %{{.+}} : memref<5x2x3xf64>, memref<1x3x4xf64>)
// CHECK-SAME: params = array<i64: 3, 1, 5, 2, 4, 3, 6, 3, 0, 1, 0, 0, 1, 4>, tasks = 40 : i64
func.func @einsum(%a: tensor<5x2x3xf64>, %b: tensor<1x3x4xf64>) -> tensor<5x2x4xf64> {
  %y = graph.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<5x2x3xf64>, tensor<1x3x4xf64>) -> tensor<5x2x4xf64>
  return %y : tensor<5x2x4xf64>
}

// -----

// A repeated letter (a diagonal) adds its strides: i has stride 5 + 1.
// CHECK-LABEL: func.func @diag
// CHECK: kernel.call "mc::einsum1" ins(%{{.+}} : memref<3x5x5xf64>)
// CHECK-SAME: params = array<i64: 2, 0, 3, 5, 25, 6>, tasks = 15 : i64
func.func @diag(%a: tensor<3x5x5xf64>) -> tensor<3x5xf64> {
  %y = graph.einsum %a {equation = "Aii->Ai"} : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
  return %y : tensor<3x5xf64>
}

// -----

// Det: one task per matrix with N * N doubles of scratch each.
// CHECK-LABEL: func.func @det
// CHECK: %[[S:.+]] = kernel.alloc : memref<96xi8>
// CHECK: kernel.call "mc::det" ins(%{{.+}} : memref<3x2x2xf32>) outs(%{{.+}}, %[[S]] : memref<3xf32>, memref<96xi8>)
// CHECK-SAME: params = array<i64: 2>, tasks = 3 : i64
func.func @det(%x: tensor<3x2x2xf32>) -> tensor<3xf32> {
  %y = graph.det %x : (tensor<3x2x2xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// MatMul on float64 is a library call (kernel.gemm is float32): M, N, K, no transposes, no
// C, then the broadcast batch (3, 2) and each operand's batch strides.
// CHECK-LABEL: func.func @matmul_f64
// CHECK-NOT: kernel.gemm
// CHECK: kernel.call "mc::matmul" ins(%[[A:[^,]+]], %{{.+}}, %[[A]] : memref<3x1x2x4xf64>, memref<2x4x5xf64>, memref<3x1x2x4xf64>)
// CHECK-SAME: params = array<i64: 2, 5, 4, 0, 0, 0, 0, 0, 2, 3, 2, 8, 0, 0, 20>, tasks = 12 : i64
func.func @matmul_f64(%a: tensor<3x1x2x4xf64>, %b: tensor<2x4x5xf64>) -> tensor<3x2x2x5xf64> {
  %y = graph.matmul %a, %b : (tensor<3x1x2x4xf64>, tensor<2x4x5xf64>) -> tensor<3x2x2x5xf64>
  return %y : tensor<3x2x2x5xf64>
}

// -----

// float32 MatMul stays kernel.gemm.
// CHECK-LABEL: func.func @matmul_f32
// CHECK-NOT: kernel.call
// CHECK: kernel.gemm
func.func @matmul_f32(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %y = graph.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Gemm on int32 with both transposes and a row-vector C (strides 0 along M, 1 along N).
// CHECK-LABEL: func.func @gemm_i32
// CHECK: kernel.call "mc::matmul" ins(%{{.+}}, %{{.+}}, %{{.+}} : memref<4x3xi32>, memref<5x4xi32>, memref<5xi32>)
// CHECK-SAME: fparams = array<f64: 1.000000e+00, 1.000000e+00>
// CHECK-SAME: params = array<i64: 3, 5, 4, 1, 1, 1, 0, 1, 0>, tasks = 3 : i64
func.func @gemm_i32(%a: tensor<4x3xi32>, %b: tensor<5x4xi32>, %c: tensor<5xi32>) -> tensor<3x5xi32> {
  %y = graph.gemm %a, %b, %c {trans_a = true, trans_b = true} : (tensor<4x3xi32>, tensor<5x4xi32>, tensor<5xi32>) -> tensor<3x5xi32>
  return %y : tensor<3x5xi32>
}

// -----

// Integer Conv (ConvInteger, QLinearConv) is a direct library convolution: C, M, group,
// HasBias, spatial rank, then input, kernel and output extents, strides, begin pads, dilations.
// CHECK-LABEL: func.func @conv_i32
// CHECK-NOT: kernel.conv
// CHECK: kernel.call "mc::conv"
// CHECK-SAME: params = array<i64: 2, 4, 2, 0, 2, 5, 5, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1>, tasks = 36 : i64
func.func @conv_i32(%x: tensor<1x2x5x5xi32>, %w: tensor<4x1x3x3xi32>) -> tensor<1x4x3x3xi32> {
  %y = graph.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi32>, tensor<4x1x3x3xi32>) -> tensor<1x4x3x3xi32>
  return %y : tensor<1x4x3x3xi32>
}

// -----

// RotaryEmbedding: H, S, D, rotary dim, interleaved, 3-d layout, position ids, cache rows.
// CHECK-LABEL: func.func @rotary
// CHECK: kernel.call "mc::rotary_embedding" ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : memref<2x3x32xf32>, memref<50x2xf32>, memref<50x2xf32>, memref<2x3xi64>)
// CHECK-SAME: params = array<i64: 4, 3, 8, 4, 1, 1, 1, 50>, tasks = 24 : i64
func.func @rotary(%x: tensor<2x3x32xf32>, %c: tensor<50x2xf32>, %s: tensor<50x2xf32>, %p: tensor<2x3xi64>) -> tensor<2x3x32xf32> {
  %y = graph.rotary_embedding %x, %c, %s, %p {num_heads = 4 : i64, rotary_dim = 4 : i64, interleaved = true} : (tensor<2x3x32xf32>, tensor<50x2xf32>, tensor<50x2xf32>, tensor<2x3xi64>) -> tensor<2x3x32xf32>
  return %y : tensor<2x3x32xf32>
}

// -----

// LinearAttention: one task per (batch, kv head); T, Hq, Hkv, dk, dv, rule, HasPast,
// per-key decay, beta heads; the absent past state is replaced by the query (unread).
// CHECK-LABEL: func.func @linear_attention
// CHECK-SAME: (%[[Q:[^:]+]]: memref<2x4x64xf32>
// CHECK: %[[S:.+]] = kernel.alloc : memref<2304xi8>
// CHECK: kernel.call "mc::linear_attention" ins(%[[Q]], %{{[^,]+}}, %{{[^,]+}}, %[[Q]], %{{[^,]+}}, %{{[^,]+}} :
// CHECK-SAME: fparams = array<f64: 5.000000e-01>, params = array<i64: 4, 8, 4, 8, 8, 3, 0, 0, 1>, tasks = 8 : i64
func.func @linear_attention(%q: tensor<2x4x64xf32>, %k: tensor<2x4x32xf32>, %v: tensor<2x4x32xf32>, %d: tensor<2x4x4xf32>, %b: tensor<2x4x1xf32>) -> (tensor<2x4x64xf32>, tensor<2x4x8x8xf32>) {
  %o, %s = graph.linear_attention %q, %k, %v decay(%d : tensor<2x4x4xf32>) beta(%b : tensor<2x4x1xf32>) {q_num_heads = 8 : i64, kv_num_heads = 4 : i64, scale = 0.5 : f64, update_rule = 3 : i64} : (tensor<2x4x64xf32>, tensor<2x4x32xf32>, tensor<2x4x32xf32>) -> tensor<2x4x64xf32>, tensor<2x4x8x8xf32>
  return %o, %s : tensor<2x4x64xf32>, tensor<2x4x8x8xf32>
}
