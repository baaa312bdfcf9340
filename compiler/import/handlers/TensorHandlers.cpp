//===- TensorHandlers.cpp - ONNX handlers: tensor -------------------------===//
//
// Importer handlers of one op family: data movement and indexing ops. Registered into the
// handler table by registerTensorHandlers (see OpHandlers.h for the handler contract and the
// shared helpers). Semantics follow https://onnx.ai/onnx/operators/ per op and version.
//
// Inputs that decide a shape (Slice's bounds, Expand's shape, Pad's pads, Tile's repeats,
// Range's operands, OneHot's depth, Split's sizes, CenterCropPad's shape) are read as
// constants; data inputs (Pad's constant_value, Trilu's k, the NonMaxSuppression thresholds)
// stay run-time operands. Range, Size and EyeLike become constants; Split becomes slices;
// DepthToSpace/SpaceToDepth become reshape-transpose-reshape; CenterCropPad becomes one pad
// with negative pads where it crops. NonZero, Compress, Unique and NonMaxSuppression have
// data-dependent output sizes (see GraphTensorOps.td); on constant inputs NonZero folds and
// Compress becomes a Gather with constant indices.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"
#include "compiler/import/TensorImport.h"

#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

namespace {

/// The graph.constant holding `value`.
Value constantOf(NodeContext &n, const ConstantValue &value) {
  return n.create<ConstantOp>({}, n.namedAttr("value", value.toAttr(n.getName())));
}

/// A 1-d int64 constant.
Value i64Constant(NodeContext &n, ArrayRef<int64_t> values) {
  auto type =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, n.getBuilder().getI64Type());
  return n.create<ConstantOp>({}, n.namedAttr("value", DenseElementsAttr::get(type, values)));
}

/// Normalizes a list of axes; reports repeated ones.
std::optional<SmallVector<int64_t>> normalizeAxes(NodeContext &n, ArrayRef<int64_t> axes,
                                                  int64_t rank, StringRef what) {
  SmallVector<int64_t> result;
  for (int64_t a : axes) {
    auto axis = n.normalizeAxis(a, rank, what);
    if (!axis)
      return std::nullopt;
    if (llvm::is_contained(result, *axis)) {
      n.emitError() << what << " " << a << " is repeated";
      return std::nullopt;
    }
    result.push_back(*axis);
  }
  return result;
}

/// A graph.slice of `x` (one start, step and size per dimension).
Value createSlice(NodeContext &n, Value x, ArrayRef<int64_t> starts, ArrayRef<int64_t> steps,
                  ArrayRef<int64_t> sizes) {
  auto type = RankedTensorType::get(sizes, typeOf(x).getElementType());
  return n.create<SliceOp>(x, {n.arrayAttr("starts", starts), n.arrayAttr("steps", steps)}, type);
}

//===--- Slice, Split -------------------------------------------------------===//

/// Slice: bounds are attributes before opset 10 and constant inputs after (axes and steps
/// optional). Per ONNX: negative bounds count from the end, then starts clamp to [0, dim]
/// ([0, dim-1] for negative steps) and ends to [0, dim] ([-1, dim-1]).
LogicalResult convertSlice(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> dims = typeOf(x).getShape();
  int64_t rank = dims.size();
  std::optional<SmallVector<int64_t>> starts, ends, axes, steps;
  if (n.getOpset() < 10) {
    starts = n.getInts("starts");
    ends = n.getInts("ends");
    axes = n.getInts("axes");
    if (!starts || !ends)
      return n.emitError() << "missing required attributes 'starts' and 'ends'";
  } else {
    starts = n.getConstantInts(1, "starts");
    ends = n.getConstantInts(2, "ends");
    if (!starts || !ends)
      return failure();
    if (n.hasInput(3) && !(axes = n.getConstantInts(3, "axes")))
      return failure();
    if (n.hasInput(4) && !(steps = n.getConstantInts(4, "steps")))
      return failure();
  }
  size_t count = starts->size();
  if (!axes)
    axes = llvm::to_vector(llvm::seq<int64_t>(0, count));
  if (!steps)
    steps = SmallVector<int64_t>(count, 1);
  if (ends->size() != count || axes->size() != count || steps->size() != count)
    return n.emitError() << "starts, ends, axes and steps must have the same length";
  auto normalized = normalizeAxes(n, *axes, rank, "axis");
  if (!normalized)
    return failure();
  SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1), sizes(dims);
  for (size_t i = 0; i < count; ++i) {
    int64_t d = (*normalized)[i], dim = dims[d], step = (*steps)[i];
    if (step == 0)
      return n.emitError() << "step of axis " << (*axes)[i] << " is zero";
    // Clamp in a wide type: INT64_MAX / INT64_MIN bounds are common.
    auto norm = [&](int64_t v) { return v < 0 ? std::max<int64_t>(v, -dim - 1) + dim : v; };
    int64_t start = norm((*starts)[i]), end = norm((*ends)[i]);
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
    }
    int64_t span = step > 0 ? end - start : start - end;
    uint64_t s = step > 0 ? uint64_t(step) : uint64_t(0) - uint64_t(step); // |INT64_MIN| fits
    int64_t size = span <= 0 ? 0 : int64_t(1 + uint64_t(span - 1) / s);
    outStarts[d] = size ? start : 0;
    // One element (or none) does not need the step; keeping a huge one would overflow
    // start + step * index arithmetic later.
    outSteps[d] = size > 1 ? step : 1;
    sizes[d] = size;
  }
  return bind(n, createSlice(n, x, outStarts, outSteps, sizes));
}

/// Split: sizes from the `split` attribute (opset < 13) or constant input (>= 13); else equal
/// parts, one per output, or `num_outputs` parts (opset 18) with a smaller last part.
LogicalResult convertSplit(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> dims = typeOf(x).getShape();
  auto axis = n.normalizeAxis(n.getInt("axis", 0), dims.size(), "attribute 'axis'");
  if (!axis)
    return failure();
  int64_t dim = dims[*axis], outputs = n.getNumOutputs();
  SmallVector<int64_t> sizes;
  if (n.getOpset() < 13 && n.hasAttr("split")) {
    sizes = *n.getInts("split");
  } else if (n.hasInput(1)) {
    auto split = n.getConstantInts(1, "split");
    if (!split)
      return failure();
    sizes = *split;
  } else if (n.getOpset() >= 18 && n.hasAttr("num_outputs")) {
    int64_t parts = n.getInt("num_outputs", 0);
    if (parts < 1 || parts != outputs)
      return n.emitError() << "attribute 'num_outputs' " << parts << " does not match the "
                           << outputs << " outputs";
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::clamp<int64_t>(dim - i * chunk, 0, chunk));
  } else {
    if (outputs < 1 || dim % outputs != 0)
      return n.emitError() << "cannot split dimension of size " << dim << " into " << outputs
                           << " equal parts";
    sizes.assign(outputs, dim / outputs);
  }
  if (static_cast<int64_t>(sizes.size()) != outputs)
    return n.emitError() << "split has " << sizes.size() << " sizes for " << outputs << " outputs";
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return n.emitError() << "split size " << s << " is negative";
    if (s > dim - total)
      return n.emitError() << "split sizes add up to more than " << dim;
    total += s;
  }
  if (total != dim)
    return n.emitError() << "split sizes add up to " << total << ", not " << dim;
  int64_t rank = dims.size(), offset = 0;
  for (auto [i, size] : llvm::enumerate(sizes)) {
    SmallVector<int64_t> starts(rank, 0), steps(rank, 1), shape(dims);
    starts[*axis] = size ? offset : 0;
    shape[*axis] = size;
    offset += size;
    if (!n.isOutputUsed(i))
      continue;
    Value part = createSlice(n, x, starts, steps, shape);
    if (!part)
      return failure();
    n.setOutput(i, part);
  }
  return success();
}

//===--- Expand, Tile, Pad, CenterCropPad -------------------------------------===//

LogicalResult convertExpand(NodeContext &n) {
  Value x = n.input(0);
  auto shape = n.getConstantInts(1, "shape");
  if (!x || !shape)
    return failure();
  SmallVector<int64_t> result;
  if (!OpTrait::util::getBroadcastedShape(typeOf(x).getShape(), *shape, result))
    return n.emitError() << "cannot broadcast " << typeOf(x) << " to shape ["
                         << llvm::join(llvm::map_range(*shape,
                                                       [](int64_t d) { return std::to_string(d); }),
                                       ", ")
                         << "]";
  return bind(n,
              n.create<ExpandOp>(x, {}, RankedTensorType::get(result, typeOf(x).getElementType())));
}

LogicalResult convertTile(NodeContext &n) {
  if (n.getOpset() < 6)
    return n.emitError() << "opset " << n.getOpset() << " Tile (tiles/axis inputs) is not "
                         << "supported";
  Value x = n.input(0);
  auto repeats = n.getConstantInts(1, "repeats");
  if (!x || !repeats)
    return failure();
  return bind(n, n.create<TileOp>(x, n.arrayAttr("repeats", *repeats)));
}

/// Pad: `paddings` (opset 1) or `pads` attributes with a float `value` before opset 11;
/// from 11 on a constant `pads` input, an optional run-time `constant_value` input and
/// (opset 18) constant `axes`.
LogicalResult convertPad(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  int64_t rank = xt.getRank();
  std::string mode = n.getString("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      !(mode == "wrap" && n.getOpset() >= 19))
    return n.emitError() << "unsupported mode '" << mode << "'";
  SmallVector<int64_t> pads;
  Value value;
  if (n.getOpset() < 11) {
    auto attr = n.getInts(n.getOpset() < 2 ? "paddings" : "pads");
    if (!attr)
      return n.emitError() << "missing required attribute 'pads'";
    pads = *attr;
    float v = n.getFloat("value", 0.0f);
    if (v != 0.0f && mode == "constant")
      value = n.scalarConstant(xt.getElementType(), v);
  } else {
    auto input = n.getConstantInts(1, "pads");
    if (!input)
      return failure();
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    if (n.getOpset() >= 18 && n.hasInput(3)) {
      auto given = n.getConstantInts(3, "axes");
      if (!given)
        return failure();
      auto normalized = normalizeAxes(n, *given, rank, "axis");
      if (!normalized)
        return failure();
      axes = *normalized;
    }
    if (input->size() != 2 * axes.size())
      return n.emitError() << "input 'pads' has " << input->size() << " values for " << axes.size()
                           << " axes";
    pads.assign(2 * rank, 0);
    for (auto [i, a] : llvm::enumerate(axes)) {
      pads[a] = (*input)[i];
      pads[a + rank] = (*input)[i + axes.size()];
    }
    if (mode == "constant" && n.hasInput(2)) {
      value = n.input(2);
      if (typeOf(value).getElementType() != xt.getElementType())
        return n.emitError() << "constant_value must have the data's element type";
      if (typeOf(value).getNumElements() != 1)
        return n.emitError() << "constant_value must hold one element";
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return n.emitError() << "expected " << 2 * rank << " pads, got " << pads.size();
  SmallVector<Value> operands = {x};
  if (value)
    operands.push_back(value);
  return bind(n,
              n.create<PadOp>(operands, {n.arrayAttr("pads", pads),
                                         n.namedAttr("mode", n.getBuilder().getStringAttr(mode))}));
}

/// CenterCropPad: centered crop or zero pad of the given axes to `shape`; the odd element
/// goes to the end.
LogicalResult convertCenterCropPad(NodeContext &n) {
  Value x = n.input(0);
  auto shape = n.getConstantInts(1, "shape");
  if (!x || !shape)
    return failure();
  ArrayRef<int64_t> dims = typeOf(x).getShape();
  int64_t rank = dims.size();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  if (auto given = n.getInts("axes")) {
    auto normalized = normalizeAxes(n, *given, rank, "axis");
    if (!normalized)
      return failure();
    axes = *normalized;
  }
  if (shape->size() != axes.size())
    return n.emitError() << "input 'shape' has " << shape->size() << " values for " << axes.size()
                         << " axes";
  SmallVector<int64_t> pads(2 * rank, 0);
  for (auto [i, a] : llvm::enumerate(axes)) {
    int64_t target = (*shape)[i];
    if (target < 0)
      return n.emitError() << "negative target size " << target;
    int64_t diff = target - dims[a], half = std::abs(diff) / 2, rest = std::abs(diff) - half;
    pads[a] = diff < 0 ? -half : half;
    pads[a + rank] = diff < 0 ? -rest : rest;
  }
  return bind(n, n.create<PadOp>(x, {n.arrayAttr("pads", pads)}));
}

//===--- Range, Size, EyeLike, Optional* --------------------------------------===//

/// Range: all three inputs must be constants; the result is a constant. Values are
/// start + i * delta, computed in double (float for float16/bfloat16 with stash_type = 1,
/// opset 27) and rounded to the element type.
LogicalResult convertRange(NodeContext &n) {
  auto start = n.getConstantInput(0, "start"), limit = n.getConstantInput(1, "limit"),
       delta = n.getConstantInput(2, "delta");
  if (!start || !limit || !delta)
    return failure();
  for (const ConstantValue *v : {&*start, &*limit, &*delta})
    if (v->getNumElements() != 1)
      return n.emitError() << "start, limit and delta must be scalars";
  Type et = start->getType().getElementType();
  auto type = [&](int64_t size) { return RankedTensorType::get({size}, et); };
  if (isa<IntegerType>(et)) {
    int64_t s = start->getInt(0), l = limit->getInt(0), d = delta->getInt(0);
    if (d == 0)
      return n.emitError() << "delta must not be zero";
    // In 128 bits: limit - start and the step's magnitude can exceed int64.
    __int128 span = d > 0 ? __int128(l) - s : __int128(s) - l,
             step = d > 0 ? __int128(d) : -__int128(d);
    __int128 count128 = span <= 0 ? 0 : (span + step - 1) / step;
    if (count128 > kMaxGeneratedElements)
      return n.emitError() << "range of " << static_cast<double>(count128)
                           << " elements is too large (at most " << kMaxGeneratedElements << ")";
    int64_t count = static_cast<int64_t>(count128);
    ConstantValue out = ConstantValue::zeros(type(count));
    for (int64_t i = 0; i < count; ++i)
      out.setInt(i, static_cast<int64_t>(__int128(s) + __int128(i) * d)); // no int64 overflow
    return bind(n, constantOf(n, out));
  }
  double s = start->getDouble(0), l = limit->getDouble(0), d = delta->getDouble(0);
  if (d == 0)
    return n.emitError() << "delta must not be zero";
  double count = std::ceil((l - s) / d);
  if (!(count <= double(kMaxGeneratedElements)))
    return n.emitError() << "range of " << count << " elements is too large (at most "
                         << kMaxGeneratedElements << ")";
  int64_t size = count > 0 ? static_cast<int64_t>(count) : 0;
  bool inFloat =
      (et.isF16() || et.isBF16()) && n.getOpset() >= 27 && n.getInt("stash_type", 1) == 1;
  ConstantValue out = ConstantValue::zeros(type(size));
  for (int64_t i = 0; i < size; ++i)
    out.setDouble(i, inFloat ? double(float(s) + float(i) * float(d)) : s + double(i) * d);
  return bind(n, constantOf(n, out));
}

LogicalResult convertSize(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto type = RankedTensorType::get({}, n.getBuilder().getI64Type());
  return bind(
      n, n.create<ConstantOp>(
             {}, n.namedAttr("value", DenseElementsAttr::get(type, typeOf(x).getNumElements()))));
}

/// EyeLike: a constant with ones on diagonal k of the input's 2-d shape, of type `dtype`
/// (default: the input's).
LogicalResult convertEyeLike(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  if (xt.getRank() != 2)
    return n.emitError() << "expects a 2-d input, got " << xt;
  Type et = xt.getElementType();
  if (n.hasAttr("dtype")) {
    int64_t dtype = n.getInt("dtype", 0);
    et = getElementType(n.getContext(), static_cast<int32_t>(dtype));
    if (!et)
      return n.emitError() << "unsupported dtype " << dtype;
  }
  auto type = RankedTensorType::get(xt.getShape(), et);
  if (!type.hasStaticShape() || type.getNumElements() > kMaxGeneratedElements)
    return n.emitError() << "output " << type
                         << " is too large to compute at compile time (at most "
                         << kMaxGeneratedElements << " elements)";
  ConstantValue out = ConstantValue::zeros(type);
  int64_t k = n.getInt("k", 0), rows = xt.getDimSize(0), cols = xt.getDimSize(1);
  // Row i has its one at column i + k; rows outside [max(0, -k), cols - k) have none.
  if (k < cols && k > -rows)
    for (int64_t i = std::max<int64_t>(0, -k); i < rows && i + k < cols; ++i)
      out.setInt(i * cols + i + k, 1);
  return bind(n, constantOf(n, out));
}

/// Optional (opset 15): its input's tensor or sequence, or with no input an empty optional.
LogicalResult convertOptional(NodeContext &n) {
  Binding x = n.inputBinding(0);
  n.setOutputBinding(0, x.hasElement() ? x : Binding::emptyOptional());
  return success();
}

/// OptionalHasElement on a tensor or sequence (true), an empty optional or no input (false).
LogicalResult convertOptionalHasElement(NodeContext &n) {
  auto type = RankedTensorType::get({}, n.getBuilder().getI1Type());
  bool has = n.inputBinding(0).hasElement();
  return bind(n, n.create<ConstantOp>({}, n.namedAttr("value", DenseElementsAttr::get(type, has))));
}

/// OptionalGetElement on a plain tensor or sequence: the tensor or sequence itself.
LogicalResult convertOptionalGetElement(NodeContext &n) {
  Binding x = n.inputBinding(0);
  if (!x.hasElement())
    return n.emitError() << "the optional input is empty (no element to get)";
  n.setOutputBinding(0, x);
  return success();
}

//===--- Trilu, DepthToSpace, SpaceToDepth --------------------------------------===//

LogicalResult convertTrilu(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  SmallVector<Value> operands = {x};
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("upper", n.getBuilder().getBoolAttr(n.getInt("upper", 1) != 0))};
  if (n.hasInput(1)) {
    Value k = n.input(1);
    if (!typeOf(k).getElementType().isInteger(64) || typeOf(k).getNumElements() != 1)
      return n.emitError() << "input 'k' must be one int64, got " << typeOf(k);
    if (matchPattern(k, m_Constant())) {
      auto kv = n.getConstantInts(1, "k");
      if (!kv)
        return failure();
      attrs.push_back(n.i64Attr("k_value", kv->front()));
    } else {
      operands.push_back(k);
    }
  }
  return bind(n, n.create<TriluOp>(operands, attrs, typeOf(x)));
}

/// DepthToSpace / SpaceToDepth: the reshape-transpose-reshape of the ONNX definition.
template <bool ToSpace> LogicalResult convertBlockShuffle(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  int64_t bs = n.getInt("blocksize", 0);
  if (xt.getRank() != 4 || bs < 1 || bs > (int64_t(1) << 20))
    return n.emitError() << "expects a 4-d input and a blocksize in [1, 2^20], got " << xt
                         << " and " << bs;
  bool crd = n.getString("mode", "DCR") == "CRD";
  if (!crd && n.getString("mode", "DCR") != "DCR")
    return n.emitError() << "unknown mode '" << n.getString("mode", "DCR") << "'";
  int64_t b = xt.getDimSize(0), c = xt.getDimSize(1), h = xt.getDimSize(2), w = xt.getDimSize(3);
  SmallVector<int64_t> inner, perm, out;
  if (ToSpace) {
    if (c % (bs * bs) != 0)
      return n.emitError() << "channels " << c << " are not a multiple of blocksize^2";
    int64_t cc = c / (bs * bs);
    inner =
        crd ? SmallVector<int64_t>{b, cc, bs, bs, h, w} : SmallVector<int64_t>{b, bs, bs, cc, h, w};
    perm = crd ? SmallVector<int64_t>{0, 1, 4, 2, 5, 3} : SmallVector<int64_t>{0, 3, 4, 1, 5, 2};
    out = {b, cc, h * bs, w * bs};
  } else {
    if (h % bs != 0 || w % bs != 0)
      return n.emitError() << "spatial size " << h << "x" << w << " is not a multiple of "
                           << "blocksize " << bs;
    inner = {b, c, h / bs, bs, w / bs, bs};
    perm = crd ? SmallVector<int64_t>{0, 1, 3, 5, 2, 4} : SmallVector<int64_t>{0, 3, 5, 1, 2, 4};
    out = {b, c * bs * bs, h / bs, w / bs};
  }
  Value r = n.reshape(x, inner);
  Value t = r ? n.create<TransposeOp>(r, n.arrayAttr("perm", perm)) : Value();
  return t ? bind(n, n.reshape(t, out)) : failure();
}

//===--- Gather/Scatter family, OneHot, ReverseSequence, TensorScatter ---------===//

LogicalResult convertGatherElements(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1);
  if (!data || !indices)
    return failure();
  auto axis = n.normalizeAxis(n.getInt("axis", 0), typeOf(data).getRank(), "attribute 'axis'");
  return axis ? bind(n, n.create<GatherElementsOp>({data, indices}, n.i64Attr("axis", *axis)))
              : failure();
}

LogicalResult convertGatherND(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1);
  if (!data || !indices)
    return failure();
  return bind(
      n, n.create<GatherNDOp>({data, indices}, n.i64Attr("batch_dims", n.getInt("batch_dims", 0))));
}

/// Reduction attribute of ScatterElements/ScatterND (opset 16; max/min from 18).
std::optional<std::string> getReduction(NodeContext &n) {
  std::string r = n.getOpset() >= 16 ? n.getString("reduction", "none") : "none";
  if (r == "none" || r == "add" || r == "mul" || ((r == "max" || r == "min") && n.getOpset() >= 18))
    return r;
  n.emitError() << "unsupported reduction '" << r << "'";
  return std::nullopt;
}

/// ScatterElements, and the deprecated Scatter (opset 9-10) with the same semantics.
LogicalResult convertScatterElements(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1), updates = n.input(2);
  auto reduction = getReduction(n);
  if (!data || !indices || !updates || !reduction)
    return failure();
  auto axis = n.normalizeAxis(n.getInt("axis", 0), typeOf(data).getRank(), "attribute 'axis'");
  if (!axis)
    return failure();
  return bind(n, n.create<ScatterElementsOp>(
                     {data, indices, updates},
                     {n.i64Attr("axis", *axis),
                      n.namedAttr("reduction", n.getBuilder().getStringAttr(*reduction))},
                     typeOf(data)));
}

LogicalResult convertScatterND(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1), updates = n.input(2);
  auto reduction = getReduction(n);
  if (!data || !indices || !updates || !reduction)
    return failure();
  return bind(
      n, n.create<ScatterNDOp>({data, indices, updates},
                               {n.namedAttr("reduction", n.getBuilder().getStringAttr(*reduction))},
                               typeOf(data)));
}

LogicalResult convertTensorScatter(NodeContext &n) {
  Value past = n.input(0), update = n.input(1);
  if (!past || !update)
    return failure();
  std::string mode = n.getString("mode", "linear");
  if (mode != "linear" && mode != "circular")
    return n.emitError() << "unsupported mode '" << mode << "'";
  auto axis = n.normalizeAxis(n.getInt("axis", -2), typeOf(past).getRank(), "attribute 'axis'");
  if (!axis)
    return failure();
  SmallVector<Value> operands = {past, update};
  if (Value idx = n.optionalInput(2))
    operands.push_back(idx);
  return bind(n, n.create<TensorScatterOp>(
                     operands,
                     {n.i64Attr("axis", *axis),
                      n.namedAttr("circular", n.getBuilder().getBoolAttr(mode == "circular"))},
                     typeOf(past)));
}

/// OneHot: `depth` is a constant of any numeric type (it decides the shape); `values` and
/// `indices` are read at run time.
LogicalResult convertOneHot(NodeContext &n) {
  Value indices = n.input(0), values = n.input(2);
  auto depth = n.getConstantInput(1, "depth");
  if (!indices || !values || !depth)
    return failure();
  if (depth->getNumElements() != 1)
    return n.emitError() << "input 'depth' must hold one value";
  int64_t rank = typeOf(indices).getRank();
  auto axis = n.normalizeAxis(n.getInt("axis", -1), rank + 1, "attribute 'axis'");
  if (!axis)
    return failure();
  return bind(n, n.create<OneHotOp>({indices, values}, {n.i64Attr("axis", *axis),
                                                        n.i64Attr("depth", depth->getInt(0))}));
}

LogicalResult convertReverseSequence(NodeContext &n) {
  Value x = n.input(0), lens = n.input(1);
  if (!x || !lens)
    return failure();
  return bind(n, n.create<ReverseSequenceOp>({x, lens},
                                             {n.i64Attr("batch_axis", n.getInt("batch_axis", 1)),
                                              n.i64Attr("time_axis", n.getInt("time_axis", 0))},
                                             typeOf(x)));
}

//===--- TfIdfVectorizer -------------------------------------------------------===//

/// TfIdfVectorizer: attribute checks that need no shapes (strings are not importable, so
/// `pool_strings` pools are unsupported).
LogicalResult checkTfIdfVectorizer(NodeView &n) {
  std::string mode = n.getString("mode", "");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return n.emitError() << "attribute 'mode' must be TF, IDF or TFIDF, not '" << mode << "'";
  if (n.hasAttr("pool_strings"))
    return n.emitError() << "string pools ('pool_strings') are not supported";
  if (!n.hasAttr("pool_int64s"))
    return n.emitError() << "attribute 'pool_int64s' is required";
  int64_t minN = n.getInt("min_gram_length", 0), maxN = n.getInt("max_gram_length", 0);
  if (minN < 1 || maxN < minN)
    return n.emitError() << "gram lengths must satisfy 1 <= min_gram_length (" << minN
                         << ") <= max_gram_length (" << maxN << ")";
  if (n.getInt("max_skip_count", 0) < 0)
    return n.emitError() << "attribute 'max_skip_count' must not be negative";
  return success();
}

/// TfIdfVectorizer: the pool (ngram_counts[i] = start of the (i+1)-grams in pool_int64s,
/// ngram_indexes = the output index of each pool n-gram in order) becomes a constant table
/// of the n-grams with lengths in [min_gram_length, max_gram_length]; ONNX's trie keeps
/// the last of duplicate entries, so does the table. Output size = max(ngram_indexes) + 1.
LogicalResult convertTfIdfVectorizer(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  if (!xt.getElementType().isInteger(32) && !xt.getElementType().isInteger(64))
    return n.emitError() << "input must hold int32 or int64 tokens, not " << xt.getElementType();
  if (xt.getRank() != 1 && xt.getRank() != 2)
    return n.emitError() << "input must be [C] or [N, C], not " << xt;
  std::string modeName = n.getString("mode", "");
  int64_t mode = modeName == "TF" ? 0 : modeName == "IDF" ? 1 : 2;
  int64_t minN = n.getInt("min_gram_length", 0), maxN = n.getInt("max_gram_length", 0);
  int64_t maxSkip = n.getInt("max_skip_count", 0);
  SmallVector<int64_t> pool = n.getInts("pool_int64s").value_or(SmallVector<int64_t>{});
  SmallVector<int64_t> counts = n.getInts("ngram_counts").value_or(SmallVector<int64_t>{});
  SmallVector<int64_t> indexes = n.getInts("ngram_indexes").value_or(SmallVector<int64_t>{});
  SmallVector<float> weights = n.getFloats("weights").value_or(SmallVector<float>{});
  if (n.hasFailed())
    return failure();
  if (indexes.empty())
    return n.emitError() << "attribute 'ngram_indexes' must not be empty";
  int64_t outputSize = 0;
  for (int64_t idx : indexes) {
    if (idx < 0 || idx >= (int64_t(1) << 24))
      return n.emitError() << "ngram_indexes value " << idx << " is out of range";
    outputSize = std::max(outputSize, idx + 1);
  }
  int64_t poolSize = pool.size();
  // (length, output index, tokens) of each in-range n-gram, in pool order.
  struct Gram {
    int64_t len, out;
    ArrayRef<int64_t> tokens;
  };
  SmallVector<Gram> grams;
  int64_t id = 0;
  for (auto [i, start] : llvm::enumerate(counts)) {
    int64_t end = i + 1 < counts.size() ? counts[i + 1] : poolSize;
    int64_t len = i + 1;
    if (start < 0 || end < start || end > poolSize)
      return n.emitError() << "ngram_counts " << start << ".." << end
                           << " do not fit pool_int64s of " << poolSize << " values";
    if ((end - start) % len != 0)
      return n.emitError() << "the " << len << "-gram pool of " << end - start
                           << " values is not a multiple of " << len;
    for (int64_t g = start; g < end; g += len, ++id) {
      if (id >= static_cast<int64_t>(indexes.size()))
        return n.emitError() << "ngram_indexes has " << indexes.size()
                             << " entries, fewer than the pool's n-grams";
      if (len >= minN && len <= maxN)
        grams.push_back({len, indexes[id], ArrayRef<int64_t>(pool).slice(g, len)});
    }
  }
  if (id != static_cast<int64_t>(indexes.size()))
    return n.emitError() << "ngram_indexes has " << indexes.size() << " entries but the pool " << id
                         << " n-grams";
  // Later duplicates replace earlier ones.
  SmallVector<Gram> table;
  for (int64_t g = static_cast<int64_t>(grams.size()) - 1; g >= 0; --g)
    if (llvm::none_of(table, [&](const Gram &t) { return t.tokens == grams[g].tokens; }))
      table.push_back(grams[g]);
  std::reverse(table.begin(), table.end());
  // No pool n-gram is longer than the number of ngram_counts entries.
  int64_t width = 2 + std::min<int64_t>(maxN, counts.size());
  int64_t rows = std::max<int64_t>(table.size(), 1);
  SmallVector<int64_t> flat(rows * width, 0);
  for (auto [g, gram] : llvm::enumerate(table)) {
    flat[g * width] = gram.len;
    flat[g * width + 1] = gram.out;
    llvm::copy(gram.tokens, flat.begin() + g * width + 2);
  }
  // Weights are indexed by output position (as ONNX's reference and onnxruntime do).
  SmallVector<float> w(outputSize, 1.0f);
  if (!weights.empty()) {
    if (static_cast<int64_t>(weights.size()) < outputSize)
      return n.emitError() << "attribute 'weights' has " << weights.size()
                           << " values, fewer than the output size " << outputSize;
    std::copy(weights.begin(), weights.begin() + outputSize, w.begin());
  }
  auto &b = n.getBuilder();
  Value tableValue = n.create<ConstantOp>(
      {}, n.namedAttr("value",
                      DenseElementsAttr::get(RankedTensorType::get({rows, width}, b.getI64Type()),
                                             ArrayRef<int64_t>(flat))));
  Value weightValue = n.create<ConstantOp>(
      {}, n.namedAttr("value",
                      DenseElementsAttr::get(RankedTensorType::get({outputSize}, b.getF32Type()),
                                             ArrayRef<float>(w))));
  if (!tableValue || !weightValue)
    return failure();
  return bind(
      n, n.create<TfIdfVectorizerOp>({x, tableValue, weightValue},
                                     {n.i64Attr("max_skip_count", maxSkip), n.i64Attr("mode", mode),
                                      n.i64Attr("output_size", outputSize)}));
}

//===--- Data-dependent output sizes ------------------------------------------===//

LogicalResult convertNonZero(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  // A constant input gives a constant (static) result.
  if (auto cst = x.getDefiningOp<ConstantOp>()) {
    if (auto in = ConstantValue::get(cst.getValue())) {
      SmallVector<int64_t> hits;
      for (int64_t i = 0; i < in->getNumElements(); ++i)
        if (in->getDouble(i) != 0.0)
          hits.push_back(i);
      int64_t count = hits.size(), rank = xt.getRank();
      ConstantValue out =
          ConstantValue::zeros(RankedTensorType::get({rank, count}, n.getBuilder().getI64Type()));
      for (auto [j, flat] : llvm::enumerate(hits)) {
        int64_t rest = flat;
        for (int64_t d = rank - 1; d >= 0; --d) {
          out.setInt(d * count + j, rest % xt.getDimSize(d));
          rest /= xt.getDimSize(d);
        }
      }
      return bind(n, constantOf(n, out));
    }
  }
  return bind(n, n.create<NonZeroOp>(x));
}

/// Compress: without `axis` the input is flattened. A constant condition selects with a
/// Gather of constant indices (a static shape).
LogicalResult convertCompress(NodeContext &n) {
  Value x = n.input(0), cond = n.input(1);
  if (!x || !cond)
    return failure();
  if (!typeOf(cond).getElementType().isInteger(1) || typeOf(cond).getRank() != 1)
    return n.emitError() << "condition must be a 1-d bool tensor, got " << typeOf(cond);
  int64_t axis = 0;
  if (n.hasAttr("axis")) {
    auto a = n.normalizeAxis(n.getInt("axis", 0), typeOf(x).getRank(), "attribute 'axis'");
    if (!a)
      return failure();
    axis = *a;
  } else if (!(x = n.reshape(x, {typeOf(x).getNumElements()}))) {
    return failure();
  }
  if (auto cst = cond.getDefiningOp<ConstantOp>()) {
    if (auto c = ConstantValue::get(cst.getValue())) {
      SmallVector<int64_t> picked;
      for (int64_t i = 0; i < std::min(c->getNumElements(), typeOf(x).getDimSize(axis)); ++i)
        if (c->getInt(i))
          picked.push_back(i);
      Value idx = i64Constant(n, picked);
      return idx ? bind(n, n.create<GatherOp>({x, idx}, n.i64Attr("axis", axis))) : failure();
    }
  }
  return bind(n, n.create<CompressOp>({x, cond}, n.i64Attr("axis", axis)));
}

/// Unique: without `axis` the input is flattened. Outputs Y, indices, inverse_indices and
/// counts map to the op's first four results.
LogicalResult convertUnique(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  int64_t axis = 0;
  if (n.hasAttr("axis")) {
    auto a = n.normalizeAxis(n.getInt("axis", 0), typeOf(x).getRank(), "attribute 'axis'");
    if (!a)
      return failure();
    axis = *a;
  } else if (!(x = n.reshape(x, {typeOf(x).getNumElements()}))) {
    return failure();
  }
  Value y = n.create<UniqueOp>(
      x, {n.i64Attr("axis", axis),
          n.namedAttr("sorted", n.getBuilder().getBoolAttr(n.getInt("sorted", 1) != 0))});
  if (!y)
    return failure();
  Operation *op = y.getDefiningOp();
  for (unsigned i = 0; i < 4; ++i)
    n.setOutput(i, op->getResult(i));
  return success();
}

/// NonMaxSuppression: absent optional inputs become ONNX's defaults (no boxes, IoU 0, no
/// score filter); present ones are read at run time. A constant max_output_boxes_per_class
/// bounds the output size.
LogicalResult convertNonMaxSuppression(NodeContext &n) {
  Value boxes = n.input(0), scores = n.input(1);
  if (!boxes || !scores)
    return failure();
  if (typeOf(boxes).getRank() != 3 || typeOf(scores).getRank() != 3)
    return n.emitError() << "expects boxes B x N x 4 and scores B x C x N";
  int64_t numBoxes = typeOf(boxes).getDimSize(1), maxBoxes = numBoxes;
  OpBuilder &b = n.getBuilder();
  auto scalarOf = [&](unsigned i, Type et, double fallback) -> Value {
    Value v = n.optionalInput(i);
    if (!v)
      return n.reshape(n.scalarConstant(et, fallback), {1});
    if (typeOf(v).getNumElements() != 1) {
      n.emitError() << "input #" << i << " must hold one value, got " << typeOf(v);
      return {};
    }
    if (typeOf(v).getElementType() != et)
      v = n.create<CastOp>(v, {}, RankedTensorType::get(typeOf(v).getShape(), et));
    return v ? n.reshape(v, {1}) : Value();
  };
  Value maxOut = scalarOf(2, b.getI64Type(), 0), iou = scalarOf(3, b.getF32Type(), 0),
        score = scalarOf(4, b.getF32Type(), 0);
  if (!maxOut || !iou || !score)
    return failure();
  if (auto cst = maxOut.getDefiningOp<ConstantOp>())
    if (auto m = ConstantValue::get(cst.getValue()))
      maxBoxes = std::clamp<int64_t>(m->getInt(0), 0, numBoxes);
  return bind(
      n, n.create<NonMaxSuppressionOp>(
             {boxes, scores, maxOut, iou, score},
             {n.namedAttr("center_point_box", b.getBoolAttr(n.getInt("center_point_box", 0) != 0)),
              n.namedAttr("use_score_threshold", b.getBoolAttr(n.hasInput(4))),
              n.i64Attr("max_boxes", maxBoxes)}));
}

} // namespace

void registerTensorHandlers(llvm::StringMap<OpHandler> &table) {
  table["Slice"] = {convertSlice};
  table["Split"] = {convertSplit, nullptr, 1u << 20};
  table["Expand"] = {convertExpand};
  table["Tile"] = {convertTile};
  table["Pad"] = {convertPad};
  table["CenterCropPad"] = {convertCenterCropPad};
  table["Range"] = {convertRange};
  table["Size"] = {convertSize};
  table["EyeLike"] = {convertEyeLike};
  table["Optional"] = {convertOptional, nullptr, 1, /*sequences=*/true};
  table["OptionalHasElement"] = {convertOptionalHasElement, nullptr, 1, /*sequences=*/true};
  table["OptionalGetElement"] = {convertOptionalGetElement, nullptr, 1, /*sequences=*/true};
  table["Trilu"] = {convertTrilu};
  table["DepthToSpace"] = {convertBlockShuffle<true>};
  table["SpaceToDepth"] = {convertBlockShuffle<false>};
  table["GatherElements"] = {convertGatherElements};
  table["GatherND"] = {convertGatherND};
  table["ScatterElements"] = {convertScatterElements};
  table["Scatter"] = {convertScatterElements};
  table["ScatterND"] = {convertScatterND};
  table["TensorScatter"] = {convertTensorScatter};
  table["OneHot"] = {convertOneHot};
  table["ReverseSequence"] = {convertReverseSequence};
  table["NonZero"] = {convertNonZero};
  table["Compress"] = {convertCompress};
  table["Unique"] = {convertUnique, nullptr, 4};
  table["NonMaxSuppression"] = {convertNonMaxSuppression};
  table["TfIdfVectorizer"] = {convertTfIdfVectorizer, checkTfIdfVectorizer};
}

} // namespace modelc::import
