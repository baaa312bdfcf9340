//===- KernelUtils.cpp - Buffer queries shared by kernel-level passes -----===//
//
// See KernelUtils.h.
//
//===----------------------------------------------------------------------===//

#include "passes/KernelUtils.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

Value modelc::getRootBuffer(Value buffer) {
  while (auto view = buffer.getDefiningOp<kernel::ViewOp>())
    buffer = view.getSource();
  return buffer;
}

Value modelc::getWrittenBuffer(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<kernel::CopyOp, kernel::ElementwiseOp, kernel::GemmOp, kernel::ConvOp, kernel::Im2ColOp,
            kernel::PoolOp, kernel::SoftmaxOp, kernel::TransposeOp, kernel::ConcatOp,
            kernel::GatherOp>([](auto k) -> Value { return k.getOut(); })
      .Default([](Operation *) -> Value { return nullptr; });
}
