// RUN: modelc-opt --modelc-lower-to-kernel %s | FileCheck %s

// A GRU becomes one library call over (direction, batch) tasks with a scratch row per task;
// its params carry kind, sizes, direction, flags and the gate functions.
// CHECK-LABEL: func.func @gru(
// CHECK:         %[[Y:.+]] = kernel.alloc : memref<4x2x3x5xf32>
// CHECK:         %[[YH:.+]] = kernel.alloc : memref<2x3x5xf32>
// CHECK:         %[[YC:.+]] = kernel.alloc : memref<2x3x5xf32>
// CHECK:         %[[S:.+]] = kernel.alloc : memref<6x30xf32>
// CHECK:         kernel.call "mc::recurrent" ins({{.*}}) outs(%[[Y]], %[[YH]], %[[YC]], %[[S]] :
// CHECK-SAME:      params = array<i64: 1, 4, 3, 2, 5, 2, 1, 0, 1, 2, 1, 2, 1, 0, 0>
// CHECK-SAME:      tasks = 6 : i64
func.func @gru(%x: tensor<4x3x2xf32>, %w: tensor<2x15x2xf32>, %r: tensor<2x15x5xf32>,
               %b: tensor<2x30xf32>, %lens: tensor<3xi32>, %h0: tensor<2x3x5xf32>,
               %p: tensor<2x15xf32>) -> tensor<4x2x3x5xf32> {
  %y, %yh, %yc = graph.recurrent %x, %w, %r, %b, %lens, %h0, %h0, %p
      {activations = array<i64: 2, 1, 2, 1>, alphas = array<f32: 0.0, 0.0, 0.0, 0.0>,
       betas = array<f32: 0.0, 0.0, 0.0, 0.0>, clip = 3.0 : f32, direction = 2 : i64,
       hidden_size = 5 : i64, kind = 1 : i32, linear_before_reset = true}
      : (tensor<4x3x2xf32>, tensor<2x15x2xf32>, tensor<2x15x5xf32>, tensor<2x30xf32>,
         tensor<3xi32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>, tensor<2x15xf32>)
      -> (tensor<4x2x3x5xf32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>)
  return %y : tensor<4x2x3x5xf32>
}
