// mc_kernels_reduction.h - runtime_min: library kernels for reductions, scans, normalizations,
// losses and TopK.
//
// See mc_kernels.h for the calling convention shared by every kernel. Axis-wise kernels see
// their tensor as Outer x Len x Inner (the axis in the middle) and run one task per line
// (outer, inner). The row kernels of transformer models (softmax, layer/RMS normalization) run
// one task per contiguous row and keep kLanes independent partial results, so that the host
// compiler vectorizes them without reassociating floating-point math on its own.
#pragma once

#include "mc_kernels_common.h"

namespace mc {

namespace detail {

/// Partial results per row in the row kernels: 8 floats fill an AVX register.
constexpr int64_t kLanes = 8;

// Floating-point comparisons may trap (GCC's default -ftrapping-math), which keeps the
// compiler from vectorizing loops that branch on them; the row kernels therefore compare the
// bit patterns of floats as integers.

/// A signed integer with the order of the float `x` (NaNs above +inf, below -inf if negative).
MC_HD int32_t orderKey(float x) {
  const int32_t b = static_cast<int32_t>(mc_f2bits(x));
  return b ^ ((b >> 31) & 0x7fffffff);
}
MC_HD float fromOrderKey(int32_t k) {
  return mc_bits2f(static_cast<uint32_t>(k ^ ((k >> 31) & 0x7fffffff)));
}

/// exp for float, written so that loops over it vectorize: x = n ln2 + r with n an integer
/// (rounded by the 1.5 * 2^23 trick) and |r| <= ln2 / 2, exp(r) from Cephes' degree-6
/// polynomial (about 1 ulp), 2^n assembled in the exponent bits. Finite inputs are clamped
/// (on their bits) to [-87.3365, 88.3763], so exp(-inf) is FLT_MIN rather than 0 and the
/// largest result is about 2.4e38; NaN stays NaN.
MC_HD float vexp(float x) {
  const uint32_t b = mc_f2bits(x), sign = b & 0x80000000u;
  const uint32_t limit = sign ? 0x42aeac4fu : 0x42b0c0a5u;
  uint32_t mag = b & 0x7fffffffu;
  mag = (mag > limit && mag <= 0x7f800000u) ? limit : mag;
  x = mc_bits2f(sign | mag);
  const float t = x * 1.44269504088896341f + 12582912.0f;
  const float n = t - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * mc_bits2f(static_cast<uint32_t>(static_cast<int32_t>(n) + 127) << 23);
}
MC_HD double vexp(double x) { return exp_(x); }

/// A softmax probability (>= 0 or NaN) below the type's smallest normal as 0. Such values are
/// within 1.2e-38 of 0 (vexp's floor is FLT_MIN, so masked entries land there), and a
/// subnormal operand makes every later multiply by it, e.g. in attention's probs x V GEMM,
/// a slow microcode assist on many x86 cores (measured: BERT-base 4 layers 20 -> 12.7 ms).
MC_HD float flushSubnormal(float v) { return v < 1.17549435e-38f ? 0.0f : v; }
MC_HD double flushSubnormal(double v) { return v < 2.2250738585072014e-308 ? 0.0 : v; }

/// Whether `a` goes before `b` in a max (Max) or min search; NaN counts as the extreme.
template <bool Max, typename V> MC_HD bool beats(V a, V b) {
  if (isnan_(a))
    return !isnan_(b);
  if (isnan_(b))
    return false;
  return Max ? a > b : a < b;
}

/// Index along a line of the first (or, with Last, the last) extreme element.
template <bool Max, bool Last, typename TX>
MC_HD int64_t extremeIndex(const st<TX> *x, int64_t base, int64_t len, int64_t stride) {
  int64_t best = 0;
  ct<TX> bv = ld<TX>(x[base]);
  for (int64_t s = 1; s < len; ++s) {
    const ct<TX> v = ld<TX>(x[base + s * stride]);
    if (beats<Max>(v, bv) || (Last && !beats<Max>(bv, v))) {
      best = s;
      bv = v;
    }
  }
  return best;
}

/// Scans one line: CumSum (Prod = 0) or CumProd (Prod = 1).
template <bool Prod, typename TX, typename TY>
MC_HD void scan(const st<TX> *x, st<TY> *y, int64_t base, int64_t len, int64_t stride,
                bool exclusive, bool reverse) {
  ct<TX> acc = Prod ? 1 : 0;
  for (int64_t s = 0; s < len; ++s) {
    const int64_t at = base + (reverse ? len - 1 - s : s) * stride;
    const ct<TX> v = ld<TX>(x[at]);
    if (!exclusive)
      acc = Prod ? acc * v : acc + v;
    y[at] = sv<TY>(acc);
    if (exclusive)
      acc = Prod ? acc * v : acc + v;
  }
}

} // namespace detail

/// CumSum over an Outer x Len x Inner view: task = outer * Inner + inner scans one line.
template <typename TX, typename TY, int64_t Outer, int64_t Len, int64_t Inner, int64_t Exclusive,
          int64_t Reverse>
MC_HD bool cumsum(const st<TX> *x, st<TY> *y, int64_t task) {
  detail::scan<false, TX, TY>(x, y, (task / Inner) * Len * Inner + task % Inner, Len, Inner,
                              Exclusive, Reverse);
  return true;
}

/// CumProd, as cumsum.
template <typename TX, typename TY, int64_t Outer, int64_t Len, int64_t Inner, int64_t Exclusive,
          int64_t Reverse>
MC_HD bool cumprod(const st<TX> *x, st<TY> *y, int64_t task) {
  detail::scan<true, TX, TY>(x, y, (task / Inner) * Len * Inner + task % Inner, Len, Inner,
                             Exclusive, Reverse);
  return true;
}

/// ArgMax (Min = 0) / ArgMin (Min = 1) over Outer x Len x Inner: task = outer * Inner + inner
/// writes y[task]; Last selects the last of equal extremes.
template <typename TX, typename TI, int64_t Outer, int64_t Len, int64_t Inner, int64_t Min,
          int64_t Last>
MC_HD bool argreduce(const st<TX> *x, st<TI> *y, int64_t task) {
  const int64_t base = (task / Inner) * Len * Inner + task % Inner;
  y[task] = sv<TI>(detail::extremeIndex<!Min, Last != 0, TX>(x, base, Len, Inner));
  return true;
}

/// Hardmax over Outer x Len x Inner: 1 at the first maximum of each line, 0 elsewhere.
template <typename TX, typename TY, int64_t Outer, int64_t Len, int64_t Inner>
MC_HD bool hardmax(const st<TX> *x, st<TY> *y, int64_t task) {
  const int64_t base = (task / Inner) * Len * Inner + task % Inner;
  const int64_t best = detail::extremeIndex<true, false, TX>(x, base, Len, Inner);
  for (int64_t s = 0; s < Len; ++s)
    y[base + s * Inner] = sv<TY>(s == best ? 1 : 0);
  return true;
}

/// TopK over Outer x Len x Inner: each task keeps the K best elements of one line in its
/// output slots, sorted by insertion (strict comparison, so equal values keep the lower index
/// first, as ONNX specifies). Largest = 0 selects the smallest.
template <typename TX, typename TV, typename TI, int64_t Outer, int64_t Len, int64_t Inner,
          int64_t K, int64_t Largest>
MC_HD bool topk(const st<TX> *x, st<TV> *values, st<TI> *indices, int64_t task) {
  if (K == 0)
    return true;
  const int64_t xb = (task / Inner) * Len * Inner + task % Inner;
  const int64_t ob = (task / Inner) * K * Inner + task % Inner;
  int64_t count = 0;
  for (int64_t s = 0; s < Len; ++s) {
    const ct<TX> v = ld<TX>(x[xb + s * Inner]);
    int64_t j = count < K ? count : K - 1;
    if (count == K && !detail::beats<Largest != 0>(v, ld<TV>(values[ob + j * Inner])))
      continue;
    for (; j > 0 && detail::beats<Largest != 0>(v, ld<TV>(values[ob + (j - 1) * Inner])); --j) {
      values[ob + j * Inner] = values[ob + (j - 1) * Inner];
      indices[ob + j * Inner] = indices[ob + (j - 1) * Inner];
    }
    values[ob + j * Inner] = sv<TV>(v);
    indices[ob + j * Inner] = sv<TI>(s);
    if (count < K)
      ++count;
  }
  return true;
}

/// Softmax / log-softmax over Outer x Len x Inner. A contiguous row (Inner = 1, the common
/// case) is one task: a lane-split maximum, then exp(x - max) summed per lane (stored when
/// the output holds the compute type, so that the last pass only scales), then the output.
/// Other axes run one task per strided line.
template <typename TX, typename TY, int64_t Outer, int64_t Len, int64_t Inner, int64_t Log>
MC_HD bool softmax(const st<TX> *x, st<TY> *y, int64_t task) {
  using C = ct<TX>;
  using detail::kLanes;
  // Contiguous rows split into lanes up to `split`; strided lines take the scalar loops.
  constexpr int64_t split = Inner == 1 ? Len / kLanes * kLanes : 0;
  const int64_t base = (task / Inner) * Len * Inner + task % Inner;
  if (Len == 0)
    return true;
  C mx = -INFINITY;
  if constexpr (sizeof(C) == sizeof(float)) {
    // Lane maxima of the order keys (a NaN key beats every number, so NaN propagates).
    int32_t m[kLanes];
    for (int64_t l = 0; l < kLanes; ++l)
      m[l] = detail::orderKey(-INFINITY);
    for (int64_t i = 0; i < split; i += kLanes)
      for (int64_t l = 0; l < kLanes; ++l) {
        const int32_t k = detail::orderKey(ld<TX>(x[base + i + l]));
        m[l] = k > m[l] ? k : m[l];
      }
    for (int64_t i = split; i < Len; ++i) {
      const int32_t k = detail::orderKey(ld<TX>(x[base + i * Inner]));
      m[0] = k > m[0] ? k : m[0];
    }
    int32_t best = m[0];
    for (int64_t l = 1; l < kLanes; ++l)
      best = m[l] > best ? m[l] : best;
    mx = detail::fromOrderKey(best);
  } else {
    for (int64_t i = 0; i < Len; ++i) {
      const C v = ld<TX>(x[base + i * Inner]);
      mx = (v > mx || v != v) ? v : mx;
    }
  }
  // Exact storage of the compute type: exp values can be kept in y between passes.
  constexpr bool keep = sizeof(st<TY>) == sizeof(C) && is_float<TY>::value && !Log;
  C s[detail::kLanes];
  for (int64_t l = 0; l < kLanes; ++l)
    s[l] = 0;
  for (int64_t i = 0; i < split; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) {
      const C e = detail::vexp(static_cast<C>(ld<TX>(x[base + i + l]) - mx));
      if (keep)
        y[base + i + l] = sv<TY>(e);
      s[l] += e;
    }
  for (int64_t i = split; i < Len; ++i) {
    const C e = detail::vexp(static_cast<C>(ld<TX>(x[base + i * Inner]) - mx));
    if (keep)
      y[base + i * Inner] = sv<TY>(e);
    s[0] += e;
  }
  C sum = 0;
  for (int64_t l = 0; l < kLanes; ++l)
    sum += s[l];
  if (Log) {
    const C shift = mx + log_(sum);
    for (int64_t j = 0; j < Len; ++j)
      y[base + j * Inner] = sv<TY>(ld<TX>(x[base + j * Inner]) - shift);
  } else if (keep) {
    const C inv = C(1) / sum;
    for (int64_t j = 0; j < Len; ++j)
      y[base + j * Inner] = sv<TY>(detail::flushSubnormal(ld<TY>(y[base + j * Inner]) * inv));
  } else {
    const C inv = C(1) / sum;
    for (int64_t j = 0; j < Len; ++j)
      y[base + j * Inner] = sv<TY>(detail::flushSubnormal(
          detail::vexp(static_cast<C>(ld<TX>(x[base + j * Inner]) - mx)) * inv));
  }
  return true;
}

/// Layer, RMS, group and instance normalization of contiguous rows: task = row of Len
/// elements. Statistics are computed in the compute type of the Mean buffer (the stash type)
/// in one lane-split pass over the row (sums shifted by the row's first element, which keeps
/// the variance accurate), written to mean / invstd, then one pass writes the output. The
/// affine parameters of element i of row r are scale/bias[((r % RowMod) * Len + i) / Div]:
/// layer norm has RowMod = Div = 1 (parameters over the row), group norm RowMod = groups and
/// Div = spatial size (per channel), instance norm RowMod = C and Div = Len. Rms skips the
/// mean; without HasBias the bias buffer is not read.
template <typename TX, typename TS, typename TB, typename TY, typename TM, typename TR,
          int64_t Rows, int64_t Len, int64_t RowMod, int64_t Div, int64_t Rms, int64_t HasBias>
MC_HD bool normalize(const st<TX> *x, const st<TS> *scale, const st<TB> *bias, st<TY> *y,
                     st<TM> *mean, st<TR> *invstd, double epsilon, int64_t task) {
  using C = ct<TM>;
  using detail::kLanes;
  const st<TX> *row = x + task * Len;
  st<TY> *out = y + task * Len;
  const C shift = (Rms || Len == 0) ? C(0) : static_cast<C>(ld<TX>(row[0]));
  C s[kLanes], q[kLanes];
  for (int64_t l = 0; l < kLanes; ++l)
    s[l] = q[l] = 0;
  constexpr int64_t split = Len / kLanes * kLanes;
  for (int64_t i = 0; i < split; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) {
      const C d = static_cast<C>(ld<TX>(row[i + l])) - shift;
      s[l] += d;
      q[l] += d * d;
    }
  for (int64_t i = split; i < Len; ++i) {
    const C d = static_cast<C>(ld<TX>(row[i])) - shift;
    s[0] += d;
    q[0] += d * d;
  }
  C sum = 0, sq = 0;
  for (int64_t l = 0; l < kLanes; ++l) {
    sum += s[l];
    sq += q[l];
  }
  const C n = Len ? C(Len) : C(1);
  const C m = Rms ? C(0) : shift + sum / n;
  C var = Rms ? sq / n : sq / n - (sum / n) * (sum / n);
  var = var > C(0) ? var : C(0);
  const C inv = C(1) / sqrt_(var + static_cast<C>(epsilon));
  mean[task] = sv<TM>(m);
  invstd[task] = sv<TR>(inv);
  const int64_t p0 = (task % RowMod) * Len;
  for (int64_t j = 0; j < Len; ++j) {
    const int64_t p = Div == 1 ? p0 + j : (p0 + j) / Div;
    C v = (static_cast<C>(ld<TX>(row[j])) - m) * inv * static_cast<C>(ld<TS>(scale[p]));
    if (HasBias)
      v += static_cast<C>(ld<TB>(bias[p]));
    out[j] = sv<TY>(v);
  }
  return true;
}

/// LRN over N x C x S (S = product of the spatial dims): one task per element sums the
/// squares of the Size channels around it (floor((Size - 1) / 2) before, the rest after).
template <typename TX, typename TY, int64_t N, int64_t C, int64_t S, int64_t Size>
MC_HD bool lrn(const st<TX> *x, st<TY> *y, double alpha, double beta, double bias, int64_t task) {
  using V = ct<TX>;
  const int64_t c = (task / S) % C, base = task - c * S;
  const int64_t lo = c - (Size - 1) / 2, hi = c + Size / 2;
  V sum = 0;
  for (int64_t k = lo < 0 ? 0 : lo; k <= hi && k < C; ++k) {
    const V v = ld<TX>(x[base + k * S]);
    sum += v * v;
  }
  const V d = pow_(static_cast<V>(bias) + static_cast<V>(alpha / Size) * sum, static_cast<V>(beta));
  y[task] = sv<TY>(ld<TX>(x[task]) / d);
  return true;
}

/// NegativeLogLikelihoodLoss over input N x C x D and target N x D. Reduction 0 (none): task
/// = n * D + d writes one loss; 1 (sum) and 2 (mean, divided by the total weight of the
/// elements not ignored): one task accumulates in double. A target outside [0, C) that is
/// not the ignored index fails. Without HasWeight the weight buffer is not read.
template <typename TX, typename TT, typename TW, typename TY, int64_t N, int64_t C, int64_t D,
          int64_t Reduction, int64_t HasWeight, int64_t HasIgnore, int64_t Ignore>
MC_HD bool nll_loss(const st<TX> *x, const st<TT> *target, const st<TW> *weight, st<TY> *y,
                    int64_t task) {
  const int64_t begin = Reduction == 0 ? task : 0, end = Reduction == 0 ? task + 1 : N * D;
  double loss = 0, total = 0;
  for (int64_t e = begin; e < end; ++e) {
    const int64_t t = static_cast<int64_t>(target[e]);
    if (HasIgnore && t == Ignore) {
      if (Reduction == 0)
        y[e] = sv<TY>(0);
      continue;
    }
    if (t < 0 || t >= C)
      return false;
    const double w = HasWeight ? static_cast<double>(ld<TW>(weight[t])) : 1.0;
    const double l = -static_cast<double>(ld<TX>(x[((e / D) * C + t) * D + e % D])) * w;
    if (Reduction == 0)
      y[e] = sv<TY>(l);
    loss += l;
    total += w;
  }
  if (Reduction != 0)
    y[0] = sv<TY>(Reduction == 2 ? loss / total : loss);
  return true;
}

} // namespace mc
