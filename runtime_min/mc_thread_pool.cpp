// mc_thread_pool.cpp - The fixed-size worker pool behind mc_parallel_for.
//
// Generated CPU kernels split their work with mc_parallel_for. The pool is created once per
// model object; each call publishes a job and bumps a generation counter, so a call allocates
// nothing. Worker i runs chunk i of a static contiguous partition and the calling thread runs
// chunk 0. A model's kernels run back to back, so waking sleeping workers for each one (a futex
// wake-up takes tens of microseconds on a busy machine) would cost more than many kernels take:
// workers and the caller therefore spin for a short while (kSpin) on the generation / pending
// counters before they block on condition variables. Calls on one pool are serialized; calling
// mc_parallel_for on a pool from inside one of its own chunks deadlocks.
#include "mc_runtime.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MC_SPIN_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define MC_SPIN_PAUSE() __asm__ __volatile__("yield")
#else
#define MC_SPIN_PAUSE() ((void)0)
#endif

namespace {

using ChunkFn = void (*)(void *ctx, int64_t begin, int64_t end);

/// How long a thread spins before it blocks: long enough to cover the gap between two kernels
/// of a model, short enough not to keep a core busy after a run.
constexpr std::chrono::microseconds kSpin(200);

/// Chunk `index` of [0, n) split into `chunks` contiguous parts whose sizes differ by at most 1.
void runChunk(ChunkFn fn, void *ctx, int64_t n, int64_t chunks, int64_t index) {
  int64_t base = n / chunks, extra = n % chunks;
  int64_t begin = index * base + std::min(index, extra);
  int64_t end = begin + base + (index < extra ? 1 : 0);
  fn(ctx, begin, end);
}

/// Spins until `done()` or kSpin passed; returns done().
template <class Pred> bool spinUntil(Pred done) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    if (done())
      return true;
    MC_SPIN_PAUSE();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() - start > kSpin)
      return done();
  }
}

} // namespace

struct mc_thread_pool {
  int32_t size = 1;
  std::vector<std::thread> workers;

  /// Held by mc_parallel_for for a whole call, so concurrent callers take turns.
  std::mutex callMutex;
  /// The job: written by the caller before it bumps `generation` (release), read by workers
  /// after they see the new generation (acquire).
  ChunkFn fn = nullptr;
  void *ctx = nullptr;
  int64_t n = 0;
  int64_t chunks = 0;
  std::atomic<uint64_t> generation{0}; ///< Bumped once per published job.
  std::atomic<int64_t> pending{0};     ///< Workers that have not finished the current job.
  std::atomic<bool> stopping{false};
  /// Blocking: workers that stopped spinning wait on `wake`, the caller on `done`; both
  /// predicates are re-checked under `mutex`, so no wake-up is lost.
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  std::atomic<int32_t> sleepers{0};

  void workerLoop(int64_t index) {
    uint64_t seen = 0;
    for (;;) {
      auto published = [&] { return stopping.load() || generation.load() != seen; };
      if (!spinUntil(published)) {
        std::unique_lock<std::mutex> lock(mutex);
        ++sleepers;
        wake.wait(lock, published);
        --sleepers;
      }
      if (stopping.load())
        return;
      seen = generation.load();
      // Every worker acknowledges every job (even one it has no chunk of), so the caller
      // never overwrites the job while a worker may still read it.
      if (index < chunks)
        runChunk(fn, ctx, n, chunks, index);
      if (pending.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(mutex);
        done.notify_one();
      }
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    for (std::thread &worker : workers)
      worker.join();
    workers.clear();
  }
};

extern "C" {

mc_status mc_thread_pool_create(int32_t threads, mc_thread_pool **pool) {
  if (!pool)
    return MC_ERR_INVALID_ARGUMENT;
  *pool = nullptr;
  if (threads <= 0)
    threads = static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
  mc_thread_pool *result = new (std::nothrow) mc_thread_pool;
  if (!result)
    return MC_ERR_OUT_OF_MEMORY;
  try {
    result->size = threads;
    result->workers.reserve(static_cast<size_t>(threads - 1));
    for (int32_t i = 1; i < threads; ++i)
      result->workers.emplace_back(&mc_thread_pool::workerLoop, result, int64_t(i));
  } catch (const std::bad_alloc &) {
    result->stop();
    delete result;
    return MC_ERR_OUT_OF_MEMORY;
  } catch (...) { // std::system_error: the system refused another thread.
    result->stop();
    delete result;
    return MC_ERR_INTERNAL;
  }
  *pool = result;
  return MC_OK;
}

void mc_thread_pool_destroy(mc_thread_pool *pool) {
  if (!pool)
    return;
  pool->stop();
  delete pool;
}

int32_t mc_thread_pool_size(const mc_thread_pool *pool) { return pool ? pool->size : 1; }

void mc_parallel_for(mc_thread_pool *pool, int64_t n,
                     void (*fn)(void *ctx, int64_t begin, int64_t end), void *ctx) {
  if (n <= 0 || !fn)
    return;
  if (!pool || pool->size <= 1 || n == 1) {
    fn(ctx, 0, n);
    return;
  }
  std::lock_guard<std::mutex> call(pool->callMutex);
  int64_t chunks = std::min<int64_t>(n, pool->size);
  pool->fn = fn;
  pool->ctx = ctx;
  pool->n = n;
  pool->chunks = chunks;
  pool->pending = pool->size - 1;
  pool->generation.fetch_add(1); // publishes the job (sequentially consistent)
  // A worker that found no job before it went to sleep counted itself first, so this sees it.
  if (pool->sleepers.load() > 0) {
    std::lock_guard<std::mutex> lock(pool->mutex);
    pool->wake.notify_all();
  }
  runChunk(fn, ctx, n, chunks, 0);
  auto finished = [&] { return pool->pending.load() == 0; };
  if (!spinUntil(finished)) {
    std::unique_lock<std::mutex> lock(pool->mutex);
    pool->done.wait(lock, finished);
  }
}

} // extern "C"
