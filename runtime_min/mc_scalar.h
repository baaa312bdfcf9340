// mc_scalar.h - runtime_min: scalar helpers shared by generated kernels and mc_kernels*.h.
//
// 16-bit floats and the other narrow formats (float8, FLOAT4E2M1, FLOAT8E8M0) are stored as
// bit patterns and computed in float; conversions round to nearest even. 4- and 2-bit
// integers are stored in the low bits of a byte. Everything is `MC_HD`: usable from host
// code and, under nvcc, from device code. The compiler includes this header too, so that its
// constant folding converts exactly as generated code does. Header-only, C++17, no
// dependencies beyond <math.h>, <stdint.h> and <string.h>.
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __CUDACC__
#define MC_HD __host__ __device__ inline
#else
#define MC_HD inline
#endif
MC_HD float mc_bits2f(uint32_t b) {
  float f;
  memcpy(&f, &b, 4);
  return f;
}
MC_HD uint32_t mc_f2bits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}
MC_HD float mc_h2f(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  if (exp == 0x1fu)
    return mc_bits2f(sign | 0x7f800000u | (mant << 13));
  if (exp == 0) {
    const float f = (float)mant * 5.9604644775390625e-08f;
    return sign ? -f : f;
  }
  return mc_bits2f(sign | ((exp + 112u) << 23) | (mant << 13));
}
MC_HD uint16_t mc_f2h(float f) {
  const uint32_t x = mc_f2bits(f), sign = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
  if (a > 0x7f800000u)
    return (uint16_t)(sign | 0x7e00u);
  if (a >= 0x477ff000u)
    return (uint16_t)(sign | 0x7c00u);
  if (a < 0x38800000u) {
    const int shift = 126 - (int)(a >> 23);
    if (shift > 24)
      return (uint16_t)sign;
    const uint32_t m = (a & 0x7fffffu) | 0x800000u, half = 1u << (shift - 1);
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1u);
    if (rem > half || (rem == half && (q & 1u)))
      ++q;
    return (uint16_t)(sign | q);
  }
  uint32_t h = (a >> 13) - (112u << 10);
  const uint32_t rem = a & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
    ++h;
  return (uint16_t)(sign | h);
}
MC_HD float mc_bf2f(uint16_t b) { return mc_bits2f((uint32_t)b << 16); }
MC_HD uint16_t mc_f2bf(float f) {
  const uint32_t x = mc_f2bits(f);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return (uint16_t)((x >> 16) | 0x40u);
  return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

// Sign extension of the low `bits` bits of v: 4- and 2-bit integers are stored as their low
// bits, one element per byte, and computed sign-extended (signless, as arith sees them).
MC_HD int8_t mc_sextn(int v, int bits) {
  const int m = 1 << (bits - 1);
  return (int8_t)(((v & ((1 << bits) - 1)) ^ m) - m);
}

/// Reinterprets the bits of v as To (same size).
template <typename To, typename From> MC_HD To mc_bitcast(From v) {
  static_assert(sizeof(To) == sizeof(From), "mc_bitcast needs types of one size");
  To t;
  memcpy(&t, &v, sizeof(To));
  return t;
}

// Float8 formats (ONNX FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ) as
// minifloats with E exponent bits, M mantissa bits and bias B. Kind 0 has IEEE infinities and
// NaNs (E5M2); kind 1 has no infinity and one NaN magnitude, all bits set (E4M3FN); kind 2
// has neither infinity nor negative zero, and 0x80 is NaN (the FNUZ types).
MC_HD float mc_minifloat_to_f(uint32_t code, int E, int M, int B, int kind) {
  const uint32_t sign = (code >> (E + M)) & 1u, emax = (1u << E) - 1u, mmax = (1u << M) - 1u;
  const uint32_t e = (code >> M) & emax, m = code & mmax;
  if ((kind == 2 && code == (1u << (E + M))) || (kind == 1 && e == emax && m == mmax) ||
      (kind == 0 && e == emax && m != 0))
    return mc_bits2f(0x7fc00000u);
  if (kind == 0 && e == emax)
    return mc_bits2f(sign ? 0xff800000u : 0x7f800000u);
  const float v = e ? ldexpf(1.0f + (float)m / (float)(1u << M), (int)e - B)
                    : ldexpf((float)m / (float)(1u << M), 1 - B);
  return sign ? -v : v;
}

/// Rounds x to nearest even on the format's grid; magnitudes beyond the largest finite value
/// become infinity (kind 0) or NaN (ONNX Cast with saturate=0; saturation clamps before).
MC_HD uint8_t mc_f_to_minifloat(double x, int E, int M, int B, int kind) {
  const uint32_t signBit = 1u << (E + M), emax = (1u << E) - 1u, mmax = (1u << M) - 1u;
  const uint32_t nan = kind == 2 ? signBit : (emax << M) | mmax;
  if (x != x)
    return (uint8_t)nan;
  const uint32_t sign = signbit(x) ? signBit : 0u;
  const uint32_t maxCode = kind == 0 ? ((emax - 1u) << M) | mmax
                                     : (kind == 1 ? (emax << M) | (mmax - 1u) : (emax << M) | mmax);
  const double largest = (double)mc_minifloat_to_f(maxCode, E, M, B, kind);
  const double a = fabs(x);
  int ex = 0;
  frexp(a, &ex); // a = f * 2^ex, f in [0.5, 1)
  const int e = ex - 1 < 1 - B ? 1 - B : ex - 1;
  const double quantum = ldexp(1.0, e - M);
  const double r = nearbyint(a / quantum) * quantum; // infinities stay infinite
  if (r > largest)
    return (uint8_t)(kind == 0 ? sign | (emax << M) : nan | sign);
  if (r == 0)
    return (uint8_t)(kind == 2 ? 0u : sign);
  int rex = 0;
  frexp(r, &rex);
  if (rex - 1 < 1 - B) // subnormal
    return (uint8_t)(sign | (uint32_t)(r / ldexp(1.0, 1 - B - M)));
  const uint32_t mant = (uint32_t)((r / ldexp(1.0, rex - 1) - 1.0) * (double)(1u << M));
  return (uint8_t)(sign | ((uint32_t)(rex - 1 + B) << M) | mant);
}

MC_HD float mc_f8e4m3fn_to_f(uint8_t b) { return mc_minifloat_to_f(b, 4, 3, 7, 1); }
MC_HD float mc_f8e4m3fnuz_to_f(uint8_t b) { return mc_minifloat_to_f(b, 4, 3, 8, 2); }
MC_HD float mc_f8e5m2_to_f(uint8_t b) { return mc_minifloat_to_f(b, 5, 2, 15, 0); }
MC_HD float mc_f8e5m2fnuz_to_f(uint8_t b) { return mc_minifloat_to_f(b, 5, 2, 16, 2); }
MC_HD uint8_t mc_f_to_f8e4m3fn(double x) { return mc_f_to_minifloat(x, 4, 3, 7, 1); }
MC_HD uint8_t mc_f_to_f8e4m3fnuz(double x) { return mc_f_to_minifloat(x, 4, 3, 8, 2); }
MC_HD uint8_t mc_f_to_f8e5m2(double x) { return mc_f_to_minifloat(x, 5, 2, 15, 0); }
MC_HD uint8_t mc_f_to_f8e5m2fnuz(double x) { return mc_f_to_minifloat(x, 5, 2, 16, 2); }

// FLOAT4E2M1: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and negatives; no infinity or NaN, so conversions
// saturate (and NaN becomes a zero, as ml_dtypes, the ONNX reference's type library, does).
MC_HD float mc_f4e2m1_to_f(uint8_t b) {
  const float v = mc_minifloat_to_f(b & 0x7u, 2, 1, 1, 3);
  return (b & 0x8u) ? -v : v;
}
MC_HD uint8_t mc_f_to_f4e2m1(double x) {
  if (x != x)
    return 0x8u;
  const uint8_t sign = signbit(x) ? 0x8u : 0u;
  const double a = fabs(x);
  if (a > 6.0)
    return (uint8_t)(sign | 0x7u);
  return (uint8_t)(sign | mc_f_to_minifloat(a, 2, 1, 1, 3));
}

// FLOAT8E8M0: code e is 2^(e - 127), 0xFF is NaN; no sign or zero. Conversions take the float32
// exponent and round it up when the mantissa is nonzero (mode 0, "up"), never (1, "down") or
// to nearest (2), as onnx.numpy_helper.to_float8e8m0 does; saturation keeps 0xFE from
// rounding up into NaN.
MC_HD float mc_f8e8m0_to_f(uint8_t b) {
  if (b == 0xFFu)
    return mc_bits2f(0x7fc00000u);
  return mc_bits2f(b ? (uint32_t)b << 23 : 0x00400000u);
}
MC_HD uint8_t mc_f_to_f8e8m0(float x, bool saturate, int mode) {
  const uint32_t bits = mc_f2bits(x), e = (bits >> 23) & 0xFFu;
  if (e == 0xFFu)
    return 0xFFu;
  bool up = false;
  if (mode == 2)
    up = (bits & 0x400000u) && ((bits & 0x200000u) || (bits & 0x1FFFFFu) || e > 0);
  else if (mode == 0)
    up = (bits & 0x7FFFFFu) != 0;
  if (saturate && e == 0xFEu)
    up = false;
  return (uint8_t)(e + (up ? 1u : 0u));
}
