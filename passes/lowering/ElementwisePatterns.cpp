//===- ElementwisePatterns.cpp - Lowering of elementwise graph ops --------===//
//
// Every unary, binary, Clip, Cast and BatchNormalization op becomes one
// `kernel.elementwise` whose body computes the ONNX definition with scalar arith/math ops.
// Adding an elementwise op means adding one scalar builder here.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

bool isFloat(Type t) { return isa<FloatType>(t); }

Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return scalarConstant(b, loc, like.getType(), v);
}
Value maxF(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::MaximumFOp>(loc, x, y);
}
Value minF(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::MinimumFOp>(loc, x, y);
}
Value select(OpBuilder &b, Location loc, arith::CmpFPredicate pred, Value x, Value y, Value ifTrue,
             Value ifFalse) {
  Value c = b.create<arith::CmpFOp>(loc, pred, x, y);
  return b.create<arith::SelectOp>(loc, c, ifTrue, ifFalse);
}

/// Scalar builders: return nullptr when the op is not defined for the element type.
Value scalar(OpBuilder &b, Location loc, Operation *op, ValueRange args) {
  Value x = args[0];
  // Unsignedness lives in the tensor element type; scalars are signless.
  Type elem = getElementTypeOrSelf(op->getOperand(0).getType());
  bool f = isFloat(x.getType());
  auto isUnsigned = [&](Type) { return elem.isUnsignedInteger(); };
  Type t = x.getType();
  auto alphaOf = [&](Operation *o) {
    return cst(b, loc, x, cast<FloatAttr>(o->getAttr("alpha")).getValueAsDouble());
  };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](ReluOp) -> Value {
        if (f)
          return maxF(b, loc, x, cst(b, loc, x, 0));
        return b.create<arith::MaxSIOp>(loc, x, cst(b, loc, x, 0));
      })
      .Case([&](SigmoidOp) -> Value {
        if (!f)
          return nullptr;
        Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, x));
        return b.create<arith::DivFOp>(loc, cst(b, loc, x, 1),
                                       b.create<arith::AddFOp>(loc, cst(b, loc, x, 1), e));
      })
      .Case([&](TanhOp) -> Value { return f ? b.create<math::TanhOp>(loc, x) : nullptr; })
      .Case([&](HardSwishOp) -> Value {
        if (!f)
          return nullptr;
        Value lin = b.create<arith::AddFOp>(
            loc, b.create<arith::MulFOp>(loc, x, cst(b, loc, x, 1.0 / 6.0)), cst(b, loc, x, 0.5));
        Value hs = maxF(b, loc, cst(b, loc, x, 0), minF(b, loc, cst(b, loc, x, 1), lin));
        return b.create<arith::MulFOp>(loc, x, hs);
      })
      .Case([&](HardSigmoidOp o) -> Value {
        if (!f)
          return nullptr;
        Value lin = b.create<arith::AddFOp>(
            loc, b.create<arith::MulFOp>(loc, x, cst(b, loc, x, o.getAlpha().convertToDouble())),
            cst(b, loc, x, o.getBeta().convertToDouble()));
        return maxF(b, loc, cst(b, loc, x, 0), minF(b, loc, cst(b, loc, x, 1), lin));
      })
      .Case([&](ClipOp o) -> Value {
        Value v = x;
        if (f) {
          if (auto lo = o.getMin())
            v = maxF(b, loc, v, cst(b, loc, x, lo->convertToDouble()));
          if (auto hi = o.getMax())
            v = minF(b, loc, v, cst(b, loc, x, hi->convertToDouble()));
          return v;
        }
        if (auto lo = o.getMin())
          v = isUnsigned(t)
                  ? b.create<arith::MaxUIOp>(loc, v, cst(b, loc, x, lo->convertToDouble()))
                        .getResult()
                  : b.create<arith::MaxSIOp>(loc, v, cst(b, loc, x, lo->convertToDouble()))
                        .getResult();
        if (auto hi = o.getMax())
          v = isUnsigned(t)
                  ? b.create<arith::MinUIOp>(loc, v, cst(b, loc, x, hi->convertToDouble()))
                        .getResult()
                  : b.create<arith::MinSIOp>(loc, v, cst(b, loc, x, hi->convertToDouble()))
                        .getResult();
        return v;
      })
      .Case([&](AbsOp) -> Value {
        return f ? b.create<math::AbsFOp>(loc, x).getResult()
                 : (isUnsigned(t) ? x : b.create<math::AbsIOp>(loc, x).getResult());
      })
      .Case([&](NegOp) -> Value {
        return f ? b.create<arith::NegFOp>(loc, x).getResult()
                 : b.create<arith::SubIOp>(loc, cst(b, loc, x, 0), x).getResult();
      })
      .Case([&](ExpOp) -> Value { return f ? b.create<math::ExpOp>(loc, x) : nullptr; })
      .Case([&](LogOp) -> Value { return f ? b.create<math::LogOp>(loc, x) : nullptr; })
      .Case([&](SqrtOp) -> Value { return f ? b.create<math::SqrtOp>(loc, x) : nullptr; })
      .Case([&](ReciprocalOp) -> Value {
        return f ? b.create<arith::DivFOp>(loc, cst(b, loc, x, 1), x) : nullptr;
      })
      .Case([&](FloorOp) -> Value { return f ? b.create<math::FloorOp>(loc, x) : nullptr; })
      .Case([&](CeilOp) -> Value { return f ? b.create<math::CeilOp>(loc, x) : nullptr; })
      .Case([&](ErfOp) -> Value { return f ? b.create<math::ErfOp>(loc, x) : nullptr; })
      .Case([&](SinOp) -> Value { return f ? b.create<math::SinOp>(loc, x) : nullptr; })
      .Case([&](CosOp) -> Value { return f ? b.create<math::CosOp>(loc, x) : nullptr; })
      .Case([&](RoundOp) -> Value { return f ? b.create<math::RoundEvenOp>(loc, x) : nullptr; })
      .Case([&](SoftplusOp) -> Value {
        if (!f)
          return nullptr;
        Value e = b.create<math::ExpOp>(loc, x);
        return b.create<math::LogOp>(loc, b.create<arith::AddFOp>(loc, e, cst(b, loc, x, 1)));
      })
      .Case([&](SoftsignOp) -> Value {
        if (!f)
          return nullptr;
        Value d = b.create<arith::AddFOp>(loc, cst(b, loc, x, 1), b.create<math::AbsFOp>(loc, x));
        return b.create<arith::DivFOp>(loc, x, d);
      })
      .Case([&](SignOp) -> Value {
        if (!f)
          return nullptr;
        Value zero = cst(b, loc, x, 0);
        Value neg = select(b, loc, arith::CmpFPredicate::OLT, x, zero, cst(b, loc, x, -1), zero);
        return select(b, loc, arith::CmpFPredicate::OGT, x, zero, cst(b, loc, x, 1), neg);
      })
      .Case([&](LeakyReluOp o) -> Value {
        if (!f)
          return nullptr;
        Value scaled = b.create<arith::MulFOp>(loc, x, alphaOf(o));
        return select(b, loc, arith::CmpFPredicate::OLT, x, cst(b, loc, x, 0), scaled, x);
      })
      .Case([&](EluOp o) -> Value {
        if (!f)
          return nullptr;
        Value em1 = b.create<arith::SubFOp>(loc, b.create<math::ExpOp>(loc, x), cst(b, loc, x, 1));
        Value neg = b.create<arith::MulFOp>(loc, alphaOf(o), em1);
        return select(b, loc, arith::CmpFPredicate::OLT, x, cst(b, loc, x, 0), neg, x);
      })
      .Case([&](CeluOp o) -> Value {
        if (!f)
          return nullptr;
        Value a = alphaOf(o);
        Value em1 = b.create<arith::SubFOp>(
            loc, b.create<math::ExpOp>(loc, b.create<arith::DivFOp>(loc, x, a)), cst(b, loc, x, 1));
        Value zero = cst(b, loc, x, 0);
        return b.create<arith::AddFOp>(loc, maxF(b, loc, zero, x),
                                       minF(b, loc, zero, b.create<arith::MulFOp>(loc, a, em1)));
      })
      .Case([&](ThresholdedReluOp o) -> Value {
        if (!f)
          return nullptr;
        return select(b, loc, arith::CmpFPredicate::OGT, x, alphaOf(o), x, cst(b, loc, x, 0));
      })
      .Case([&](SeluOp o) -> Value {
        if (!f)
          return nullptr;
        Value a = cst(b, loc, x, o.getAlpha().convertToDouble());
        Value g = cst(b, loc, x, o.getGamma().convertToDouble());
        Value neg = b.create<arith::SubFOp>(
            loc, b.create<arith::MulFOp>(loc, a, b.create<math::ExpOp>(loc, x)), a);
        Value v = select(b, loc, arith::CmpFPredicate::OGT, x, cst(b, loc, x, 0), x, neg);
        return b.create<arith::MulFOp>(loc, g, v);
      })
      .Case([&](AddOp) -> Value {
        return f ? b.create<arith::AddFOp>(loc, x, args[1]).getResult()
                 : b.create<arith::AddIOp>(loc, x, args[1]).getResult();
      })
      .Case([&](SubOp) -> Value {
        return f ? b.create<arith::SubFOp>(loc, x, args[1]).getResult()
                 : b.create<arith::SubIOp>(loc, x, args[1]).getResult();
      })
      .Case([&](MulOp) -> Value {
        return f ? b.create<arith::MulFOp>(loc, x, args[1]).getResult()
                 : b.create<arith::MulIOp>(loc, x, args[1]).getResult();
      })
      .Case([&](DivOp) -> Value {
        if (f)
          return b.create<arith::DivFOp>(loc, x, args[1]);
        return isUnsigned(t) ? b.create<arith::DivUIOp>(loc, x, args[1]).getResult()
                             : b.create<arith::DivSIOp>(loc, x, args[1]).getResult();
      })
      .Case([&](PowOp o) -> Value {
        if (f && args[1].getType() == t)
          return b.create<math::PowFOp>(loc, x, args[1]);
        // Integer base or mixed types: compute in f64, convert back (ONNX Pow's result has
        // the base's type).
        Type f64 = b.getF64Type();
        Type expElem = getElementTypeOrSelf(o.getRhs().getType());
        Value base = castScalar(b, loc, x, elem, f64);
        Value exponent = castScalar(b, loc, args[1], expElem, f64);
        Value r = b.create<math::PowFOp>(loc, base, exponent);
        return castScalar(b, loc, r, f64, elem);
      })
      .Case([&](MaxOp) -> Value {
        if (f)
          return maxF(b, loc, x, args[1]);
        return isUnsigned(t) ? b.create<arith::MaxUIOp>(loc, x, args[1]).getResult()
                             : b.create<arith::MaxSIOp>(loc, x, args[1]).getResult();
      })
      .Case([&](MinOp) -> Value {
        if (f)
          return minF(b, loc, x, args[1]);
        return isUnsigned(t) ? b.create<arith::MinUIOp>(loc, x, args[1]).getResult()
                             : b.create<arith::MinSIOp>(loc, x, args[1]).getResult();
      })
      .Case([&](BatchNormOp o) -> Value {
        if (!f)
          return nullptr;
        // args: x, scale, bias, mean, var.
        Value denom = b.create<math::SqrtOp>(
            loc, b.create<arith::AddFOp>(loc, args[4],
                                         cst(b, loc, x, o.getEpsilon().convertToDouble())));
        Value norm = b.create<arith::DivFOp>(loc, b.create<arith::SubFOp>(loc, x, args[3]), denom);
        return b.create<arith::AddFOp>(loc, b.create<arith::MulFOp>(loc, norm, args[1]), args[2]);
      })
      .Case([&](CastOp o) -> Value {
        return castScalar(b, loc, x, elem, o.getType().getElementType());
      })
      .Default([](Operation *) -> Value { return nullptr; });
}

/// Lowers one elementwise graph op to `kernel.elementwise`.
template <typename OpTy> struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> inputs(adaptor.getOperands());
    auto resultType = cast<RankedTensorType>(op.getType());
    if constexpr (std::is_same_v<OpTy, BatchNormOp>) {
      // Per-channel parameters broadcast along axis 1: view them as C x 1 x ... x 1.
      SmallVector<int64_t> shape(resultType.getRank() - 1, 1);
      shape[0] = resultType.getDimSize(1);
      for (Value &v : MutableArrayRef<Value>(inputs).drop_front())
        v = createView(rewriter, loc, v, shape);
    }
    // Probe the scalar builder first so unsupported element types fail cleanly.
    {
      OpBuilder::InsertionGuard guard(rewriter);
      Block probe;
      SmallVector<Value> args;
      for (Value v : inputs)
        args.push_back(
            probe.addArgument(scalarTypeOf(cast<MemRefType>(v.getType()).getElementType()), loc));
      OpBuilder pb(rewriter.getContext());
      pb.setInsertionPointToEnd(&probe);
      if (!scalar(pb, loc, op, args))
        return rewriter.notifyMatchFailure(op, "element type not supported");
    }
    Value out = createAlloc(rewriter, loc, resultType);
    Operation *graphOp = op;
    createElementwise(rewriter, loc, inputs, out,
                      [graphOp](OpBuilder &b, Location l, ValueRange args) {
                        return scalar(b, l, graphOp, args);
                      });
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void modelc::populateElementwisePatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<
      ElementwiseLowering<ReluOp>, ElementwiseLowering<SigmoidOp>, ElementwiseLowering<TanhOp>,
      ElementwiseLowering<HardSwishOp>, ElementwiseLowering<HardSigmoidOp>,
      ElementwiseLowering<ClipOp>, ElementwiseLowering<AbsOp>, ElementwiseLowering<NegOp>,
      ElementwiseLowering<ExpOp>, ElementwiseLowering<LogOp>, ElementwiseLowering<SqrtOp>,
      ElementwiseLowering<ReciprocalOp>, ElementwiseLowering<FloorOp>, ElementwiseLowering<CeilOp>,
      ElementwiseLowering<ErfOp>, ElementwiseLowering<SinOp>, ElementwiseLowering<CosOp>,
      ElementwiseLowering<RoundOp>, ElementwiseLowering<SoftplusOp>,
      ElementwiseLowering<SoftsignOp>, ElementwiseLowering<SignOp>,
      ElementwiseLowering<LeakyReluOp>, ElementwiseLowering<EluOp>, ElementwiseLowering<CeluOp>,
      ElementwiseLowering<ThresholdedReluOp>, ElementwiseLowering<SeluOp>,
      ElementwiseLowering<AddOp>, ElementwiseLowering<SubOp>, ElementwiseLowering<MulOp>,
      ElementwiseLowering<DivOp>, ElementwiseLowering<PowOp>, ElementwiseLowering<MaxOp>,
      ElementwiseLowering<MinOp>, ElementwiseLowering<BatchNormOp>, ElementwiseLowering<CastOp>>(
      converter, patterns.getContext());
}
