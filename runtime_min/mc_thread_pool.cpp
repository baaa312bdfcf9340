// mc_thread_pool.cpp - The fixed-size worker pool behind mc_parallel_for.
//
// Generated CPU kernels split their outer loop with mc_parallel_for. The pool is created once
// per model object; each call publishes a job under a mutex, bumps a generation counter and
// wakes the workers, so a call allocates nothing. Worker i runs chunk i of a static contiguous
// partition and the calling thread runs chunk 0. Calls on one pool are serialized; calling
// mc_parallel_for on a pool from inside one of its own chunks deadlocks.
#include "mc_runtime.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using ChunkFn = void (*)(void *ctx, int64_t begin, int64_t end);

/// Chunk `index` of [0, n) split into `chunks` contiguous parts whose sizes differ by at most 1.
void runChunk(ChunkFn fn, void *ctx, int64_t n, int64_t chunks, int64_t index) {
  int64_t base = n / chunks, extra = n % chunks;
  int64_t begin = index * base + std::min(index, extra);
  int64_t end = begin + base + (index < extra ? 1 : 0);
  fn(ctx, begin, end);
}

} // namespace

struct mc_thread_pool {
  int32_t size = 1;
  std::vector<std::thread> workers;

  /// Held by mc_parallel_for for a whole call, so concurrent callers take turns.
  std::mutex callMutex;
  /// Guards everything below.
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  uint64_t generation = 0; ///< Bumped once per published job.
  bool stopping = false;
  ChunkFn fn = nullptr;
  void *ctx = nullptr;
  int64_t n = 0;
  int64_t chunks = 0;
  int64_t pending = 0; ///< Worker chunks of the current job not finished yet.

  void workerLoop(int64_t index) {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping)
        return;
      seen = generation;
      if (index >= chunks)
        continue; // Not needed for this job.
      ChunkFn jobFn = fn;
      void *jobCtx = ctx;
      int64_t jobN = n, jobChunks = chunks;
      lock.unlock();
      runChunk(jobFn, jobCtx, jobN, jobChunks, index);
      lock.lock();
      if (--pending == 0)
        done.notify_one();
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
  {
    std::lock_guard<std::mutex> lock(pool->mutex);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->n = n;
    pool->chunks = chunks;
    pool->pending = chunks - 1;
    ++pool->generation;
  }
  pool->wake.notify_all();
  runChunk(fn, ctx, n, chunks, 0);
  std::unique_lock<std::mutex> lock(pool->mutex);
  pool->done.wait(lock, [&] { return pool->pending == 0; });
}

} // extern "C"
