// mc_kernels_nn.h - runtime_min: library kernels for convolution and pooling variants, resizing,
// sampling and signal processing.
//
// See mc_kernels.h for the calling convention shared by every kernel. Windowed kernels see
// exactly three spatial axes: the compiler pads fewer with leading extent-1 axes (kernel 1,
// stride 1, pad 0, dilation 1), so one instantiation shape serves 1-d, 2-d and 3-d ops.
// Optional inputs are passed as a one-element placeholder buffer with a Has* parameter of 0.
// Semantics follow the ONNX operator specification (and its reference implementation where
// the specification leaves details open).
#pragma once

#include "mc_kernels_common.h"

namespace mc {

namespace nn {

/// Stores a double into element type T: integers round half to even and saturate (the ONNX
/// reference's saturate_cast), floats convert.
template <typename T> MC_HD st<T> store_rounded(double v) {
  if constexpr (is_float<T>::value) {
    return sv<T>(v);
  } else {
    constexpr bool isSigned = (T)-1 < (T)0;
    constexpr int bits = (int)sizeof(T) * 8;
    const double lo = isSigned ? -ldexp(1.0, bits - 1) : 0.0;
    const double hi = isSigned ? ldexp(1.0, bits - 1) - 1.0 : ldexp(1.0, bits) - 1.0;
    const T max = isSigned ? (T)((((uint64_t)1) << (bits - 1)) - 1) : (T) ~(T)0;
    v = nearbyint(v);
    return v <= lo ? (st<T>)lo : v >= hi ? (st<T>)max : (st<T>)v;
  }
}

/// |v|^p for the Lp pools, exact for the common integer p.
template <typename V> MC_HD V abs_pow(V v, V p) {
  const V a = v < 0 ? -v : v;
  if (p == (V)1)
    return a;
  if (p == (V)2)
    return a * a;
  return pow_(a, p);
}

/// sin and cos of 2 pi num / den with the phase reduced to [0, den) first (exact periodicity).
MC_HD void twiddle(int64_t num, int64_t den, double &c, double &s) {
  const double kTwoPi = 6.283185307179586476925286766559;
  int64_t r = num % den;
  if (r < 0)
    r += den;
  // Quarter turns are exact (cos(pi) = -1, sin(pi) = 0), so symmetric spectra stay symmetric.
  if ((4 * r) % den == 0) {
    const int64_t q = 4 * r / den;
    c = q == 0 ? 1.0 : q == 2 ? -1.0 : 0.0;
    s = q == 1 ? 1.0 : q == 3 ? -1.0 : 0.0;
    return;
  }
  const double a = kTwoPi * (double)r / (double)den;
  c = cos(a);
  s = sin(a);
}

/// Calls tap(i0, i1, i2, k0, k1, k2) for every tap k of the window of output (o0, o1, o2)
/// that lies inside the I0 x I1 x I2 input (i = o * S - P + k * D), in window order.
template <int64_t I0, int64_t I1, int64_t I2, int64_t K0, int64_t K1, int64_t K2, int64_t S0,
          int64_t S1, int64_t S2, int64_t P0, int64_t P1, int64_t P2, int64_t D0, int64_t D1,
          int64_t D2, typename Tap>
MC_HD void for_each_window_tap(int64_t o0, int64_t o1, int64_t o2, Tap &&tap) {
  for (int64_t k0 = 0; k0 < K0; ++k0) {
    const int64_t i0 = o0 * S0 - P0 + k0 * D0;
    if (i0 < 0 || i0 >= I0)
      continue;
    for (int64_t k1 = 0; k1 < K1; ++k1) {
      const int64_t i1 = o1 * S1 - P1 + k1 * D1;
      if (i1 < 0 || i1 >= I1)
        continue;
      for (int64_t k2 = 0; k2 < K2; ++k2) {
        const int64_t i2 = o2 * S2 - P2 + k2 * D2;
        if (i2 < 0 || i2 >= I2)
          continue;
        tap(i0, i1, i2, k0, k1, k2);
      }
    }
  }
}

/// The transpose of for_each_window_tap: calls tap(i0, i1, i2, k0, k1, k2) for every input
/// position i of the B0 x B1 x B2 grid and tap k whose window lands on m
/// (i * S - P + k * D = m), in tap order.
template <int64_t B0, int64_t B1, int64_t B2, int64_t K0, int64_t K1, int64_t K2, int64_t S0,
          int64_t S1, int64_t S2, int64_t P0, int64_t P1, int64_t P2, int64_t D0, int64_t D1,
          int64_t D2, typename Tap>
MC_HD void for_each_source_tap(int64_t m0, int64_t m1, int64_t m2, Tap &&tap) {
  for (int64_t k0 = 0; k0 < K0; ++k0) {
    const int64_t a0 = m0 + P0 - k0 * D0;
    if (a0 < 0 || a0 % S0 != 0 || a0 / S0 >= B0)
      continue;
    for (int64_t k1 = 0; k1 < K1; ++k1) {
      const int64_t a1 = m1 + P1 - k1 * D1;
      if (a1 < 0 || a1 % S1 != 0 || a1 / S1 >= B1)
        continue;
      for (int64_t k2 = 0; k2 < K2; ++k2) {
        const int64_t a2 = m2 + P2 - k2 * D2;
        if (a2 < 0 || a2 % S2 != 0 || a2 / S2 >= B2)
          continue;
        tap(a0 / S0, a1 / S1, a2 / S2, k0, k1, k2);
      }
    }
  }
}

} // namespace nn

//===----------------------------------------------------------------------===//
// Convolution variants
//===----------------------------------------------------------------------===//

/// ConvTranspose as a gather: task = one output element of N x M x O0 x O1 x O2. Output
/// position o receives x[i] * w[k] for every i, k with i * S - P + k * D = o.
/// Weight layout C x M/G x K0 x K1 x K2.
template <typename TX, typename TW, typename TB, typename TY, int64_t N, int64_t C, int64_t M,
          int64_t G, int64_t I0, int64_t I1, int64_t I2, int64_t O0, int64_t O1, int64_t O2,
          int64_t K0, int64_t K1, int64_t K2, int64_t S0, int64_t S1, int64_t S2, int64_t P0,
          int64_t P1, int64_t P2, int64_t D0, int64_t D1, int64_t D2, int64_t HasBias>
MC_HD bool conv_transpose(const st<TX> *x, const st<TW> *w, const st<TB> *bias, st<TY> *y,
                          int64_t task) {
  const int64_t o2 = task % O2, o1 = (task / O2) % O1, o0 = (task / (O2 * O1)) % O0;
  const int64_t m = (task / (O2 * O1 * O0)) % M, n = task / (O2 * O1 * O0 * M);
  constexpr int64_t Mg = M / G, Cg = C / G;
  const int64_t g = m / Mg, mg = m % Mg;
  ct<TY> acc = HasBias ? (ct<TY>)ld<TB>(bias[m]) : (ct<TY>)0;
  nn::for_each_source_tap<I0, I1, I2, K0, K1, K2, S0, S1, S2, P0, P1, P2, D0, D1, D2>(
      o0, o1, o2, [&](int64_t i0, int64_t i1, int64_t i2, int64_t k0, int64_t k1, int64_t k2) {
        const int64_t in = (i0 * I1 + i1) * I2 + i2;
        const int64_t tap = (k0 * K1 + k1) * K2 + k2;
        for (int64_t c = 0; c < Cg; ++c) {
          const int64_t ch = g * Cg + c;
          acc += (ct<TY>)ld<TX>(x[(n * C + ch) * (I0 * I1 * I2) + in]) *
                 (ct<TY>)ld<TW>(w[(ch * Mg + mg) * (K0 * K1 * K2) + tap]);
        }
      });
  y[task] = sv<TY>(acc);
  return true;
}

/// Bilinear sample of an H x W plane at (yy, xx), zero outside (GridSample with
/// align_corners=1 and zeros padding, as DeformConv specifies).
template <typename T, int64_t H, int64_t W>
MC_HD ct<T> bilinear_zero(const st<T> *plane, ct<T> yy, ct<T> xx) {
  const ct<T> fy = floor_(yy), fx = floor_(xx);
  const int64_t y0 = (int64_t)fy, x0 = (int64_t)fx;
  const ct<T> ly = yy - fy, lx = xx - fx;
  ct<T> v = 0;
  for (int64_t dy = 0; dy < 2; ++dy)
    for (int64_t dx = 0; dx < 2; ++dx) {
      const int64_t py = y0 + dy, px = x0 + dx;
      if (py < 0 || py >= H || px < 0 || px >= W)
        continue;
      const ct<T> wgt = (dy ? ly : (ct<T>)1 - ly) * (dx ? lx : (ct<T>)1 - lx);
      v += wgt * ld<T>(plane[py * W + px]);
    }
  return v;
}

/// DeformConv 2-d: task = one output element of N x OC x OH x OW. Offsets are
/// N x (OG * KH * KW * 2) x OH x OW ((dy, dx) per tap), the mask N x (OG * KH * KW) x OH x OW.
template <typename TX, typename TW, typename TO, typename TB, typename TM, typename TY, int64_t N,
          int64_t IC, int64_t IH, int64_t IW, int64_t OC, int64_t OH, int64_t OW, int64_t KH,
          int64_t KW, int64_t SH, int64_t SW, int64_t PH, int64_t PW, int64_t DH, int64_t DW,
          int64_t G, int64_t OG, int64_t HasBias, int64_t HasMask>
MC_HD bool deform_conv(const st<TX> *x, const st<TW> *w, const st<TO> *offset, const st<TB> *bias,
                       const st<TM> *mask, st<TY> *y, int64_t task) {
  const int64_t ow = task % OW, oh = (task / OW) % OH, oc = (task / (OW * OH)) % OC;
  const int64_t n = task / (OW * OH * OC);
  constexpr int64_t ICg = IC / G, OCg = OC / G, ICo = IC / OG, Taps = KH * KW;
  const int64_t g = oc / OCg;
  ct<TY> acc = HasBias ? (ct<TY>)ld<TB>(bias[oc]) : (ct<TY>)0;
  for (int64_t icl = 0; icl < ICg; ++icl) {
    const int64_t ic = g * ICg + icl, og = ic / ICo;
    const st<TX> *plane = x + (n * IC + ic) * IH * IW;
    for (int64_t kh = 0; kh < KH; ++kh)
      for (int64_t kw = 0; kw < KW; ++kw) {
        const int64_t tap = kh * KW + kw;
        const int64_t offCh = (og * Taps + tap) * 2;
        const int64_t at = oh * OW + ow;
        const ct<TX> dy = (ct<TX>)ld<TO>(offset[((n * OG * Taps * 2) + offCh) * OH * OW + at]);
        const ct<TX> dx = (ct<TX>)ld<TO>(offset[((n * OG * Taps * 2) + offCh + 1) * OH * OW + at]);
        const ct<TX> yy = (ct<TX>)(oh * SH - PH + kh * DH) + dy;
        const ct<TX> xx = (ct<TX>)(ow * SW - PW + kw * DW) + dx;
        ct<TY> v = (ct<TY>)bilinear_zero<TX, IH, IW>(plane, yy, xx);
        if (HasMask)
          v *= (ct<TY>)ld<TM>(mask[((n * OG * Taps) + og * Taps + tap) * OH * OW + at]);
        acc += v * (ct<TY>)ld<TW>(w[(oc * ICg + icl) * Taps + tap]);
      }
  }
  y[task] = sv<TY>(acc);
  return true;
}

/// CausalConvWithState over B x C x L with kernel K: tasks [0, B*C*L) write `output`,
/// [B*C*L, B*C*(L+K-1)) write `present_state`. The padded sequence is past_state (or zeros)
/// followed by the input. With Silu the rounded convolution result v becomes v * sigmoid(v).
template <typename TX, typename TW, typename TB, typename TP, typename TY, typename TS, int64_t B,
          int64_t C, int64_t L, int64_t K, int64_t HasBias, int64_t HasPast, int64_t Silu>
MC_HD bool causal_conv_with_state(const st<TX> *x, const st<TW> *w, const st<TB> *bias,
                                  const st<TP> *past, st<TY> *y, st<TS> *state, int64_t task) {
  // Element t of the padded sequence of line bc (t < K - 1: the state, else the input).
  auto padded = [&](int64_t bc, int64_t t) -> ct<TX> {
    if (t < K - 1)
      return HasPast ? (ct<TX>)ld<TP>(past[bc * (K - 1) + t]) : (ct<TX>)0;
    return ld<TX>(x[bc * L + t - (K - 1)]);
  };
  if (task < B * C * L) {
    const int64_t t = task % L, bc = task / L, c = bc % C;
    float acc = HasBias ? (float)ld<TB>(bias[c]) : 0.0f;
    for (int64_t j = 0; j < K; ++j)
      acc += (float)ld<TW>(w[c * K + j]) * (float)padded(bc, t + j);
    float v = (float)ld<TY>(sv<TY>(acc));
    if (Silu)
      v = v * (1.0f / (1.0f + expf(-v)));
    y[task] = sv<TY>(v);
  } else if (K > 1) {
    const int64_t s = task - B * C * L, j = s % (K - 1), bc = s / (K - 1);
    state[s] = sv<TS>(padded(bc, L + j));
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Pooling variants
//===----------------------------------------------------------------------===//

/// LpPool: task = one output element of N*C x O0 x O1 x O2; (sum |x|^p)^(1/p) over the
/// window positions inside the input (padding contributes zeros).
template <typename TX, typename TY, int64_t NC, int64_t I0, int64_t I1, int64_t I2, int64_t O0,
          int64_t O1, int64_t O2, int64_t K0, int64_t K1, int64_t K2, int64_t S0, int64_t S1,
          int64_t S2, int64_t P0, int64_t P1, int64_t P2, int64_t D0, int64_t D1, int64_t D2>
MC_HD bool lp_pool(const st<TX> *x, st<TY> *y, double p, int64_t task) {
  const int64_t o2 = task % O2, o1 = (task / O2) % O1, o0 = (task / (O2 * O1)) % O0;
  const int64_t nc = task / (O2 * O1 * O0);
  const st<TX> *plane = x + nc * I0 * I1 * I2;
  using V = ct<TX>;
  const V pv = (V)p;
  V acc = 0;
  nn::for_each_window_tap<I0, I1, I2, K0, K1, K2, S0, S1, S2, P0, P1, P2, D0, D1, D2>(
      o0, o1, o2, [&](int64_t i0, int64_t i1, int64_t i2, int64_t, int64_t, int64_t) {
        acc += nn::abs_pow(ld<TX>(plane[(i0 * I1 + i1) * I2 + i2]), pv);
      });
  y[task] = sv<TY>(pow_(acc, (V)1 / pv));
  return true;
}

/// MaxPool with Indices: task = one output element of N*C x O0 x O1 x O2. The index is
/// flat over N x C x spatial, spatial axes row-major (ColMajor = 0) or column-major
/// (ColMajor = 1, ONNX storage_order = 1). The first maximum in window order wins; NaN
/// propagates.
template <typename TX, typename TY, typename TI, int64_t NC, int64_t I0, int64_t I1, int64_t I2,
          int64_t O0, int64_t O1, int64_t O2, int64_t K0, int64_t K1, int64_t K2, int64_t S0,
          int64_t S1, int64_t S2, int64_t P0, int64_t P1, int64_t P2, int64_t D0, int64_t D1,
          int64_t D2, int64_t ColMajor>
MC_HD bool max_pool_with_indices(const st<TX> *x, st<TY> *y, st<TI> *indices, int64_t task) {
  const int64_t o2 = task % O2, o1 = (task / O2) % O1, o0 = (task / (O2 * O1)) % O0;
  const int64_t nc = task / (O2 * O1 * O0);
  const st<TX> *plane = x + nc * I0 * I1 * I2;
  bool found = false;
  ct<TX> best = 0;
  int64_t at = 0;
  nn::for_each_window_tap<I0, I1, I2, K0, K1, K2, S0, S1, S2, P0, P1, P2, D0, D1, D2>(
      o0, o1, o2, [&](int64_t i0, int64_t i1, int64_t i2, int64_t, int64_t, int64_t) {
        const ct<TX> v = ld<TX>(plane[(i0 * I1 + i1) * I2 + i2]);
        if (!found || v > best || (isnan_(v) && !isnan_(best))) {
          found = true;
          best = v;
          at = ColMajor ? (i2 * I1 + i1) * I0 + i0 : (i0 * I1 + i1) * I2 + i2;
        }
      });
  y[task] = sv<TY>(best);
  indices[task] = sv<TI>(nc * I0 * I1 * I2 + at);
  return true;
}

/// Fills a buffer with zeros (one element per task): the first step of MaxUnpool.
template <typename TY> MC_HD bool zero_fill(st<TY> *y, int64_t task) {
  y[task] = sv<TY>(0);
  return true;
}

/// MaxUnpool's scatter (after zero_fill): task = one input element; its index addresses the
/// flat N x C x U0 x U1 x U2 unpooled tensor, placed at the origin of the R0 x R1 x R2
/// spatial output. An index out of range is invalid data.
template <typename TX, typename TI, typename TY, int64_t NC, int64_t U0, int64_t U1, int64_t U2,
          int64_t R0, int64_t R1, int64_t R2>
MC_HD bool max_unpool(const st<TX> *x, const st<TI> *indices, st<TY> *y, int64_t task) {
  const int64_t i = (int64_t)ld<TI>(indices[task]);
  if (i < 0 || i >= NC * U0 * U1 * U2)
    return false;
  const int64_t u2 = i % U2, u1 = (i / U2) % U1, u0 = (i / (U2 * U1)) % U0;
  const int64_t nc = i / (U2 * U1 * U0);
  y[((nc * R0 + u0) * R1 + u1) * R2 + u2] = sv<TY>(ld<TX>(x[task]));
  return true;
}

/// Col2Im as a gather: task = one output element of N x C x M0 x M1 x M2 (image). Input is
/// N x (C * K0 * K1 * K2) x (B0 * B1 * B2) (block positions).
template <typename TX, typename TY, int64_t N, int64_t C, int64_t M0, int64_t M1, int64_t M2,
          int64_t K0, int64_t K1, int64_t K2, int64_t B0, int64_t B1, int64_t B2, int64_t S0,
          int64_t S1, int64_t S2, int64_t P0, int64_t P1, int64_t P2, int64_t D0, int64_t D1,
          int64_t D2>
MC_HD bool col2im(const st<TX> *x, st<TY> *y, int64_t task) {
  const int64_t m2 = task % M2, m1 = (task / M2) % M1, m0 = (task / (M2 * M1)) % M0;
  const int64_t c = (task / (M2 * M1 * M0)) % C, n = task / (M2 * M1 * M0 * C);
  ct<TY> acc = 0;
  nn::for_each_source_tap<B0, B1, B2, K0, K1, K2, S0, S1, S2, P0, P1, P2, D0, D1, D2>(
      m0, m1, m2, [&](int64_t i0, int64_t i1, int64_t i2, int64_t k0, int64_t k1, int64_t k2) {
        const int64_t row = c * K0 * K1 * K2 + (k0 * K1 + k1) * K2 + k2;
        const int64_t col = (i0 * B1 + i1) * B2 + i2;
        acc += (ct<TY>)ld<TX>(x[(n * C * K0 * K1 * K2 + row) * B0 * B1 * B2 + col]);
      });
  y[task] = sv<TY>(acc);
  return true;
}

//===----------------------------------------------------------------------===//
// Resizing and sampling
//===----------------------------------------------------------------------===//

/// Resize as a separable weighted gather over six axes (fewer are padded with leading
/// extent-1 identity axes). Axis d with Td > 0 taps reads, for output coordinate o, input
/// indices idx[Fd + o * Td + t] with weights w[Fd + o * Td + t] (tables computed by the
/// compiler); Td = 0 is the identity. An index of -1 marks a tf_crop_and_resize
/// extrapolation: the output element is `extrapolation`.
template <typename TX, typename TI, typename TW, typename TY, int64_t I0, int64_t I1, int64_t I2,
          int64_t I3, int64_t I4, int64_t I5, int64_t O0, int64_t O1, int64_t O2, int64_t O3,
          int64_t O4, int64_t O5, int64_t T0, int64_t T1, int64_t T2, int64_t T3, int64_t T4,
          int64_t T5, int64_t F0, int64_t F1, int64_t F2, int64_t F3, int64_t F4, int64_t F5>
MC_HD bool resize(const st<TX> *x, const int64_t *idx, const double *w, st<TY> *y,
                  double extrapolation, int64_t task) {
  const int64_t in[6] = {I0, I1, I2, I3, I4, I5};
  const int64_t out[6] = {O0, O1, O2, O3, O4, O5};
  const int64_t taps[6] = {T0, T1, T2, T3, T4, T5};
  const int64_t first[6] = {F0, F1, F2, F3, F4, F5};
  int64_t o[6], base[6], stride[6];
  int64_t rest = task, total = 1, s = 1;
  for (int d = 5; d >= 0; --d) {
    o[d] = rest % out[d];
    rest /= out[d];
    stride[d] = s;
    s *= in[d];
    base[d] = first[d] + o[d] * taps[d];
    if (taps[d] > 0) {
      if (idx[base[d]] < 0) {
        y[task] = nn::store_rounded<TY>(extrapolation);
        return true;
      }
      total *= taps[d];
    }
  }
  double acc = 0;
  for (int64_t c = 0; c < total; ++c) {
    int64_t r = c, at = 0;
    double wgt = 1;
    for (int d = 5; d >= 0; --d) {
      if (taps[d] == 0) {
        at += o[d] * stride[d];
        continue;
      }
      const int64_t t = r % taps[d];
      r /= taps[d];
      at += idx[base[d] + t] * stride[d];
      wgt *= w[base[d] + t];
    }
    if (wgt != 0)
      acc += wgt * (double)ld<TX>(x[at]);
  }
  y[task] = nn::store_rounded<TY>(acc);
  return true;
}

namespace nn {

/// GridSample's reflection of x into [lo, hi] (floating-point borders).
template <typename V> MC_HD V gs_reflect(V x, V lo, V hi) {
  const V range = hi - lo;
  if (x < lo) {
    const V dx = lo - x;
    const int64_t k = (int64_t)(dx / range);
    const V r = dx - (V)k * range;
    return k % 2 == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const V dx = x - hi;
    const int64_t k = (int64_t)(dx / range);
    const V r = dx - (V)k * range;
    return k % 2 == 0 ? hi - r : lo + r;
  }
  return x;
}

/// Keys cubic convolution weights (A = -0.75) of the four taps around a fraction t.
template <typename V> MC_HD void cubic_weights(V t, V *c) {
  const V a = (V)-0.75;
  const V x0 = t + 1, x1 = t, x2 = 1 - t, x3 = 2 - t;
  c[0] = ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a;
  c[1] = ((a + 2) * x1 - (a + 3)) * x1 * x1 + 1;
  c[2] = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1;
  c[3] = ((a * x3 - 5 * a) * x3 + 8 * a) * x3 - 4 * a;
}

} // namespace nn

/// GridSample over Dims (1..3) spatial axes E0..E2 (the leading ones used): task = one output
/// element of N x C x G (G grid points). Mode 0 nearest, 1 linear, 2 cubic; Padding 0 zeros,
/// 1 border, 2 reflection. Coordinates are computed in the compute type, as the reference.
template <typename TX, typename TG, typename TY, int64_t N, int64_t C, int64_t G, int64_t Dims,
          int64_t E0, int64_t E1, int64_t E2, int64_t Mode, int64_t Padding, int64_t Align>
MC_HD bool grid_sample(const st<TX> *x, const st<TG> *grid, st<TY> *y, int64_t task) {
  using V = ct<TX>;
  const int64_t ext[3] = {E0, E1, E2};
  const int64_t g = task % G, c = (task / G) % C, n = task / (G * C);
  constexpr int64_t Plane = E0 * (Dims > 1 ? E1 : 1) * (Dims > 2 ? E2 : 1);
  const st<TX> *plane = x + (n * C + c) * Plane;
  V pos[3], lo[3], hi[3];
  for (int64_t d = 0; d < Dims; ++d) {
    // The grid holds the coordinates innermost axis first (x, y, z).
    const V v = (V)ld<TG>(grid[(n * G + g) * Dims + (Dims - 1 - d)]);
    const V len = (V)ext[d];
    V p = Align ? (v + 1) / 2 * (len - 1) : ((v + 1) * len - 1) / 2;
    if (Mode == 0)
      p = nearbyint_(p);
    lo[d] = Align ? (V)0 : (V)-0.5;
    hi[d] = Align ? len - 1 : len - (V)0.5;
    if (p < lo[d] || p > hi[d]) {
      if (Padding == 1)
        p = p < 0 ? (V)0 : p > len - 1 ? len - 1 : p;
      else if (Padding == 2)
        p = nn::gs_reflect(p, lo[d], hi[d]);
    }
    pos[d] = p;
  }
  // Value of the input at integer coordinates under the padding mode.
  auto pixel = [&](const int64_t *at) -> V {
    int64_t flat = 0;
    for (int64_t d = 0; d < Dims; ++d) {
      int64_t i = at[d];
      if (i < 0 || i >= ext[d]) {
        if (Padding == 0)
          return 0;
        if (Padding == 1)
          i = i < 0 ? 0 : ext[d] - 1;
        else
          i = (int64_t)nn::gs_reflect((V)i, lo[d], hi[d]);
        i = i < 0 ? 0 : i >= ext[d] ? ext[d] - 1 : i;
      }
      flat = flat * ext[d] + i;
    }
    return ld<TX>(plane[flat]);
  };
  V result = 0;
  if (Mode == 0) {
    int64_t at[3];
    for (int64_t d = 0; d < Dims; ++d)
      at[d] = (int64_t)pos[d];
    result = pixel(at);
  } else {
    constexpr int64_t Taps = Mode == 1 ? 2 : 4;
    int64_t first[3];
    V wgt[3][4];
    for (int64_t d = 0; d < Dims; ++d) {
      const V f = floor_(pos[d]);
      const V t = pos[d] - f;
      first[d] = (int64_t)f - (Mode == 1 ? 0 : 1);
      if (Mode == 1) {
        wgt[d][0] = 1 - t;
        wgt[d][1] = t;
      } else {
        nn::cubic_weights(t, wgt[d]);
      }
    }
    int64_t total = 1;
    for (int64_t d = 0; d < Dims; ++d)
      total *= Taps;
    for (int64_t k = 0; k < total; ++k) {
      int64_t at[3], r = k;
      V w = 1;
      for (int64_t d = Dims - 1; d >= 0; --d) {
        const int64_t t = r % Taps;
        r /= Taps;
        at[d] = first[d] + t;
        w *= wgt[d][t];
      }
      result += w * pixel(at);
    }
  }
  y[task] = sv<TY>(result);
  return true;
}

/// AffineGrid: task = one output element of N x S0 x S1 x S2 x Dims (S0 = 1 for 2-d);
/// theta is N x Dims x (Dims + 1). The base grid spans [-1, 1] at pixel centres
/// (align_corners = 0) or corners (1); component 0 is the innermost axis (x).
template <typename TT, typename TY, int64_t N, int64_t Dims, int64_t S0, int64_t S1, int64_t S2,
          int64_t Align>
MC_HD bool affine_grid(const st<TT> *theta, st<TY> *y, int64_t task) {
  const int64_t k = task % Dims, p = task / Dims;
  const int64_t i2 = p % S2, i1 = (p / S2) % S1, i0 = (p / (S2 * S1)) % S0, n = p / (S2 * S1 * S0);
  auto base = [&](int64_t i, int64_t len) -> double {
    if (Align)
      return len > 1 ? -1.0 + (double)i * (2.0 / (double)(len - 1)) : -1.0;
    const double step = 2.0 / (double)len;
    return -1.0 + step / 2 + (double)i * step;
  };
  // Homogeneous base coordinates, innermost axis first.
  const double h[4] = {base(i2, S2), base(i1, S1), Dims == 3 ? base(i0, S0) : 1.0, 1.0};
  double acc = 0;
  for (int64_t j = 0; j <= Dims; ++j)
    acc += (double)ld<TT>(theta[(n * Dims + k) * (Dims + 1) + j]) * h[j];
  y[task] = sv<TY>(acc);
  return true;
}

/// RoiAlign: task = one output element of R x C x PH x PW. Each bin averages (Max = 0) or
/// maxes (Max = 1, over the largest weighted corner of each sample) a grid of bilinear
/// samples; Ratio = 0 picks ceil(roi extent / bins) samples per bin. Arithmetic in the
/// compute type, as the reference.
template <typename TX, typename TR, typename TI, typename TY, int64_t R, int64_t N, int64_t C,
          int64_t H, int64_t W, int64_t PH, int64_t PW, int64_t Ratio, int64_t Max,
          int64_t HalfPixel>
MC_HD bool roi_align(const st<TX> *x, const st<TR> *rois, const st<TI> *batch, st<TY> *y,
                     double spatialScale, int64_t task) {
  using V = ct<TX>;
  const int64_t pw = task % PW, ph = (task / PW) % PH, c = (task / (PW * PH)) % C;
  const int64_t r = task / (PW * PH * C);
  const int64_t b = (int64_t)ld<TI>(batch[r]);
  if (b < 0 || b >= N)
    return false;
  const V scale = (V)spatialScale, shift = HalfPixel ? (V)0.5 : (V)0;
  const V x1 = (V)ld<TR>(rois[r * 4 + 0]) * scale - shift;
  const V y1 = (V)ld<TR>(rois[r * 4 + 1]) * scale - shift;
  const V x2 = (V)ld<TR>(rois[r * 4 + 2]) * scale - shift;
  const V y2 = (V)ld<TR>(rois[r * 4 + 3]) * scale - shift;
  V roiW = x2 - x1, roiH = y2 - y1;
  if (!HalfPixel) {
    roiW = roiW > (V)1 ? roiW : (V)1;
    roiH = roiH > (V)1 ? roiH : (V)1;
  }
  const V binH = roiH / (V)PH, binW = roiW / (V)PW;
  const int64_t gridH = Ratio > 0 ? Ratio : (int64_t)ceil_(roiH / (V)PH);
  const int64_t gridW = Ratio > 0 ? Ratio : (int64_t)ceil_(roiW / (V)PW);
  const int64_t count = gridH * gridW > 1 ? gridH * gridW : 1;
  const st<TX> *plane = x + (b * C + c) * H * W;
  V acc = 0;
  bool any = false;
  for (int64_t iy = 0; iy < gridH; ++iy) {
    V yy = y1 + (V)ph * binH + ((V)iy + (V)0.5) * binH / (V)gridH;
    for (int64_t ix = 0; ix < gridW; ++ix) {
      V xx = x1 + (V)pw * binW + ((V)ix + (V)0.5) * binW / (V)gridW;
      V v[4] = {0, 0, 0, 0};
      if (!(yy < (V)-1 || yy > (V)H || xx < (V)-1 || xx > (V)W)) {
        V sy = yy < 0 ? (V)0 : yy, sx = xx < 0 ? (V)0 : xx;
        int64_t yl = (int64_t)sy, xl = (int64_t)sx, yh, xh;
        if (yl >= H - 1) {
          yh = yl = H - 1;
          sy = (V)yl;
        } else {
          yh = yl + 1;
        }
        if (xl >= W - 1) {
          xh = xl = W - 1;
          sx = (V)xl;
        } else {
          xh = xl + 1;
        }
        const V ly = sy - (V)yl, lx = sx - (V)xl, hy = 1 - ly, hx = 1 - lx;
        v[0] = hy * hx * ld<TX>(plane[yl * W + xl]);
        v[1] = hy * lx * ld<TX>(plane[yl * W + xh]);
        v[2] = ly * hx * ld<TX>(plane[yh * W + xl]);
        v[3] = ly * lx * ld<TX>(plane[yh * W + xh]);
      }
      if (Max) {
        V m = v[0];
        for (int k = 1; k < 4; ++k)
          m = v[k] > m ? v[k] : m;
        acc = !any || m > acc ? m : acc;
        any = true;
      } else {
        acc += v[0] + v[1] + v[2] + v[3];
      }
    }
  }
  y[task] = sv<TY>(Max ? acc : acc / (V)count);
  return true;
}

//===----------------------------------------------------------------------===//
// Signal processing
//===----------------------------------------------------------------------===//

/// DFT along the middle axis of an Outer x Len x Inner x CompIn input: task = one output
/// position of Outer x OutLen x Inner. Forward (Inverse = 0): complex X[k] = sum_t x[t]
/// e^(-2 pi i k t / Nfft) over the first min(Len, Nfft) samples. Inverse: 1/Nfft times the
/// conjugate transform; with Real = 1 the input is a half spectrum and the output the real
/// signal of its Hermitian extension (irfft). Accumulated in double.
template <typename TX, typename TY, int64_t Outer, int64_t Len, int64_t Inner, int64_t CompIn,
          int64_t Nfft, int64_t OutLen, int64_t Inverse, int64_t Real>
MC_HD bool dft(const st<TX> *x, st<TY> *y, int64_t task) {
  const int64_t inner = task % Inner, k = (task / Inner) % OutLen, outer = task / (Inner * OutLen);
  auto re = [&](int64_t t) {
    return (double)ld<TX>(x[((outer * Len + t) * Inner + inner) * CompIn]);
  };
  auto im = [&](int64_t t) {
    return CompIn == 2 ? (double)ld<TX>(x[((outer * Len + t) * Inner + inner) * CompIn + 1]) : 0.0;
  };
  if (Inverse && Real) {
    // irfft: bins 0 .. Nfft/2 of the Hermitian spectrum; imaginary parts of DC and Nyquist
    // do not contribute.
    const int64_t bins = Len < Nfft / 2 + 1 ? Len : Nfft / 2 + 1;
    double acc = 0;
    for (int64_t f = 0; f < bins; ++f) {
      double cs, sn;
      nn::twiddle(f * k, Nfft, cs, sn);
      const bool edge = f == 0 || (Nfft % 2 == 0 && f == Nfft / 2);
      const double term = re(f) * cs - im(f) * sn;
      acc += edge ? (f == 0 ? re(f) : re(f) * cs) : 2 * term;
    }
    y[task] = sv<TY>(acc / (double)Nfft);
    return true;
  }
  const int64_t samples = Len < Nfft ? Len : Nfft;
  double ar = 0, ai = 0;
  for (int64_t t = 0; t < samples; ++t) {
    double cs, sn;
    nn::twiddle(k * t, Nfft, cs, sn);
    if (!Inverse)
      sn = -sn;
    const double xr = re(t), xi = im(t);
    ar += xr * cs - xi * sn;
    ai += xr * sn + xi * cs;
  }
  if (Inverse) {
    ar /= (double)Nfft;
    ai /= (double)Nfft;
  }
  y[task * 2] = sv<TY>(ar);
  y[task * 2 + 1] = sv<TY>(ai);
  return true;
}

/// STFT: task = one (batch, frame, bin) of B x Frames x Bins; the frame of Frame samples
/// starting at frame * Step, times the window (HasWindow), transformed as DFT does.
template <typename TX, typename TW, typename TY, int64_t B, int64_t L, int64_t Comp, int64_t Frames,
          int64_t Bins, int64_t Step, int64_t Frame, int64_t HasWindow>
MC_HD bool stft(const st<TX> *x, const st<TW> *window, st<TY> *y, int64_t task) {
  const int64_t k = task % Bins, f = (task / Bins) % Frames, b = task / (Bins * Frames);
  double ar = 0, ai = 0;
  for (int64_t t = 0; t < Frame; ++t) {
    const int64_t at = (b * L + f * Step + t) * Comp;
    const double wt = HasWindow ? (double)ld<TW>(window[t]) : 1.0;
    const double xr = (double)ld<TX>(x[at]) * wt;
    const double xi = Comp == 2 ? (double)ld<TX>(x[at + 1]) * wt : 0.0;
    double cs, sn;
    nn::twiddle(k * t, Frame, cs, sn);
    ar += xr * cs + xi * sn;
    ai += xi * cs - xr * sn;
  }
  y[task * 2] = sv<TY>(ar);
  y[task * 2 + 1] = sv<TY>(ai);
  return true;
}

/// MelWeightMatrix: task = one element (spectrogram bin j, mel bin i) of (Dft/2 + 1) x Mel.
/// Filter edges are the mel-spaced frequencies of the specification, mapped to bins as
/// floor((Dft + 1) * f / sample_rate); the edge frequencies are converted to mel in their own
/// type, as the reference does.
template <typename TR, typename TL, typename TU, typename TY, int64_t Mel, int64_t Dft>
MC_HD bool mel_weight_matrix(const st<TR> *rate, const st<TL> *lower, const st<TU> *upper,
                             st<TY> *y, int64_t task) {
  const int64_t i = task % Mel, j = task / Mel;
  const double ln10 = log(10.0);
  const ct<TL> lo = ld<TL>(lower[0]);
  const ct<TU> hi = ld<TU>(upper[0]);
  const double loMel = (double)((ct<TL>)2595 * (ct<TL>)log1p((double)(lo / (ct<TL>)700))) / ln10;
  const double hiMel = (double)((ct<TU>)2595 * (ct<TU>)log1p((double)(hi / (ct<TU>)700))) / ln10;
  const double step = (hiMel - loMel) / (double)(Mel + 2);
  const double sampleRate = (double)ld<TR>(rate[0]);
  auto bin = [&](int64_t m) -> int64_t {
    const double f = 700.0 * expm1(((double)m * step + loMel) / 2595.0 * ln10);
    return (int64_t)floor((double)(Dft + 1) * f / sampleRate);
  };
  const int64_t left = bin(i), center = bin(i + 1), right = bin(i + 2);
  double v = 0;
  if (center == left) {
    if (j == center)
      v = 1;
  } else if (j >= left && j <= center) {
    v = (double)(j - left) / (double)(center - left);
  }
  if (right > center && j >= center && j < right)
    v = (double)(right - j) / (double)(right - center);
  y[task] = sv<TY>(v);
  return true;
}

} // namespace mc
