// RUN: modelc-opt %s --modelc-plan-memory | FileCheck %s

// %a dies when %b is written, so %c can take %a's slot; the elementwise kernel writing %d
// reads %c at the same index as it dies and reuses its slot in place.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: kernel.arena_bytes = 128
// CHECK: kernel.alloc {offset = 0 : i64} : memref<16xf32>
// CHECK: kernel.alloc {offset = 64 : i64} : memref<16xf32>
// CHECK: kernel.alloc {offset = 0 : i64} : memref<16xf32>
// CHECK: kernel.alloc {offset = 0 : i64} : memref<16xf32>
func.func @chain(%x: memref<16xf32>, %y: memref<16xf32>) {
  %a = kernel.alloc : memref<16xf32>
  kernel.copy %x, %a : memref<16xf32>, memref<16xf32>
  %b = kernel.alloc : memref<16xf32>
  kernel.copy %a, %b : memref<16xf32>, memref<16xf32>
  %c = kernel.alloc : memref<16xf32>
  kernel.copy %b, %c : memref<16xf32>, memref<16xf32>
  %d = kernel.alloc : memref<16xf32>
  kernel.elementwise ins(%c : memref<16xf32>) outs(%d : memref<16xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  kernel.copy %d, %y : memref<16xf32>, memref<16xf32>
  return
}

// An elementwise kernel whose output element is wider than its dying input's (i32 -> f64,
// both within one 64-byte slot) must not write in place: element i of the output would
// overwrite inputs 2i and 2i + 1 before they are read.
// CHECK-LABEL: func.func @widening
// CHECK: kernel.alloc {offset = 0 : i64} : memref<6xi32>
// CHECK: kernel.alloc {offset = 64 : i64} : memref<6xf64>
func.func @widening(%x: memref<6xi32>, %y: memref<6xf64>) {
  %a = kernel.alloc : memref<6xi32>
  kernel.copy %x, %a : memref<6xi32>, memref<6xi32>
  %b = kernel.alloc : memref<6xf64>
  kernel.elementwise ins(%a : memref<6xi32>) outs(%b : memref<6xf64>) {
  ^bb0(%v: i32):
    %r = arith.sitofp %v : i32 to f64
    kernel.yield %r : f64
  }
  kernel.copy %b, %y : memref<6xf64>, memref<6xf64>
  return
}
