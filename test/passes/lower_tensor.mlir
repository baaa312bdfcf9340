// RUN: modelc-opt %s --modelc-lower-to-kernel --split-input-file | FileCheck %s

// Slice is a strided copy: offset = 1 * 10 + 9 (start 9, step -2 on the last axis), then
// the output extents and the input strides times the steps.
// CHECK-LABEL: func.func @slice
// CHECK: kernel.call "mc::strided_copy" ins(%{{.+}} : memref<4x10xf32>) outs(%{{.+}} : memref<2x5xf32>)
// CHECK-SAME: params = array<i64: 2, 19, 2, 5, 20, -2>
// CHECK-SAME: tasks = 10
func.func @slice(%x: tensor<4x10xf32>) -> tensor<2x5xf32> {
  %y = graph.slice %x {starts = array<i64: 1, 9>, steps = array<i64: 2, -2>}
       : (tensor<4x10xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// Expand is a broadcasting elementwise copy.
// CHECK-LABEL: func.func @expand
// CHECK: kernel.elementwise ins(%{{.+}} : memref<3x1xi1>) outs(%{{.+}} : memref<2x3x6xi1>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: i1):
// CHECK-NEXT: kernel.yield %[[A]] : i1
func.func @expand(%x: tensor<3x1xi1>) -> tensor<2x3x6xi1> {
  %y = graph.expand %x : (tensor<3x1xi1>) -> tensor<2x3x6xi1>
  return %y : tensor<2x3x6xi1>
}

// -----

// Tile is the same copy between views: [2, 3] seen as [1, 2, 3] (only axis 0 repeats),
// broadcast to [4, 2, 3], seen as [8, 3].
// CHECK-LABEL: func.func @tile
// CHECK: %[[V:.+]] = kernel.view %{{.+}} : memref<2x3xf16> to memref<1x2x3xf16>
// CHECK: %[[B:.+]] = kernel.alloc : memref<4x2x3xf16>
// CHECK: kernel.elementwise ins(%[[V]] : memref<1x2x3xf16>) outs(%[[B]] : memref<4x2x3xf16>)
// CHECK: kernel.view %[[B]] : memref<4x2x3xf16> to memref<8x3xf16>
func.func @tile(%x: tensor<2x3xf16>) -> tensor<8x3xf16> {
  %y = graph.tile %x {repeats = array<i64: 4, 1>} : (tensor<2x3xf16>) -> tensor<8x3xf16>
  return %y : tensor<8x3xf16>
}

// -----

// Pad: mode 2 (reflect); out extents, in extents, begin pads; the constant is a zero weight
// when there is no value operand.
// CHECK-LABEL: func.func @pad
// CHECK: %[[Z:.+]] = kernel.weight dense<0> : tensor<i32> : memref<i32>
// CHECK: kernel.call "mc::pad" ins(%{{.+}}, %[[Z]] : memref<2x3xi32>, memref<i32>) outs(%{{.+}} : memref<4x6xi32>)
// CHECK-SAME: params = array<i64: 2, 2, 4, 6, 2, 3, 1, 2>
func.func @pad(%x: tensor<2x3xi32>) -> tensor<4x6xi32> {
  %y = graph.pad %x {mode = "reflect", pads = array<i64: 1, 2, 1, 1>}
       : (tensor<2x3xi32>) -> tensor<4x6xi32>
  return %y : tensor<4x6xi32>
}

// -----

// Trilu reads k at run time when it is an operand.
// CHECK-LABEL: func.func @trilu
// CHECK: kernel.call "mc::trilu" ins(%{{.+}}, %{{.+}} : memref<2x4x5xi64>, memref<i64>) outs(%{{.+}} : memref<2x4x5xi64>)
// CHECK-SAME: params = array<i64: 4, 5, 0>
func.func @trilu(%x: tensor<2x4x5xi64>, %k: tensor<i64>) -> tensor<2x4x5xi64> {
  %y = graph.trilu %x, %k {upper = false} : (tensor<2x4x5xi64>, tensor<i64>) -> tensor<2x4x5xi64>
  return %y : tensor<2x4x5xi64>
}

// -----

// Scatters: one task per data line along the axis (ScatterElements, reduction 1 = add) or
// per position within a slice (ScatterND, 3 = max).
// CHECK-LABEL: func.func @scatter
// CHECK: kernel.call "mc::scatter_elements"
// CHECK-SAME: params = array<i64: 2, 1, 1, 3, 5, 3, 2>
// CHECK-SAME: tasks = 3
// CHECK: kernel.call "mc::scatter_nd"
// CHECK-SAME: params = array<i64: 3, 2, 1, 5, 3>
// CHECK-SAME: tasks = 5
func.func @scatter(%d: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>,
                   %ni: tensor<2x1xi64>, %nu: tensor<2x5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %a = graph.scatter_elements %d, %i, %u {axis = 1 : i64, reduction = "add"}
       : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  %b = graph.scatter_nd %d, %ni, %nu {reduction = "max"}
       : (tensor<3x5xf32>, tensor<2x1xi64>, tensor<2x5xf32>) -> tensor<3x5xf32>
  return %a, %b : tensor<3x5xf32>, tensor<3x5xf32>
}

// -----

// A data-dependent result returned as graph output 1: the kernel writes its extents and
// kernel.output_shape hands them to the bundle; the values buffer keeps the upper bound.
// CHECK-LABEL: func.func @nonzero
// CHECK-SAME: %{{.+}}: memref<2x3xf32> {kernel.io = "input"}, %{{.+}}: memref<2x3xf32> {kernel.io = "output"}, %[[OUT:.+]]: memref<2x6xi64> {kernel.io = "output"})
// CHECK: %[[Y:.+]] = kernel.alloc : memref<2x6xi64>
// CHECK: %[[S:.+]] = kernel.alloc : memref<2xi64>
// CHECK: kernel.call "mc::nonzero" ins(%{{.+}} : memref<2x3xf32>) outs(%[[Y]], %[[S]] : memref<2x6xi64>, memref<2xi64>)
// CHECK-SAME: params = array<i64: 2, 2, 3>
// CHECK-SAME: tasks = 1
// CHECK: kernel.output_shape %[[S]] {output = 1 : i64} : memref<2xi64>
// CHECK: kernel.copy %[[Y]], %[[OUT]]
func.func @nonzero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x6xi64>) {
  %y, %s = graph.non_zero %x : (tensor<2x3xf32>) -> (tensor<2x6xi64>, tensor<2xi64>)
  return %x, %y : tensor<2x3xf32>, tensor<2x6xi64>
}

// -----

// Unique: y, indices and counts are data dependent (three extents buffers); the int64
// scratch buffer holds 2 * 6 entries.
// CHECK-LABEL: func.func @unique
// CHECK: kernel.call "mc::unique"
// CHECK-SAME: memref<6xf32>, memref<6xi64>, memref<6xi64>, memref<6xi64>, memref<1xi64>, memref<1xi64>, memref<1xi64>, memref<12xi64>
// CHECK-SAME: params = array<i64: 1, 0, 1, 6>
// CHECK-COUNT-4: kernel.output_shape
func.func @unique(%x: tensor<6xf32>) -> (tensor<6xf32>, tensor<6xi64>, tensor<6xi64>, tensor<6xf32>) {
  %y, %i, %v, %c, %ys, %is, %cs = graph.unique %x {axis = 0 : i64, sorted = true}
      : (tensor<6xf32>) -> (tensor<6xf32>, tensor<6xi64>, tensor<6xi64>, tensor<6xi64>,
                            tensor<1xi64>, tensor<1xi64>, tensor<1xi64>)
  return %y, %i, %c, %y : tensor<6xf32>, tensor<6xi64>, tensor<6xi64>, tensor<6xf32>
}

// -----

// TfIdfVectorizer: one task per row; params = row length, table rows, table width,
// max_skip_count, output size, mode; the n-gram table and the weights are constant buffers.
// CHECK-LABEL: func.func @tfidf_vectorizer
// CHECK-DAG: %[[G:.+]] = kernel.weight dense<{{\[\[}}2, 2, 4, 5], [2, 3, 3, 5]]> : tensor<2x4xi64> : memref<2x4xi64>
// CHECK-DAG: %[[W:.+]] = kernel.weight dense<[5.000000e-01, 1.000000e+00, 2.000000e+00, 4.000000e+00]> : tensor<4xf32> : memref<4xf32>
// CHECK: kernel.call "mc::tfidf_vectorizer" ins(%{{.+}}, %[[G]], %[[W]] : memref<2x5xi32>, memref<2x4xi64>, memref<4xf32>) outs(%{{.+}} : memref<2x4xf32>)
// CHECK-SAME: params = array<i64: 5, 2, 4, 1, 4, 1>
// CHECK-SAME: tasks = 2
func.func @tfidf_vectorizer(%x: tensor<2x5xi32>) -> tensor<2x4xf32> {
  %g = graph.constant dense<[[2, 2, 4, 5], [2, 3, 3, 5]]> : tensor<2x4xi64>
  %w = graph.constant dense<[0.5, 1.0, 2.0, 4.0]> : tensor<4xf32>
  %y = graph.tfidf_vectorizer %x, %g, %w {max_skip_count = 1 : i64, mode = 1 : i64, output_size = 4 : i64}
       : (tensor<2x5xi32>, tensor<2x4xi64>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
