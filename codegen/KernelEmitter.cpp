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

/// The runtime_min decoder/encoder suffix of a float8 type ("f8e4m3fn"), or "".
static std::string float8Name(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return "f8e4m3fn";
  if (isa<Float8E4M3FNUZType>(t))
    return "f8e4m3fnuz";
  if (isa<Float8E5M2Type>(t))
    return "f8e5m2";
  if (isa<Float8E5M2FNUZType>(t))
    return "f8e5m2fnuz";
  return "";
}

/// Floats stored as bit patterns and computed in float.
static bool isNarrowFloat(Type t) { return t.isF16() || t.isBF16() || !float8Name(t).empty(); }

/// 4- and 2-bit integers: stored in the low bits of a byte, computed sign-extended.
static unsigned narrowIntWidth(Type t) {
  auto it = dyn_cast<IntegerType>(t);
  return it && it.getWidth() > 1 && it.getWidth() < 8 ? it.getWidth() : 0;
}

std::string modelc::cTypeOf(Type t) {
  if (t.isF32())
    return "float";
  if (t.isF16() || t.isBF16())
    return "uint16_t"; // storage; scalars compute in float (scalarCType)
  if (!float8Name(t).empty())
    return "uint8_t";
  if (t.isF64())
    return "double";
  if (t.isInteger(1))
    return "bool";
  if (auto it = dyn_cast<IntegerType>(t)) {
    unsigned w = it.getWidth() < 8 ? 8 : it.getWidth();
    if (w != 8 && w != 16 && w != 32 && w != 64)
      return "";
    return (it.isUnsigned() ? "uint" : "int") + std::to_string(w) + "_t";
  }
  if (t.getDialect().getNamespace() == "graph")
    return "uint8_t"; // FLOAT4E2M1 and FLOAT8E8M0 bit patterns
  return "";
}

std::string modelc::scalarCType(Type t) { return isNarrowFloat(t) ? "float" : cTypeOf(t); }

std::string modelc::loadExpr(Type t, const std::string &ref) {
  if (t.isF16())
    return "mc_h2f(" + ref + ")";
  if (t.isBF16())
    return "mc_bf2f(" + ref + ")";
  if (std::string f8 = float8Name(t); !f8.empty())
    return "mc_" + f8 + "_to_f(" + ref + ")";
  if (unsigned w = narrowIntWidth(t))
    return "mc_sextn(" + ref + ", " + std::to_string(w) + ")";
  if (t.getDialect().getNamespace() == "graph")
    return "static_cast<int8_t>(" + ref + ")"; // bodies see the bits as i8
  return ref;
}

std::string modelc::storeExpr(Type t, const std::string &value) {
  if (t.isF16())
    return "mc_f2h(" + value + ")";
  if (t.isBF16())
    return "mc_f2bf(" + value + ")";
  if (std::string f8 = float8Name(t); !f8.empty())
    return "mc_f_to_" + f8 + "(" + value + ")";
  if (unsigned w = narrowIntWidth(t))
    return "static_cast<" + cTypeOf(t) + ">((" + value + ") & " + std::to_string((1 << w) - 1) +
           ")";
  if (t.getDialect().getNamespace() == "graph")
    return "static_cast<uint8_t>(" + value + ")";
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

void KernelEmitter::emitSignature(const EmittedKernel &k, Operation *op, StringRef preamble) {
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
  os << "\n" << preamble;
  SmallVector<Value, 2> outs = getWrittenBuffers(op);
  auto paramType = [&](unsigned i) {
    Value v = k.args[i];
    return (llvm::is_contained(outs, v) ? "" : "const ") + cTypeOf(bufType(v).getElementType()) +
           " *";
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
  if (k.partitioned)
    os << "  mc_gemm::Parts parts;\n";
  if (k.canFail)
    os << "  bool failed;\n";
  os << "};\n";
  os << "static void " << k.name << "(void *ctx, int64_t begin, int64_t end) {\n";
  os.indent();
  os << "[[maybe_unused]] " << k.name << "_args *args = static_cast<" << k.name
     << "_args *>(ctx);\n";
  for (unsigned i = 0; i < k.args.size(); ++i)
    os << (llvm::is_contained(k.unusedParams, i) ? "[[maybe_unused]] " : "") << paramType(i)
       << paramName(i) << " = args->" << paramName(i) << ";\n";
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
  // A shape with a zero dimension has no elements, so this code never runs; 1 stands in for
  // the zero divisors, which compilers would otherwise reject (-Werror=div-by-zero).
  auto nonZero = [](int64_t v) { return v ? v : int64_t(1); };
  for (auto [d, dim] : llvm::enumerate(shape)) {
    os << "[[maybe_unused]] const int64_t " << prefix << d << " = ";
    if (d == 0)
      os << idx << " / " << nonZero(strides[d]) << ";\n";
    else
      os << "(" << idx << " / " << nonZero(strides[d]) << ") % " << nonZero(dim) << ";\n";
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
    if (unsigned w = narrowIntWidth(t))
      return "static_cast<uint8_t>(" + arg(i) + " & " + std::to_string((1 << w) - 1) + ")";
    return "static_cast<uint" + std::to_string(t.getIntOrFloatBitWidth()) + "_t>(" + arg(i) + ")";
  };
  // The bits of a scalar of type t as an unsigned integer of its width, and back.
  auto bitsOf = [&](Type t, const std::string &v) -> std::string {
    if (isNarrowFloat(t))
      return storeExpr(t, v);
    if (t.isF32() || t.isF64())
      return "mc_bitcast<uint" + std::to_string(t.getIntOrFloatBitWidth()) + "_t>(" + v + ")";
    return "static_cast<uint" + std::to_string(t.getIntOrFloatBitWidth()) + "_t>(" + v + ")";
  };
  auto fromBits = [&](Type t, const std::string &bits) -> std::string {
    std::string u =
        "static_cast<uint" + std::to_string(t.getIntOrFloatBitWidth()) + "_t>(" + bits + ")";
    if (isNarrowFloat(t))
      return loadExpr(t, u);
    if (t.isF32() || t.isF64())
      return "mc_bitcast<" + cTypeOf(t) + ">(" + u + ")";
    return "static_cast<" + cTypeOf(t) + ">(" + u + ")";
  };
  // Narrowing to a float stored as bits rounds to its precision (a storage round trip).
  auto roundTo = [&](Type t, const std::string &v) {
    return isNarrowFloat(t) ? loadExpr(t, storeExpr(t, v)) : v;
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
          .Case([&](arith::RemFOp) { return m + "fmod(" + arg(0) + ", " + arg(1) + ")"; })
          .Case([&](arith::AndIOp) { return bin("&"); })
          .Case([&](arith::OrIOp) { return bin("|"); })
          .Case([&](arith::XOrIOp) { return bin("^"); })
          // Shifts work on the unsigned view (a left shift of a negative value is undefined
          // in C++17); the callers keep amounts below the width.
          .Case([&](arith::ShLIOp) { return "(" + uarg(0) + " << " + uarg(1) + ")"; })
          .Case([&](arith::ShRUIOp) { return ubin(">>"); })
          .Case([&](arith::ShRSIOp) { return bin(">>"); })
          .Case([&](arith::BitcastOp c) {
            return fromBits(c.getType(), bitsOf(c.getIn().getType(), arg(0)));
          })
          .Case<arith::MaxUIOp, arith::MinUIOp>([&](auto m) {
            bool isMax = isa<arith::MaxUIOp>(m.getOperation());
            return "(" + uarg(0) + (isMax ? " > " : " < ") + uarg(1) + " ? " + arg(0) + " : " +
                   arg(1) + ")";
          })
          .Case([&](arith::NegFOp) { return "(-" + arg(0) + ")"; })
          .Case<arith::MaximumFOp, arith::MinimumFOp>([&](auto m) {
            // NaN-propagating max/min (a NaN operand is the result), written as selects the
            // compiler turns into vector compares and blends; the results are those of
            // (a > b || a != a) ? a : b for max (< for min), zero signs included.
            bool isMax = isa<arith::MaximumFOp>(m.getOperation());
            auto nonNaNConstant = [&](unsigned i) {
              auto c = op.getOperand(i).template getDefiningOp<arith::ConstantOp>();
              auto f = c ? dyn_cast<FloatAttr>(c.getValue()) : FloatAttr();
              return f && !f.getValue().isNaN();
            };
            // Against a constant k that is not NaN, one comparison that fails for a NaN a
            // keeps a: max(a, k) = k >= a ? k : a, max(k, a) = k > a ? k : a.
            if (nonNaNConstant(1))
              return "(" + arg(1) + (isMax ? " >= " : " <= ") + arg(0) + " ? " + arg(1) + " : " +
                     arg(0) + ")";
            if (nonNaNConstant(0))
              return "(" + arg(0) + (isMax ? " > " : " < ") + arg(1) + " ? " + arg(0) + " : " +
                     arg(1) + ")";
            const char *cmp = isMax ? " > " : " < ";
            return "(" + arg(0) + " != " + arg(0) + " ? " + arg(0) + " : (" + arg(0) + cmp +
                   arg(1) + " ? " + arg(0) + " : " + arg(1) + "))";
          })
          .Case<arith::MaxSIOp, arith::MinSIOp>([&](auto m) { // no NaN: no self-comparison
            const char *cmp = isa<arith::MaxSIOp>(m.getOperation()) ? " > " : " < ";
            return "(" + arg(0) + cmp + arg(1) + " ? " + arg(0) + " : " + arg(1) + ")";
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
            case P::UNO:
              return "(" + arg(0) + " != " + arg(0) + " || " + arg(1) + " != " + arg(1) + ")";
            case P::ORD:
              return "(" + arg(0) + " == " + arg(0) + " && " + arg(1) + " == " + arg(1) + ")";
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
            Type to = c.getType();
            // Float8 encoders take the source value itself (a double stays exact).
            if (!float8Name(to).empty() && isa<FloatType>(c.getIn().getType()))
              return roundTo(to, arg(0));
            std::string v =
                "static_cast<" + (float8Name(to).empty() ? ct : "double") + ">(" + arg(0) + ")";
            return roundTo(to, v);
          })
          .Case<arith::UIToFPOp, arith::ExtUIOp>([&](auto c) -> std::optional<std::string> {
            std::string ct = scalarCType(c.getType());
            if (ct.empty())
              return std::nullopt;
            Type to = c.getType();
            return roundTo(to, "static_cast<" + (float8Name(to).empty() ? ct : "double") + ">(" +
                                   uarg(0) + ")");
          })
          .Case([&](arith::FPToUIOp c) -> std::optional<std::string> {
            std::string ct = cTypeOf(c.getType());
            if (ct.empty() || c.getType().isInteger(1))
              return std::nullopt;
            unsigned w = std::max(8u, c.getType().getIntOrFloatBitWidth());
            return "static_cast<" + ct + ">(static_cast<uint" + std::to_string(w) + "_t>(" +
                   arg(0) + "))";
          })
          .Case([&](math::ExpOp) {
            // CPU float: mc_gemm::expf (mc_gemm.h) vectorizes inside loops; std::exp does not.
            return target == Target::Cpu && !isF64 ? "mc_gemm::expf(" + arg(0) + ")" : call("exp");
          })
          .Case([&](math::LogOp) { return call("log"); })
          .Case([&](math::TanhOp) { return call("tanh"); })
          .Case([&](math::SqrtOp) { return call("sqrt"); })
          .Case([&](math::FloorOp) { return call("floor"); })
          .Case([&](math::CeilOp) { return call("ceil"); })
          .Case([&](math::ErfOp) {
            // CPU float: mc_gemm::erff (mc_gemm.h) vectorizes inside loops; std::erf does not.
            return target == Target::Cpu && !isF64 ? "mc_gemm::erff(" + arg(0) + ")" : call("erf");
          })
          .Case([&](math::SinOp) { return call("sin"); })
          .Case([&](math::CosOp) { return call("cos"); })
          .Case([&](math::TanOp) { return call("tan"); })
          .Case([&](math::AcosOp) { return call("acos"); })
          .Case([&](math::AsinOp) { return call("asin"); })
          .Case([&](math::AtanOp) { return call("atan"); })
          .Case([&](math::CoshOp) { return call("cosh"); })
          .Case([&](math::SinhOp) { return call("sinh"); })
          .Case([&](math::AcoshOp) { return call("acosh"); })
          .Case([&](math::AsinhOp) { return call("asinh"); })
          .Case([&](math::AtanhOp) { return call("atanh"); })
          .Case([&](math::TruncOp) { return call("trunc"); })
          .Case([&](math::AbsFOp) { return call("fabs"); })
          .Case([&](math::AbsIOp) {
            return "(" + arg(0) + " < 0 ? -" + arg(0) + " : " + arg(0) + ")";
          })
          .Case([&](math::RoundEvenOp) { return call("nearbyint"); })
          .Case([&](math::PowFOp) { return m + "pow(" + arg(0) + ", " + arg(1) + ")"; })
          .Case([&](math::CopySignOp) { return m + "copysign(" + arg(0) + ", " + arg(1) + ")"; })
          .Default([](Operation *) -> std::optional<std::string> { return std::nullopt; });
  if (!expr)
    return op.emitError("the ") << (target == Target::Cpu ? "C++" : "CUDA")
                                << " emitter does not support scalar op " << op.getName();
  std::string ct = scalarCType(op.getResult(0).getType());
  if (ct.empty())
    return op.emitError("unsupported scalar type ") << op.getResult(0).getType();
  // 4- and 2-bit results wrap to their width (kept sign-extended).
  if (unsigned w = narrowIntWidth(op.getResult(0).getType()))
    expr = "mc_sextn(" + *expr + ", " + std::to_string(w) + ")";
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
  for (BlockArgument a : ew.getBody().getArguments())
    if (a.use_empty())
      k.unusedParams.push_back(a.getArgNumber());
  emitSignature(k, op);
  bool needIndex = llvm::any_of(ew.getInputs(), [&](Value v) {
    return bufType(v).getShape() != outShape && bufType(v).getNumElements() != 1;
  });
  if (needIndex && target == Target::Cpu)
    if (std::optional<int64_t> split = rowSplit(ew.getInputs(), outShape))
      return emitElementwiseRows(op, k, *split);
  openFlatLoop(n);
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

std::optional<int64_t> KernelEmitter::rowSplit(ValueRange inputs, ArrayRef<int64_t> outShape) {
  int64_t rank = outShape.size();
  // The trailing dims [s, rank) of an input, right-aligned to the output: all 1 (the input
  // is constant along a row), or all the output's (it is contiguous along a row).
  auto fits = [&](ArrayRef<int64_t> shape, int64_t s) {
    bool ones = true, full = true;
    for (int64_t d = s; d < rank; ++d) {
      int64_t i = d - (rank - int64_t(shape.size()));
      int64_t dim = i < 0 ? 1 : shape[i];
      ones &= dim == 1;
      full &= dim == outShape[d];
    }
    return ones || full;
  };
  for (int64_t s = 1; s < rank; ++s) {
    if (ShapedType::getNumElements(outShape.drop_front(s)) < 2)
      break; // one-element rows: the flat loop
    if (llvm::all_of(inputs, [&](Value v) { return fits(bufType(v).getShape(), s); }))
      return s;
  }
  return std::nullopt;
}

LogicalResult KernelEmitter::emitElementwiseRows(Operation *op, EmittedKernel &k, int64_t split) {
  auto ew = cast<kernel::ElementwiseOp>(op);
  ArrayRef<int64_t> outShape = bufType(ew.getOut()).getShape();
  int64_t rank = outShape.size(), inner = ShapedType::getNumElements(outShape.drop_front(split));
  // Rows of `inner` contiguous outputs; the flat range [begin, end) may start and end inside
  // a row. The row's outer indices are decomposed once; inside it each input is read at a
  // fixed offset (constant along the row) or at that offset plus j, so the inner loop is a
  // plain vectorizable loop without divisions.
  os << "for (int64_t r = begin / " << inner << "; r * " << inner << " < end; ++r) {\n";
  os.indent();
  os << "const int64_t j0 = begin > r * " << inner << " ? begin - r * " << inner << " : 0;\n";
  os << "const int64_t j1 = end < (r + 1) * " << inner << " ? end - r * " << inner << " : "
     << inner << ";\n";
  emitDecompose("r", outShape.take_front(split), "o");
  SmallVector<std::string> rowOffsets;
  SmallVector<bool> contiguous;
  for (Value v : ew.getInputs()) {
    ArrayRef<int64_t> shape = bufType(v).getShape();
    int64_t lead = rank - int64_t(shape.size());
    // Offset of the row's first element: the outer dims with the input's own strides.
    int64_t stride = 1;
    std::string expr;
    for (int64_t i = shape.size() - 1; i >= 0; --i) {
      int64_t d = i + lead;
      if (d < split && shape[i] != 1)
        expr = (expr.empty() ? "" : expr + " + ") + "o" + std::to_string(d) + " * " +
               std::to_string(stride);
      stride *= shape[i];
    }
    // rowSplit made every input constant or contiguous along a row; rows hold >= 2 elements,
    // so an input with a non-1 trailing dim is the contiguous kind.
    bool full = false;
    for (int64_t d = split; d < rank; ++d)
      full |= d - lead >= 0 && shape[d - lead] != 1;
    std::string name = "b" + std::to_string(rowOffsets.size());
    os << "[[maybe_unused]] const int64_t " << name << " = " << (expr.empty() ? "0" : expr)
       << ";\n";
    rowOffsets.push_back(name);
    contiguous.push_back(full);
  }
  os << "for (int64_t j = j0; j < j1; ++j) {\n";
  os.indent();
  os << "const int64_t idx = r * " << inner << " + j;\n";
  SmallVector<std::string> args;
  for (auto [i, v] : llvm::enumerate(ew.getInputs()))
    args.push_back(loadExpr(bufType(v).getElementType(),
                            paramName(i) + "[" + rowOffsets[i] + (contiguous[i] ? " + j" : "") +
                                "]"));
  auto result = emitScalarBlock(ew.getBody().front(), args);
  if (failed(result))
    return failure();
  os << paramName(k.args.size() - 1)
     << "[idx] = " << storeExpr(bufType(ew.getOut()).getElementType(), *result) << ";\n";
  os.unindent();
  os << "}\n";
  os.unindent();
  os << "}\n";
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
  if (target == Target::Cpu)
    return emitCpuGemm(op, k);
  auto gemm = cast<kernel::GemmOp>(op);
  if (gemm.getBIm2col()) // set by modelc-fuse-im2col, which runs for the CPU only
    return op->emitError("a GEMM with an implicit im2col B has only a CPU form");
  auto at = bufType(gemm.getA()), bt = bufType(gemm.getB()), ot = bufType(gemm.getOut());
  int64_t m = gemm.getM(), n = gemm.getN(), kk = gemm.getK();
  bool ta = gemm.getTransA(), tb = gemm.getTransB();
  ArrayRef<int64_t> outShape = ot.getShape();
  ArrayRef<int64_t> outBatch = outShape.drop_back(2);
  SmallVector<int64_t> as = batchStrides(at, outBatch), bs = batchStrides(bt, outBatch);
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

  llvm_unreachable("the CPU form is emitCpuGemm (CpuGemmEmitter.cpp)");
}

LogicalResult KernelEmitter::emitConv(Operation *op, EmittedKernel &k) {
  if (target == Target::Cpu && cpuDepthwiseApplies(op))
    return emitCpuDepthwiseConv(op, k);
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
  if (target == Target::Cpu)
    return emitCpuIm2Col(op, k);
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
  if (target == Target::Cpu && cpuPoolApplies(op))
    return emitCpuPool(op, k);
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
  // 16-bit floats are stored as bits and pooled in float (sct).
  std::string ct = cTypeOf(xt.getElementType()), sct = scalarCType(xt.getElementType());
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
    os << sct << " acc = " << (isMax ? "-INFINITY" : "0.0f") << ";\n";
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
  os << "const " << sct << " v = " << loadExpr(xt.getElementType(), "x[" + xIdx + "]") << ";\n";
  if (isMax) // NaN propagates; integers have none (and `v != v` would draw a warning)
    os << (isFloat ? "acc = (v > acc || v != v) ? v : acc;\n" : "acc = v > acc ? v : acc;\n");
  else
    os << "acc += v;\n";
  os << "++count;\n";
  for (int64_t d = 0; d < spatial; ++d) {
    os.unindent();
    os << "}\n";
  }
  Type et = xt.getElementType();
  if (isMax)
    os << "p1[idx] = " << storeExpr(et, "acc") << ";\n";
  else if (pool.getCountIncludePad())
    os << "p1[idx] = " << storeExpr(et, "acc / (" + sct + ")padded") << ";\n";
  else
    os << "p1[idx] = " << storeExpr(et, "count ? acc / (" + sct + ")count : 0") << ";\n";
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
  if (target == Target::Cpu)
    return emitCpuConcat(op, k);
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
  // GEMM and conv are written for float32 so far; pooling and data movement handle every type.
  // Epilogue operands are loaded with their own types (the QDQ epilogues of quantized models
  // read uint8/int8 zero points), so only the operands of the contraction itself must be f32.
  SmallVector<Value> floatOnly;
  if (auto gemm = dyn_cast<kernel::GemmOp>(op)) {
    floatOnly = {gemm.getA(), gemm.getB(), gemm.getOut()};
  } else if (auto conv = dyn_cast<kernel::ConvOp>(op)) {
    floatOnly = {conv.getInput(), conv.getWeight(), conv.getOut()};
    if (conv.getBias())
      floatOnly.push_back(conv.getBias());
  } else if (!isa<kernel::ElementwiseOp, kernel::CopyOp, kernel::TransposeOp, kernel::ConcatOp,
                  kernel::GatherOp, kernel::CallOp, kernel::ReduceOp, kernel::PoolOp>(op)) {
    floatOnly.assign(op->getOperands().begin(), op->getOperands().end());
  }
  for (Value v : floatOnly)
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
          .Case([&](kernel::TransposeOp) { return emitTranspose(op, k); })
          .Case([&](kernel::ConcatOp) { return emitConcat(op, k); })
          .Case([&](kernel::GatherOp) { return emitGather(op, k); })
          .Case([&](kernel::CopyOp) { return emitCopy(op, k); })
          .Case([&](kernel::CallOp) { return emitCall(op, k); })
          .Case([&](kernel::ReduceOp) { return emitReduce(op, k); })
          .Default([&](Operation *) { return op->emitError("no emitter for ") << op->getName(); });
  if (failed(result))
    return failure();
  os.unindent();
  os << "}\n\n";
  return k;
}
