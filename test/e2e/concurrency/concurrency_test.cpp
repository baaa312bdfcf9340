// concurrency_test.cpp - several Model objects of one bundle on several threads.
//
// The generated header promises that independent Model objects may run concurrently. This
// program checks it: it computes a reference output for each of four different inputs with
// one Model on one thread, then runs four Model objects on four std::threads, each doing 20
// inferences that cycle through the inputs, and requires every output to be bit-identical
// (memcmp) to the reference of its input. It does so three times: worker pools off
// (set_threads(1)), each Model with its own pool of two workers (set_threads(2), 4 x 2
// threads), and through the C API (net_create/net_run). Distinct inputs give distinct
// outputs (checked), so a Model reading another's arena or inputs cannot go unnoticed.
// Exit code 0 iff everything matched.
#include "net.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kThreads = 4;
constexpr int kIterations = 20;
constexpr int kInputs = 4;

using In = net::Input0Type;
using Out = net::Output0Type;
static_assert(net::kNumInputs == 1 && net::kNumOutputs == 1, "expects a one-input model");

/// A deterministic input in [-1, 1): a linear congruential generator per input.
std::vector<In> makeInput(uint32_t seed) {
  std::vector<In> x(net::kInput0Elements);
  uint32_t s = seed * 2654435761u + 1;
  for (In &v : x) {
    s = s * 1664525u + 1013904223u;
    v = static_cast<In>((s >> 8) * (2.0 / 16777216.0) - 1.0);
  }
  return x;
}

bool sameBits(const std::vector<Out> &a, const std::vector<Out> &b) {
  return std::memcmp(a.data(), b.data(), a.size() * sizeof(Out)) == 0;
}

struct Failures {
  std::atomic<int> count{0};
  void report(const std::string &what) {
    if (count++ < 10)
      std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
};

/// Runs `body(thread index)` on kThreads threads and joins them.
template <typename Body> void onThreads(Body body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back(body, t);
  for (std::thread &t : threads)
    t.join();
}

/// Each thread owns a Model with `poolThreads` workers and checks every output.
int runModels(const char *label, int poolThreads, const std::vector<std::vector<In>> &inputs,
              const std::vector<std::vector<Out>> &refs) {
  Failures failures;
  std::atomic<int> runs{0};
  onThreads([&](int t) {
    net::Model model;
    if (mc_status st = model.load(NET_WEIGHTS); st != MC_OK)
      return failures.report(std::string(label) + ": load: " + mc_status_string(st));
    if (mc_status st = model.set_threads(poolThreads); st != MC_OK)
      return failures.report(std::string(label) + ": set_threads: " + mc_status_string(st));
    std::vector<Out> out(net::kOutput0Elements);
    for (int i = 0; i < kIterations; ++i) {
      int k = (t + i) % kInputs;
      std::memset(out.data(), 0xff, out.size() * sizeof(Out)); // no stale result passes
      if (mc_status st = model.run(inputs[k].data(), out.data()); st != MC_OK)
        return failures.report(std::string(label) + ": run: " + mc_status_string(st) + " (" +
                               model.last_error() + ")");
      ++runs;
      if (!sameBits(out, refs[k]))
        failures.report(std::string(label) + ": thread " + std::to_string(t) + " iteration " +
                        std::to_string(i) + " input " + std::to_string(k) +
                        ": output differs from the single-threaded reference");
    }
  });
  std::printf("%s: %d runs on %d threads, %d failures\n", label, runs.load(), kThreads,
              failures.count.load());
  return failures.count.load();
}

/// The same through the C API: one handle per thread.
int runCApi(const std::vector<std::vector<In>> &inputs, const std::vector<std::vector<Out>> &refs) {
  Failures failures;
  std::atomic<int> runs{0};
  onThreads([&](int t) {
    void *handle = nullptr;
    if (mc_status st = net_create(NET_WEIGHTS, &handle); st != MC_OK)
      return failures.report(std::string("C API: create: ") + mc_status_string(st));
    std::vector<Out> out(net::kOutput0Elements);
    for (int i = 0; i < kIterations; ++i) {
      int k = (t + i) % kInputs;
      const void *in[] = {inputs[k].data()};
      void *outs[] = {out.data()};
      std::memset(out.data(), 0xff, out.size() * sizeof(Out));
      if (mc_status st = net_run(handle, in, outs); st != MC_OK) {
        failures.report(std::string("C API: run: ") + mc_status_string(st));
        break;
      }
      ++runs;
      if (!sameBits(out, refs[k]))
        failures.report("C API: thread " + std::to_string(t) + " iteration " + std::to_string(i) +
                        ": output differs from the reference");
    }
    net_destroy(handle);
  });
  std::printf("C API: %d runs on %d threads, %d failures\n", runs.load(), kThreads,
              failures.count.load());
  return failures.count.load();
}

} // namespace

int main() {
  std::vector<std::vector<In>> inputs;
  std::vector<std::vector<Out>> refs;
  {
    net::Model reference;
    if (mc_status st = reference.load(NET_WEIGHTS); st != MC_OK) {
      std::fprintf(stderr, "reference load: %s (%s)\n", mc_status_string(st),
                   reference.last_error());
      return 1;
    }
    for (int k = 0; k < kInputs; ++k) {
      inputs.push_back(makeInput(k));
      refs.emplace_back(net::kOutput0Elements);
      if (mc_status st = reference.run(inputs[k].data(), refs[k].data()); st != MC_OK) {
        std::fprintf(stderr, "reference run: %s (%s)\n", mc_status_string(st),
                     reference.last_error());
        return 1;
      }
    }
  }
  // The check is only as good as the inputs are distinguishable by their outputs.
  for (int a = 0; a < kInputs; ++a)
    for (int b = a + 1; b < kInputs; ++b)
      if (sameBits(refs[a], refs[b])) {
        std::fprintf(stderr, "FAIL: inputs %d and %d give the same output\n", a, b);
        return 1;
      }
  std::printf("reference: %d inputs of %lld elements, outputs of %lld elements, all distinct\n",
              kInputs, static_cast<long long>(net::kInput0Elements),
              static_cast<long long>(net::kOutput0Elements));
  int failures = runModels("set_threads(1)", 1, inputs, refs) +
                 runModels("set_threads(2)", 2, inputs, refs) + runCApi(inputs, refs);
  std::printf("%s\n", failures ? "FAILED" : "all outputs bit-identical to the reference");
  return failures ? 1 : 0;
}
