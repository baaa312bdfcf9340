// RUN: rm -rf %t && modelc %s -o %t --name net --cpu=x86-64-v3
// RUN: FileCheck %s --input-file=%t/net.cpp
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/net.h
// RUN: FileCheck %s --check-prefix=CMAKE --input-file=%t/CMakeLists.txt
// RUN: test -f %t/runtime_min/mc_runtime.h && test -f %t/net_runner.cpp

// The conv, its bias and the relu become one GEMM kernel whose comment names both nodes; it
// packs B straight from the input image (no im2col kernel); buffers are arena offsets; the
// header carries names, shapes and sizes.
// CHECK-NOT: kernel.im2col for
// CHECK: // k0_conv1_relu1: kernel.gemm for ONNX node(s) 'conv1' + 'relu1'
// CHECK-NEXT: // {{.*}}; tile [mc,kc,nc,mr,nr] =
// The GEMM instantiates mc_gemm.h with literal sizes; its weights come pre-packed; the bias
// and relu run in an epilogue functor; run() hands it one part per thread.
// CHECK: struct k0_conv1_relu1_cfg {
// CHECK-NEXT: static constexpr int64_t kBatch = 1, kM = 4, kN = 64, kK = 27;
// CHECK-NEXT: kPackedA = true, kPackedB = false;
// CHECK: static constexpr bool kIm2col = true;
// CHECK-NEXT: static constexpr int64_t kH = 8, kW = 8, kOW = 8;
// CHECK-NEXT: static constexpr int64_t kKH = 3, kKW = 3, kSH = 1, kSW = 1, kPT = 1, kPL = 1, kDH = 1, kDW = 1;
// CHECK: struct k0_conv1_relu1_args {
// CHECK: mc_gemm::Parts parts;
// CHECK: static void k0_conv1_relu1(void *ctx, int64_t begin, int64_t end) {
// CHECK: struct Epilogue {
// CHECK: c[jj] = v{{[0-9]+}};
// CHECK: mc_gemm::gemm<k0_conv1_relu1_cfg>(p0, p1, p2, part, args->parts, Epilogue{p3});
// CHECK: constexpr int64_t kScratchFloats = (mc_gemm::maxOf(mc_gemm::gemmScratchFloats<k0_conv1_relu1_cfg>())
// CHECK: mc_status Model::run(const void *const *inputs, void *const *outputs) {
// CHECK: k0_conv1_relu1_args a{reinterpret_cast<const float *>(weights_ + 0), static_cast<const float *>(inputs[0]), static_cast<float *>(outputs[0]),
// CHECK-SAME: mc_gemm::Parts{parts, scratch_, kScratchFloats}
// CHECK: mc_parallel_for(
// HDR: inline constexpr uint64_t kArenaBytes =
// HDR: inline constexpr const char *kInput0Name = "x";
// HDR: inline constexpr int64_t kInput0Shape[] = {1, 3, 8, 8};
// HDR: inline constexpr int64_t kOutput0Shape[] = {1, 4, 8, 8};
// HDR: mc_status run(const float *x, float *y);
// HDR: const mc_model_api *net_api(void);
// CMAKE: add_library(net net.cpp)
// CMAKE: # Kernels tuned for --cpu=x86-64-v3: 256-bit vectors, 16 vector registers
// CMAKE: set(net_MARCH "x86-64-v3" CACHE STRING
// CMAKE: add_executable(net_runner net_runner.cpp)
func.func @main(%x: tensor<1x3x8x8xf32> {graph.name = "x"}) -> (tensor<1x4x8x8xf32> {graph.name = "y"}) {
  %w = graph.constant dense<0.5> : tensor<4x3x3x3xf32> loc("w")
  %b = graph.constant dense<0.1> : tensor<4xf32> loc("b")
  %y = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("conv1")
  %r = graph.relu %y : tensor<1x4x8x8xf32> loc("relu1")
  return %r : tensor<1x4x8x8xf32>
}
