//===- KernelDialect.td - modelc kernel dialect definition ----------------===//
//
// The kernel dialect is the target-neutral schedule that both emitters consume: kernels
// over explicit buffers (memrefs that the memory plan places at offsets in one arena),
// a GEMM that carries its tile parameters, im2col, and fused kernels made of a producer and
// an elementwise epilogue region.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_KERNEL_DIALECT_TD
#define MODELC_KERNEL_DIALECT_TD

include "mlir/IR/OpBase.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let cppNamespace = "::modelc::kernel";
  let summary = "Kernels over planned buffers, consumed by the C++ and CUDA emitters";
  let description = [{
    A lowered model is a `func.func` whose arguments are the model's inputs followed by its
    outputs (memrefs, tagged `kernel.io`), whose body allocates buffers with `kernel.alloc`,
    refers to weights with `kernel.weight`, aliases buffers with `kernel.view`, and runs
    kernels in program order. Elementwise computations are regions of scalar `arith`/`math`
    ops, so every activation, broadcasted binary op and fused epilogue is the same construct.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

#endif // MODELC_KERNEL_DIALECT_TD
