//===- GraphOps.td - modelc graph dialect operations ----------------------===//
//
// Tensor operations with ONNX semantics. Attributes hold what ONNX gives as attributes or as
// constant inputs (Clip bounds, Reshape shapes) after import-time normalization; `auto_pad` is
// resolved into explicit pads because every shape is static.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_OPS_TD
#define MODELC_GRAPH_OPS_TD

include "dialects/Graph/GraphDialect.td"
include "dialects/Graph/GraphTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// Base class of every graph op: all are side-effect free, so unused nodes are dead code.
class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def Graph_Tensor : RankedTensorOf<[AnyFloat, AnyInteger, Graph_StorageFloat]>;
def Graph_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Graph_I64Tensor : RankedTensorOf<[I64]>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant", [ConstantLike,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "A constant tensor (ONNX initializer or Constant node)";
  let description = [{
    Holds weights as a `DenseResourceElementsAttr` blob (never uniqued into the context) and
    small folded values (shapes, indices) as dense attributes.

    ```mlir
    %w = graph.constant dense_resource<conv1.weight> : tensor<64x3x7x7xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary operations
//===----------------------------------------------------------------------===//

class Graph_UnaryOp<string mnemonic, string onnxName, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let summary = "Elementwise ONNX " # onnxName;
  let description = "Applies ONNX `" # onnxName # "` to every element; the result has the "
    # "operand's type.\n\n```mlir\n%y = graph." # mnemonic
    # " %x : tensor<1x8xf32>\n```";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

// Unary ops without attributes: [class suffix, mnemonic, ONNX name].
foreach u = [["Relu", "relu", "Relu"], ["Sigmoid", "sigmoid", "Sigmoid"],
             ["Tanh", "tanh", "Tanh"], ["HardSwish", "hard_swish", "HardSwish"],
             ["Abs", "abs", "Abs"], ["Neg", "neg", "Neg"], ["Exp", "exp", "Exp"],
             ["Log", "log", "Log"], ["Sqrt", "sqrt", "Sqrt"], ["Reciprocal", "reciprocal", "Reciprocal"],
             ["Floor", "floor", "Floor"], ["Ceil", "ceil", "Ceil"], ["Erf", "erf", "Erf"],
             ["Sin", "sin", "Sin"], ["Cos", "cos", "Cos"], ["Softplus", "softplus", "Softplus"],
             ["Softsign", "softsign", "Softsign"], ["Sign", "sign", "Sign"],
             ["Round", "round", "Round"]] in
def Graph_ # !head(u) # Op : Graph_UnaryOp<!head(!tail(u)), !head(!tail(!tail(u)))> {
  // Folds on constants (shape computations such as Ceil(Div(...)) of a Range).
  let hasFolder = 1;
}

/// Unary ops with floating-point attributes: alpha, and for some beta.
class Graph_UnaryAlphaOp<string mnemonic, string onnxName, string alphaDefault>
    : Graph_UnaryOp<mnemonic, onnxName> {
  let arguments = (ins Graph_Tensor:$input,
                       DefaultValuedAttr<F32Attr, alphaDefault>:$alpha);
}
def Graph_LeakyReluOp : Graph_UnaryAlphaOp<"leaky_relu", "LeakyRelu", "0.01">;
def Graph_EluOp : Graph_UnaryAlphaOp<"elu", "Elu", "1.0">;
def Graph_CeluOp : Graph_UnaryAlphaOp<"celu", "Celu", "1.0">;
def Graph_ThresholdedReluOp : Graph_UnaryAlphaOp<"thresholded_relu", "ThresholdedRelu", "1.0">;

def Graph_HardSigmoidOp : Graph_UnaryOp<"hard_sigmoid", "HardSigmoid"> {
  let arguments = (ins Graph_Tensor:$input,
                       DefaultValuedAttr<F32Attr, "0.2">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5">:$beta);
}
def Graph_SeluOp : Graph_UnaryOp<"selu", "Selu"> {
  let arguments = (ins Graph_Tensor:$input,
                       DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma);
}

def Graph_ClipOp : Graph_UnaryOp<"clip", "Clip"> {
  let description = [{
    Clamps every element to [min, max]. ONNX gives the bounds as attributes (opset < 11) or
    as optional constant inputs (opset >= 11); the importer stores them as attributes, absent
    meaning unbounded.

    ```mlir
    %y = graph.clip %x {max = 6.0 : f64, min = 0.0 : f64} : tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
}

//===----------------------------------------------------------------------===//
// Elementwise binary operations with multidirectional (numpy) broadcasting
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, string onnxName, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let summary = "Elementwise ONNX " # onnxName # " with numpy broadcasting";
  let description = "Computes ONNX `" # onnxName # "` of the two operands broadcast to a "
    # "common shape.\n\n```mlir\n%z = graph." # mnemonic
    # " %x, %y : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>\n```";
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}
def Graph_AddOp : Graph_BinaryOp<"add", "Add", [Commutative]>;
def Graph_SubOp : Graph_BinaryOp<"sub", "Sub">;
def Graph_MulOp : Graph_BinaryOp<"mul", "Mul", [Commutative]>;
def Graph_DivOp : Graph_BinaryOp<"div", "Div">;
def Graph_PowOp : Graph_BinaryOp<"pow", "Pow">;
def Graph_MaxOp : Graph_BinaryOp<"max", "Max", [Commutative]>;
def Graph_MinOp : Graph_BinaryOp<"min", "Min", [Commutative]>;

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Graph_ConvOp : Graph_Op<"conv", [InferTypeOpAdaptor]> {
  let summary = "N-d convolution (ONNX Conv)";
  let description = [{
    `input` is N x C x D1 ... Dn, `weight` is M x C/group x k1 ... kn, `bias` (optional) is M.
    `pads` holds the begin pads of each spatial axis followed by the end pads; `auto_pad` was
    resolved by the importer.

    ```mlir
    %y = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
           pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
         : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$weight,
                       Optional<Graph_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_GemmOp : Graph_Op<"gemm", [InferTypeOpAdaptor]> {
  let summary = "General matrix multiply (ONNX Gemm)";
  let description = [{
    `alpha * op(A) * op(B) + beta * C` where op transposes when `trans_a`/`trans_b` is set and
    C (optional) broadcasts to M x N.

    ```mlir
    %y = graph.gemm %a, %b, %c {trans_b = true}
         : (tensor<1x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$a, Graph_Tensor:$b,
                       Optional<Graph_Tensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_MatMulOp : Graph_Op<"matmul", [InferTypeOpAdaptor]> {
  let summary = "Matrix product with numpy semantics (ONNX MatMul)";
  let description = [{
    1-d operands are promoted (and the added dimension removed from the result); batch
    dimensions broadcast.

    ```mlir
    %y = graph.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Normalization, pooling, softmax
//===----------------------------------------------------------------------===//

def Graph_BatchNormOp : Graph_Op<"batch_norm", [InferTypeOpAdaptor]> {
  let summary = "Inference-mode batch normalization (ONNX BatchNormalization)";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias` per channel (axis 1).

    ```mlir
    %y = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
         : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
         -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Graph_FloatTensor:$bias, Graph_FloatTensor:$mean,
                       Graph_FloatTensor:$var,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_PoolKindAttr : I32EnumAttr<"PoolKind", "pooling reduction",
    [I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"avg", 1>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_PoolOp : Graph_Op<"pool", [InferTypeOpAdaptor]> {
  let summary = "Max or average pooling (ONNX MaxPool, AveragePool, Global*Pool)";
  let description = [{
    Pools windows of `kernel_shape` over the spatial axes of an N x C x D1 ... Dn tensor.
    `ceil_mode` rounds the output size up; a window starting in the end padding is dropped.
    Global pooling is a window covering the whole spatial extent.

    ```mlir
    %y = graph.pool %x {kind = 0 : i32, kernel_shape = array<i64: 3, 3>,
           strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
           dilations = array<i64: 1, 1>} : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_PoolKindAttr:$kind,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SoftmaxOp : Graph_Op<"softmax", [SameOperandsAndResultType]> {
  let summary = "Softmax along one axis (ONNX Softmax, opset 13 semantics)";
  let description = [{
    Opset < 13 `Softmax` coerces its input to 2-d at `axis`; the importer expresses that with
    reshapes around this op, which always normalizes along the single axis `axis`. `log`
    selects LogSoftmax.

    ```mlir
    %y = graph.softmax %x {axis = 1 : i64} : tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$log);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def Graph_ReshapeOp : Graph_Op<"reshape"> {
  let summary = "Reinterprets a tensor with another static shape";
  let description = [{
    ONNX `Reshape` (with its shape input folded to a constant), `Flatten`, `Squeeze` and
    `Unsqueeze` all import as this op; the result type carries the new shape.

    ```mlir
    %y = graph.reshape %x : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_Op<"transpose", [InferTypeOpAdaptor]> {
  let summary = "Permutes dimensions (ONNX Transpose)";
  let description = [{
    Result dimension i is input dimension `perm[i]`.

    ```mlir
    %y = graph.transpose %x {perm = array<i64: 0, 2, 1>}
         : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [InferTypeOpAdaptor]> {
  let summary = "Concatenates tensors along an axis (ONNX Concat)";
  let description = [{
    `axis` is normalized to be non-negative by the importer.

    ```mlir
    %y = graph.concat %a, %b {axis = 1 : i64}
         : (tensor<1x64x8x8xf32>, tensor<1x64x8x8xf32>) -> tensor<1x128x8x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ShapeOp : Graph_Op<"shape", [InferTypeOpAdaptor]> {
  let summary = "The shape of a tensor as a 1-d int64 tensor (ONNX Shape)";
  let description = [{
    Always folds to a constant, since shapes are static. `start`/`end` (opset 15) select a
    slice of the dimensions and are normalized to [0, rank].

    ```mlir
    %s = graph.shape %x {start = 0 : i64, end = 4 : i64} : (tensor<1x3x8x8xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$start, I64Attr:$end);
  let results = (outs Graph_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_GatherOp : Graph_Op<"gather", [InferTypeOpAdaptor]> {
  let summary = "Gathers slices along an axis (ONNX Gather)";
  let description = [{
    Result shape is data.shape[:axis] + indices.shape + data.shape[axis+1:]. Negative indices
    count from the end. Folds when both operands are constants.

    ```mlir
    %y = graph.gather %data, %idx {axis = 0 : i64}
         : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_RoundModeAttr : I32EnumAttr<"RoundMode", "rounding of conversions to FLOAT8E8M0",
    [I32EnumAttrCase<"up", 0>, I32EnumAttrCase<"down", 1>, I32EnumAttrCase<"nearest", 2>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_CastOp : Graph_Op<"cast"> {
  let summary = "Converts element types (ONNX Cast, CastLike)";
  let description = [{
    The result type names the target element type. Conversions follow ONNX Cast-25: floats
    round to nearest even; `saturate` (float8 targets) clamps out-of-range values and
    infinities to the largest finite value, otherwise they become infinity or NaN;
    `round_mode` rounds conversions to FLOAT8E8M0.

    ```mlir
    %y = graph.cast %x : (tensor<4xi64>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DefaultValuedAttr<BoolAttr, "true">:$saturate,
                       DefaultValuedAttr<Graph_RoundModeAttr, "RoundMode::up">:$round_mode);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Op families, one file each (see docs/AddingAnOp.md)
//===----------------------------------------------------------------------===//

include "dialects/Graph/GraphElementwiseOps.td"
include "dialects/Graph/GraphReductionOps.td"
include "dialects/Graph/GraphTensorOps.td"
include "dialects/Graph/GraphNNOps.td"
include "dialects/Graph/GraphControlFlowOps.td"
include "dialects/Graph/GraphLinalgOps.td"

#endif // MODELC_GRAPH_OPS_TD
