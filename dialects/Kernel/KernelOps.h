//===- KernelOps.h - modelc kernel dialect operations -----------*- C++ -*-===//
//
// Declares the kernel dialect's operations (generated from KernelOps.td).
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_DIALECTS_KERNEL_KERNELOPS_H
#define MODELC_DIALECTS_KERNEL_KERNELOPS_H

#include "dialects/Kernel/KernelDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.h.inc"

#endif // MODELC_DIALECTS_KERNEL_KERNELOPS_H
