//===- CpuPoolConcatEmitter.cpp - CPU pooling and concatenation kernels ---===//
//
// The CPU forms of 2-d float32 kernel.pool (mc_gemm::pool2d: row loops with a bounds-free
// interior, vector reductions for global pooling) and of kernel.concat (one memcpy per input
// and outer index instead of a per-element index computation). Other shapes and types use
// KernelEmitter's flat-index kernels.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelEmitter.h"
#include "dialects/Kernel/KernelOps.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace modelc;

namespace {
MemRefType bufType(Value v) { return cast<MemRefType>(v.getType()); }
} // namespace

bool modelc::cpuPoolApplies(Operation *op) {
  auto pool = dyn_cast<kernel::PoolOp>(op);
  return pool && bufType(pool.getInput()).getRank() == 4 &&
         bufType(pool.getInput()).getElementType().isF32();
}

LogicalResult KernelEmitter::emitCpuPool(Operation *op, EmittedKernel &k) {
  auto pool = cast<kernel::PoolOp>(op);
  auto xt = bufType(pool.getInput()), ot = bufType(pool.getOut());
  ArrayRef<int64_t> ks = pool.getKernelShape(), s = pool.getStrides(), p = pool.getPads(),
                    d = pool.getDilations();
  k.args = {pool.getInput(), pool.getOut()};
  k.iterations = 1;
  k.costPerIteration = ot.getNumElements() * ks[0] * ks[1];
  k.partitioned = true;
  k.scratchFloats = "0";
  std::string cfg = k.name + "_cfg";
  std::string preamble;
  llvm::raw_string_ostream ps(preamble);
  ps << "struct " << cfg << " {\n"
     << "  static constexpr int64_t kN = " << xt.getDimSize(0) << ", kC = " << xt.getDimSize(1)
     << ", kH = " << xt.getDimSize(2) << ", kW = " << xt.getDimSize(3)
     << ", kOH = " << ot.getDimSize(2) << ", kOW = " << ot.getDimSize(3) << ";\n"
     << "  static constexpr int64_t kKH = " << ks[0] << ", kKW = " << ks[1] << ", kSH = " << s[0]
     << ", kSW = " << s[1] << ", kDH = " << d[0] << ", kDW = " << d[1] << ";\n"
     << "  static constexpr int64_t kPT = " << p[0] << ", kPL = " << p[1] << ", kPB = " << p[2]
     << ", kPR = " << p[3] << ";\n"
     << "  static constexpr bool kMax = " << (pool.getKind() == "max" ? "true" : "false")
     << ", kCountIncludePad = " << (pool.getCountIncludePad() ? "true" : "false") << ";\n"
     << "};\n";
  emitSignature(k, op, preamble);
  os << "for (int64_t part = begin; part < end; ++part)\n  mc_gemm::pool2d<" << cfg
     << ">(p0, p1, part, args->parts);\n";
  return success();
}

LogicalResult KernelEmitter::emitCpuConcat(Operation *op, EmittedKernel &k) {
  auto cc = cast<kernel::ConcatOp>(op);
  auto ot = bufType(cc.getOut());
  int64_t axis = cc.getAxis(), inner = 1, outer = 1;
  for (int64_t d = axis + 1; d < ot.getRank(); ++d)
    inner *= ot.getDimSize(d);
  for (int64_t d = 0; d < axis; ++d)
    outer *= ot.getDimSize(d);
  k.args.assign(cc.getInputs().begin(), cc.getInputs().end());
  k.args.push_back(cc.getOut());
  // One iteration per outer index; it copies each input's contiguous block.
  k.iterations = outer;
  k.costPerIteration = ot.getDimSize(axis) * inner;
  // An empty input (size 0 along the axis) is never read.
  for (auto [i, v] : llvm::enumerate(cc.getInputs()))
    if (bufType(v).getDimSize(axis) == 0)
      k.unusedParams.push_back(i);
  emitSignature(k, op);
  std::string out = paramName(k.args.size() - 1);
  std::string ct = cTypeOf(ot.getElementType());
  int64_t total = ot.getDimSize(axis), start = 0;
  os << "for (int64_t o = begin; o < end; ++o) {\n";
  os.indent();
  for (auto [i, v] : llvm::enumerate(cc.getInputs())) {
    int64_t len = bufType(v).getDimSize(axis);
    if (len == 0)
      continue;
    os << "memcpy(" << out << " + (o * " << total << " + " << start << ") * " << inner << ", "
       << paramName(i) << " + o * " << len * inner << ", " << len * inner << " * sizeof(" << ct
       << "));\n";
    start += len;
  }
  os.unindent();
  os << "}\n";
  return success();
}
