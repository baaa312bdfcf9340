// RUN: rm -rf %t && modelc %s -o %t --name net
// RUN: FileCheck %s --input-file=%t/net.cpp

// A Where on a boolean mask fuses into the GEMM that produces its float operand (the
// masked scores of an attention): the epilogue reads the i1 mask like an elementwise kernel
// reads it, only A, B and the output of a generated GEMM must be float32.
// CHECK: kernel.gemm for ONNX node(s) 'mm' + 'mask'
// CHECK: struct [[K:k[0-9]+_mm_mask]]_args {
// CHECK: const bool *
// CHECK: static void [[K]](void *ctx, int64_t begin, int64_t end) {
// CHECK: const float [[V:v[0-9]+]] = (p3[{{.*}}] ? c[jj] : p4[0]);
// CHECK-NEXT: c[jj] = [[V]];
func.func @main(%a: tensor<1x2x4x8xf32> {graph.name = "a"}, %b: tensor<1x2x8x4xf32> {graph.name = "b"}) -> (tensor<1x2x4x4xf32> {graph.name = "y"}) {
  %m = graph.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1> loc("m")
  %ninf = graph.constant dense<0xFF800000> : tensor<f32> loc("ninf")
  %s = graph.matmul %a, %b : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32> loc("mm")
  %y = graph.where %m, %s, %ninf : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("mask")
  return %y : tensor<1x2x4x4xf32>
}
