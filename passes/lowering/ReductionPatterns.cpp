//===- ReductionPatterns.cpp - Lowering of reduction graph ops ------------===//
//
// Conversion patterns of one op family (reductions, scans, normalizations, losses, TopK and
// Softmax) from the graph dialect to kernel ops. `graph.reduce` becomes `kernel.reduce`, whose
// map / combine / finalize bodies spell out each ONNX Reduce* kind; everything else becomes a
// `kernel.call` of runtime_min's kernel library (runtime_min/mc_kernels_reduction.h) over an
// outer x axis x inner view or over contiguous rows.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

#include <limits>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

MemRefType memrefOf(Value v) { return cast<MemRefType>(v.getType()); }

bool isNarrowFloat(Type t) { return t.isF16() || t.isBF16(); }

/// Unsigned semantics for comparisons (unsigned integers and booleans).
bool isUnsignedLike(Type t) { return t.isUnsignedInteger() || t.isInteger(1); }

//===--- Scans ----------------------------------------------------------------===//

/// CumSum / CumProd: one task per (outer, inner) position scans the axis.
template <typename OpTy> struct ScanLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    AxisSplit s = splitAtAxis(op.getType().getShape(), op.getAxis());
    StringRef callee = std::is_same_v<OpTy, CumSumOp> ? "mc::cumsum" : "mc::cumprod";
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), callee, adaptor.getInput(), out,
                        {s.outer, s.len, s.inner, op.getExclusive(), op.getReverse()}, {},
                        s.outer * s.inner, s.len);
    });
  }
};

//===--- Reductions -----------------------------------------------------------===//

/// The scalar pieces of one reduction kind over elements of type `elem` (a buffer element
/// type): 16-bit floats accumulate in f32, everything else in its own (signless) type.
struct ReduceBodies {
  ReduceKind kind;
  Type elem, acc;
  int64_t groupSize;

  ReduceBodies(ReduceKind kind, Type elem, int64_t groupSize)
      : kind(kind), elem(elem), groupSize(groupSize) {
    acc = isNarrowFloat(elem) ? Float32Type::get(elem.getContext()) : scalarTypeOf(elem);
  }

  bool isFloat() const { return isa<FloatType>(acc); }

  /// The identity of the combine step (also the result of an empty reduction).
  TypedAttr init(OpBuilder &b) const {
    if (isFloat()) {
      double v = kind == ReduceKind::prod  ? 1.0
                 : kind == ReduceKind::max ? -std::numeric_limits<double>::infinity()
                 : kind == ReduceKind::min ? std::numeric_limits<double>::infinity()
                                           : 0.0;
      return b.getFloatAttr(acc, v);
    }
    unsigned w = acc.getIntOrFloatBitWidth();
    APInt v(w, kind == ReduceKind::prod ? 1 : 0);
    if (kind == ReduceKind::max)
      v = isUnsignedLike(elem) ? APInt::getMinValue(w) : APInt::getSignedMinValue(w);
    else if (kind == ReduceKind::min)
      v = isUnsignedLike(elem) ? APInt::getMaxValue(w) : APInt::getSignedMaxValue(w);
    return b.getIntegerAttr(acc, v);
  }

  /// Shift of log_sum_exp: the group maximum when finite, else 0 (empty groups, infinities).
  Value shift(OpBuilder &b, Location loc, Value m) const {
    Value mf = castScalar(b, loc, m, elem, acc);
    Value abs = b.create<math::AbsFOp>(loc, mf);
    Value finite = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, abs,
                                           scalarConstant(b, loc, acc, INFINITY));
    return b.create<arith::SelectOp>(loc, finite, mf, scalarConstant(b, loc, acc, 0));
  }

  Value map(OpBuilder &b, Location loc, ValueRange args) const {
    Value v = castScalar(b, loc, args[0], elem, acc);
    switch (kind) {
    case ReduceKind::l1:
      if (isUnsignedLike(elem))
        return v;
      return isFloat() ? b.create<math::AbsFOp>(loc, v).getResult()
                       : b.create<math::AbsIOp>(loc, v).getResult();
    case ReduceKind::l2:
    case ReduceKind::sum_square:
      return isFloat() ? b.create<arith::MulFOp>(loc, v, v).getResult()
                       : b.create<arith::MulIOp>(loc, v, v).getResult();
    case ReduceKind::log_sum_exp: {
      Value d = b.create<arith::SubFOp>(loc, v, shift(b, loc, args[1]));
      return b.create<math::ExpOp>(loc, d);
    }
    default:
      return v;
    }
  }

  Value combine(OpBuilder &b, Location loc, ValueRange args) const {
    Value x = args[0], y = args[1];
    bool u = isUnsignedLike(elem);
    switch (kind) {
    case ReduceKind::max:
      if (isFloat())
        return b.create<arith::MaximumFOp>(loc, x, y);
      return u ? b.create<arith::MaxUIOp>(loc, x, y).getResult()
               : b.create<arith::MaxSIOp>(loc, x, y).getResult();
    case ReduceKind::min:
      if (isFloat())
        return b.create<arith::MinimumFOp>(loc, x, y);
      return u ? b.create<arith::MinUIOp>(loc, x, y).getResult()
               : b.create<arith::MinSIOp>(loc, x, y).getResult();
    case ReduceKind::prod:
      return isFloat() ? b.create<arith::MulFOp>(loc, x, y).getResult()
                       : b.create<arith::MulIOp>(loc, x, y).getResult();
    default:
      return isFloat() ? b.create<arith::AddFOp>(loc, x, y).getResult()
                       : b.create<arith::AddIOp>(loc, x, y).getResult();
    }
  }

  Value finalize(OpBuilder &b, Location loc, ValueRange args) const {
    Value a = args[0];
    switch (kind) {
    case ReduceKind::mean:
      if (isFloat())
        a = b.create<arith::DivFOp>(loc, a, scalarConstant(b, loc, acc, groupSize));
      else if (groupSize == 0) // the mean of nothing: 0 rather than a division by zero
        a = scalarConstant(b, loc, acc, 0);
      else if (isUnsignedLike(elem))
        a = b.create<arith::DivUIOp>(loc, a, scalarConstant(b, loc, acc, groupSize));
      else
        a = b.create<arith::DivSIOp>(loc, a, scalarConstant(b, loc, acc, groupSize));
      break;
    case ReduceKind::l2:
      a = b.create<math::SqrtOp>(loc, a);
      break;
    case ReduceKind::log_sum:
      a = b.create<math::LogOp>(loc, a);
      break;
    case ReduceKind::log_sum_exp:
      a = b.create<arith::AddFOp>(loc, b.create<math::LogOp>(loc, a), shift(b, loc, args[1]));
      break;
    default:
      break;
    }
    return castScalar(b, loc, a, acc, elem);
  }
};

/// Creates `kernel.reduce` of `input` into `out` (keepdims shape) for `bodies`.
void createReduce(OpBuilder &b, Location loc, Value input, Value out, ValueRange extras,
                  ArrayRef<int64_t> axes, const ReduceBodies &bodies) {
  auto op = b.create<kernel::ReduceOp>(loc, input, out, extras, b.getDenseI64ArrayAttr(axes),
                                       bodies.init(b));
  SmallVector<Type> mapArgs = {scalarTypeOf(bodies.elem)}, finalizeArgs = {bodies.acc};
  for (Value e : extras) {
    mapArgs.push_back(scalarTypeOf(memrefOf(e).getElementType()));
    finalizeArgs.push_back(scalarTypeOf(memrefOf(e).getElementType()));
  }
  buildScalarRegion(b, loc, op.getMap(), mapArgs,
                    [&](OpBuilder &b, Location l, ValueRange a) { return bodies.map(b, l, a); });
  buildScalarRegion(
      b, loc, op.getCombine(), {bodies.acc, bodies.acc},
      [&](OpBuilder &b, Location l, ValueRange a) { return bodies.combine(b, l, a); });
  buildScalarRegion(
      b, loc, op.getFinalize(), finalizeArgs,
      [&](OpBuilder &b, Location l, ValueRange a) { return bodies.finalize(b, l, a); });
}

/// graph.reduce: one kernel.reduce writing the keepdims view of the result; ReduceLogSumExp
/// first reduces the group maxima, which shift its exponentials.
struct ReduceLowering : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<int64_t> keep(inType.getShape());
    int64_t groupSize = 1;
    for (int64_t a : op.getAxes()) {
      groupSize *= keep[a];
      keep[a] = 1;
    }
    Type elem = inType.getElementType();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      Value view = createView(rewriter, loc, out, keep);
      SmallVector<Value> extras;
      if (op.getKind() == ReduceKind::log_sum_exp) {
        Value mx = createAlloc(rewriter, loc, RankedTensorType::get(keep, elem));
        createReduce(rewriter, loc, adaptor.getInput(), mx, {}, op.getAxes(),
                     ReduceBodies(ReduceKind::max, elem, groupSize));
        extras.push_back(mx);
      }
      createReduce(rewriter, loc, adaptor.getInput(), view, extras, op.getAxes(),
                   ReduceBodies(op.getKind(), elem, groupSize));
    });
  }
};

/// ArgMax / ArgMin: one task per (outer, inner) position (mc::argreduce).
template <typename OpTy> struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    AxisSplit s = splitAtAxis(inType.getShape(), op.getAxis());
    int64_t isMin = std::is_same_v<OpTy, ArgMinOp>;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::argreduce", adaptor.getInput(), out,
                        {s.outer, s.len, s.inner, isMin, op.getSelectLastIndex()}, {},
                        s.outer * s.inner, s.len);
    });
  }
};

struct HardmaxLowering : OpConversionPattern<HardmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(HardmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    AxisSplit s = splitAtAxis(op.getType().getShape(), op.getAxis());
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::hardmax", adaptor.getInput(), out,
                        {s.outer, s.len, s.inner}, {}, s.outer * s.inner, 2 * s.len);
    });
  }
};

/// TopK: one task per line keeps its K best in the output slots (mc::topk).
struct TopKLowering : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    AxisSplit s = splitAtAxis(inType.getShape(), op.getAxis());
    Value values = createAlloc(rewriter, loc, op.getValues().getType());
    Value indices = createAlloc(rewriter, loc, op.getIndices().getType());
    createLibraryCall(rewriter, loc, "mc::topk", adaptor.getInput(), {values, indices},
                      {s.outer, s.len, s.inner, static_cast<int64_t>(op.getK()), op.getLargest()},
                      {}, s.outer * s.inner, saturatingCost(s.len, op.getK()));
    rewriter.replaceOp(op, {values, indices});
    return success();
  }
};

/// Softmax / LogSoftmax: one task per row (or strided line) of the axis (mc::softmax).
struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    AxisSplit s = splitAtAxis(op.getType().getShape(), op.getAxis());
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::softmax", adaptor.getInput(), out,
                        {s.outer, s.len, s.inner, op.getLog()}, {}, s.outer * s.inner,
                        saturatingCost(4, s.len));
    });
  }
};

//===--- Normalizations -------------------------------------------------------===//

/// `param` as a buffer of exactly `shape`: itself when the shapes agree up to leading ones,
/// else broadcast into a fresh buffer by a copying kernel.elementwise.
Value materializeBroadcast(OpBuilder &b, Location loc, Value param, ArrayRef<int64_t> shape) {
  auto t = memrefOf(param);
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (t.getNumElements() == n)
    return param;
  Value out = createAlloc(b, loc, RankedTensorType::get(shape, t.getElementType()));
  createElementwise(b, loc, param, out,
                    [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  return out;
}

/// The call of mc::normalize shared by layer, RMS, group and instance normalization.
void createNormalize(OpBuilder &b, Location loc, Value x, Value scale, Value bias, Value y,
                     Value mean, Value invStd, int64_t rows, int64_t len, int64_t rowMod,
                     int64_t div, bool rms, double epsilon) {
  bool hasBias = static_cast<bool>(bias);
  createLibraryCall(b, loc, "mc::normalize", {x, scale, hasBias ? bias : scale}, {y, mean, invStd},
                    {rows, len, rowMod, div, rms, hasBias}, {epsilon}, rows, 3 * len);
}

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xt = cast<RankedTensorType>(op.getInput().getType());
    ArrayRef<int64_t> normalized = xt.getShape().drop_front(op.getAxis());
    int64_t rows = 1, len = 1;
    for (int64_t d : xt.getShape().take_front(op.getAxis()))
      rows *= d;
    for (int64_t d : normalized)
      len *= d;
    Value scale = materializeBroadcast(rewriter, loc, adaptor.getScale(), normalized);
    Value bias = adaptor.getBias()
                     ? materializeBroadcast(rewriter, loc, adaptor.getBias(), normalized)
                     : Value();
    Value y = createAlloc(rewriter, loc, op.getResult().getType());
    Value mean = createAlloc(rewriter, loc, op.getMean().getType());
    Value inv = createAlloc(rewriter, loc, op.getInvStdDev().getType());
    createNormalize(rewriter, loc, adaptor.getInput(), scale, bias, y, mean, inv, rows, len, 1, 1,
                    op.getRms(), op.getEpsilon().convertToFloat());
    rewriter.replaceOp(op, {y, mean, inv});
    return success();
  }
};

struct GroupNormLowering : OpConversionPattern<GroupNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GroupNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xt = cast<RankedTensorType>(op.getInput().getType());
    int64_t groups = op.getNumGroups(), channels = xt.getDimSize(1), spatial = 1;
    for (int64_t d : xt.getShape().drop_front(2))
      spatial *= d;
    int64_t rows = xt.getDimSize(0) * groups, len = channels / groups * spatial;
    auto statsType = RankedTensorType::get({rows}, op.getStashType());
    Value mean = createAlloc(rewriter, loc, statsType);
    Value inv = createAlloc(rewriter, loc, statsType);
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createNormalize(rewriter, loc, adaptor.getInput(), adaptor.getScale(), adaptor.getBias(), out,
                      mean, inv, rows, len, groups, spatial, false,
                      op.getEpsilon().convertToFloat());
    });
  }
};

struct LRNLowering : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> shape = op.getType().getShape();
    int64_t spatial = 1;
    for (int64_t d : shape.drop_front(2))
      spatial *= d;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::lrn", adaptor.getInput(), out,
                        {shape[0], shape[1], spatial, static_cast<int64_t>(op.getSize())},
                        {op.getAlpha().convertToFloat(), op.getBeta().convertToFloat(),
                         op.getBias().convertToFloat()},
                        op.getType().getNumElements(), op.getSize());
    });
  }
};

//===--- Losses ---------------------------------------------------------------===//

struct NLLLossLowering : OpConversionPattern<NLLLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(NLLLossOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto xt = cast<RankedTensorType>(op.getInput().getType());
    int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), d = 1;
    for (int64_t s : xt.getShape().drop_front(2))
      d *= s;
    bool none = op.getReduction() == LossReduction::none;
    std::optional<int64_t> ignore = op.getIgnoreIndex();
    Value weight = adaptor.getWeight() ? adaptor.getWeight() : adaptor.getInput();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::nll_loss",
                        {adaptor.getInput(), adaptor.getTarget(), weight}, out,
                        {n, c, d, static_cast<int64_t>(op.getReduction()),
                         static_cast<bool>(adaptor.getWeight()), ignore.has_value(),
                         ignore.value_or(0)},
                        {}, none ? n * d : 1, none ? 1 : n * d);
    });
  }
};

} // namespace

void modelc::populateReductionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns
      .add<ScanLowering<CumSumOp>, ScanLowering<CumProdOp>, ReduceLowering,
           ArgReduceLowering<ArgMaxOp>, ArgReduceLowering<ArgMinOp>, HardmaxLowering, TopKLowering,
           SoftmaxLowering, LayerNormLowering, GroupNormLowering, LRNLowering, NLLLossLowering>(
          converter, patterns.getContext());
}
