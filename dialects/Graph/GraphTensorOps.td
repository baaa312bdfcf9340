//===- GraphTensorOps.td - graph dialect: tensor ops ----------------------===//
//
// Graph ops of one family: data movement and indexing (Slice, Pad, Expand, Tile, Gather*/Scatter*, Range, NonZero, ...).
// Included by GraphOps.td, so Graph_Op, Graph_Tensor and the other base definitions are in
// scope. Type inference, verifiers and folders go in GraphTensorOps.cpp.
//
// Ops whose output size depends on data (NonZero, Compress, Unique, NonMaxSuppression) have
// result types holding an upper bound of each such result and one more `*_shape` result per
// such result: a 1-d int64 tensor with the actual extents, written when the kernel runs. The
// values fill the first elements of the upper-bound buffer, in row-major order of the actual
// shape. Such a result may only be a graph output (docs/Runtime.md, "Outputs whose size
// depends on data").
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_TENSOR_OPS_TD
#define MODELC_GRAPH_TENSOR_OPS_TD

//===----------------------------------------------------------------------===//
// Static index maps: Slice, Pad, Expand, Tile, Trilu
//===----------------------------------------------------------------------===//

def Graph_SliceOp : Graph_Op<"slice"> {
  let summary = "Strided slice with static bounds (ONNX Slice, Split, crops)";
  let description = [{
    Result element `i` along dimension `d` is input element `starts[d] + i * steps[d]`;
    the result type gives the extents. The importer resolves ONNX's negative, clamped and
    INT_MAX bounds and missing axes into one entry per dimension (steps may be negative).

    ```mlir
    %y = graph.slice %x {starts = array<i64: 0, 9>, steps = array<i64: 1, -2>}
         : (tensor<4x10xf32>) -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_PadOp : Graph_Op<"pad", [InferTypeOpAdaptor]> {
  let summary = "Pads (or, with negative pads, crops) every dimension (ONNX Pad, CenterCropPad)";
  let description = [{
    `pads` holds the begin pad of every dimension followed by the end pads; negative values
    remove elements. `mode` is `constant` (the 0-d `value` operand, zero when absent),
    `edge`, `reflect` or `wrap`.

    ```mlir
    %y = graph.pad %x, %v {mode = "constant", pads = array<i64: 0, 1, 0, 2>}
         : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x6xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_Tensor>:$value,
                       DenseI64ArrayAttr:$pads, DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input (`,` $value^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ExpandOp : Graph_Op<"expand"> {
  let summary = "Broadcasts a tensor to the result shape (ONNX Expand)";
  let description = [{
    numpy broadcasting of the input to the result type's shape (the importer combines the
    input shape with Expand's `shape` input).

    ```mlir
    %y = graph.expand %x : (tensor<3x1xf32>) -> tensor<2x3x6xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TileOp : Graph_Op<"tile", [InferTypeOpAdaptor]> {
  let summary = "Repeats a tensor along every dimension (ONNX Tile)";
  let description = [{
    Result dimension `d` is `input.shape[d] * repeats[d]`.

    ```mlir
    %y = graph.tile %x {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$repeats);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_TriluOp : Graph_Op<"trilu", [AllTypesMatch<["input", "result"]>]> {
  let summary = "Upper or lower triangle of the last two dimensions (ONNX Trilu)";
  let description = [{
    Keeps elements (i, j) with `j - i >= k` (`upper`) or `j - i <= k` (lower) and zeroes the
    rest. `k` is the 0-d int64 operand when present (read at run time), else `k_value`.

    ```mlir
    %y = graph.trilu %x, %k {upper = true} : (tensor<4x5xi64>, tensor<i64>) -> tensor<4x5xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_I64Tensor>:$k,
                       DefaultValuedAttr<I64Attr, "0">:$k_value,
                       DefaultValuedAttr<BoolAttr, "true">:$upper);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input (`,` $k^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Indexing: GatherElements, GatherND, ScatterElements, ScatterND, OneHot, ...
//===----------------------------------------------------------------------===//

def Graph_GatherElementsOp : Graph_Op<"gather_elements", [InferTypeOpAdaptor]> {
  let summary = "Gathers single elements along an axis (ONNX GatherElements)";
  let description = [{
    `result[i..., j, k...] = data[i..., indices[i..., j, k...], k...]` with `j` at `axis`;
    the result has the indices' shape. Negative indices count from the end; an index out of
    range fails the run.

    ```mlir
    %y = graph.gather_elements %d, %i {axis = 1 : i64}
         : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Graph_GatherNDOp : Graph_Op<"gather_nd", [InferTypeOpAdaptor]> {
  let summary = "Gathers slices addressed by index tuples (ONNX GatherND)";
  let description = [{
    The last dimension of `indices` (size q) addresses `data` after its first `batch_dims`
    dimensions; the result shape is `indices.shape[:-1] + data.shape[batch_dims + q:]`.

    ```mlir
    %y = graph.gather_nd %d, %i {batch_dims = 0 : i64}
         : (tensor<2x2x2xf32>, tensor<2x1x2xi64>) -> tensor<2x1x2xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Graph_ScatterElementsOp : Graph_Op<"scatter_elements",
    [AllTypesMatch<["data", "result"]>]> {
  let summary = "Writes updates at indices along an axis (ONNX ScatterElements, Scatter)";
  let description = [{
    A copy of `data` where `result[..., indices[p], ...] = updates[p]` (the index replacing
    position `axis` of p), combined with the old value by `reduction`: `none`, `add`, `mul`,
    `max` or `min`. Updates apply in row-major order of p, so duplicates are deterministic.

    ```mlir
    %y = graph.scatter_elements %d, %i, %u {axis = 1 : i64, reduction = "add"}
         : (tensor<1x5xf32>, tensor<1x2xi64>, tensor<1x2xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices,
                       Graph_Tensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_ScatterNDOp : Graph_Op<"scatter_nd", [AllTypesMatch<["data", "result"]>]> {
  let summary = "Writes slices at index tuples (ONNX ScatterND)";
  let description = [{
    A copy of `data` where the slice addressed by each index tuple (last dimension of
    `indices`) is replaced by, or combined through `reduction` with, the matching slice of
    `updates`, in row-major order of the tuples.

    ```mlir
    %y = graph.scatter_nd %d, %i, %u {reduction = "mul"}
         : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$indices, Graph_Tensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_TensorScatterOp : Graph_Op<"tensor_scatter", [AllTypesMatch<["past", "result"]>]> {
  let summary = "Writes an update block into a cache at per-batch offsets (ONNX TensorScatter)";
  let description = [{
    `result = past` except that for every batch b (dimension 0) the `update` block along
    `axis` lands at `write_indices[b]` (zero when absent), wrapping around with `circular`.

    ```mlir
    %y = graph.tensor_scatter %past, %upd, %idx {axis = 2 : i64, circular = false}
         : (tensor<2x1x4x5xf32>, tensor<2x1x1x5xf32>, tensor<2xi64>) -> tensor<2x1x4x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$past, Graph_Tensor:$update,
                       Optional<Graph_I64Tensor>:$write_indices, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$circular);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $past `,` $update (`,` $write_indices^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_OneHotOp : Graph_Op<"one_hot", [InferTypeOpAdaptor]> {
  let summary = "One-hot encoding (ONNX OneHot)";
  let description = [{
    Inserts a dimension of size `depth` at `axis`; the result holds `values[1]` where the
    index (negative ones count from `depth`) matches and `values[0]` elsewhere.

    ```mlir
    %y = graph.one_hot %i, %v {axis = 1 : i64, depth = 10 : i64}
         : (tensor<3xi64>, tensor<2xf32>) -> tensor<3x10xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$indices, Graph_Tensor:$values, I64Attr:$axis,
                       I64Attr:$depth);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$indices `,` $values attr-dict `:` functional-type(operands, results)";
}

def Graph_ReverseSequenceOp : Graph_Op<"reverse_sequence",
    [AllTypesMatch<["input", "result"]>]> {
  let summary = "Reverses the first sequence_lens[b] steps of each batch entry (ONNX ReverseSequence)";
  let description = [{
    ```mlir
    %y = graph.reverse_sequence %x, %lens {batch_axis = 1 : i64, time_axis = 0 : i64}
         : (tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_I64Tensor:$sequence_lens, I64Attr:$batch_axis,
                       I64Attr:$time_axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $sequence_lens attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Text: TfIdfVectorizer
//===----------------------------------------------------------------------===//

def Graph_TfIdfVectorizerOp : Graph_Op<"tfidf_vectorizer", [InferTypeOpAdaptor]> {
  let summary = "N-gram counts of integer token rows, weighted (ONNX TfIdfVectorizer)";
  let description = [{
    `input` is one row of tokens [L] or a batch of rows [N, L] (int32 or int64); the result
    is float32 [C] or [N, C] with C = `output_size`. `grams` is the n-gram table, int64
    [G, 2 + max n]: row g holds its length n (0 for an unused row), its output index and its
    n tokens (padded with 0). Every occurrence of a table n-gram in a row counts once at its
    output index; tokens of an n-gram of n >= 2 lie `skip + 1` apart for every skip in
    [0, `max_skip_count`], unigrams are counted once. The table holds each n-gram at most
    once (the importer keeps the last of duplicate pool entries, as ONNX's trie does).
    `mode` 0 (TF) gives the count, 1 (IDF) `weights[c]` where the count is nonzero and 0
    elsewhere, 2 (TFIDF) `weights[c] * count`; `weights` is float32 [C] (all ones when the
    model gives none).

    ```mlir
    %y = graph.tfidf_vectorizer %x, %grams, %w {max_skip_count = 0 : i64, mode = 0 : i64,
                                                output_size = 7 : i64}
         : (tensor<2x6xi32>, tensor<7x4xi64>, tensor<7xf32>) -> tensor<2x7xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_I64Tensor:$grams, Graph_FloatTensor:$weights,
                       I64Attr:$max_skip_count, I64Attr:$mode, I64Attr:$output_size);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $grams `,` $weights attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data-dependent output sizes
//===----------------------------------------------------------------------===//

def Graph_NonZeroOp : Graph_Op<"non_zero", [InferTypeOpAdaptor]> {
  let summary = "Indices of the nonzero elements (ONNX NonZero)";
  let description = [{
    `result` is rank x numel (the upper bound); `result_shape` receives [rank, count].

    ```mlir
    %y, %s = graph.non_zero %x : (tensor<2x2xi1>) -> (tensor<2x4xi64>, tensor<2xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_I64Tensor:$result, Graph_I64Tensor:$result_shape);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CompressOp : Graph_Op<"compress", [InferTypeOpAdaptor]> {
  let summary = "Selects slices along an axis where a condition holds (ONNX Compress)";
  let description = [{
    The result keeps the input's extent along `axis` as its upper bound; `result_shape`
    receives the actual shape. Condition entries past its length count as false.

    ```mlir
    %y, %s = graph.compress %x, %c {axis = 0 : i64}
             : (tensor<3x2xf32>, tensor<3xi1>) -> (tensor<3x2xf32>, tensor<2xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$condition, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result, Graph_I64Tensor:$result_shape);
  let assemblyFormat = "$input `,` $condition attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_UniqueOp : Graph_Op<"unique", [InferTypeOpAdaptor]> {
  let summary = "Unique slices along an axis (ONNX Unique)";
  let description = [{
    Slices of `input` along `axis` (the importer flattens the input when ONNX gives no axis)
    are deduplicated, sorted ascending or (`sorted` = false) in order of first occurrence.
    `y`, `indices` (first occurrences) and `counts` have upper bounds (the axis extent) with
    `*_shape` results; `inverse_indices` maps every input slice to its entry of `y`.

    ```mlir
    %y, %i, %v, %c, %ys, %is, %cs = graph.unique %x {axis = 0 : i64, sorted = true}
        : (tensor<6xf32>) -> (tensor<6xf32>, tensor<6xi64>, tensor<6xi64>, tensor<6xi64>,
                              tensor<1xi64>, tensor<1xi64>, tensor<1xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs Graph_Tensor:$y, Graph_I64Tensor:$indices,
                      Graph_I64Tensor:$inverse_indices, Graph_I64Tensor:$counts,
                      Graph_I64Tensor:$y_shape, Graph_I64Tensor:$indices_shape,
                      Graph_I64Tensor:$counts_shape);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_NonMaxSuppressionOp : Graph_Op<"non_max_suppression", [InferTypeOpAdaptor]> {
  let summary = "Greedy box selection by score and IoU (ONNX NonMaxSuppression)";
  let description = [{
    `boxes` is batches x boxes x 4, `scores` batches x classes x boxes; the 1-element
    operands `max_output_boxes_per_class` (int64), `iou_threshold` and `score_threshold`
    (float32) are read at run time (the importer supplies ONNX's defaults for absent ones;
    `use_score_threshold` is false when ONNX gives none). `result` holds (batch, class, box)
    triples; its upper bound is batches * classes * `max_boxes` rows, `max_boxes` being the
    number of boxes or the constant maximum per class when that is smaller.

    ```mlir
    %y, %s = graph.non_max_suppression %b, %sc, %m, %iou, %st {center_point_box = false,
               max_boxes = 3 : i64, use_score_threshold = true}
        : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>)
        -> (tensor<3x3xi64>, tensor<2xi64>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$boxes, Graph_FloatTensor:$scores,
                       Graph_I64Tensor:$max_output_boxes_per_class,
                       Graph_FloatTensor:$iou_threshold, Graph_FloatTensor:$score_threshold,
                       DefaultValuedAttr<BoolAttr, "false">:$center_point_box,
                       DefaultValuedAttr<BoolAttr, "true">:$use_score_threshold,
                       I64Attr:$max_boxes);
  let results = (outs Graph_I64Tensor:$result, Graph_I64Tensor:$result_shape);
  let assemblyFormat = [{
    $boxes `,` $scores `,` $max_output_boxes_per_class `,` $iou_threshold `,` $score_threshold
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // MODELC_GRAPH_TENSOR_OPS_TD
