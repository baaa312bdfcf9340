//===- ElementwisePatterns.cpp - Lowering of elementwise graph ops --------===//
//
// Every unary, binary, comparison, logical, bitwise, Where, Clip, Cast, BitCast,
// (de)quantization and BatchNormalization op becomes one `kernel.elementwise` whose body
// computes the ONNX definition with scalar arith/math ops, so that all of them fuse.
// Per-axis parameters (BatchNormalization, per-axis and blocked quantization) are viewed
// with unit dimensions so that they broadcast. Adding an elementwise op means adding one
// scalar builder here.
//
// ONNX Cast semantics live in castScalar: float8 targets saturate by clamping before the
// (round-to-nearest-even) truncation, FLOAT4E2M1 and FLOAT8E8M0 are i8 bit patterns that
// explicit integer sequences encode and decode, and 4/2-bit integers follow the ONNX
// reference (floats truncate toward zero, out-of-range values become 0; integers wrap).
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

bool isFloat(Type t) { return isa<FloatType>(t); }
bool isStorageFloat(Type t) { return isa<Float4E2M1FNType, Float8E8M0FNUType>(t); }
bool isFloat8(Type t) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type, Float8E5M2FNUZType>(t);
}

Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return scalarConstant(b, loc, like.getType(), v);
}
/// An integer constant of width `w`.
Value icst(OpBuilder &b, Location loc, unsigned w, int64_t v) {
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(b.getIntegerType(w), v));
}
Value maxF(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::MaximumFOp>(loc, x, y);
}
Value minF(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::MinimumFOp>(loc, x, y);
}
Value cmpF(OpBuilder &b, Location loc, arith::CmpFPredicate pred, Value x, Value y) {
  return b.create<arith::CmpFOp>(loc, pred, x, y);
}
Value cmpI(OpBuilder &b, Location loc, arith::CmpIPredicate pred, Value x, Value y) {
  return b.create<arith::CmpIOp>(loc, pred, x, y);
}
Value sel(OpBuilder &b, Location loc, Value c, Value x, Value y) {
  return b.create<arith::SelectOp>(loc, c, x, y);
}
Value select(OpBuilder &b, Location loc, arith::CmpFPredicate pred, Value x, Value y, Value ifTrue,
             Value ifFalse) {
  return sel(b, loc, cmpF(b, loc, pred, x, y), ifTrue, ifFalse);
}

//===----------------------------------------------------------------------===//
// ONNX Cast of one scalar
//===----------------------------------------------------------------------===//

/// FLOAT4E2M1 code (i8, low 4 bits) -> f32: sign s, exponent e (bias 1), mantissa m.
Value decodeFloat4(OpBuilder &b, Location loc, Value code) {
  Value c = b.create<arith::ExtUIOp>(loc, b.getI32Type(),
                                     b.create<arith::AndIOp>(loc, code, icst(b, loc, 8, 0xF)));
  auto shr = [&](Value v, int64_t n) { return b.create<arith::ShRUIOp>(loc, v, icst(b, loc, 32, n)); };
  auto shl = [&](Value v, int64_t n) { return b.create<arith::ShLIOp>(loc, v, icst(b, loc, 32, n)); };
  auto andI = [&](Value v, int64_t m) { return b.create<arith::AndIOp>(loc, v, icst(b, loc, 32, m)); };
  Value sign = shl(andI(shr(c, 3), 1), 31);
  Value e = andI(shr(c, 1), 3), m = andI(c, 1);
  // Normal: 2^(e-1) * (1 + m/2), i.e. float32 exponent field e + 126, mantissa bit 22.
  Value normal = b.create<arith::OrIOp>(
      loc, shl(b.create<arith::AddIOp>(loc, e, icst(b, loc, 32, 126)), 23), shl(m, 22));
  // Subnormal (e = 0): m * 0.5.
  Value sub = b.create<arith::MulIOp>(loc, m, icst(b, loc, 32, 0x3F000000));
  Value bits = sel(b, loc, cmpI(b, loc, arith::CmpIPredicate::eq, e, icst(b, loc, 32, 0)), sub,
                   normal);
  return b.create<arith::BitcastOp>(loc, b.getF32Type(),
                                    b.create<arith::OrIOp>(loc, bits, sign));
}

/// f32/f64 -> FLOAT4E2M1 code: round to nearest even over {0, 0.5, 1, 1.5, 2, 3, 4, 6},
/// saturating at 6 (the type has no infinity or NaN; NaN gives a zero, as ml_dtypes does).
Value encodeFloat4(OpBuilder &b, Location loc, Value x) {
  using P = arith::CmpFPredicate;
  Value a = b.create<math::AbsFOp>(loc, x);
  // The code counts the rounding thresholds below |x|; ties go to the even code.
  const std::pair<P, double> steps[] = {{P::OGT, 0.25}, {P::OGE, 0.75}, {P::OGT, 1.25},
                                        {P::OGE, 1.75}, {P::OGT, 2.5},  {P::OGE, 3.5},
                                        {P::OGT, 5.0}};
  Value code = icst(b, loc, 8, 0);
  for (auto [pred, t] : steps)
    code = b.create<arith::AddIOp>(
        loc, code,
        b.create<arith::ExtUIOp>(loc, b.getI8Type(), cmpF(b, loc, pred, a, cst(b, loc, x, t))));
  unsigned w = cast<FloatType>(x.getType()).getWidth();
  Value bits = b.create<arith::BitcastOp>(loc, b.getIntegerType(w), x);
  Value negative = cmpI(b, loc, arith::CmpIPredicate::slt, bits, icst(b, loc, w, 0));
  return sel(b, loc, negative, b.create<arith::OrIOp>(loc, code, icst(b, loc, 8, 8)), code);
}

/// FLOAT8E8M0 code -> f32: 2^(e - 127), NaN for 0xFF.
Value decodeE8M0(OpBuilder &b, Location loc, Value code) {
  Value e = b.create<arith::ExtUIOp>(loc, b.getI32Type(), code);
  Value bits = b.create<arith::ShLIOp>(loc, e, icst(b, loc, 32, 23));
  bits = sel(b, loc, cmpI(b, loc, arith::CmpIPredicate::eq, e, icst(b, loc, 32, 0)),
             icst(b, loc, 32, 0x00400000), bits); // 2^-127 is a float32 subnormal
  bits = sel(b, loc, cmpI(b, loc, arith::CmpIPredicate::eq, e, icst(b, loc, 32, 0xFF)),
             icst(b, loc, 32, 0x7FC00000), bits);
  return b.create<arith::BitcastOp>(loc, b.getF32Type(), bits);
}

/// f32 -> FLOAT8E8M0 code: the float32 exponent, rounded by its mantissa as `mode` says
/// (onnx.numpy_helper.to_float8e8m0); NaN and infinities give 0xFF; `saturate` keeps 0xFE
/// from rounding up to NaN.
Value encodeE8M0(OpBuilder &b, Location loc, Value x, bool saturate, RoundMode mode) {
  using P = arith::CmpIPredicate;
  Value bits = b.create<arith::BitcastOp>(loc, b.getI32Type(), x);
  auto andI = [&](Value v, int64_t m) { return b.create<arith::AndIOp>(loc, v, icst(b, loc, 32, m)); };
  auto nonzero = [&](Value v) { return cmpI(b, loc, P::ne, v, icst(b, loc, 32, 0)); };
  Value e = andI(b.create<arith::ShRUIOp>(loc, bits, icst(b, loc, 32, 23)), 0xFF);
  Value up = b.create<arith::ConstantOp>(loc, b.getBoolAttr(false));
  if (mode == RoundMode::nearest) {
    Value g = nonzero(andI(bits, 0x400000)), r = nonzero(andI(bits, 0x200000));
    Value s = nonzero(andI(bits, 0x1FFFFF)), lsb = nonzero(e);
    up = b.create<arith::AndIOp>(
        loc, g, b.create<arith::OrIOp>(loc, r, b.create<arith::OrIOp>(loc, s, lsb)));
  } else if (mode == RoundMode::up) {
    up = nonzero(andI(bits, 0x7FFFFF));
  }
  if (saturate)
    up = b.create<arith::AndIOp>(loc, up, cmpI(b, loc, P::ne, e, icst(b, loc, 32, 0xFE)));
  Value rounded = b.create<arith::AddIOp>(loc, e, b.create<arith::ExtUIOp>(loc, b.getI32Type(), up));
  Value special = cmpI(b, loc, P::eq, e, icst(b, loc, 32, 0xFF));
  return b.create<arith::TruncIOp>(loc, b.getI8Type(),
                                   sel(b, loc, special, icst(b, loc, 32, 0xFF), rounded));
}

/// The largest finite value of a float8 type (the bound `saturate` clamps to).
double largestFinite(Type t) {
  return llvm::APFloat::getLargest(cast<FloatType>(t).getFloatSemantics()).convertToDouble();
}

} // namespace

Value modelc::castScalar(OpBuilder &b, Location loc, Value v, Type from, Type toElement,
                         bool saturate, RoundMode roundMode) {
  if (from == toElement)
    return v;
  Type to = scalarTypeOf(toElement);
  Type f32 = b.getF32Type();
  // Storage floats go through f32 (FLOAT8E8M0 is defined on float32 bits; f64 sources of
  // FLOAT4E2M1 keep their precision for its rounding thresholds).
  if (isa<Float4E2M1FNType>(from))
    return castScalar(b, loc, decodeFloat4(b, loc, v), f32, toElement, saturate, roundMode);
  if (isa<Float8E8M0FNUType>(from))
    return castScalar(b, loc, decodeE8M0(b, loc, v), f32, toElement, saturate, roundMode);
  if (isa<Float4E2M1FNType>(toElement)) {
    Type via = from.isF64() ? from : f32;
    return encodeFloat4(b, loc, castScalar(b, loc, v, from, via));
  }
  if (isa<Float8E8M0FNUType>(toElement))
    return encodeE8M0(b, loc, castScalar(b, loc, v, from, f32), saturate, roundMode);

  auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
  if (fromF && toF) {
    // Saturating float8 casts clamp first (NaN stays NaN), then round (ONNX Cast-19).
    if (isFloat8(toElement) && saturate) {
      Value x = fromF.getWidth() >= 16 ? v : castScalar(b, loc, v, from, f32);
      double m = largestFinite(toElement);
      // One op per statement: argument evaluation order is unspecified.
      Value hi = cst(b, loc, x, m), lo = cst(b, loc, x, -m);
      x = minF(b, loc, maxF(b, loc, x, lo), hi);
      return castScalar(b, loc, x, x.getType(), toElement, /*saturate=*/false);
    }
    if (fromF.getWidth() == toF.getWidth()) // f16 <-> bf16, float8 <-> float8: through f32
      return castScalar(b, loc, castScalar(b, loc, v, from, f32), f32, toElement, saturate);
    return fromF.getWidth() < toF.getWidth() ? b.create<arith::ExtFOp>(loc, to, v).getResult()
                                             : b.create<arith::TruncFOp>(loc, to, v).getResult();
  }
  if (fromF) {
    if (to.isInteger(1)) // bool: nonzero is true
      return cmpF(b, loc, arith::CmpFPredicate::UNE, v, cst(b, loc, v, 0));
    unsigned w = to.getIntOrFloatBitWidth();
    if (w < 8) {
      // 4- and 2-bit integers: truncate toward zero; out of range (and NaN) gives 0.
      Value x = fromF.getWidth() >= 32 ? v : castScalar(b, loc, v, from, f32);
      bool isUnsigned = toElement.isUnsignedInteger();
      double lo = isUnsigned ? 0 : -std::ldexp(1.0, w - 1);
      double hi = isUnsigned ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
      Value t = b.create<math::TruncOp>(loc, x);
      Value inRange = b.create<arith::AndIOp>(
          loc, cmpF(b, loc, arith::CmpFPredicate::OGE, t, cst(b, loc, t, lo)),
          cmpF(b, loc, arith::CmpFPredicate::OLE, t, cst(b, loc, t, hi)));
      Value safe = sel(b, loc, inRange, t, cst(b, loc, t, 0));
      return isUnsigned ? b.create<arith::FPToUIOp>(loc, to, safe).getResult()
                        : b.create<arith::FPToSIOp>(loc, to, safe).getResult();
    }
    return toElement.isUnsignedInteger() ? b.create<arith::FPToUIOp>(loc, to, v).getResult()
                                         : b.create<arith::FPToSIOp>(loc, to, v).getResult();
  }
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  if (toF) {
    if (isFloat8(toElement) && saturate) // integers beyond the float8 range saturate too
      return castScalar(b, loc, castScalar(b, loc, v, from, f32), f32, toElement, saturate);
    return fromUnsigned ? b.create<arith::UIToFPOp>(loc, to, v).getResult()
                        : b.create<arith::SIToFPOp>(loc, to, v).getResult();
  }
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (to.isInteger(1))
    return cmpI(b, loc, arith::CmpIPredicate::ne, v, scalarConstant(b, loc, v.getType(), 0));
  if (fw < tw)
    return fromUnsigned ? b.create<arith::ExtUIOp>(loc, to, v).getResult()
                        : b.create<arith::ExtSIOp>(loc, to, v).getResult();
  if (fw > tw)
    return b.create<arith::TruncIOp>(loc, to, v);
  return v; // same width, other signedness: the same bits
}

namespace {

/// ONNX BitCast of one scalar: the same bits in another type of the same width (bool as
/// a byte).
Value bitCastScalar(OpBuilder &b, Location loc, Value v, Type from, Type toElement) {
  Type to = scalarTypeOf(toElement);
  if (v.getType() == to)
    return v;
  if (to.isInteger(1))
    return cmpI(b, loc, arith::CmpIPredicate::ne, v, scalarConstant(b, loc, v.getType(), 0));
  if (v.getType().isInteger(1))
    return b.create<arith::ExtUIOp>(loc, to, v);
  return b.create<arith::BitcastOp>(loc, to, v);
}

//===----------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------===//

/// Integer Mod: C remainders with a guarded divisor; `floor` gives the result the divisor's
/// sign (Python %). x % 0 is 0, as numpy gives.
Value integerMod(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned, bool floor) {
  using P = arith::CmpIPredicate;
  Value zero = cst(b, loc, x, 0), one = cst(b, loc, x, 1);
  Value byZero = cmpI(b, loc, P::eq, y, zero);
  if (isUnsigned) {
    Value r = b.create<arith::RemUIOp>(loc, x, sel(b, loc, byZero, one, y));
    return sel(b, loc, byZero, zero, r);
  }
  // -1 divides everything (and INT_MIN % -1 traps in C).
  Value trivial = b.create<arith::OrIOp>(loc, byZero, cmpI(b, loc, P::eq, y, cst(b, loc, x, -1)));
  Value r = b.create<arith::RemSIOp>(loc, x, sel(b, loc, trivial, one, y));
  if (floor) {
    Value signsDiffer = b.create<arith::XOrIOp>(loc, cmpI(b, loc, P::slt, r, zero),
                                                cmpI(b, loc, P::slt, y, zero));
    Value fix = b.create<arith::AndIOp>(loc, cmpI(b, loc, P::ne, r, zero), signsDiffer);
    r = sel(b, loc, fix, b.create<arith::AddIOp>(loc, r, y), r);
  }
  return sel(b, loc, trivial, zero, r);
}

/// BitShift: shift amounts outside [0, width) give 0 (or -1 for a right shift of a
/// negative signed value); right shifts are arithmetic for signed types.
Value bitShift(OpBuilder &b, Location loc, Value x, Value y, bool left, bool isUnsigned) {
  using P = arith::CmpIPredicate;
  unsigned w = x.getType().getIntOrFloatBitWidth();
  Value zero = cst(b, loc, x, 0);
  // Unsigned comparison: negative amounts are huge.
  Value outOfRange = cmpI(b, loc, P::uge, y, cst(b, loc, x, w));
  Value amount = sel(b, loc, outOfRange, zero, y);
  Value shifted, fill = zero;
  if (left) {
    shifted = b.create<arith::ShLIOp>(loc, x, amount);
  } else if (isUnsigned) {
    shifted = b.create<arith::ShRUIOp>(loc, x, amount);
  } else {
    shifted = b.create<arith::ShRSIOp>(loc, x, amount);
    fill = sel(b, loc, cmpI(b, loc, P::slt, x, zero), cst(b, loc, x, -1), zero);
  }
  return sel(b, loc, outOfRange, fill, shifted);
}

/// 1 / (1 + exp(-a * x)).
Value sigmoid(OpBuilder &b, Location loc, Value x, double a) {
  Value ax = a == 1.0 ? x : b.create<arith::MulFOp>(loc, x, cst(b, loc, x, a)).getResult();
  Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, ax));
  return b.create<arith::DivFOp>(loc, cst(b, loc, x, 1),
                                 b.create<arith::AddFOp>(loc, cst(b, loc, x, 1), e));
}

/// Scalar builders: return nullptr when the op is not defined for the element type.
Value scalar(OpBuilder &b, Location loc, Operation *op, ValueRange args) {
  Value x = args[0];
  // Unsignedness lives in the tensor element type; scalars are signless.
  Type elem = getElementTypeOrSelf(op->getOperand(0).getType());
  bool f = isFloat(x.getType());
  bool isUnsigned = elem.isUnsignedInteger();
  Type t = x.getType();
  auto alphaOf = [&](Operation *o) {
    return cst(b, loc, x, cast<FloatAttr>(o->getAttr("alpha")).getValueAsDouble());
  };
  using IP = arith::CmpIPredicate;
  using FP = arith::CmpFPredicate;
  /// A comparison of x and args[1] by element kind.
  auto compare = [&](FP fp, IP sp, IP up) -> Value {
    if (f)
      return cmpF(b, loc, fp, x, args[1]);
    return cmpI(b, loc, isUnsigned || t.isInteger(1) ? up : sp, x, args[1]);
  };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](ReluOp) -> Value {
        if (f)
          return maxF(b, loc, x, cst(b, loc, x, 0));
        return b.create<arith::MaxSIOp>(loc, x, cst(b, loc, x, 0));
      })
      .Case([&](SigmoidOp) -> Value { return f ? sigmoid(b, loc, x, 1.0) : nullptr; })
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
          v = isUnsigned
                  ? b.create<arith::MaxUIOp>(loc, v, cst(b, loc, x, lo->convertToDouble()))
                        .getResult()
                  : b.create<arith::MaxSIOp>(loc, v, cst(b, loc, x, lo->convertToDouble()))
                        .getResult();
        if (auto hi = o.getMax())
          v = isUnsigned
                  ? b.create<arith::MinUIOp>(loc, v, cst(b, loc, x, hi->convertToDouble()))
                        .getResult()
                  : b.create<arith::MinSIOp>(loc, v, cst(b, loc, x, hi->convertToDouble()))
                        .getResult();
        return v;
      })
      .Case([&](AbsOp) -> Value {
        return f ? b.create<math::AbsFOp>(loc, x).getResult()
                 : (isUnsigned ? x : b.create<math::AbsIOp>(loc, x).getResult());
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
      .Case([&](TanOp) -> Value { return f ? b.create<math::TanOp>(loc, x) : nullptr; })
      .Case([&](AcosOp) -> Value { return f ? b.create<math::AcosOp>(loc, x) : nullptr; })
      .Case([&](AsinOp) -> Value { return f ? b.create<math::AsinOp>(loc, x) : nullptr; })
      .Case([&](AtanOp) -> Value { return f ? b.create<math::AtanOp>(loc, x) : nullptr; })
      .Case([&](CoshOp) -> Value { return f ? b.create<math::CoshOp>(loc, x) : nullptr; })
      .Case([&](SinhOp) -> Value { return f ? b.create<math::SinhOp>(loc, x) : nullptr; })
      .Case([&](AcoshOp) -> Value { return f ? b.create<math::AcoshOp>(loc, x) : nullptr; })
      .Case([&](AsinhOp) -> Value { return f ? b.create<math::AsinhOp>(loc, x) : nullptr; })
      .Case([&](AtanhOp) -> Value { return f ? b.create<math::AtanhOp>(loc, x) : nullptr; })
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
      .Case([&](LeakyReluOp o) -> Value {
        if (!f)
          return nullptr;
        Value scaled = b.create<arith::MulFOp>(loc, x, alphaOf(o));
        return select(b, loc, FP::OLT, x, cst(b, loc, x, 0), scaled, x);
      })
      .Case([&](EluOp o) -> Value {
        if (!f)
          return nullptr;
        Value em1 = b.create<arith::SubFOp>(loc, b.create<math::ExpOp>(loc, x), cst(b, loc, x, 1));
        Value neg = b.create<arith::MulFOp>(loc, alphaOf(o), em1);
        return select(b, loc, FP::OLT, x, cst(b, loc, x, 0), neg, x);
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
        return select(b, loc, FP::OGT, x, alphaOf(o), x, cst(b, loc, x, 0));
      })
      .Case([&](SeluOp o) -> Value {
        if (!f)
          return nullptr;
        Value a = cst(b, loc, x, o.getAlpha().convertToDouble());
        Value g = cst(b, loc, x, o.getGamma().convertToDouble());
        Value neg = b.create<arith::SubFOp>(
            loc, b.create<arith::MulFOp>(loc, a, b.create<math::ExpOp>(loc, x)), a);
        Value v = select(b, loc, FP::OGT, x, cst(b, loc, x, 0), x, neg);
        return b.create<arith::MulFOp>(loc, g, v);
      })
      .Case([&](MishOp) -> Value {
        if (!f)
          return nullptr;
        // x * tanh(softplus(x)), as Mish's function body defines it.
        Value sp = b.create<math::LogOp>(
            loc, b.create<arith::AddFOp>(loc, b.create<math::ExpOp>(loc, x), cst(b, loc, x, 1)));
        return b.create<arith::MulFOp>(loc, x, b.create<math::TanhOp>(loc, sp));
      })
      .Case([&](GeluOp o) -> Value {
        if (!f)
          return nullptr;
        Value inner;
        if (o.getTanh()) {
          // sqrt(2 / pi) * (x + 0.044715 * x^3)
          Value x3 = b.create<arith::MulFOp>(loc, b.create<arith::MulFOp>(loc, x, x), x);
          Value poly = b.create<arith::AddFOp>(
              loc, x, b.create<arith::MulFOp>(loc, x3, cst(b, loc, x, 0.044715)));
          inner = b.create<math::TanhOp>(
              loc, b.create<arith::MulFOp>(loc, poly, cst(b, loc, x, std::sqrt(2.0 / M_PI))));
        } else {
          inner = b.create<math::ErfOp>(loc, b.create<arith::MulFOp>(loc, x, cst(b, loc, x, M_SQRT1_2)));
        }
        Value half = b.create<arith::MulFOp>(loc, x, cst(b, loc, x, 0.5));
        return b.create<arith::MulFOp>(loc, half,
                                       b.create<arith::AddFOp>(loc, cst(b, loc, x, 1), inner));
      })
      .Case([&](SwishOp o) -> Value {
        if (!f)
          return nullptr;
        return b.create<arith::MulFOp>(loc, x,
                                       sigmoid(b, loc, x, o.getAlpha().convertToDouble()));
      })
      .Case([&](ShrinkOp o) -> Value {
        // Integers compute in f64 (the reference compares them with the float attributes).
        Value v = f ? x : castScalar(b, loc, x, elem, b.getF64Type());
        Value lambd = cst(b, loc, v, o.getLambd().convertToDouble());
        Value bias = cst(b, loc, v, o.getBias().convertToDouble());
        Value r = select(b, loc, FP::OLT, v, b.create<arith::NegFOp>(loc, lambd),
                         b.create<arith::AddFOp>(loc, v, bias),
                         select(b, loc, FP::OGT, v, lambd, b.create<arith::SubFOp>(loc, v, bias),
                                cst(b, loc, v, 0)));
        return f ? r : castScalar(b, loc, r, b.getF64Type(), elem);
      })
      .Case([&](SignOp) -> Value {
        Value zero = cst(b, loc, x, 0), one = cst(b, loc, x, 1);
        if (f) {
          Value neg = select(b, loc, FP::OLT, x, zero, cst(b, loc, x, -1), zero);
          // NaN stays NaN (numpy.sign).
          return select(b, loc, FP::OGT, x, zero, one,
                        select(b, loc, FP::UNO, x, x, x, neg));
        }
        if (isUnsigned)
          return sel(b, loc, cmpI(b, loc, IP::ne, x, zero), one, zero);
        Value neg = sel(b, loc, cmpI(b, loc, IP::slt, x, zero), cst(b, loc, x, -1), zero);
        return sel(b, loc, cmpI(b, loc, IP::sgt, x, zero), one, neg);
      })
      .Case([&](IsNaNOp) -> Value { return cmpF(b, loc, FP::UNO, x, x); })
      .Case([&](IsInfOp o) -> Value {
        // Only the comparisons the result uses: an unused one would be an unused variable
        // in the generated C++ (-Werror=unused-variable).
        if (!o.getDetectPositive() && !o.getDetectNegative())
          return b.create<arith::ConstantOp>(loc, b.getBoolAttr(false));
        Value inf = cst(b, loc, x, INFINITY);
        auto pos = [&] { return cmpF(b, loc, FP::OEQ, x, inf); };
        auto neg = [&] { return cmpF(b, loc, FP::OEQ, x, b.create<arith::NegFOp>(loc, inf)); };
        if (o.getDetectPositive() && o.getDetectNegative())
          return b.create<arith::OrIOp>(loc, pos(), neg());
        return o.getDetectPositive() ? pos() : neg();
      })
      .Case([&](NotOp) -> Value { return b.create<arith::XOrIOp>(loc, x, cst(b, loc, x, 1)); })
      .Case([&](BitwiseNotOp) -> Value {
        return b.create<arith::XOrIOp>(loc, x, cst(b, loc, x, -1));
      })
      .Case<AndOp, BitwiseAndOp>(
          [&](auto) -> Value { return b.create<arith::AndIOp>(loc, x, args[1]); })
      .Case<OrOp, BitwiseOrOp>(
          [&](auto) -> Value { return b.create<arith::OrIOp>(loc, x, args[1]); })
      .Case<XorOp, BitwiseXorOp>(
          [&](auto) -> Value { return b.create<arith::XOrIOp>(loc, x, args[1]); })
      .Case([&](BitShiftOp o) -> Value {
        return f ? nullptr : bitShift(b, loc, x, args[1], o.getLeft(), isUnsigned);
      })
      .Case([&](ModOp o) -> Value {
        if (!f)
          return integerMod(b, loc, x, args[1], isUnsigned, !o.getFmod());
        Value r = b.create<arith::RemFOp>(loc, x, args[1]);
        if (o.getFmod())
          return r;
        // numpy.mod: the remainder takes the divisor's sign; a zero remainder is a zero of
        // the divisor's sign.
        Value y = args[1], zero = cst(b, loc, x, 0);
        Value signsDiffer = b.create<arith::XOrIOp>(loc, cmpF(b, loc, FP::OLT, r, zero),
                                                    cmpF(b, loc, FP::OLT, y, zero));
        Value fix = b.create<arith::AndIOp>(loc, cmpF(b, loc, FP::UNE, r, zero), signsDiffer);
        r = sel(b, loc, fix, b.create<arith::AddFOp>(loc, r, y), r);
        return select(b, loc, FP::OEQ, r, zero, b.create<math::CopySignOp>(loc, zero, y), r);
      })
      .Case([&](EqualOp) { return compare(FP::OEQ, IP::eq, IP::eq); })
      .Case([&](LessOp) { return compare(FP::OLT, IP::slt, IP::ult); })
      .Case([&](LessOrEqualOp) { return compare(FP::OLE, IP::sle, IP::ule); })
      .Case([&](GreaterOp) { return compare(FP::OGT, IP::sgt, IP::ugt); })
      .Case([&](GreaterOrEqualOp) { return compare(FP::OGE, IP::sge, IP::uge); })
      .Case([&](PReluOp) -> Value {
        if (f)
          return select(b, loc, FP::OGT, x, cst(b, loc, x, 0), x,
                        b.create<arith::MulFOp>(loc, x, args[1]));
        Value positive = cmpI(b, loc, isUnsigned ? IP::ugt : IP::sgt, x, cst(b, loc, x, 0));
        return sel(b, loc, positive, x, b.create<arith::MulIOp>(loc, x, args[1]));
      })
      .Case([&](SwiGLUOp o) -> Value {
        Value swish =
            b.create<arith::MulFOp>(loc, x, sigmoid(b, loc, x, o.getAlpha().convertToDouble()));
        return b.create<arith::MulFOp>(loc, swish, args[1]);
      })
      .Case([&](WhereOp) -> Value { return sel(b, loc, x, args[1], args[2]); })
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
        return isUnsigned ? b.create<arith::DivUIOp>(loc, x, args[1]).getResult()
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
        return isUnsigned ? b.create<arith::MaxUIOp>(loc, x, args[1]).getResult()
                          : b.create<arith::MaxSIOp>(loc, x, args[1]).getResult();
      })
      .Case([&](MinOp) -> Value {
        if (f)
          return minF(b, loc, x, args[1]);
        return isUnsigned ? b.create<arith::MinUIOp>(loc, x, args[1]).getResult()
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
        return castScalar(b, loc, x, elem, o.getType().getElementType(), o.getSaturate(),
                          o.getRoundMode());
      })
      .Case([&](BitCastOp o) -> Value {
        return bitCastScalar(b, loc, x, elem, o.getType().getElementType());
      })
      .Default([](Operation *) -> Value { return nullptr; });
}

//===----------------------------------------------------------------------===//
// Quantization bodies
//===----------------------------------------------------------------------===//

/// Element types of a (de)quantization's operands: input, scale, zero point (or null).
struct QuantTypes {
  Type x, scale, zp, out;
};

/// The float type numpy computes `x / scale` in (its promotion of the two types).
Type quotientType(OpBuilder &b, QuantTypes t, std::optional<Type> precision) {
  if (precision)
    return *precision;
  if (!isFloat(t.x))
    return b.getF64Type(); // int32 / float promotes to float64
  if (t.x == t.scale)
    return t.x;
  unsigned w = std::max(t.x.getIntOrFloatBitWidth(), t.scale.getIntOrFloatBitWidth());
  return w > 32 ? b.getF64Type() : b.getF32Type();
}

/// QuantizeLinear of one element (onnx/reference/ops/op_quantize_linear.py).
Value quantizeScalar(OpBuilder &b, Location loc, QuantizeLinearOp op, QuantTypes t,
                     ValueRange args) {
  std::optional<Type> precision;
  if (auto p = op.getPrecision())
    precision = *p;
  // Divide in f32 (f64 for an f64 quotient), rounding to a 16-bit quotient type after.
  Type qt = quotientType(b, t, precision);
  Type wide = qt.isF64() ? qt : b.getF32Type();
  Value x = castScalar(b, loc, castScalar(b, loc, args[0], t.x, qt), qt, wide);
  Value s = castScalar(b, loc, castScalar(b, loc, args[1], t.scale, qt), qt, wide);
  Value q = b.create<arith::DivFOp>(loc, x, s);
  if (qt != wide)
    q = castScalar(b, loc, castScalar(b, loc, q, wide, qt), qt, wide);
  Type out = t.out;
  if (isFloat8(out))
    return castScalar(b, loc, q, wide, out, op.getSaturate()); // the zero point is ignored
  if (isa<Float4E2M1FNType>(out)) {
    if (t.zp)
      q = b.create<arith::AddFOp>(loc, q, castScalar(b, loc, args[2], t.zp, wide));
    return castScalar(b, loc, q, wide, out);
  }
  auto it = dyn_cast<IntegerType>(out);
  if (!it || it.getWidth() == 1)
    return nullptr;
  // round half to even, add the zero point, saturate to the integer range.
  unsigned w = it.getWidth();
  double lo = it.isUnsigned() ? 0 : -std::ldexp(1.0, w - 1);
  double hi = it.isUnsigned() ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  Value v = b.create<math::RoundEvenOp>(loc, q);
  if (t.zp)
    v = b.create<arith::AddFOp>(loc, v, castScalar(b, loc, args[2], t.zp, wide));
  v = select(b, loc, arith::CmpFPredicate::UNO, v, v, cst(b, loc, v, lo), v);
  v = minF(b, loc, maxF(b, loc, v, cst(b, loc, v, lo)), cst(b, loc, v, hi));
  Type scalarOut = scalarTypeOf(out);
  return it.isUnsigned() ? b.create<arith::FPToUIOp>(loc, scalarOut, v).getResult()
                         : b.create<arith::FPToSIOp>(loc, scalarOut, v).getResult();
}

/// DequantizeLinear of one element: (float32(x) - zero_point) * scale, in float64 for
/// int32 inputs (numpy's promotion), then converted to the result type.
Value dequantizeScalar(OpBuilder &b, Location loc, QuantTypes t, ValueRange args) {
  bool isInt32 = t.x.isInteger(32);
  Type f32 = b.getF32Type(), wide = isInt32 ? b.getF64Type() : f32;
  Value x = castScalar(b, loc, castScalar(b, loc, args[0], t.x, f32), f32, wide);
  // Float8 and FLOAT4E2M1 inputs have no zero point (it must be 0).
  if (t.zp && !isFloat(t.x) && !isStorageFloat(t.x))
    x = b.create<arith::SubFOp>(loc, x, castScalar(b, loc, args[2], t.zp, wide));
  Value s = castScalar(b, loc, args[1], t.scale, wide);
  return castScalar(b, loc, b.create<arith::MulFOp>(loc, x, s), wide, t.out);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Fails when `build` yields no body for these inputs (an element type the op does not
/// define), so that unsupported types are reported instead of miscompiled.
LogicalResult probeBody(ConversionPatternRewriter &rewriter, Location loc, ValueRange inputs,
                        const ScalarBodyBuilder &build) {
  Block probe;
  SmallVector<Value> args;
  for (Value v : inputs)
    args.push_back(
        probe.addArgument(scalarTypeOf(cast<MemRefType>(v.getType()).getElementType()), loc));
  OpBuilder pb(rewriter.getContext());
  pb.setInsertionPointToEnd(&probe);
  return success(build(pb, loc, args) != nullptr);
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
    Operation *graphOp = op;
    ScalarBodyBuilder body = [graphOp](OpBuilder &b, Location l, ValueRange args) {
      return scalar(b, l, graphOp, args);
    };
    if (failed(probeBody(rewriter, loc, inputs, body)))
      return rewriter.notifyMatchFailure(op, "element type not supported");
    Value out = createAlloc(rewriter, loc, resultType);
    createElementwise(rewriter, loc, inputs, out, body);
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// Views (or expands) a quantization parameter so that it broadcasts to `xShape`, and
/// returns the shape the elementwise kernel iterates over (x's, or x's with the blocked
/// axis split into blocks x block_size).
struct QuantLayout {
  SmallVector<int64_t> iterShape, paramShape;
};

QuantLayout getQuantLayout(ArrayRef<int64_t> xShape, ArrayRef<int64_t> paramShape, int64_t axis,
                           int64_t blockSize) {
  QuantLayout l;
  l.iterShape.assign(xShape.begin(), xShape.end());
  if (paramShape.empty() || (paramShape.size() == 1 && paramShape[0] == 1 && !blockSize)) {
    l.paramShape = {}; // per tensor
    return l;
  }
  if (!blockSize) {
    // Per axis: C x 1 x ... x 1 from `axis` on.
    l.paramShape.assign(xShape.size() - axis, 1);
    l.paramShape[0] = paramShape[0];
    return l;
  }
  // Blocked (block_size divides the axis): [.., blocks, block_size, ..] against
  // [.., blocks, 1, ..].
  l.iterShape.assign(xShape.begin(), xShape.begin() + axis);
  l.iterShape.push_back(xShape[axis] / blockSize);
  l.iterShape.push_back(blockSize);
  l.iterShape.append(xShape.begin() + axis + 1, xShape.end());
  l.paramShape.assign(paramShape.begin(), paramShape.begin() + axis + 1);
  l.paramShape.push_back(1);
  l.paramShape.append(paramShape.begin() + axis + 1, paramShape.end());
  return l;
}

/// QuantizeLinear and DequantizeLinear: one elementwise kernel over x with its scale and
/// zero point broadcast. A block size that does not divide its axis first expands the
/// parameters to x's shape (mc::repeat_blocks).
template <typename OpTy> struct QuantizationLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto elementOf = [](Value v) { return v ? getElementTypeOrSelf(v.getType()) : Type(); };
    QuantTypes types{elementOf(op.getInput()), elementOf(op.getScale()),
                     elementOf(op.getZeroPoint()), resultType.getElementType()};
    SmallVector<Value> params = {adaptor.getScale()};
    if (adaptor.getZeroPoint())
      params.push_back(adaptor.getZeroPoint());
    int64_t axis = op.getAxis(), blockSize = op.getBlockSize();
    ArrayRef<int64_t> xShape = xType.getShape();
    QuantLayout layout;
    if (blockSize && xShape[axis] % blockSize != 0) {
      // Expand each parameter along `axis`: out[o, d, i] = in[o, d / block_size, i].
      AxisSplit in = splitAtAxis(cast<MemRefType>(params[0].getType()).getShape(), axis);
      for (Value &p : params) {
        auto pt = cast<MemRefType>(p.getType());
        Value full = createAlloc(rewriter, loc, RankedTensorType::get(xShape, pt.getElementType()));
        createLibraryCall(rewriter, loc, "mc::repeat_blocks", p, full,
                          {in.outer, in.len, xShape[axis], in.inner, blockSize}, {},
                          xType.getNumElements(), 1);
        p = full;
      }
      layout.iterShape.assign(xShape.begin(), xShape.end());
      layout.paramShape = layout.iterShape;
    } else {
      layout = getQuantLayout(xShape, cast<MemRefType>(params[0].getType()).getShape(), axis,
                              blockSize);
    }
    SmallVector<Value> inputs = {createView(rewriter, loc, adaptor.getInput(), layout.iterShape)};
    for (Value p : params)
      inputs.push_back(createView(rewriter, loc, p, layout.paramShape));
    Operation *graphOp = op;
    ScalarBodyBuilder body = [graphOp, types](OpBuilder &b, Location l, ValueRange args) {
      if (auto q = dyn_cast<QuantizeLinearOp>(graphOp))
        return quantizeScalar(b, l, q, types, args);
      return dequantizeScalar(b, l, types, args);
    };
    if (failed(probeBody(rewriter, loc, inputs, body)))
      return rewriter.notifyMatchFailure(op, "element type not supported");
    Value out = createAlloc(rewriter, loc, resultType);
    createElementwise(rewriter, loc, inputs, createView(rewriter, loc, out, layout.iterShape),
                      body);
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// DynamicQuantizeLinear's scale and zero point: one task reduces the whole input
/// (mc::quantize_params).
struct QuantizeParamsLowering : OpConversionPattern<QuantizeParamsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QuantizeParamsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value scale = createAlloc(rewriter, loc, op.getScale().getType());
    Value zp = createAlloc(rewriter, loc, op.getZeroPoint().getType());
    int64_t n = cast<RankedTensorType>(op.getInput().getType()).getNumElements();
    createLibraryCall(rewriter, loc, "mc::quantize_params", adaptor.getInput(), {scale, zp}, {n},
                      {}, 1, n);
    rewriter.replaceOp(op, {scale, zp});
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
      ElementwiseLowering<TanOp>, ElementwiseLowering<AcosOp>, ElementwiseLowering<AsinOp>,
      ElementwiseLowering<AtanOp>, ElementwiseLowering<CoshOp>, ElementwiseLowering<SinhOp>,
      ElementwiseLowering<AcoshOp>, ElementwiseLowering<AsinhOp>, ElementwiseLowering<AtanhOp>,
      ElementwiseLowering<RoundOp>, ElementwiseLowering<SoftplusOp>,
      ElementwiseLowering<SoftsignOp>, ElementwiseLowering<MishOp>, ElementwiseLowering<GeluOp>,
      ElementwiseLowering<SwishOp>, ElementwiseLowering<ShrinkOp>, ElementwiseLowering<SignOp>,
      ElementwiseLowering<IsNaNOp>, ElementwiseLowering<IsInfOp>, ElementwiseLowering<NotOp>,
      ElementwiseLowering<BitwiseNotOp>, ElementwiseLowering<AndOp>, ElementwiseLowering<OrOp>,
      ElementwiseLowering<XorOp>, ElementwiseLowering<BitwiseAndOp>,
      ElementwiseLowering<BitwiseOrOp>, ElementwiseLowering<BitwiseXorOp>,
      ElementwiseLowering<BitShiftOp>, ElementwiseLowering<ModOp>, ElementwiseLowering<EqualOp>,
      ElementwiseLowering<LessOp>, ElementwiseLowering<LessOrEqualOp>,
      ElementwiseLowering<GreaterOp>, ElementwiseLowering<GreaterOrEqualOp>,
      ElementwiseLowering<PReluOp>, ElementwiseLowering<SwiGLUOp>, ElementwiseLowering<WhereOp>,
      ElementwiseLowering<LeakyReluOp>, ElementwiseLowering<EluOp>, ElementwiseLowering<CeluOp>,
      ElementwiseLowering<ThresholdedReluOp>, ElementwiseLowering<SeluOp>,
      ElementwiseLowering<AddOp>, ElementwiseLowering<SubOp>, ElementwiseLowering<MulOp>,
      ElementwiseLowering<DivOp>, ElementwiseLowering<PowOp>, ElementwiseLowering<MaxOp>,
      ElementwiseLowering<MinOp>, ElementwiseLowering<BatchNormOp>, ElementwiseLowering<CastOp>,
      ElementwiseLowering<BitCastOp>, QuantizationLowering<QuantizeLinearOp>,
      QuantizationLowering<DequantizeLinearOp>, QuantizeParamsLowering>(converter,
                                                                         patterns.getContext());
}
