// RUN: rm -rf %t && modelc %s -o %t/cpu --name net && FileCheck %s --input-file=%t/cpu/net.cpp
// RUN: modelc %s -o %t/cuda --name net --target cuda && FileCheck %s --check-prefix=CUDA --input-file=%t/cuda/net.cu

// QuantizeLinear + DequantizeLinear after a conv (the QDQ pattern of onnxruntime's quantizer)
// fuse into the conv's epilogue: into the GEMM of a dense conv (implicit im2col on CPU, an
// im2col kernel first on CUDA) and into a
// direct depthwise conv. The epilogue reads the uint8 zero point through a uint8_t pointer
// while the GEMM/conv operands stay float.
// CHECK: // k0_conv_q_dq: kernel.gemm for ONNX node(s) 'conv' + 'q' + 'dq'
// CHECK: struct k0_conv_q_dq_args {
// CHECK: const uint8_t *p5;
// CHECK: static void k0_conv_q_dq(void *ctx, int64_t begin, int64_t end) {
// CHECK: std::nearbyint(
// CHECK-NEXT: static_cast<float>(static_cast<uint8_t>(p5[0]));
// CHECK: // k1_dwconv_q2_dq2: kernel.conv for ONNX node(s) 'dwconv' + 'q2' + 'dq2'
// CHECK: const uint8_t *p4;
// CHECK: static_cast<float>(static_cast<uint8_t>(p4[0]))
// CUDA: __global__ void k1_conv_q_dq(const float *p0, const float *p1, float *p2, const float *p3, const float *p4, const uint8_t *p5, const float *p6, const uint8_t *p7)
// CUDA: __global__ void k2_dwconv_q2_dq2(const float *p0, const float *p1, float *p2, const float *p3, const uint8_t *p4, const float *p5, const uint8_t *p6)
func.func @main(%x: tensor<1x4x8x8xf32> {graph.name = "x"}) -> (tensor<1x8x8x8xf32> {graph.name = "y"}) {
  %w = graph.constant dense<0.25> : tensor<8x4x3x3xf32> loc("w")
  %b = graph.constant dense<0.1> : tensor<8xf32> loc("b")
  %s = graph.constant dense<0.02> : tensor<f32> loc("s")
  %zp = graph.constant dense<128> : tensor<ui8> loc("zp")
  %dw = graph.constant dense<0.5> : tensor<8x1x3x3xf32> loc("dw")
  %c = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32> loc("conv")
  %q = graph.quantize_linear %c, %s, %zp : (tensor<1x8x8x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x8x8x8xui8> loc("q")
  %d = graph.dequantize_linear %q, %s, %zp : (tensor<1x8x8x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x8x8x8xf32> loc("dq")
  %c2 = graph.conv %d, %dw {dilations = array<i64: 1, 1>, group = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32> loc("dwconv")
  %q2 = graph.quantize_linear %c2, %s, %zp : (tensor<1x8x8x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x8x8x8xui8> loc("q2")
  %d2 = graph.dequantize_linear %q2, %s, %zp : (tensor<1x8x8x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x8x8x8xf32> loc("dq2")
  return %d2 : tensor<1x8x8x8xf32>
}
