//===- CallEmitter.cpp - Emission of kernel.call (library kernels) --------===//
//
// A `kernel.call` becomes a task loop around one call of a runtime_min library kernel
// (runtime_min/mc_kernels.h): element tags and integer parameters as template arguments,
// then the buffers, the floating-point parameters and the task index. The CPU loop runs a
// [begin, end) range of tasks on the thread pool; CUDA runs one task per thread in a
// grid-stride loop. A kernel returning false marks the run as failed.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelEmitter.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Kernel/KernelOps.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace modelc;

std::string modelc::elementTag(Type t) {
  if (t.isF16())
    return "mc::f16";
  if (t.isBF16())
    return "mc::bf16";
  if (isa<Float8E4M3FNType>(t))
    return "mc::f8e4m3fn";
  if (isa<Float8E4M3FNUZType>(t))
    return "mc::f8e4m3fnuz";
  if (isa<Float8E5M2Type>(t))
    return "mc::f8e5m2";
  if (isa<Float8E5M2FNUZType>(t))
    return "mc::f8e5m2fnuz";
  if (isa<graph::Float4E2M1FNType>(t))
    return "mc::f4e2m1";
  if (isa<graph::Float8E8M0FNUType>(t))
    return "mc::f8e8m0";
  if (auto it = dyn_cast<IntegerType>(t); it && it.getWidth() > 1 && it.getWidth() < 8)
    return std::string(it.isUnsigned() ? "mc::u" : "mc::i") + std::to_string(it.getWidth());
  return cTypeOf(t);
}

/// A double literal that reads back exactly (17 significant digits), or a macro for
/// non-finite values.
static std::string doubleLiteral(double v) {
  if (std::isnan(v))
    return "(double)NAN";
  if (std::isinf(v))
    return v < 0 ? "-(double)INFINITY" : "(double)INFINITY";
  return llvm::formatv("{0:e16}", v).str();
}

LogicalResult KernelEmitter::emitCall(Operation *op, EmittedKernel &k) {
  auto call = cast<kernel::CallOp>(op);
  k.args.assign(call.getInputs().begin(), call.getInputs().end());
  llvm::append_range(k.args, call.getOuts());
  k.iterations = call.getTasks();
  k.costPerIteration = std::max<int64_t>(1, call.getCost());
  k.canFail = true;
  std::string templateArgs;
  for (Value v : k.args) {
    std::string tag = elementTag(cast<MemRefType>(v.getType()).getElementType());
    if (tag.empty())
      return op->emitError("element type ") << cast<MemRefType>(v.getType()).getElementType()
                                            << " is not supported by the kernel library";
    templateArgs += (templateArgs.empty() ? "" : ", ") + tag;
  }
  // INT64_MIN has no literal form; every other value is written as a long long literal.
  for (int64_t p : call.getParams())
    templateArgs +=
        ", " + (p == INT64_MIN ? std::string("INT64_MIN") : "(int64_t)" + std::to_string(p) + "LL");
  std::string callArgs;
  for (unsigned i = 0; i < k.args.size(); ++i)
    callArgs += "p" + std::to_string(i) + ", ";
  for (double f : call.getFparams())
    callArgs += doubleLiteral(f) + ", ";
  emitSignature(k, op);
  openFlatLoop(k.iterations);
  os << "if (!" << call.getCallee() << "<" << templateArgs << ">(" << callArgs << "idx)) {\n";
  if (target == Target::Cuda)
    os << "  *status = 1;\n";
  else
    os << "  args->failed = true;\n  return;\n";
  os << "}\n";
  closeFlatLoop();
  return success();
}
