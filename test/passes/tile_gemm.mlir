// RUN: modelc-opt %s --modelc-tile-gemm | FileCheck %s --check-prefix=AVX512
// RUN: modelc-opt %s --modelc-tile-gemm="vector-bits=256 registers=16" | FileCheck %s --check-prefix=AVX2
// RUN: modelc-opt %s --modelc-tile-gemm="target=cuda" | FileCheck %s --check-prefix=CUDA

// AVX2-LABEL: func.func @gemm
// Register tile: 8 rows x 3 vectors with 32 registers, else 2 vectors x (registers - 4) / 2
// rows; kc = 512 (its B panel within 1/8 of L2), mc = half of L2; blocks clamped to the problem.
// AVX512: tile = array<i64: 256, 512, 1056, 8, 48>
// AVX2: tile = array<i64: 252, 512, 1024, 6, 16>
// CUDA: tile = array<i64: 128, 16, 128, 8, 8>
func.func @gemm(%a: memref<1024x1024xf32>, %b: memref<1024x1024xf32>, %c: memref<1024x1024xf32>) {
  kernel.gemm ins(%a, %b : memref<1024x1024xf32>, memref<1024x1024xf32>) outs(%c : memref<1024x1024xf32>)
  return
}

// M fits one A block (mc = 66): a B packed at run time gets a B block sized to half of L2
// (kc * nc * 4 <= 512 KiB), a weight B (packed at compile time) the L3-sized one.
// AVX2-LABEL: func.func @small_m
// AVX2: tile = array<i64: 66, 152, 848, 6, 16>
// AVX2: tile = array<i64: 66, 152, 12544, 6, 16>
func.func @small_m(%a: memref<64x147xf32>, %b: memref<147x12544xf32>, %c: memref<64x12544xf32>) {
  kernel.gemm ins(%a, %b : memref<64x147xf32>, memref<147x12544xf32>) outs(%c : memref<64x12544xf32>)
  %w = kernel.weight dense<1.0> : tensor<147x12544xf32> : memref<147x12544xf32>
  kernel.gemm ins(%a, %w : memref<64x147xf32>, memref<147x12544xf32>) outs(%c : memref<64x12544xf32>)
  return
}
