//===- GraphOps.cpp - modelc graph dialect operations ---------------------===//
//
// Result-type inference, verifiers and folders of the graph dialect. Shapes follow the ONNX
// operator specification; folders evaluate small constant subgraphs (the Shape -> Gather ->
// Unsqueeze -> Concat chains that exporters emit for reshapes) at compile time.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/GraphOpUtils.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

#include "dialects/Graph/GraphEnums.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location>, ValueRange,
                                           DictionaryAttr attrs, OpaqueProperties props,
                                           RegionRange, SmallVectorImpl<Type> &inferred) {
  auto *p = props.as<Properties *>();
  Attribute value = p ? p->value : attrs.get("value");
  auto elements = dyn_cast_or_null<ElementsAttr>(value);
  if (!elements)
    return failure();
  inferred.push_back(elements.getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Binary elementwise ops
//===----------------------------------------------------------------------===//

#define MODELC_BINARY_OP(OP, FLOATEXPR, INTEXPR)                                                   \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,  \
                                     SmallVectorImpl<Type> &inferred) {                            \
    return inferBroadcast(loc, adaptor.getLhs(), adaptor.getRhs(), inferred);                      \
  }                                                                                                \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                                     \
    return foldBinary(                                                                             \
        getOperation(), adaptor.getLhs(), adaptor.getRhs(),                                        \
        makeFn([](double a, double b) -> double { return FLOATEXPR; },                             \
               [](int64_t a, int64_t b) -> std::optional<int64_t> { return INTEXPR; }));           \
  }

// Integer folds wrap around in two's complement, as numpy (ONNX's reference
// implementation) does; signed overflow must not happen in the compiler itself.
static int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }
static uint64_t bits(int64_t v) { return static_cast<uint64_t>(v); }
static int64_t wrappingPow(int64_t base, int64_t exponent) {
  uint64_t result = 1, b = bits(base);
  for (uint64_t e = bits(exponent); e; e >>= 1, b *= b)
    if (e & 1)
      result *= b;
  return wrap(result);
}

MODELC_BINARY_OP(AddOp, a + b, wrap(bits(a) + bits(b)))
MODELC_BINARY_OP(SubOp, a - b, wrap(bits(a) - bits(b)))
MODELC_BINARY_OP(MulOp, a *b, wrap(bits(a) * bits(b)))
MODELC_BINARY_OP(DivOp, a / b,
                 b == 0    ? std::nullopt
                 : b == -1 ? std::optional<int64_t>(wrap(0 - bits(a))) // INT64_MIN / -1
                           : std::optional<int64_t>(a / b))
MODELC_BINARY_OP(PowOp, std::pow(a, b),
                 b < 0 ? std::nullopt : std::optional<int64_t>(wrappingPow(a, b)))
MODELC_BINARY_OP(MaxOp, std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b), std::max(a, b))
MODELC_BINARY_OP(MinOp, std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b), std::min(a, b))
#undef MODELC_BINARY_OP

//===----------------------------------------------------------------------===//
// Unary elementwise ops without attributes
//===----------------------------------------------------------------------===//

/// Evaluates `fn` on every element of a small constant; integers go through double, which
/// is exact for the magnitudes of shape arithmetic.
template <typename Fn> static OpFoldResult foldUnary(Operation *op, Attribute inAttr, Fn fn) {
  auto in = dyn_cast_or_null<ElementsAttr>(inAttr);
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!in || type.getNumElements() > kMaxFoldElements)
    return {};
  auto value = ConstantValue::get(in);
  if (!value)
    return {};
  ConstantValue out = ConstantValue::zeros(type);
  bool isFloat = isa<FloatType>(type.getElementType());
  for (int64_t i = 0; i < out.getNumElements(); ++i) {
    if (isFloat) {
      out.setDouble(i, fn(value->getDouble(i)));
      continue;
    }
    // Beyond 2^53 the double is inexact and llround's result unspecified: leave those to run time.
    constexpr double kExact = 9007199254740992.0;
    int64_t v = value->getInt(i);
    if (v > (int64_t{1} << 53) || v < -(int64_t{1} << 53))
      return {};
    double r = fn(static_cast<double>(v));
    if (!std::isfinite(r) || std::fabs(r) > kExact)
      return {};
    out.setInt(i, static_cast<int64_t>(std::llround(r)));
  }
  return out.toAttr("folded");
}

#define MODELC_UNARY_FOLD(OP, EXPR)                                                                \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                                     \
    return foldUnary(getOperation(), adaptor.getInput(), [](double x) -> double { return EXPR; }); \
  }
MODELC_UNARY_FOLD(ReluOp, x > 0 ? x : 0)
MODELC_UNARY_FOLD(SigmoidOp, 1 / (1 + std::exp(-x)))
MODELC_UNARY_FOLD(TanhOp, std::tanh(x))
MODELC_UNARY_FOLD(HardSwishOp, x *std::max(0.0, std::min(1.0, x / 6 + 0.5)))
MODELC_UNARY_FOLD(AbsOp, std::fabs(x))
MODELC_UNARY_FOLD(NegOp, -x)
MODELC_UNARY_FOLD(ExpOp, std::exp(x))
MODELC_UNARY_FOLD(LogOp, std::log(x))
MODELC_UNARY_FOLD(SqrtOp, std::sqrt(x))
MODELC_UNARY_FOLD(ReciprocalOp, 1 / x)
MODELC_UNARY_FOLD(FloorOp, std::floor(x))
MODELC_UNARY_FOLD(CeilOp, std::ceil(x))
MODELC_UNARY_FOLD(ErfOp, std::erf(x))
MODELC_UNARY_FOLD(SinOp, std::sin(x))
MODELC_UNARY_FOLD(CosOp, std::cos(x))
MODELC_UNARY_FOLD(SoftplusOp, std::log1p(std::exp(x)))
MODELC_UNARY_FOLD(SoftsignOp, x / (1 + std::fabs(x)))
MODELC_UNARY_FOLD(SignOp, x > 0 ? 1.0 : x < 0 ? -1.0 : x)
MODELC_UNARY_FOLD(RoundOp, std::nearbyint(x))
#undef MODELC_UNARY_FOLD

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

/// Output extent of a sliding window along one axis (ONNX Conv/Pool shape rule).
/// Computed in 128 bits (attributes may be as large as INT64_MAX); an extent beyond int64
/// saturates, and the importer rejects it as a too-large result.
static int64_t windowOutput(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                            int64_t padBegin, int64_t padEnd, bool ceilMode) {
  using Wide = __int128;
  Wide span = Wide(k - 1) * dilation + 1;
  Wide numer = Wide(in) + padBegin + padEnd - span;
  if (numer < 0)
    return 0;
  Wide out = (ceilMode ? (numer + stride - 1) / stride : numer / stride) + 1;
  // A window that would start inside the end padding is dropped.
  if (ceilMode && (out - 1) * stride >= Wide(in) + padBegin)
    --out;
  return static_cast<int64_t>(std::min<Wide>(out, std::numeric_limits<int64_t>::max()));
}

static LogicalResult checkSpatialAttrs(std::optional<Location> loc, int64_t spatial,
                                       ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                       ArrayRef<int64_t> dilations) {
  if (static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(dilations.size()) != spatial ||
      static_cast<int64_t>(pads.size()) != 2 * spatial)
    return emitOptionalError(loc, "expected ", spatial, " strides and dilations and ", 2 * spatial,
                             " pads");
  for (int64_t s : strides)
    if (s <= 0)
      return emitOptionalError(loc, "strides must be positive");
  for (int64_t d : dilations)
    if (d <= 0)
      return emitOptionalError(loc, "dilations must be positive");
  for (int64_t p : pads)
    if (p < 0)
      return emitOptionalError(loc, "pads must be non-negative");
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), w = getRanked(adaptor.getWeight());
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return emitOptionalError(loc, "conv expects input and weight of equal rank >= 3");
  int64_t spatial = x.getRank() - 2;
  if (failed(checkSpatialAttrs(loc, spatial, adaptor.getStrides(), adaptor.getPads(),
                               adaptor.getDilations())))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0), w.getDimSize(0)};
  for (int64_t i = 0; i < spatial; ++i)
    shape.push_back(windowOutput(x.getDimSize(i + 2), w.getDimSize(i + 2), adaptor.getStrides()[i],
                                 adaptor.getDilations()[i], adaptor.getPads()[i],
                                 adaptor.getPads()[i + spatial], false));
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult ConvOp::verify() {
  auto x = getRanked(getInput()), w = getRanked(getWeight());
  int64_t group = getGroup();
  // Divisions, not `w.getDimSize(1) * group`: the group comes from the model and may overflow.
  if (group <= 0 || x.getDimSize(1) % group != 0 || x.getDimSize(1) / group != w.getDimSize(1) ||
      w.getDimSize(0) % group != 0)
    return emitOpError("input channels ")
           << x.getDimSize(1) << " do not match weight " << w << " with group " << group;
  if (getBias() && (getRanked(getBias()).getRank() != 1 ||
                    getRanked(getBias()).getDimSize(0) != w.getDimSize(0)))
    return emitOpError("bias must have ") << w.getDimSize(0) << " elements";
  return success();
}

//===----------------------------------------------------------------------===//
// GemmOp, MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto a = getRanked(adaptor.getA()), b = getRanked(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "gemm expects 2-d operands");
  int64_t m = adaptor.getTransA() ? a.getDimSize(1) : a.getDimSize(0);
  int64_t n = adaptor.getTransB() ? b.getDimSize(0) : b.getDimSize(1);
  inferred.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

LogicalResult GemmOp::verify() {
  auto a = getRanked(getA()), b = getRanked(getB());
  int64_t ka = getTransA() ? a.getDimSize(0) : a.getDimSize(1);
  int64_t kb = getTransB() ? b.getDimSize(1) : b.getDimSize(0);
  if (ka != kb)
    return emitOpError("inner dimensions differ: ") << ka << " vs " << kb;
  if (getC()) {
    SmallVector<int64_t> shape;
    auto out = getRanked(getResult());
    if (!OpTrait::util::getBroadcastedShape(out.getShape(), getRanked(getC()).getShape(), shape) ||
        shape != SmallVector<int64_t>(out.getShape()))
      return emitOpError("C of type ") << getC().getType() << " does not broadcast to " << out;
  }
  return success();
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto a = getRanked(adaptor.getLhs()), b = getRanked(adaptor.getRhs());
  if (a.getRank() == 0 || b.getRank() == 0)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  if (as.size() == 1)
    as.insert(as.begin(), 1);
  if (bs.size() == 1)
    bs.push_back(1);
  if (as.back() != bs[bs.size() - 2])
    return emitOptionalError(loc, "matmul inner dimensions differ: ", as.back(), " vs ",
                             bs[bs.size() - 2]);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef<int64_t>(as).drop_back(2),
                                          ArrayRef<int64_t>(bs).drop_back(2), batch))
    return emitOptionalError(loc, "matmul batch dimensions do not broadcast");
  if (a.getRank() != 1)
    batch.push_back(as[as.size() - 2]);
  if (b.getRank() != 1)
    batch.push_back(bs.back());
  inferred.push_back(RankedTensorType::get(batch, a.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormOp, PoolOp, SoftmaxOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  if (x.getRank() < 2)
    return emitOptionalError(loc, "batch_norm expects rank >= 2");
  for (Value v : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(), adaptor.getVar()})
    if (getRanked(v).getNumElements() != x.getDimSize(1))
      return emitOptionalError(loc, "batch_norm parameters must have ", x.getDimSize(1),
                               " elements");
  inferred.push_back(x);
  return success();
}

LogicalResult PoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  int64_t spatial = x.getRank() - 2;
  if (spatial < 1 || static_cast<int64_t>(adaptor.getKernelShape().size()) != spatial)
    return emitOptionalError(loc, "pool expects ", spatial, " kernel dimensions");
  if (failed(checkSpatialAttrs(loc, spatial, adaptor.getStrides(), adaptor.getPads(),
                               adaptor.getDilations())))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i)
    shape.push_back(windowOutput(x.getDimSize(i + 2), adaptor.getKernelShape()[i],
                                 adaptor.getStrides()[i], adaptor.getDilations()[i],
                                 adaptor.getPads()[i], adaptor.getPads()[i + spatial],
                                 adaptor.getCeilMode()));
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult PoolOp::verify() {
  if (getKind() == PoolKind::avg && !isa<FloatType>(getRanked(getInput()).getElementType()))
    return emitOpError("average pooling needs a floating-point input");
  for (int64_t k : getKernelShape())
    if (k <= 0)
      return emitOpError("kernel_shape must be positive");
  return success();
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getRanked(getInput()).getRank();
  if (getAxis() < 0 || getAxis() >= std::max<int64_t>(rank, 1))
    return emitOpError("axis ") << getAxis() << " out of range for rank " << rank;
  return success();
}

//===----------------------------------------------------------------------===//
// ReshapeOp, TransposeOp, ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getRanked(getInput()), out = getRanked(getResult());
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type must not change");
  if (in.hasStaticShape() && out.hasStaticShape() && in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ") << in << " to " << out;
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    setOperand(producer.getInput());
    return getResult();
  }
  auto cst = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  if (!cst)
    return {};
  if (auto dense = dyn_cast<DenseElementsAttr>(cst))
    return dense.reshape(getType());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(cst))
    return DenseResourceElementsAttr::get(getType(), resource.getRawHandle());
  return {};
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != x.getRank())
    return emitOptionalError(loc, "perm has ", perm.size(), " entries for rank ", x.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.getRank() || seen[p])
      return emitOptionalError(loc, "perm is not a permutation");
    seen[p] = true;
    shape.push_back(x.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  auto cst = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  if (!cst)
    return {};
  if (auto splat = dyn_cast<SplatElementsAttr>(cst))
    return SplatElementsAttr::get(getType(), splat.getSplatValue<Attribute>());
  auto in = ConstantValue::get(cst);
  if (!in)
    return {};
  auto outType = getType();
  ConstantValue out = ConstantValue::zeros(outType);
  int64_t rank = perm.size(), esize = in->getElementSize();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * in->getType().getDimSize(d + 1);
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t i = 0, n = outType.getNumElements(); i < n; ++i) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += idx[d] * inStrides[perm[d]];
    std::memcpy(out.data() + i * esize, in->getBytes().data() + src * esize, esize);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < outType.getDimSize(d))
        break;
      idx[d] = 0;
    }
  }
  return out.toAttr("transposed");
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "concat needs at least one input");
  auto first = getRanked(adaptor.getInputs().front());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "concat axis ", axis, " out of range");
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : adaptor.getInputs()) {
    auto t = getRanked(v);
    if (t.getRank() != first.getRank() || t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "concat inputs must have equal rank and element type");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitOptionalError(loc, "concat inputs differ in dimension ", d);
    shape[axis] += t.getDimSize(axis);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  auto outType = getType();
  if (outType.getNumElements() > kMaxFoldElements)
    return {};
  SmallVector<ConstantValue> parts;
  for (Attribute a : adaptor.getInputs()) {
    auto cst = dyn_cast_or_null<ElementsAttr>(a);
    if (!cst)
      return {};
    auto v = ConstantValue::get(cst);
    if (!v)
      return {};
    parts.push_back(std::move(*v));
  }
  int64_t axis = getAxis(), esize = getElementByteSize(outType.getElementType());
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= outType.getDimSize(d);
  std::vector<char> bytes;
  bytes.reserve(outType.getNumElements() * esize);
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstantValue &p : parts) {
      int64_t chunk = p.getNumElements() / std::max<int64_t>(outer, 1) * esize;
      if (outer == 0)
        break;
      ArrayRef<char> src = p.getBytes().slice(o * chunk, chunk);
      bytes.insert(bytes.end(), src.begin(), src.end());
    }
  return ConstantValue(outType, std::move(bytes)).toAttr("concat");
}

//===----------------------------------------------------------------------===//
// ShapeOp, GatherOp, CastOp
//===----------------------------------------------------------------------===//

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  int64_t n = std::max<int64_t>(adaptor.getEnd() - adaptor.getStart(), 0);
  inferred.push_back(RankedTensorType::get({n}, IntegerType::get(ctx, 64)));
  return success();
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto in = getRanked(getInput());
  if (!in.hasStaticShape())
    return {};
  SmallVector<int64_t> dims;
  for (int64_t d = getStart(); d < getEnd(); ++d)
    dims.push_back(in.getDimSize(d));
  return DenseElementsAttr::get(getType(), ArrayRef<int64_t>(dims));
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto data = getRanked(adaptor.getData()), idx = getRanked(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "gather axis ", axis, " out of range");
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, idx.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  inferred.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto dataAttr = dyn_cast_or_null<ElementsAttr>(adaptor.getData());
  auto idxAttr = dyn_cast_or_null<ElementsAttr>(adaptor.getIndices());
  if (!dataAttr || !idxAttr)
    return {};
  if (auto splat = dyn_cast<SplatElementsAttr>(dataAttr); splat && getType().hasStaticShape())
    return SplatElementsAttr::get(getType(), splat.getSplatValue<Attribute>());
  if (getType().getNumElements() > kMaxFoldElements)
    return {};
  auto data = ConstantValue::get(dataAttr), idx = ConstantValue::get(idxAttr);
  if (!data || !idx)
    return {};
  auto dt = data->getType();
  int64_t axis = getAxis(), esize = data->getElementSize();
  int64_t outer = 1, inner = 1, extent = dt.getDimSize(axis);
  for (int64_t d = 0; d < axis; ++d)
    outer *= dt.getDimSize(d);
  for (int64_t d = axis + 1; d < dt.getRank(); ++d)
    inner *= dt.getDimSize(d);
  std::vector<char> bytes;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < idx->getNumElements(); ++j) {
      int64_t k = idx->getInt(j);
      if (k < 0)
        k += extent;
      if (k < 0 || k >= extent)
        return {}; // out of range: reported when the kernel runs
      ArrayRef<char> src =
          data->getBytes().slice(((o * extent) + k) * inner * esize, inner * esize);
      bytes.insert(bytes.end(), src.begin(), src.end());
    }
  return ConstantValue(getType(), std::move(bytes)).toAttr("gathered");
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto cst = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  if (!cst || getType().getNumElements() > kMaxFoldElements)
    return {};
  auto in = ConstantValue::get(cst);
  if (!in)
    return {};
  ConstantValue out = ConstantValue::zeros(getType());
  bool fromFloat = isa<FloatType>(in->getType().getElementType());
  for (int64_t i = 0; i < out.getNumElements(); ++i) {
    if (fromFloat)
      out.setDouble(i, in->getDouble(i));
    else
      out.setInt(i, in->getInt(i));
  }
  return out.toAttr("cast");
}
