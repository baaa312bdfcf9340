// fma_peak.cpp - Measures the machine's float32 FMA peak (GFLOP/s), one thread and many.
//
// Each thread runs kChains independent chains of vector FMAs (acc = acc * b + c) on the widest
// vectors the compiler targets (build with -march=native): AVX-512, AVX2 + FMA, or 4-lane
// vectors. Enough independent chains hide the FMA latency, so the loop is bound by FMA
// throughput; a multiply-add counts as 2 FLOP per lane. Each figure is the best wall-clock rate
// of 15 repetitions (all threads start together), so that other load on the machine does not
// lower the peak that other benchmarks are compared with. cpu_gflops is the same work over each
// thread's own CPU time (summed over threads, best repetition): the rate while running, which
// a loaded machine lowers much less than the wall-clock rate.
//
//   fma_peak [THREADS...]   prints "threads=T lanes=L gflops=G cpu_gflops=C" for each T
//                           (default: 1 and all)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <time.h>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
typedef __m512 V;
constexpr int kLanes = 16;
static inline V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
static inline V splat(float x) { return _mm512_set1_ps(x); }
static inline float first(V v) { return _mm512_cvtss_f32(v); }
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
typedef __m256 V;
constexpr int kLanes = 8;
static inline V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
static inline V splat(float x) { return _mm256_set1_ps(x); }
static inline float first(V v) { return _mm256_cvtss_f32(v); }
#else
typedef float V __attribute__((vector_size(16)));
constexpr int kLanes = 4;
static inline V fma(V a, V b, V c) { return a * b + c; }
static inline V splat(float x) { return V{x, x, x, x}; }
static inline float first(V v) { return v[0]; }
#endif

constexpr int kChains = 12; // >= FMA latency x FMA ports on current x86 cores (4 x 2, 4 x 2)

/// Runs `iters` steps of kChains FMAs; returns a value that depends on all of them.
static float burn(long iters, float seed) {
  V acc[kChains];
  for (int i = 0; i < kChains; ++i)
    acc[i] = splat(seed + 1e-3f * i);
  const V b = splat(0.999999f), c = splat(1e-6f);
  for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i)
      acc[i] = fma(acc[i], b, c);
  }
  float s = 0;
  for (int i = 0; i < kChains; ++i)
    s += first(acc[i]);
  return s;
}

static double threadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Rates {
  double wall, cpu; // GFLOP/s over wall-clock time, and summed over per-thread CPU times
};

static Rates measure(int threads, long iters) {
  std::vector<std::thread> pool;
  std::vector<float> sink(threads);
  std::vector<double> cpu(threads);
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      double c0 = threadCpuSeconds();
      sink[t] = burn(iters, 1.0f + t);
      cpu[t] = threadCpuSeconds() - c0;
    });
  for (std::thread &th : pool)
    th.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  volatile float keep = sink[0];
  (void)keep;
  const double gflop = 2.0 * kLanes * kChains * double(iters) / 1e9; // per thread
  Rates r{gflop * threads / s, 0.0};
  for (double c : cpu)
    r.cpu += gflop / c;
  return r;
}

int main(int argc, char **argv) {
  std::vector<int> counts;
  for (int i = 1; i < argc; ++i)
    counts.push_back(std::atoi(argv[i]));
  if (counts.empty())
    counts = {1, int(std::thread::hardware_concurrency())};
  const long iters = 20000000; // about 0.1 s per repetition at 100 GFLOP/s
  for (int threads : counts) {
    Rates best{0.0, 0.0};
    for (int rep = 0; rep < 15; ++rep) {
      Rates r = measure(threads, iters);
      best.wall = r.wall > best.wall ? r.wall : best.wall;
      best.cpu = r.cpu > best.cpu ? r.cpu : best.cpu;
    }
    std::printf("threads=%d lanes=%d gflops=%.2f cpu_gflops=%.2f\n", threads, kLanes, best.wall,
                best.cpu);
  }
  return 0;
}
