//===- ReductionHandlers.cpp - ONNX handlers: reduction -------------------===//
//
// Importer handlers of one op family: reductions, arg-reductions, CumSum/CumProd, normalizations,
// losses, TopK. Registered into the handler table by registerReductionHandlers (see OpHandlers.h
// for the handler contract and the shared helpers). Semantics follow
// https://onnx.ai/onnx/operators/ per op and version; every opset variant is normalized here into
// one graph-op form (axes attributes vs. inputs, 2-d coercion before opset 13, defaults).
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"

#include "compiler/import/TensorImport.h"
#include "dialects/Graph/GraphOps.h"

#include "llvm/ADT/StringSwitch.h"

#include <limits>

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

namespace {

//===--- Scans ----------------------------------------------------------------===//

/// CumSum (opset 11, 14) and CumProd (opset 26): the axis is a constant 0-d or 1-element input.
template <typename OpTy> LogicalResult convertScan(NodeContext &n) {
  Value x = n.input(0);
  auto axisValues = n.getConstantInts(1, "axis");
  if (!x || !axisValues)
    return failure();
  if (axisValues->size() != 1)
    return n.emitError() << "input 'axis' must hold one value, got " << axisValues->size();
  auto axis =
      n.normalizeAxis(axisValues->front(), std::max<int64_t>(typeOf(x).getRank(), 1), "axis");
  if (!axis)
    return failure();
  OpBuilder &b = n.getBuilder();
  return bind(n,
              n.create<OpTy>(x, {n.i64Attr("axis", *axis),
                                 n.namedAttr("exclusive", b.getBoolAttr(n.getInt("exclusive", 0))),
                                 n.namedAttr("reverse", b.getBoolAttr(n.getInt("reverse", 0)))}));
}

//===--- Reductions -----------------------------------------------------------===//

/// Normalizes reduction axes: negative ones wrap, the result is sorted; repeats are errors.
std::optional<SmallVector<int64_t>> normalizeAxes(NodeContext &n, ArrayRef<int64_t> axes,
                                                  int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t a : axes) {
    auto axis = n.normalizeAxis(a, rank, "axes");
    if (!axis)
      return std::nullopt;
    if (llvm::is_contained(result, *axis)) {
      n.emitError() << "axis " << a << " is repeated in 'axes'";
      return std::nullopt;
    }
    result.push_back(*axis);
  }
  llvm::sort(result);
  return result;
}

/// The opset from which a Reduce* op takes `axes` as an input (and has noop_with_empty_axes).
int64_t axesInputOpset(StringRef opType) { return opType == "ReduceSum" ? 13 : 18; }

/// Reads the axes of a Reduce* node: an attribute before axesInputOpset, then an optional
/// constant input. Absent or empty axes reduce everything, unless noop_with_empty_axes asks for
/// no reduction (an empty result).
std::optional<SmallVector<int64_t>> getReduceAxes(NodeContext &n, int64_t rank) {
  std::optional<SmallVector<int64_t>> axes;
  bool noop = false;
  if (n.getOpset() < axesInputOpset(n.getOpType())) {
    axes = n.getInts("axes").value_or(SmallVector<int64_t>());
  } else {
    noop = n.getInt("noop_with_empty_axes", 0) != 0;
    axes = n.hasInput(1) ? n.getConstantInts(1, "axes") : SmallVector<int64_t>();
  }
  if (!axes || n.hasFailed())
    return std::nullopt;
  if (axes->empty()) {
    if (noop)
      return SmallVector<int64_t>();
    return llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  return normalizeAxes(n, *axes, rank);
}

Value createReduce(NodeContext &n, Value x, ReduceKind kind, ArrayRef<int64_t> axes,
                   bool keepdims) {
  return n.create<ReduceOp>(x, {n.namedAttr("kind", ReduceKindAttr::get(n.getContext(), kind)),
                                n.arrayAttr("axes", axes),
                                n.namedAttr("keepdims", n.getBuilder().getBoolAttr(keepdims))});
}

template <ReduceKind Kind> LogicalResult convertReduce(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  Type et = xt.getElementType();
  bool floatOnly =
      Kind == ReduceKind::l2 || Kind == ReduceKind::log_sum || Kind == ReduceKind::log_sum_exp;
  if (floatOnly && !isa<FloatType>(et))
    return n.emitError() << "input of type " << et << " is not supported (floating point only)";
  if (et.isInteger(1) && Kind != ReduceKind::max && Kind != ReduceKind::min)
    return n.emitError() << "boolean input is only defined for ReduceMax and ReduceMin";
  auto axes = getReduceAxes(n, xt.getRank());
  if (!axes)
    return failure();
  return bind(n, createReduce(n, x, Kind, *axes, n.getInt("keepdims", 1) != 0));
}

/// ArgMax / ArgMin: axis (default 0), keepdims (default 1), select_last_index (opset 12).
template <typename OpTy> LogicalResult convertArgReduce(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  if (xt.getRank() == 0)
    return n.emitError() << "expected an input of rank >= 1";
  auto axis = n.normalizeAxis(n.getInt("axis", 0), xt.getRank(), "attribute 'axis'");
  if (!axis)
    return failure();
  OpBuilder &b = n.getBuilder();
  return bind(
      n, n.create<OpTy>(x, {n.i64Attr("axis", *axis),
                            n.namedAttr("keepdims", b.getBoolAttr(n.getInt("keepdims", 1) != 0)),
                            n.namedAttr("select_last_index",
                                        b.getBoolAttr(n.getInt("select_last_index", 0) != 0))}));
}

/// Hardmax: opset < 13 coerces the input to 2-d at `axis` (default 1), like Softmax; from 13
/// on it works along the single `axis` (default -1).
LogicalResult convertHardmax(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  int64_t rank = std::max<int64_t>(xt.getRank(), 1);
  if (n.getOpset() >= 13) {
    auto axis = n.normalizeAxis(n.getInt("axis", -1), rank, "attribute 'axis'");
    return axis ? bind(n, n.create<HardmaxOp>(x, n.i64Attr("axis", *axis))) : failure();
  }
  auto axis = n.normalizeAxis(n.getInt("axis", 1), rank, "attribute 'axis'");
  if (!axis)
    return failure();
  ArrayRef<int64_t> dims = xt.getShape();
  Value flat = n.reshape(x, {product(dims.take_front(*axis)), product(dims.drop_front(*axis))});
  Value y = flat ? n.create<HardmaxOp>(flat, n.i64Attr("axis", 1)) : Value();
  return y ? bind(n, n.reshape(y, dims)) : failure();
}

/// TopK: K is an attribute in opset 1 and a constant 1-element input from opset 10; largest
/// and sorted arrived in opset 11. Both outputs are bound.
LogicalResult convertTopK(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  if (xt.getRank() == 0)
    return n.emitError() << "expected an input of rank >= 1";
  int64_t k;
  if (n.getOpset() < 10) {
    if (!n.hasAttr("k"))
      return n.emitError() << "missing required attribute 'k'";
    k = n.getInt("k", 0);
  } else {
    auto ks = n.getConstantInts(1, "K");
    if (!ks)
      return failure();
    if (ks->size() != 1)
      return n.emitError() << "input 'K' must hold one value, got " << ks->size();
    k = ks->front();
  }
  auto axis = n.normalizeAxis(n.getInt("axis", -1), xt.getRank(), "attribute 'axis'");
  if (!axis)
    return failure();
  if (k < 0 || k > xt.getDimSize(*axis))
    return n.emitError() << "K = " << k << " is out of range for axis " << *axis << " of size "
                         << xt.getDimSize(*axis);
  bool largest = n.getOpset() < 11 || n.getInt("largest", 1) != 0;
  OpBuilder &b = n.getBuilder();
  Value values = n.create<TopKOp>(x, {n.i64Attr("k", k), n.i64Attr("axis", *axis),
                                      n.namedAttr("largest", b.getBoolAttr(largest))});
  if (!values)
    return failure();
  n.setOutput(0, values);
  n.setOutput(1, values.getDefiningOp()->getResult(1));
  return success();
}

//===--- Normalizations -------------------------------------------------------===//

/// The statistics type of `stash_type` (an ONNX data type; 1 = float, the default).
Type getStashType(NodeContext &n) {
  int64_t stash = n.getInt("stash_type", 1);
  Type type = getElementType(n.getContext(), static_cast<int32_t>(stash));
  if (!type || !isa<FloatType>(type)) {
    n.emitError() << "stash_type " << stash << " is not a floating-point type";
    return {};
  }
  return type;
}

/// LayerNormalization (opset 17) and RMSNormalization (opset 23): axis (default -1), epsilon,
/// stash_type. LayerNormalization's optional Mean and InvStdDev outputs are bound too.
template <bool Rms> LogicalResult convertLayerNorm(NodeContext &n) {
  Value x = floatInput(n), scale = n.input(1);
  if (!x || !scale)
    return failure();
  Value bias = Rms ? Value() : n.optionalInput(2);
  auto xt = typeOf(x);
  auto axis =
      n.normalizeAxis(n.getInt("axis", -1), std::max<int64_t>(xt.getRank(), 1), "attribute 'axis'");
  Type stash = getStashType(n);
  if (!axis || !stash)
    return failure();
  for (Value v : {scale, bias})
    if (v && typeOf(v).getElementType() != xt.getElementType())
      return n.emitError() << "scale and bias must have the input's element type "
                           << xt.getElementType();
  SmallVector<Value> operands = {x, scale};
  if (bias)
    operands.push_back(bias);
  Value y = n.create<LayerNormOp>(operands, {n.i64Attr("axis", *axis),
                                             n.f32Attr("epsilon", n.getFloat("epsilon", 1e-5f)),
                                             n.namedAttr("rms", n.getBuilder().getBoolAttr(Rms)),
                                             n.namedAttr("stash_type", TypeAttr::get(stash))});
  if (!y)
    return failure();
  for (unsigned i = 0; i < (Rms ? 1u : 3u); ++i)
    n.setOutput(i, y.getDefiningOp()->getResult(i));
  return success();
}

/// Statistics of InstanceNormalization (which has no stash_type): the input's precision, at
/// least float.
Type instanceStash(Type et) { return et.isF64() ? et : Float32Type::get(et.getContext()); }

LogicalResult convertInstanceNorm(NodeContext &n) {
  Value x = floatInput(n), scale = n.input(1), bias = n.input(2);
  if (!x || !scale || !bias)
    return failure();
  auto xt = typeOf(x);
  if (xt.getRank() < 3)
    return n.emitError() << "expected an input N x C x D1 ..., got " << xt;
  return bind(n,
              n.create<GroupNormOp>(
                  {x, scale, bias},
                  {n.i64Attr("num_groups", xt.getDimSize(1)),
                   n.f32Attr("epsilon", n.getFloat("epsilon", 1e-5f)),
                   n.namedAttr("stash_type", TypeAttr::get(instanceStash(xt.getElementType())))}));
}

/// GroupNormalization: opset 18 gives scale and bias per group, opset 21 per channel (and adds
/// stash_type). Per-group parameters are gathered to channels.
LogicalResult convertGroupNorm(NodeContext &n) {
  Value x = floatInput(n), scale = n.input(1), bias = n.input(2);
  if (!x || !scale || !bias)
    return failure();
  auto xt = typeOf(x);
  if (xt.getRank() < 2)
    return n.emitError() << "expected an input N x C x ..., got " << xt;
  if (!n.hasAttr("num_groups"))
    return n.emitError() << "missing required attribute 'num_groups'";
  int64_t groups = n.getInt("num_groups", 1), channels = xt.getDimSize(1);
  if (groups <= 0 || channels % groups != 0 || (channels == 0 && groups != 1))
    return n.emitError() << "num_groups " << groups << " does not divide " << channels
                         << " channels";
  Type stash = n.getOpset() >= 21 ? getStashType(n) : instanceStash(xt.getElementType());
  if (!stash)
    return failure();
  if (n.getOpset() < 21 && groups != channels) {
    for (Value v : {scale, bias})
      if (typeOf(v).getRank() != 1 || typeOf(v).getDimSize(0) != groups)
        return n.emitError() << "scale and bias must have num_groups = " << groups
                             << " elements before opset 21";
    if (channels > kMaxGeneratedElements)
      return n.emitError() << channels << " channels are too many to regroup scale and bias";
    SmallVector<int64_t> index;
    for (int64_t c = 0; c < channels; ++c)
      index.push_back(c / (channels / groups));
    auto indexType = RankedTensorType::get({channels}, n.getBuilder().getI64Type());
    Value indices = n.create<ConstantOp>(
        {}, n.namedAttr("value", DenseElementsAttr::get(indexType, ArrayRef<int64_t>(index))));
    for (Value *v : {&scale, &bias}) {
      *v = n.create<GatherOp>({*v, indices}, n.i64Attr("axis", 0));
      if (!*v)
        return failure();
    }
  }
  return bind(n, n.create<GroupNormOp>({x, scale, bias},
                                       {n.i64Attr("num_groups", groups),
                                        n.f32Attr("epsilon", n.getFloat("epsilon", 1e-5f)),
                                        n.namedAttr("stash_type", TypeAttr::get(stash))}));
}

LogicalResult convertLRN(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  if (!n.hasAttr("size"))
    return n.emitError() << "missing required attribute 'size'";
  if (typeOf(x).getRank() < 3)
    return n.emitError() << "expected an input N x C x D1 ..., got " << typeOf(x);
  return bind(n, n.create<LRNOp>(x, {n.i64Attr("size", n.getInt("size", 1)),
                                     n.f32Attr("alpha", n.getFloat("alpha", 1e-4f)),
                                     n.f32Attr("beta", n.getFloat("beta", 0.75f)),
                                     n.f32Attr("bias", n.getFloat("bias", 1.0f))}));
}

/// LpNormalization: x / ||x||_p along `axis` (default -1), p in {1, 2}; a zero norm gives 0
/// (the ONNX test's convention). One library kernel per line (see ReductionPatterns.cpp) via
/// the Lp reduction and a division.
LogicalResult convertLpNorm(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  int64_t p = n.getInt("p", 2);
  if (p != 1 && p != 2)
    return n.emitError() << "p = " << p << " is not supported (1 or 2)";
  auto xt = typeOf(x);
  auto axis =
      n.normalizeAxis(n.getInt("axis", -1), std::max<int64_t>(xt.getRank(), 1), "attribute 'axis'");
  if (!axis)
    return failure();
  Value norm =
      createReduce(n, x, p == 1 ? ReduceKind::l1 : ReduceKind::l2, ArrayRef<int64_t>{*axis}, true);
  if (!norm)
    return failure();
  // 0 / 0 would be NaN: divide by max(norm, tiny) where the norm is zero, which yields 0 since
  // every element of such a line is 0 itself.
  Type et = xt.getElementType();
  Value tiny =
      n.scalarConstant(et, et.isF16() ? 6.103515625e-05 : std::numeric_limits<float>::min());
  Value safe = tiny ? createBinary<MaxOp>(n, norm, tiny) : Value();
  return safe ? bind(n, createBinary<DivOp>(n, x, safe)) : failure();
}

/// MeanVarianceNormalization: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9) over `axes`
/// (default [0, 2, 3]), as the ONNX function body defines it.
LogicalResult convertMVN(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  SmallVector<int64_t> raw = n.getInts("axes").value_or(SmallVector<int64_t>{0, 2, 3});
  auto axes = normalizeAxes(n, raw, xt.getRank());
  if (!axes)
    return failure();
  Type et = xt.getElementType();
  Value mean = createReduce(n, x, ReduceKind::mean, *axes, true);
  Value sq = createBinary<MulOp>(n, x, x);
  Value sqMean = sq ? createReduce(n, sq, ReduceKind::mean, *axes, true) : Value();
  Value meanSq = mean ? createBinary<MulOp>(n, mean, mean) : Value();
  Value var = sqMean && meanSq ? createBinary<SubOp>(n, sqMean, meanSq) : Value();
  Value std = var ? n.create<SqrtOp>(var) : Value();
  Value eps = n.scalarConstant(et, 1e-9);
  Value denom = std && eps ? createBinary<AddOp>(n, std, eps) : Value();
  Value centered = mean ? createBinary<SubOp>(n, x, mean) : Value();
  return denom && centered ? bind(n, createBinary<DivOp>(n, centered, denom)) : failure();
}

//===--- Losses ---------------------------------------------------------------===//

/// The `reduction` attribute of the loss ops (default "mean").
LogicalResult checkLoss(NodeView &n) {
  std::string r = n.getString("reduction", "mean");
  if (r != "none" && r != "sum" && r != "mean")
    n.emitError() << "reduction '" << r << "' is not one of none, sum, mean";
  return success(!n.hasFailed());
}

LossReduction getLossReduction(NodeContext &n) {
  return llvm::StringSwitch<LossReduction>(n.getString("reduction", "mean"))
      .Case("none", LossReduction::none)
      .Case("sum", LossReduction::sum)
      .Default(LossReduction::mean);
}

Value createNLLLoss(NodeContext &n, Value logProb, Value target, Value weight) {
  SmallVector<Value> operands = {logProb, target};
  if (weight)
    operands.push_back(weight);
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("reduction", LossReductionAttr::get(n.getContext(), getLossReduction(n)))};
  if (n.hasAttr("ignore_index"))
    attrs.push_back(n.i64Attr("ignore_index", n.getInt("ignore_index", 0)));
  return n.create<NLLLossOp>(operands, attrs);
}

LogicalResult convertNLLLoss(NodeContext &n) {
  Value x = n.input(0), target = n.input(1);
  if (!x || !target)
    return failure();
  return bind(n, createNLLLoss(n, x, target, n.optionalInput(2)));
}

/// SoftmaxCrossEntropyLoss = NegativeLogLikelihoodLoss of LogSoftmax over the class axis 1
/// (the ONNX function body); the optional log_prob output is that LogSoftmax.
LogicalResult convertSoftmaxCrossEntropy(NodeContext &n) {
  Value scores = n.input(0), labels = n.input(1);
  if (!scores || !labels)
    return failure();
  if (typeOf(scores).getRank() < 2)
    return n.emitError() << "expected scores N x C x ..., got " << typeOf(scores);
  OpBuilder &b = n.getBuilder();
  Value logProb =
      n.create<SoftmaxOp>(scores, {n.i64Attr("axis", 1), n.namedAttr("log", b.getBoolAttr(true))});
  if (!logProb)
    return failure();
  Value loss = createNLLLoss(n, logProb, labels, n.optionalInput(2));
  if (!loss)
    return failure();
  n.setOutput(0, loss);
  n.setOutput(1, logProb);
  return success();
}

} // namespace

void registerReductionHandlers(llvm::StringMap<OpHandler> &table) {
  table["CumSum"] = {convertScan<CumSumOp>};
  table["CumProd"] = {convertScan<CumProdOp>};
  table["ReduceSum"] = {convertReduce<ReduceKind::sum>};
  table["ReduceMean"] = {convertReduce<ReduceKind::mean>};
  table["ReduceMax"] = {convertReduce<ReduceKind::max>};
  table["ReduceMin"] = {convertReduce<ReduceKind::min>};
  table["ReduceProd"] = {convertReduce<ReduceKind::prod>};
  table["ReduceL1"] = {convertReduce<ReduceKind::l1>};
  table["ReduceL2"] = {convertReduce<ReduceKind::l2>};
  table["ReduceLogSum"] = {convertReduce<ReduceKind::log_sum>};
  table["ReduceLogSumExp"] = {convertReduce<ReduceKind::log_sum_exp>};
  table["ReduceSumSquare"] = {convertReduce<ReduceKind::sum_square>};
  table["ArgMax"] = {convertArgReduce<ArgMaxOp>};
  table["ArgMin"] = {convertArgReduce<ArgMinOp>};
  table["Hardmax"] = {convertHardmax};
  table["TopK"] = {convertTopK, nullptr, 2};
  table["LayerNormalization"] = {convertLayerNorm<false>, nullptr, 3};
  table["RMSNormalization"] = {convertLayerNorm<true>};
  table["InstanceNormalization"] = {convertInstanceNorm};
  table["GroupNormalization"] = {convertGroupNorm};
  table["LRN"] = {convertLRN};
  table["LpNormalization"] = {convertLpNorm};
  table["MeanVarianceNormalization"] = {convertMVN};
  table["NegativeLogLikelihoodLoss"] = {convertNLLLoss, checkLoss};
  table["SoftmaxCrossEntropyLoss"] = {convertSoftmaxCrossEntropy, checkLoss, 2};
}

} // namespace modelc::import
