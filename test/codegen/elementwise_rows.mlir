// RUN: rm -rf %t && modelc %s -o %t --name net --cpu=x86-64-v3
// RUN: FileCheck %s --input-file=%t/net.cpp

// An elementwise kernel whose broadcast inputs are constant along the output's trailing dims
// (a per-channel scale, as in a squeeze-and-excitation block) runs as rows: the outer indices
// are decomposed once per row, and the inner loop reads the full input at its row offset plus
// j and the per-channel one at its row offset, without divisions.
// CHECK: // k0_scale: kernel.elementwise for ONNX node(s) 'scale'
// CHECK: for (int64_t r = begin / 64; r * 64 < end; ++r) {
// CHECK-NEXT: const int64_t j0 = begin > r * 64 ? begin - r * 64 : 0;
// CHECK-NEXT: const int64_t j1 = end < (r + 1) * 64 ? end - r * 64 : 64;
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} const int64_t o0 = r / 3;
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} const int64_t o1 = (r / 1) % 3;
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} const int64_t b0 = o1 * 64 + o0 * 192;
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} const int64_t b1 = o1 * 1 + o0 * 3;
// CHECK-NEXT: for (int64_t j = j0; j < j1; ++j) {
// CHECK-NEXT: const int64_t idx = r * 64 + j;
// CHECK-NEXT: const float v{{[0-9]+}} = (p0[b0 + j] * p1[b1]);
// CHECK-NEXT: p2[idx] = v{{[0-9]+}};

// A bias over the last dim (rows of a layer-norm style scale): the row index does not enter
// the bias' offset, which advances with j.
// CHECK: // k1_bias: kernel.elementwise for ONNX node(s) 'bias'
// CHECK: for (int64_t r = begin / 8; r * 8 < end; ++r) {
// CHECK: {{\[\[}}maybe_unused{{\]\]}} const int64_t b1 = 0;
// CHECK: const float v{{[0-9]+}} = (p0[b0 + j] + p1[b1 + j]);

// An input broadcast along one trailing dim but not the other: rows of the last dim, where it
// is contiguous (the row offset skips its broadcast dim).
// CHECK: // k2_mixed: kernel.elementwise for ONNX node(s) 'mixed'
// CHECK: for (int64_t r = begin / 8; r * 8 < end; ++r) {
// CHECK: {{\[\[}}maybe_unused{{\]\]}} const int64_t o2 = (r / 1) % 8;
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} const int64_t b0 = o2 * 8 + o1 * 64 + o0 * 192;
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} const int64_t b1 = o1 * 8 + o0 * 24;
// CHECK: const float v{{[0-9]+}} = (p0[b0 + j] - p1[b1 + j]);

func.func @main(%x: tensor<2x3x8x8xf32> {graph.name = "x"}, %s: tensor<2x3x1x1xf32> {graph.name = "s"},
                %t: tensor<5x8xf32> {graph.name = "t"}, %b: tensor<8xf32> {graph.name = "b"},
                %m: tensor<2x3x1x8xf32> {graph.name = "m"})
    -> (tensor<2x3x8x8xf32> {graph.name = "y"}, tensor<5x8xf32> {graph.name = "z"}, tensor<2x3x8x8xf32> {graph.name = "w"}) {
  %y = graph.mul %x, %s : (tensor<2x3x8x8xf32>, tensor<2x3x1x1xf32>) -> tensor<2x3x8x8xf32> loc("scale")
  %z = graph.add %t, %b : (tensor<5x8xf32>, tensor<8xf32>) -> tensor<5x8xf32> loc("bias")
  %w = graph.sub %x, %m : (tensor<2x3x8x8xf32>, tensor<2x3x1x8xf32>) -> tensor<2x3x8x8xf32> loc("mixed")
  return %y, %z, %w : tensor<2x3x8x8xf32>, tensor<5x8xf32>, tensor<2x3x8x8xf32>
}
