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
