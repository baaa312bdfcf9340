//===- KernelEmitter.cpp - Per-kernel code generation ---------------------===//
//
// See KernelEmitter.h. Every loop bound, stride and shape is a literal: all shapes are
// static, so the host compiler sees constants everywhere.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelEmitter.h"
#include "dialects/Kernel/KernelOps.h"
#include "passes/KernelUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace modelc;

std::string modelc::cTypeOf(Type t) {
  if (t.isF32())
    return "float";
  if (t.isF16() || t.isBF16())
    return "uint16_t"; // storage; scalars compute in float (scalarCType)
  if (t.isF64())
    return "double";
  if (t.isInteger(1))
    return "bool";
  if (auto it = dyn_cast<IntegerType>(t)) {
    unsigned w = it.getWidth();
    if (w != 8 && w != 16 && w != 32 && w != 64)
      return "";
    return (it.isUnsigned() ? "uint" : "int") + std::to_string(w) + "_t";
  }
  return "";
}

std::string modelc::scalarCType(Type t) { return t.isF16() || t.isBF16() ? "float" : cTypeOf(t); }

std::string modelc::loadExpr(Type t, const std::string &ref) {
  if (t.isF16())
    return "mc_h2f(" + ref + ")";
  if (t.isBF16())
    return "mc_bf2f(" + ref + ")";
  return ref;
}

std::string modelc::storeExpr(Type t, const std::string &value) {
  if (t.isF16())
    return "mc_f2h(" + value + ")";
  if (t.isBF16())
    return "mc_f2bf(" + value + ")";
  return value;
}

std::string modelc::describeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return "'" + name.getName().str() + "'";
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::string s;
    for (Location l : fused.getLocations()) {
      std::string part = describeLocation(l);
      if (part.empty() || s.find(part) != std::string::npos)
        continue;
      s += (s.empty() ? "" : " + ") + part;
    }
    return s;
  }
  if (auto callsite = dyn_cast<CallSiteLoc>(loc))
    return describeLocation(callsite.getCallee());
  return "";
}

static MemRefType bufType(Value v) { return cast<MemRefType>(v.getType()); }
static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  for (int64_t d : shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s.empty() ? "scalar" : s;
}

static std::string floatLiteral(double v, bool isDouble) {
  if (std::isnan(v))
    return isDouble ? "(double)NAN" : "NAN";
  if (std::isinf(v))
    return std::string(v < 0 ? "-" : "") + (isDouble ? "(double)INFINITY" : "INFINITY");
  std::string s = llvm::formatv(isDouble ? "{0:e16}" : "{0:e9}", v).str();
  return isDouble ? s : s + "f";
}

//===----------------------------------------------------------------------===//
// Loop scaffolding
//===----------------------------------------------------------------------===//

void KernelEmitter::emitSignature(const EmittedKernel &k, Operation *op) {
  std::string desc = describeLocation(op->getLoc());
  os << "// " << k.name << ": " << op->getName().getStringRef() << " for ONNX node(s) "
     << (desc.empty() ? "<unnamed>" : desc) << "\n// ";
  for (auto [i, v] : llvm::enumerate(k.args))
    os << (i ? ", " : "") << shapeStr(bufType(v).getShape());
  if (auto gemm = dyn_cast<kernel::GemmOp>(op)) {
    if (std::optional<ArrayRef<int64_t>> tile = gemm.getTile()) {
      os << "; tile [mc,kc,nc,mr,nr] =";
      for (int64_t t : *tile)
        os << " " << t;
    }
  }
  if (op->getNumRegions() && !op->getRegion(0).empty())
    os << "; fused scalar body of " << op->getRegion(0).front().getOperations().size() - 1
       << " op(s)";
  os << "\n";
  Value out = getWrittenBuffer(op);
  auto paramType = [&](unsigned i) {
    Value v = k.args[i];
    return (v == out ? "" : "const ") + cTypeOf(bufType(v).getElementType()) + " *";
  };
  if (target == Target::Cuda) {
    os << "__global__ void " << k.name << "(";
    for (unsigned i = 0; i < k.args.size(); ++i)
      os << (i ? ", " : "") << paramType(i) << paramName(i);
    if (k.canFail)
      os << ", int *status";
    os << ") {\n";
    os.indent();
    return;
  }
  // CPU: the buffers travel in a struct so that mc_parallel_for can hand any range of the
  // iteration space [begin, end) to a worker.
  os << "struct " << k.name << "_args {\n";
  for (unsigned i = 0; i < k.args.size(); ++i)
    os << "  " << paramType(i) << paramName(i) << ";\n";
  if (k.canFail)
    os << "  bool failed;\n";
  os << "};\n";
  os << "static void " << k.name << "(void *ctx, int64_t begin, int64_t end) {\n";
  os.indent();
  os << "[[maybe_unused]] " << k.name << "_args *args = static_cast<" << k.name
     << "_args *>(ctx);\n";
  for (unsigned i = 0; i < k.args.size(); ++i)
    os << paramType(i) << paramName(i) << " = args->" << paramName(i) << ";\n";
}

void KernelEmitter::openFlatLoop(int64_t n) {
  if (target == Target::Cuda)
    os << "for (int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; idx < " << n
       << "; idx += (int64_t)gridDim.x * blockDim.x) {\n";
  else
    os << "for (int64_t idx = begin; idx < end; ++idx) {\n";
  os.indent();
}

void KernelEmitter::closeFlatLoop() {
  os.unindent();
  os << "}\n";
}

void KernelEmitter::emitDecompose(StringRef idx, ArrayRef<int64_t> shape, StringRef prefix) {
  int64_t stride = 1;
  SmallVector<int64_t> strides(shape.size());
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    strides[d] = stride;
    stride *= shape[d];
  }
  for (auto [d, dim] : llvm::enumerate(shape)) {
    os << "[[maybe_unused]] const int64_t " << prefix << d << " = ";
    if (d == 0)
      os << idx << " / " << strides[d] << ";\n";
    else
      os << "(" << idx << " / " << strides[d] << ") % " << dim << ";\n";
  }
}

std::string KernelEmitter::broadcastOffset(ArrayRef<int64_t> shape, ArrayRef<int64_t> outShape,
                                           StringRef prefix) {
  int64_t offset = outShape.size() - shape.size();
  int64_t stride = 1;
  std::string expr;
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    if (shape[d] != 1)
      expr = (expr.empty() ? "" : expr + " + ") + prefix.str() + std::to_string(d + offset) +
             " * " + std::to_string(stride);
    stride *= shape[d];
  }
  return expr.empty() ? "0" : expr;
}

//===----------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------===//

FailureOr<std::string> KernelEmitter::emitScalarOp(Operation &op) {
  auto arg = [&](unsigned i) { return names.lookup(op.getOperand(i)); };
  std::string m = target == Target::Cpu ? "std::" : "";
  bool isF64 = op.getNumResults() && op.getResult(0).getType().isF64();
  // 16-bit float constants are exact in float; compute happens in float.
  auto call = [&](StringRef fn) { return m + fn.str() + "(" + arg(0) + ")"; };
  auto bin = [&](StringRef sym) { return "(" + arg(0) + " " + sym.str() + " " + arg(1) + ")"; };
  // Signless scalars: ops with unsigned semantics reinterpret their operands as unsigned.
  auto uarg = [&](unsigned i) -> std::string {
    Type t = op.getOperand(i).getType();
    if (t.isInteger(1))
      return arg(i);
    return "static_cast<uint" + std::to_string(t.getIntOrFloatBitWidth()) + "_t>(" + arg(i) + ")";
  };
  auto ubin = [&](StringRef sym) { return "(" + uarg(0) + " " + sym.str() + " " + uarg(1) + ")"; };
  std::optional<std::string> expr =
      llvm::TypeSwitch<Operation *, std::optional<std::string>>(&op)
          .Case([&](arith::ConstantOp c) -> std::optional<std::string> {
            if (auto f = dyn_cast<FloatAttr>(c.getValue()))
              return floatLiteral(f.getValueAsDouble(), isF64);
            if (auto i = dyn_cast<IntegerAttr>(c.getValue())) {
              if (i.getType().isInteger(1))
                return std::string(i.getValue().getBoolValue() ? "true" : "false");
              return "(" + cTypeOf(i.getType()) + ")" + std::to_string(i.getInt()) + "LL";
            }
            return std::nullopt;
          })
          .Case<arith::AddFOp, arith::AddIOp>([&](auto) { return bin("+"); })
          .Case<arith::SubFOp, arith::SubIOp>([&](auto) { return bin("-"); })
          .Case<arith::MulFOp, arith::MulIOp>([&](auto) { return bin("*"); })
          .Case<arith::DivFOp, arith::DivSIOp>([&](auto) { return bin("/"); })
          .Case([&](arith::DivUIOp) { return ubin("/"); })
          .Case([&](arith::RemSIOp) { return bin("%"); })
          .Case([&](arith::RemUIOp) { return ubin("%"); })
          .Case<arith::MaxUIOp, arith::MinUIOp>([&](auto m) {
            bool isMax = isa<arith::MaxUIOp>(m.getOperation());
            return "(" + uarg(0) + (isMax ? " > " : " < ") + uarg(1) + " ? " + arg(0) + " : " +
                   arg(1) + ")";
          })
          .Case([&](arith::NegFOp) { return "(-" + arg(0) + ")"; })
          .Case<arith::MaximumFOp, arith::MaxSIOp>([&](auto) {
            // NaN-propagating max: a NaN first operand wins; a NaN second one fails a > b.
            return "((" + arg(0) + " > " + arg(1) + " || " + arg(0) + " != " + arg(0) + ") ? " +
                   arg(0) + " : " + arg(1) + ")";
          })
          .Case<arith::MinimumFOp, arith::MinSIOp>([&](auto) {
            return "((" + arg(0) + " < " + arg(1) + " || " + arg(0) + " != " + arg(0) + ") ? " +
                   arg(0) + " : " + arg(1) + ")";
          })
          .Case([&](arith::CmpFOp c) -> std::optional<std::string> {
            using P = arith::CmpFPredicate;
            switch (c.getPredicate()) {
            case P::OLT:
              return bin("<");
            case P::OLE:
              return bin("<=");
            case P::OGT:
              return bin(">");
            case P::OGE:
              return bin(">=");
            case P::OEQ:
              return bin("==");
            case P::UNE:
              return bin("!=");
            default:
              return std::nullopt;
            }
          })
          .Case([&](arith::CmpIOp c) -> std::optional<std::string> {
            using P = arith::CmpIPredicate;
            switch (c.getPredicate()) {
            case P::slt:
              return bin("<");
            case P::sle:
              return bin("<=");
            case P::sgt:
              return bin(">");
            case P::sge:
              return bin(">=");
            case P::ult:
              return ubin("<");
            case P::ule:
              return ubin("<=");
            case P::ugt:
              return ubin(">");
            case P::uge:
              return ubin(">=");
            case P::eq:
              return bin("==");
            case P::ne:
              return bin("!=");
            }
            return std::nullopt;
          })
          .Case([&](arith::SelectOp) {
            return "(" + arg(0) + " ? " + arg(1) + " : " + names.lookup(op.getOperand(2)) + ")";
          })
          .Case<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::FPToSIOp, arith::ExtSIOp,
                arith::TruncIOp>([&](auto c) -> std::optional<std::string> {
            std::string ct = scalarCType(c.getType());
            if (ct.empty())
              return std::nullopt;
            std::string v = "static_cast<" + ct + ">(" + arg(0) + ")";
            // Narrowing to a 16-bit float rounds to its precision (storage round trip).
            if (c.getType().isF16() || c.getType().isBF16())
              return loadExpr(c.getType(), storeExpr(c.getType(), v));
            return v;
          })
          .Case<arith::UIToFPOp, arith::ExtUIOp>([&](auto c) -> std::optional<std::string> {
            std::string ct = scalarCType(c.getType());
            if (ct.empty())
              return std::nullopt;
            std::string v = "static_cast<" + ct + ">(" + uarg(0) + ")";
            if (c.getType().isF16() || c.getType().isBF16())
              return loadExpr(c.getType(), storeExpr(c.getType(), v));
            return v;
          })
          .Case([&](arith::FPToUIOp c) -> std::optional<std::string> {
            std::string ct = cTypeOf(c.getType());
            if (ct.empty() || c.getType().isInteger(1))
              return std::nullopt;
            return "static_cast<" + ct + ">(static_cast<uint" +
                   std::to_string(c.getType().getIntOrFloatBitWidth()) + "_t>(" + arg(0) + "))";
          })
          .Case([&](math::ExpOp) { return call("exp"); })
          .Case([&](math::LogOp) { return call("log"); })
          .Case([&](math::TanhOp) { return call("tanh"); })
          .Case([&](math::SqrtOp) { return call("sqrt"); })
          .Case([&](math::FloorOp) { return call("floor"); })
          .Case([&](math::CeilOp) { return call("ceil"); })
          .Case([&](math::ErfOp) { return call("erf"); })
          .Case([&](math::SinOp) { return call("sin"); })
          .Case([&](math::CosOp) { return call("cos"); })
          .Case([&](math::AbsFOp) { return call("fabs"); })
          .Case([&](math::AbsIOp) {
            return "(" + arg(0) + " < 0 ? -" + arg(0) + " : " + arg(0) + ")";
          })
          .Case([&](math::RoundEvenOp) { return call("nearbyint"); })
          .Case([&](math::PowFOp) { return m + "pow(" + arg(0) + ", " + arg(1) + ")"; })
          .Default([](Operation *) -> std::optional<std::string> { return std::nullopt; });
  if (!expr)
    return op.emitError("the ") << (target == Target::Cpu ? "C++" : "CUDA")
                                << " emitter does not support scalar op " << op.getName();
  std::string ct = scalarCType(op.getResult(0).getType());
  if (ct.empty())
    return op.emitError("unsupported scalar type ") << op.getResult(0).getType();
  std::string name = "v" + std::to_string(tmpCounter++);
  os << "const " << ct << " " << name << " = " << *expr << ";\n";
  names[op.getResult(0)] = name;
  return name;
}

FailureOr<std::string> KernelEmitter::emitScalarBlock(Block &block, ArrayRef<std::string> args) {
  for (auto [arg, expr] : llvm::zip(block.getArguments(), args))
    names[arg] = expr;
  for (Operation &op : block.without_terminator())
    if (failed(emitScalarOp(op)))
      return failure();
  return names.lookup(cast<kernel::YieldOp>(block.getTerminator()).getValue());
}

FailureOr<std::string> KernelEmitter::emitEpilogue(Region &region, ValueRange inputs,
                                                   unsigned firstParam, ArrayRef<int64_t> outShape,
                                                   const std::string &acc) {
  if (region.empty())
    return acc;
  SmallVector<std::string> args = {acc};
  for (auto [i, v] : llvm::enumerate(inputs))
    args.push_back(loadExpr(bufType(v).getElementType(),
                            paramName(firstParam + i) + "[" +
                                broadcastOffset(bufType(v).getShape(), outShape, "o") + "]"));
  return emitScalarBlock(region.front(), args);
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

LogicalResult KernelEmitter::emitElementwise(Operation *op, EmittedKernel &k) {
  auto ew = cast<kernel::ElementwiseOp>(op);
  ArrayRef<int64_t> outShape = bufType(ew.getOut()).getShape();
  int64_t n = bufType(ew.getOut()).getNumElements();
  k.args.assign(ew.getInputs().begin(), ew.getInputs().end());
  k.args.push_back(ew.getOut());
  k.iterations = n;
  emitSignature(k, op);
  openFlatLoop(n);
  bool needIndex = llvm::any_of(ew.getInputs(), [&](Value v) {
    return bufType(v).getShape() != outShape && bufType(v).getNumElements() != 1;
  });
  if (needIndex)
    emitDecompose("idx", outShape, "o");
  SmallVector<std::string> args;
  for (auto [i, v] : llvm::enumerate(ew.getInputs())) {
    auto t = bufType(v);
    std::string offset = t.getShape() == outShape  ? "idx"
                         : t.getNumElements() == 1 ? "0"
                                                   : broadcastOffset(t.getShape(), outShape, "o");
    args.push_back(loadExpr(t.getElementType(), paramName(i) + "[" + offset + "]"));
  }
  auto result = emitScalarBlock(ew.getBody().front(), args);
  if (failed(result))
    return failure();
  os << paramName(k.args.size() - 1)
     << "[idx] = " << storeExpr(bufType(ew.getOut()).getElementType(), *result) << ";\n";
  closeFlatLoop();
  return success();
}

/// Strides of each batch dimension of a GEMM operand broadcast to the output's batch dims.
static SmallVector<int64_t> batchStrides(MemRefType t, ArrayRef<int64_t> outBatch) {
  ArrayRef<int64_t> batch = t.getShape().drop_back(2);
  int64_t matrix = t.getDimSize(t.getRank() - 1) * t.getDimSize(t.getRank() - 2);
  SmallVector<int64_t> strides(outBatch.size(), 0);
  int64_t stride = matrix, offset = outBatch.size() - batch.size();
  for (int64_t d = batch.size() - 1; d >= 0; --d) {
    strides[d + offset] = batch[d] == 1 ? 0 : stride;
    stride *= batch[d];
  }
  return strides;
}

LogicalResult KernelEmitter::emitGemm(Operation *op, EmittedKernel &k) {
  auto gemm = cast<kernel::GemmOp>(op);
  auto at = bufType(gemm.getA()), bt = bufType(gemm.getB()), ot = bufType(gemm.getOut());
  int64_t m = gemm.getM(), n = gemm.getN(), kk = gemm.getK();
  bool ta = gemm.getTransA(), tb = gemm.getTransB();
  ArrayRef<int64_t> outShape = ot.getShape();
  ArrayRef<int64_t> outBatch = outShape.drop_back(2);
  SmallVector<int64_t> as = batchStrides(at, outBatch), bs = batchStrides(bt, outBatch);
  int64_t batches = ot.getNumElements() / (m * n);
  k.args = {gemm.getA(), gemm.getB(), gemm.getOut()};
  llvm::append_range(k.args, gemm.getEpilogueInputs());
  float alpha = gemm.getAlpha().convertToFloat();
  std::string alphaMul = alpha == 1.0f ? "" : " * " + floatLiteral(alpha, false);
  // Operand element (i, p) of A and (p, j) of B within one batch entry.
  std::string aIdx =
      ta ? "p * " + std::to_string(m) + " + i" : "i * " + std::to_string(kk) + " + p";
  std::string bIdx =
      tb ? "j * " + std::to_string(kk) + " + p" : "p * " + std::to_string(n) + " + j";
  auto batchOffset = [&](ArrayRef<int64_t> strides) {
    std::string e;
    for (auto [d, s] : llvm::enumerate(strides))
      if (s)
        e += " + o" + std::to_string(d) + " * " + std::to_string(s);
    return e.empty() ? std::string("0") : e.substr(3);
  };

  if (target == Target::Cuda) {
    k.iterations = ot.getNumElements();
    emitSignature(k, op);
    openFlatLoop(k.iterations);
    emitDecompose("idx", outShape, "o");
    os << "const int64_t i = o" << outShape.size() - 2 << ", j = o" << outShape.size() - 1 << ";\n";
    os << "const float *a = p0 + (" << batchOffset(as) << ");\n";
    os << "const float *b = p1 + (" << batchOffset(bs) << ");\n";
    os << "float acc = 0.0f;\n";
    os << "for (int64_t p = 0; p < " << kk << "; ++p)\n  acc += a[" << aIdx << "] * b[" << bIdx
       << "];\n";
    auto v =
        emitEpilogue(gemm.getEpilogue(), gemm.getEpilogueInputs(), 3, outShape, "acc" + alphaMul);
    if (failed(v))
      return failure();
    os << "p2[idx] = " << *v << ";\n";
    closeFlatLoop();
    return success();
  }

  // CPU: the iteration space is the output rows of all batch entries. Each row is an i-p-j
  // loop nest over a zeroed row (unit-stride, vectorizable inner loop), or i-j-p dot products
  // when B is transposed, followed by the epilogue while the row is in cache.
  k.iterations = batches * m;
  k.costPerIteration = n * kk;
  emitSignature(k, op);
  os << "for (int64_t row = begin; row < end; ++row) {\n";
  os.indent();
  os << "[[maybe_unused]] const int64_t bi = row / " << m << ";\nconst int64_t i = row % " << m
     << ";\n";
  emitDecompose("bi", outBatch, "o");
  os << "const float *a = p0 + (" << batchOffset(as) << ");\n";
  os << "const float *b = p1 + (" << batchOffset(bs) << ");\n";
  os << "float *crow = p2 + row * " << n << ";\n";
  if (tb) {
    os << "for (int64_t j = 0; j < " << n << "; ++j) {\n  float acc = 0.0f;\n"
       << "  for (int64_t p = 0; p < " << kk << "; ++p)\n    acc += a[" << aIdx << "] * b[" << bIdx
       << "];\n  crow[j] = acc" << alphaMul << ";\n}\n";
  } else {
    os << "for (int64_t j = 0; j < " << n << "; ++j)\n  crow[j] = 0.0f;\n"
       << "for (int64_t p = 0; p < " << kk << "; ++p) {\n  const float av = a[" << aIdx << "]"
       << alphaMul << ";\n  const float *brow = b + p * " << n << ";\n"
       << "  for (int64_t j = 0; j < " << n << "; ++j)\n    crow[j] += av * brow[j];\n}\n";
  }
  if (!gemm.getEpilogue().empty()) {
    os << "for (int64_t j = 0; j < " << n << "; ++j) {\n";
    os.indent();
    os << "const int64_t idx = row * " << n << " + j;\n";
    emitDecompose("idx", outShape, "o");
    auto v = emitEpilogue(gemm.getEpilogue(), gemm.getEpilogueInputs(), 3, outShape, "crow[j]");
    if (failed(v))
      return failure();
    os << "crow[j] = " << *v << ";\n";
    os.unindent();
    os << "}\n";
  }
  os.unindent();
  os << "}\n";
  return success();
}

LogicalResult KernelEmitter::emitConv(Operation *op, EmittedKernel &k) {
  auto conv = cast<kernel::ConvOp>(op);
  auto xt = bufType(conv.getInput()), wt = bufType(conv.getWeight()), ot = bufType(conv.getOut());
  int64_t spatial = xt.getRank() - 2;
  int64_t group = conv.getGroup(), cg = xt.getDimSize(1) / group, mg = wt.getDimSize(0) / group;
  k.args = {conv.getInput(), conv.getWeight()};
  if (conv.getBias())
    k.args.push_back(conv.getBias());
  k.args.push_back(conv.getOut());
  unsigned outParam = k.args.size() - 1;
  llvm::append_range(k.args, conv.getEpilogueInputs());
  k.iterations = ot.getNumElements();
  k.costPerIteration = wt.getNumElements() / std::max<int64_t>(wt.getDimSize(0), 1);
  emitSignature(k, op);
  ArrayRef<int64_t> outShape = ot.getShape();
  openFlatLoop(k.iterations);
  emitDecompose("idx", outShape, "o");
  os << "const int64_t g = o1 / " << mg << ";\n";
  os << "float acc = " << (conv.getBias() ? "p2[o1]" : "0.0f") << ";\n";
  os << "for (int64_t c = 0; c < " << cg << "; ++c) {\n";
  os.indent();
  // Input offset of channel (g * cg + c) and weight offset of (o1, c).
  int64_t inSpatial = 1, kSpatial = 1;
  for (int64_t d = 0; d < spatial; ++d) {
    inSpatial *= xt.getDimSize(d + 2);
    kSpatial *= wt.getDimSize(d + 2);
  }
  os << "const float *x = p0 + (o0 * " << xt.getDimSize(1) << " + g * " << cg << " + c) * "
     << inSpatial << ";\n";
  os << "const float *w = p1 + (o1 * " << cg << " + c) * " << kSpatial << ";\n";
  for (int64_t d = 0; d < spatial; ++d) {
    int64_t s = conv.getStrides()[d], dil = conv.getDilations()[d], pad = conv.getPads()[d];
    os << "for (int64_t k" << d << " = 0; k" << d << " < " << wt.getDimSize(d + 2) << "; ++k" << d
       << ") {\n";
    os.indent();
    os << "const int64_t x" << d << " = o" << d + 2 << " * " << s << " - " << pad << " + k" << d
       << " * " << dil << ";\n";
    os << "if (x" << d << " < 0 || x" << d << " >= " << xt.getDimSize(d + 2) << ") continue;\n";
  }
  std::string xIdx = "x0", wIdx = "k0";
  for (int64_t d = 1; d < spatial; ++d) {
    xIdx = "(" + xIdx + ") * " + std::to_string(xt.getDimSize(d + 2)) + " + x" + std::to_string(d);
    wIdx = "(" + wIdx + ") * " + std::to_string(wt.getDimSize(d + 2)) + " + k" + std::to_string(d);
  }
  os << "acc += x[" << xIdx << "] * w[" << wIdx << "];\n";
  for (int64_t d = 0; d < spatial; ++d) {
    os.unindent();
    os << "}\n";
  }
  os.unindent();
  os << "}\n";
  auto v =
      emitEpilogue(conv.getEpilogue(), conv.getEpilogueInputs(), outParam + 1, outShape, "acc");
  if (failed(v))
    return failure();
  os << paramName(outParam) << "[idx] = " << *v << ";\n";
  closeFlatLoop();
  return success();
}

LogicalResult KernelEmitter::emitIm2Col(Operation *op, EmittedKernel &k) {
  auto im = cast<kernel::Im2ColOp>(op);
  auto xt = bufType(im.getInput()), ot = bufType(im.getOut());
  int64_t groups = ot.getDimSize(1), cg = xt.getDimSize(1) / groups;
  int64_t kh = im.getKernelShape()[0], kw = im.getKernelShape()[1];
  int64_t h = xt.getDimSize(2), w = xt.getDimSize(3);
  int64_t ow = (w + im.getPads()[1] + im.getPads()[3] - ((kw - 1) * im.getDilations()[1] + 1)) /
                   im.getStrides()[1] +
               1;
  k.args = {im.getInput(), im.getOut()};
  k.iterations = ot.getNumElements();
  emitSignature(k, op);
  openFlatLoop(k.iterations);
  emitDecompose("idx", ot.getShape(), "o");
  os << "const int64_t c = o2 / " << kh * kw << ", ki = (o2 / " << kw << ") % " << kh
     << ", kj = o2 % " << kw << ";\n";
  os << "const int64_t y = (o3 / " << ow << ") * " << im.getStrides()[0] << " - " << im.getPads()[0]
     << " + ki * " << im.getDilations()[0] << ";\n";
  os << "const int64_t x = (o3 % " << ow << ") * " << im.getStrides()[1] << " - " << im.getPads()[1]
     << " + kj * " << im.getDilations()[1] << ";\n";
  os << "p1[idx] = (y >= 0 && y < " << h << " && x >= 0 && x < " << w << ") ? p0[((o0 * "
     << xt.getDimSize(1) << " + o1 * " << cg << " + c) * " << h << " + y) * " << w
     << " + x] : 0.0f;\n";
  closeFlatLoop();
  return success();
}

LogicalResult KernelEmitter::emitPool(Operation *op, EmittedKernel &k) {
  auto pool = cast<kernel::PoolOp>(op);
  auto xt = bufType(pool.getInput()), ot = bufType(pool.getOut());
  int64_t spatial = xt.getRank() - 2;
  bool isMax = pool.getKind() == "max";
  k.args = {pool.getInput(), pool.getOut()};
  k.iterations = ot.getNumElements();
  emitSignature(k, op);
  openFlatLoop(k.iterations);
  emitDecompose("idx", ot.getShape(), "o");
  int64_t inSpatial = 1;
  for (int64_t d = 0; d < spatial; ++d)
    inSpatial *= xt.getDimSize(d + 2);
  std::string ct = cTypeOf(xt.getElementType());
  bool isFloat = isa<FloatType>(xt.getElementType());
  os << "const " << ct << " *x = p0 + (o0 * " << xt.getDimSize(1) << " + o1) * " << inSpatial
     << ";\n";
  if (isMax && !isFloat) {
    // The type's lowest value as a literal (usable in host and device code alike).
    auto it = cast<IntegerType>(xt.getElementType());
    std::string lowest =
        it.isUnsigned() || it.getWidth() == 1
            ? "(0)"
            : "(-" + std::to_string((uint64_t(1) << (it.getWidth() - 1)) - 1) + "LL - 1)";
    os << ct << " acc = static_cast<" << ct << ">" << lowest << ";\n";
  } else
    os << ct << " acc = " << (isMax ? "-INFINITY" : "0.0f") << ";\n";
  os << "int64_t count = 0;\n";
  if (!isMax && pool.getCountIncludePad()) {
    // Padded positions count, but not window parts past the padded extent (ceil_mode).
    os << "int64_t padded = 1;\n";
    for (int64_t d = 0; d < spatial; ++d) {
      int64_t s = pool.getStrides()[d], dil = pool.getDilations()[d];
      int64_t pb = pool.getPads()[d], pe = pool.getPads()[d + spatial];
      int64_t extent = xt.getDimSize(d + 2) + pe;
      os << "{ const int64_t lo = o" << d + 2 << " * " << s << " - " << pb
         << "; int64_t n = 0; for (int64_t t = 0; t < " << pool.getKernelShape()[d]
         << "; ++t) if (lo + t * " << dil << " < " << extent << ") ++n; padded *= n; }\n";
    }
  }
  for (int64_t d = 0; d < spatial; ++d) {
    os << "for (int64_t k" << d << " = 0; k" << d << " < " << pool.getKernelShape()[d] << "; ++k"
       << d << ") {\n";
    os.indent();
    os << "const int64_t x" << d << " = o" << d + 2 << " * " << pool.getStrides()[d] << " - "
       << pool.getPads()[d] << " + k" << d << " * " << pool.getDilations()[d] << ";\n";
    os << "if (x" << d << " < 0 || x" << d << " >= " << xt.getDimSize(d + 2) << ") continue;\n";
  }
  std::string xIdx = "x0";
  for (int64_t d = 1; d < spatial; ++d)
    xIdx = "(" + xIdx + ") * " + std::to_string(xt.getDimSize(d + 2)) + " + x" + std::to_string(d);
  os << "const " << ct << " v = x[" << xIdx << "];\n";
  if (isMax)
    os << "acc = (v > acc || v != v) ? v : acc;\n";
  else
    os << "acc += v;\n";
  os << "++count;\n";
  for (int64_t d = 0; d < spatial; ++d) {
    os.unindent();
    os << "}\n";
  }
  if (isMax)
    os << "p1[idx] = acc;\n";
  else if (pool.getCountIncludePad())
    os << "p1[idx] = acc / (float)padded;\n";
  else
    os << "p1[idx] = count ? acc / (float)count : 0.0f;\n";
  closeFlatLoop();
  return success();
}

LogicalResult KernelEmitter::emitSoftmax(Operation *op, EmittedKernel &k) {
  auto sm = cast<kernel::SoftmaxOp>(op);
  auto t = bufType(sm.getInput());
  int64_t axis = sm.getAxis(), outer = 1, inner = 1, len = t.getRank() ? t.getDimSize(axis) : 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= t.getDimSize(d);
  for (int64_t d = axis + 1; d < t.getRank(); ++d)
    inner *= t.getDimSize(d);
  k.args = {sm.getInput(), sm.getOut()};
  k.iterations = outer * inner;
  emitSignature(k, op);
  std::string m = target == Target::Cpu ? "std::" : "";
  openFlatLoop(k.iterations);
  os << "const int64_t base = (idx / " << inner << ") * " << len * inner << " + idx % " << inner
     << ";\n";
  os << "float mx = -INFINITY;\n";
  os << "for (int64_t a = 0; a < " << len << "; ++a) { const float v = p0[base + a * " << inner
     << "]; mx = v > mx ? v : mx; }\n";
  os << "float sum = 0.0f;\n";
  os << "for (int64_t a = 0; a < " << len << "; ++a) sum += " << m << "exp(p0[base + a * " << inner
     << "] - mx);\n";
  if (sm.getLog())
    os << "const float ls = " << m << "log(sum);\nfor (int64_t a = 0; a < " << len
       << "; ++a) p1[base + a * " << inner << "] = p0[base + a * " << inner << "] - mx - ls;\n";
  else
    os << "for (int64_t a = 0; a < " << len << "; ++a) p1[base + a * " << inner << "] = " << m
       << "exp(p0[base + a * " << inner << "] - mx) / sum;\n";
  closeFlatLoop();
  return success();
}

LogicalResult KernelEmitter::emitTranspose(Operation *op, EmittedKernel &k) {
  auto tr = cast<kernel::TransposeOp>(op);
  auto it = bufType(tr.getInput()), ot = bufType(tr.getOut());
  k.args = {tr.getInput(), tr.getOut()};
  k.iterations = ot.getNumElements();
  emitSignature(k, op);
  SmallVector<int64_t> inStrides(it.getRank(), 1);
  for (int64_t d = it.getRank() - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * it.getDimSize(d + 1);
  openFlatLoop(k.iterations);
  emitDecompose("idx", ot.getShape(), "o");
  std::string src;
  for (auto [d, p] : llvm::enumerate(tr.getPerm()))
    src += (src.empty() ? "" : " + ") + ("o" + std::to_string(d)) + " * " +
           std::to_string(inStrides[p]);
  os << "p1[idx] = p0[" << (src.empty() ? "0" : src) << "];\n";
  closeFlatLoop();
  return success();
}

LogicalResult KernelEmitter::emitConcat(Operation *op, EmittedKernel &k) {
  auto cc = cast<kernel::ConcatOp>(op);
  auto ot = bufType(cc.getOut());
  int64_t axis = cc.getAxis(), inner = 1;
  for (int64_t d = axis + 1; d < ot.getRank(); ++d)
    inner *= ot.getDimSize(d);
  k.args.assign(cc.getInputs().begin(), cc.getInputs().end());
  k.args.push_back(cc.getOut());
  k.iterations = ot.getNumElements();
  emitSignature(k, op);
  int64_t total = ot.getDimSize(axis);
  openFlatLoop(k.iterations);
  os << "const int64_t outer = idx / " << total * inner << ", a = (idx / " << inner << ") % "
     << total << ", in = idx % " << inner << ";\n";
  int64_t start = 0;
  for (auto [i, v] : llvm::enumerate(cc.getInputs())) {
    int64_t len = bufType(v).getDimSize(axis);
    if (len == 0)
      continue;
    os << (start ? "else " : "") << "if (a < " << start + len << ") "
       << paramName(k.args.size() - 1) << "[idx] = " << paramName(i) << "[(outer * " << len
       << " + a - " << start << ") * " << inner << " + in];\n";
    start += len;
  }
  closeFlatLoop();
  return success();
}

LogicalResult KernelEmitter::emitGather(Operation *op, EmittedKernel &k) {
  auto g = cast<kernel::GatherOp>(op);
  auto dt = bufType(g.getData()), it = bufType(g.getIndices()), ot = bufType(g.getOut());
  int64_t axis = g.getAxis(), inner = 1, extent = dt.getDimSize(axis);
  for (int64_t d = axis + 1; d < dt.getRank(); ++d)
    inner *= dt.getDimSize(d);
  int64_t numIdx = it.getNumElements();
  k.args = {g.getData(), g.getIndices(), g.getOut()};
  k.iterations = ot.getNumElements();
  k.canFail = true;
  emitSignature(k, op);
  openFlatLoop(k.iterations);
  os << "const int64_t outer = idx / " << numIdx * inner << ", j = (idx / " << inner << ") % "
     << std::max<int64_t>(numIdx, 1) << ", in = idx % " << inner << ";\n";
  os << "int64_t t = (int64_t)p1[j];\nif (t < 0) t += " << extent << ";\n";
  if (target == Target::Cuda)
    os << "if (t < 0 || t >= " << extent << ") { *status = 1; p2[idx] = 0; continue; }\n";
  else
    os << "if (t < 0 || t >= " << extent << ") {\n  args->failed = true;\n  return;\n}\n";
  os << "p2[idx] = p0[(outer * " << extent << " + t) * " << inner << " + in];\n";
  closeFlatLoop();
  return success();
}

LogicalResult KernelEmitter::emitCopy(Operation *op, EmittedKernel &k) {
  auto c = cast<kernel::CopyOp>(op);
  k.args = {c.getInput(), c.getOut()};
  k.iterations = bufType(c.getOut()).getNumElements();
  emitSignature(k, op);
  openFlatLoop(k.iterations);
  os << "p1[idx] = p0[idx];\n";
  closeFlatLoop();
  return success();
}

FailureOr<EmittedKernel> KernelEmitter::emit(Operation *op, int index) {
  EmittedKernel k;
  std::string desc = describeLocation(op->getLoc());
  std::string suffix;
  for (char c : desc)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
      suffix += c;
    else if (!suffix.empty() && suffix.back() != '_')
      suffix += '_';
  if (suffix.size() > 40)
    suffix.resize(40);
  while (!suffix.empty() && suffix.back() == '_')
    suffix.pop_back();
  k.name = "k" + std::to_string(index) + (suffix.empty() ? "" : "_" + suffix);
  names.clear();
  tmpCounter = 0;
  // Every buffer must have an element type the target handles.
  for (Value v : op->getOperands())
    if (cTypeOf(bufType(v).getElementType()).empty())
      return op->emitError("element type ")
             << bufType(v).getElementType() << " is not supported by the emitter yet";
  // Compute kernels are written for float32 so far; data movement handles every type.
  auto pool = dyn_cast<kernel::PoolOp>(op);
  if (!isa<kernel::ElementwiseOp, kernel::CopyOp, kernel::TransposeOp, kernel::ConcatOp,
           kernel::GatherOp>(op) &&
      !(pool && pool.getKind() == "max"))
    for (Value v : op->getOperands())
      if (!bufType(v).getElementType().isF32())
        return op->emitError("'") << op->getName() << "' on " << bufType(v).getElementType()
                                  << " is not supported yet (float32 only)";
  LogicalResult result =
      llvm::TypeSwitch<Operation *, LogicalResult>(op)
          .Case([&](kernel::ElementwiseOp) { return emitElementwise(op, k); })
          .Case([&](kernel::GemmOp) { return emitGemm(op, k); })
          .Case([&](kernel::ConvOp) { return emitConv(op, k); })
          .Case([&](kernel::Im2ColOp) { return emitIm2Col(op, k); })
          .Case([&](kernel::PoolOp) { return emitPool(op, k); })
          .Case([&](kernel::SoftmaxOp) { return emitSoftmax(op, k); })
          .Case([&](kernel::TransposeOp) { return emitTranspose(op, k); })
          .Case([&](kernel::ConcatOp) { return emitConcat(op, k); })
          .Case([&](kernel::GatherOp) { return emitGather(op, k); })
          .Case([&](kernel::CopyOp) { return emitCopy(op, k); })
          .Default([&](Operation *) { return op->emitError("no emitter for ") << op->getName(); });
  if (failed(result))
    return failure();
  os.unindent();
  os << "}\n\n";
  return k;
}

const char *const modelc::kScalarHelpers =
    R"(// 16-bit floats are stored as bit patterns and computed in float (round to nearest even).
#ifdef __CUDACC__
#define MC_HD __host__ __device__ inline
#else
#define MC_HD inline
#endif
MC_HD float mc_bits2f(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
MC_HD uint32_t mc_f2bits(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }
MC_HD float mc_h2f(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  if (exp == 0x1fu)
    return mc_bits2f(sign | 0x7f800000u | (mant << 13));
  if (exp == 0) {
    const float f = (float)mant * 5.9604644775390625e-08f;
    return sign ? -f : f;
  }
  return mc_bits2f(sign | ((exp + 112u) << 23) | (mant << 13));
}
MC_HD uint16_t mc_f2h(float f) {
  const uint32_t x = mc_f2bits(f), sign = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
  if (a > 0x7f800000u)
    return (uint16_t)(sign | 0x7e00u);
  if (a >= 0x477ff000u)
    return (uint16_t)(sign | 0x7c00u);
  if (a < 0x38800000u) {
    const int shift = 126 - (int)(a >> 23);
    if (shift > 24)
      return (uint16_t)sign;
    const uint32_t m = (a & 0x7fffffu) | 0x800000u, half = 1u << (shift - 1);
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1u);
    if (rem > half || (rem == half && (q & 1u)))
      ++q;
    return (uint16_t)(sign | q);
  }
  uint32_t h = (a >> 13) - (112u << 10);
  const uint32_t rem = a & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
    ++h;
  return (uint16_t)(sign | h);
}
MC_HD float mc_bf2f(uint16_t b) { return mc_bits2f((uint32_t)b << 16); }
MC_HD uint16_t mc_f2bf(float f) {
  const uint32_t x = mc_f2bits(f);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return (uint16_t)((x >> 16) | 0x40u);
  return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

)";
