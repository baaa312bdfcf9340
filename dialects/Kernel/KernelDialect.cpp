//===- KernelDialect.cpp - modelc kernel dialect --------------------------===//
//
// Registers the kernel dialect's operations.
//
//===----------------------------------------------------------------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "dialects/Kernel/KernelOps.h"

using namespace mlir;
using namespace modelc::kernel;

#include "dialects/Kernel/KernelDialect.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Kernel/KernelOps.cpp.inc"
      >();
}
