// RUN: rm -rf %t && mkdir -p %t
// RUN: modelc %s -o %t/v4 --name net --cpu=x86-64-v4
// RUN: FileCheck %s --check-prefix=V4 --input-file=%t/v4/net.cpp
// RUN: FileCheck %s --check-prefix=V4-CMAKE --input-file=%t/v4/CMakeLists.txt
// RUN: modelc %s -o %t/v3 --name net --cpu=x86-64-v3
// RUN: FileCheck %s --check-prefix=V3 --input-file=%t/v3/net.cpp
// RUN: modelc %s -o %t/generic --name net --cpu=generic
// RUN: FileCheck %s --check-prefix=GENERIC --input-file=%t/generic/net.cpp
// RUN: FileCheck %s --check-prefix=GENERIC-CMAKE --input-file=%t/generic/CMakeLists.txt
// RUN: not modelc %s -o %t/bad --cpu=pentium 2>&1 | FileCheck %s --check-prefix=BAD

// --cpu picks the register tile (mr x nr = vectors of the target's width), the cache blocks,
// the panel width of the pre-packed weights and the bundle's -march. A Gemm layer
// (transB = 1) gets its weight packed as B; the depthwise convolution runs the direct kernel.
// V4: kernel.gemm for ONNX node(s) 'fc'
// V4: static constexpr bool kTransA = false, kTransB = false, kPackedA = false, kPackedB = true;
// V4: kMR = 8, kNR = 48;
// V4: mc_gemm::depthwise<
// V4-CMAKE: set(net_MARCH "x86-64-v4" CACHE STRING
// V4-CMAKE: target_compile_options(net PRIVATE "-march=${net_MARCH}")
// V3: kMR = 6, kNR = 16;
// GENERIC: kMR = 6, kNR = 8;
// GENERIC-CMAKE: set(net_MARCH "" CACHE STRING
// BAD: --cpu: pentium not in {native,x86-64-v4,x86-64-v3,generic}
func.func @main(%x: tensor<2x64xf32> {graph.name = "x"}, %i: tensor<1x8x6x6xf32> {graph.name = "i"}) -> (tensor<2x40xf32> {graph.name = "y"}, tensor<1x8x6x6xf32> {graph.name = "d"}) {
  %w = graph.constant dense<0.5> : tensor<40x64xf32> loc("w")
  %b = graph.constant dense<0.1> : tensor<40xf32> loc("b")
  %y = graph.gemm %x, %w, %b {trans_b = true} : (tensor<2x64xf32>, tensor<40x64xf32>, tensor<40xf32>) -> tensor<2x40xf32> loc("fc")
  %dw = graph.constant dense<0.25> : tensor<8x1x3x3xf32> loc("dw")
  %d = graph.conv %i, %dw {dilations = array<i64: 1, 1>, group = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> loc("dwconv")
  return %y, %d : tensor<2x40xf32>, tensor<1x8x6x6xf32>
}
