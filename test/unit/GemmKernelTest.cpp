// GemmKernelTest.cpp - Correctness of runtime_min/mc_gemm.h against a naive reference.
//
// Built once per instruction set (see test/unit/CMakeLists.txt): the portable variant, AVX2 + FMA
// and AVX-512F. A variant whose instructions this machine lacks skips its tests at run time (the
// AVX-512 build is at least compiled everywhere). The cases cover sizes that are not multiples
// of the register tile or the cache blocks, K split into several blocks, transposed and pre-packed
// operands, batches, several parts (run one after another here, as threads would run them), and
// an epilogue that must run exactly once per output element.
#include "mc_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

bool cpuHasIsa() {
#if defined(__x86_64__) && defined(__GNUC__)
#if defined(__AVX512F__)
  return __builtin_cpu_supports("avx512f");
#elif defined(__AVX2__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return true;
#endif
#else
  return true;
#endif
}

#define SKIP_WITHOUT_ISA()                                                                         \
  if (!cpuHasIsa())                                                                                \
  GTEST_SKIP() << "this machine lacks " << mc_gemm::kIsa

std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

template <int64_t BATCH, int64_t M, int64_t N, int64_t K, bool TA, bool TB, bool PA, bool PB,
          int64_t MC, int64_t KC, int64_t NC, int64_t MR, int64_t NR>
struct Cfg {
  static constexpr int64_t kBatch = BATCH, kM = M, kN = N, kK = K;
  static constexpr bool kTransA = TA, kTransB = TB, kPackedA = PA, kPackedB = PB;
  static constexpr float kAlpha = 1.0f;
  static constexpr int64_t kMC = MC, kKC = KC, kNC = NC, kMR = MR, kNR = NR;
  static constexpr int64_t kASize = PA ? (M + MR - 1) / MR * MR * K : M * K;
  static constexpr int64_t kBSize = PB ? (N + NR - 1) / NR * NR * K : N * K;
  static int64_t aOffset(int64_t bi) { return bi * kASize; }
  static int64_t bOffset(int64_t bi) { return bi * kBSize; }
};

/// out = 2 * acc + bias[row] + 1, so a missing or repeated application changes the result.
struct TestEpilogue {
  const float *bias;
  void operator()(int64_t, int64_t row, int64_t, float *c, int64_t n) const {
    for (int64_t j = 0; j < n; ++j)
      c[j] = 2.0f * c[j] + bias[row] + 1.0f;
  }
};

template <class C, bool EPILOGUE = false> void checkGemm(int64_t parts, unsigned seed) {
  constexpr int64_t M = C::kM, N = C::kN, K = C::kK;
  std::vector<float> a = randomVector(C::kBatch * M * K, seed);
  std::vector<float> b = randomVector(C::kBatch * K * N, seed + 1);
  std::vector<float> bias = randomVector(M, seed + 2);
  // Reference, in double: op(A) is a[i][p] or a[p][i]; op(B) is b[p][j] or b[j][p].
  std::vector<double> ref(C::kBatch * M * N);
  for (int64_t bi = 0; bi < C::kBatch; ++bi)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = 0;
        for (int64_t p = 0; p < K; ++p) {
          double av = C::kTransA ? a[bi * M * K + p * M + i] : a[bi * M * K + i * K + p];
          double bv = C::kTransB ? b[bi * K * N + j * K + p] : b[bi * K * N + p * N + j];
          s += av * bv;
        }
        ref[(bi * M + i) * N + j] = EPILOGUE ? 2.0 * s + bias[i] + 1.0 : s;
      }
  // Operands as the kernel sees them (pre-packed where the configuration says so).
  std::vector<float> ka(C::kBatch * C::kASize), kb(C::kBatch * C::kBSize);
  for (int64_t bi = 0; bi < C::kBatch; ++bi) {
    if (C::kPackedA)
      mc_gemm::packFullA(a.data() + bi * M * K, M, K, C::kTransA, C::kMR,
                         ka.data() + bi * C::kASize);
    else
      std::copy(a.begin() + bi * M * K, a.begin() + (bi + 1) * M * K, ka.begin() + bi * M * K);
    if (C::kPackedB)
      mc_gemm::packFullB(b.data() + bi * K * N, K, N, C::kTransB, C::kNR,
                         kb.data() + bi * C::kBSize);
    else
      std::copy(b.begin() + bi * K * N, b.begin() + (bi + 1) * K * N, kb.begin() + bi * K * N);
  }
  using KC =
      Cfg<C::kBatch, M, N, K, C::kPackedA ? false : C::kTransA, C::kPackedB ? false : C::kTransB,
          C::kPackedA, C::kPackedB, C::kMC, C::kKC, C::kNC, C::kMR, C::kNR>;
  constexpr int64_t stride = (mc_gemm::gemmScratchFloats<KC>() + 15) / 16 * 16;
  std::vector<float> scratch(parts * stride + 16);
  std::vector<float> out(C::kBatch * M * N, NAN);
  mc_gemm::Parts p{parts, scratch.data(), stride};
  for (int64_t part = 0; part < parts; ++part) {
    if (EPILOGUE)
      mc_gemm::gemm<KC>(ka.data(), kb.data(), out.data(), part, p, TestEpilogue{bias.data()});
    else
      mc_gemm::gemm<KC>(ka.data(), kb.data(), out.data(), part, p, mc_gemm::NoEpilogue{});
  }
  int64_t bad = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    double tol = 1e-5 * double(K) + 1e-5 * std::fabs(ref[i]);
    if (!(std::fabs(out[i] - ref[i]) <= tol) && bad++ < 5)
      ADD_FAILURE() << "element " << i << " (batch " << i / (M * N) << ", row " << i / N % M
                    << ", col " << i % N << "): " << out[i] << ", expected " << ref[i];
  }
  EXPECT_EQ(bad, 0) << "of " << out.size() << " elements, " << parts << " part(s)";
}

// Register tiles of the three --cpu targets: 6x16 (x86-64-v3), 14x32 (x86-64-v4), 6x8 (generic).
TEST(GemmKernel, SquareMultipleOfTile) {
  SKIP_WITHOUT_ISA();
  checkGemm<Cfg<1, 48, 64, 32, false, false, false, false, 24, 16, 32, 6, 16>>(1, 1);
}

TEST(GemmKernel, OddSizesEveryTileShape) {
  SKIP_WITHOUT_ISA();
  checkGemm<Cfg<1, 37, 29, 41, false, false, false, false, 12, 16, 32, 6, 16>>(1, 2);
  checkGemm<Cfg<1, 37, 29, 41, false, false, false, false, 28, 16, 64, 14, 32>>(1, 3);
  checkGemm<Cfg<1, 37, 29, 41, false, false, false, false, 12, 8, 16, 6, 8>>(1, 4);
  checkGemm<Cfg<1, 5, 3, 7, false, false, false, false, 6, 8, 16, 6, 16>>(1, 5);
}

TEST(GemmKernel, SkinnyShapes) {
  SKIP_WITHOUT_ISA();
  checkGemm<Cfg<1, 1, 100, 64, false, false, false, false, 6, 32, 64, 6, 16>>(1, 6); // GEMV
  checkGemm<Cfg<1, 64, 10, 40, false, false, false, false, 24, 16, 16, 6, 16>>(2, 7);
  checkGemm<Cfg<1, 130, 1, 9, false, false, false, false, 24, 8, 16, 6, 16>>(2, 8);
  checkGemm<Cfg<1, 3, 5, 0, false, false, false, false, 6, 8, 16, 6, 16>>(1, 9); // K = 0
}

TEST(GemmKernel, Transposed) {
  SKIP_WITHOUT_ISA();
  checkGemm<Cfg<1, 19, 23, 17, true, false, false, false, 12, 8, 32, 6, 16>>(1, 10);
  checkGemm<Cfg<1, 19, 23, 17, false, true, false, false, 12, 8, 32, 6, 16>>(1, 11);
  checkGemm<Cfg<1, 19, 23, 17, true, true, false, false, 12, 8, 32, 6, 16>>(1, 12);
}

TEST(GemmKernel, PrePacked) {
  SKIP_WITHOUT_ISA();
  // Packed from transposed sources too: packing absorbs the transposition.
  checkGemm<Cfg<1, 19, 23, 33, false, false, true, false, 12, 8, 32, 6, 16>>(1, 13);
  checkGemm<Cfg<1, 19, 23, 33, false, true, false, true, 12, 8, 32, 6, 16>>(1, 14);
  checkGemm<Cfg<1, 19, 23, 33, true, false, true, true, 12, 8, 32, 6, 16>>(3, 15);
  checkGemm<Cfg<1, 45, 70, 33, false, false, true, false, 28, 16, 64, 14, 32>>(2, 16);
}

TEST(GemmKernel, NarrowEdgeTiles) {
  SKIP_WITHOUT_ISA();
  // N just above a multiple of the 48-wide tile (a 7x7 map: 49; 98 = 96 + 2; 52 = 48 + 4):
  // the last 1-4 columns take the narrow kernel (8-row tiles, 8+ lanes), partial row tiles
  // and K split into blocks (accumulating) included, with and without pre-packing.
  checkGemm<Cfg<1, 21, 49, 37, false, false, false, false, 16, 16, 96, 8, 48>>(1, 23);
  checkGemm<Cfg<1, 21, 98, 37, false, false, true, true, 16, 8, 96, 8, 48>>(2, 24);
  checkGemm<Cfg<1, 8, 51, 5, false, true, true, false, 8, 8, 48, 8, 48>, true>(1, 25);
  checkGemm<Cfg<1, 13, 52, 19, true, false, false, true, 16, 32, 48, 8, 48>, true>(3, 26);
}

TEST(GemmKernel, SplitWeighsNarrowEdgeTiles) {
  SKIP_WITHOUT_ISA();
  // 512 x 49 (a 7x7 map, B pre-packed): two column groups would be the 48-wide tile and the
  // 1-wide one, so two parts split the rows.
  int64_t pm = 0, pn = 0;
  mc_gemm::splitGrid<Cfg<1, 512, 49, 64, false, false, true, true, 64, 64, 96, 8, 48>>(2, pm, pn);
  EXPECT_EQ(pm, 2);
  EXPECT_EQ(pn, 1);
  // 64 x 3136 with B packed at run time: the columns split (rows would pack B twice).
  mc_gemm::splitGrid<Cfg<1, 64, 3136, 64, false, false, true, false, 64, 64, 480, 8, 48>>(2, pm,
                                                                                        pn);
  EXPECT_EQ(pm, 1);
  EXPECT_EQ(pn, 2);
}

TEST(GemmKernel, EpilogueOncePerElement) {
  SKIP_WITHOUT_ISA();
  // K = 41 with kc = 8: six K blocks, the epilogue only after the last.
  checkGemm<Cfg<1, 37, 29, 41, false, false, false, false, 12, 8, 32, 6, 16>, true>(1, 17);
  checkGemm<Cfg<1, 37, 29, 41, false, false, true, false, 12, 8, 32, 6, 16>, true>(3, 18);
  checkGemm<Cfg<1, 37, 29, 41, false, true, false, true, 12, 8, 16, 6, 8>, true>(2, 19);
}

TEST(GemmKernel, PartsAndBatches) {
  SKIP_WITHOUT_ISA();
  for (int64_t parts : {1, 2, 3, 4, 7}) {
    checkGemm<Cfg<1, 50, 70, 20, false, false, false, false, 12, 8, 32, 6, 16>>(parts, 20);
    checkGemm<Cfg<3, 13, 40, 9, false, false, false, false, 12, 8, 32, 6, 16>>(parts, 21);
    checkGemm<Cfg<4, 13, 40, 9, false, false, true, false, 12, 8, 32, 6, 16>, true>(parts, 22);
  }
}

template <int64_t N, int64_t C, int64_t MULT, int64_t H, int64_t W, int64_t KH, int64_t KW,
          int64_t S, int64_t P, int64_t D, bool BIAS, bool PLANE = false, bool RUN = false>
struct DwCfg {
  static constexpr int64_t kN = N, kC = C, kMult = MULT, kH = H, kW = W, kKH = KH, kKW = KW;
  static constexpr int64_t kSH = S, kSW = S, kDH = D, kDW = D, kPT = P, kPL = P;
  static constexpr int64_t kOH = (H + 2 * P - (KH - 1) * D - 1) / S + 1;
  static constexpr int64_t kOW = (W + 2 * P - (KW - 1) * D - 1) / S + 1;
  static constexpr bool kHasBias = BIAS;
  static constexpr bool kPlaneEpilogue = PLANE;
  static constexpr bool kRunEpilogue = RUN;
};

struct ReluEpilogue {
  void operator()(int64_t, int64_t, int64_t, float *c, int64_t n) const {
    for (int64_t j = 0; j < n; ++j)
      c[j] = c[j] > 0.0f ? c[j] : 0.0f;
  }
};

template <class C> void checkDepthwise(int64_t parts, unsigned seed) {
  constexpr int64_t OC = C::kC * C::kMult;
  std::vector<float> x = randomVector(C::kN * C::kC * C::kH * C::kW, seed);
  std::vector<float> w = randomVector(OC * C::kKH * C::kKW, seed + 1);
  std::vector<float> bias = randomVector(OC, seed + 2);
  std::vector<float> out(C::kN * OC * C::kOH * C::kOW, NAN);
  constexpr int64_t stride = (mc_gemm::depthwiseScratchFloats<C>() + 15) / 16 * 16;
  std::vector<float> scratch(parts * stride);
  mc_gemm::Parts p{parts, scratch.data(), stride};
  for (int64_t part = 0; part < parts; ++part)
    mc_gemm::depthwise<C>(x.data(), w.data(), bias.data(), out.data(), part, p, ReluEpilogue{});
  int64_t bad = 0;
  for (int64_t n = 0; n < C::kN; ++n)
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t oy = 0; oy < C::kOH; ++oy)
        for (int64_t ox = 0; ox < C::kOW; ++ox) {
          double s = C::kHasBias ? bias[oc] : 0.0;
          for (int64_t i = 0; i < C::kKH; ++i)
            for (int64_t j = 0; j < C::kKW; ++j) {
              int64_t y = oy * C::kSH - C::kPT + i * C::kDH, xx = ox * C::kSW - C::kPL + j * C::kDW;
              if (y >= 0 && y < C::kH && xx >= 0 && xx < C::kW)
                s += double(x[((n * C::kC + oc / C::kMult) * C::kH + y) * C::kW + xx]) *
                     w[(oc * C::kKH + i) * C::kKW + j];
            }
          s = s > 0 ? s : 0;
          float got = out[((n * OC + oc) * C::kOH + oy) * C::kOW + ox];
          if (!(std::fabs(got - s) <= 1e-5 + 1e-5 * std::fabs(s)) && bad++ < 5)
            ADD_FAILURE() << "n " << n << " c " << oc << " y " << oy << " x " << ox << ": " << got
                          << ", expected " << s;
        }
  EXPECT_EQ(bad, 0);
}

TEST(DepthwiseKernel, StridesPadsDilations) {
  SKIP_WITHOUT_ISA();
  checkDepthwise<DwCfg<1, 5, 1, 13, 11, 3, 3, 1, 1, 1, true>>(1, 30);
  checkDepthwise<DwCfg<2, 3, 1, 14, 17, 3, 3, 2, 1, 1, false>>(2, 31);
  checkDepthwise<DwCfg<1, 4, 1, 15, 15, 5, 5, 2, 2, 1, true>>(3, 32);
  checkDepthwise<DwCfg<1, 3, 2, 9, 10, 3, 3, 1, 2, 2, true>>(2, 33);
  checkDepthwise<DwCfg<1, 2, 1, 1, 1, 3, 3, 1, 1, 1, true>>(1, 34);
  // Rows wider than one group of vectors; stride and dilation together.
  checkDepthwise<DwCfg<1, 3, 1, 23, 45, 5, 5, 2, 2, 1, true>>(2, 35);
  checkDepthwise<DwCfg<1, 2, 1, 20, 37, 3, 3, 2, 2, 2, false>>(1, 36);
  checkDepthwise<DwCfg<1, 2, 1, 9, 70, 3, 3, 3, 1, 1, true>>(1, 37);
}

// The epilogue over whole planes (kPlaneEpilogue): each output plane gets exactly one call
// covering its OH * OW outputs, starting at the plane.
struct PlaneCallCheck {
  float *base;
  int64_t plane, *calls;
  void operator()(int64_t q, int64_t row, int64_t col0, float *c, int64_t n) const {
    EXPECT_EQ(row, 0);
    EXPECT_EQ(col0, 0);
    EXPECT_EQ(n, plane);
    EXPECT_EQ(c, base + q * plane);
    ++calls[q];
    ReluEpilogue{}(q, row, col0, c, n);
  }
};

TEST(DepthwiseKernel, PlaneEpilogue) {
  SKIP_WITHOUT_ISA();
  checkDepthwise<DwCfg<1, 5, 1, 13, 11, 3, 3, 1, 1, 1, true, true>>(2, 40);
  checkDepthwise<DwCfg<2, 3, 2, 14, 14, 3, 3, 2, 1, 1, false, true>>(3, 41);
  using C = DwCfg<2, 3, 1, 7, 7, 3, 3, 1, 1, 1, true, true>;
  constexpr int64_t planes = C::kN * C::kC, plane = C::kOH * C::kOW;
  std::vector<float> x = randomVector(planes * C::kH * C::kW, 42), w = randomVector(9 * C::kC, 43);
  std::vector<float> out(planes * plane);
  constexpr int64_t stride = (mc_gemm::depthwiseScratchFloats<C>() + 15) / 16 * 16;
  std::vector<float> scratch(2 * stride);
  std::vector<int64_t> calls(planes, 0);
  mc_gemm::Parts p{2, scratch.data(), stride};
  for (int64_t part = 0; part < 2; ++part)
    mc_gemm::depthwise<C>(x.data(), w.data(), w.data(), out.data(), part, p,
                          PlaneCallCheck{out.data(), plane, calls.data()});
  for (int64_t q = 0; q < planes; ++q)
    EXPECT_EQ(calls[q], 1) << "plane " << q;
}

// An output-only epilogue (kRunEpilogue) runs over several consecutive planes at once: every
// output element gets exactly one call, calls start at plane boundaries, and on small planes
// some call covers more than one plane.
struct RunCallCheck {
  float *base;
  int64_t plane;
  int64_t *seen, *longest;
  void operator()(int64_t q, int64_t row, int64_t col0, float *c, int64_t n) const {
    EXPECT_EQ(row, 0);
    EXPECT_EQ(col0, 0);
    EXPECT_EQ(c, base + q * plane);
    EXPECT_EQ(n % plane, 0);
    for (int64_t e = 0; e < n; ++e)
      ++seen[q * plane + e];
    *longest = n > *longest ? n : *longest;
    ReluEpilogue{}(q, row, col0, c, n);
  }
};

TEST(DepthwiseKernel, RunEpilogue) {
  SKIP_WITHOUT_ISA();
  // 7x7 planes with a 5x5 filter (EfficientNet's last stages), and a tail block of rows.
  checkDepthwise<DwCfg<1, 50, 1, 7, 7, 5, 5, 1, 2, 1, true, true, true>>(2, 50);
  checkDepthwise<DwCfg<1, 9, 1, 13, 11, 3, 3, 1, 1, 1, false, true, true>>(3, 51);
  using C = DwCfg<1, 100, 1, 7, 7, 3, 3, 1, 1, 1, true, true, true>;
  constexpr int64_t planes = C::kN * C::kC, plane = C::kOH * C::kOW;
  std::vector<float> x = randomVector(planes * C::kH * C::kW, 52), w = randomVector(9 * C::kC, 53);
  std::vector<float> out(planes * plane);
  constexpr int64_t stride = (mc_gemm::depthwiseScratchFloats<C>() + 15) / 16 * 16;
  std::vector<float> scratch(2 * stride);
  std::vector<int64_t> seen(planes * plane, 0);
  int64_t longest = 0;
  mc_gemm::Parts p{2, scratch.data(), stride};
  for (int64_t part = 0; part < 2; ++part)
    mc_gemm::depthwise<C>(x.data(), w.data(), w.data(), out.data(), part, p,
                          RunCallCheck{out.data(), plane, seen.data(), &longest});
  for (int64_t e = 0; e < planes * plane; ++e)
    ASSERT_EQ(seen[e], 1) << "element " << e;
  EXPECT_GT(longest, plane);
}

template <int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t S, int64_t P,
          int64_t D>
struct ColCfg {
  static constexpr int64_t kN = N, kC = C, kH = H, kW = W, kKH = KH, kKW = KW;
  static constexpr int64_t kSH = S, kSW = S, kDH = D, kDW = D, kPT = P, kPL = P;
  static constexpr int64_t kOH = (H + 2 * P - (KH - 1) * D - 1) / S + 1;
  static constexpr int64_t kOW = (W + 2 * P - (KW - 1) * D - 1) / S + 1;
};

template <class C> void checkIm2Col(int64_t parts, unsigned seed) {
  std::vector<float> x = randomVector(C::kN * C::kC * C::kH * C::kW, seed);
  constexpr int64_t rows = C::kN * C::kC * C::kKH * C::kKW, cols = C::kOH * C::kOW;
  std::vector<float> out(rows * cols, NAN);
  mc_gemm::Parts p{parts, nullptr, 0};
  for (int64_t part = 0; part < parts; ++part)
    mc_gemm::im2col<C>(x.data(), out.data(), part, p);
  int64_t bad = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t q = 0; q < cols; ++q) {
      int64_t kj = r % C::kKW, ki = r / C::kKW % C::kKH, plane = r / (C::kKH * C::kKW);
      int64_t y = q / C::kOW * C::kSH - C::kPT + ki * C::kDH;
      int64_t xx = q % C::kOW * C::kSW - C::kPL + kj * C::kDW;
      float want =
          y >= 0 && y < C::kH && xx >= 0 && xx < C::kW ? x[(plane * C::kH + y) * C::kW + xx] : 0.0f;
      if (!(out[r * cols + q] == want) && bad++ < 5)
        ADD_FAILURE() << "row " << r << " col " << q << ": " << out[r * cols + q] << ", expected "
                      << want;
    }
  EXPECT_EQ(bad, 0);
}

TEST(Im2ColKernel, StridesPadsDilations) {
  SKIP_WITHOUT_ISA();
  checkIm2Col<ColCfg<1, 3, 7, 9, 3, 3, 1, 1, 1>>(1, 40);
  checkIm2Col<ColCfg<2, 2, 11, 8, 3, 3, 2, 1, 1>>(3, 41);
  checkIm2Col<ColCfg<1, 2, 9, 9, 7, 7, 2, 3, 1>>(2, 42);
  checkIm2Col<ColCfg<1, 2, 6, 7, 3, 3, 1, 2, 2>>(1, 43);
  checkIm2Col<ColCfg<1, 4, 5, 5, 1, 1, 2, 0, 1>>(2, 44);
}

template <bool MAX, bool INCLUDE, int64_t N, int64_t C, int64_t H, int64_t W, int64_t K, int64_t S,
          int64_t P, int64_t PE, int64_t D>
struct PoolCfg {
  static constexpr int64_t kN = N, kC = C, kH = H, kW = W, kKH = K, kKW = K;
  static constexpr int64_t kSH = S, kSW = S, kDH = D, kDW = D, kPT = P, kPL = P, kPB = PE, kPR = PE;
  static constexpr int64_t kOH = (H + P + PE - (K - 1) * D - 1) / S + 1;
  static constexpr int64_t kOW = (W + P + PE - (K - 1) * D - 1) / S + 1;
  static constexpr bool kMax = MAX, kCountIncludePad = INCLUDE;
};

template <class C> void checkPool(int64_t parts, unsigned seed) {
  std::vector<float> x = randomVector(C::kN * C::kC * C::kH * C::kW, seed);
  std::vector<float> out(C::kN * C::kC * C::kOH * C::kOW, NAN);
  mc_gemm::Parts p{parts, nullptr, 0};
  for (int64_t part = 0; part < parts; ++part)
    mc_gemm::pool2d<C>(x.data(), out.data(), part, p);
  int64_t bad = 0;
  for (int64_t q = 0; q < C::kN * C::kC; ++q)
    for (int64_t oy = 0; oy < C::kOH; ++oy)
      for (int64_t ox = 0; ox < C::kOW; ++ox) {
        double acc = C::kMax ? -INFINITY : 0.0;
        int64_t n = 0, padded = 0;
        for (int64_t i = 0; i < C::kKH; ++i)
          for (int64_t j = 0; j < C::kKW; ++j) {
            int64_t y = oy * C::kSH - C::kPT + i * C::kDH, xx = ox * C::kSW - C::kPL + j * C::kDW;
            padded += y < C::kH + C::kPB && xx < C::kW + C::kPR;
            if (y < 0 || y >= C::kH || xx < 0 || xx >= C::kW)
              continue;
            double v = x[(q * C::kH + y) * C::kW + xx];
            acc = C::kMax ? std::max(acc, v) : acc + v;
            ++n;
          }
        double want = C::kMax ? acc : C::kCountIncludePad ? acc / padded : n ? acc / n : 0.0;
        float got = out[(q * C::kOH + oy) * C::kOW + ox];
        if (!(std::fabs(got - want) <= 1e-5) && bad++ < 5)
          ADD_FAILURE() << "plane " << q << " y " << oy << " x " << ox << ": " << got
                        << ", expected " << want;
      }
  EXPECT_EQ(bad, 0);
}

TEST(PoolKernel, MaxAverageGlobal) {
  SKIP_WITHOUT_ISA();
  checkPool<PoolCfg<true, false, 1, 3, 13, 11, 3, 2, 1, 1, 1>>(2, 50);
  checkPool<PoolCfg<true, false, 1, 2, 12, 12, 3, 2, 0, 1, 1>>(1, 51); // ceil_mode: end pad
  checkPool<PoolCfg<false, false, 2, 2, 9, 10, 3, 1, 1, 1, 1>>(3, 52);
  checkPool<PoolCfg<false, true, 1, 2, 9, 10, 3, 2, 1, 2, 1>>(1, 53);
  checkPool<PoolCfg<true, false, 1, 2, 9, 9, 3, 1, 2, 2, 2>>(1, 54);  // dilated
  checkPool<PoolCfg<false, false, 1, 5, 7, 7, 7, 1, 0, 0, 1>>(2, 55); // global average
  checkPool<PoolCfg<true, false, 1, 3, 5, 5, 5, 1, 0, 0, 1>>(1, 56);  // global max
  checkPool<PoolCfg<false, false, 1, 4, 6, 6, 6, 1, 0, 0, 1>>(1, 57); // global, one vector
}

/// Max pooling with a NaN in the plane: exactly the outputs whose window holds it are NaN.
template <class C> void checkPoolNaN(int64_t y0, int64_t x0) {
  std::vector<float> x = randomVector(C::kN * C::kC * C::kH * C::kW, 70);
  x[y0 * C::kW + x0] = NAN;
  std::vector<float> out(C::kN * C::kC * C::kOH * C::kOW, 0.0f);
  mc_gemm::pool2d<C>(x.data(), out.data(), 0, mc_gemm::Parts{1, nullptr, 0});
  for (int64_t oy = 0; oy < C::kOH; ++oy)
    for (int64_t ox = 0; ox < C::kOW; ++ox) {
      bool holds = false;
      for (int64_t i = 0; i < C::kKH; ++i)
        for (int64_t j = 0; j < C::kKW; ++j)
          holds |= oy * C::kSH - C::kPT + i * C::kDH == y0 &&
                   ox * C::kSW - C::kPL + j * C::kDW == x0;
      EXPECT_EQ(std::isnan(out[oy * C::kOW + ox]), holds) << "y " << oy << " x " << ox;
    }
}

TEST(PoolKernel, MaxWideRowsAndNaN) {
  SKIP_WITHOUT_ISA();
  // Rows of more than one vector of outputs: SqueezeNet's 3x3 stride-2 ceil_mode pool (end
  // pad 1), stride 1 with pads, and stride 2 with dilation.
  checkPool<PoolCfg<true, false, 1, 2, 37, 37, 3, 2, 0, 1, 1>>(2, 58);
  checkPool<PoolCfg<true, false, 1, 2, 9, 41, 3, 1, 1, 1, 1>>(1, 59);
  checkPool<PoolCfg<true, false, 1, 2, 11, 45, 3, 2, 2, 2, 2>>(1, 60);
  checkPoolNaN<PoolCfg<true, false, 1, 1, 9, 37, 3, 2, 0, 1, 1>>(4, 36);
  checkPoolNaN<PoolCfg<true, false, 1, 1, 9, 37, 3, 2, 0, 1, 1>>(0, 17);
  checkPoolNaN<PoolCfg<true, false, 1, 1, 6, 40, 3, 1, 1, 1, 1>>(5, 0);
}

/// A convolution as GEMM with B the implicit im2col of the image (mc_gemm::packBIm2col):
/// groups G, M output channels per group, image N x (G * IC) x H x W.
template <int64_t N, int64_t G, int64_t M, int64_t IC, int64_t H, int64_t W, int64_t KH, int64_t KW,
          int64_t S, int64_t P, int64_t D, bool PA, int64_t KCV>
struct ConvGemmCfg {
  static constexpr int64_t kIC = IC, kH = H, kW = W, kKH = KH, kKW = KW, kSH = S, kSW = S;
  static constexpr int64_t kDH = D, kDW = D, kPT = P, kPL = P;
  static constexpr int64_t kOH = (H + 2 * P - (KH - 1) * D - 1) / S + 1;
  static constexpr int64_t kOW = (W + 2 * P - (KW - 1) * D - 1) / S + 1;
  static constexpr bool kIm2col = true;
  static constexpr int64_t kGroups = G, kBatch = N * G, kM = M, kN = kOH * kOW, kK = IC * KH * KW;
  static constexpr bool kTransA = false, kTransB = false, kPackedA = PA, kPackedB = false;
  static constexpr float kAlpha = 1.0f;
  static constexpr int64_t kMR = 6, kNR = 16, kMC = 12, kKC = KCV, kNC = 32;
  static constexpr int64_t kASize = PA ? (M + 5) / 6 * 6 * kK : M * kK;
  static int64_t aOffset(int64_t bi) { return bi % G * kASize; }
  static int64_t bOffset(int64_t bi) { return bi * IC * H * W; }
};

/// The same with the AVX-512 register tile (8 x 48) and blocks holding two panels: runs of
/// up to 48 columns, gathered as several vectors (and de-interleaved at stride 2).
template <class Base> struct WideTileCfg : Base {
  static constexpr int64_t kMR = 8, kNR = 48, kMC = 16, kNC = 96;
  static constexpr int64_t kASize = Base::kPackedA ? (Base::kM + 7) / 8 * 8 * Base::kK
                                                   : Base::kM * Base::kK;
  static int64_t aOffset(int64_t bi) { return bi % Base::kGroups * kASize; }
};

template <class C> void checkConvGemm(int64_t parts, unsigned seed) {
  constexpr int64_t M = C::kM, K = C::kK, P = C::kN, groups = C::kGroups;
  std::vector<float> img = randomVector(C::kBatch * C::kIC * C::kH * C::kW, seed);
  std::vector<float> a = randomVector(groups * M * K, seed + 1), ka(groups * C::kASize);
  for (int64_t g = 0; g < groups; ++g) {
    if (C::kPackedA)
      mc_gemm::packFullA(a.data() + g * M * K, M, K, false, C::kMR, ka.data() + g * C::kASize);
    else
      std::copy(a.begin() + g * M * K, a.begin() + (g + 1) * M * K, ka.begin() + g * C::kASize);
  }
  std::vector<float> out(C::kBatch * M * P, NAN);
  constexpr int64_t stride = (mc_gemm::gemmScratchFloats<C>() + 15) / 16 * 16;
  std::vector<float> scratch(parts * stride);
  mc_gemm::Parts p{parts, scratch.data(), stride};
  for (int64_t part = 0; part < parts; ++part)
    mc_gemm::gemm<C>(ka.data(), img.data(), out.data(), part, p, mc_gemm::NoEpilogue{});
  int64_t bad = 0;
  for (int64_t bi = 0; bi < C::kBatch; ++bi)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t q = 0; q < P; ++q) {
        double s = 0;
        for (int64_t r = 0; r < K; ++r) {
          int64_t kj = r % C::kKW, ki = r / C::kKW % C::kKH, c = r / (C::kKH * C::kKW);
          int64_t y = q / C::kOW * C::kSH - C::kPT + ki * C::kDH;
          int64_t xx = q % C::kOW * C::kSW - C::kPL + kj * C::kDW;
          if (y >= 0 && y < C::kH && xx >= 0 && xx < C::kW)
            s += double(a[(bi % groups * M + i) * K + r]) *
                 img[((bi * C::kIC + c) * C::kH + y) * C::kW + xx];
        }
        float got = out[(bi * M + i) * P + q];
        if (!(std::fabs(got - s) <= 1e-5 * K + 1e-5 * std::fabs(s)) && bad++ < 5)
          ADD_FAILURE() << "batch " << bi << " row " << i << " pixel " << q << ": " << got
                        << ", expected " << s;
      }
  EXPECT_EQ(bad, 0);
}

TEST(GemmKernel, ImplicitIm2col) {
  SKIP_WITHOUT_ISA();
  // 3x3 pad 1 over rows narrower and wider than a panel, K split into blocks (kc = 8).
  checkConvGemm<ConvGemmCfg<1, 1, 7, 3, 9, 11, 3, 3, 1, 1, 1, true, 8>>(1, 60);
  checkConvGemm<ConvGemmCfg<1, 1, 13, 2, 6, 37, 3, 3, 1, 1, 1, false, 16>>(2, 61);
  // Stride 2, a 7x7 kernel with pad 3, dilation, and two batch entries split across parts.
  checkConvGemm<ConvGemmCfg<2, 1, 5, 3, 15, 14, 7, 7, 2, 3, 1, true, 32>>(3, 62);
  checkConvGemm<ConvGemmCfg<1, 1, 6, 2, 10, 10, 3, 3, 2, 2, 2, true, 8>>(1, 63);
  checkConvGemm<ConvGemmCfg<1, 1, 4, 4, 5, 5, 1, 1, 2, 0, 1, true, 8>>(2, 64); // 1x1 stride 2
  checkConvGemm<ConvGemmCfg<2, 3, 5, 2, 8, 9, 3, 3, 1, 1, 1, true, 8>>(2, 65); // 3 groups
  // Panels inside one output row (the whole-vector copy of packBIm2col) at stride 1 with
  // dilation 2, and at stride 2 (20 output columns from 40: the de-interleaving loads), with
  // taps in and beyond the padding.
  checkConvGemm<ConvGemmCfg<1, 1, 7, 2, 6, 37, 3, 3, 1, 2, 2, true, 16>>(1, 69);
  checkConvGemm<ConvGemmCfg<1, 1, 7, 2, 9, 40, 3, 3, 2, 1, 1, true, 16>>(2, 70);
  checkConvGemm<ConvGemmCfg<1, 1, 5, 3, 7, 41, 7, 7, 2, 3, 1, false, 32>>(1, 71);
  // 48-wide panels: rows of 50 and 27 output columns, stride 1 and 2, panels cut mid-row.
  checkConvGemm<WideTileCfg<ConvGemmCfg<1, 1, 9, 2, 6, 50, 3, 3, 1, 1, 1, true, 16>>>(1, 66);
  checkConvGemm<WideTileCfg<ConvGemmCfg<1, 1, 8, 3, 9, 54, 7, 7, 2, 3, 1, true, 64>>>(2, 67);
  checkConvGemm<WideTileCfg<ConvGemmCfg<1, 1, 8, 2, 7, 70, 1, 1, 2, 0, 1, false, 8>>>(1, 68);
  checkConvGemm<WideTileCfg<ConvGemmCfg<1, 1, 8, 2, 5, 100, 3, 3, 2, 1, 1, true, 16>>>(2, 72);
}

} // namespace

// The vectorizable float exp and erf that generated epilogues and elementwise kernels call,
// against the double-precision library functions over their whole useful range, and their
// special values.
TEST(VectorMath, ExpAndErfAccuracy) {
  SKIP_WITHOUT_ISA();
  auto ulps = [](float got, double ref) {
    const float r = static_cast<float>(ref);
    const double ulp = std::nextafter(std::fabs(r), INFINITY) - std::fabs(r);
    return std::fabs(got - ref) / ulp;
  };
  double worstErf = 0, worstExp = 0;
  for (double xd = -6; xd <= 6; xd += 1.7e-4) {
    const float x = static_cast<float>(xd);
    worstErf = std::max(worstErf, ulps(mc_gemm::erff(x), std::erf(double(x))));
  }
  for (double xd = -87; xd <= 88.7; xd += 3.1e-3) {
    const float x = static_cast<float>(xd);
    worstExp = std::max(worstExp, ulps(mc_gemm::expf(x), std::exp(double(x))));
  }
  EXPECT_LE(worstErf, 3.0);
  EXPECT_LE(worstExp, 4.0); // 3.4 measured, largest near the ends of the range
  for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, 4.0f, -4.0f, 100.0f, INFINITY, -INFINITY}) {
    EXPECT_EQ(mc_gemm::erff(x), std::erf(x)) << x;
    EXPECT_EQ(std::signbit(mc_gemm::erff(x)), std::signbit(std::erf(x))) << x;
  }
  EXPECT_TRUE(std::isnan(mc_gemm::erff(NAN)));
  EXPECT_EQ(mc_gemm::expf(-INFINITY), 0.0f);
  EXPECT_EQ(mc_gemm::expf(INFINITY), INFINITY);
  EXPECT_EQ(mc_gemm::expf(0.0f), 1.0f);
  EXPECT_TRUE(std::isnan(mc_gemm::expf(NAN)));
}
