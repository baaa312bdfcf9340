// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @bad_view(%a: memref<2x3xf32>) {
  // expected-error @+1 {{cannot view}}
  %v = kernel.view %a : memref<2x3xf32> to memref<7xf32>
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
