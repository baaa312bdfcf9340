//===- KernelDialect.h - modelc kernel dialect ------------------*- C++ -*-===//
//
// Declares the kernel dialect: buffer-level kernels consumed by the emitters.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_DIALECTS_KERNEL_KERNELDIALECT_H
#define MODELC_DIALECTS_KERNEL_KERNELDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Dialect.h"

#include "dialects/Kernel/KernelDialect.h.inc"

#endif // MODELC_DIALECTS_KERNEL_KERNELDIALECT_H
