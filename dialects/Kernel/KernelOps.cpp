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
/// signless integers; the buffer keeps ui8 vs i8). Elements of the graph dialect's storage
/// types (FLOAT4E2M1, FLOAT8E8M0) are i8 bit patterns in bodies.
static bool sameScalar(Type scalar, Type element) {
  if (scalar == element)
    return true;
  if (element.getDialect().getNamespace() == "graph")
    return scalar.isInteger(8);
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
  int64_t offset = getOffset().value_or(0);
  bool fits = getOffset() ? offset >= 0 && offset + dst.getNumElements() <= src.getNumElements()
                          : src.getNumElements() == dst.getNumElements();
  if (src.getElementType() != dst.getElementType() || !fits)
    return emitOpError("cannot view ") << src << " as " << dst
                                       << (getOffset() ? " at offset " + std::to_string(offset)
                                                       : std::string());
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

// A packed operand's padded panels hide M (or N); the output has it.
int64_t GemmOp::getM() {
  auto a = getMemRef(getA());
  if (getPackedA())
    return getMemRef(getOut()).getDimSize(getMemRef(getOut()).getRank() - 2);
  return a.getDimSize(a.getRank() - (getTransA() ? 1 : 2));
}
int64_t GemmOp::getK() {
  auto a = getMemRef(getA());
  return a.getDimSize(a.getRank() - (getTransA() || getPackedA() ? 2 : 1));
}
int64_t GemmOp::getN() {
  auto b = getMemRef(getB());
  if (getPackedB() || getBIm2col())
    return getMemRef(getOut()).getDimSize(getMemRef(getOut()).getRank() - 1);
  return b.getDimSize(b.getRank() - (getTransB() ? 2 : 1));
}
SmallVector<int64_t> GemmOp::getBatchShapeA() {
  return llvm::to_vector(getMemRef(getA()).getShape().drop_back(getPackedA() ? 3 : 2));
}
SmallVector<int64_t> GemmOp::getBatchShapeB() {
  if (getBIm2col())
    return llvm::to_vector(ArrayRef<int64_t>(getIm2colBShape()).take_front(2));
  return llvm::to_vector(getMemRef(getB()).getShape().drop_back(getPackedB() ? 3 : 2));
}
SmallVector<int64_t> GemmOp::getIm2colBShape() {
  std::optional<ArrayRef<int64_t>> p = getBIm2col();
  auto x = getMemRef(getB());
  if (!p || p->size() != 11 || x.getRank() != 4 || (*p)[0] <= 0 || (*p)[3] <= 0 || (*p)[4] <= 0)
    return {};
  ArrayRef<int64_t> q = *p;
  int64_t oh = (x.getDimSize(2) + q[5] + q[7] - ((q[1] - 1) * q[9] + 1)) / q[3] + 1;
  int64_t ow = (x.getDimSize(3) + q[6] + q[8] - ((q[2] - 1) * q[10] + 1)) / q[4] + 1;
  return {x.getDimSize(0), q[0], x.getDimSize(1) / q[0] * q[1] * q[2], oh * ow};
}

/// Checks a packed operand `t` ([batch..., panels, K, width]) against the problem size `size`
/// (M or N) and the tile's panel width.
static LogicalResult verifyPacked(GemmOp op, MemRefType t, StringRef name, bool trans, int64_t size,
                                  int64_t tileWidth) {
  if (t.getRank() < 3)
    return op.emitOpError("packed ") << name << " must have rank >= 3";
  if (trans)
    return op.emitOpError("packed ") << name << " cannot be transposed";
  int64_t width = t.getDimSize(t.getRank() - 1), panels = t.getDimSize(t.getRank() - 3);
  if (width != tileWidth)
    return op.emitOpError("packed ")
           << name << " has panels " << width << " wide, the tile needs " << tileWidth;
  if (panels != (size + width - 1) / width)
    return op.emitOpError("packed ") << name << " has " << panels << " panels for size " << size;
  return success();
}

LogicalResult GemmOp::verify() {
  auto a = getMemRef(getA()), b = getMemRef(getB()), out = getMemRef(getOut());
  if (a.getRank() < 2 || b.getRank() < 2 || out.getRank() < 2)
    return emitOpError("operands must have rank >= 2");
  std::optional<ArrayRef<int64_t>> tile = getTile();
  if (tile && tile->size() != 5)
    return emitOpError("tile must be [mc, kc, nc, mr, nr]");
  if ((getPackedA() || getPackedB()) && !tile)
    return emitOpError("packed operands need a tile");
  if (getPackedA() && failed(verifyPacked(*this, a, "A", getTransA(), getM(), (*tile)[3])))
    return failure();
  if (getPackedB() && failed(verifyPacked(*this, b, "B", getTransB(), getN(), (*tile)[4])))
    return failure();
  if (getBIm2col() && (getPackedB() || getTransB() || getIm2colBShape().empty() ||
                       b.getDimSize(1) % (*getBIm2col())[0] != 0))
    return emitOpError("b_im2col needs a 4-d B, 11 positive-stride values, channels divisible "
                       "by groups, and no packed or transposed B");
  int64_t kb = getBIm2col() ? getIm2colBShape()[2]
                            : b.getDimSize(b.getRank() - (getTransB() && !getPackedB() ? 1 : 2));
  if (getK() != kb)
    return emitOpError("inner dimensions differ: ") << getK() << " vs " << kb;
  if (out.getDimSize(out.getRank() - 2) != getM() || out.getDimSize(out.getRank() - 1) != getN())
    return emitOpError("output must be ") << getM() << " x " << getN();
  if (getBIm2col() && getIm2colBShape()[3] != getN())
    return emitOpError("im2col of B has ") << getIm2colBShape()[3] << " columns, not " << getN();
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(getBatchShapeA(), getBatchShapeB(), batch) ||
      ArrayRef<int64_t>(batch) != out.getShape().drop_back(2))
    return emitOpError("batch dimensions do not broadcast to the output's");
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

LogicalResult CallOp::verify() {
  if (getOuts().empty())
    return emitOpError("needs at least one output buffer");
  if (getTasks() < 0)
    return emitOpError("task count must not be negative, got ") << getTasks();
  if (getCallee().empty())
    return emitOpError("needs a callee name");
  return success();
}

LogicalResult OutputShapeOp::verify() {
  auto type = getMemRef(getShape());
  if (type.getRank() != 1 || !type.getElementType().isInteger(64))
    return emitOpError("shape must be a 1-d int64 buffer, got ") << type;
  if (getOutput() < 0)
    return emitOpError("output index must not be negative");
  return success();
}
