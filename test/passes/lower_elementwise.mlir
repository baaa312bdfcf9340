// RUN: modelc-opt %s --modelc-lower-to-kernel --split-input-file | FileCheck %s

// Comparisons produce i1 bodies; unsigned operands compare unsigned.
// CHECK-LABEL: func.func @less_unsigned
// CHECK: kernel.elementwise ins(%{{.+}}, %{{.+}} : memref<4xui8>, memref<4xui8>) outs(%{{.+}} : memref<4xi1>)
// CHECK: arith.cmpi ult
// CHECK: kernel.yield %{{.+}} : i1
func.func @less_unsigned(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xi1> {
  %z = graph.less %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %z : tensor<4xi1>
}

// -----

// Where is one kernel with three broadcast inputs.
// CHECK-LABEL: func.func @where
// CHECK: kernel.elementwise ins(%{{.+}}, %{{.+}}, %{{.+}} : memref<2x3xi1>, memref<3xf32>, memref<f32>) outs(%{{.+}} : memref<2x3xf32>)
// CHECK: ^bb0(%[[C:.+]]: i1, %[[X:.+]]: f32, %[[Y:.+]]: f32):
// CHECK: arith.select %[[C]], %[[X]], %[[Y]] : f32
func.func @where(%c: tensor<2x3xi1>, %x: tensor<3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %z = graph.where %c, %x, %y : (tensor<2x3xi1>, tensor<3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// -----

// Integer Mod (Python semantics): a guarded signed remainder, fixed up to the divisor's sign.
// CHECK-LABEL: func.func @mod_int
// CHECK: arith.remsi
// CHECK: arith.addi
// CHECK: arith.select
func.func @mod_int(%x: tensor<6xi32>, %y: tensor<6xi32>) -> tensor<6xi32> {
  %z = graph.mod %x, %y : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  return %z : tensor<6xi32>
}

// -----

// fmod on floats is arith.remf.
// CHECK-LABEL: func.func @fmod
// CHECK: arith.remf
// CHECK-NOT: math.copysign
func.func @fmod(%x: tensor<6xf32>, %y: tensor<6xf32>) -> tensor<6xf32> {
  %z = graph.mod %x, %y {fmod = true} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  return %z : tensor<6xf32>
}

// -----

// Right shifts of unsigned values are logical, amounts compare unsigned against the width.
// CHECK-LABEL: func.func @shift_right
// CHECK: arith.cmpi uge
// CHECK: arith.shrui
func.func @shift_right(%x: tensor<3xui16>, %y: tensor<3xui16>) -> tensor<3xui16> {
  %z = graph.bit_shift %x, %y {left = false} : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xui16>
  return %z : tensor<3xui16>
}

// -----

// A saturating cast to float8 clamps to the type's largest value before truncating.
// CHECK-LABEL: func.func @cast_f8_saturate
// CHECK-DAG: arith.constant 4.480000e+02 : f32
// CHECK-DAG: arith.constant -4.480000e+02 : f32
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.truncf %{{.+}} : f32 to f8E4M3FN
func.func @cast_f8_saturate(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  %y = graph.cast %x : (tensor<4xf32>) -> tensor<4xf8E4M3FN>
  return %y : tensor<4xf8E4M3FN>
}

// -----

// Without saturation the truncation alone (overflow becomes NaN) remains.
// CHECK-LABEL: func.func @cast_f8_no_saturate
// CHECK-NOT: arith.minimumf
// CHECK: arith.truncf %{{.+}} : f32 to f8E5M2
func.func @cast_f8_no_saturate(%x: tensor<4xf32>) -> tensor<4xf8E5M2> {
  %y = graph.cast %x {saturate = false} : (tensor<4xf32>) -> tensor<4xf8E5M2>
  return %y : tensor<4xf8E5M2>
}

// -----

// FLOAT4E2M1 elements are i8 codes in bodies: the encoding counts rounding thresholds.
// CHECK-LABEL: func.func @cast_f4
// CHECK: kernel.elementwise ins(%{{.+}} : memref<4xf32>) outs(%{{.+}} : memref<4x!graph.f4E2M1FN>)
// CHECK: math.absf
// CHECK-COUNT-7: arith.cmpf
// CHECK: kernel.yield %{{.+}} : i8
func.func @cast_f4(%x: tensor<4xf32>) -> tensor<4x!graph.f4E2M1FN> {
  %y = graph.cast %x : (tensor<4xf32>) -> tensor<4x!graph.f4E2M1FN>
  return %y : tensor<4x!graph.f4E2M1FN>
}

// -----

// FLOAT8E8M0 round_mode = nearest looks at the guard, round and sticky bits.
// CHECK-LABEL: func.func @cast_e8m0
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: arith.constant 4194304 : i32
// CHECK: arith.constant 2097152 : i32
// CHECK: arith.trunci %{{.+}} : i32 to i8
func.func @cast_e8m0(%x: tensor<4xf32>) -> tensor<4x!graph.f8E8M0FNU> {
  %y = graph.cast %x {round_mode = 2 : i32} : (tensor<4xf32>) -> tensor<4x!graph.f8E8M0FNU>
  return %y : tensor<4x!graph.f8E8M0FNU>
}

// -----

// Floats to INT4 truncate, and values outside [-8, 7] become 0 (the ONNX reference).
// CHECK-LABEL: func.func @cast_i4
// CHECK: math.trunc
// CHECK-DAG: arith.cmpf ole
// CHECK-DAG: arith.cmpf oge
// CHECK: arith.andi
// CHECK: arith.fptosi %{{.+}} : f32 to i4
func.func @cast_i4(%x: tensor<4xf32>) -> tensor<4xi4> {
  %y = graph.cast %x : (tensor<4xf32>) -> tensor<4xi4>
  return %y : tensor<4xi4>
}

// -----

// Per-axis quantization views the scale and zero point as C x 1 along axis 1.
// CHECK-LABEL: func.func @quantize_axis
// CHECK-DAG: kernel.view %{{.+}} : memref<3xf32> to memref<3x1xf32>
// CHECK-DAG: kernel.view %{{.+}} : memref<3xui8> to memref<3x1xui8>
// CHECK: kernel.elementwise ins(%{{.+}}, %{{.+}}, %{{.+}} : memref<1x3x2xf32>, memref<3x1xf32>, memref<3x1xui8>) outs(%{{.+}} : memref<1x3x2xui8>)
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptoui %{{.+}} : f32 to i8
func.func @quantize_axis(%x: tensor<1x3x2xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<1x3x2xui8> {
  %y = graph.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<1x3x2xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<1x3x2xui8>
  return %y : tensor<1x3x2xui8>
}

// -----

// Blocked quantization whose block size divides the axis: x splits the axis into
// blocks x block_size, the parameters get a unit dimension after the blocks.
// CHECK-LABEL: func.func @quantize_blocked
// CHECK-DAG: kernel.view %{{.+}} : memref<3x4xf32> to memref<3x2x2xf32>
// CHECK-DAG: kernel.view %{{.+}} : memref<3x2xf32> to memref<3x2x1xf32>
// CHECK: kernel.elementwise ins(%{{.+}}, %{{.+}} : memref<3x2x2xf32>, memref<3x2x1xf32>) outs(%{{.+}} : memref<3x2x2xi16>)
func.func @quantize_blocked(%x: tensor<3x4xf32>, %s: tensor<3x2xf32>) -> tensor<3x4xi16> {
  %y = graph.quantize_linear %x, %s {axis = 1 : i64, block_size = 2 : i64} : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<3x4xi16>
  return %y : tensor<3x4xi16>
}

// -----

// A block size that does not divide its axis expands the parameters first.
// CHECK-LABEL: func.func @dequantize_blocked_remainder
// CHECK: kernel.call "mc::repeat_blocks" ins(%{{.+}} : memref<2x2xf32>) outs(%{{.+}} : memref<2x3xf32>)
// CHECK-SAME: params = array<i64: 2, 2, 3, 1, 2>
// CHECK: kernel.elementwise ins(%{{.+}}, %{{.+}} : memref<2x3xi8>, memref<2x3xf32>) outs(%{{.+}} : memref<2x3xf32>)
// CHECK: arith.sitofp
// CHECK: arith.mulf
func.func @dequantize_blocked_remainder(%x: tensor<2x3xi8>, %s: tensor<2x2xf32>) -> tensor<2x3xf32> {
  %y = graph.dequantize_linear %x, %s {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x3xi8>, tensor<2x2xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// DynamicQuantizeLinear's parameters come from one library task over the whole input.
// CHECK-LABEL: func.func @quantize_params
// CHECK: kernel.call "mc::quantize_params" ins(%{{.+}} : memref<6xf32>) outs(%{{.+}}, %{{.+}} : memref<f32>, memref<ui8>)
// CHECK-SAME: params = array<i64: 6>, tasks = 1
func.func @quantize_params(%x: tensor<6xf32>) -> (tensor<f32>, tensor<ui8>) {
  %s, %z = graph.quantize_params %x : (tensor<6xf32>) -> (tensor<f32>, tensor<ui8>)
  return %s, %z : tensor<f32>, tensor<ui8>
}
