//===- GraphLinalgOps.td - graph dialect: linalg ops ----------------------===//
//
// Graph ops of one family: attention, Einsum, Det and quantized contractions (MatMulInteger, QLinear*).
// Included by GraphOps.td, so Graph_Op, Graph_Tensor and the other base definitions are in
// scope. Type inference, verifiers and folders go in GraphLinalgOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_LINALG_OPS_TD
#define MODELC_GRAPH_LINALG_OPS_TD

def Graph_AttentionOp : Graph_Op<"attention", [InferTypeOpAdaptor, AttrSizedOperandSegments]> {
  let summary = "Fused scaled dot-product attention (ONNX Attention, opsets 23-25)";
  let description = [{
    Each of `q`, `k`, `v` is either 4-d (batch, heads, sequence, head size) or 3-d (batch,
    sequence, heads * head size) with `q_num_heads` / `kv_num_heads` heads; the result `y`
    has the layout of `q`. Query head h reads key/value head h / (q_num_heads / kv_num_heads)
    (grouped-query attention). Per query row the scores are
    `softcap(scale * q . k)` (softcap only when > 0), plus a bias that combines the optional
    `mask` (boolean: false is -inf; otherwise added; right-aligned broadcast over
    (batch, q heads, q sequence, kv sequence), keys beyond its last dimension are masked),
    causal masking (`is_causal`), the sliding window (`left_window` / `right_window`, -1 is
    unbounded) and the optional `nonpad_kv_seqlen` (keys j >= nonpad[b] are masked). Causal
    and window masks are aligned at offset `kv_offset` (the past sequence length), or at
    nonpad[b] - q sequence when `nonpad_kv_seqlen` is given. The softmax runs in the ONNX
    data type `softmax_precision` (0: the input type); a row whose bias is -inf everywhere
    is a zero row. `qk_mode` >= 0 adds the second result (batch, q heads, q sequence, kv
    sequence): 0 scaled QK, 1 after softcap, 2 with the bias, 3 the probabilities. Past key
    and value concatenation happens before this op (the importer emits graph.concat).

    ```mlir
    %y = graph.attention %q, %k, %v {is_causal = true, kv_num_heads = 3 : i64,
           q_num_heads = 3 : i64, scale = 0.35355339059327373 : f64}
         : (tensor<2x3x4x8xf32>, tensor<2x3x6x8xf32>, tensor<2x3x6x8xf32>)
         -> tensor<2x3x4x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$q, Graph_FloatTensor:$k, Graph_FloatTensor:$v,
                       Optional<Graph_Tensor>:$mask, Optional<Graph_I64Tensor>:$nonpad_kv_seqlen,
                       I64Attr:$q_num_heads, I64Attr:$kv_num_heads, F64Attr:$scale,
                       DefaultValuedAttr<F64Attr, "0.0">:$softcap,
                       DefaultValuedAttr<BoolAttr, "false">:$is_causal,
                       DefaultValuedAttr<I64Attr, "0">:$kv_offset,
                       DefaultValuedAttr<I64Attr, "-1">:$left_window,
                       DefaultValuedAttr<I64Attr, "-1">:$right_window,
                       DefaultValuedAttr<I64Attr, "-1">:$qk_mode,
                       DefaultValuedAttr<I64Attr, "0">:$softmax_precision);
  let results = (outs Graph_FloatTensor:$y, Optional<Graph_FloatTensor>:$qk);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`nonpad` `(` $nonpad_kv_seqlen^ `:` type($nonpad_kv_seqlen) `)`)?
    attr-dict `:` `(` type($q) `,` type($k) `,` type($v) `)` `->` type(results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Problem sizes: batch, heads, sequence lengths and head sizes.
    int64_t getBatch();
    int64_t getQSeq();
    int64_t getKvSeq();
    int64_t getHeadSize();
    int64_t getVHeadSize();
  }];
}

def Graph_EinsumOp : Graph_Op<"einsum", [InferTypeOpAdaptor]> {
  let summary = "Einstein summation of one or two operands (ONNX Einsum)";
  let description = [{
    `equation` is normalized by the importer: explicit output, no spaces and no ellipsis
    (ellipsis dimensions are renamed to unused letters), one term per operand. A letter
    repeated within a term takes a diagonal; letters missing from the output are summed.
    Size-1 dimensions broadcast against the other operand's extent of the same letter
    (numpy's ellipsis broadcasting). Einsums of more operands are chains of this op.

    ```mlir
    %z = graph.einsum %x, %y {equation = "bij,bjk->bik"}
         : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The equation's input terms and output term.
    llvm::SmallVector<llvm::StringRef> getInputTerms();
    llvm::StringRef getOutputTerm();
  }];
}

def Graph_DetOp : Graph_Op<"det", [InferTypeOpAdaptor]> {
  let summary = "Determinants of square matrices (ONNX Det)";
  let description = [{
    The input is [*, M, M]; the result [*] holds each matrix's determinant (LU with partial
    pivoting).

    ```mlir
    %d = graph.det %x : (tensor<3x2x2xf32>) -> tensor<3xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_RotaryEmbeddingOp : Graph_Op<"rotary_embedding", [InferTypeOpAdaptor]> {
  let summary = "Rotary positional embedding (ONNX RotaryEmbedding)";
  let description = [{
    `input` is (batch, heads, sequence, head size) or (batch, sequence, heads * head size)
    with `num_heads`. The first `rotary_dim` elements of every head vector are rotated by the
    angles of `cos_cache` / `sin_cache` (rows picked by `position_ids` when given, else
    (batch, sequence, rotary_dim / 2) caches), as halves or `interleaved` pairs; the rest is
    copied.

    ```mlir
    %y = graph.rotary_embedding %x, %cos, %sin, %pos {interleaved = false, num_heads = 4 : i64,
           rotary_dim = 8 : i64}
         : (tensor<2x4x3x8xf32>, tensor<50x4xf32>, tensor<50x4xf32>, tensor<2x3xi64>)
         -> tensor<2x4x3x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$cos_cache,
                       Graph_FloatTensor:$sin_cache, Optional<Graph_I64Tensor>:$position_ids,
                       I64Attr:$num_heads, I64Attr:$rotary_dim,
                       DefaultValuedAttr<BoolAttr, "false">:$interleaved);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_LinearAttentionOp : Graph_Op<"linear_attention",
    [InferTypeOpAdaptor, AttrSizedOperandSegments]> {
  let summary = "Recurrent linear attention (ONNX LinearAttention)";
  let description = [{
    `query` (B, T, Hq * dk), `key` (B, T, Hkv * dk), `value` (B, T, Hkv * dv); the state
    (B, Hkv, dk, dv) starts at `past_state` (zeros when absent) and is updated per token by
    `update_rule` (0 linear, 1 gated, 2 delta, 3 gated delta): gating multiplies it by
    exp(`decay`) (per key dimension or per head), the delta rule writes
    beta * (v - S^T k) instead of v. Output t is `scale` * q_t^T S_t with query head h reading
    state h / (Hq / Hkv). Results: the output (B, T, Hq * dv) and the final state. State math
    is float32.

    ```mlir
    %o, %s = graph.linear_attention %q, %k, %v {kv_num_heads = 4 : i64, q_num_heads = 4 : i64,
               scale = 0.35355339059327373 : f64, update_rule = 0 : i64}
             : (tensor<2x4x32xf32>, tensor<2x4x32xf32>, tensor<2x4x32xf32>)
             -> (tensor<2x4x32xf32>, tensor<2x4x8x8xf32>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$query, Graph_FloatTensor:$key, Graph_FloatTensor:$value,
                       Optional<Graph_FloatTensor>:$past_state,
                       Optional<Graph_FloatTensor>:$decay, Optional<Graph_FloatTensor>:$beta,
                       I64Attr:$q_num_heads, I64Attr:$kv_num_heads, F64Attr:$scale,
                       I64Attr:$update_rule);
  let results = (outs Graph_FloatTensor:$output, Graph_FloatTensor:$present_state);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`past` `(` $past_state^ `:` type($past_state) `)`)?
    (`decay` `(` $decay^ `:` type($decay) `)`)? (`beta` `(` $beta^ `:` type($beta) `)`)?
    attr-dict `:` `(` type($query) `,` type($key) `,` type($value) `)` `->` type(results)
  }];
  let hasVerifier = 1;
}

#endif // MODELC_GRAPH_LINALG_OPS_TD
