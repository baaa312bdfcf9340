//===- ElementwiseHandlers.cpp - ONNX handlers: elementwise ---------------===//
//
// Importer handlers of one op family: elementwise, logical, bitwise and comparison ops,
// Cast/CastLike/BitCast and quantize/dequantize. Registered into the handler table by
// registerElementwiseHandlers (see OpHandlers.h for the handler contract and the shared
// helpers). Semantics follow https://onnx.ai/onnx/operators/ per op and version; where the
// text is silent, the ONNX reference implementation (onnx/reference/ops) decides.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"

#include "compiler/import/TensorImport.h"
#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Traits.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

namespace {

//===--- Unary ---------------------------------------------------------------===//

template <typename OpTy> LogicalResult convertFloatOp(NodeContext &n) {
  Value x = floatInput(n);
  return x ? bind(n, n.create<OpTy>(x)) : failure();
}

/// Input 0 when its element type satisfies `pred`; an error naming `what` otherwise.
template <typename Pred> Value typedInput(NodeContext &n, unsigned i, Pred pred, StringRef what) {
  Value x = n.input(i);
  if (x && !pred(typeOf(x).getElementType())) {
    n.emitError() << "expects " << what << " input " << i << ", got " << typeOf(x);
    return {};
  }
  return x;
}
bool isBool(Type t) { return t.isInteger(1); }
bool isInt(Type t) { return isa<IntegerType>(t) && !t.isInteger(1); }
bool isFloatOrInt(Type t) { return isa<FloatType>(t) || isInt(t); }

LogicalResult convertNot(NodeContext &n) {
  Value x = typedInput(n, 0, isBool, "a bool");
  return x ? bind(n, n.create<NotOp>(x)) : failure();
}

LogicalResult convertBitwiseNot(NodeContext &n) {
  Value x = typedInput(n, 0, isInt, "an integer");
  return x ? bind(n, n.create<BitwiseNotOp>(x)) : failure();
}

LogicalResult checkGelu(NodeView &n) {
  std::string approximate = n.getString("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    n.emitError() << "unsupported value '" << approximate << "' of attribute 'approximate'";
  return success(!n.hasFailed());
}

LogicalResult convertGelu(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  bool tanh = n.getString("approximate", "none") == "tanh";
  return bind(n, n.create<GeluOp>(x, n.namedAttr("tanh", n.getBuilder().getBoolAttr(tanh))));
}

LogicalResult convertSwish(NodeContext &n) {
  Value x = floatInput(n);
  return x ? bind(n, n.create<SwishOp>(x, n.f32Attr("alpha", n.getFloat("alpha", 1.0f))))
           : failure();
}

LogicalResult convertShrink(NodeContext &n) {
  Value x = typedInput(n, 0, isFloatOrInt, "a numeric");
  if (!x)
    return failure();
  return bind(n, n.create<ShrinkOp>(x, {n.f32Attr("lambd", n.getFloat("lambd", 0.5f)),
                                        n.f32Attr("bias", n.getFloat("bias", 0.0f))}));
}

LogicalResult convertIsNaN(NodeContext &n) {
  Value x = floatInput(n);
  return x ? bind(n, n.create<IsNaNOp>(x)) : failure();
}

LogicalResult convertIsInf(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  OpBuilder &b = n.getBuilder();
  return bind(n, n.create<IsInfOp>(
                     x, {n.namedAttr("detect_negative",
                                     b.getBoolAttr(n.getInt("detect_negative", 1) != 0)),
                         n.namedAttr("detect_positive",
                                     b.getBoolAttr(n.getInt("detect_positive", 1) != 0))}));
}

//===--- Binary and ternary ----------------------------------------------------===//

/// The two inputs of a broadcasting binary op (legacy broadcast aligned), checked with
/// `pred` and for equal element types.
template <typename Pred>
std::optional<std::pair<Value, Value>> binaryInputs(NodeContext &n, Pred pred, StringRef what) {
  Value a = typedInput(n, 0, pred, what), b = typedInput(n, 1, pred, what);
  if (!a || !b)
    return std::nullopt;
  b = alignLegacyBroadcast(n, a, b);
  if (!b)
    return std::nullopt;
  if (typeOf(a).getElementType() != typeOf(b).getElementType()) {
    n.emitError() << "operands have different element types " << typeOf(a).getElementType()
                  << " and " << typeOf(b).getElementType();
    return std::nullopt;
  }
  return std::make_pair(a, b);
}

template <typename OpTy, bool (*Pred)(Type)> LogicalResult convertTypedBinary(NodeContext &n) {
  StringRef what = Pred == isBool ? "a bool" : Pred == isInt ? "an integer" : "a numeric";
  auto ab = binaryInputs(n, Pred, what);
  return ab ? bind(n, n.create<OpTy>({ab->first, ab->second})) : failure();
}

/// Comparisons accept every numeric type; Equal also bool.
template <typename OpTy> LogicalResult convertCompare(NodeContext &n) {
  auto ab = binaryInputs(
      n, [](Type t) { return isa<FloatType, IntegerType>(t); }, "a numeric or bool");
  return ab ? bind(n, n.create<OpTy>({ab->first, ab->second})) : failure();
}

LogicalResult convertMod(NodeContext &n) {
  auto ab = binaryInputs(n, isFloatOrInt, "a numeric");
  if (!ab)
    return failure();
  bool fmod = n.getInt("fmod", 0) != 0;
  return bind(n, n.create<ModOp>({ab->first, ab->second},
                                 n.namedAttr("fmod", n.getBuilder().getBoolAttr(fmod))));
}

LogicalResult checkBitShift(NodeView &n) {
  std::string direction = n.getString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    n.emitError() << "attribute 'direction' must be LEFT or RIGHT, got '" << direction << "'";
  return success(!n.hasFailed());
}

LogicalResult convertBitShift(NodeContext &n) {
  auto ab = binaryInputs(n, isInt, "an integer");
  if (!ab)
    return failure();
  bool left = n.getString("direction", "") == "LEFT";
  return bind(n, n.create<BitShiftOp>({ab->first, ab->second},
                                      n.namedAttr("left", n.getBuilder().getBoolAttr(left))));
}

/// PRelu: `slope` broadcasts to X. Before opset 7 a 1-d slope is per channel (axis 1); the
/// reference also aligns a 1-d slope with the one dimension of X of its size when numpy
/// broadcasting does not apply.
LogicalResult convertPRelu(NodeContext &n) {
  Value x = typedInput(n, 0, isFloatOrInt, "a numeric"), slope = n.input(1);
  if (!x || !slope)
    return failure();
  auto xt = typeOf(x), st = typeOf(slope);
  if (st.getElementType() != xt.getElementType())
    return n.emitError() << "operands have different element types " << xt.getElementType()
                         << " and " << st.getElementType();
  SmallVector<int64_t> shape;
  bool numpy = OpTrait::util::getBroadcastedShape(xt.getShape(), st.getShape(), shape) &&
               ArrayRef<int64_t>(shape) == xt.getShape();
  if (st.getRank() == 1 && st.getNumElements() != 1 && (n.getOpset() < 7 || !numpy)) {
    int64_t extent = st.getDimSize(0), axis = -1, matches = 0;
    if (n.getOpset() < 7 && xt.getRank() >= 2 && xt.getDimSize(1) == extent) {
      axis = 1, matches = 1;
    } else {
      for (int64_t d = 0; d < xt.getRank(); ++d)
        if (xt.getDimSize(d) == extent)
          axis = d, ++matches;
    }
    if (matches != 1)
      return n.emitError() << "slope " << st << " does not broadcast to " << xt;
    SmallVector<int64_t> aligned(xt.getRank() - axis, 1);
    aligned[0] = extent;
    if (!(slope = n.reshape(slope, aligned)))
      return failure();
  } else if (!numpy) {
    return n.emitError() << "slope " << st << " does not broadcast to " << xt;
  }
  return bind(n, n.create<PReluOp>({x, slope}));
}

LogicalResult convertSwiGLU(NodeContext &n) {
  Value a = floatInput(n), b = n.input(1);
  if (!a || !b)
    return failure();
  if (typeOf(a) != typeOf(b))
    return n.emitError() << "inputs must have one type, got " << typeOf(a) << " and " << typeOf(b);
  return bind(n, n.create<SwiGLUOp>({a, b}, n.f32Attr("alpha", n.getFloat("alpha", 1.0f))));
}

LogicalResult convertWhere(NodeContext &n) {
  Value c = typedInput(n, 0, isBool, "a bool"), x = n.input(1), y = n.input(2);
  if (!c || !x || !y)
    return failure();
  return bind(n, n.create<WhereOp>({c, x, y}));
}

//===--- Cast, CastLike, BitCast ---------------------------------------------===//

/// Cast's target data type: an integer from opset 6 on, a type name ("FLOAT") before.
std::optional<int32_t> getCastTarget(NodeView &n) {
  const onnx::AttributeProto *to = n.findAttr("to");
  if (!to) {
    n.emitError() << "missing required attribute 'to'";
    return std::nullopt;
  }
  if (to->type() == onnx::AttributeProto::STRING) {
    for (int32_t type = 1; type < 64; ++type)
      if (getDataTypeName(type) == to->s())
        return type;
    n.emitError() << "unknown type name '" << to->s() << "' in attribute 'to'";
    return std::nullopt;
  }
  int64_t type = n.getInt("to", 0);
  if (n.hasFailed())
    return std::nullopt;
  return static_cast<int32_t>(type);
}

/// `saturate` (opset 19) and `round_mode` (opset 24) of Cast and CastLike.
std::optional<RoundMode> getRoundMode(NodeView &n) {
  std::string mode = n.getString("round_mode", "up");
  if (mode == "up")
    return RoundMode::up;
  if (mode == "down")
    return RoundMode::down;
  if (mode == "nearest")
    return RoundMode::nearest;
  n.emitError() << "attribute 'round_mode' must be up, down or nearest, got '" << mode << "'";
  return std::nullopt;
}

LogicalResult checkCastAttrs(NodeView &n) {
  (void)getRoundMode(n);
  return success(!n.hasFailed());
}

LogicalResult checkCast(NodeView &n) {
  std::optional<int32_t> to = getCastTarget(n);
  if (to && !getElementType(n.getContext(), *to))
    n.emitError() << "cast to " << getDataTypeName(*to) << " is not supported";
  return checkCastAttrs(n);
}

Value createCast(NodeContext &n, Value x, Type elementType) {
  std::optional<RoundMode> mode = getRoundMode(n);
  if (!mode)
    return {};
  return n.create<CastOp>(
      x,
      {n.namedAttr("saturate", n.getBuilder().getBoolAttr(n.getInt("saturate", 1) != 0)),
       n.namedAttr("round_mode", RoundModeAttr::get(n.getContext(), *mode))},
      RankedTensorType::get(typeOf(x).getShape(), elementType));
}

LogicalResult convertCast(NodeContext &n) {
  Value x = n.input(0);
  std::optional<int32_t> to = getCastTarget(n);
  if (!x || !to)
    return failure();
  Type type = getElementType(n.getContext(), *to);
  if (!type)
    return failure(); // reported by checkCast
  return bind(n, createCast(n, x, type));
}

LogicalResult convertCastLike(NodeContext &n) {
  Value x = n.input(0), like = n.input(1);
  if (!x || !like)
    return failure();
  return bind(n, createCast(n, x, typeOf(like).getElementType()));
}

LogicalResult checkBitCast(NodeView &n) {
  std::optional<int32_t> to = getCastTarget(n);
  if (to && !getElementType(n.getContext(), *to))
    n.emitError() << "bit cast to " << getDataTypeName(*to) << " is not supported";
  return success(!n.hasFailed());
}

LogicalResult convertBitCast(NodeContext &n) {
  Value x = n.input(0);
  std::optional<int32_t> to = getCastTarget(n);
  if (!x || !to)
    return failure();
  Type type = getElementType(n.getContext(), *to);
  if (!type)
    return failure();
  return bind(n, n.create<BitCastOp>(x, {}, RankedTensorType::get(typeOf(x).getShape(), type)));
}

//===--- Quantization ----------------------------------------------------------===//

/// Axis and block size of a (de)quantization whose scale is `scale`: per tensor (axis 0 is
/// recorded), per axis (opset >= 13) or blocked (opset >= 21).
std::optional<std::pair<int64_t, int64_t>> getQuantLayout(NodeContext &n, Value x, Value scale) {
  int64_t blockSize = n.getOpset() >= 21 ? n.getInt("block_size", 0) : 0;
  auto st = typeOf(scale);
  if (blockSize == 0 && st.getNumElements() == 1 && st.getRank() <= 1)
    return std::make_pair(int64_t(0), int64_t(0));
  if (n.getOpset() < 13) {
    n.emitError() << "scale must be a scalar before opset 13, got " << st;
    return std::nullopt;
  }
  auto axis = n.normalizeAxis(n.getInt("axis", 1), typeOf(x).getRank(), "attribute 'axis'");
  if (!axis)
    return std::nullopt;
  if (blockSize < 0) {
    n.emitError() << "attribute 'block_size' must not be negative, got " << blockSize;
    return std::nullopt;
  }
  return std::make_pair(*axis, blockSize);
}

/// Scalars given as one-element 1-d tensors become 0-d, so that they broadcast.
Value scalarize(NodeContext &n, Value v) {
  auto t = typeOf(v);
  return t.getRank() == 1 && t.getNumElements() == 1 ? n.reshape(v, {}) : v;
}

LogicalResult convertQuantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1), zp = n.optionalInput(2);
  if (!x || !scale)
    return failure();
  auto layout = getQuantLayout(n, x, scale);
  if (!layout)
    return failure();
  MLIRContext *ctx = n.getContext();
  Type outType = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  if (int64_t dtype = n.getOpset() >= 21 ? n.getInt("output_dtype", 0) : 0) {
    outType = getElementType(ctx, static_cast<int32_t>(dtype));
    if (!outType)
      return n.emitError() << "output_dtype " << getDataTypeName(static_cast<int32_t>(dtype))
                           << " is not supported";
  }
  if (zp) {
    Type zpType = typeOf(zp).getElementType();
    if (n.getInt("output_dtype", 0) && zpType != outType)
      return n.emitError() << "output_dtype does not match the zero point's type " << zpType;
    outType = zpType;
  }
  SmallVector<NamedAttribute> attrs = {
      n.i64Attr("axis", layout->first), n.i64Attr("block_size", layout->second),
      n.namedAttr("saturate", n.getBuilder().getBoolAttr(n.getInt("saturate", 1) != 0))};
  if (int64_t precision = n.getOpset() >= 23 ? n.getInt("precision", 0) : 0) {
    Type p = getElementType(ctx, static_cast<int32_t>(precision));
    if (!p || !isa<FloatType>(p))
      return n.emitError() << "unsupported precision "
                           << getDataTypeName(static_cast<int32_t>(precision));
    attrs.push_back(n.namedAttr("precision", TypeAttr::get(p)));
  }
  if (layout->second == 0) {
    scale = scalarize(n, scale);
    if (zp)
      zp = scalarize(n, zp);
  }
  SmallVector<Value> operands = {x, scale};
  if (zp)
    operands.push_back(zp);
  return bind(n, n.create<QuantizeLinearOp>(operands, attrs,
                                            RankedTensorType::get(typeOf(x).getShape(), outType)));
}

LogicalResult convertDequantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1), zp = n.optionalInput(2);
  if (!x || !scale)
    return failure();
  auto layout = getQuantLayout(n, x, scale);
  if (!layout)
    return failure();
  Type outType = typeOf(scale).getElementType();
  if (int64_t dtype = n.getOpset() >= 23 ? n.getInt("output_dtype", 0) : 0) {
    outType = getElementType(n.getContext(), static_cast<int32_t>(dtype));
    if (!outType || !isa<FloatType>(outType))
      return n.emitError() << "unsupported output_dtype "
                           << getDataTypeName(static_cast<int32_t>(dtype));
  }
  if (!isa<FloatType>(outType))
    return n.emitError() << "scale must be floating point, got " << typeOf(scale);
  if (layout->second == 0) {
    scale = scalarize(n, scale);
    if (zp)
      zp = scalarize(n, zp);
  }
  SmallVector<Value> operands = {x, scale};
  if (zp)
    operands.push_back(zp);
  return bind(n, n.create<DequantizeLinearOp>(
                     operands,
                     {n.i64Attr("axis", layout->first), n.i64Attr("block_size", layout->second)},
                     RankedTensorType::get(typeOf(x).getShape(), outType)));
}

/// DynamicQuantizeLinear: the scale and zero point from x's range, then QuantizeLinear.
LogicalResult convertDynamicQuantizeLinear(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  if (!typeOf(x).getElementType().isF32())
    return n.emitError() << "expects a float input, got " << typeOf(x);
  Value scale = n.create<QuantizeParamsOp>(x);
  if (!scale)
    return failure();
  Value zp = scale.getDefiningOp()->getResult(1);
  Value y = n.create<QuantizeLinearOp>(
      {x, scale, zp},
      {n.i64Attr("axis", 0), n.i64Attr("block_size", 0)},
      RankedTensorType::get(typeOf(x).getShape(), typeOf(zp).getElementType()));
  if (!y)
    return failure();
  n.setOutput(0, y);
  n.setOutput(1, scale);
  n.setOutput(2, zp);
  return success();
}

} // namespace

void registerElementwiseHandlers(llvm::StringMap<OpHandler> &t) {
  t["Acos"] = {convertFloatOp<AcosOp>};
  t["Acosh"] = {convertFloatOp<AcoshOp>};
  t["Asin"] = {convertFloatOp<AsinOp>};
  t["Asinh"] = {convertFloatOp<AsinhOp>};
  t["Atan"] = {convertFloatOp<AtanOp>};
  t["Atanh"] = {convertFloatOp<AtanhOp>};
  t["Cosh"] = {convertFloatOp<CoshOp>};
  t["Sinh"] = {convertFloatOp<SinhOp>};
  t["Tan"] = {convertFloatOp<TanOp>};
  t["Mish"] = {convertFloatOp<MishOp>};
  t["Gelu"] = {convertGelu, checkGelu};
  t["Swish"] = {convertSwish};
  t["Shrink"] = {convertShrink};
  t["IsNaN"] = {convertIsNaN};
  t["IsInf"] = {convertIsInf};
  t["Not"] = {convertNot};
  t["BitwiseNot"] = {convertBitwiseNot};
  t["And"] = {convertTypedBinary<AndOp, isBool>};
  t["Or"] = {convertTypedBinary<OrOp, isBool>};
  t["Xor"] = {convertTypedBinary<XorOp, isBool>};
  t["BitwiseAnd"] = {convertTypedBinary<BitwiseAndOp, isInt>};
  t["BitwiseOr"] = {convertTypedBinary<BitwiseOrOp, isInt>};
  t["BitwiseXor"] = {convertTypedBinary<BitwiseXorOp, isInt>};
  t["BitShift"] = {convertBitShift, checkBitShift};
  t["Mod"] = {convertMod};
  t["Equal"] = {convertCompare<EqualOp>};
  t["Less"] = {convertCompare<LessOp>};
  t["LessOrEqual"] = {convertCompare<LessOrEqualOp>};
  t["Greater"] = {convertCompare<GreaterOp>};
  t["GreaterOrEqual"] = {convertCompare<GreaterOrEqualOp>};
  t["PRelu"] = {convertPRelu};
  t["SwiGLU"] = {convertSwiGLU};
  t["Where"] = {convertWhere};
  t["Cast"] = {convertCast, checkCast};
  t["CastLike"] = {convertCastLike, checkCastAttrs};
  t["BitCast"] = {convertBitCast, checkBitCast};
  t["QuantizeLinear"] = {convertQuantizeLinear};
  t["DequantizeLinear"] = {convertDequantizeLinear};
  t["DynamicQuantizeLinear"] = {convertDynamicQuantizeLinear, nullptr, 3};
}

} // namespace modelc::import
