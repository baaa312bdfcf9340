// RUN: modelc-opt %s --modelc-lower-to-kernel --split-input-file | FileCheck %s

// Elementwise ops become kernel.elementwise with a scalar body; results become outputs.
// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.+]]: memref<2x3xf32> {kernel.io = "input"}, %[[Y:.+]]: memref<2x3xf32> {kernel.io = "output"})
// CHECK: %[[BUF:.+]] = kernel.alloc : memref<2x3xf32>
// CHECK: kernel.elementwise ins(%[[X]] : memref<2x3xf32>) outs(%[[BUF]] : memref<2x3xf32>)
// CHECK: arith.maximumf
// CHECK: kernel.copy %[[BUF]], %[[Y]]
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.relu %x : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Broadcasting binary ops keep the smaller operand's shape.
// CHECK-LABEL: func.func @add_bcast
// CHECK: kernel.elementwise ins(%{{.+}}, %{{.+}} : memref<2x3xf32>, memref<3xf32>)
// CHECK: arith.addf
func.func @add_bcast(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = graph.add %x, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Gemm's C becomes an epilogue operand; constants become weights; reshape is a view.
// CHECK-LABEL: func.func @gemm
// CHECK: %[[W:.+]] = kernel.weight
// CHECK: %[[V:.+]] = kernel.view %{{.+}} : memref<1x4x1x1xf32> to memref<1x4xf32>
// CHECK: kernel.gemm ins(%[[V]], %[[W]] : memref<1x4xf32>, memref<5x4xf32>) outs(%{{.+}} : memref<1x5xf32>) epilogue(%{{.+}} : memref<5xf32>)
// CHECK-SAME: trans_b = true
// CHECK: arith.addf
func.func @gemm(%x: tensor<1x4x1x1xf32>) -> tensor<1x5xf32> {
  %w = graph.constant dense<1.0> : tensor<5x4xf32>
  %c = graph.constant dense<0.5> : tensor<5xf32>
  %r = graph.reshape %x : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %y = graph.gemm %r, %w, %c {trans_b = true} : (tensor<1x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// -----

// BatchNormalization parameters are viewed as C x 1 x 1 to broadcast along axis 1.
// CHECK-LABEL: func.func @bn
// CHECK-COUNT-4: kernel.view %{{.+}} : memref<3xf32> to memref<3x1x1xf32>
// CHECK: kernel.elementwise ins(%{{.+}} : memref<1x3x2x2xf32>, memref<3x1x1xf32>, memref<3x1x1xf32>, memref<3x1x1xf32>, memref<3x1x1xf32>)
// CHECK: math.sqrt
func.func @bn(%x: tensor<1x3x2x2xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<1x3x2x2xf32> {
  %y = graph.batch_norm %x, %s, %b, %m, %v : (tensor<1x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}
