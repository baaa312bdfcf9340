//===- KernelUtils.h - Buffer queries shared by kernel-level passes -*- C++ -*-===//
//
// Kernel ops write their `out` operand; views alias their source. These helpers answer
// "which buffer does this value live in" and "which op writes it", which fusion, memory
// planning and the emitters all need.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_PASSES_KERNELUTILS_H
#define MODELC_PASSES_KERNELUTILS_H

#include "dialects/Kernel/KernelOps.h"

namespace modelc {

/// Follows `kernel.view` chains to the underlying buffer (an alloc, weight or argument).
mlir::Value getRootBuffer(mlir::Value buffer);

/// The buffer an op writes (its `out` operand), or null for ops that write nothing or
/// several buffers (see getWrittenBuffers).
mlir::Value getWrittenBuffer(mlir::Operation *op);

/// Every buffer an op writes, in operand order (empty for ops that write nothing).
llvm::SmallVector<mlir::Value, 2> getWrittenBuffers(mlir::Operation *op);

} // namespace modelc

#endif // MODELC_PASSES_KERNELUTILS_H
