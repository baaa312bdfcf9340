//===- KernelOps.cpp - modelc kernel dialect operations -------------------===//
//
// Verifiers and accessors of the kernel dialect. Only what ODS cannot say is checked here:
// element counts of views, region signatures of elementwise bodies and epilogues, GEMM
// operand shapes.
//
//===----------------------------------------------------------------------===//

#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace modelc::kernel;

#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.cpp.inc"

static MemRefType getMemRef(Value v) { return cast<MemRefType>(v.getType()); }

/// Scalar body types match buffer element types up to integer signedness (arith works on
/// signless integers; the buffer keeps ui8 vs i8).
static bool sameScalar(Type scalar, Type element) {
  if (scalar == element)
    return true;
  auto a = dyn_cast<IntegerType>(scalar), b = dyn_cast<IntegerType>(element);
  return a && b && a.getWidth() == b.getWidth();
}

LogicalResult WeightOp::verify() {
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getShape() != getType().getShape() ||
      valueType.getElementType() != getType().getElementType())
    return emitOpError("value of type ") << valueType << " does not match " << getType();
  return success();
}

LogicalResult ViewOp::verify() {
  auto src = getMemRef(getSource()), dst = getType();
  if (src.getElementType() != dst.getElementType() || src.getNumElements() != dst.getNumElements())
    return emitOpError("cannot view ") << src << " as " << dst;
  return success();
}

/// Checks that `inputs` broadcast to `out` and that `body` takes one scalar per input,
/// preceded by `leading` extra scalars of the output element type.
static LogicalResult verifyScalarBody(Operation *op, Region &body, ValueRange inputs,
                                      MemRefType out, unsigned leading) {
  for (Value in : inputs) {
    SmallVector<int64_t> shape;
    if (!OpTrait::util::getBroadcastedShape(out.getShape(), getMemRef(in).getShape(), shape) ||
        ArrayRef<int64_t>(shape) != out.getShape())
      return op->emitOpError("input of type ") << in.getType() << " does not broadcast to " << out;
  }
  if (body.empty())
    return success();
  Block &block = body.front();
  if (block.getNumArguments() != inputs.size() + leading)
    return op->emitOpError("body expects ")
           << inputs.size() + leading << " arguments, has " << block.getNumArguments();
  for (unsigned i = 0; i < leading; ++i)
    if (!sameScalar(block.getArgument(i).getType(), out.getElementType()))
      return op->emitOpError("body argument ") << i << " must be " << out.getElementType();
  for (auto [arg, in] : llvm::zip(block.getArguments().drop_front(leading), inputs))
    if (!sameScalar(arg.getType(), getMemRef(in).getElementType()))
      return op->emitOpError("body argument type ")
             << arg.getType() << " does not match " << in.getType();
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield || !sameScalar(yield.getValue().getType(), out.getElementType()))
    return op->emitOpError("body must yield ") << out.getElementType();
  return success();
}

LogicalResult ElementwiseOp::verify() {
  return verifyScalarBody(*this, getBody(), getInputs(), getMemRef(getOut()), 0);
}

int64_t GemmOp::getM() {
  auto a = getMemRef(getA());
  return a.getDimSize(a.getRank() - (getTransA() ? 1 : 2));
}
int64_t GemmOp::getK() {
  auto a = getMemRef(getA());
  return a.getDimSize(a.getRank() - (getTransA() ? 2 : 1));
}
int64_t GemmOp::getN() {
  auto b = getMemRef(getB());
  return b.getDimSize(b.getRank() - (getTransB() ? 2 : 1));
}

LogicalResult GemmOp::verify() {
  auto a = getMemRef(getA()), b = getMemRef(getB()), out = getMemRef(getOut());
  if (a.getRank() < 2 || b.getRank() < 2 || out.getRank() < 2)
    return emitOpError("operands must have rank >= 2");
  int64_t kb = b.getDimSize(b.getRank() - (getTransB() ? 1 : 2));
  if (getK() != kb)
    return emitOpError("inner dimensions differ: ") << getK() << " vs " << kb;
  if (out.getDimSize(out.getRank() - 2) != getM() || out.getDimSize(out.getRank() - 1) != getN())
    return emitOpError("output must be ") << getM() << " x " << getN();
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(a.getShape().drop_back(2), b.getShape().drop_back(2),
                                          batch) ||
      ArrayRef<int64_t>(batch) != out.getShape().drop_back(2))
    return emitOpError("batch dimensions do not broadcast to the output's");
  if (auto tile = getTile(); tile && tile->size() != 5)
    return emitOpError("tile must be [mc, kc, nc, mr, nr]");
  if (getEpilogue().empty() && !getEpilogueInputs().empty())
    return emitOpError("epilogue inputs without an epilogue region");
  return verifyScalarBody(*this, getEpilogue(), getEpilogueInputs(), out, 1);
}

LogicalResult Im2ColOp::verify() {
  auto in = getMemRef(getInput()), out = getMemRef(getOut());
  if (in.getRank() != 4 || out.getRank() != 4)
    return emitOpError("expects a 4-d input and a 4-d output");
  int64_t taps = getKernelShape()[0] * getKernelShape()[1];
  if (out.getDimSize(0) != in.getDimSize(0) ||
      out.getDimSize(1) * out.getDimSize(2) != in.getDimSize(1) * taps)
    return emitOpError("output ") << out << " does not hold the columns of " << in;
  return success();
}
