// mc_kernels_common.h - runtime_min: element tags, loads/stores and math for mc_kernels*.h.
//
// Kernels are written once for every element type: `mc::ld<T>(x)` reads a stored element as
// its compute type `mc::ct<T>` (float for the 16-bit floats, the type itself otherwise) and
// `mc::sv<T>(v)` converts a compute value back to storage. The math wrappers pick the float
// or double C function, which host and device code both provide.
#pragma once

#include "mc_scalar.h"

#include <math.h>
#include <stdint.h>

namespace mc {

/// Element tags of the 16-bit float formats (storage: uint16_t bit patterns).
struct f16 {};
struct bf16 {};

template <typename T> struct elem {
  using storage = T;
  using compute = T;
  MC_HD static T load(T v) { return v; }
  MC_HD static T store(T v) { return v; }
};
template <> struct elem<f16> {
  using storage = uint16_t;
  using compute = float;
  MC_HD static float load(uint16_t v) { return mc_h2f(v); }
  MC_HD static uint16_t store(float v) { return mc_f2h(v); }
};
template <> struct elem<bf16> {
  using storage = uint16_t;
  using compute = float;
  MC_HD static float load(uint16_t v) { return mc_bf2f(v); }
  MC_HD static uint16_t store(float v) { return mc_f2bf(v); }
};

/// Element tags of the 8-bit float formats (storage: uint8_t bit patterns, compute: float).
struct f8e4m3fn {};
struct f8e4m3fnuz {};
struct f8e5m2 {};
struct f8e5m2fnuz {};
struct f4e2m1 {};
struct f8e8m0 {};
#define MC_BYTE_FLOAT(TAG, DECODE, ENCODE)                                                         \
  template <> struct elem<TAG> {                                                                   \
    using storage = uint8_t;                                                                       \
    using compute = float;                                                                         \
    MC_HD static float load(uint8_t v) { return DECODE(v); }                                       \
    MC_HD static uint8_t store(float v) { return ENCODE; }                                         \
  };
MC_BYTE_FLOAT(f8e4m3fn, mc_f8e4m3fn_to_f, mc_f_to_f8e4m3fn(v))
MC_BYTE_FLOAT(f8e4m3fnuz, mc_f8e4m3fnuz_to_f, mc_f_to_f8e4m3fnuz(v))
MC_BYTE_FLOAT(f8e5m2, mc_f8e5m2_to_f, mc_f_to_f8e5m2(v))
MC_BYTE_FLOAT(f8e5m2fnuz, mc_f8e5m2fnuz_to_f, mc_f_to_f8e5m2fnuz(v))
MC_BYTE_FLOAT(f4e2m1, mc_f4e2m1_to_f, mc_f_to_f4e2m1(v))
MC_BYTE_FLOAT(f8e8m0, mc_f8e8m0_to_f, mc_f_to_f8e8m0(v, true, 0))
#undef MC_BYTE_FLOAT

/// Element tags of the 4- and 2-bit integers: the low bits of a byte, computed
/// sign-extended (signed) or zero-extended (unsigned).
template <int Bits, bool Signed> struct narrow_int {};
template <bool Signed> struct byte_of { using type = int8_t; };
template <> struct byte_of<false> { using type = uint8_t; };
using i4 = narrow_int<4, true>;
using u4 = narrow_int<4, false>;
using i2 = narrow_int<2, true>;
using u2 = narrow_int<2, false>;
template <int Bits, bool Signed> struct elem<narrow_int<Bits, Signed>> {
  using storage = typename byte_of<Signed>::type;
  using compute = storage;
  MC_HD static storage load(storage v) {
    return Signed ? (storage)mc_sextn(v, Bits) : (storage)(v & ((1 << Bits) - 1));
  }
  MC_HD static storage store(storage v) { return (storage)(v & ((1 << Bits) - 1)); }
};

/// Storage and compute types of an element tag.
template <typename T> using st = typename elem<T>::storage;
template <typename T> using ct = typename elem<T>::compute;

template <typename T> MC_HD ct<T> ld(st<T> v) { return elem<T>::load(v); }
/// Converts any arithmetic value to the storage of T (through its compute type).
template <typename T, typename V> MC_HD st<T> sv(V v) {
  return elem<T>::store(static_cast<ct<T>>(v));
}

/// Whether T is a floating-point element type.
template <typename T> struct is_float { static constexpr bool value = false; };
template <> struct is_float<float> { static constexpr bool value = true; };
template <> struct is_float<double> { static constexpr bool value = true; };
template <> struct is_float<f16> { static constexpr bool value = true; };
template <> struct is_float<bf16> { static constexpr bool value = true; };
template <> struct is_float<f8e4m3fn> { static constexpr bool value = true; };
template <> struct is_float<f8e4m3fnuz> { static constexpr bool value = true; };
template <> struct is_float<f8e5m2> { static constexpr bool value = true; };
template <> struct is_float<f8e5m2fnuz> { static constexpr bool value = true; };
template <> struct is_float<f4e2m1> { static constexpr bool value = true; };
template <> struct is_float<f8e8m0> { static constexpr bool value = true; };

// Math on float and double.
MC_HD float exp_(float x) { return expf(x); }
MC_HD double exp_(double x) { return exp(x); }
MC_HD float log_(float x) { return logf(x); }
MC_HD double log_(double x) { return log(x); }
MC_HD float sqrt_(float x) { return sqrtf(x); }
MC_HD double sqrt_(double x) { return sqrt(x); }
MC_HD float tanh_(float x) { return tanhf(x); }
MC_HD double tanh_(double x) { return tanh(x); }
MC_HD float pow_(float x, float y) { return powf(x, y); }
MC_HD double pow_(double x, double y) { return pow(x, y); }
MC_HD float fabs_(float x) { return fabsf(x); }
MC_HD double fabs_(double x) { return fabs(x); }
MC_HD float floor_(float x) { return floorf(x); }
MC_HD double floor_(double x) { return floor(x); }
MC_HD float ceil_(float x) { return ceilf(x); }
MC_HD double ceil_(double x) { return ceil(x); }
MC_HD float nearbyint_(float x) { return nearbyintf(x); }
MC_HD double nearbyint_(double x) { return nearbyint(x); }

/// NaN-aware comparisons for sorting and arg-reductions.
template <typename V> MC_HD bool isnan_(V v) { return v != v; }

} // namespace mc
