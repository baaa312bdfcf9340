//===- GraphReductionOps.cpp - graph dialect: reduction ops ---------------===//
//
// Result-type inference, verifiers and folders of the ops in GraphReductionOps.td. The reduce
// folder evaluates small constant reductions on the host: the shape subgraphs of exported
// models (ReduceProd of a Shape slice, ReduceMax of constant indices) fold away at import.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/GraphOpUtils.h"

#include <cmath>
#include <limits>
#include <type_traits>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

/// Checks an axis that the importer normalized to [0, max(rank, 1)).
static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return op->emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}

/// `shape` with `axes` removed, or set to 1 with `keepdims`.
static SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes,
                                         bool keepdims) {
  SmallVector<int64_t> out;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
      out.push_back(size);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// CumSumOp, CumProdOp
//===----------------------------------------------------------------------===//

LogicalResult CumSumOp::verify() { return verifyAxis(*this, getAxis(), getType().getRank()); }
LogicalResult CumProdOp::verify() { return verifyAxis(*this, getAxis(), getType().getRank()); }

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  for (auto [i, a] : llvm::enumerate(axes))
    if (a < 0 || a >= x.getRank() || (i > 0 && axes[i - 1] >= a))
      return emitOptionalError(loc, "reduce axes must be sorted, unique and in [0, ", x.getRank(),
                               ")");
  inferred.push_back(RankedTensorType::get(reducedShape(x.getShape(), axes, adaptor.getKeepdims()),
                                           x.getElementType()));
  return success();
}

/// Kinds defined through exp/log/sqrt/division: floating-point only.
static bool needsFloat(ReduceKind kind) {
  return kind == ReduceKind::log_sum || kind == ReduceKind::log_sum_exp || kind == ReduceKind::l2;
}

LogicalResult ReduceOp::verify() {
  Type et = getRanked(getInput()).getElementType();
  if (needsFloat(getKind()) && !isa<FloatType>(et))
    return emitOpError("'") << stringifyReduceKind(getKind()) << "' needs a floating-point input";
  if (et.isInteger(1) && getKind() != ReduceKind::max && getKind() != ReduceKind::min)
    return emitOpError("only max and min reduce booleans");
  return success();
}

namespace {
/// Host evaluation of one reduction kind in double (floats) or int64 (integers). Integer
/// arithmetic wraps around in two's complement (numpy's behaviour); it must not overflow in the
/// compiler itself (the fuzzer found ReduceL1 of INT64_MIN).
template <typename V> struct HostReducer {
  static_assert(std::is_floating_point_v<V> || std::is_same_v<V, int64_t>);
  static V add(V a, V b) {
    if constexpr (std::is_floating_point_v<V>)
      return a + b;
    else
      return static_cast<V>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  }
  static V mul(V a, V b) {
    if constexpr (std::is_floating_point_v<V>)
      return a * b;
    else
      return static_cast<V>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
  }
  static V negate(V v) {
    if constexpr (std::is_floating_point_v<V>)
      return -v;
    else
      return static_cast<V>(0 - static_cast<uint64_t>(v));
  }

  ReduceKind kind;
  int64_t count; ///< Elements per reduced group (for mean).

  V init() const {
    switch (kind) {
    case ReduceKind::prod:
      return 1;
    case ReduceKind::max:
      return std::numeric_limits<V>::has_infinity ? -std::numeric_limits<V>::infinity()
                                                  : std::numeric_limits<V>::lowest();
    case ReduceKind::min:
      return std::numeric_limits<V>::has_infinity ? std::numeric_limits<V>::infinity()
                                                  : std::numeric_limits<V>::max();
    default:
      return 0;
    }
  }
  /// The element's contribution; `shift` is the group maximum for log_sum_exp.
  V map(V v, V shift) const {
    switch (kind) {
    case ReduceKind::l1:
      return v < 0 ? negate(v) : v;
    case ReduceKind::l2:
    case ReduceKind::sum_square:
      return mul(v, v);
    case ReduceKind::log_sum_exp:
      return static_cast<V>(std::exp(static_cast<double>(v - shift)));
    default:
      return v;
    }
  }
  V combine(V a, V b) const {
    switch (kind) {
    case ReduceKind::prod:
      return mul(a, b);
    case ReduceKind::max:
      return (a != a || a > b) ? a : b;
    case ReduceKind::min:
      return (a != a || a < b) ? a : b;
    default:
      return add(a, b);
    }
  }
  V finalize(V acc, V shift) const {
    switch (kind) {
    case ReduceKind::mean:
      return count ? acc / static_cast<V>(count) : static_cast<V>(NAN);
    case ReduceKind::l2:
      return static_cast<V>(std::sqrt(static_cast<double>(acc)));
    case ReduceKind::log_sum:
      return static_cast<V>(std::log(static_cast<double>(acc)));
    case ReduceKind::log_sum_exp:
      return static_cast<V>(std::log(static_cast<double>(acc))) + shift;
    default:
      return acc;
    }
  }
};

/// Reduces `in` over `axes` into `out` (keepdims layout has the same element order).
template <typename V, typename Get, typename Set>
void hostReduce(const ConstantValue &in, ArrayRef<int64_t> axes, ReduceKind kind, int64_t outCount,
                Get get, Set set) {
  ArrayRef<int64_t> shape = in.getType().getShape();
  int64_t count = 1;
  for (int64_t a : axes)
    count *= shape[a];
  HostReducer<V> r{kind, count};
  // Output index of every input element: the input index with reduced coordinates dropped.
  SmallVector<int64_t> outIndex(in.getNumElements());
  SmallVector<int64_t> idx(shape.size(), 0);
  for (int64_t i = 0, n = in.getNumElements(); i < n; ++i) {
    int64_t o = 0;
    for (auto [d, size] : llvm::enumerate(shape))
      if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
        o = o * size + idx[d];
    outIndex[i] = o;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  SmallVector<V> shift(outCount, 0), acc(outCount, r.init());
  if (kind == ReduceKind::log_sum_exp) {
    HostReducer<V> mx{ReduceKind::max, count};
    SmallVector<V> m(outCount, mx.init());
    for (int64_t i = 0, n = in.getNumElements(); i < n; ++i)
      m[outIndex[i]] = mx.combine(m[outIndex[i]], get(i));
    for (int64_t o = 0; o < outCount; ++o)
      shift[o] = std::isfinite(static_cast<double>(m[o])) ? m[o] : 0;
  }
  for (int64_t i = 0, n = in.getNumElements(); i < n; ++i)
    acc[outIndex[i]] = r.combine(acc[outIndex[i]], r.map(get(i), shift[outIndex[i]]));
  for (int64_t o = 0; o < outCount; ++o)
    set(o, r.finalize(acc[o], shift[o]));
}
} // namespace

OpFoldResult ReduceOp::fold(FoldAdaptor adaptor) {
  ReduceKind kind = getKind();
  bool identityMap = kind == ReduceKind::sum || kind == ReduceKind::mean ||
                     kind == ReduceKind::max || kind == ReduceKind::min || kind == ReduceKind::prod;
  if (getAxes().empty() && identityMap && getInput().getType() == getType())
    return getInput();
  auto cst = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  if (!cst || getRanked(getInput()).getNumElements() > kMaxFoldElements ||
      getType().getNumElements() > kMaxFoldElements)
    return {};
  auto in = ConstantValue::get(cst);
  if (!in)
    return {};
  ConstantValue out = ConstantValue::zeros(getType());
  Type et = getType().getElementType();
  // int64 host arithmetic is exact for integer reductions except: the order of uint64
  // values above 2^63, and the lowest value of narrow types for an empty max / min.
  bool extreme = kind == ReduceKind::max || kind == ReduceKind::min;
  if (!isa<FloatType>(et) && extreme &&
      ((et.isUnsignedInteger() && et.getIntOrFloatBitWidth() == 64) ||
       (in->getNumElements() == 0 && out.getNumElements() > 0)))
    return {};
  if (isa<FloatType>(et))
    hostReduce<double>(
        *in, getAxes(), kind, out.getNumElements(), [&](int64_t i) { return in->getDouble(i); },
        [&](int64_t i, double v) { out.setDouble(i, v); });
  else
    hostReduce<int64_t>(
        *in, getAxes(), kind, out.getNumElements(), [&](int64_t i) { return in->getInt(i); },
        [&](int64_t i, int64_t v) { out.setInt(i, v); });
  return out.toAttr("reduced");
}

//===----------------------------------------------------------------------===//
// ArgMaxOp, ArgMinOp, HardmaxOp, TopKOp
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferArgReduce(MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", x.getRank());
  if (x.getDimSize(axis) == 0)
    return emitOptionalError(loc, "cannot take the arg-extreme of an empty axis");
  inferred.push_back(RankedTensorType::get(
      reducedShape(x.getShape(), {axis}, adaptor.getKeepdims()), IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  return inferArgReduce(ctx, loc, adaptor, inferred);
}
LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  return inferArgReduce(ctx, loc, adaptor, inferred);
}

LogicalResult HardmaxOp::verify() { return verifyAxis(*this, getAxis(), getType().getRank()); }

LogicalResult TopKOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  int64_t axis = adaptor.getAxis(), k = adaptor.getK();
  if (axis < 0 || axis >= x.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", x.getRank());
  if (k < 0 || k > x.getDimSize(axis))
    return emitOptionalError(loc, "k = ", k, " is out of range for axis ", axis, " of size ",
                             x.getDimSize(axis));
  SmallVector<int64_t> shape(x.getShape());
  shape[axis] = k;
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  inferred.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormOp, GroupNormOp, LRNOp
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= std::max<int64_t>(x.getRank(), 1))
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", x.getRank());
  SmallVector<int64_t> stats(x.getShape().take_front(axis));
  stats.append(x.getRank() - axis, 1);
  auto statsType = RankedTensorType::get(stats, adaptor.getStashType());
  inferred.push_back(x);
  inferred.push_back(statsType);
  inferred.push_back(statsType);
  return success();
}

/// Whether `operand` broadcasts (numpy style) to `shape` without growing it.
static bool broadcastsTo(Value operand, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> result;
  return OpTrait::util::getBroadcastedShape(shape, getRanked(operand).getShape(), result) &&
         ArrayRef<int64_t>(result) == shape;
}

LogicalResult LayerNormOp::verify() {
  auto x = getRanked(getInput());
  ArrayRef<int64_t> normalized = x.getShape().drop_front(getAxis());
  for (Value v : {getScale(), getBias()})
    if (v && !broadcastsTo(v, normalized))
      return emitOpError("operand of type ")
             << v.getType() << " does not broadcast to the normalized shape of " << x;
  return success();
}

LogicalResult GroupNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  if (x.getRank() < 2)
    return emitOptionalError(loc, "group_norm expects N x C x ...");
  inferred.push_back(x);
  return success();
}

LogicalResult GroupNormOp::verify() {
  auto x = getRanked(getInput());
  int64_t channels = x.getDimSize(1), groups = getNumGroups();
  if (groups <= 0 || channels % groups != 0 || (channels == 0 && groups != 1))
    return emitOpError("num_groups ") << groups << " does not divide " << channels << " channels";
  for (Value v : {getScale(), getBias()})
    if (getRanked(v).getNumElements() != channels)
      return emitOpError("scale and bias must have ") << channels << " elements";
  return success();
}

LogicalResult LRNOp::verify() {
  if (static_cast<int64_t>(getSize()) <= 0)
    return emitOpError("size must be positive, got ") << static_cast<int64_t>(getSize());
  if (getType().getRank() < 2)
    return emitOpError("expects N x C x ...");
  return success();
}

//===----------------------------------------------------------------------===//
// NLLLossOp
//===----------------------------------------------------------------------===//

LogicalResult NLLLossOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), t = getRanked(adaptor.getTarget());
  if (x.getRank() < 2 || t.getRank() != x.getRank() - 1 || t.getDimSize(0) != x.getDimSize(0) ||
      t.getShape().drop_front() != x.getShape().drop_front(2))
    return emitOptionalError(loc, "nll_loss expects input N x C x d1... and target N x d1..., got ",
                             x, " and ", t);
  if (adaptor.getReduction() == LossReduction::none)
    inferred.push_back(RankedTensorType::get(t.getShape(), x.getElementType()));
  else
    inferred.push_back(RankedTensorType::get({}, x.getElementType()));
  return success();
}

LogicalResult NLLLossOp::verify() {
  auto x = getRanked(getInput());
  if (getWeight() && (getRanked(getWeight()).getRank() != 1 ||
                      getRanked(getWeight()).getDimSize(0) != x.getDimSize(1) ||
                      getRanked(getWeight()).getElementType() != x.getElementType()))
    return emitOpError("weight must be a vector of ")
           << x.getDimSize(1) << " " << x.getElementType();
  return success();
}
