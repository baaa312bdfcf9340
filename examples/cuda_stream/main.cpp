// main.cpp - the CUDA bundle's stream API and CUDA Graph capture and replay.
//
// 1. run(device input, device output, stream): launches every kernel on the caller's stream
//    and returns at once, like any CUDA launch; the caller synchronizes.
// 2. The same call between cudaStreamBeginCapture and cudaStreamEndCapture records the
//    kernels into a graph; cudaGraphLaunch then replays the whole inference with one launch.
//    run() does no allocation, copy or synchronization, so it is capturable. The graph keeps
//    the device pointers it saw: the model object (weights, arena) and the input and output
//    buffers must stay alive and in place while the graph is used; new inputs are copied
//    into the same input buffer.
// The program checks that graph replays give the eager result, and prints both timings.
#include "tiny_cnn.h"

#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CUDA_CHECK(expr)                                                                           \
  do {                                                                                             \
    cudaError_t err_ = (expr);                                                                     \
    if (err_ != cudaSuccess) {                                                                     \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr,                           \
                   cudaGetErrorString(err_));                                                      \
      std::exit(1);                                                                                \
    }                                                                                              \
  } while (0)

#define MC_CHECK(model, expr)                                                                      \
  do {                                                                                             \
    mc_status st_ = (expr);                                                                        \
    if (st_ != MC_OK) {                                                                            \
      std::fprintf(stderr, "%s:%d: %s: %s (%s)\n", __FILE__, __LINE__, #expr,                      \
                   mc_status_string(st_), (model).last_error());                                   \
      std::exit(1);                                                                                \
    }                                                                                              \
  } while (0)

namespace {

/// A deterministic test image; `variant` changes it between replays.
void fillImage(float *image, int variant) {
  for (int64_t i = 0; i < tiny_cnn::kInput0Elements; ++i)
    image[i] = std::sin(0.01f * float(i) + 0.5f * float(variant));
}

} // namespace

int main(int argc, char **argv) {
  const char *weights = argc > 1 ? argv[1] : TINY_CNN_WEIGHTS_PATH;
  const int replays = 100;
  int device = 0;
  CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  std::printf("device %d: %s (sm_%d%d)\n", device, prop.name, prop.major, prop.minor);

  tiny_cnn::Model model;
  MC_CHECK(model, model.load(weights)); // weights and arena go to the device here

  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  const size_t inBytes = tiny_cnn::kInput0Elements * sizeof(float);
  const size_t outBytes = tiny_cnn::kOutput0Elements * sizeof(float);
  float *dIn = nullptr, *dOut = nullptr, *hIn = nullptr, *hOut = nullptr;
  CUDA_CHECK(cudaMalloc(&dIn, inBytes));
  CUDA_CHECK(cudaMalloc(&dOut, outBytes));
  CUDA_CHECK(cudaMallocHost(&hIn, inBytes)); // pinned: the copies are truly asynchronous
  CUDA_CHECK(cudaMallocHost(&hOut, outBytes));

  // 1. Eager runs on the stream: the reference output of each input variant.
  std::vector<std::vector<float>> eager(3, std::vector<float>(tiny_cnn::kOutput0Elements));
  for (int v = 0; v < 3; ++v) {
    fillImage(hIn, v);
    CUDA_CHECK(cudaMemcpyAsync(dIn, hIn, inBytes, cudaMemcpyHostToDevice, stream));
    MC_CHECK(model, model.run(dIn, dOut, stream));
    CUDA_CHECK(cudaMemcpyAsync(hOut, dOut, outBytes, cudaMemcpyDeviceToHost, stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));
    eager[v].assign(hOut, hOut + tiny_cnn::kOutput0Elements);
  }

  // 2. Capture one inference into a graph. End the capture even if run() fails, so the
  //    stream leaves capture mode.
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  mc_status captured = model.run(dIn, dOut, stream);
  CUDA_CHECK(cudaStreamEndCapture(stream, &graph));
  MC_CHECK(model, captured);
  size_t nodes = 0;
  CUDA_CHECK(cudaGraphGetNodes(graph, nullptr, &nodes));
  CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));
  std::printf("captured %zu kernel launches into a CUDA graph\n", nodes);

  // 3. Replay: new input into the same buffer, one graph launch, compare with eager.
  float maxDiff = 0;
  for (int v = 0; v < 3; ++v) {
    fillImage(hIn, v);
    CUDA_CHECK(cudaMemcpyAsync(dIn, hIn, inBytes, cudaMemcpyHostToDevice, stream));
    CUDA_CHECK(cudaGraphLaunch(exec, stream));
    CUDA_CHECK(cudaMemcpyAsync(hOut, dOut, outBytes, cudaMemcpyDeviceToHost, stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));
    for (int64_t i = 0; i < tiny_cnn::kOutput0Elements; ++i)
      maxDiff = std::fmax(maxDiff, std::fabs(hOut[i] - eager[v][i]));
  }
  std::printf("graph replay vs eager run: max abs diff %g\n", maxDiff);

  // 4. Timing (informational): `replays` eager runs vs `replays` graph launches.
  cudaEvent_t start, stop;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  float eagerMs = 0, graphMs = 0;
  CUDA_CHECK(cudaEventRecord(start, stream));
  for (int i = 0; i < replays; ++i)
    MC_CHECK(model, model.run(dIn, dOut, stream));
  CUDA_CHECK(cudaEventRecord(stop, stream));
  CUDA_CHECK(cudaEventSynchronize(stop));
  CUDA_CHECK(cudaEventElapsedTime(&eagerMs, start, stop));
  CUDA_CHECK(cudaEventRecord(start, stream));
  for (int i = 0; i < replays; ++i)
    CUDA_CHECK(cudaGraphLaunch(exec, stream));
  CUDA_CHECK(cudaEventRecord(stop, stream));
  CUDA_CHECK(cudaEventSynchronize(stop));
  CUDA_CHECK(cudaEventElapsedTime(&graphMs, start, stop));
  std::printf("%d inferences: stream %.3f ms, graph %.3f ms (%.1f us per inference)\n", replays,
              eagerMs, graphMs, 1000.0 * graphMs / replays);

  CUDA_CHECK(cudaEventDestroy(start));
  CUDA_CHECK(cudaEventDestroy(stop));
  CUDA_CHECK(cudaGraphExecDestroy(exec));
  CUDA_CHECK(cudaGraphDestroy(graph));
  CUDA_CHECK(cudaFreeHost(hIn));
  CUDA_CHECK(cudaFreeHost(hOut));
  CUDA_CHECK(cudaFree(dIn));
  CUDA_CHECK(cudaFree(dOut));
  CUDA_CHECK(cudaStreamDestroy(stream));
  if (maxDiff != 0) {
    std::fprintf(stderr, "graph replay differs from the eager run\n");
    return 1;
  }
  return 0;
}
