//===- GraphTensorOps.cpp - graph dialect: tensor ops ---------------------===//
//
// Result-type inference, verifiers and folders of the ops in GraphTensorOps.td. Folders of
// the index-map ops (Slice, Pad, Expand, Tile) evaluate small constants, so that the shape
// arithmetic of exported models (Shape -> Slice -> Concat -> Expand, ...) folds at import.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/GraphOpUtils.h"

#include "mlir/Interfaces/ControlFlowInterfaces.h"

#include <cstring>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Evaluates an index map on a constant: result element at multi-index `idx` is input
/// element `source(idx)` (a flat index), or `fill` (the bytes of one element) when source
/// returns a negative value. Null when the operand is not a usable constant or too large.
template <typename Fn>
OpFoldResult foldIndexMap(Attribute inputAttr, RankedTensorType resultType, Fn source,
                          ArrayRef<char> fill = {}) {
  auto cst = dyn_cast_or_null<ElementsAttr>(inputAttr);
  if (!cst || !resultType.hasStaticShape())
    return {};
  // Every result element of a splat is the splat value (unless some come from `fill`).
  if (auto splat = dyn_cast<SplatElementsAttr>(cst); splat && fill.empty())
    return SplatElementsAttr::get(resultType, splat.getSplatValue<Attribute>());
  if (resultType.getNumElements() > kMaxFoldElements)
    return {};
  auto in = ConstantValue::get(cst);
  if (!in)
    return {};
  ConstantValue out = ConstantValue::zeros(resultType);
  int64_t esize = in->getElementSize(), rank = resultType.getRank();
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t i = 0, n = resultType.getNumElements(); i < n; ++i) {
    int64_t src = source(ArrayRef<int64_t>(idx));
    if (src >= 0)
      std::memcpy(out.data() + i * esize, in->getBytes().data() + src * esize, esize);
    else if (!fill.empty())
      std::memcpy(out.data() + i * esize, fill.data(), esize);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < resultType.getDimSize(d))
        break;
      idx[d] = 0;
    }
  }
  return out.toAttr("folded");
}

LogicalResult checkReduction(Operation *op, StringRef reduction) {
  if (reduction != "none" && reduction != "add" && reduction != "mul" && reduction != "max" &&
      reduction != "min")
    return op->emitOpError("unknown reduction '") << reduction << "'";
  return success();
}

/// Results whose size depends on the data hold an upper bound of their values; only the
/// bundle's output API knows the actual extents, so such a result may only be returned.
LogicalResult verifyGraphOutputsOnly(Operation *op, ArrayRef<unsigned> results) {
  for (unsigned r : results)
    for (Operation *user : op->getResult(r).getUsers()) {
      if (user->hasTrait<OpTrait::ReturnLike>())
        continue;
      InFlightDiagnostic diag = op->emitOpError("result #")
                                << r << " has a size that depends on the data, so it can only "
                                << "be a graph output for now, but '" << user->getName() << "'";
      if (auto name = dyn_cast<NameLoc>(user->getLoc()))
        diag << " (node '" << name.getName().getValue() << "')";
      return diag << " reads it";
    }
  return success();
}

RankedTensorType i64Vector(MLIRContext *ctx, int64_t n) {
  return RankedTensorType::get({n}, IntegerType::get(ctx, 64));
}

} // namespace

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  auto in = getRanked(getInput()), out = getType();
  int64_t rank = in.getRank();
  if (out.getRank() != rank || static_cast<int64_t>(getStarts().size()) != rank ||
      static_cast<int64_t>(getSteps().size()) != rank)
    return emitOpError("expects one start and step per dimension of ") << in;
  if (out.getElementType() != in.getElementType())
    return emitOpError("element type must not change");
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = out.getDimSize(d), start = getStarts()[d], step = getSteps()[d];
    if (step == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    if (size == 0 || ShapedType::isDynamic(size) || in.isDynamicDim(d))
      continue;
    int64_t last = start + (size - 1) * step;
    if (start < 0 || start >= in.getDimSize(d) || last < 0 || last >= in.getDimSize(d))
      return emitOpError("dimension ") << d << " reads outside [0, " << in.getDimSize(d) << ")";
  }
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto out = getType();
  bool identity = getInput().getType() == out &&
                  llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
                  llvm::all_of(getSteps(), [](int64_t s) { return s == 1; });
  if (identity)
    return getInput();
  SmallVector<int64_t> inStrides = stridesOf(getRanked(getInput()).getShape());
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  return foldIndexMap(adaptor.getInput(), out, [&](ArrayRef<int64_t> idx) {
    int64_t src = 0;
    for (auto [d, i] : llvm::enumerate(idx))
      src += (starts[d] + i * steps[d]) * inStrides[d];
    return src;
  });
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto in = getRanked(adaptor.getInput());
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOptionalError(loc, "pad expects ", 2 * rank, " pads for rank ", rank, ", got ",
                             pads.size());
  for (int64_t p : pads)
    if (p > kMaxAttrExtent || p < -kMaxAttrExtent)
      return emitOptionalError(loc, "pads must be at most ", kMaxAttrExtent, " in magnitude, got ",
                               p);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = in.getDimSize(d) + pads[d] + pads[d + rank];
    if (size < 0)
      return emitOptionalError(loc, "pads remove more than the ", in.getDimSize(d),
                               " elements of dimension ", d);
    shape.push_back(size);
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult PadOp::verify() {
  StringRef mode = getMode();
  if (mode != "constant" && mode != "edge" && mode != "reflect" && mode != "wrap")
    return emitOpError("unknown mode '") << mode << "'";
  auto in = getRanked(getInput());
  if (getValue() && (getRanked(getValue()).getNumElements() != 1 ||
                     getRanked(getValue()).getElementType() != in.getElementType()))
    return emitOpError("value must be one element of type ") << in.getElementType();
  if (mode != "constant") {
    // Reading outside the input needs elements to repeat.
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (in.getDimSize(d) == 0 && getType().getDimSize(d) > 0)
        return emitOpError("mode '") << mode << "' cannot pad the empty dimension " << d;
  }
  return success();
}

OpFoldResult PadOp::fold(FoldAdaptor adaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  // Constant mode only: the other modes are rare in shape computations.
  if (getMode() != "constant")
    return {};
  auto in = getRanked(getInput());
  ConstantValue fill = ConstantValue::zeros(RankedTensorType::get({}, in.getElementType()));
  if (getValue()) {
    auto value = dyn_cast_or_null<ElementsAttr>(adaptor.getValue());
    auto v = value ? ConstantValue::get(value) : std::nullopt;
    if (!v)
      return {};
    fill = ConstantValue(RankedTensorType::get({}, in.getElementType()),
                         std::vector<char>(v->getBytes().begin(), v->getBytes().end()));
  }
  SmallVector<int64_t> inStrides = stridesOf(in.getShape());
  ArrayRef<int64_t> pads = getPads();
  int64_t rank = in.getRank();
  return foldIndexMap(
      adaptor.getInput(), getType(),
      [&](ArrayRef<int64_t> idx) -> int64_t {
        int64_t src = 0;
        for (int64_t d = 0; d < rank; ++d) {
          int64_t i = idx[d] - pads[d];
          if (i < 0 || i >= in.getDimSize(d))
            return -1;
          src += i * inStrides[d];
        }
        return src;
      },
      fill.getBytes());
}

//===----------------------------------------------------------------------===//
// ExpandOp, TileOp, TriluOp
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::verify() {
  auto in = getRanked(getInput()), out = getType();
  SmallVector<int64_t> shape;
  if (in.getElementType() != out.getElementType() ||
      !OpTrait::util::getBroadcastedShape(in.getShape(), out.getShape(), shape) ||
      ArrayRef<int64_t>(shape) != out.getShape())
    return emitOpError("cannot broadcast ") << in << " to " << out;
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto in = getRanked(getInput()), out = getType();
  int64_t offset = out.getRank() - in.getRank();
  SmallVector<int64_t> inStrides = stridesOf(in.getShape());
  if (auto cst = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput()))
    return SplatElementsAttr::get(out, cst.getSplatValue<Attribute>());
  return foldIndexMap(adaptor.getInput(), out, [&](ArrayRef<int64_t> idx) {
    int64_t src = 0;
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (in.getDimSize(d) != 1)
        src += idx[d + offset] * inStrides[d];
    return src;
  });
}

LogicalResult TileOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto in = getRanked(adaptor.getInput());
  ArrayRef<int64_t> repeats = adaptor.getRepeats();
  if (static_cast<int64_t>(repeats.size()) != in.getRank())
    return emitOptionalError(loc, "tile expects ", in.getRank(), " repeats, got ", repeats.size());
  SmallVector<int64_t> shape;
  for (auto [d, r] : llvm::enumerate(repeats)) {
    if (r < 0)
      return emitOptionalError(loc, "repeats must not be negative, got ", r);
    int64_t size = in.getDimSize(d), tiled;
    if (ShapedType::isDynamic(size)) {
      shape.push_back(r == 0 ? 0 : ShapedType::kDynamic);
      continue;
    }
    if (__builtin_mul_overflow(size, r, &tiled))
      return emitOptionalError(loc, "tiling dimension ", d, " of size ", size, " by ", r,
                               " overflows 64 bits");
    shape.push_back(tiled);
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

OpFoldResult TileOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto in = getRanked(getInput());
  SmallVector<int64_t> inStrides = stridesOf(in.getShape());
  return foldIndexMap(adaptor.getInput(), getType(), [&](ArrayRef<int64_t> idx) {
    int64_t src = 0;
    for (auto [d, i] : llvm::enumerate(idx))
      src += (i % in.getDimSize(d)) * inStrides[d];
    return src;
  });
}

LogicalResult TriluOp::verify() {
  if (getRanked(getInput()).getRank() < 2)
    return emitOpError("expects a tensor of rank >= 2");
  if (getK() && getRanked(getK()).getNumElements() != 1)
    return emitOpError("k must hold one element");
  return success();
}

//===----------------------------------------------------------------------===//
// Indexing ops
//===----------------------------------------------------------------------===//

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                 Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto data = getRanked(adaptor.getData()), idx = getRanked(adaptor.getIndices());
  if (data.getRank() != idx.getRank() || data.getRank() == 0)
    return emitOptionalError(loc, "gather_elements expects data and indices of equal rank >= 1");
  if (adaptor.getAxis() < 0 || adaptor.getAxis() >= data.getRank())
    return emitOptionalError(loc, "gather_elements axis ", adaptor.getAxis(), " out of range");
  inferred.push_back(RankedTensorType::get(idx.getShape(), data.getElementType()));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto data = getRanked(adaptor.getData()), idx = getRanked(adaptor.getIndices());
  int64_t b = adaptor.getBatchDims();
  if (idx.getRank() < 1 || b < 0 || b >= std::min(data.getRank(), idx.getRank()))
    return emitOptionalError(loc, "gather_nd batch_dims ", b, " out of range");
  int64_t q = idx.getDimSize(idx.getRank() - 1);
  if (q < 1 || b + q > data.getRank())
    return emitOptionalError(loc, "gather_nd index tuples of length ", q, " do not fit ", data);
  for (int64_t d = 0; d < b; ++d)
    if (data.getDimSize(d) != idx.getDimSize(d))
      return emitOptionalError(loc, "gather_nd batch dimension ", d, " differs");
  SmallVector<int64_t> shape(idx.getShape().drop_back());
  llvm::append_range(shape, data.getShape().drop_front(b + q));
  inferred.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  auto data = getRanked(getData()), idx = getRanked(getIndices()), upd = getRanked(getUpdates());
  if (idx.getShape() != upd.getShape() || idx.getRank() != data.getRank())
    return emitOpError("indices and updates must have one shape, of the data's rank");
  if (upd.getElementType() != data.getElementType())
    return emitOpError("updates must have the data's element type");
  if (getAxis() < 0 || getAxis() >= std::max<int64_t>(data.getRank(), 1))
    return emitOpError("axis ") << getAxis() << " out of range";
  for (int64_t d = 0; d < data.getRank(); ++d)
    if (idx.getDimSize(d) > data.getDimSize(d) && d != getAxis())
      return emitOpError("indices dimension ") << d << " exceeds the data's";
  return checkReduction(*this, getReduction());
}

LogicalResult ScatterNDOp::verify() {
  auto data = getRanked(getData()), idx = getRanked(getIndices()), upd = getRanked(getUpdates());
  if (idx.getRank() < 1)
    return emitOpError("indices must have rank >= 1");
  int64_t q = idx.getDimSize(idx.getRank() - 1);
  if (q > data.getRank())
    return emitOpError("index tuples of length ") << q << " do not fit " << data;
  SmallVector<int64_t> expected(idx.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(q));
  if (upd.getShape() != ArrayRef<int64_t>(expected) ||
      upd.getElementType() != data.getElementType())
    return emitOpError("updates must be ")
           << RankedTensorType::get(expected, data.getElementType());
  return checkReduction(*this, getReduction());
}

LogicalResult TensorScatterOp::verify() {
  auto past = getRanked(getPast()), upd = getRanked(getUpdate());
  int64_t axis = getAxis();
  if (past.getRank() < 2 || upd.getRank() != past.getRank() || axis < 1 || axis >= past.getRank())
    return emitOpError("expects past and update of equal rank >= 2 and an axis in [1, rank)");
  for (int64_t d = 0; d < past.getRank(); ++d)
    if (d == axis ? upd.getDimSize(d) > past.getDimSize(d)
                  : upd.getDimSize(d) != past.getDimSize(d))
      return emitOpError("update ") << upd << " does not fit " << past << " along axis " << axis;
  if (getWriteIndices() && getRanked(getWriteIndices()).getNumElements() != past.getDimSize(0))
    return emitOpError("write_indices must hold one index per batch entry");
  return success();
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto idx = getRanked(adaptor.getIndices()), values = getRanked(adaptor.getValues());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis > idx.getRank())
    return emitOptionalError(loc, "one_hot axis ", axis, " out of range");
  if (values.getNumElements() != 2)
    return emitOptionalError(loc, "one_hot values must hold [off, on]");
  if (static_cast<int64_t>(adaptor.getDepth()) < 0)
    return emitOptionalError(loc, "one_hot depth must not be negative");
  SmallVector<int64_t> shape(idx.getShape());
  shape.insert(shape.begin() + axis, adaptor.getDepth());
  inferred.push_back(RankedTensorType::get(shape, values.getElementType()));
  return success();
}

LogicalResult ReverseSequenceOp::verify() {
  auto in = getRanked(getInput());
  int64_t b = getBatchAxis(), t = getTimeAxis();
  if (in.getRank() < 2 || !((b == 0 && t == 1) || (b == 1 && t == 0)))
    return emitOpError("expects rank >= 2 and batch/time axes {0, 1}");
  if (getRanked(getSequenceLens()).getNumElements() != in.getDimSize(b))
    return emitOpError("sequence_lens must hold one length per batch entry");
  return success();
}

//===----------------------------------------------------------------------===//
// Text: TfIdfVectorizer
//===----------------------------------------------------------------------===//

LogicalResult TfIdfVectorizerOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &inferred) {
  auto in = getRanked(adaptor.getInput());
  if (in.getRank() != 1 && in.getRank() != 2)
    return emitOptionalError(loc, "tfidf_vectorizer expects a rank-1 or rank-2 input");
  if (adaptor.getOutputSize() < 1)
    return emitOptionalError(loc, "tfidf_vectorizer output_size must be positive");
  SmallVector<int64_t> shape(in.getShape().drop_back());
  shape.push_back(adaptor.getOutputSize());
  inferred.push_back(RankedTensorType::get(shape, Float32Type::get(ctx)));
  return success();
}

LogicalResult TfIdfVectorizerOp::verify() {
  Type e = getRanked(getInput()).getElementType();
  if (!e.isInteger(32) && !e.isInteger(64))
    return emitOpError("input must hold int32 or int64 tokens, not ") << e;
  auto grams = getRanked(getGrams());
  if (grams.getRank() != 2 || grams.getDimSize(0) < 1 || grams.getDimSize(1) < 3)
    return emitOpError("grams must be G x (2 + max n) with G >= 1 and n >= 1");
  auto weights = getRanked(getWeights());
  if (!weights.getElementType().isF32() || weights.getRank() != 1 ||
      weights.getDimSize(0) != getOutputSize())
    return emitOpError("weights must be float32 [output_size]");
  if (getMode() < 0 || getMode() > 2)
    return emitOpError("mode must be 0 (TF), 1 (IDF) or 2 (TFIDF)");
  if (static_cast<int64_t>(getMaxSkipCount()) < 0)
    return emitOpError("max_skip_count must not be negative");
  return success();
}

//===----------------------------------------------------------------------===//
// Data-dependent output sizes
//===----------------------------------------------------------------------===//

LogicalResult NonZeroOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location>,
                                          Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto in = getRanked(adaptor.getInput());
  inferred.push_back(
      RankedTensorType::get({in.getRank(), in.getNumElements()}, IntegerType::get(ctx, 64)));
  inferred.push_back(i64Vector(ctx, 2));
  return success();
}

LogicalResult CompressOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto in = getRanked(adaptor.getInput()), cond = getRanked(adaptor.getCondition());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= in.getRank() || cond.getRank() != 1)
    return emitOptionalError(loc, "compress expects an axis in range and a 1-d condition");
  SmallVector<int64_t> shape(in.getShape());
  shape[axis] = std::min(shape[axis], cond.getDimSize(0));
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  inferred.push_back(i64Vector(ctx, in.getRank()));
  return success();
}

LogicalResult UniqueOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto in = getRanked(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOptionalError(loc, "unique axis ", axis, " out of range");
  int64_t n = in.getDimSize(axis);
  inferred.push_back(in);
  for (int i = 0; i < 3; ++i)
    inferred.push_back(i64Vector(ctx, n));
  inferred.push_back(i64Vector(ctx, in.getRank()));
  inferred.push_back(i64Vector(ctx, 1));
  inferred.push_back(i64Vector(ctx, 1));
  return success();
}

LogicalResult NonMaxSuppressionOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                                    Adaptor adaptor,
                                                    SmallVectorImpl<Type> &inferred) {
  auto boxes = getRanked(adaptor.getBoxes()), scores = getRanked(adaptor.getScores());
  if (boxes.getRank() != 3 || scores.getRank() != 3 || boxes.getDimSize(2) != 4)
    return emitOptionalError(loc, "non_max_suppression expects boxes B x N x 4 and scores "
                                  "B x C x N");
  int64_t rows = scores.getDimSize(0) * scores.getDimSize(1) * adaptor.getMaxBoxes();
  inferred.push_back(RankedTensorType::get({rows, 3}, IntegerType::get(ctx, 64)));
  inferred.push_back(i64Vector(ctx, 2));
  return success();
}

LogicalResult NonZeroOp::verify() { return verifyGraphOutputsOnly(*this, {0}); }
LogicalResult CompressOp::verify() { return verifyGraphOutputsOnly(*this, {0}); }
LogicalResult UniqueOp::verify() { return verifyGraphOutputsOnly(*this, {0, 1, 3}); }

LogicalResult NonMaxSuppressionOp::verify() {
  if (failed(verifyGraphOutputsOnly(*this, {0})))
    return failure();
  auto boxes = getRanked(getBoxes()), scores = getRanked(getScores());
  if (scores.getDimSize(0) != boxes.getDimSize(0) || scores.getDimSize(2) != boxes.getDimSize(1))
    return emitOpError("scores ") << scores << " do not match boxes " << boxes;
  if (static_cast<int64_t>(getMaxBoxes()) < 0 ||
      static_cast<int64_t>(getMaxBoxes()) > boxes.getDimSize(1))
    return emitOpError("max_boxes must be in [0, ") << boxes.getDimSize(1) << "]";
  for (Value v : {getMaxOutputBoxesPerClass(), getIouThreshold(), getScoreThreshold()})
    if (getRanked(v).getNumElements() != 1)
      return emitOpError("thresholds and the box limit must hold one element each");
  if (!getRanked(getIouThreshold()).getElementType().isF32() ||
      !getRanked(getScoreThreshold()).getElementType().isF32())
    return emitOpError("thresholds must be float32");
  return success();
}
