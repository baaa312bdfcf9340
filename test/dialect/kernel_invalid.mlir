// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @bad_view(%a: memref<2x3xf32>) {
  // expected-error @+1 {{cannot view}}
  %v = kernel.view %a : memref<2x3xf32> to memref<7xf32>
  return
}

// -----

// A view at an offset must lie inside its source.
func.func @bad_view_offset(%a: memref<2x3xf32>) {
  // expected-error @+1 {{cannot view 'memref<2x3xf32>' as 'memref<4xf32>' at offset 3}}
  %v = kernel.view %a {offset = 3 : i64} : memref<2x3xf32> to memref<4xf32>
  return
}

// -----

func.func @bad_gemm(%a: memref<2x3xf32>, %b: memref<4x5xf32>, %c: memref<2x5xf32>) {
  // expected-error @+1 {{inner dimensions differ: 3 vs 4}}
  kernel.gemm ins(%a, %b : memref<2x3xf32>, memref<4x5xf32>) outs(%c : memref<2x5xf32>)
  return
}

// -----

func.func @bad_tile(%a: memref<2x3xf32>, %b: memref<3x5xf32>, %c: memref<2x5xf32>) {
  // expected-error @+1 {{tile must be [mc, kc, nc, mr, nr]}}
  kernel.gemm ins(%a, %b : memref<2x3xf32>, memref<3x5xf32>) outs(%c : memref<2x5xf32>) attributes {tile = array<i64: 1, 2>}
  return
}

// -----

func.func @bad_body(%a: memref<4xf32>, %c: memref<4xf32>) {
  // expected-error @+1 {{body expects 1 arguments, has 2}}
  kernel.elementwise ins(%a : memref<4xf32>) outs(%c : memref<4xf32>) {
  ^bb0(%x: f32, %y: f32):
    kernel.yield %x : f32
  }
  return
}

// -----

func.func @bad_broadcast(%a: memref<3xf32>, %c: memref<4xf32>) {
  // expected-error @+1 {{does not broadcast to}}
  kernel.elementwise ins(%a : memref<3xf32>) outs(%c : memref<4xf32>) {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return
}

// -----

func.func @packed_without_tile(%a: memref<2x2x2xf32>, %b: memref<2x5xf32>, %c: memref<3x5xf32>) {
  // expected-error @+1 {{packed operands need a tile}}
  kernel.gemm ins(%a, %b : memref<2x2x2xf32>, memref<2x5xf32>) outs(%c : memref<3x5xf32>) attributes {packed_a = true}
  return
}

// -----

func.func @packed_wrong_width(%a: memref<1x2x3xf32>, %b: memref<2x5xf32>, %c: memref<3x5xf32>) {
  // expected-error @+1 {{packed A has panels 3 wide, the tile needs 2}}
  kernel.gemm ins(%a, %b : memref<1x2x3xf32>, memref<2x5xf32>) outs(%c : memref<3x5xf32>) attributes {packed_a = true, tile = array<i64: 2, 8, 4, 2, 4>}
  return
}

// -----

func.func @packed_wrong_panels(%a: memref<4x5xf32>, %b: memref<3x5x4xf32>, %c: memref<4x3xf32>) {
  // expected-error @+1 {{packed B has 3 panels for size 3}}
  kernel.gemm ins(%a, %b : memref<4x5xf32>, memref<3x5x4xf32>) outs(%c : memref<4x3xf32>) attributes {packed_b = true, tile = array<i64: 2, 8, 4, 2, 4>}
  return
}

// -----

func.func @im2col_b_bad_values(%a: memref<1x8x36xf32>, %x: memref<1x4x8x8xf32>, %c: memref<1x1x8x64xf32>) {
  // expected-error @+1 {{b_im2col needs a 4-d B, 11 positive-stride values}}
  kernel.gemm ins(%a, %x : memref<1x8x36xf32>, memref<1x4x8x8xf32>) outs(%c : memref<1x1x8x64xf32>) attributes {b_im2col = array<i64: 1, 3, 3, 1, 1, 1, 1, 1, 1, 1>}
  return
}

// -----

func.func @im2col_b_wrong_columns(%a: memref<1x8x36xf32>, %x: memref<1x4x8x8xf32>, %c: memref<1x1x8x64xf32>) {
  // expected-error @+1 {{im2col of B has 16 columns, not 64}}
  kernel.gemm ins(%a, %x : memref<1x8x36xf32>, memref<1x4x8x8xf32>) outs(%c : memref<1x1x8x64xf32>) attributes {b_im2col = array<i64: 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1>}
  return
}
