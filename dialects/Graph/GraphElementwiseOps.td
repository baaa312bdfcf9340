//===- GraphElementwiseOps.td - graph dialect: elementwise ops ------------===//
//
// Graph ops of one family: elementwise, logical, bitwise and comparison ops beyond the core
// set (Where, Mod, BitShift, ...) and quantize/dequantize. Included by GraphOps.td, so
// Graph_Op, Graph_Tensor and the other base definitions are in scope. Type inference,
// verifiers and folders go in GraphElementwiseOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_ELEMENTWISE_OPS_TD
#define MODELC_GRAPH_ELEMENTWISE_OPS_TD

def Graph_BoolTensor : RankedTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

// Floating-point unary ops without attributes: [class suffix, mnemonic, ONNX name].
foreach u = [["Acos", "acos", "Acos"], ["Acosh", "acosh", "Acosh"], ["Asin", "asin", "Asin"],
             ["Asinh", "asinh", "Asinh"], ["Atan", "atan", "Atan"], ["Atanh", "atanh", "Atanh"],
             ["Cosh", "cosh", "Cosh"], ["Sinh", "sinh", "Sinh"], ["Tan", "tan", "Tan"],
             ["Mish", "mish", "Mish"]] in
def Graph_ # !head(u) # Op : Graph_UnaryOp<!head(!tail(u)), !head(!tail(!tail(u)))>;

def Graph_NotOp : Graph_UnaryOp<"not", "Not"> {
  let arguments = (ins Graph_BoolTensor:$input);
  let results = (outs Graph_BoolTensor:$result);
  let hasFolder = 1;
}

def Graph_BitwiseNotOp : Graph_UnaryOp<"bitwise_not", "BitwiseNot"> {
  let arguments = (ins RankedTensorOf<[AnyInteger]>:$input);
  let results = (outs RankedTensorOf<[AnyInteger]>:$result);
}

def Graph_GeluOp : Graph_UnaryOp<"gelu", "Gelu"> {
  let description = [{
    `0.5 * x * (1 + erf(x / sqrt(2)))`, or with `tanh = true` (ONNX approximate="tanh")
    `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.

    ```mlir
    %y = graph.gelu %x {tanh = true} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, DefaultValuedAttr<BoolAttr, "false">:$tanh);
}

def Graph_SwishOp : Graph_UnaryOp<"swish", "Swish"> {
  let description = [{
    `x * sigmoid(alpha * x)`.

    ```mlir
    %y = graph.swish %x {alpha = 1.0 : f32} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}

def Graph_ShrinkOp : Graph_UnaryOp<"shrink", "Shrink"> {
  let description = [{
    `x < -lambd ? x + bias : (x > lambd ? x - bias : 0)`, computed in the element type.

    ```mlir
    %y = graph.shrink %x {bias = 0.0 : f32, lambd = 1.5 : f32} : tensor<5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DefaultValuedAttr<F32Attr, "0.5">:$lambd,
                       DefaultValuedAttr<F32Attr, "0.0">:$bias);
}

/// Unary predicates on floats with a bool result.
class Graph_FloatPredicateOp<string mnemonic, string onnxName>
    : Graph_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "Elementwise ONNX " # onnxName # " (bool result)";
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_IsNaNOp : Graph_FloatPredicateOp<"is_nan", "IsNaN"> {
  let description = [{
    True where the element is NaN.

    ```mlir
    %y = graph.is_nan %x : (tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
}

def Graph_IsInfOp : Graph_FloatPredicateOp<"is_inf", "IsInf"> {
  let description = [{
    True where the element is +inf (when `detect_positive`) or -inf (when `detect_negative`).

    ```mlir
    %y = graph.is_inf %x {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
}

//===----------------------------------------------------------------------===//
// Binary ops with numpy broadcasting
//===----------------------------------------------------------------------===//

def Graph_ModOp : Graph_BinaryOp<"mod", "Mod"> {
  let description = [{
    The remainder of `lhs / rhs`. With `fmod = false` its sign is the divisor's (Python `%`,
    `numpy.mod`); with `fmod = true` the dividend's (C `fmod`). Integer division by zero
    yields 0, as the ONNX reference (numpy) does.

    ```mlir
    %z = graph.mod %x, %y {fmod = true} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
}

def Graph_BitShiftOp : Graph_BinaryOp<"bit_shift", "BitShift"> {
  let description = [{
    Shifts `lhs` left (`left = true`) or right by `rhs` bits. A shift amount outside
    [0, bit width) gives 0, or -1 for a right shift of a negative signed value; right shifts
    of signed values are arithmetic (ONNX BitShift-28).

    ```mlir
    %z = graph.bit_shift %x, %y {left = true} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyInteger]>:$lhs, RankedTensorOf<[AnyInteger]>:$rhs,
                       BoolAttr:$left);
}

def Graph_BitwiseAndOp : Graph_BinaryOp<"bitwise_and", "BitwiseAnd", [Commutative]>;
def Graph_BitwiseOrOp : Graph_BinaryOp<"bitwise_or", "BitwiseOr", [Commutative]>;
def Graph_BitwiseXorOp : Graph_BinaryOp<"bitwise_xor", "BitwiseXor", [Commutative]>;
def Graph_AndOp : Graph_BinaryOp<"and", "And", [Commutative]>;
def Graph_OrOp : Graph_BinaryOp<"or", "Or", [Commutative]>;
def Graph_XorOp : Graph_BinaryOp<"xor", "Xor", [Commutative]>;

def Graph_PReluOp : Graph_BinaryOp<"prelu", "PRelu"> {
  let description = [{
    `x > 0 ? x : x * slope`, `slope` broadcast to `x` (numpy style, after the importer's
    legacy alignment).

    ```mlir
    %y = graph.prelu %x, %s : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    ```
  }];
}

def Graph_SwiGLUOp : Graph_BinaryOp<"swiglu", "SwiGLU"> {
  let description = [{
    `lhs * sigmoid(alpha * lhs) * rhs` (operands of one shape).

    ```mlir
    %y = graph.swiglu %a, %b {alpha = 1.0 : f32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$lhs, Graph_FloatTensor:$rhs,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}

/// Comparisons: broadcasting, bool result.
class Graph_CompareOp<string mnemonic, string onnxName, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let summary = "Elementwise ONNX " # onnxName # " with numpy broadcasting (bool result)";
  let description = "Computes ONNX `" # onnxName # "` of the two operands broadcast to a "
    # "common shape; floating-point comparisons with NaN are false (Equal) or as IEEE says."
    # "\n\n```mlir\n%z = graph." # mnemonic
    # " %x, %y : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xi1>\n```";
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}
def Graph_EqualOp : Graph_CompareOp<"equal", "Equal", [Commutative]>;
def Graph_LessOp : Graph_CompareOp<"less", "Less">;
def Graph_LessOrEqualOp : Graph_CompareOp<"less_or_equal", "LessOrEqual">;
def Graph_GreaterOp : Graph_CompareOp<"greater", "Greater">;
def Graph_GreaterOrEqualOp : Graph_CompareOp<"greater_or_equal", "GreaterOrEqual">;

//===----------------------------------------------------------------------===//
// Where
//===----------------------------------------------------------------------===//

def Graph_WhereOp : Graph_Op<"where", [InferTypeOpAdaptor]> {
  let summary = "Elementwise selection (ONNX Where) with numpy broadcasting";
  let description = [{
    `condition ? x : y`, all three broadcast to a common shape.

    ```mlir
    %z = graph.where %c, %x, %y
         : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Graph_BoolTensor:$condition, Graph_Tensor:$x, Graph_Tensor:$y);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $x `,` $y attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Reinterpretation, quantization
//===----------------------------------------------------------------------===//

def Graph_BitCastOp : Graph_Op<"bit_cast"> {
  let summary = "Reinterprets the bits of each element (ONNX BitCast)";
  let description = [{
    The element types have the same width; bool counts as 8 bits.

    ```mlir
    %y = graph.bit_cast %x : (tensor<4xf32>) -> tensor<4xi32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_QuantizeLinearOp : Graph_Op<"quantize_linear"> {
  let summary = "Linear quantization (ONNX QuantizeLinear)";
  let description = [{
    `saturate_cast(round(x / scale) + zero_point)` into the result's element type. Integer
    results round half to even and clamp to the type's range; float8 results convert `x /
    scale` (saturating when `saturate`, zero point ignored as the ONNX reference does);
    FLOAT4E2M1 adds the zero point before its always-saturating conversion. `scale` and
    `zero_point` are scalars, 1-d along `axis` (per axis), or x's shape with dimension
    `axis` divided into blocks of `block_size` (blocked). `precision` (a float element type,
    ONNX QuantizeLinear-23) is the type the division is computed in.

    ```mlir
    %y = graph.quantize_linear %x, %s, %zp {axis = 1 : i64}
         : (tensor<1x3x4xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<1x3x4xui8>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale,
                       Optional<Graph_Tensor>:$zero_point,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate,
                       OptionalAttr<TypeAttr>:$precision);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_DequantizeLinearOp : Graph_Op<"dequantize_linear"> {
  let summary = "Linear dequantization (ONNX DequantizeLinear)";
  let description = [{
    `(float(x) - float(zero_point)) * scale`, computed in float32 and converted to the
    result's element type. `scale` and `zero_point` are laid out as for quantize_linear.

    ```mlir
    %y = graph.dequantize_linear %x, %s, %zp
         : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale,
                       Optional<Graph_Tensor>:$zero_point,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_QuantizeParamsOp : Graph_Op<"quantize_params", [InferTypeOpAdaptor]> {
  let summary = "Scale and zero point of DynamicQuantizeLinear";
  let description = [{
    From the range [min(0, min(x)), max(0, max(x))]: `scale = (max - min) / 255` (1 / 255 for
    an empty range) and `zero_point = round(clamp(-min / scale, 0, 255))` as uint8.

    ```mlir
    %s, %zp = graph.quantize_params %x : (tensor<6xf32>) -> (tensor<f32>, tensor<ui8>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_FloatTensor:$scale, RankedTensorOf<[UI8]>:$zero_point);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // MODELC_GRAPH_ELEMENTWISE_OPS_TD
