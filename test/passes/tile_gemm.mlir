// RUN: modelc-opt %s --modelc-tile-gemm | FileCheck %s --check-prefix=AVX512
// RUN: modelc-opt %s --modelc-tile-gemm="vector-bits=256 registers=16" | FileCheck %s --check-prefix=AVX2
// RUN: modelc-opt %s --modelc-tile-gemm="target=cuda" | FileCheck %s --check-prefix=CUDA

// Register tile: nr = 2 vectors, mr = (registers - 4) / 2; blocks clamped to the problem.
// AVX512: tile = array<i64: 1022, 128, 1024, 14, 32>
// AVX2: tile = array<i64: 510, 256, 1024, 6, 16>
// CUDA: tile = array<i64: 128, 16, 128, 8, 8>
func.func @gemm(%a: memref<1024x1024xf32>, %b: memref<1024x1024xf32>, %c: memref<1024x1024xf32>) {
  kernel.gemm ins(%a, %b : memref<1024x1024xf32>, memref<1024x1024xf32>) outs(%c : memref<1024x1024xf32>)
  return
}
