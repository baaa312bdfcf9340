// RUN: rm -rf %t && modelc %s -o %t --name net
// RUN: FileCheck %s --input-file=%t/net.cpp
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/net.h
// RUN: FileCheck %s --check-prefix=CMAKE --input-file=%t/CMakeLists.txt
// RUN: test -f %t/runtime_min/mc_runtime.h && test -f %t/net_runner.cpp

// The conv, its bias and the relu become one GEMM kernel (after im2col) whose comment names
// both nodes; buffers are arena offsets; the header carries names, shapes and sizes.
// CHECK: // k0_conv1_relu1: kernel.im2col for ONNX node(s) 'conv1' + 'relu1'
// CHECK: // k1_conv1_relu1: kernel.gemm for ONNX node(s) 'conv1' + 'relu1'
// CHECK-NEXT: // {{.*}}; tile [mc,kc,nc,mr,nr] =
// CHECK: struct k1_conv1_relu1_args {
// CHECK: static void k1_conv1_relu1(void *ctx, int64_t begin, int64_t end) {
// CHECK: crow[j] = v{{[0-9]+}};
// CHECK: mc_status Model::run(const void *const *inputs, void *const *outputs) {
// CHECK: k0_conv1_relu1_args a{static_cast<const float *>(inputs[0]), reinterpret_cast<float *>(arena_ +
// CHECK: mc_parallel_for(
// HDR: inline constexpr uint64_t kArenaBytes =
// HDR: inline constexpr const char *kInput0Name = "x";
// HDR: inline constexpr int64_t kInput0Shape[] = {1, 3, 8, 8};
// HDR: inline constexpr int64_t kOutput0Shape[] = {1, 4, 8, 8};
// HDR: mc_status run(const float *x, float *y);
// HDR: const mc_model_api *net_api(void);
// CMAKE: add_library(net net.cpp)
// CMAKE: add_executable(net_runner net_runner.cpp)
func.func @main(%x: tensor<1x3x8x8xf32> {graph.name = "x"}) -> (tensor<1x4x8x8xf32> {graph.name = "y"}) {
  %w = graph.constant dense<0.5> : tensor<4x3x3x3xf32> loc("w")
  %b = graph.constant dense<0.1> : tensor<4xf32> loc("b")
  %y = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("conv1")
  %r = graph.relu %y : tensor<1x4x8x8xf32> loc("relu1")
  return %r : tensor<1x4x8x8xf32>
}
