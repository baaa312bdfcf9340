// RUN: modelc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// kernel.reduce prints and parses back.
// CHECK-LABEL: func.func @roundtrip
// CHECK: kernel.reduce ins(%{{.+}} : memref<2x3xf32>) outs(%{{.+}} : memref<2x1xf32>) extra(%{{.+}} : memref<2x1xf32>) attributes {axes = array<i64: 1>, init = 0.000000e+00 : f32} map {
// CHECK: } combine {
// CHECK: } finalize {
func.func @roundtrip(%x: memref<2x3xf32>, %m: memref<2x1xf32>, %y: memref<2x1xf32>) {
  kernel.reduce ins(%x : memref<2x3xf32>) outs(%y : memref<2x1xf32>) extra(%m : memref<2x1xf32>) attributes {axes = array<i64: 1>, init = 0.0 : f32} map {
  ^bb0(%v: f32, %e: f32):
    %d = arith.subf %v, %e : f32
    kernel.yield %d : f32
  } combine {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    kernel.yield %s : f32
  } finalize {
  ^bb0(%a: f32, %e: f32):
    kernel.yield %a : f32
  }
  return
}

// -----

func.func @bad_out_shape(%x: memref<2x3xf32>, %y: memref<2x3xf32>) {
  // expected-error @+1 {{output dimension 1 must be 1}}
  kernel.reduce ins(%x : memref<2x3xf32>) outs(%y : memref<2x3xf32>) attributes {axes = array<i64: 1>, init = 0.0 : f32} map {
  ^bb0(%v: f32):
    kernel.yield %v : f32
  } combine {
  ^bb0(%a: f32, %b: f32):
    kernel.yield %a : f32
  } finalize {
  ^bb0(%a: f32):
    kernel.yield %a : f32
  }
  return
}

// -----

func.func @bad_axes(%x: memref<2x3xf32>, %y: memref<1x1xf32>) {
  // expected-error @+1 {{axes must be sorted, unique and in [0, 2)}}
  kernel.reduce ins(%x : memref<2x3xf32>) outs(%y : memref<1x1xf32>) attributes {axes = array<i64: 1, 0>, init = 0.0 : f32} map {
  ^bb0(%v: f32):
    kernel.yield %v : f32
  } combine {
  ^bb0(%a: f32, %b: f32):
    kernel.yield %a : f32
  } finalize {
  ^bb0(%a: f32):
    kernel.yield %a : f32
  }
  return
}

// -----

func.func @bad_map(%x: memref<2x3xf16>, %y: memref<2x1xf16>) {
  // expected-error @+1 {{'map' body must yield 'f32'}}
  kernel.reduce ins(%x : memref<2x3xf16>) outs(%y : memref<2x1xf16>) attributes {axes = array<i64: 1>, init = 0.0 : f32} map {
  ^bb0(%v: f16):
    kernel.yield %v : f16
  } combine {
  ^bb0(%a: f32, %b: f32):
    kernel.yield %a : f32
  } finalize {
  ^bb0(%a: f32):
    %t = arith.truncf %a : f32 to f16
    kernel.yield %t : f16
  }
  return
}

// -----

func.func @bad_extra(%x: memref<2x3xf32>, %m: memref<3xf32>, %y: memref<2x1xf32>) {
  // expected-error @+1 {{extra input of type 'memref<3xf32>' does not broadcast to 'memref<2x1xf32>'}}
  kernel.reduce ins(%x : memref<2x3xf32>) outs(%y : memref<2x1xf32>) extra(%m : memref<3xf32>) attributes {axes = array<i64: 1>, init = 0.0 : f32} map {
  ^bb0(%v: f32, %e: f32):
    kernel.yield %v : f32
  } combine {
  ^bb0(%a: f32, %b: f32):
    kernel.yield %a : f32
  } finalize {
  ^bb0(%a: f32, %e: f32):
    kernel.yield %a : f32
  }
  return
}
