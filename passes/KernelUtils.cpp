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
            kernel::PoolOp, kernel::ReduceOp, kernel::TransposeOp, kernel::ConcatOp,
            kernel::GatherOp>([](auto k) -> Value { return k.getOut(); })
      .Case([](kernel::CallOp c) -> Value {
        return c.getOuts().size() == 1 ? c.getOuts().front() : nullptr;
      })
      .Default([](Operation *) -> Value { return nullptr; });
}

SmallVector<Value, 2> modelc::getWrittenBuffers(Operation *op) {
  if (auto call = dyn_cast<kernel::CallOp>(op))
    return SmallVector<Value, 2>(call.getOuts().begin(), call.getOuts().end());
  SmallVector<Value, 2> result;
  if (Value v = getWrittenBuffer(op))
    result.push_back(v);
  return result;
}
