// RUN: rm -rf %t && modelc %s -o %t --name net --target cuda --cuda-arch sm_90
// RUN: FileCheck %s --input-file=%t/net.cu
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/net.h
// RUN: FileCheck %s --check-prefix=CMAKE --input-file=%t/CMakeLists.txt

// One __global__ kernel per kernel op, launched on the caller's stream with every launch
// checked and reported with its ONNX node.
// CHECK: __global__ void k0_sm(const float *p0, float *p1, int *status) {
// CHECK: for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
// CHECK: mc_status Model::run(const void *const *inputs, void *const *outputs, cudaStream_t stream) {
// CHECK: k0_sm<<<1, 256, 0, stream>>>(
// CHECK: snprintf(error_, sizeof(error_), "kernel k0_sm (ONNX node 'sm'): %s"
// HDR: #include <cuda_runtime.h>
// HDR: mc_status run(const float *x, float *y, cudaStream_t stream = 0);
// CMAKE: set(CMAKE_CUDA_ARCHITECTURES "90")
// CMAKE: project(net LANGUAGES CXX CUDA)
func.func @main(%x: tensor<2x10xf32> {graph.name = "x"}) -> (tensor<2x10xf32> {graph.name = "y"}) {
  %y = graph.softmax %x {axis = 1 : i64} : tensor<2x10xf32> loc("sm")
  return %y : tensor<2x10xf32>
}
