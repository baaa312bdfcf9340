// mc_gemm.h - Header-only float32 GEMM and depthwise convolution kernels for generated CPU code.
//
// modelc's CPU bundles instantiate these templates with a configuration struct whose members are
// literals (problem sizes, strides, cache blocks, register tile), so the host compiler sees every
// loop bound and stride as a constant. The GEMM is BLIS-style: B is packed into kc x nr panels,
// A into mr x kc panels (or both come pre-packed from the weights file, see PackGemmWeights), and
// an mr x nr register tile of accumulators runs over kc. The micro-kernel implementation is chosen
// at compile time from the instruction set the compiler targets (-march): AVX-512F, AVX2 + FMA, or
// a portable one (GCC/Clang vector extensions, plain C++ elsewhere). Every variant computes any
// tile shape correctly; the tile modelc chose for its --cpu target is what makes it fast.
//
// Work is split into `parts` (one per thread of the model's pool): a part owns a rectangle of the
// output's micro-tile grid (or whole batch entries) and runs the full K loop on it, so parts
// never write the same element and the epilogue (bias, activation, residual add) runs on each
// output tile right after its last K block, while the tile is still in L1.
//
// Plain C++17 with intrinsics; no allocation: each part gets scratch memory from the caller.
#ifndef MODELC_RUNTIME_MIN_MC_GEMM_H
#define MODELC_RUNTIME_MIN_MC_GEMM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <limits>
#include <type_traits>
#include <utility>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#if defined(__GNUC__)
#define MC_GEMM_INLINE inline __attribute__((always_inline))
#define MC_GEMM_NOINLINE __attribute__((noinline))
#define MC_GEMM_RESTRICT __restrict__
#else
#define MC_GEMM_INLINE inline
#define MC_GEMM_NOINLINE
#define MC_GEMM_RESTRICT
#endif

// Everything lives in an inline namespace named after the instruction set, so that bundles
// built with different -march flags can be linked into one program: their template
// instantiations get different symbols instead of silently replacing each other.
#if defined(__AVX512F__)
#define MC_GEMM_ISA_NAMESPACE isa_avx512f
#elif defined(__AVX2__) && defined(__FMA__)
#define MC_GEMM_ISA_NAMESPACE isa_avx2_fma
#else
#define MC_GEMM_ISA_NAMESPACE isa_generic
#endif

namespace mc_gemm {
inline namespace MC_GEMM_ISA_NAMESPACE {

//===----------------------------------------------------------------------===//
// Vector types: the only instruction-set-specific code.
//===----------------------------------------------------------------------===//

#if defined(__AVX512F__)
/// 16 float lanes in a zmm register.
struct Vec {
  using T = __m512;
  static constexpr int kLanes = 16;
  static MC_GEMM_INLINE T zero() { return _mm512_setzero_ps(); }
  static MC_GEMM_INLINE T load(const float *p) { return _mm512_loadu_ps(p); }
  static MC_GEMM_INLINE void store(float *p, T v) { _mm512_storeu_ps(p, v); }
  static MC_GEMM_INLINE T broadcast(float x) { return _mm512_set1_ps(x); }
  static MC_GEMM_INLINE T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static MC_GEMM_INLINE T add(T a, T b) { return _mm512_add_ps(a, b); }
  static MC_GEMM_INLINE T mul(T a, T b) { return _mm512_mul_ps(a, b); }
  // Lanes [lo, hi) as a mask, both clamped to [0, 16] (empty when hi <= lo).
  static MC_GEMM_INLINE __mmask16 lanes(int64_t lo, int64_t hi) {
    lo = lo < 0 ? 0 : (lo > 16 ? 16 : lo);
    hi = hi < lo ? lo : (hi > 16 ? 16 : hi);
    return __mmask16(((1u << hi) - 1u) & ~((1u << lo) - 1u));
  }
  // The first n lanes (0 <= n <= kLanes) of p, zeros in the others; masked-off lanes are not
  // read. storeN writes only the first n lanes.
  static MC_GEMM_INLINE __mmask16 firstN(int64_t n) { return lanes(0, n); }
  static MC_GEMM_INLINE T loadN(const float *p, int64_t n) {
    return _mm512_maskz_loadu_ps(firstN(n), p);
  }
  static MC_GEMM_INLINE void storeN(float *p, T v, int64_t n) {
    _mm512_mask_storeu_ps(p, firstN(n), v);
  }
  // Lane l in [lo, hi) gets element 2 l of the floats at address `base` (lane 0's, which
  // may lie outside the data when lo > 0), the other lanes 0; reads elements
  // [2 lo, 2 hi - 1) only: the taps and the odd elements between them.
  static MC_GEMM_INLINE T loadStride2Lanes(uintptr_t base, int64_t lo, int64_t hi) {
    const int64_t e0 = 2 * (lo < 0 ? 0 : lo), e1 = 2 * hi - 1;
    const T a = _mm512_maskz_loadu_ps(lanes(e0, e1), reinterpret_cast<const float *>(base));
    const T b =
        _mm512_maskz_loadu_ps(lanes(e0 - 16, e1 - 16), reinterpret_cast<const float *>(base + 64u));
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                           28, 30);
    return _mm512_permutex2var_ps(a, even, b);
  }
  // p[0], p[2], ..., p[2 * (n - 1)] in the first n lanes; reads p[0 .. 2n - 2] only.
  static constexpr bool kHasLoadStride2 = true;
  static MC_GEMM_INLINE T loadStride2N(const float *p, int64_t n) {
    return loadStride2Lanes(reinterpret_cast<uintptr_t>(p), 0, n);
  }
  // p[0], p[2], ..., p[30]; reads p[0 .. 31].
  static MC_GEMM_INLINE T loadStride2(const float *p) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                           28, 30);
    return _mm512_permutex2var_ps(_mm512_loadu_ps(p), even, _mm512_loadu_ps(p + 16));
  }
};
inline constexpr const char *kIsa = "avx512f";
#elif defined(__AVX2__) && defined(__FMA__)
/// 8 float lanes in a ymm register.
struct Vec {
  using T = __m256;
  static constexpr int kLanes = 8;
  static MC_GEMM_INLINE T zero() { return _mm256_setzero_ps(); }
  static MC_GEMM_INLINE T load(const float *p) { return _mm256_loadu_ps(p); }
  static MC_GEMM_INLINE void store(float *p, T v) { _mm256_storeu_ps(p, v); }
  static MC_GEMM_INLINE T broadcast(float x) { return _mm256_set1_ps(x); }
  static MC_GEMM_INLINE T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static MC_GEMM_INLINE T add(T a, T b) { return _mm256_add_ps(a, b); }
  static MC_GEMM_INLINE T mul(T a, T b) { return _mm256_mul_ps(a, b); }
  static MC_GEMM_INLINE __m256i firstN(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  // Lanes [lo, hi) as a vmaskmovps mask, both clamped to [0, 8] (empty when hi <= lo).
  static MC_GEMM_INLINE __m256i lanes(int64_t lo, int64_t hi) {
    lo = lo < 0 ? 0 : (lo > 8 ? 8 : lo);
    hi = hi < 0 ? 0 : (hi > 8 ? 8 : hi);
    return _mm256_andnot_si256(firstN(lo), firstN(hi));
  }
  static MC_GEMM_INLINE T loadN(const float *p, int64_t n) {
    return _mm256_maskload_ps(p, firstN(n));
  }
  static MC_GEMM_INLINE void storeN(float *p, T v, int64_t n) {
    _mm256_maskstore_ps(p, firstN(n), v);
  }
  static constexpr bool kHasLoadStride2 = false; // no masked stride-2 loads (loadStride2N)
  // The even lanes of a, then those of b: [a0 a2 a4 a6 b0 b2 b4 b6].
  static MC_GEMM_INLINE T evenLanes(T a, T b) {
    // [a0 a2 b0 b2 | a4 a6 b4 b6], then the middle 64-bit halves swapped.
    const T even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  // p[0], p[2], ..., p[14]; reads p[0 .. 15].
  static MC_GEMM_INLINE T loadStride2(const float *p) {
    return evenLanes(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8));
  }
};
inline constexpr const char *kIsa = "avx2+fma";
#elif defined(__GNUC__)
/// 4 float lanes through the compiler's vector extension (SSE2, NEON, ...).
struct Vec {
  typedef float T __attribute__((vector_size(16)));
  static constexpr int kLanes = 4;
  static MC_GEMM_INLINE T zero() { return T{0.0f, 0.0f, 0.0f, 0.0f}; }
  static MC_GEMM_INLINE T load(const float *p) {
    T v;
    memcpy(&v, p, sizeof(v));
    return v;
  }
  static MC_GEMM_INLINE void store(float *p, T v) { memcpy(p, &v, sizeof(v)); }
  static MC_GEMM_INLINE T broadcast(float x) { return T{x, x, x, x}; }
  static MC_GEMM_INLINE T fma(T a, T b, T c) { return a * b + c; }
  static MC_GEMM_INLINE T add(T a, T b) { return a + b; }
  static MC_GEMM_INLINE T mul(T a, T b) { return a * b; }
  static MC_GEMM_INLINE T loadN(const float *p, int64_t n) {
    T v = zero();
    memcpy(&v, p, size_t(n) * sizeof(float));
    return v;
  }
  static MC_GEMM_INLINE void storeN(float *p, T v, int64_t n) {
    memcpy(p, &v, size_t(n) * sizeof(float));
  }
  static constexpr bool kHasLoadStride2 = false;
  static MC_GEMM_INLINE T loadStride2(const float *p) { return T{p[0], p[2], p[4], p[6]}; }
};
inline constexpr const char *kIsa = "generic";
#else
/// One lane: plain C++ for compilers without vector extensions.
struct Vec {
  using T = float;
  static constexpr int kLanes = 1;
  static MC_GEMM_INLINE T zero() { return 0.0f; }
  static MC_GEMM_INLINE T load(const float *p) { return *p; }
  static MC_GEMM_INLINE void store(float *p, T v) { *p = v; }
  static MC_GEMM_INLINE T broadcast(float x) { return x; }
  static MC_GEMM_INLINE T fma(T a, T b, T c) { return a * b + c; }
  static MC_GEMM_INLINE T add(T a, T b) { return a + b; }
  static MC_GEMM_INLINE T mul(T a, T b) { return a * b; }
  static MC_GEMM_INLINE T loadN(const float *p, int64_t n) { return n > 0 ? *p : 0.0f; }
  static MC_GEMM_INLINE void storeN(float *p, T v, int64_t n) {
    if (n > 0)
      *p = v;
  }
  static constexpr bool kHasLoadStride2 = false;
  static MC_GEMM_INLINE T loadStride2(const float *p) { return *p; }
};
inline constexpr const char *kIsa = "generic";
#endif

/// One lane, used when a register tile's width is not a multiple of Vec's lanes.
struct Scalar {
  using T = float;
  static constexpr int kLanes = 1;
  static MC_GEMM_INLINE T zero() { return 0.0f; }
  static MC_GEMM_INLINE T load(const float *p) { return *p; }
  static MC_GEMM_INLINE void store(float *p, T v) { *p = v; }
  static MC_GEMM_INLINE T broadcast(float x) { return x; }
  static MC_GEMM_INLINE T fma(T a, T b, T c) { return a * b + c; }
  static MC_GEMM_INLINE T add(T a, T b) { return a + b; }
  static MC_GEMM_INLINE T mul(T a, T b) { return a * b; }
};

/// e^x in float, written so that compilers vectorize loops calling it (no calls, no branches):
/// x = n ln2 + r with |r| <= ln2 / 2 (up to ln2 for x > 88.03), e^r by the Cephes polynomial,
/// 2^n through the exponent bits. Error at most 4 ulp (2.4e-7 relative); NaN stays NaN,
/// x > 88.72 gives +inf and x < -87.33 gives 0 (where e^x would be a denormal, < 1.2e-38).
MC_GEMM_INLINE float expf(float x) {
  const float hi = 88.7228317f, lo = -87.3365479f;
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  // n = round(x / ln2) by the 1.5 * 2^23 trick: its low mantissa bits hold n.
  const float magic = 12582912.0f;
  float t = xc * 1.44269504089f + magic;
  t = t > magic + 127.0f ? magic + 127.0f : t; // 2^n must stay finite: |r| grows up to ln2 there
  const float n = t - magic;
  uint32_t bits;
  memcpy(&bits, &t, sizeof(bits));
  const uint32_t e = (bits - 0x4B400000u + 127u) << 23;
  float scale;
  memcpy(&scale, &e, sizeof(scale));
  const float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r * r + r + 1.0f;
  const float result = er * scale;
  return x > hi ? std::numeric_limits<float>::infinity() : (x < lo ? 0.0f : result);
}

/// erf(x) for float in plain branch-free C++ that compilers vectorize inside loops (std::erf
/// stays a scalar libm call): |x| <= 1 as x * P(x^2), 1 < |x| < 4 as 1 - exp(-x^2 + G(|x| - 2.5))
/// with expf above, +-1 beyond; P (degree 6) and G (degree 9) are least-squares fits made for
/// modelc. Measured against double erf on [-6, 6] in steps of 1e-5: at most 2.3 ulp (relative
/// error 1.7e-7); signed zeros, subnormals, infinities and NaN come out as std::erf's.
MC_GEMM_INLINE float erff(float x) {
  const float a = x < 0.0f ? -x : x;
  const float u = x * x;
  float p = 7.897514297e-05f;
  p = p * u + -8.024130948e-04f;
  p = p * u + 5.190026015e-03f;
  p = p * u + -2.685479261e-02f;
  p = p * u + 1.128361225e-01f;
  p = p * u + -3.761262894e-01f;
  p = p * u + 1.128379226e+00f;
  const float small = x * p;
  const float ac = a < 4.0f ? a : 4.0f;
  const float t = ac - 2.5f;
  float g = -6.582514800e-08f;
  g = g * t + 1.614053417e-06f;
  g = g * t + -1.297614835e-05f;
  g = g * t + 7.739445573e-05f;
  g = g * t + -4.207069287e-04f;
  g = g * t + 2.165160375e-03f;
  g = g * t + -1.085816510e-02f;
  g = g * t + 5.610635877e-02f;
  g = g * t + -3.526807427e-01f;
  g = g * t + -1.556815267e+00f;
  const float big = a >= 4.0f ? 1.0f : 1.0f - expf(g - ac * ac);
  const float signedBig = x < 0.0f ? -big : big;
  return a <= 1.0f ? small : (a == a ? signedBig : x);
}

/// The vector type for register tiles nr wide.
template <int NR> struct VecFor {
  using type = typename std::conditional<NR % Vec::kLanes == 0, Vec, Scalar>::type;
};

//===----------------------------------------------------------------------===//
// Micro-kernels
//===----------------------------------------------------------------------===//

/// Per-part resources handed to a kernel by the generated run(): the number of parts the work
/// is split into and scratch memory (`scratchStride` floats per part, 64-byte aligned).
struct Parts {
  int64_t count;
  float *scratch;
  int64_t scratchStride;
};

/// The epilogue of kernels that have none. An epilogue is any class with
/// `void operator()(int64_t outer, int64_t row, int64_t col0, float *c, int64_t count) const`
/// that rewrites c[0, count): the finished outputs (outer, row, col0 + j), see each kernel.
struct NoEpilogue {
  MC_GEMM_INLINE void operator()(int64_t, int64_t, int64_t, float *, int64_t) const {}
};
template <class Epilogue> struct HasEpilogue {
  static constexpr bool value = !std::is_same<Epilogue, NoEpilogue>::value;
};

/// The largest of its arguments (scratch sizes of a model's kernels).
constexpr int64_t maxOf(int64_t a) { return a; }
template <class... Rest> constexpr int64_t maxOf(int64_t a, int64_t b, Rest... rest) {
  return maxOf(a > b ? a : b, rest...);
}

/// C[r][v * lanes + l] (+)= alpha * sum_k A[k * MR + r] * B[k * NR + v * lanes + l] for rows
/// r < MRE and vectors v < NVE: the first MRE rows and NVE vectors of an MR x NR tile, A and B
/// being packed panels (MR and NR floats per k step). `accumulate` adds to C.
template <class V, int MRE, int NVE, int MR, int NR>
MC_GEMM_NOINLINE void microKernel(int64_t kc, const float *MC_GEMM_RESTRICT a,
                                  const float *MC_GEMM_RESTRICT b, float *MC_GEMM_RESTRICT c,
                                  int64_t ldc, bool accumulate, float alpha) {
  constexpr int L = V::kLanes;
  typename V::T acc[MRE][NVE];
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
  for (int r = 0; r < MRE; ++r)
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
    for (int v = 0; v < NVE; ++v)
      acc[r][v] = V::zero();
#if defined(__GNUC__)
      // The C tile is read at the end (accumulate) and written: start fetching it now, so that
      // its cache misses overlap the k loop instead of following it.
#pragma GCC unroll 16
  for (int r = 0; r < MRE; ++r) {
    __builtin_prefetch(c + r * ldc, 1, 3);
    __builtin_prefetch(c + r * ldc + NVE * L - 1, 1, 3);
  }
#endif
  for (int64_t k = 0; k < kc; ++k) {
#if defined(__GNUC__)
    // A streams once through each tile (pre-packed weights are often beyond L2): fetch it
    // 4 KiB ahead. Measured on ResNet-18's 7x7 layers (512 x 49 x 4608): 4.4 -> 2.5 ms, the
    // whole model 37.7 -> 31.3 ms at 1 thread; 1-2 KiB ahead gained less, 8 KiB lost some.
    __builtin_prefetch(a + 1024, 0, 3);
    // B's panel (kc x NR, often larger than L1) comes from L2: fetch its rows 4 k steps
    // ahead, every cache line of them. 1024^3 with B pre-packed, 1 thread on the Intel
    // machine of docs/Performance.md: 183 -> 197 GFLOP/s (2 or 8 steps ahead: about the same).
#pragma GCC unroll 16
    for (int o = 0; o < NVE * L; o += 16)
      __builtin_prefetch(b + 4 * NR + o, 0, 3);
#endif
    typename V::T bv[NVE];
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
    for (int v = 0; v < NVE; ++v)
      bv[v] = V::load(b + v * L);
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
    for (int r = 0; r < MRE; ++r) {
      const typename V::T av = V::broadcast(a[r]);
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
      for (int v = 0; v < NVE; ++v)
        acc[r][v] = V::fma(av, bv[v], acc[r][v]);
    }
    a += MR;
    b += NR;
  }
  const typename V::T va = V::broadcast(alpha);
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
  for (int r = 0; r < MRE; ++r)
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
    for (int v = 0; v < NVE; ++v) {
      typename V::T x = alpha == 1.0f ? acc[r][v] : V::mul(acc[r][v], va);
      float *p = c + r * ldc + v * L;
      V::store(p, accumulate ? V::add(V::load(p), x) : x);
    }
}

/// Whether narrowKernel exists for register tiles MR rows high: MR floats must form one
/// vector of the compiler's vector extension (a power of two).
template <int MR> struct HasNarrowKernel {
#if defined(__GNUC__)
  static constexpr bool value = MR == 4 || MR == 8 || MR == 16;
#else
  static constexpr bool value = false;
#endif
};

#if defined(__GNUC__)
/// N floats as one vector of the compiler's vector extension (a typedef inside narrowKernel
/// with a dependent vector_size is not supported by g++).
template <int N> struct FloatVector;
template <> struct FloatVector<4> { typedef float T __attribute__((vector_size(16))); };
template <> struct FloatVector<8> { typedef float T __attribute__((vector_size(32))); };
template <> struct FloatVector<16> { typedef float T __attribute__((vector_size(64))); };

/// An edge tile only COLS (1-4) columns wide, as the last panel of a GEMM whose N is just
/// above a multiple of NR (a 7x7 feature map: N = 49 = 48 + 1). The MR x NR micro-kernel would
/// spend a whole vector of FMAs per row on it; here the vectors run along the MR rows of the
/// A panel instead (one FMA per column and k step), with 4 independent accumulators over k to
/// cover the FMA latency. Writes rows [0, rows) of C.
template <int COLS, int MR, int NR>
MC_GEMM_NOINLINE void narrowKernel(int64_t kc, const float *MC_GEMM_RESTRICT a,
                                   const float *MC_GEMM_RESTRICT b, float *MC_GEMM_RESTRICT c,
                                   int64_t ldc, int64_t rows, bool accumulate, float alpha) {
  using R = typename FloatVector<MR>::T;
  constexpr int U = 4;
  R acc[U][COLS];
#pragma GCC unroll 16
  for (int u = 0; u < U; ++u)
#pragma GCC unroll 4
    for (int j = 0; j < COLS; ++j)
      acc[u][j] = R{};
  int64_t k = 0;
  for (; k + U <= kc; k += U) {
    __builtin_prefetch(a + 1024, 0, 3);
#pragma GCC unroll 4
    for (int u = 0; u < U; ++u) {
      R av;
      memcpy(&av, a + u * MR, sizeof(av));
#pragma GCC unroll 4
      for (int j = 0; j < COLS; ++j)
        acc[u][j] += av * b[u * NR + j];
    }
    a += U * MR;
    b += U * NR;
  }
  for (; k < kc; ++k) {
    R av;
    memcpy(&av, a, sizeof(av));
#pragma GCC unroll 4
    for (int j = 0; j < COLS; ++j)
      acc[0][j] += av * b[j];
    a += MR;
    b += NR;
  }
#pragma GCC unroll 4
  for (int j = 0; j < COLS; ++j) {
    const R sum = (acc[0][j] + acc[1][j]) + (acc[2][j] + acc[3][j]);
    for (int64_t r = 0; r < rows; ++r) {
      const float x = alpha == 1.0f ? sum[r] : alpha * sum[r];
      float *p = c + r * ldc + j;
      *p = accumulate ? *p + x : x;
    }
  }
}

using NarrowKernelFn = void (*)(int64_t, const float *, const float *, float *, int64_t, int64_t,
                                bool, float);
template <int MR, int NR> NarrowKernelFn narrowKernelFor(int64_t cols) {
  static constexpr NarrowKernelFn table[] = {&narrowKernel<1, MR, NR>, &narrowKernel<2, MR, NR>,
                                             &narrowKernel<3, MR, NR>, &narrowKernel<4, MR, NR>};
  return table[cols - 1];
}
#endif

using MicroKernelFn = void (*)(int64_t, const float *, const float *, float *, int64_t, bool,
                               float);

template <class V, int MR, int NR, size_t... I>
MicroKernelFn pickMicroKernel(int index, std::index_sequence<I...>) {
  constexpr int kVectors = NR / V::kLanes;
  static constexpr MicroKernelFn table[] = {
      &microKernel<V, int(I) / kVectors + 1, int(I) % kVectors + 1, MR, NR>...};
  return table[index];
}

/// The micro-kernel for an edge tile of `rows` <= MR rows and `vectors` <= NR / lanes vectors.
template <class V, int MR, int NR> MicroKernelFn microKernelFor(int rows, int vectors) {
  constexpr int kVectors = NR / V::kLanes;
  return pickMicroKernel<V, MR, NR>((rows - 1) * kVectors + (vectors - 1),
                                    std::make_index_sequence<MR * kVectors>());
}

//===----------------------------------------------------------------------===//
// Packing
//===----------------------------------------------------------------------===//

/// Packs rows [i0, i0 + rows) x depth [p0, p0 + kc) of op(A) (M x K; A is K x M when TRANS)
/// into MR-row panels: panel q holds dst[q * kc * MR + k * MR + r]; rows past the end are 0.
template <int64_t M, int64_t K, bool TRANS, int MR>
MC_GEMM_INLINE void packA(const float *MC_GEMM_RESTRICT a, int64_t i0, int64_t rows, int64_t p0,
                          int64_t kc, float *MC_GEMM_RESTRICT dst) {
  for (int64_t q = 0; q < rows; q += MR) {
    const int64_t n = rows - q < MR ? rows - q : MR;
    float *d = dst + q / MR * kc * MR;
    if (TRANS) {
      for (int64_t k = 0; k < kc; ++k) {
        const float *s = a + (p0 + k) * M + i0 + q;
        for (int64_t r = 0; r < n; ++r)
          d[k * MR + r] = s[r];
        for (int64_t r = n; r < MR; ++r)
          d[k * MR + r] = 0.0f;
      }
    } else {
      for (int64_t r = 0; r < n; ++r) {
        const float *s = a + (i0 + q + r) * K + p0;
        for (int64_t k = 0; k < kc; ++k)
          d[k * MR + r] = s[k];
      }
      for (int64_t r = n; r < MR; ++r)
        for (int64_t k = 0; k < kc; ++k)
          d[k * MR + r] = 0.0f;
    }
  }
}

/// Packs depth [p0, p0 + kc) x columns [j0, j0 + cols) of op(B) (K x N; B is N x K when TRANS)
/// into NR-column panels: panel q holds dst[q * kc * NR + k * NR + c]; columns past the end are 0.
template <int64_t N, int64_t K, bool TRANS, int NR>
MC_GEMM_INLINE void packB(const float *MC_GEMM_RESTRICT b, int64_t j0, int64_t cols, int64_t p0,
                          int64_t kc, float *MC_GEMM_RESTRICT dst) {
  if (!TRANS) {
    // Row by row, so that B is read as contiguous runs of `cols` floats (rows of B are N
    // apart: reading a panel's kc rows one after another would touch a new page per row).
    const int64_t full = cols / NR * NR;
    for (int64_t k = 0; k < kc; ++k) {
      const float *s = b + (p0 + k) * N + j0;
      for (int64_t q = 0; q < full; q += NR)
        memcpy(dst + q * kc + k * NR, s + q, NR * sizeof(float));
      if (full < cols) {
        float *d = dst + full * kc + k * NR;
        for (int64_t c = 0; c < cols - full; ++c)
          d[c] = s[full + c];
        for (int64_t c = cols - full; c < NR; ++c)
          d[c] = 0.0f;
      }
    }
    return;
  }
  for (int64_t q = 0; q < cols; q += NR) {
    const int64_t n = cols - q < NR ? cols - q : NR;
    float *d = dst + q / NR * kc * NR;
    for (int64_t c = 0; c < n; ++c) {
      const float *s = b + (j0 + q + c) * K + p0;
      for (int64_t k = 0; k < kc; ++k)
        d[k * NR + c] = s[k];
    }
    for (int64_t c = n; c < NR; ++c)
      for (int64_t k = 0; k < kc; ++k)
        d[k * NR + c] = 0.0f;
  }
}

/// Whether a GEMM configuration's B is the im2col unfolding of an image (kIm2col, see
/// packBIm2col); configurations without the member have a plain B.
template <class Cfg, class = void> struct BIsIm2col : std::false_type {};
template <class Cfg>
struct BIsIm2col<Cfg, decltype(void(Cfg::kIm2col))> : std::integral_constant<bool, Cfg::kIm2col> {};

/// Output columns [lo, hi) of OW whose tap at input offset `off` (ox * SW + off) lies inside
/// a row of W floats.
template <int64_t W, int64_t OW, int64_t SW>
MC_GEMM_INLINE void insideColumns(int64_t off, int64_t &lo, int64_t &hi) {
  lo = off >= 0 ? 0 : (-off + SW - 1) / SW;
  hi = W - 1 - off < 0 ? 0 : (W - 1 - off) / SW + 1;
  lo = lo < OW ? lo : OW;
  hi = hi < OW ? hi : OW;
  hi = hi > lo ? hi : lo;
}

/// One run of an im2col row: out[t] = row[x0 + t * S] for t in [a, b), 0 for the other t in
/// [0, run) (the padding). Only row[x0 + a * S .. x0 + (b - 1) * S] is read; row may be null
/// when a == b. Vector types with masked loads and stores copy whole vectors (S = 1, or S = 2
/// where V can de-interleave), others go element by element.
template <class V, int64_t S>
MC_GEMM_INLINE void gatherRun(float *MC_GEMM_RESTRICT out, const float *MC_GEMM_RESTRICT row,
                              int64_t x0, int64_t a, int64_t b, int64_t run) {
  constexpr int64_t L = V::kLanes;
  if constexpr (L > 1 && (S == 1 || (S == 2 && V::kHasLoadStride2))) {
    for (int64_t t = 0; t < a; t += L)
      V::storeN(out + t, V::zero(), a - t < L ? a - t : L);
    for (int64_t t = a; t < b; t += L) {
      const int64_t n = b - t < L ? b - t : L;
      const float *p = row + (x0 + t * S);
      if constexpr (S == 1) {
        if (n == L)
          V::store(out + t, V::load(p));
        else
          V::storeN(out + t, V::loadN(p, n), n);
      }
      else
        V::storeN(out + t, V::loadStride2N(p, n), n);
    }
    for (int64_t t = b; t < run; t += L)
      V::storeN(out + t, V::zero(), run - t < L ? run - t : L);
  } else {
    for (int64_t t = 0; t < a; ++t)
      out[t] = 0.0f;
    for (int64_t t = a; t < b; ++t)
      out[t] = row[x0 + t * S];
    for (int64_t t = b; t < run; ++t)
      out[t] = 0.0f;
  }
}

/// One depth row of an im2col panel in registers (NR / Vec::kLanes of them), zeros at first;
/// mergeRun fills it where the instruction set has masked loads (AVX-512, AVX2).
template <int NV> struct MergedRow {
  Vec::T v[NV];
  MergedRow() {
    for (int i = 0; i < NV; ++i)
      v[i] = Vec::zero();
  }
  Vec::T &operator[](int i) { return v[i]; }
};

/// Stores a merged row's NV vectors at d.
template <int NV> MC_GEMM_INLINE void storeMergedRow(float *d, MergedRow<NV> &r) {
#if defined(__GNUC__)
#pragma GCC unroll 4
#endif
  for (int v = 0; v < NV; ++v)
    Vec::store(d + Vec::kLanes * v, r[v]);
}

#if defined(__AVX512F__) && defined(__GNUC__)
/// Puts row[x0 + (l - shift) * S] into the lanes l in [lo, hi) of a merged row: one masked
/// load per register the lanes touch, each from the address lane 0 of that register would
/// have (outside the row for the other lanes, which are masked off and neither read nor
/// faulted). Stride 1 only here.
template <int NV, int64_t S>
MC_GEMM_INLINE void mergeRun(MergedRow<NV> &r, const float *row, int64_t x0, int64_t lo,
                             int64_t hi, int64_t shift) {
  static_assert(S == 1, "AVX-512 merges stride-1 runs only");
  const uintptr_t base = reinterpret_cast<uintptr_t>(row) + uintptr_t(x0 - shift) * 4u;
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v)
    if (const __mmask16 m = Vec::lanes(lo - 16 * v, hi - 16 * v))
      r[v] = _mm512_mask_loadu_ps(r[v], m, reinterpret_cast<const float *>(base + 64u * v));
}

#elif defined(__AVX2__) && defined(__FMA__) && defined(__GNUC__)
// With AVX2 merged rows are what keep the packing off masked stores (vmaskmovps to memory),
// which AMD's Zen cores run as long microcoded sequences: on a Zen 3 a 64-channel 56x56 3x3
// conv spent 31% of its time packing (see docs/Performance.md).

/// As the AVX-512 mergeRun, for stride 1 and 2: lane l in [lo, hi) gets row[x0 + (l - shift)
/// * S]. Masked loads never read (nor fault on) masked-off elements and give zeros there, so
/// OR-ing them into the row leaves the other runs' lanes as they were. At stride 2 two loads
/// cover a register's 16 elements (the taps and the odd ones between them) and a shuffle
/// keeps the even ones.
template <int NV, int64_t S>
MC_GEMM_INLINE void mergeRun(MergedRow<NV> &r, const float *row, int64_t x0, int64_t lo,
                             int64_t hi, int64_t shift) {
  static_assert(S == 1 || S == 2, "AVX2 merges stride-1 and stride-2 runs");
  const uintptr_t base = reinterpret_cast<uintptr_t>(row) + uintptr_t(x0 - shift * S) * 4u;
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int64_t l0 = lo - 8 * v, l1 = hi - 8 * v;
    if (l1 <= 0 || l0 >= 8 || l1 <= l0)
      continue;
    const uintptr_t p = base + uintptr_t(32 * S) * uintptr_t(v);
    if constexpr (S == 1) {
      const __m256 x = _mm256_maskload_ps(reinterpret_cast<const float *>(p), Vec::lanes(l0, l1));
      r[v] = _mm256_or_ps(r[v], x);
    } else {
      // Elements [2 l0, 2 l1 - 1) of the 16 from p.
      const int64_t e0 = 2 * (l0 < 0 ? 0 : l0), e1 = 2 * l1 - 1;
      const __m256 a = _mm256_maskload_ps(reinterpret_cast<const float *>(p), Vec::lanes(e0, e1));
      const __m256 b =
          _mm256_maskload_ps(reinterpret_cast<const float *>(p + 32u), Vec::lanes(e0 - 8, e1 - 8));
      r[v] = _mm256_or_ps(r[v], Vec::evenLanes(a, b));
    }
  }
}

#else
template <int NV, int64_t S>
MC_GEMM_INLINE void mergeRun(MergedRow<NV> &, const float *, int64_t, int64_t, int64_t,
                             int64_t) {}
#endif

/// Packs like packB, but B is the im2col unfolding of one image group (C x H x W with
/// C = K / (KH * KW) channels): B[k][p] with k = (c * KH + i) * KW + j and output pixel
/// p = oy * OW + ox holds the input at (oy * SH - PT + i * DH, ox * SW - PL + j * DW) of channel
/// c, 0 in the padding. The columns are never materialized: each depth row of a panel is read
/// from the image as runs of one output row. Panels are filled one after the other, so the
/// stores stream through one kc x NR panel (filling all panels of the block row by row put every
/// store of a depth row kc * NR floats apart: the same L1 sets, and measured slower).
template <class Cfg, int NR>
MC_GEMM_INLINE void packBIm2col(const float *MC_GEMM_RESTRICT img, int64_t j0, int64_t cols,
                                int64_t p0, int64_t kc, float *MC_GEMM_RESTRICT dst) {
  constexpr int64_t H = Cfg::kH, W = Cfg::kW, OW = Cfg::kOW, KH = Cfg::kKH, KW = Cfg::kKW;
  constexpr int64_t SH = Cfg::kSH, SW = Cfg::kSW, DH = Cfg::kDH, DW = Cfg::kDW;
  constexpr int64_t PT = Cfg::kPT, PL = Cfg::kPL;
  // Stride 1 with AVX-512: each depth row of a panel is assembled in NR / 16 registers by
  // masked loads that put every run at its columns, then stored as whole vectors (cache
  // lines when the scratch is 64-byte aligned), instead of partial masked stores per run:
  // a 64-channel 56x56 3x3 conv 1.73 -> 1.68 ms.
  // With AVX2 the same, at stride 1 and 2 (see MergedRow).
#if defined(__AVX512F__) && defined(__GNUC__)
  constexpr bool kMergeRows = SW == 1 && NR % 16 == 0;
#elif defined(__AVX2__) && defined(__FMA__) && defined(__GNUC__)
  constexpr bool kMergeRows = (SW == 1 || SW == 2) && NR % 8 == 0;
#else
  constexpr bool kMergeRows = false;
#endif
  constexpr int64_t L = Vec::kLanes;
  constexpr bool kFastRuns = L > 1 && NR % L == 0 && (SW == 1 || (SW == 2 && L >= 8));
  for (int64_t q = 0; q < cols; q += NR) {
    const int64_t width = cols - q < NR ? cols - q : NR; // columns of this panel
    float *panel = dst + q / NR * (kc * NR);
    const int64_t oyFirst = (j0 + q) / OW, oxFirst = (j0 + q) % OW;
    // A full panel inside one output row: each of its depth rows is one run, and most runs
    // lie inside the image row (no padding), copied by whole-vector loads and stores without
    // the run bookkeeping below. That bookkeeping costs as much as the copy itself, which
    // matters when M is small (each packed float feeds only M FMAs): 64-channel 56x56 3x3
    // conv on a Zen 3 (AVX2), 28% of the time in packing before.
    const bool oneRun = width == NR && oxFirst + NR <= OW;
    for (int64_t k = 0; k < kc; ++k) {
      const int64_t r = p0 + k, j = r % KW, i = r / KW % KH, c = r / (KW * KH);
      const float *src = img + c * H * W;
      if constexpr (kFastRuns) {
        if (oneRun) {
          const int64_t y = oyFirst * SH - PT + i * DH, x = oxFirst * SW + j * DW - PL;
          float *d = panel + k * NR;
          if (y < 0 || y >= H) {
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
            for (int v = 0; v < NR / L; ++v)
              Vec::store(d + v * L, Vec::zero());
            continue;
          }
          // The last vector reads up to element x + NR * SW - 1 (at stride 2 one past its last
          // tap): inside the row.
          if (x >= 0 && x + NR * SW <= W) {
            const float *p = src + y * W + x;
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
            for (int v = 0; v < NR / L; ++v) {
              if constexpr (SW == 1)
                Vec::store(d + v * L, Vec::load(p + v * L));
              else
                Vec::store(d + v * L, Vec::loadStride2(p + 2 * v * L));
            }
            continue;
          }
        }
      }
      // Output columns [lo, hi) of a row read inside the image row: 0 <= ox * SW + off < W.
      const int64_t off = j * DW - PL;
      int64_t lo, hi;
      insideColumns<W, OW, SW>(off, lo, hi);
      float *d = panel + k * NR;
      // The depth row's NR floats, zeros at first.
      MergedRow<kMergeRows ? NR / L : 1> rowv;
      (void)rowv;
#if defined(__GNUC__)
      // The image rows the next panel reads, into L2: each depth row reads from another
      // channel, more streams than the hardware prefetcher follows. Once per (c, i), as the
      // rows of the KW taps share their cache lines.
      if (j == 0 && q + NR < cols) {
        const int64_t pn = j0 + q + NR, yn = pn / OW * SH - PT + i * DH;
        const int64_t xn = pn % OW * SW + off;
        if (yn >= 0 && yn < H) {
          const char *line = reinterpret_cast<const char *>(src + yn * W + (xn > 0 ? xn : 0));
          for (int64_t byte = 0; byte < NR * SW * 4; byte += 64)
            __builtin_prefetch(line + byte, 0, 2);
        }
      }
#endif
      int64_t jj = 0, oy = oyFirst, ox0 = oxFirst;
      while (jj < width) { // a run: the rest of output row oy, up to the end of the panel
        int64_t run = OW - ox0;
        run = run < width - jj ? run : width - jj;
        const int64_t y = oy * SH - PT + i * DH;
        const float *row = nullptr;
        int64_t a = 0, b = 0; // the run's columns [a, b) read inside the image
        if (y >= 0 && y < H) {
          row = src + y * W;
          a = lo - ox0;
          b = hi - ox0;
          a = a < 0 ? 0 : (a > run ? run : a);
          b = b < a ? a : (b > run ? run : b);
        }
        if constexpr (kMergeRows)
          mergeRun<kMergeRows ? NR / L : 1, SW>(rowv, row, ox0 * SW + off, jj + a, jj + b, jj);
        else
          gatherRun<Vec, SW>(d + jj, row, ox0 * SW + off, a, b, run);
        jj += run;
        ox0 = 0;
        ++oy;
      }
      if constexpr (kMergeRows) {
        storeMergedRow(d, rowv);
      } else {
        for (; jj < NR; ++jj) // zero columns past the end of the last panel
          d[jj] = 0.0f;
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// GEMM
//===----------------------------------------------------------------------===//

/// Splits [0, n) into `parts` contiguous ranges whose sizes differ by at most one; range i.
MC_GEMM_INLINE void splitRange(int64_t n, int64_t parts, int64_t i, int64_t &begin, int64_t &end) {
  const int64_t base = n / parts, extra = n % parts;
  begin = i * base + (i < extra ? i : extra);
  end = begin + base + (i < extra ? 1 : 0);
}

/// Scratch floats one part of a GEMM of configuration Cfg needs.
template <class Cfg> constexpr int64_t gemmScratchFloats() {
  return (Cfg::kPackedA ? 0 : Cfg::kMC * Cfg::kKC) + (Cfg::kPackedB ? 0 : Cfg::kKC * Cfg::kNC) +
         Cfg::kMR * Cfg::kNR + 16;
}

/// Runs one output rectangle (micro-tile rows [ti0, ti1), columns [tj0, tj1)) of batch entry
/// `bi` over the full depth, BLIS loop order jc > pc > ic > jr > ir.
template <class Cfg, class Epilogue>
void gemmRect(const float *a, const float *b, float *c, int64_t bi, int64_t ti0, int64_t ti1,
              int64_t tj0, int64_t tj1, float *scratch, const Epilogue &ep) {
  constexpr int MR = int(Cfg::kMR), NR = int(Cfg::kNR);
  constexpr int64_t M = Cfg::kM, N = Cfg::kN, K = Cfg::kK;
  constexpr int64_t MC = Cfg::kMC, KC = Cfg::kKC, NC = Cfg::kNC;
  static_assert(MC % MR == 0 && NC % NR == 0, "cache blocks must hold whole register tiles");
  using V = typename VecFor<NR>::type;
  constexpr int NV = NR / V::kLanes;
  // Edge tiles of at most 4 columns go to narrowKernel where vectors are 8 lanes or wider.
  constexpr bool kNarrow = HasNarrowKernel<MR>::value && V::kLanes >= 8;
  float *packedA = scratch;
  float *packedB = packedA + (Cfg::kPackedA ? 0 : MC * KC);
  float *tile = packedB + (Cfg::kPackedB ? 0 : KC * NC);
  const int64_t i0 = ti0 * MR, i1 = ti1 * MR < M ? ti1 * MR : M;
  const int64_t j0 = tj0 * NR, j1 = tj1 * NR < N ? tj1 * NR : N;
  if (K == 0) { // An empty sum: zeros, then the epilogue.
    for (int64_t i = i0; i < i1; ++i) {
      for (int64_t j = j0; j < j1; ++j)
        c[i * N + j] = 0.0f;
      if (HasEpilogue<Epilogue>::value && j1 > j0)
        ep(bi, i, j0, c + i * N + j0, j1 - j0);
    }
    return;
  }
  for (int64_t jc = j0; jc < j1; jc += NC) {
    const int64_t nc = j1 - jc < NC ? j1 - jc : NC;
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = K - pc < KC ? K - pc : KC;
      const bool last = pc + kc == K;
      // Packed B panels: pre-packed ones span the full depth K, run-time ones kc.
      const float *bp;
      int64_t bStride;
      if (Cfg::kPackedB) {
        bp = b + jc / NR * (K * NR) + pc * NR;
        bStride = K * NR;
      } else {
        if constexpr (BIsIm2col<Cfg>::value)
          packBIm2col<Cfg, NR>(b, jc, nc, pc, kc, packedB);
        else
          packB<N, K, Cfg::kTransB, NR>(b, jc, nc, pc, kc, packedB);
        bp = packedB;
        bStride = kc * NR;
      }
      for (int64_t ic = i0; ic < i1; ic += MC) {
        const int64_t mc = i1 - ic < MC ? i1 - ic : MC;
        const float *ap;
        int64_t aStride;
        if (Cfg::kPackedA) {
          ap = a + ic / MR * (K * MR) + pc * MR;
          aStride = K * MR;
        } else {
          packA<M, K, Cfg::kTransA, MR>(a, ic, mc, pc, kc, packedA);
          ap = packedA;
          aStride = kc * MR;
        }
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t cols = nc - jr < NR ? nc - jr : NR;
          const int vectors = int((cols + V::kLanes - 1) / V::kLanes);
          const float *bpanel = bp + jr / NR * bStride;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t rows = mc - ir < MR ? mc - ir : MR;
            const float *apanel = ap + ir / MR * aStride;
            float *ct = c + (ic + ir) * N + jc + jr;
            if (kNarrow && cols <= 4) {
#if defined(__GNUC__)
              if constexpr (kNarrow)
                narrowKernelFor<MR, NR>(cols)(kc, apanel, bpanel, ct, N, rows, pc > 0,
                                              Cfg::kAlpha);
#endif
            } else if (rows == MR && cols == NR) {
              microKernel<V, MR, NV, MR, NR>(kc, apanel, bpanel, ct, N, pc > 0, Cfg::kAlpha);
            } else if (cols == int64_t(vectors) * V::kLanes) {
              microKernelFor<V, MR, NR>(int(rows), vectors)(kc, apanel, bpanel, ct, N, pc > 0,
                                                            Cfg::kAlpha);
            } else {
              // A partial vector: compute into the tile buffer, then copy the valid columns.
              microKernelFor<V, MR, NR>(int(rows), vectors)(kc, apanel, bpanel, tile, NR, false,
                                                            Cfg::kAlpha);
              for (int64_t r = 0; r < rows; ++r)
                for (int64_t j = 0; j < cols; ++j)
                  ct[r * N + j] = pc > 0 ? ct[r * N + j] + tile[r * NR + j] : tile[r * NR + j];
            }
            if (HasEpilogue<Epilogue>::value && last)
              for (int64_t r = 0; r < rows; ++r)
                ep(bi, ic + ir + r, jc + jr, ct + r * N, cols);
          }
        }
      }
    }
  }
}

/// Picks how `parts` parts share an mt x nt grid of register tiles: pm row groups times pn
/// column groups (pm * pn <= parts), minimizing the largest part's compute plus its packing,
/// counted over the rows and columns each part really has (a last tile narrower than MR x NR
/// counts for its width: with N = 49 = 48 + 1, two column groups would leave one part all
/// the work).
template <class Cfg> void splitGrid(int64_t parts, int64_t &pm, int64_t &pn) {
  constexpr int64_t mt = (Cfg::kM + Cfg::kMR - 1) / Cfg::kMR;
  constexpr int64_t nt = (Cfg::kN + Cfg::kNR - 1) / Cfg::kNR;
  // Elements of group g of `groups` over `tiles` tiles of `tile` elements, `total` in all.
  auto extent = [](int64_t tiles, int64_t groups, int64_t g, int64_t tile, int64_t total) {
    int64_t t0, t1;
    splitRange(tiles, groups, g, t0, t1);
    const int64_t e0 = t0 * tile, e1 = t1 * tile < total ? t1 * tile : total;
    return e1 > e0 ? double(e1 - e0) : 0.0;
  };
  double best = -1.0;
  pm = pn = 1;
  for (int64_t m = 1; m <= parts && m <= mt; ++m) {
    const int64_t n = parts / m < nt ? parts / m : nt;
    // Compute in units of FMA lane-ops / 16 (about one cycle), packing one cycle per float.
    double worst = 0.0;
    for (int64_t gi = 0; gi < m; ++gi) {
      const double rows = extent(mt, m, gi, Cfg::kMR, Cfg::kM);
      for (int64_t gj = 0; gj < n; ++gj) {
        const double cols = extent(nt, n, gj, Cfg::kNR, Cfg::kN);
        double cost = rows * cols * double(Cfg::kK) / 16.0;
        if (!Cfg::kPackedA)
          cost += rows * double(Cfg::kK);
        if (!Cfg::kPackedB)
          cost += cols * double(Cfg::kK);
        worst = cost > worst ? cost : worst;
      }
    }
    if (best < 0.0 || worst < best) {
      best = worst;
      pm = m;
      pn = n;
    }
  }
}

/// Part `part` of the batched GEMM C[b] = alpha * op(A[b]) x op(B[b]) (+ epilogue) described by
/// Cfg: kBatch, kM, kN, kK, kTransA, kTransB, kPackedA, kPackedB, kAlpha, the tile kMC, kKC,
/// kNC, kMR, kNR and the element offsets aOffset(bi), bOffset(bi) of each batch entry (C's is
/// bi * M * N). Pre-packed operands (kPackedA / kPackedB) hold full-depth panels,
/// [panel][K][MR] and [panel][K][NR], zero-padded; a pre-packed operand is never transposed.
template <class Cfg, class Epilogue>
void gemm(const float *a, const float *b, float *c, int64_t part, const Parts &parts,
          const Epilogue &ep) {
  static_assert(!(Cfg::kPackedA && Cfg::kTransA) && !(Cfg::kPackedB && Cfg::kTransB),
                "pre-packed operands are not transposed");
  constexpr int64_t mt = (Cfg::kM + Cfg::kMR - 1) / Cfg::kMR;
  constexpr int64_t nt = (Cfg::kN + Cfg::kNR - 1) / Cfg::kNR;
  float *scratch = parts.scratch + part * parts.scratchStride;
  const int64_t count = parts.count < 1 ? 1 : parts.count;
  if (Cfg::kBatch >= 2 * count || Cfg::kBatch % count == 0) {
    // Enough batch entries: each part runs whole GEMMs.
    int64_t b0, b1;
    splitRange(Cfg::kBatch, count, part, b0, b1);
    for (int64_t bi = b0; bi < b1; ++bi)
      gemmRect<Cfg>(a + Cfg::aOffset(bi), b + Cfg::bOffset(bi), c + bi * Cfg::kM * Cfg::kN, bi, 0,
                    mt, 0, nt, scratch, ep);
    return;
  }
  int64_t pm, pn;
  splitGrid<Cfg>(count, pm, pn);
  if (part >= pm * pn)
    return;
  int64_t ti0, ti1, tj0, tj1;
  splitRange(mt, pm, part / pn, ti0, ti1);
  splitRange(nt, pn, part % pn, tj0, tj1);
  for (int64_t bi = 0; bi < Cfg::kBatch; ++bi)
    gemmRect<Cfg>(a + Cfg::aOffset(bi), b + Cfg::bOffset(bi), c + bi * Cfg::kM * Cfg::kN, bi, ti0,
                  ti1, tj0, tj1, scratch, ep);
}

/// Packs op(A) (M x K, A being K x M when `trans`) into full-depth MR-row panels, the layout of
/// a pre-packed A: dst[q * K * MR + k * MR + r] = op(A)[q * MR + r][k], zero past row M.
/// dst holds ceil(M / MR) * K * MR floats. (modelc packs weights with the same layout.)
inline void packFullA(const float *a, int64_t m, int64_t k, bool trans, int64_t mr, float *dst) {
  for (int64_t q = 0; q * mr < m; ++q)
    for (int64_t p = 0; p < k; ++p)
      for (int64_t r = 0; r < mr; ++r) {
        const int64_t i = q * mr + r;
        dst[(q * k + p) * mr + r] = i < m ? (trans ? a[p * m + i] : a[i * k + p]) : 0.0f;
      }
}

/// Packs op(B) (K x N, B being N x K when `trans`) into full-depth NR-column panels, the layout
/// of a pre-packed B: dst[q * K * NR + k * NR + c] = op(B)[k][q * NR + c], zero past column N.
inline void packFullB(const float *b, int64_t k, int64_t n, bool trans, int64_t nr, float *dst) {
  for (int64_t q = 0; q * nr < n; ++q)
    for (int64_t p = 0; p < k; ++p)
      for (int64_t c = 0; c < nr; ++c) {
        const int64_t j = q * nr + c;
        dst[(q * k + p) * nr + c] = j < n ? (trans ? b[j * k + p] : b[p * n + j]) : 0.0f;
      }
}

//===----------------------------------------------------------------------===//
// Depthwise convolution
//===----------------------------------------------------------------------===//

/// Geometry of the depthwise kernel's padded input plane: each padded row is stored as SW
/// phases (columns x with x % SW == phase, in order), so that the taps of consecutive output
/// columns read consecutive floats whatever the stride; rows and phases are wide enough for
/// output rows rounded up to whole vector groups. A group is up to four vectors computed
/// together, fewer when an output row is shorter (a 7-wide row with 16-lane vectors gets one
/// vector, not four of which three would be padding).
template <class Cfg> struct DepthwiseLayout {
  static constexpr int64_t kLanes = Vec::kLanes;
  static constexpr int64_t kGroupVectors =
      (Cfg::kOW + kLanes - 1) / kLanes < 4 ? (Cfg::kOW + kLanes - 1) / kLanes : 4;
  static constexpr int64_t kGroup = kGroupVectors * kLanes;
  static constexpr int64_t kOWR = (Cfg::kOW + kGroup - 1) / kGroup * kGroup;
  static constexpr int64_t kHP = (Cfg::kOH - 1) * Cfg::kSH + (Cfg::kKH - 1) * Cfg::kDH + 1;
  /// Floats of one phase: output columns [0, kOWR) plus the reach of the taps.
  static constexpr int64_t kPhase =
      (kOWR + ((Cfg::kKW - 1) * Cfg::kDW) / Cfg::kSW + 1 + 15) / 16 * 16;
  static constexpr int64_t kRow = kPhase * Cfg::kSW;
  /// Output rows computed together: with fewer than 8 accumulators per row (kGroupVectors),
  /// one row's tap chain is bound by the FMA latency (a 5x5 filter over a 14-wide row: 25
  /// dependent FMAs), so up to 8 / kGroupVectors rows share each weight broadcast.
  static constexpr int64_t kRowBlock = 8 / kGroupVectors < Cfg::kOH ? 8 / kGroupVectors
                                                                     : Cfg::kOH;
};

/// Whether a depthwise configuration's epilogue may run once over a whole output plane
/// (kPlaneEpilogue: it reads its inputs either per plane or at the plane's own flat offsets)
/// instead of once per output row; configurations without the member run it per row.
template <class Cfg, class = void> struct DepthwisePlaneEpilogue : std::false_type {};
template <class Cfg>
struct DepthwisePlaneEpilogue<Cfg, decltype(void(Cfg::kPlaneEpilogue))>
    : std::integral_constant<bool, Cfg::kPlaneEpilogue> {};

/// Whether a depthwise configuration's epilogue reads nothing but the output (kRunEpilogue: an
/// activation such as SiLU or Clip), so that it may run once over several consecutive output
/// planes: on 7x7 planes, a call per plane leaves a third of each 49-element run to the
/// vector loop's scalar tail.
template <class Cfg, class = void> struct DepthwiseRunEpilogue : std::false_type {};
template <class Cfg>
struct DepthwiseRunEpilogue<Cfg, decltype(void(Cfg::kRunEpilogue))>
    : std::integral_constant<bool, Cfg::kRunEpilogue> {};

/// Output elements a depthwise epilogue run (DepthwiseRunEpilogue) gathers before it runs:
/// enough for long vector loops, few enough to be still in L1/L2.
constexpr int64_t kDepthwiseEpilogueRun = 2048;

/// Scratch floats one part of a depthwise convolution of configuration Cfg needs: one padded
/// input plane and one block of output rows.
template <class Cfg> constexpr int64_t depthwiseScratchFloats() {
  using L = DepthwiseLayout<Cfg>;
  return L::kHP * L::kRow + L::kRowBlock * L::kOWR + 16;
}

/// Part `part` of a 2-d convolution with one input channel per group (depthwise, channel
/// multiplier kMult): input N x C x H x W, weight (C * kMult) x 1 x KH x KW, optional bias, output
/// N x (C * kMult) x OH x OW. Output planes are split among the parts. Each input plane is copied
/// once into a zero-padded, phase-split buffer (DepthwiseLayout), so the tap loops have no bounds
/// checks and read contiguous vectors; kRowBlock output rows are computed kGroupVectors vectors
/// at a time each in registers over all taps, then the epilogue gets each finished row as
/// ep(n * C * kMult + channel, oy, 0, row, OW), or, with DepthwisePlaneEpilogue, the finished
/// plane as ep(n * C * kMult + channel, 0, 0, plane, OH * OW): one long run the compiler
/// vectorizes, where a row of 7 or 14 outputs leaves most of the epilogue scalar.
template <class Cfg, class Epilogue>
void depthwise(const float *x, const float *w, const float *bias, float *y, int64_t part,
               const Parts &parts, const Epilogue &ep) {
  using L = DepthwiseLayout<Cfg>;
  using V = Vec;
  constexpr int64_t C = Cfg::kC, H = Cfg::kH, W = Cfg::kW, OH = Cfg::kOH, OW = Cfg::kOW;
  constexpr int64_t KH = Cfg::kKH, KW = Cfg::kKW, SH = Cfg::kSH, SW = Cfg::kSW;
  constexpr int64_t DH = Cfg::kDH, DW = Cfg::kDW, PT = Cfg::kPT, PL = Cfg::kPL;
  constexpr int64_t HP = L::kHP, PH = L::kPhase, ROW = L::kRow, LANES = V::kLanes;
  constexpr int64_t planes = Cfg::kN * C * Cfg::kMult;
  float *pad = parts.scratch + part * parts.scratchStride;
  float *row = pad + HP * ROW;
  const int64_t count = parts.count < 1 ? 1 : parts.count;
  int64_t q0, q1;
  splitRange(planes, count, part, q0, q1);
  int64_t padded = -1; // the input plane now in `pad`
  constexpr bool kRun = HasEpilogue<Epilogue>::value && DepthwisePlaneEpilogue<Cfg>::value &&
                        DepthwiseRunEpilogue<Cfg>::value;
  int64_t pending = q0; // with kRun, the first plane the epilogue has not seen
  for (int64_t q = q0; q < q1; ++q) {
    const int64_t n = q / (C * Cfg::kMult), oc = q % (C * Cfg::kMult), ic = oc / Cfg::kMult;
    const int64_t inPlane = n * C + ic;
    if (inPlane != padded) {
      const float *src = x + inPlane * H * W;
      for (int64_t r = 0; r < HP; ++r) {
        const int64_t sy = r - PT;
        float *d = pad + r * ROW;
        if (sy < 0 || sy >= H) {
          memset(d, 0, ROW * sizeof(float));
          continue;
        }
        const float *s = src + sy * W;
        for (int64_t ph = 0; ph < SW; ++ph) {
          // Phase entries i read input column i * SW + ph - PL: zeros, a copy, zeros.
          float *dp = d + ph * PH;
          const int64_t off = ph - PL;
          int64_t lo, hi;
          insideColumns<W, PH, SW>(off, lo, hi);
          gatherRun<V, SW>(dp, s, off, lo, hi, PH);
        }
      }
      padded = inPlane;
    }
    const float *wk = w + oc * KH * KW;
    const typename V::T b = V::broadcast(Cfg::kHasBias ? bias[oc] : 0.0f);
    float *out = y + q * OH * OW;
    constexpr int G = int(L::kGroupVectors), RB = int(L::kRowBlock);
    for (int64_t oy0 = 0; oy0 < OH; oy0 += RB) {
      // Rows past OH in the last block recompute row OH - 1 (their results are dropped).
      const float *src[RB];
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
      for (int r = 0; r < RB; ++r)
        src[r] = pad + (oy0 + r < OH ? oy0 + r : OH - 1) * SH * ROW;
      for (int64_t ox = 0; ox < L::kOWR; ox += G * LANES) {
        typename V::T acc[RB][G];
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
        for (int r = 0; r < RB; ++r)
          for (int g = 0; g < G; ++g)
            acc[r][g] = b;
        for (int64_t i = 0; i < KH; ++i) {
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
          for (int64_t j = 0; j < KW; ++j) {
            // Input column (ox + t) * SW + j * DW - PL, at phase (j * DW) % SW.
            const int64_t at = i * DH * ROW + ox + ((j * DW) % SW) * PH + (j * DW) / SW;
            const typename V::T wv = V::broadcast(wk[i * KW + j]);
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
            for (int r = 0; r < RB; ++r)
              for (int g = 0; g < G; ++g)
                acc[r][g] = V::fma(wv, V::load(src[r] + at + g * LANES), acc[r][g]);
          }
        }
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
        for (int r = 0; r < RB; ++r)
          for (int g = 0; g < G; ++g)
            V::store(row + r * L::kOWR + ox + g * LANES, acc[r][g]);
      }
      for (int r = 0; r < RB && oy0 + r < OH; ++r) {
        if (HasEpilogue<Epilogue>::value && !DepthwisePlaneEpilogue<Cfg>::value)
          ep(q, oy0 + r, 0, row + r * L::kOWR, OW);
        memcpy(out + (oy0 + r) * OW, row + r * L::kOWR, OW * sizeof(float));
      }
    }
    if (kRun) {
      if ((q + 1 - pending) * OH * OW >= kDepthwiseEpilogueRun || q + 1 == q1) {
        ep(pending, 0, 0, y + pending * OH * OW, (q + 1 - pending) * OH * OW);
        pending = q + 1;
      }
    } else if (HasEpilogue<Epilogue>::value && DepthwisePlaneEpilogue<Cfg>::value) {
      ep(q, 0, 0, out, OH * OW);
    }
  }
}

//===----------------------------------------------------------------------===//
// im2col
//===----------------------------------------------------------------------===//

/// Part `part` of im2col: input N x C x H x W to columns N x G x (C/G * KH * KW) x (OH * OW),
/// row (c * KH + i) * KW + j of group g holding input channel g * C/G + c under tap (i, j) for
/// every output pixel (0 in the padding). Rows are split among the parts; each row is written
/// as OH runs of OW values, each run a zero head, a (strided) copy and a zero tail.
template <class Cfg> void im2col(const float *x, float *col, int64_t part, const Parts &parts) {
  constexpr int64_t C = Cfg::kC, H = Cfg::kH, W = Cfg::kW, OH = Cfg::kOH, OW = Cfg::kOW;
  constexpr int64_t KH = Cfg::kKH, KW = Cfg::kKW, SH = Cfg::kSH, SW = Cfg::kSW;
  constexpr int64_t DH = Cfg::kDH, DW = Cfg::kDW, PT = Cfg::kPT, PL = Cfg::kPL;
  constexpr int64_t rows = Cfg::kN * C * KH * KW;
  const int64_t count = parts.count < 1 ? 1 : parts.count;
  int64_t r0, r1;
  splitRange(rows, count, part, r0, r1);
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t kj = r % KW, ki = r / KW % KH, plane = r / (KH * KW);
    const float *src = x + plane * H * W;
    float *dst = col + r * OH * OW;
    // Output columns [lo, hi) read inside the row: 0 <= ox * SW - PL + kj * DW < W.
    const int64_t off = kj * DW - PL;
    int64_t lo, hi;
    insideColumns<W, OW, SW>(off, lo, hi);
    for (int64_t oy = 0; oy < OH; ++oy) {
      const int64_t y = oy * SH - PT + ki * DH;
      float *d = dst + oy * OW;
      if (y < 0 || y >= H) {
        memset(d, 0, OW * sizeof(float));
        continue;
      }
      const float *s = src + y * W;
      for (int64_t ox = 0; ox < lo; ++ox)
        d[ox] = 0.0f;
      for (int64_t ox = lo; ox < hi; ++ox)
        d[ox] = s[ox * SW + off];
      for (int64_t ox = hi; ox < OW; ++ox)
        d[ox] = 0.0f;
    }
  }
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

#if defined(__AVX512F__)
/// One plane of max pooling at stride 1 or 2 with AVX-512: 16 outputs of a row at a time, each
/// tap a masked load (de-interleaved at stride 2) over the outputs whose tap lies inside the
/// row, a masked max (v > acc ? v : acc, as the scalar loop) and a NaN mask that makes the
/// output NaN when any tap is. SqueezeNet 1.1's 3x3 stride-2 pools: 128x55x55 0.45 -> 0.035
/// ms, 64x111x111 0.38 -> 0.25 ms.
template <class Cfg> void maxPoolPlaneAvx512(const float *src, float *dst) {
  constexpr int64_t H = Cfg::kH, W = Cfg::kW, OH = Cfg::kOH, OW = Cfg::kOW;
  constexpr int64_t KH = Cfg::kKH, KW = Cfg::kKW, SH = Cfg::kSH, SW = Cfg::kSW;
  constexpr int64_t DH = Cfg::kDH, DW = Cfg::kDW, PT = Cfg::kPT, PL = Cfg::kPL;
  static_assert(SW == 1 || SW == 2, "strides 1 and 2 only");
  const __m512 lowest = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  for (int64_t oy = 0; oy < OH; ++oy) {
    const int64_t ylo = oy * SH - PT;
    int64_t ky0 = 0, ky1 = KH;
    while (ky0 < KH && ylo + ky0 * DH < 0)
      ++ky0;
    while (ky1 > ky0 && ylo + (ky1 - 1) * DH >= H)
      --ky1;
    for (int64_t ox0 = 0; ox0 < OW; ox0 += 16) {
      const int64_t n = OW - ox0 < 16 ? OW - ox0 : 16;
      __m512 acc = lowest;
      __mmask16 nan = 0;
      for (int64_t ky = ky0; ky < ky1; ++ky) {
        const float *r = src + (ylo + ky * DH) * W;
        for (int64_t kx = 0; kx < KW; ++kx) {
          const int64_t off = kx * DW - PL;
          int64_t lo, hi;
          insideColumns<W, OW, SW>(off, lo, hi);
          const int64_t l0 = lo - ox0, l1 = (hi < ox0 + n ? hi : ox0 + n) - ox0;
          const __mmask16 m = Vec::lanes(l0, l1);
          if (!m)
            continue;
          // Lane l reads r[(ox0 + l) * SW + off]; addresses as integers, since lane 0's may
          // lie before the row (its lane is masked off then).
          const uintptr_t base = reinterpret_cast<uintptr_t>(r) + uintptr_t(ox0 * SW + off) * 4u;
          const __m512 v = SW == 1
                               ? _mm512_maskz_loadu_ps(m, reinterpret_cast<const float *>(base))
                               : Vec::loadStride2Lanes(base, l0, l1);
          acc = _mm512_mask_max_ps(acc, m, v, acc);
          nan |= _mm512_mask_cmp_ps_mask(m, v, v, _CMP_UNORD_Q);
        }
      }
      const __m512 out =
          _mm512_mask_blend_ps(nan, acc, _mm512_set1_ps(std::numeric_limits<float>::quiet_NaN()));
      _mm512_mask_storeu_ps(dst + oy * OW + ox0, Vec::firstN(n), out);
    }
  }
}
#endif

/// Part `part` of 2-d max or average pooling (kMax) over N x C x H x W, output N x C x OH x OW,
/// planes split among the parts. ONNX semantics as kernel.pool: padding never wins a max; an
/// average divides by the taps inside the input, or with kCountIncludePad by the taps inside the
/// padded extent (pads kPT/kPL before, kPB/kPR after). Global pooling (one window covering the
/// plane) is a vector reduction; otherwise each output row has a bounds-free interior.
template <class Cfg> void pool2d(const float *x, float *y, int64_t part, const Parts &parts) {
  constexpr int64_t H = Cfg::kH, W = Cfg::kW, OH = Cfg::kOH, OW = Cfg::kOW;
  constexpr int64_t KH = Cfg::kKH, KW = Cfg::kKW, SH = Cfg::kSH, SW = Cfg::kSW;
  constexpr int64_t DH = Cfg::kDH, DW = Cfg::kDW, PT = Cfg::kPT, PL = Cfg::kPL;
  constexpr bool MAX = Cfg::kMax;
  const int64_t count = parts.count < 1 ? 1 : parts.count;
  int64_t q0, q1;
  splitRange(Cfg::kN * Cfg::kC, count, part, q0, q1);
  auto combine = [](float acc, float v) { return MAX ? ((v > acc || v != v) ? v : acc) : acc + v; };
  constexpr float init = MAX ? -std::numeric_limits<float>::infinity() : 0.0f;
  constexpr bool global = OH == 1 && OW == 1 && KH == H && KW == W && PT == 0 && PL == 0 &&
                          Cfg::kPB == 0 && Cfg::kPR == 0 && DH == 1 && DW == 1;
  for (int64_t q = q0; q < q1; ++q) {
    const float *src = x + q * H * W;
    float *dst = y + q * OH * OW;
    if (global) {
      if (MAX) {
        float acc = init;
        for (int64_t i = 0; i < H * W; ++i)
          acc = combine(acc, src[i]);
        dst[0] = acc;
      } else {
        // Eight partial sums in vectors, then the lanes.
        using V = Vec;
        constexpr int64_t L = V::kLanes, full = H * W / (2 * L) * (2 * L);
        typename V::T s0 = V::zero(), s1 = V::zero();
        for (int64_t i = 0; i < full; i += 2 * L) {
          s0 = V::add(s0, V::load(src + i));
          s1 = V::add(s1, V::load(src + i + L));
        }
        float lanes[2 * L];
        V::store(lanes, s0);
        V::store(lanes + L, s1);
        float acc = 0.0f;
        for (int64_t l = 0; l < 2 * L; ++l)
          acc += lanes[l];
        for (int64_t i = full; i < H * W; ++i)
          acc += src[i];
        dst[0] = acc / float(H * W);
      }
      continue;
    }
#if defined(__AVX512F__)
    if constexpr (MAX && (SW == 1 || SW == 2)) {
      maxPoolPlaneAvx512<Cfg>(src, dst);
      continue;
    }
#endif
    // Row by row: acc[ox] combines the taps of output row oy, one input row and one kernel
    // column at a time over the output columns that tap lands inside the row, so the inner
    // loops are branch-free runs over ox (vectorized, strided loads for SW > 1). Each output
    // combines its taps in the same order as a per-output loop would (ky, then kx).
    // Max: acc keeps v > acc ? v : acc (one max instruction, which drops a NaN tap) and
    // nan[ox] records whether any tap was NaN; the output is NaN then, as ONNX propagates it.
    float acc[OW];
    uint32_t nan[MAX ? OW : 1]; // as wide as a float, so the loop vectorizes in one width
    for (int64_t oy = 0; oy < OH; ++oy) {
      const int64_t ylo = oy * SH - PT;
      int64_t ky0 = 0, ky1 = KH, padH = 0;
      while (ky0 < KH && ylo + ky0 * DH < 0)
        ++ky0;
      while (ky1 > ky0 && ylo + (ky1 - 1) * DH >= H)
        --ky1;
      for (int64_t t = 0; t < KH; ++t)
        padH += ylo + t * DH < H + Cfg::kPB;
      for (int64_t ox = 0; ox < OW; ++ox)
        acc[ox] = init;
      if (MAX)
        for (int64_t ox = 0; ox < OW; ++ox)
          nan[ox] = 0;
      for (int64_t ky = ky0; ky < ky1; ++ky) {
        const float *r = src + (ylo + ky * DH) * W;
        for (int64_t kx = 0; kx < KW; ++kx) {
          const int64_t off = kx * DW - PL;
          int64_t lo, hi;
          insideColumns<W, OW, SW>(off, lo, hi);
          if (MAX) {
            for (int64_t ox = lo; ox < hi; ++ox) {
              const float v = r[ox * SW + off];
              acc[ox] = v > acc[ox] ? v : acc[ox];
              nan[ox] |= uint32_t(v != v);
            }
          } else {
            for (int64_t ox = lo; ox < hi; ++ox)
              acc[ox] += r[ox * SW + off];
          }
        }
      }
      float *d = dst + oy * OW;
      if (MAX) {
        for (int64_t ox = 0; ox < OW; ++ox)
          d[ox] = nan[ox] ? std::numeric_limits<float>::quiet_NaN() : acc[ox];
        continue;
      }
      for (int64_t ox = 0; ox < OW; ++ox) {
        // Kernel columns of ox inside the row (or, counting padding, inside the padded row).
        const int64_t xlo = ox * SW - PL;
        int64_t inside = 0, padW = 0;
        for (int64_t t = 0; t < KW; ++t) {
          inside += xlo + t * DW >= 0 && xlo + t * DW < W;
          padW += xlo + t * DW < W + Cfg::kPR;
        }
        if (Cfg::kCountIncludePad) {
          d[ox] = acc[ox] / float(padH * padW);
        } else {
          const int64_t n = (ky1 - ky0) * inside;
          d[ox] = n ? acc[ox] / float(n) : 0.0f;
        }
      }
    }
  }
}

} // namespace MC_GEMM_ISA_NAMESPACE
} // namespace mc_gemm

#endif // MODELC_RUNTIME_MIN_MC_GEMM_H
