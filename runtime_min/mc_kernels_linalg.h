// mc_kernels_linalg.h - runtime_min: library kernels for attention, Einsum, Det, rotary
// embeddings and the contractions (MatMul, Gemm, Conv) on element types other than float32.
//
// See mc_kernels.h for the calling convention shared by every kernel. Kernels that need
// per-task working memory take a scratch output buffer (bytes) holding `tasks` disjoint slices.
// Kernels with shape lists take them as a trailing parameter pack (read as one array).
#pragma once

#include "mc_kernels_common.h"

namespace mc {

/// Rounds a value to the precision of element type T and back to T's compute type (identity
/// for float and double compute of the same type): reproduces the reference's intermediate
/// roundings in 16-bit floats.
template <typename T, typename V> MC_HD ct<T> rnd(V v) { return ld<T>(sv<T>(v)); }

/// The accumulator of a contraction producing T: the compute type for floats, 64 bits for
/// integers (wrapping to T's width at the store, as the 32-bit accumulation ONNX allows).
template <typename T> struct acc_of {
  using type = typename elem<T>::compute;
};
template <> struct acc_of<int8_t> { using type = int64_t; };
template <> struct acc_of<int16_t> { using type = int64_t; };
template <> struct acc_of<int32_t> { using type = int64_t; };
template <> struct acc_of<int64_t> { using type = int64_t; };
template <> struct acc_of<uint8_t> { using type = uint64_t; };
template <> struct acc_of<uint16_t> { using type = uint64_t; };
template <> struct acc_of<uint32_t> { using type = uint64_t; };
template <> struct acc_of<uint64_t> { using type = uint64_t; };
template <typename T> using acc_t = typename acc_of<T>::type;

/// Element tag of an ONNX floating-point data type code (0: T itself).
template <int64_t Code, typename T> struct onnx_float { using type = T; };
template <typename T> struct onnx_float<1, T> { using type = float; };
template <typename T> struct onnx_float<10, T> { using type = f16; };
template <typename T> struct onnx_float<11, T> { using type = double; };
template <typename T> struct onnx_float<16, T> { using type = bf16; };

/// Pairwise sum of eight partial sums.
template <typename A> MC_HD A sum8(const A *p) {
  return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}

template <typename T> struct is_16bit_float { static constexpr bool value = false; };
template <> struct is_16bit_float<f16> { static constexpr bool value = true; };
template <> struct is_16bit_float<bf16> { static constexpr bool value = true; };

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// ONNX Attention, one query row per task: task = (b * Hq + h) * Sq + i. Q/K/V/Y rows are
/// addressed with (batch, head, sequence) strides (the head vector is contiguous), so 3-d
/// (B, S, H*D) and 4-d (B, H, S, D) layouts need no transposes. The mask is seen as 4-d
/// (MB, MH, MQ, MK) broadcast over (B, Hq, Sq, Skv); keys j >= MK are masked. TM is bool for a
/// boolean mask. The offset of causal and window masks is Past, or nonpad[b] - Sq with
/// HasNonpad. QkMode -1 leaves `qk` alone; 0-3 write the scores at that stage. Softmax runs
/// in the ONNX type Smx (0: TQ); `scratch` holds (Skv + Dv) accumulators per task.
/// `scale` is sqrt of the score scale (the reference scales Q and K each by it); `softcap`
/// is applied when > 0.
template <typename TQ, typename TK, typename TV, typename TM, typename TN, typename TY,
          typename TP, typename TS, int64_t Hq, int64_t Hkv, int64_t Sq, int64_t Skv, int64_t D,
          int64_t Dv, int64_t QSB, int64_t QSH, int64_t QSS, int64_t KSB, int64_t KSH,
          int64_t KSS, int64_t VSB, int64_t VSH, int64_t VSS, int64_t YSB, int64_t YSH,
          int64_t YSS, int64_t MB, int64_t MH, int64_t MQ, int64_t MK, int64_t HasMask,
          int64_t HasNonpad, int64_t Causal, int64_t Past, int64_t Left, int64_t Right,
          int64_t QkMode, int64_t Smx>
MC_HD bool attention(const st<TQ> *q, const st<TK> *k, const st<TV> *v, const st<TM> *mask,
                     const st<TN> *nonpad, st<TY> *y, st<TP> *qk, st<TS> *scratch, double scale,
                     double softcap, int64_t task) {
  using S = typename onnx_float<Smx, TQ>::type;
  using A = decltype(ct<TQ>(0) + ct<S>(0));
  constexpr bool narrow = is_16bit_float<TQ>::value;
  constexpr int64_t D8 = D / 8 * 8;
  const A negInf = -(A)INFINITY;
  const int64_t b = task / (Hq * Sq), h = (task / Sq) % Hq, i = task % Sq;
  const int64_t hk = h / (Hq / Hkv);
  A *s = reinterpret_cast<A *>(scratch) + task * (Skv + Dv);
  A *acc = s + Skv;
  int64_t offset = Past, valid = Skv;
  if (HasNonpad) {
    valid = (int64_t)ld<TN>(nonpad[b]);
    offset = valid - Sq;
  }
  const int64_t p = offset + i;
  const ct<TQ> sc = rnd<TQ>(scale);
  const A cap = (A)softcap;
  const st<TQ> *qr = q + b * QSB + h * QSH + i * QSS;
  const st<TK> *kb = k + b * KSB + hk * KSH;
  const int64_t maskRow = (MB == 1 ? 0 : b) * MH * MQ * MK + (MH == 1 ? 0 : h) * MQ * MK +
                          (MQ == 1 ? 0 : i) * MK;
  // Pass 1: the raw dot products q . k_j into s (float types: four keys at a time, eight
  // partial sums each, so the compiler vectorizes and reuses the q loads).
  if (narrow) {
    for (int64_t j = 0; j < Skv; ++j) {
      const st<TK> *kr = kb + j * KSS;
      A dot = 0;
      for (int64_t d = 0; d < D; ++d)
        dot += (A)rnd<TQ>(ld<TQ>(qr[d]) * sc) * (A)rnd<TK>(ld<TK>(kr[d]) * sc);
      s[j] = dot;
    }
  } else {
    const A sc2 = (A)sc * (A)sc;
    constexpr int64_t Skv4 = Skv / 4 * 4;
    for (int64_t j = 0; j < Skv4; j += 4) {
      A part[4][8] = {};
      const st<TK> *k0 = kb + j * KSS;
      for (int64_t d0 = 0; d0 < D8; d0 += 8)
        for (int64_t r = 0; r < 4; ++r)
          for (int64_t l = 0; l < 8; ++l)
            part[r][l] += (A)ld<TQ>(qr[d0 + l]) * (A)ld<TK>(k0[r * KSS + d0 + l]);
      for (int64_t r = 0; r < 4; ++r) {
        for (int64_t d = D8; d < D; ++d)
          part[r][d - D8] += (A)ld<TQ>(qr[d]) * (A)ld<TK>(k0[r * KSS + d]);
        s[j + r] = sum8(part[r]) * sc2;
      }
    }
    for (int64_t j = Skv4; j < Skv; ++j) {
      A part[8] = {};
      const st<TK> *kr = kb + j * KSS;
      for (int64_t d0 = 0; d0 < D8; d0 += 8)
        for (int64_t l = 0; l < 8; ++l)
          part[l] += (A)ld<TQ>(qr[d0 + l]) * (A)ld<TK>(kr[d0 + l]);
      for (int64_t d = D8; d < D; ++d)
        part[d - D8] += (A)ld<TQ>(qr[d]) * (A)ld<TK>(kr[d]);
      s[j] = sum8(part) * sc2;
    }
  }
  // Pass 2: rounding to TQ, softcap, bias, the qk output stages, conversion to S.
  bool rowMasked = true;
  A rowMax = negInf;
  for (int64_t j = 0; j < Skv; ++j) {
    // Additive bias: the float mask's value or -inf where any mask disallows the key.
    A bias = 0;
    bool allowed = true;
    if (HasMask) {
      if (j < MK) {
        if (is_float<TM>::value)
          bias = (A)ld<TM>(mask[maskRow + j]);
        else
          allowed = ld<TM>(mask[maskRow + j]) != 0;
      } else {
        allowed = false;
      }
    }
    if (Causal && j > p)
      allowed = false;
    if (Left >= 0 && p - j > Left)
      allowed = false;
    if (Right >= 0 && j - p > Right)
      allowed = false;
    if (HasNonpad && j >= valid)
      allowed = false;
    if (!allowed)
      bias = negInf;
    if (bias != negInf)
      rowMasked = false;
    const A dot = s[j];
    A x = (A)rnd<TQ>(dot);
    if (QkMode == 0)
      qk[task * Skv + j] = sv<TP>(x);
    if (softcap > 0)
      x = (A)rnd<TQ>(cap * (A)rnd<TQ>(tanh_((A)rnd<TQ>(x / cap))));
    if (QkMode == 1)
      qk[task * Skv + j] = sv<TP>(x);
    x = (A)rnd<TQ>(x + bias);
    if (QkMode == 2)
      qk[task * Skv + j] = sv<TP>(x);
    x = (A)rnd<S>(x);
    s[j] = x;
    if (rowMax == rowMax && (x != x || x > rowMax)) // a NaN maximum sticks (np.max)
      rowMax = x;
  }
  // Softmax in S; a row whose maximum is -inf (all keys masked) subtracts 0, and a zero sum
  // divides by 1 (numpy reference: no NaN from a fully masked row).
  const A safeMax = rowMax == negInf ? (A)0 : rowMax;
  A sum = 0;
  for (int64_t j = 0; j < Skv; ++j) {
    const A e = (A)rnd<S>(exp_((A)rnd<S>(s[j] - safeMax)));
    s[j] = e;
    sum += e;
  }
  sum = (A)rnd<S>(sum);
  if (sum == 0)
    sum = 1;
  for (int64_t j = 0; j < Skv; ++j) {
    A prob = rowMasked ? (A)0 : (A)rnd<S>(s[j] / sum);
    prob = (A)rnd<TQ>(prob);
    if (QkMode == 3)
      qk[task * Skv + j] = sv<TP>(prob);
    s[j] = prob;
  }
  // Probabilities times V, 16 output columns at a time in local accumulators (registers).
  const st<TV> *vb = v + b * VSB + hk * VSH;
  st<TY> *yr = y + b * YSB + h * YSH + i * YSS;
  constexpr int64_t Dv16 = Dv / 16 * 16;
  for (int64_t d0 = 0; d0 < Dv16; d0 += 16) {
    A part[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int64_t j = 0; j < Skv; ++j) {
      const A prob = s[j];
      const st<TV> *vr = vb + j * VSS + d0;
      for (int64_t l = 0; l < 16; ++l)
        part[l] += prob * (A)ld<TV>(vr[l]);
    }
    for (int64_t l = 0; l < 16; ++l)
      yr[d0 + l] = sv<TY>(part[l]);
  }
  if (Dv16 < Dv) {
    for (int64_t d = Dv16; d < Dv; ++d)
      acc[d - Dv16] = 0;
    for (int64_t j = 0; j < Skv; ++j) {
      const A prob = s[j];
      const st<TV> *vr = vb + j * VSS;
      for (int64_t d = Dv16; d < Dv; ++d)
        acc[d - Dv16] += prob * (A)ld<TV>(vr[d]);
    }
    for (int64_t d = Dv16; d < Dv; ++d)
      yr[d] = sv<TY>(acc[d - Dv16]);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Linear attention
//===----------------------------------------------------------------------===//

/// ONNX LinearAttention, one (batch, kv head) recurrence per task: task = b * Hkv + hk. The
/// state (Dk x Dv, float32 as in the reference) lives in `scratch` with a Dv-sized temporary;
/// Rule: 0 linear, 1 gated, 2 delta, 3 gated delta. Decay is per key dimension
/// (DecayPerKey) or per head; beta has BetaHeads (Hkv or 1) values per token.
template <typename TQ, typename TK, typename TV, typename TPast, typename TD, typename TB,
          typename TO, typename TSt, typename TS, int64_t T, int64_t Hq, int64_t Hkv, int64_t Dk,
          int64_t Dv, int64_t Rule, int64_t HasPast, int64_t DecayPerKey, int64_t BetaHeads>
MC_HD bool linear_attention(const st<TQ> *q, const st<TK> *k, const st<TV> *v,
                            const st<TPast> *past, const st<TD> *decay, const st<TB> *beta,
                            st<TO> *out, st<TSt> *state, st<TS> *scratch, double scale,
                            int64_t task) {
  const int64_t b = task / Hkv, hk = task % Hkv;
  float *sm = reinterpret_cast<float *>(scratch) + task * (Dk * Dv + Dv);
  float *vt = sm + Dk * Dv;
  const int64_t stateBase = task * Dk * Dv;
  for (int64_t e = 0; e < Dk * Dv; ++e)
    sm[e] = HasPast ? (float)ld<TPast>(past[stateBase + e]) : 0.0f;
  const bool gated = Rule == 1 || Rule == 3, delta = Rule >= 2;
  const int64_t group = Hq / Hkv;
  for (int64_t t = 0; t < T; ++t) {
    const int64_t bt = b * T + t;
    const st<TK> *kr = k + (bt * Hkv + hk) * Dk;
    if (gated) {
      for (int64_t d = 0; d < Dk; ++d) {
        const int64_t at = DecayPerKey ? (bt * Hkv + hk) * Dk + d : bt * Hkv + hk;
        const float g = exp_((float)ld<TD>(decay[at]));
        for (int64_t m = 0; m < Dv; ++m)
          sm[d * Dv + m] *= g;
      }
    }
    for (int64_t m = 0; m < Dv; ++m)
      vt[m] = (float)ld<TV>(v[(bt * Hkv + hk) * Dv + m]);
    if (delta) {
      const float bv = (float)ld<TB>(beta[bt * BetaHeads + (BetaHeads == 1 ? 0 : hk)]);
      for (int64_t m = 0; m < Dv; ++m) {
        float retrieved = 0;
        for (int64_t d = 0; d < Dk; ++d)
          retrieved += sm[d * Dv + m] * (float)ld<TK>(kr[d]);
        vt[m] = bv * (vt[m] - retrieved);
      }
    }
    for (int64_t d = 0; d < Dk; ++d) {
      const float kd = (float)ld<TK>(kr[d]);
      for (int64_t m = 0; m < Dv; ++m)
        sm[d * Dv + m] += kd * vt[m];
    }
    for (int64_t g = 0; g < group; ++g) {
      const int64_t h = hk * group + g;
      const st<TQ> *qr = q + (bt * Hq + h) * Dk;
      for (int64_t m = 0; m < Dv; ++m) {
        float o = 0;
        for (int64_t d = 0; d < Dk; ++d)
          o += (float)ld<TQ>(qr[d]) * sm[d * Dv + m];
        out[(bt * Hq + h) * Dv + m] = sv<TO>((float)(scale * o));
      }
    }
  }
  for (int64_t e = 0; e < Dk * Dv; ++e)
    state[stateBase + e] = sv<TSt>(sm[e]);
  return true;
}

//===----------------------------------------------------------------------===//
// Rotary embedding
//===----------------------------------------------------------------------===//

/// ONNX RotaryEmbedding, one head vector per task: task = (b * H + h) * S + s. Layout3d reads
/// (B, S, H*D) rows, else (B, H, S, D). The cos/sin row is position_ids[b, s] (HasPos; out of
/// [0, CacheRows) is invalid data) or (b, s) of (B, S, Rot/2) caches.
template <typename TX, typename TC, typename TSn, typename TP, typename TY, int64_t H, int64_t S,
          int64_t D, int64_t Rot, int64_t Interleaved, int64_t Layout3d, int64_t HasPos,
          int64_t CacheRows>
MC_HD bool rotary_embedding(const st<TX> *x, const st<TC> *cosCache, const st<TSn> *sinCache,
                            const st<TP> *pos, st<TY> *y, int64_t task) {
  const int64_t b = task / (H * S), h = (task / S) % H, s = task % S;
  const int64_t base = Layout3d ? (b * S + s) * H * D + h * D : task * D;
  constexpr int64_t half = Rot / 2;
  int64_t row = b * S + s;
  if (HasPos) {
    row = (int64_t)ld<TP>(pos[b * S + s]);
    if (row < 0 || row >= CacheRows)
      return false;
  }
  for (int64_t i = 0; i < half; ++i) {
    const int64_t i1 = Interleaved ? 2 * i : i, i2 = Interleaved ? 2 * i + 1 : i + half;
    const ct<TX> x1 = ld<TX>(x[base + i1]), x2 = ld<TX>(x[base + i2]);
    const ct<TX> c = ld<TC>(cosCache[row * half + i]), sn = ld<TSn>(sinCache[row * half + i]);
    y[base + i1] = sv<TY>(rnd<TX>(rnd<TX>(c * x1) - rnd<TX>(sn * x2)));
    y[base + i2] = sv<TY>(rnd<TX>(rnd<TX>(sn * x1) + rnd<TX>(c * x2)));
  }
  for (int64_t d = Rot; d < D; ++d)
    y[base + d] = sv<TY>(ld<TX>(x[base + d]));
  return true;
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

/// Einsum of one operand, one output element per task. P holds L = NOut + NRed letter
/// extents (output letters first, in output order) then the operand's stride per letter
/// (0 for a letter it lacks or broadcasts; a repeated letter's strides add up: diagonals).
template <typename TA, typename TY, int64_t NOut, int64_t NRed, int64_t... P>
MC_HD bool einsum1(const st<TA> *a, st<TY> *y, int64_t task) {
  constexpr int64_t L = NOut + NRed;
  const int64_t p[] = {P..., 0};
  int64_t base = 0, rem = task;
  for (int64_t d = NOut - 1; d >= 0; --d) {
    base += (rem % p[d]) * p[L + d];
    rem /= p[d];
  }
  int64_t count = 1;
  for (int64_t d = NOut; d < L; ++d)
    count *= p[d];
  acc_t<TY> acc = 0;
  for (int64_t r = 0; r < count; ++r) {
    int64_t off = base, rr = r;
    for (int64_t d = L - 1; d >= NOut; --d) {
      off += (rr % p[d]) * p[L + d];
      rr /= p[d];
    }
    acc += (acc_t<TY>)ld<TA>(a[off]);
  }
  y[task] = sv<TY>(acc);
  return true;
}

/// Einsum of two operands: as einsum1, with P = extents, then strides of a, then of b.
template <typename TA, typename TB, typename TY, int64_t NOut, int64_t NRed, int64_t... P>
MC_HD bool einsum2(const st<TA> *a, const st<TB> *b, st<TY> *y, int64_t task) {
  constexpr int64_t L = NOut + NRed;
  const int64_t p[] = {P..., 0};
  int64_t baseA = 0, baseB = 0, rem = task;
  for (int64_t d = NOut - 1; d >= 0; --d) {
    const int64_t idx = rem % p[d];
    baseA += idx * p[L + d];
    baseB += idx * p[2 * L + d];
    rem /= p[d];
  }
  int64_t count = 1;
  for (int64_t d = NOut; d < L; ++d)
    count *= p[d];
  acc_t<TY> acc = 0;
  for (int64_t r = 0; r < count; ++r) {
    int64_t offA = baseA, offB = baseB, rr = r;
    for (int64_t d = L - 1; d >= NOut; --d) {
      const int64_t idx = rr % p[d];
      offA += idx * p[L + d];
      offB += idx * p[2 * L + d];
      rr /= p[d];
    }
    acc += (acc_t<TY>)ld<TA>(a[offA]) * (acc_t<TY>)ld<TB>(b[offB]);
  }
  y[task] = sv<TY>(acc);
  return true;
}

//===----------------------------------------------------------------------===//
// Det
//===----------------------------------------------------------------------===//

/// Determinant of one N x N matrix per task by LU decomposition with partial pivoting in
/// double precision; `scratch` holds N * N doubles per task.
template <typename TX, typename TY, typename TS, int64_t N>
MC_HD bool det(const st<TX> *x, st<TY> *y, st<TS> *scratch, int64_t task) {
  double *a = reinterpret_cast<double *>(scratch) + task * N * N;
  for (int64_t e = 0; e < N * N; ++e)
    a[e] = (double)ld<TX>(x[task * N * N + e]);
  double result = 1;
  for (int64_t c = 0; c < N; ++c) {
    int64_t pivot = c;
    for (int64_t r = c + 1; r < N; ++r)
      if (fabs_(a[r * N + c]) > fabs_(a[pivot * N + c]))
        pivot = r;
    if (a[pivot * N + c] == 0) {
      result = 0;
      break;
    }
    if (pivot != c) {
      for (int64_t e = 0; e < N; ++e) {
        const double t = a[c * N + e];
        a[c * N + e] = a[pivot * N + e];
        a[pivot * N + e] = t;
      }
      result = -result;
    }
    const double diag = a[c * N + c];
    result *= diag;
    for (int64_t r = c + 1; r < N; ++r) {
      const double f = a[r * N + c] / diag;
      for (int64_t e = c + 1; e < N; ++e)
        a[r * N + e] -= f * a[c * N + e];
    }
  }
  y[task] = sv<TY>(result);
  return true;
}

//===----------------------------------------------------------------------===//
// MatMul / Gemm / Conv on any element type
//===----------------------------------------------------------------------===//

/// Batched matrix product, one output row per task: task = batch * M + m, with `NB` output
/// batch dimensions; P = output batch extents, A's batch strides, B's batch strides (0 where
/// broadcast). Gemm: op(A) / op(B) transposed by TransA / TransB, `alpha * AB + beta * C` with
/// C read at m * CSM + n * CSN (HasC). 16-bit floats round where the reference does.
template <typename TA, typename TB, typename TC, typename TY, int64_t M, int64_t N, int64_t K,
          int64_t TransA, int64_t TransB, int64_t HasC, int64_t CSM, int64_t CSN, int64_t NB,
          int64_t... P>
MC_HD bool matmul(const st<TA> *a, const st<TB> *b, const st<TC> *c, st<TY> *y, double alpha,
                  double beta, int64_t task) {
  const int64_t p[] = {P..., 0};
  const int64_t batch = task / M, m = task % M;
  int64_t offA = 0, offB = 0, rem = batch;
  for (int64_t d = NB - 1; d >= 0; --d) {
    const int64_t idx = rem % p[d];
    offA += idx * p[NB + d];
    offB += idx * p[2 * NB + d];
    rem /= p[d];
  }
  for (int64_t n = 0; n < N; ++n) {
    acc_t<TY> acc = 0;
    for (int64_t kk = 0; kk < K; ++kk) {
      const int64_t ai = offA + (TransA ? kk * M + m : m * K + kk);
      const int64_t bi = offB + (TransB ? n * K + kk : kk * N + n);
      acc += (acc_t<TY>)ld<TA>(a[ai]) * (acc_t<TY>)ld<TB>(b[bi]);
    }
    if (alpha == 1.0 && (!HasC || beta == 1.0)) {
      ct<TY> r = rnd<TY>(acc);
      if (HasC)
        r = rnd<TY>(r + (ct<TY>)ld<TC>(c[m * CSM + n * CSN]));
      y[task * N + n] = sv<TY>(r);
    } else {
      double r = (double)rnd<TY>(alpha * (double)rnd<TY>(acc));
      if (HasC)
        r = (double)rnd<TY>(r + (double)rnd<TY>(beta * (double)ld<TC>(c[m * CSM + n * CSN])));
      y[task * N + n] = sv<TY>(r);
    }
  }
  return true;
}

/// Direct N-d convolution (ONNX Conv), one output element per task: task enumerates
/// (n, m, spatial output position) row-major. P = input extents, kernel extents, output
/// extents, strides, begin pads, dilations (R values each). Bias (HasBias) has M elements.
template <typename TX, typename TW, typename TB, typename TY, int64_t C, int64_t M, int64_t G,
          int64_t HasBias, int64_t R, int64_t... P>
MC_HD bool conv(const st<TX> *x, const st<TW> *w, const st<TB> *bias, st<TY> *y, int64_t task) {
  const int64_t p[] = {P..., 0};
  const int64_t *in = p, *ker = p + R, *out = p + 2 * R, *stride = p + 3 * R, *pad = p + 4 * R,
                *dil = p + 5 * R;
  int64_t outSize = 1, inSize = 1, kerSize = 1;
  for (int64_t d = 0; d < R; ++d) {
    outSize *= out[d];
    inSize *= in[d];
    kerSize *= ker[d];
  }
  const int64_t spatial = task % outSize, nm = task / outSize, m = nm % M, n = nm / M;
  constexpr int64_t CG = C / G, MG = M / G;
  const int64_t g = m / MG;
  acc_t<TY> acc = HasBias ? (acc_t<TY>)ld<TB>(bias[m]) : (acc_t<TY>)0;
  for (int64_t c = 0; c < CG; ++c) {
    const st<TX> *xc = x + (n * C + g * CG + c) * inSize;
    const st<TW> *wc = w + (m * CG + c) * kerSize;
    for (int64_t kidx = 0; kidx < kerSize; ++kidx) {
      int64_t inOff = 0, kr = kidx, sr = spatial, inStride = 1;
      bool inside = true;
      for (int64_t d = R - 1; d >= 0; --d) {
        const int64_t kd = kr % ker[d], od = sr % out[d];
        kr /= ker[d];
        sr /= out[d];
        const int64_t id = od * stride[d] - pad[d] + kd * dil[d];
        if (id < 0 || id >= in[d])
          inside = false;
        inOff += id * inStride;
        inStride *= in[d];
      }
      if (inside)
        acc += (acc_t<TY>)ld<TX>(xc[inOff]) * (acc_t<TY>)ld<TW>(wc[kidx]);
    }
  }
  y[task] = sv<TY>(acc);
  return true;
}

} // namespace mc
