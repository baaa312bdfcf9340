//===- KernelReductionOps.cpp - kernel dialect: reduction kernels ---------===//
//
// Verifiers and accessors of the ops in KernelReductionOps.td: what ODS cannot say about
// `kernel.reduce` (the output shape implied by `axes`, the signatures of its three bodies).
//
//===----------------------------------------------------------------------===//

#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace modelc::kernel;

/// Scalar body types match buffer element types up to integer signedness.
static bool sameScalar(Type scalar, Type element) {
  if (scalar == element)
    return true;
  auto a = dyn_cast<IntegerType>(scalar), b = dyn_cast<IntegerType>(element);
  return a && b && a.getWidth() == b.getWidth();
}

/// Checks that `region` takes `args` (compared with sameScalar) and yields `result`.
static LogicalResult verifyBody(Operation *op, Region &region, StringRef name, ArrayRef<Type> args,
                                Type result) {
  Block &block = region.front();
  if (block.getNumArguments() != args.size())
    return op->emitOpError("'") << name << "' body expects " << args.size() << " arguments, has "
                                << block.getNumArguments();
  for (auto [i, arg] : llvm::enumerate(block.getArguments()))
    if (!sameScalar(arg.getType(), args[i]))
      return op->emitOpError("'") << name << "' body argument " << i << " must be " << args[i]
                                  << ", got " << arg.getType();
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield || !sameScalar(yield.getValue().getType(), result))
    return op->emitOpError("'") << name << "' body must yield " << result;
  return success();
}

int64_t ReduceOp::getGroupSize() {
  auto in = cast<MemRefType>(getInput().getType());
  int64_t n = 1;
  for (int64_t a : getAxes())
    n *= in.getDimSize(a);
  return n;
}

LogicalResult ReduceOp::verify() {
  auto in = cast<MemRefType>(getInput().getType()), out = cast<MemRefType>(getOut().getType());
  ArrayRef<int64_t> axes = getAxes();
  if (in.getRank() != out.getRank())
    return emitOpError("output rank ")
           << out.getRank() << " differs from input rank " << in.getRank();
  for (auto [i, a] : llvm::enumerate(axes))
    if (a < 0 || a >= in.getRank() || (i > 0 && axes[i - 1] >= a))
      return emitOpError("axes must be sorted, unique and in [0, ") << in.getRank() << ")";
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t expected = llvm::is_contained(axes, d) ? 1 : in.getDimSize(d);
    if (out.getDimSize(d) != expected)
      return emitOpError("output dimension ") << d << " must be " << expected;
  }
  Type acc = getAccType();
  if (!acc.isIntOrFloat())
    return emitOpError("init must be a scalar integer or float");
  SmallVector<Type> mapArgs = {in.getElementType()}, finalizeArgs = {acc};
  for (Value e : getExtraInputs()) {
    auto t = cast<MemRefType>(e.getType());
    SmallVector<int64_t> shape;
    if (!OpTrait::util::getBroadcastedShape(out.getShape(), t.getShape(), shape) ||
        ArrayRef<int64_t>(shape) != out.getShape())
      return emitOpError("extra input of type ") << t << " does not broadcast to " << out;
    mapArgs.push_back(t.getElementType());
    finalizeArgs.push_back(t.getElementType());
  }
  if (failed(verifyBody(*this, getMap(), "map", mapArgs, acc)) ||
      failed(verifyBody(*this, getCombine(), "combine", {acc, acc}, acc)) ||
      failed(verifyBody(*this, getFinalize(), "finalize", finalizeArgs, out.getElementType())))
    return failure();
  return success();
}
