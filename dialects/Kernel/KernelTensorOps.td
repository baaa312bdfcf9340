//===- KernelTensorOps.td - kernel dialect: tensor kernels ----------------===//
//
// Kernel ops of one family that are worth their own op (fusion, a specialized emitter)
// rather than a `kernel.call` of the kernel library. Included by KernelOps.td; emitters in
// codegen/, lowering in passes/lowering/.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_KERNEL_TENSOR_OPS_TD
#define MODELC_KERNEL_TENSOR_OPS_TD

def Kernel_OutputShapeOp : Kernel_Op<"output_shape"> {
  let summary = "Gives the actual shape of a model output whose size depends on data";
  let description = [{
    `shape` (1-d int64, one entry per dimension of output `output`) holds the extents a
    data-dependent kernel (NonZero, Compress, Unique, NonMaxSuppression) wrote at run time;
    the output's buffer has its upper-bound shape and holds the values in its first
    elements, row-major in the actual shape. The op sits at the end of the function, so the
    memory plan keeps `shape` alive after the run; the bundle's `Model::output_shape`
    reads it there. It writes nothing and emits no kernel.

    ```mlir
    kernel.output_shape %extents {output = 0 : i64} : memref<2xi64>
    ```
  }];
  let arguments = (ins Kernel_Buffer:$shape, I64Attr:$output);
  let assemblyFormat = "$shape attr-dict `:` type($shape)";
  let hasVerifier = 1;
}

#endif // MODELC_KERNEL_TENSOR_OPS_TD
