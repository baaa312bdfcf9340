//===- Passes.td - modelc passes ------------------------------------------===//
//
// Every pass of the modelc pipeline. Flag `modelc-<verb>-<noun>`, class `<Verb><Noun>Pass`,
// file `passes/<Verb><Noun>.cpp`, test `test/passes/<verb>_<noun>.mlir`.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_PASSES_TD
#define MODELC_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldConstants : Pass<"modelc-fold-constants", "mlir::ModuleOp"> {
  let summary = "Evaluates constant subgraphs and removes dead nodes";
  let description = [{
    Greedily folds every graph op whose operands are all constants (using the ops' folders,
    which evaluate on the host) and erases ops whose results are unused. Large results become
    resource blobs, so weights computed at compile time never bloat the context.

    Before: `%s = graph.shape %x; %r = graph.reshape ...` with constant-foldable shape math.
    After: `%r = graph.reshape %x : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>` only.
  }];
  let dependentDialects = ["::modelc::graph::GraphDialect"];
}

def FoldBatchNorm : Pass<"modelc-fold-batch-norm", "mlir::ModuleOp"> {
  let summary = "Folds inference BatchNormalization into the preceding Conv's weights";
  let description = [{
    `batch_norm(conv(x, W, b))` with constant W, b and BN parameters becomes
    `conv(x, W * s, (b - mean) * s + beta)` with `s = scale / sqrt(var + eps)` per output
    channel, computed at compile time. A BatchNormalization that does not follow a
    single-use Conv is left alone (it lowers to one elementwise kernel).
  }];
  let dependentDialects = ["::modelc::graph::GraphDialect"];
}

def CheckSeparable : Pass<"modelc-check-separable", "mlir::ModuleOp"> {
  let summary = "Checks that the model is separable along a dynamic dimension (--dim)";
  let description = [{
    `modelc --dim NAME=MIN:MAX` compiles the model once per chunk size and runs a batch of
    N as chunks, which is only correct when every output element at index n of dimension
    NAME depends on index n of the inputs alone. This pass proves that structurally: the
    importer tags each input that has the symbolic dimension with `graph.dims = {NAME =
    axis}`; the pass propagates "the axis carrying NAME" through every op with a rule per op
    kind (elementwise with broadcasting, Conv/Pool/BatchNorm/norms on axis 0, Gemm/MatMul
    rows and batch dimensions, Reshape keeping the axis, Transpose, reductions, Softmax,
    Concat, Slice, Pad, Gather not over it) and fails on the first op that mixes elements
    along it, or that it does not know. An operand independent of NAME may span its axis only
    with size 1 or as a constant whose slices along it are all equal (a folded Expand). Inputs and outputs must carry NAME at dimension 0
    (the bundle offsets pointers along it). Results that carry it get `graph.dims` too.

    Before: `func.func @main(%x: tensor<4x3xf32> {graph.dims = {N = 0 : i64}}) -> tensor<4x3xf32>`
    with `graph.relu`. After: the result is tagged `{graph.dims = {N = 0 : i64}}`; with
    `graph.softmax {axis = 0}` instead, an error naming the node.
  }];
  let options = [
    Option<"dim", "dim", "std::string", "\"\"", "The dimension name (an ONNX dim_param)">,
  ];
  let dependentDialects = ["::modelc::graph::GraphDialect"];
}

def LowerToKernel : Pass<"modelc-lower-to-kernel", "mlir::ModuleOp"> {
  let summary = "Lowers graph ops on tensors to kernel ops on buffers";
  let description = [{
    Every tensor becomes a buffer (`kernel.alloc`), every constant a `kernel.weight`, every
    reshape a `kernel.view`. Elementwise ops become `kernel.elementwise` with a scalar
    `arith`/`math` body; Conv becomes a direct `kernel.conv` (ConvertConvToGemm decides on
    im2col later); Gemm/MatMul become `kernel.gemm` with the bias as an epilogue. Function
    results become trailing output arguments written by `kernel.copy`.

    Before: `func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32>` with `graph.relu`.
    After: `func.func @main(%x: memref<1x8xf32>, %y: memref<1x8xf32>)` with
    `kernel.elementwise` and `kernel.copy`.
  }];
  let dependentDialects = ["::modelc::kernel::KernelDialect", "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect", "::mlir::func::FuncDialect"];
}

def FuseElementwise : Pass<"modelc-fuse-elementwise", "mlir::ModuleOp"> {
  let summary = "Fuses elementwise kernels into their producers' epilogues";
  let description = [{
    A `kernel.elementwise` whose input is written by a GEMM, a convolution or another
    elementwise kernel, read nowhere else and not broadcast, is folded into the producer:
    its body becomes (part of) the producer's epilogue and the intermediate buffer
    disappears. This fuses bias, activation and residual adds into convolutions and GEMMs,
    and chains of elementwise ops into single loops.

    Before: `kernel.conv ... outs(%t)` then `kernel.elementwise ins(%t) outs(%y) {relu}`.
    After: `kernel.conv ... outs(%y) { relu epilogue }`.
  }];
  let dependentDialects = ["::modelc::kernel::KernelDialect"];
}

def ConvertConvToGemm : Pass<"modelc-convert-conv-to-gemm", "mlir::ModuleOp"> {
  let summary = "Rewrites 2-d convolutions as im2col + GEMM where that pays";
  let description = [{
    Cost rule: a group's GEMM has M = Cout/group, K = Cin/group * kh * kw. Convolutions with
    K >= `min-k` and M >= `min-m` run as GEMM; 1x1 stride-1 unpadded convolutions skip
    im2col (the input already is the GEMM's B operand); others (depthwise, tiny channel
    counts) keep the direct kernel.

    Before: `kernel.conv ins(%x, %w) outs(%y)`.
    After: `kernel.im2col ins(%x) outs(%col)`, `kernel.gemm ins(%w2, %col) outs(%y2)` with
    views between the conv layout and the GEMM layout, and the epilogue carried over.
  }];
  let options = [
    Option<"minK", "min-k", "int64_t", "8", "Smallest GEMM depth worth im2col">,
    Option<"minM", "min-m", "int64_t", "4", "Smallest output channels per group worth GEMM">,
  ];
  let dependentDialects = ["::modelc::kernel::KernelDialect"];
}

def TileGemm : Pass<"modelc-tile-gemm", "mlir::ModuleOp"> {
  let summary = "Chooses GEMM cache blocks and register tiles from a target description";
  let description = [{
    Sets `tile = [mc, kc, nc, mr, nr]` on every `kernel.gemm`. The register tile uses the
    target's vector width and register count (mr rows x nr = k vectors of accumulators,
    leaving registers for the A broadcast and B loads: 8 x 3 vectors with 32 registers); kc
    (at most 512) keeps a kc x nr B panel within 1/8 of L2, mc keeps an mc x kc A block in
    half of L2, nc keeps a kc x nc B block in L3; all clamped to the problem size. modelc's
    `--cpu` fills in the target description (passes/CpuTarget.h).

    Before: `kernel.gemm ...` After: `kernel.gemm ... {tile = array<i64: 256, 512, 1056, 8, 48>}`
  }];
  let options = [
    Option<"target", "target", "std::string", "\"cpu\"", "cpu or cuda">,
    Option<"vectorBits", "vector-bits", "int64_t", "512", "SIMD width in bits">,
    Option<"registers", "registers", "int64_t", "32", "Vector registers">,
    Option<"l2Bytes", "l2-bytes", "int64_t", "1048576", "L2 cache size">,
    Option<"l3Bytes", "l3-bytes", "int64_t", "16777216", "L3 cache size (per core share)">,
  ];
  let dependentDialects = ["::modelc::kernel::KernelDialect"];
}

def PackGemmWeights : Pass<"modelc-pack-gemm-weights", "mlir::ModuleOp"> {
  let summary = "Stores constant GEMM operands in the CPU micro-kernel's panel layout";
  let description = [{
    A tiled `kernel.gemm` (CPU) whose A or B operand is a `kernel.weight` (through views) gets
    that operand rewritten at compile time into the layout the packing step of the CPU GEMM
    would otherwise build on every run: full-depth panels of `mr` rows of op(A) or `nr` columns
    of op(B), zero-padded (see `kernel.gemm`). The GEMM then reads the new weight directly,
    marked `packed_a` / `packed_b`, and its transposition flag is cleared (packing absorbs it).
    The original weight stays only if something else still reads it. For convolutions lowered
    to GEMM the weights are A; for Gemm/MatMul layers they are usually B.

    Before:
    `%w = kernel.weight dense_resource<fc.weight> : memref<10x64xf32>`
    `kernel.gemm ins(%x, %w : memref<8x64xf32>, memref<10x64xf32>) ... {trans_b = true,
     tile = array<i64: 6, 64, 16, 6, 16>}`
    After:
    `%p = kernel.weight dense_resource<fc.weight.packed> : memref<1x64x16xf32>`
    `kernel.gemm ins(%x, %p : memref<8x64xf32>, memref<1x64x16xf32>) ... {packed_b = true,
     tile = array<i64: 6, 64, 16, 6, 16>}`
  }];
  let dependentDialects = ["::modelc::kernel::KernelDialect"];
}

def FuseIm2col : Pass<"modelc-fuse-im2col", "mlir::ModuleOp"> {
  let summary = "Lets CPU GEMMs read convolution windows straight from the image";
  let description = [{
    A `kernel.im2col` whose columns only feed the B operand of one (unpacked, untransposed)
    `kernel.gemm` is removed: the GEMM takes the image as B, with `b_im2col` describing the
    unfolding, and the CPU GEMM's packing step gathers each panel of columns from the image.
    The column buffer (kh*kw times the image) is never written or read, and leaves the arena.

    Before:
    `kernel.im2col ins(%x : memref<1x64x56x56xf32>) outs(%col : memref<1x1x576x3136xf32>) {...}`
    `kernel.gemm ins(%w, %col : memref<1x11x576x6xf32>, memref<1x1x576x3136xf32>) ...`
    After:
    `kernel.gemm ins(%w, %x : memref<1x11x576x6xf32>, memref<1x64x56x56xf32>) ...
     {b_im2col = array<i64: 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1>, ...}`
  }];
  let dependentDialects = ["::modelc::kernel::KernelDialect"];
}

def PlanMemory : Pass<"modelc-plan-memory", "mlir::ModuleOp"> {
  let summary = "Places every scratch buffer at an offset in one arena";
  let description = [{
    First, a model output that one kernel writes into an arena buffer which is then copied to
    the output argument is written by that kernel into the argument itself (buffer and copy
    removed). A Concat whose inputs are contiguous parts of its result (only size-1
    dimensions before the axis) and buffers one kernel each writes goes: its inputs become
    `kernel.view %cat {offset = N}` parts that their producers write in place. Then computes
    each `kernel.alloc`'s live range (first writer to last reader, through views),
    lets an elementwise kernel write over an input that dies there (same size, not
    broadcast), and assigns 64-byte aligned offsets first-fit so buffers whose ranges do not
    overlap share memory. Sets `offset` on each alloc and `kernel.arena_bytes` on the
    function.

    Before: `%a = kernel.alloc : memref<...>` After: `%a = kernel.alloc {offset = 0 : i64}`
  }];
  let dependentDialects = ["::modelc::kernel::KernelDialect"];
}

#endif // MODELC_PASSES_TD
