//===- KernelOps.td - modelc kernel dialect operations --------------------===//
//
// Buffer-level kernels. Kernels write their `out` operand (destination-passing style) and
// read the others; buffers have static shapes and identity layouts.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_KERNEL_OPS_TD
#define MODELC_KERNEL_OPS_TD

include "dialects/Kernel/KernelDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Kernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kernel_Dialect, mnemonic, traits>;

/// Element types of the graph dialect that MLIR has no builtin type for (FLOAT4E2M1,
/// FLOAT8E8M0): buffers hold their bit patterns.
def Kernel_StorageElement : Type<CPred<"$_self.getDialect().getNamespace() == \"graph\"">,
                                 "graph dialect storage element type">;
def Kernel_Buffer : MemRefRankOf<[AnyFloat, AnyInteger, Kernel_StorageElement],
                                 [0, 1, 2, 3, 4, 5, 6, 7, 8]>;

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

def Kernel_AllocOp : Kernel_Op<"alloc", [MemoryEffects<[MemAlloc]>]> {
  let summary = "A scratch buffer in the arena";
  let description = [{
    Before memory planning an alloc is an abstract buffer; `modelc-plan-memory` sets
    `offset`, its byte offset in the arena shared by the whole model.

    ```mlir
    %buf = kernel.alloc {offset = 4096 : i64} : memref<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$offset);
  let results = (outs Kernel_Buffer:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def Kernel_WeightOp : Kernel_Op<"weight", [Pure]> {
  let summary = "A read-only buffer holding constant data (stored in NAME.weights.bin)";
  let description = [{
    ```mlir
    %w = kernel.weight dense_resource<conv1.weight> : memref<64x3x7x7xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kernel_Buffer:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Kernel_ViewOp : Kernel_Op<"view", [Pure]> {
  let summary = "The same bytes seen with another shape (no copy)";
  let description = [{
    Lowered from reshapes. The memory plan keeps the source alive while any view is used.
    With `offset` (in elements), the view is the contiguous part of the source that starts
    there: the memory plan lets the producers of a Concat's inputs write them in place into
    the concatenated buffer this way.

    ```mlir
    %v = kernel.view %buf : memref<1x512x1x1xf32> to memref<1x512xf32>
    %part = kernel.view %cat {offset = 64 : i64} : memref<1x128x7x7xf32> to memref<1x32x7x7xf32>
    ```
  }];
  let arguments = (ins Kernel_Buffer:$source, OptionalAttr<I64Attr>:$offset);
  let results = (outs Kernel_Buffer:$result);
  let assemblyFormat = "$source attr-dict `:` type($source) `to` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

def Kernel_CopyOp : Kernel_Op<"copy"> {
  let summary = "Copies a buffer into another of the same size";
  let description = [{
    ```mlir
    kernel.copy %src, %dst : memref<1x10xf32>, memref<1x10xf32>
    ```
  }];
  let arguments = (ins Kernel_Buffer:$input, Kernel_Buffer:$out);
  let assemblyFormat = "$input `,` $out attr-dict `:` type($input) `,` type($out)";
}

def Kernel_YieldOp : Kernel_Op<"yield", [Pure, Terminator]> {
  let summary = "Yields the scalar result of an elementwise body";
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

def Kernel_ElementwiseOp : Kernel_Op<"elementwise"> {
  let summary = "A fused elementwise loop: one scalar body over broadcast inputs";
  let description = [{
    For every element of `out`, the body receives one scalar per input (inputs broadcast to
    the output shape, numpy style) and yields the output element. Activations, broadcasted
    binary ops, BatchNormalization and fused chains of them are all this op.

    ```mlir
    kernel.elementwise ins(%x, %b : memref<1x8xf32>, memref<8xf32>)
        outs(%y : memref<1x8xf32>) {
    ^bb0(%a: f32, %c: f32):
      %s = arith.addf %a, %c : f32
      kernel.yield %s : f32
    }
    ```
  }];
  let arguments = (ins Variadic<Kernel_Buffer>:$inputs, Kernel_Buffer:$out);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`ins` `(` $inputs^ `:` type($inputs) `)`)? `outs` `(` $out `:` type($out) `)`
    attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
}

def Kernel_GemmOp : Kernel_Op<"gemm"> {
  let summary = "Batched matrix multiply with tile parameters and an optional epilogue";
  let description = [{
    `out[b] = alpha * op(a[b]) x op(b[b])` over broadcast batch dimensions, then, when the
    `epilogue` region is present, every output element is replaced by the region's result
    for (accumulator, one scalar per `epilogue_inputs` operand broadcast to `out`). Tile
    parameters (cache blocks `mc`, `kc`, `nc` and register tile `mr` x `nr`) are chosen by
    `modelc-tile-gemm` from the target description.

    `packed_a` / `packed_b` (set by `modelc-pack-gemm-weights` on constant operands) say that
    the operand is stored in the CPU micro-kernel's panel layout instead of row-major: A as
    `[batch..., ceil(M/mr), K, mr]` (panel q, depth k, row r holds op(A)[q*mr + r][k]), B as
    `[batch..., ceil(N/nr), K, nr]` (op(B)[k][q*nr + c]), zero-padded past M or N. A packed
    operand is never transposed and its panel width equals the tile's `mr` / `nr`.

    `b_im2col` (set by `modelc-fuse-im2col`) says that B is an image N x C x H x W whose
    im2col unfolding (see `kernel.im2col`) is the logical B, [N, groups, C/groups*kh*kw,
    OH*OW]; the CPU GEMM packs B straight from the image. Its values are
    `[groups, kh, kw, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right,
    dilation_h, dilation_w]`.

    ```mlir
    kernel.gemm ins(%w, %col : memref<64x147xf32>, memref<1x147x12544xf32>)
        outs(%y : memref<1x64x12544xf32>) epilogue(%bias : memref<64x1xf32>)
        {tile = array<i64: 64, 256, 2048, 8, 32>} {
    ^bb0(%acc: f32, %b: f32):
      %s = arith.addf %acc, %b : f32
      kernel.yield %s : f32
    }
    ```
  }];
  let arguments = (ins Kernel_Buffer:$a, Kernel_Buffer:$b, Kernel_Buffer:$out,
                       Variadic<Kernel_Buffer>:$epilogue_inputs,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       OptionalAttr<DenseI64ArrayAttr>:$tile,
                       DefaultValuedAttr<BoolAttr, "false">:$packed_a,
                       DefaultValuedAttr<BoolAttr, "false">:$packed_b,
                       OptionalAttr<DenseI64ArrayAttr>:$b_im2col);
  let regions = (region MaxSizedRegion<1>:$epilogue);
  let assemblyFormat = [{
    `ins` `(` $a `,` $b `:` type($a) `,` type($b) `)` `outs` `(` $out `:` type($out) `)`
    (`epilogue` `(` $epilogue_inputs^ `:` type($epilogue_inputs) `)`)?
    attr-dict-with-keyword ($epilogue^)?
  }];
  let builders = [
    // Unpacked operands (what lowering and conv-to-GEMM create).
    OpBuilder<(ins "::mlir::Value":$a, "::mlir::Value":$b, "::mlir::Value":$out,
                   "::mlir::ValueRange":$epilogue_inputs, "::mlir::BoolAttr":$trans_a,
                   "::mlir::BoolAttr":$trans_b, "::mlir::FloatAttr":$alpha,
                   "::mlir::DenseI64ArrayAttr":$tile), [{
      build($_builder, $_state, a, b, out, epilogue_inputs, trans_a, trans_b, alpha, tile,
            $_builder.getBoolAttr(false), $_builder.getBoolAttr(false), DenseI64ArrayAttr());
    }]>
  ];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Problem sizes of one batch entry.
    int64_t getM();
    int64_t getN();
    int64_t getK();
    /// Batch dimensions of an operand (its shape without the matrix or panel dimensions;
    /// [N, groups] for an im2col B).
    llvm::SmallVector<int64_t> getBatchShapeA();
    llvm::SmallVector<int64_t> getBatchShapeB();
    /// The logical shape of an im2col B ([N, groups, K, OH*OW]); empty without b_im2col.
    llvm::SmallVector<int64_t> getIm2colBShape();
  }];
}

def Kernel_ConvOp : Kernel_Op<"conv", [AttrSizedOperandSegments]> {
  let summary = "Direct N-d convolution with an optional epilogue";
  let description = [{
    ONNX Conv semantics (`pads` = begin pads then end pads). Used for depthwise convolutions,
    for shapes where im2col + GEMM does not pay, and at -O0. The epilogue works as for
    `kernel.gemm`; `bias` (optional) has one element per output channel.

    ```mlir
    kernel.conv ins(%x, %w : memref<1x32x56x56xf32>, memref<32x1x3x3xf32>)
        outs(%y : memref<1x32x56x56xf32>) {dilations = array<i64: 1, 1>, group = 32 : i64,
        pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
    ```
  }];
  let arguments = (ins Kernel_Buffer:$input, Kernel_Buffer:$weight,
                       Optional<Kernel_Buffer>:$bias, Kernel_Buffer:$out,
                       Variadic<Kernel_Buffer>:$epilogue_inputs,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$group);
  let regions = (region MaxSizedRegion<1>:$epilogue);
  let assemblyFormat = [{
    `ins` `(` $input `,` $weight (`,` $bias^)? `:` type($input) `,` type($weight)
    (`,` type($bias)^)? `)` `outs` `(` $out `:` type($out) `)`
    (`epilogue` `(` $epilogue_inputs^ `:` type($epilogue_inputs) `)`)?
    attr-dict-with-keyword ($epilogue^)?
  }];
}

def Kernel_Im2ColOp : Kernel_Op<"im2col"> {
  let summary = "Unfolds convolution windows into GEMM columns";
  let description = [{
    For input N x C x H x W and output N x G x (C/G * kh * kw) x (OH * OW): row
    `(c * kh + i) * kw + j` of group g holds, for each output pixel, the input value under
    kernel tap (i, j) of channel `g * C/G + c` (zero in padding).

    ```mlir
    kernel.im2col ins(%x : memref<1x3x224x224xf32>) outs(%col : memref<1x1x147x12544xf32>)
        {kernel_shape = array<i64: 7, 7>, strides = array<i64: 2, 2>,
         pads = array<i64: 3, 3, 3, 3>, dilations = array<i64: 1, 1>}
    ```
  }];
  let arguments = (ins Kernel_Buffer:$input, Kernel_Buffer:$out,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations);
  let assemblyFormat = [{
    `ins` `(` $input `:` type($input) `)` `outs` `(` $out `:` type($out) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def Kernel_PoolOp : Kernel_Op<"pool"> {
  let summary = "Max or average pooling over N x C x spatial buffers";
  let description = [{
    `kind` is "max" or "avg"; padding never contributes to a max, and contributes zeros to
    an average only with `count_include_pad`.

    ```mlir
    kernel.pool ins(%x : memref<1x64x112x112xf32>) outs(%y : memref<1x64x56x56xf32>)
        {kind = "max", kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
         pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
    ```
  }];
  let arguments = (ins Kernel_Buffer:$input, Kernel_Buffer:$out, StrAttr:$kind,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let assemblyFormat = [{
    `ins` `(` $input `:` type($input) `)` `outs` `(` $out `:` type($out) `)` attr-dict
  }];
}

def Kernel_TransposeOp : Kernel_Op<"transpose"> {
  let summary = "Permutes dimensions: out dimension i is input dimension perm[i]";
  let description = [{
    ```mlir
    kernel.transpose ins(%x : memref<2x3xf32>) outs(%y : memref<3x2xf32>)
        {perm = array<i64: 1, 0>}
    ```
  }];
  let arguments = (ins Kernel_Buffer:$input, Kernel_Buffer:$out, DenseI64ArrayAttr:$perm);
  let assemblyFormat = [{
    `ins` `(` $input `:` type($input) `)` `outs` `(` $out `:` type($out) `)` attr-dict
  }];
}

def Kernel_ConcatOp : Kernel_Op<"concat"> {
  let summary = "Concatenates buffers along an axis";
  let description = [{
    ```mlir
    kernel.concat ins(%a, %b : memref<1x64xf32>, memref<1x64xf32>)
        outs(%y : memref<1x128xf32>) {axis = 1 : i64}
    ```
  }];
  let arguments = (ins Variadic<Kernel_Buffer>:$inputs, Kernel_Buffer:$out, I64Attr:$axis);
  let assemblyFormat = [{
    `ins` `(` $inputs `:` type($inputs) `)` `outs` `(` $out `:` type($out) `)` attr-dict
  }];
}

def Kernel_GatherOp : Kernel_Op<"gather"> {
  let summary = "ONNX Gather along one axis (indices checked at run time)";
  let description = [{
    ```mlir
    kernel.gather ins(%d, %i : memref<10x4xf32>, memref<3xi64>) outs(%y : memref<3x4xf32>)
        {axis = 0 : i64}
    ```
  }];
  let arguments = (ins Kernel_Buffer:$data, Kernel_Buffer:$indices, Kernel_Buffer:$out,
                       I64Attr:$axis);
  let assemblyFormat = [{
    `ins` `(` $data `,` $indices `:` type($data) `,` type($indices) `)`
    `outs` `(` $out `:` type($out) `)` attr-dict
  }];
}

def Kernel_CallOp : Kernel_Op<"call", [AttrSizedOperandSegments]> {
  let summary = "Runs a kernel of runtime_min's kernel library over a task range";
  let description = [{
    For each task t in [0, `tasks`) the generated code calls the library function `callee`
    (runtime_min/mc_kernels*.h) as
    `callee<E0, ..., En, params...>(buf0, ..., bufn, fparams..., t)`: one element tag per
    buffer (inputs, then outputs: `float`, `int64_t`, `mc::f16`, ...), the integer `params`
    as template arguments (shapes, strides and attributes, so every bound is a constant), the
    buffers, the floating-point `fparams` and the task index. Tasks may run in any order and
    concurrently (CPU worker threads, CUDA threads), each writing its own part of the
    outputs. The function returns false on invalid data (e.g. an index out of range), which
    the model reports as an error naming the ONNX node. `cost` is the rough work of one task
    (multiply-adds), used to decide whether to multithread. Scratch buffers are outputs.

    This is the form of the long tail of ONNX ops whose kernels are not worth generating op
    by op (TopK, ScatterND, NonMaxSuppression, ...); hot ops have their own kernel ops.

    ```mlir
    kernel.call "mc::topk" ins(%x : memref<3x4xf32>)
        outs(%v, %i : memref<3x2xf32>, memref<3x2xi64>)
        {params = array<i64: 3, 4, 1, 2, 1, 1>, tasks = 3 : i64}
    ```
  }];
  let arguments = (ins StrAttr:$callee, Variadic<Kernel_Buffer>:$inputs,
                       Variadic<Kernel_Buffer>:$outs,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$params,
                       DefaultValuedAttr<DenseF64ArrayAttr, "{}">:$fparams,
                       I64Attr:$tasks, DefaultValuedAttr<I64Attr, "1">:$cost);
  let assemblyFormat = [{
    $callee (`ins` `(` $inputs^ `:` type($inputs) `)`)? `outs` `(` $outs `:` type($outs) `)`
    attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Op families with kernel ops of their own, one file each
//===----------------------------------------------------------------------===//

include "dialects/Kernel/KernelReductionOps.td"
include "dialects/Kernel/KernelTensorOps.td"
include "dialects/Kernel/KernelNNOps.td"
include "dialects/Kernel/KernelControlFlowOps.td"
include "dialects/Kernel/KernelLinalgOps.td"

#endif // MODELC_KERNEL_OPS_TD
