//===- KernelReductionOps.td - kernel dialect: reduction kernels ----------===//
//
// Kernel ops of one family that are worth their own op (fusion, a specialized emitter)
// rather than a `kernel.call` of the kernel library. Included by KernelOps.td; verifiers in
// KernelReductionOps.cpp, emitter in codegen/ReductionEmitter.cpp, lowering in
// passes/lowering/ReductionPatterns.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_KERNEL_REDUCTION_OPS_TD
#define MODELC_KERNEL_REDUCTION_OPS_TD

def Kernel_ReduceOp : Kernel_Op<"reduce"> {
  let summary = "Reduction over a set of axes: map, combine and finalize scalar bodies";
  let description = [{
    `out` has the input's rank with every axis in `axes` (sorted, unique) of size 1. For each
    output element the generated code folds `combine` over `map` of every input element of
    its reduced group, starting from `init` (whose type is the accumulator type), then writes
    `finalize` of the result:

      acc = init; for v in group: acc = combine(acc, map(v, e...)); out = finalize(acc, e...)

    `e...` are one scalar per `extra` operand, each broadcast to `out` (the per-group values
    of an earlier reduction, such as the maximum that shifts a LogSumExp). `combine` must be
    associative and commutative: the emitter splits a contiguous innermost reduced axis into
    independent lanes that vectorize, and combines the lanes at the end. Every bound and
    stride is a constant of the emitted code; an empty group yields `finalize(init)`.

    ```mlir
    kernel.reduce ins(%x : memref<2x3x4xf16>) outs(%y : memref<2x1x4xf16>)
        {axes = array<i64: 1>, init = 0.0 : f32}
      map {
      ^bb0(%v: f16):
        %e = arith.extf %v : f16 to f32
        kernel.yield %e : f32
      } combine {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        kernel.yield %s : f32
      } finalize {
      ^bb0(%a: f32):
        %t = arith.truncf %a : f32 to f16
        kernel.yield %t : f16
      }
    ```
  }];
  let arguments = (ins Kernel_Buffer:$input, Kernel_Buffer:$out,
                       Variadic<Kernel_Buffer>:$extra_inputs, DenseI64ArrayAttr:$axes,
                       TypedAttrInterface:$init);
  let regions = (region SizedRegion<1>:$map, SizedRegion<1>:$combine,
                        SizedRegion<1>:$finalize);
  let assemblyFormat = [{
    `ins` `(` $input `:` type($input) `)` `outs` `(` $out `:` type($out) `)`
    (`extra` `(` $extra_inputs^ `:` type($extra_inputs) `)`)?
    attr-dict-with-keyword `map` $map `combine` $combine `finalize` $finalize
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The accumulator type (the type of `init`).
    mlir::Type getAccType() { return getInit().getType(); }
    /// Number of input elements folded into each output element.
    int64_t getGroupSize();
  }];
}

#endif // MODELC_KERNEL_REDUCTION_OPS_TD
