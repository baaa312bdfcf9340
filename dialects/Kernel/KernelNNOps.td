//===- KernelNNOps.td - kernel dialect: nn kernels ------------------------===//
//
// Kernel ops of one family that are worth their own op (fusion, a specialized emitter)
// rather than a `kernel.call` of the kernel library. Included by KernelOps.td; emitters in
// codegen/, lowering in passes/lowering/.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_KERNEL_NN_OPS_TD
#define MODELC_KERNEL_NN_OPS_TD

#endif // MODELC_KERNEL_NN_OPS_TD
