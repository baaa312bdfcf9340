//===- GraphReductionOps.td - graph dialect: reduction ops ----------------===//
//
// Graph ops of one family: reductions, arg-reductions, scans (CumSum, CumProd), normalizations,
// losses, TopK. Included by GraphOps.td, so Graph_Op, Graph_Tensor and the other base definitions
// are in scope. Type inference, verifiers and folders go in GraphReductionOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_REDUCTION_OPS_TD
#define MODELC_GRAPH_REDUCTION_OPS_TD

//===----------------------------------------------------------------------===//
// Scans
//===----------------------------------------------------------------------===//

class Graph_ScanOp<string mnemonic, string onnxName>
    : Graph_Op<mnemonic, [SameOperandsAndResultType]> {
  let summary = "Cumulative " # !if(!eq(onnxName, "CumSum"), "sum", "product")
                # " along one axis (ONNX " # onnxName # ")";
  let description = [{
    `axis` is normalized to [0, rank) by the importer (ONNX gives it as a constant input).
    `exclusive` leaves the current element out; `reverse` scans from the end.

    ```mlir
    %y = graph.}] # mnemonic # [{ %x {axis = 1 : i64, exclusive = false, reverse = true}
         : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}
def Graph_CumSumOp : Graph_ScanOp<"cum_sum", "CumSum">;
def Graph_CumProdOp : Graph_ScanOp<"cum_prod", "CumProd">;

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Graph_ReduceKindAttr : I32EnumAttr<"ReduceKind", "ONNX Reduce* operator",
    [I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>, I32EnumAttrCase<"max", 2>,
     I32EnumAttrCase<"min", 3>, I32EnumAttrCase<"prod", 4>, I32EnumAttrCase<"l1", 5>,
     I32EnumAttrCase<"l2", 6>, I32EnumAttrCase<"log_sum", 7>,
     I32EnumAttrCase<"log_sum_exp", 8>, I32EnumAttrCase<"sum_square", 9>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_ReduceOp : Graph_Op<"reduce", [InferTypeOpAdaptor]> {
  let summary = "Reduction over a set of axes (ONNX ReduceSum, ReduceMax, ... ReduceLogSumExp)";
  let description = [{
    `kind` names the ONNX operator (0 sum, 1 mean, 2 max, 3 min, 4 prod, 5 l1, 6 l2, 7 log_sum,
    8 log_sum_exp, 9 sum_square). `axes` are normalized by the importer: sorted, unique, in
    [0, rank). Every ONNX form maps onto them: axes as an attribute (before opset 13/18) or a
    constant input, absent or empty axes meaning all axes, and `noop_with_empty_axes`, which
    gives `axes = []`: nothing is reduced, but the element map of the kind still applies (an
    empty ReduceSumSquare squares every element, as the ONNX reference does). `keepdims`
    keeps reduced axes as size-1 dimensions. A reduction over an empty set yields the kind's
    identity: 0 for sums, 1 for products, -inf / the lowest value for max, log(0) = -inf for
    the log kinds.

    ```mlir
    %y = graph.reduce %x {kind = 0 : i32, axes = array<i64: 1>, keepdims = false}
         : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_ReduceKindAttr:$kind,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

class Graph_ArgReduceOp<string mnemonic, string onnxName>
    : Graph_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "Index of the " # !if(!eq(onnxName, "ArgMax"), "largest", "smallest")
                # " element along one axis (ONNX " # onnxName # ")";
  let description = [{
    The first index of the extreme value, or the last one with `select_last_index`; a NaN
    counts as the extreme (numpy's convention). `axis` is normalized to [0, rank).

    ```mlir
    %i = graph.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = true, select_last_index = false}
         : (tensor<2x3xf32>) -> tensor<2x1xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Graph_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}
def Graph_ArgMaxOp : Graph_ArgReduceOp<"arg_max", "ArgMax">;
def Graph_ArgMinOp : Graph_ArgReduceOp<"arg_min", "ArgMin">;

def Graph_HardmaxOp : Graph_Op<"hardmax", [SameOperandsAndResultType]> {
  let summary = "One-hot of the first maximum along one axis (ONNX Hardmax, opset 13 semantics)";
  let description = [{
    As for `graph.softmax`, the importer expresses the 2-d coercion of opset < 13 with
    reshapes around this op.

    ```mlir
    %y = graph.hardmax %x {axis = 1 : i64} : tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Graph_TopKOp : Graph_Op<"top_k", [InferTypeOpAdaptor]> {
  let summary = "The k largest or smallest elements along one axis and their indices (ONNX TopK)";
  let description = [{
    `k` is the constant K input (opset >= 10) or attribute (opset 1). Values come out in
    descending order (ascending when `largest` is false); equal values keep the lower index
    first, as ONNX specifies. modelc always sorts, which is one valid order for `sorted = 0`.

    ```mlir
    %v, %i = graph.top_k %x {axis = 1 : i64, k = 2 : i64, largest = true}
         : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs Graph_Tensor:$values, Graph_I64Tensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

def Graph_LayerNormOp : Graph_Op<"layer_norm", [InferTypeOpAdaptor]> {
  let summary = "Layer or RMS normalization over the trailing axes (ONNX LayerNormalization, "
                "RMSNormalization)";
  let description = [{
    Each row `x[i0..i(axis-1), :]` is normalized over its trailing axes `[axis, rank)`:
    `(x - mean) * inv_std_dev * scale + bias` with `inv_std_dev = 1 / sqrt(var + epsilon)`;
    with `rms`, `x * 1 / sqrt(mean(x^2) + epsilon) * scale` (and `mean` is 0). `scale` and
    `bias` broadcast to the normalized shape `x.shape[axis:]`. The statistics are computed in
    `stash_type` and returned with shape `x.shape[:axis] + [1] * (rank - axis)`.

    ```mlir
    %y, %mean, %inv = graph.layer_norm %x, %scale, %bias {axis = 1 : i64, epsilon = 1.0e-05 : f32,
           rms = false, stash_type = f32}
         : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>)
         -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Optional<Graph_FloatTensor>:$bias, I64Attr:$axis, F32Attr:$epsilon,
                       DefaultValuedAttr<BoolAttr, "false">:$rms,
                       TypeAttrOf<AnyFloat>:$stash_type);
  let results = (outs Graph_FloatTensor:$result, Graph_FloatTensor:$mean,
                      Graph_FloatTensor:$inv_std_dev);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_GroupNormOp : Graph_Op<"group_norm", [InferTypeOpAdaptor]> {
  let summary = "Group normalization with per-channel affine (ONNX GroupNormalization, "
                "InstanceNormalization)";
  let description = [{
    `x` is N x C x D1 ... Dn; the channels form `num_groups` groups and each (n, group) is
    normalized over its channels and spatial positions, then scaled and shifted per channel
    (`scale` and `bias` have C elements). InstanceNormalization is `num_groups = C`; opset 18
    GroupNormalization's per-group scale is expanded to channels by the importer. Statistics
    are computed in `stash_type`.

    ```mlir
    %y = graph.group_norm %x, %s, %b {num_groups = 2 : i64, epsilon = 1.0e-05 : f32,
           stash_type = f32}
         : (tensor<3x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4x2x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Graph_FloatTensor:$bias, I64Attr:$num_groups, F32Attr:$epsilon,
                       TypeAttrOf<AnyFloat>:$stash_type);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_LRNOp : Graph_Op<"lrn", [SameOperandsAndResultType]> {
  let summary = "Local response normalization across channels (ONNX LRN)";
  let description = [{
    `y = x / (bias + alpha / size * sum(x[c']^2)) ^ beta` over the channels
    `c' in [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]` of an N x C x ... tensor.

    ```mlir
    %y = graph.lrn %x {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32,
           size = 3 : i64} : tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$size, F32Attr:$alpha, F32Attr:$beta,
                       F32Attr:$bias);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def Graph_LossReductionAttr : I32EnumAttr<"LossReduction", "loss reduction",
    [I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"sum", 1>, I32EnumAttrCase<"mean", 2>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_NLLLossOp : Graph_Op<"nll_loss", [InferTypeOpAdaptor]> {
  let summary = "Negative log-likelihood loss (ONNX NegativeLogLikelihoodLoss)";
  let description = [{
    `input` is N x C x d1 ... dk (log-probabilities), `target` N x d1 ... dk class indices,
    `weight` (optional) C class weights. Element loss: `-input[n, t, d] * weight[t]` with
    `t = target[n, d]`, 0 where `t == ignore_index`. `reduction` (0 none, 1 sum, 2 mean) keeps
    the N x d1 ... dk losses, sums them, or divides the sum by the sum of the weights of the
    elements not ignored. A target outside [0, C) that is not ignored is an error at run
    time.

    ```mlir
    %l = graph.nll_loss %x, %t {reduction = 2 : i32, ignore_index = -1 : i64}
         : (tensor<3x5xf32>, tensor<3xi64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, RankedTensorOf<[I32, I64]>:$target,
                       Optional<Graph_FloatTensor>:$weight, Graph_LossReductionAttr:$reduction,
                       OptionalAttr<I64Attr>:$ignore_index);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $target (`,` $weight^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // MODELC_GRAPH_REDUCTION_OPS_TD
