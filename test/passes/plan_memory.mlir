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

// The kernel producing a model output writes the output argument itself: its arena buffer
// and the final copy go (only %a stays in the arena). An output whose buffer also feeds a
// later kernel is forwarded too (the reader reads the output argument); a buffer copied to
// two outputs is forwarded to the first, and the second copy reads the first output.
// CHECK-LABEL: func.func @output_in_place
// CHECK-SAME: kernel.arena_bytes = 64
// CHECK: %[[A:.*]] = kernel.alloc {offset = 0 : i64} : memref<16xf32>
// CHECK-NEXT: kernel.copy %arg0, %[[A]]
// CHECK-NEXT: kernel.elementwise ins(%[[A]] : memref<16xf32>) outs(%arg1 : memref<16xf32>)
// CHECK: kernel.elementwise ins(%arg1 : memref<16xf32>) outs(%arg2 : memref<16xf32>)
// CHECK: kernel.copy %arg2, %arg3
// CHECK-NEXT: return
func.func @output_in_place(%x: memref<16xf32> {kernel.io = "input"}, %y: memref<16xf32> {kernel.io = "output"},
                           %z: memref<16xf32> {kernel.io = "output"}, %w: memref<16xf32> {kernel.io = "output"}) {
  %a = kernel.alloc : memref<16xf32>
  kernel.copy %x, %a : memref<16xf32>, memref<16xf32>
  %b = kernel.alloc : memref<16xf32>
  kernel.elementwise ins(%a : memref<16xf32>) outs(%b : memref<16xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  %c = kernel.alloc : memref<16xf32>
  kernel.elementwise ins(%b : memref<16xf32>) outs(%c : memref<16xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  kernel.copy %b, %y : memref<16xf32>, memref<16xf32>
  kernel.copy %c, %z : memref<16xf32>, memref<16xf32>
  kernel.copy %c, %w : memref<16xf32>, memref<16xf32>
  return
}

// A model output copied from a view of the producer's buffer (a reshaped result): the
// producer writes the output argument through the reverse view; no copy, no arena bytes.
// CHECK-LABEL: func.func @output_through_view
// CHECK-SAME: kernel.arena_bytes = 0
// CHECK: %[[V:.*]] = kernel.view %arg1 : memref<2x8xf32> to memref<16xf32>
// CHECK-NEXT: kernel.elementwise ins(%arg0 : memref<16xf32>) outs(%[[V]] : memref<16xf32>)
// CHECK-NOT: kernel.copy
// CHECK: return
func.func @output_through_view(%x: memref<16xf32> {kernel.io = "input"}, %y: memref<2x8xf32> {kernel.io = "output"}) {
  %a = kernel.alloc : memref<16xf32>
  kernel.elementwise ins(%x : memref<16xf32>) outs(%a : memref<16xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  %v = kernel.view %a : memref<16xf32> to memref<2x8xf32>
  kernel.copy %v, %y : memref<2x8xf32>, memref<2x8xf32>
  return
}

// A view with another reader keeps its buffer and the copy.
// CHECK-LABEL: func.func @output_view_shared
// CHECK: kernel.alloc
// CHECK: kernel.copy
func.func @output_view_shared(%x: memref<16xf32> {kernel.io = "input"}, %y: memref<2x8xf32> {kernel.io = "output"},
                              %z: memref<2x8xf32> {kernel.io = "output"}) {
  %a = kernel.alloc : memref<16xf32>
  kernel.elementwise ins(%x : memref<16xf32>) outs(%a : memref<16xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  %v = kernel.view %a : memref<16xf32> to memref<2x8xf32>
  kernel.copy %v, %y : memref<2x8xf32>, memref<2x8xf32>
  kernel.copy %v, %z : memref<2x8xf32>, memref<2x8xf32>
  return
}

// The producer writes a view of the copied buffer (a conv GEMM's 1x1xCxHW result of an
// NxCxHxW output): the view now views the output argument.
// CHECK-LABEL: func.func @output_written_through_view
// CHECK-SAME: kernel.arena_bytes = 0
// CHECK: %[[V:.*]] = kernel.view %arg1 : memref<2x8xf32> to memref<16xf32>
// CHECK-NEXT: kernel.elementwise ins(%arg0 : memref<16xf32>) outs(%[[V]] : memref<16xf32>)
// CHECK-NOT: kernel.copy
// CHECK: return
func.func @output_written_through_view(%x: memref<16xf32> {kernel.io = "input"}, %y: memref<2x8xf32> {kernel.io = "output"}) {
  %a = kernel.alloc : memref<2x8xf32>
  %v = kernel.view %a : memref<2x8xf32> to memref<16xf32>
  kernel.elementwise ins(%x : memref<16xf32>) outs(%v : memref<16xf32>) {
  ^bb0(%e: f32):
    %r = math.exp %e : f32
    kernel.yield %r : f32
  }
  kernel.copy %a, %y : memref<2x8xf32>, memref<2x8xf32>
  return
}

// The producers of a Concat's inputs write their parts of the concatenated buffer (only
// size-1 dimensions before the axis, so each part is contiguous): the inputs become views at
// element offsets 0 and 2 * 4 = 8, the concat goes, and the buffer is live from the first
// producer on (its 80 bytes take one 128-byte slot; %e is written into the output %y).
// CHECK-LABEL: func.func @concat_in_place
// CHECK-SAME: kernel.arena_bytes = 128
// CHECK: %[[CAT:.*]] = kernel.alloc {offset = 0 : i64} : memref<1x5x4xf32>
// CHECK-NEXT: %[[A:.*]] = kernel.view %[[CAT]] {offset = 0 : i64} : memref<1x5x4xf32> to memref<1x2x4xf32>
// CHECK-NEXT: kernel.elementwise ins(%arg0 : memref<1x2x4xf32>) outs(%[[A]] : memref<1x2x4xf32>)
// CHECK: %[[B:.*]] = kernel.view %[[CAT]] {offset = 8 : i64} : memref<1x5x4xf32> to memref<1x3x4xf32>
// CHECK-NEXT: kernel.elementwise ins(%arg1 : memref<1x3x4xf32>) outs(%[[B]] : memref<1x3x4xf32>)
// CHECK-NOT: kernel.concat
// CHECK: kernel.elementwise ins(%[[CAT]] : memref<1x5x4xf32>) outs(%arg2 : memref<1x5x4xf32>)
// CHECK: return
func.func @concat_in_place(%x: memref<1x2x4xf32> {kernel.io = "input"}, %w: memref<1x3x4xf32> {kernel.io = "input"},
                           %y: memref<1x5x4xf32> {kernel.io = "output"}) {
  %a = kernel.alloc : memref<1x2x4xf32>
  kernel.elementwise ins(%x : memref<1x2x4xf32>) outs(%a : memref<1x2x4xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  %b = kernel.alloc : memref<1x3x4xf32>
  kernel.elementwise ins(%w : memref<1x3x4xf32>) outs(%b : memref<1x3x4xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  %cat = kernel.alloc : memref<1x5x4xf32>
  kernel.concat ins(%a, %b : memref<1x2x4xf32>, memref<1x3x4xf32>) outs(%cat : memref<1x5x4xf32>) {axis = 1 : i64}
  %e = kernel.alloc : memref<1x5x4xf32>
  kernel.elementwise ins(%cat : memref<1x5x4xf32>) outs(%e : memref<1x5x4xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  kernel.copy %e, %y : memref<1x5x4xf32>, memref<1x5x4xf32>
  return
}

// Kept: parts that are not contiguous (a size-2 dimension before the axis), and an input
// that is a model input rather than a buffer a kernel writes.
// CHECK-LABEL: func.func @concat_kept
// CHECK-COUNT-2: kernel.concat
// CHECK-NOT: offset = 8
func.func @concat_kept(%x: memref<2x2x4xf32> {kernel.io = "input"}, %w: memref<1x3x4xf32> {kernel.io = "input"},
                       %y: memref<2x4x4xf32> {kernel.io = "output"}, %z: memref<1x6x4xf32> {kernel.io = "output"}) {
  %a = kernel.alloc : memref<2x2x4xf32>
  kernel.elementwise ins(%x : memref<2x2x4xf32>) outs(%a : memref<2x2x4xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  kernel.concat ins(%a, %a : memref<2x2x4xf32>, memref<2x2x4xf32>) outs(%y : memref<2x4x4xf32>) {axis = 1 : i64}
  %b = kernel.alloc : memref<1x3x4xf32>
  kernel.elementwise ins(%w : memref<1x3x4xf32>) outs(%b : memref<1x3x4xf32>) {
  ^bb0(%v: f32):
    %r = math.exp %v : f32
    kernel.yield %r : f32
  }
  kernel.concat ins(%b, %w : memref<1x3x4xf32>, memref<1x3x4xf32>) outs(%z : memref<1x6x4xf32>) {axis = 1 : i64}
  return
}
