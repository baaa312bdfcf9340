//===- GraphElementwiseOps.cpp - graph dialect: elementwise ops -----------===//
//
// Result-type inference, verifiers and folders of the ops in GraphElementwiseOps.td. The
// folders evaluate the comparisons, logical ops, Where and Mod that shape computations of
// exported models use (masks of dynamic dimensions, index arithmetic), so those subgraphs
// become constants at import time.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/GraphOpUtils.h"

#include <cmath>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

/// One element of a folded operand, as double and as int64, with its kind.
struct Scalar {
  double f = 0;
  int64_t i = 0;
  bool isFloat = false;
  bool isUnsigned = false;

  static Scalar ofFloat(double v) { return {v, 0, true, false}; }
  static Scalar ofInt(int64_t v) { return {0, v, false, false}; }
  static Scalar ofBool(bool v) { return ofInt(v ? 1 : 0); }
  /// Orders two values of one kind (unsigned integers as uint64).
  bool less(const Scalar &o) const {
    if (isFloat)
      return f < o.f;
    return isUnsigned ? static_cast<uint64_t>(i) < static_cast<uint64_t>(o.i) : i < o.i;
  }
  bool equal(const Scalar &o) const { return isFloat ? f == o.f : i == o.i; }
};

/// Evaluates `fn(ArrayRef<Scalar>) -> std::optional<Scalar>` elementwise over constant
/// operands broadcast to the result shape. Folds nothing when an operand is not constant,
/// the result is too large, or `fn` declines an element.
template <typename Fn>
OpFoldResult foldElementwise(Operation *op, ArrayRef<Attribute> operands, Fn fn) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType.hasStaticShape() || resultType.getNumElements() > kMaxFoldElements)
    return {};
  SmallVector<ConstantValue> values;
  for (Attribute a : operands) {
    auto elements = dyn_cast_or_null<ElementsAttr>(a);
    if (!elements)
      return {};
    auto v = ConstantValue::get(elements);
    if (!v)
      return {};
    values.push_back(std::move(*v));
  }
  ArrayRef<int64_t> shape = resultType.getShape();
  int64_t rank = shape.size();
  SmallVector<SmallVector<int64_t>> strides;
  for (const ConstantValue &v : values) {
    RankedTensorType t = v.getType();
    SmallVector<int64_t> s(rank, 0);
    int64_t stride = 1, offset = rank - t.getRank();
    for (int64_t d = t.getRank() - 1; d >= 0; --d) {
      s[d + offset] = t.getDimSize(d) == 1 ? 0 : stride;
      stride *= t.getDimSize(d);
    }
    strides.push_back(std::move(s));
  }
  ConstantValue out = ConstantValue::zeros(resultType);
  bool resultFloat = isa<FloatType>(resultType.getElementType());
  SmallVector<int64_t> idx(rank, 0);
  SmallVector<Scalar> args(values.size());
  for (int64_t n = 0, e = resultType.getNumElements(); n < e; ++n) {
    for (auto [k, v] : llvm::enumerate(values)) {
      int64_t at = 0;
      for (int64_t d = 0; d < rank; ++d)
        at += idx[d] * strides[k][d];
      Type et = v.getType().getElementType();
      Scalar &s = args[k];
      s.isFloat = isa<FloatType>(et);
      s.isUnsigned = et.isUnsignedInteger();
      if (s.isFloat)
        s.f = v.getDouble(at);
      else
        s.i = v.getInt(at);
    }
    std::optional<Scalar> r = fn(ArrayRef<Scalar>(args));
    if (!r)
      return {};
    if (resultFloat)
      out.setDouble(n, r->isFloat ? r->f : static_cast<double>(r->i));
    else
      out.setInt(n, r->isFloat ? static_cast<int64_t>(r->f) : r->i);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return out.toAttr();
}

/// Broadcast shape of `values` with element type `elementType`.
LogicalResult inferBroadcastTo(std::optional<Location> loc, ValueRange values, Type elementType,
                               SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  for (Value v : values) {
    SmallVector<int64_t> next;
    if (!OpTrait::util::getBroadcastedShape(shape, getRanked(v).getShape(), next))
      return emitOptionalError(loc, "operand of type ", v.getType(),
                               " does not broadcast with the others");
    shape = std::move(next);
  }
  inferred.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

/// Bit width of an element as ONNX counts it (bool is one byte).
unsigned onnxBitWidth(Type t) {
  if (t.isInteger(1))
    return 8;
  if (t.isIntOrFloat())
    return t.getIntOrFloatBitWidth();
  return 8; // graph storage types (FLOAT4E2M1 is stored in a byte but is 4 bits wide)
}

} // namespace

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(*this, {adaptor.getInput()}, [](ArrayRef<Scalar> a) {
    return std::optional<Scalar>(Scalar::ofBool(a[0].i == 0));
  });
}

LogicalResult IsNaNOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location>, Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  inferred.push_back(
      RankedTensorType::get(getRanked(adaptor.getInput()).getShape(), IntegerType::get(ctx, 1)));
  return success();
}

OpFoldResult IsNaNOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(*this, {adaptor.getInput()}, [](ArrayRef<Scalar> a) {
    return std::optional<Scalar>(Scalar::ofBool(std::isnan(a[0].f)));
  });
}

LogicalResult IsInfOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location>, Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  inferred.push_back(
      RankedTensorType::get(getRanked(adaptor.getInput()).getShape(), IntegerType::get(ctx, 1)));
  return success();
}

OpFoldResult IsInfOp::fold(FoldAdaptor adaptor) {
  bool neg = getDetectNegative(), pos = getDetectPositive();
  return foldElementwise(*this, {adaptor.getInput()}, [&](ArrayRef<Scalar> a) {
    double v = a[0].f;
    return std::optional<Scalar>(Scalar::ofBool(std::isinf(v) && (v < 0 ? neg : pos)));
  });
}

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

/// Type inference and folder of a broadcasting binary op whose result has the lhs type.
#define MODELC_BINARY_FOLD(OP, ...)                                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,  \
                                     SmallVectorImpl<Type> &inferred) {                            \
    return inferBroadcast(loc, adaptor.getLhs(), adaptor.getRhs(), inferred);                      \
  }                                                                                                \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                                     \
    [[maybe_unused]] Operation *self = getOperation();                                             \
    return foldElementwise(*this, {adaptor.getLhs(), adaptor.getRhs()},                            \
                           [&](ArrayRef<Scalar> a) -> std::optional<Scalar> { __VA_ARGS__ });      \
  }

/// Python's integer %: the remainder has the divisor's sign; x % 0 is 0 (numpy).
static int64_t floorMod(int64_t a, int64_t b, bool isUnsigned) {
  if (b == 0)
    return 0;
  if (isUnsigned)
    return static_cast<int64_t>(static_cast<uint64_t>(a) % static_cast<uint64_t>(b));
  if (b == -1)
    return 0; // INT64_MIN % -1 overflows in C
  int64_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

static int64_t truncMod(int64_t a, int64_t b, bool isUnsigned) {
  if (b == 0)
    return 0;
  if (isUnsigned)
    return static_cast<int64_t>(static_cast<uint64_t>(a) % static_cast<uint64_t>(b));
  return b == -1 ? 0 : a % b;
}

MODELC_BINARY_FOLD(ModOp, {
  bool fmod = cast<ModOp>(self).getFmod();
  if (a[0].isFloat) {
    double r = std::fmod(a[0].f, a[1].f);
    if (!fmod && a[1].f != 0) // numpy.mod: the divisor's sign
      r = r == 0 ? std::copysign(0.0, a[1].f) : ((r < 0) != (a[1].f < 0) ? r + a[1].f : r);
    return Scalar::ofFloat(r);
  }
  return Scalar::ofInt(fmod ? truncMod(a[0].i, a[1].i, a[0].isUnsigned)
                            : floorMod(a[0].i, a[1].i, a[0].isUnsigned));
})

MODELC_BINARY_FOLD(BitShiftOp, {
  Type et = getRanked(self->getOperand(0)).getElementType();
  uint64_t width = et.getIntOrFloatBitWidth();
  bool isUnsigned = et.isUnsignedInteger(), left = cast<BitShiftOp>(self).getLeft();
  // Unsigned values are zero-extended by getInt, signed ones sign-extended.
  bool outOfRange = isUnsigned ? static_cast<uint64_t>(a[1].i) >= width
                               : a[1].i < 0 || static_cast<uint64_t>(a[1].i) >= width;
  if (outOfRange)
    return Scalar::ofInt(!left && !isUnsigned && a[0].i < 0 ? -1 : 0);
  if (left)
    return Scalar::ofInt(static_cast<int64_t>(static_cast<uint64_t>(a[0].i) << a[1].i));
  if (isUnsigned)
    return Scalar::ofInt(static_cast<int64_t>(static_cast<uint64_t>(a[0].i) >> a[1].i));
  return Scalar::ofInt(a[0].i >> a[1].i); // arithmetic shift
})

MODELC_BINARY_FOLD(BitwiseAndOp, { return Scalar::ofInt(a[0].i & a[1].i); })
MODELC_BINARY_FOLD(BitwiseOrOp, { return Scalar::ofInt(a[0].i | a[1].i); })
MODELC_BINARY_FOLD(BitwiseXorOp, { return Scalar::ofInt(a[0].i ^ a[1].i); })
MODELC_BINARY_FOLD(AndOp, { return Scalar::ofBool(a[0].i && a[1].i); })
MODELC_BINARY_FOLD(OrOp, { return Scalar::ofBool(a[0].i || a[1].i); })
MODELC_BINARY_FOLD(XorOp, { return Scalar::ofBool((a[0].i != 0) != (a[1].i != 0)); })
MODELC_BINARY_FOLD(PReluOp, {
  if (a[0].isFloat)
    return Scalar::ofFloat(a[0].f > 0 ? a[0].f : a[0].f * a[1].f);
  // Two's-complement wrap-around (numpy), not signed overflow in the compiler (fuzzer).
  uint64_t product = static_cast<uint64_t>(a[0].i) * static_cast<uint64_t>(a[1].i);
  return Scalar::ofInt(a[0].i > 0 ? a[0].i : static_cast<int64_t>(product));
})
MODELC_BINARY_FOLD(SwiGLUOp, {
  (void)a;
  return std::nullopt; // a compute op: never part of shape arithmetic
})
#undef MODELC_BINARY_FOLD

#define MODELC_COMPARE_OP(OP, ...)                                                                 \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,                \
                                     Adaptor adaptor, SmallVectorImpl<Type> &inferred) {           \
    if (getRanked(adaptor.getLhs()).getElementType() !=                                            \
        getRanked(adaptor.getRhs()).getElementType())                                              \
      return emitOptionalError(loc, "operands have different element types");                      \
    return inferBroadcastTo(loc, {adaptor.getLhs(), adaptor.getRhs()}, IntegerType::get(ctx, 1),   \
                            inferred);                                                             \
  }                                                                                                \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                                     \
    return foldElementwise(*this, {adaptor.getLhs(), adaptor.getRhs()},                            \
                           [](ArrayRef<Scalar> a) { return std::optional<Scalar>(__VA_ARGS__); }); \
  }

MODELC_COMPARE_OP(EqualOp, Scalar::ofBool(a[0].equal(a[1])))
MODELC_COMPARE_OP(LessOp, Scalar::ofBool(a[0].less(a[1])))
MODELC_COMPARE_OP(LessOrEqualOp, Scalar::ofBool(a[0].less(a[1]) || a[0].equal(a[1])))
MODELC_COMPARE_OP(GreaterOp, Scalar::ofBool(a[1].less(a[0])))
MODELC_COMPARE_OP(GreaterOrEqualOp, Scalar::ofBool(a[1].less(a[0]) || a[0].equal(a[1])))
#undef MODELC_COMPARE_OP

//===----------------------------------------------------------------------===//
// WhereOp
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  Type et = getRanked(adaptor.getX()).getElementType();
  if (getRanked(adaptor.getY()).getElementType() != et)
    return emitOptionalError(loc, "x and y have different element types");
  return inferBroadcastTo(loc, {adaptor.getCondition(), adaptor.getX(), adaptor.getY()}, et,
                          inferred);
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  if (getX() == getY() && getX().getType() == getType())
    return getX();
  return foldElementwise(
      *this, {adaptor.getCondition(), adaptor.getX(), adaptor.getY()},
      [](ArrayRef<Scalar> a) { return std::optional<Scalar>(a[0].i ? a[1] : a[2]); });
}

//===----------------------------------------------------------------------===//
// BitCastOp, quantization
//===----------------------------------------------------------------------===//

LogicalResult BitCastOp::verify() {
  auto in = getRanked(getInput()), out = getRanked(getResult());
  if (in.getShape() != out.getShape())
    return emitOpError("shape must not change");
  if (onnxBitWidth(in.getElementType()) != onnxBitWidth(out.getElementType()))
    return emitOpError("cannot reinterpret ")
           << in.getElementType() << " as " << out.getElementType() << " of another width";
  return success();
}

/// Checks the layout of a scale or zero point of quantization along `axis` of `x`:
/// one element, a 1-d tensor of x's extent along `axis`, or (blocked) x's shape with that
/// extent divided into blocks of `blockSize`.
static LogicalResult verifyQuantParam(Operation *op, RankedTensorType x, RankedTensorType p,
                                      int64_t axis, int64_t blockSize, StringRef what) {
  if (axis < 0 || axis >= std::max<int64_t>(x.getRank(), 1))
    return op->emitOpError("axis ") << axis << " is out of range for " << x;
  if (blockSize < 0)
    return op->emitOpError("block_size must not be negative");
  if (blockSize == 0) {
    if (p.getNumElements() == 1 && p.getRank() <= 1)
      return success();
    if (p.getRank() == 1 && x.getRank() > 0 && p.getDimSize(0) == x.getDimSize(axis))
      return success();
    return op->emitOpError() << what << " of type " << p << " is neither per tensor nor per axis "
                             << axis << " of " << x;
  }
  if (p.getRank() != x.getRank())
    return op->emitOpError() << what << " must have the input's rank for blocked quantization";
  for (int64_t d = 0; d < x.getRank(); ++d) {
    int64_t size = x.getDimSize(d);
    int64_t expected = d != axis ? size : size == 0 ? 0 : (size - 1) / blockSize + 1;
    if (p.getDimSize(d) != expected)
      return op->emitOpError() << what << " of type " << p << " does not match blocks of "
                               << blockSize << " along axis " << axis << " of " << x;
  }
  return success();
}

LogicalResult QuantizeLinearOp::verify() {
  auto x = getRanked(getInput()), out = getRanked(getResult());
  if (x.getShape() != out.getShape())
    return emitOpError("result must have the input's shape");
  if (failed(verifyQuantParam(*this, x, getRanked(getScale()), getAxis(), getBlockSize(), "scale")))
    return failure();
  if (Value zp = getZeroPoint()) {
    if (getRanked(zp).getElementType() != out.getElementType())
      return emitOpError("zero point type ") << zp.getType() << " differs from the result's";
    if (getRanked(zp).getShape() != getRanked(getScale()).getShape())
      return emitOpError("zero point and scale have different shapes");
  }
  return success();
}

LogicalResult DequantizeLinearOp::verify() {
  auto x = getRanked(getInput()), out = getRanked(getResult());
  if (x.getShape() != out.getShape())
    return emitOpError("result must have the input's shape");
  if (!isa<FloatType>(out.getElementType()))
    return emitOpError("result must be floating point");
  if (failed(verifyQuantParam(*this, x, getRanked(getScale()), getAxis(), getBlockSize(), "scale")))
    return failure();
  if (Value zp = getZeroPoint())
    if (getRanked(zp).getShape() != getRanked(getScale()).getShape())
      return emitOpError("zero point and scale have different shapes");
  return success();
}

LogicalResult QuantizeParamsOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location>,
                                                 Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  inferred.push_back(RankedTensorType::get({}, getRanked(adaptor.getInput()).getElementType()));
  inferred.push_back(RankedTensorType::get({}, IntegerType::get(ctx, 8, IntegerType::Unsigned)));
  return success();
}
