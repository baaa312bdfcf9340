//===- CpuGemmEmitter.cpp - CPU GEMM, depthwise conv and im2col kernels ---===//
//
// The CPU forms of kernel.gemm, depthwise kernel.conv and kernel.im2col instantiate the
// templates of runtime_min/mc_gemm.h. Each kernel gets a configuration struct of literals
// (sizes, strides, tile, batch offsets) at namespace scope and, when it has an epilogue, a
// functor that applies the fused scalar body to a run of finished outputs. The kernel function
// runs the parts [begin, end) of the work that mc_parallel_for hands it; BundleWriter calls it
// with one part per thread and per-part scratch memory (EmittedKernel::partitioned).
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelEmitter.h"
#include "dialects/Kernel/KernelOps.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlir;
using namespace modelc;

namespace {

MemRefType bufType(Value v) { return cast<MemRefType>(v.getType()); }

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// C++ expression of the element offset of batch entry `bi` (a flat index over `outBatch`) in
/// an operand whose batch dimensions are `batch` (broadcast numpy style) and whose matrices
/// hold `matrix` elements.
std::string batchOffsetExpr(ArrayRef<int64_t> batch, ArrayRef<int64_t> outBatch, int64_t matrix) {
  std::string expr;
  int64_t stride = matrix, lead = outBatch.size() - batch.size(), outStride = 1;
  SmallVector<int64_t> outStrides(outBatch.size());
  for (int64_t d = outBatch.size() - 1; d >= 0; --d) {
    outStrides[d] = outStride;
    outStride *= outBatch[d];
  }
  for (int64_t d = batch.size() - 1; d >= 0; --d) {
    if (batch[d] != 1) {
      int64_t od = d + lead;
      std::string index =
          "(bi / " + std::to_string(outStrides[od]) + ") % " + std::to_string(outBatch[od]);
      expr = (expr.empty() ? "" : expr + " + ") + "(" + index + ") * " + std::to_string(stride);
    }
    stride *= batch[d];
  }
  return expr.empty() ? "0" : expr;
}

std::string boolStr(bool b) { return b ? "true" : "false"; }

} // namespace

bool modelc::cpuDepthwiseApplies(Operation *op) {
  auto conv = dyn_cast<kernel::ConvOp>(op);
  if (!conv)
    return false;
  auto xt = bufType(conv.getInput()), wt = bufType(conv.getWeight());
  return xt.getRank() == 4 && conv.getGroup() > 1 && xt.getDimSize(1) == conv.getGroup() &&
         wt.getDimSize(1) == 1;
}

LogicalResult KernelEmitter::emitEpilogueFunctor(Region &region, ValueRange inputs,
                                                 unsigned firstParam, ArrayRef<int64_t> outShape,
                                                 StringRef decomposeOuter) {
  os << "struct Epilogue {\n";
  os.indent();
  for (auto [i, v] : llvm::enumerate(inputs))
    os << "const " << cTypeOf(bufType(v).getElementType()) << " *" << paramName(firstParam + i)
       << ";\n";
  os << "MC_GEMM_INLINE void operator()([[maybe_unused]] int64_t outer, [[maybe_unused]] int64_t "
        "row, int64_t col0, float *c, int64_t count) const {\n";
  os.indent();
  os << decomposeOuter;
  int64_t rank = outShape.size();
  os << "[[maybe_unused]] const int64_t o" << rank - 2 << " = row;\n";
  os << "for (int64_t jj = 0; jj < count; ++jj) {\n";
  os.indent();
  os << "[[maybe_unused]] const int64_t o" << rank - 1 << " = col0 + jj;\n";
  auto v = emitEpilogue(region, inputs, firstParam, outShape, "c[jj]");
  if (failed(v))
    return failure();
  os << "c[jj] = " << *v << ";\n";
  os.unindent();
  os << "}\n";
  os.unindent();
  os << "}\n";
  os.unindent();
  os << "};\n";
  return success();
}

/// Prints the per-part loop calling `call` (a statement using `part`) and sets the kernel's
/// partitioning fields.
static void emitPartLoop(raw_indented_ostream &os, StringRef call) {
  os << "for (int64_t part = begin; part < end; ++part)\n  " << call << ";\n";
}

LogicalResult KernelEmitter::emitCpuGemm(Operation *op, EmittedKernel &k) {
  auto gemm = cast<kernel::GemmOp>(op);
  auto ot = bufType(gemm.getOut());
  int64_t m = gemm.getM(), n = gemm.getN(), kk = gemm.getK();
  ArrayRef<int64_t> outShape = ot.getShape(), outBatch = outShape.drop_back(2);
  int64_t batches = product(outBatch);
  // The tile comes from modelc-tile-gemm; IR that skipped it gets a register tile any
  // variant handles (mc_gemm.h is correct for every tile shape).
  SmallVector<int64_t, 5> tile = {96, 256, 1024, 6, 16};
  if (std::optional<ArrayRef<int64_t>> t = gemm.getTile())
    tile.assign(t->begin(), t->end());
  int64_t mr = tile[3], nr = tile[4];
  int64_t mc = std::max(mr, tile[0] / mr * mr), kc = std::max<int64_t>(1, tile[1]);
  int64_t nc = std::max(nr, tile[2] / nr * nr);
  auto matrixSize = [&](Value v, bool packed, int64_t width, int64_t size) {
    return packed ? (size + width - 1) / width * width * kk
                  : bufType(v).getDimSize(bufType(v).getRank() - 1) *
                        bufType(v).getDimSize(bufType(v).getRank() - 2);
  };
  int64_t aMatrix = matrixSize(gemm.getA(), gemm.getPackedA(), mr, m);
  int64_t bMatrix = matrixSize(gemm.getB(), gemm.getPackedB(), nr, n);
  std::optional<ArrayRef<int64_t>> im2col = gemm.getBIm2col();
  if (im2col) // B is one image group per batch entry: C/groups x H x W
    bMatrix = product(bufType(gemm.getB()).getShape().drop_front(1)) / (*im2col)[0];

  k.args = {gemm.getA(), gemm.getB(), gemm.getOut()};
  llvm::append_range(k.args, gemm.getEpilogueInputs());
  k.iterations = 1;
  k.costPerIteration = batches * m * n * kk;
  k.partitioned = true;
  std::string cfg = k.name + "_cfg";
  k.scratchFloats = "mc_gemm::gemmScratchFloats<" + cfg + ">()";

  std::string preamble;
  llvm::raw_string_ostream ps(preamble);
  ps << "struct " << cfg << " {\n"
     << "  static constexpr int64_t kBatch = " << batches << ", kM = " << m << ", kN = " << n
     << ", kK = " << kk << ";\n"
     << "  static constexpr bool kTransA = " << boolStr(gemm.getTransA())
     << ", kTransB = " << boolStr(gemm.getTransB()) << ", kPackedA = " << boolStr(gemm.getPackedA())
     << ", kPackedB = " << boolStr(gemm.getPackedB()) << ";\n"
     << "  static constexpr float kAlpha = "
     << llvm::formatv("{0:e9}f", gemm.getAlpha().convertToFloat()).str() << ";\n"
     << "  static constexpr int64_t kMC = " << mc << ", kKC = " << kc << ", kNC = " << nc
     << ", kMR = " << mr << ", kNR = " << nr << ";\n"
     << "  static int64_t aOffset([[maybe_unused]] int64_t bi) { return "
     << batchOffsetExpr(gemm.getBatchShapeA(), outBatch, aMatrix) << "; }\n"
     << "  static int64_t bOffset([[maybe_unused]] int64_t bi) { return "
     << batchOffsetExpr(gemm.getBatchShapeB(), outBatch, bMatrix) << "; }\n";
  if (im2col) {
    // B is packed straight from the image (mc_gemm::packBIm2col).
    auto xt = bufType(gemm.getB());
    ArrayRef<int64_t> q = *im2col;
    int64_t ow = (xt.getDimSize(3) + q[6] + q[8] - ((q[2] - 1) * q[10] + 1)) / q[4] + 1;
    ps << "  static constexpr bool kIm2col = true;\n"
       << "  static constexpr int64_t kH = " << xt.getDimSize(2) << ", kW = " << xt.getDimSize(3)
       << ", kOW = " << ow << ";\n"
       << "  static constexpr int64_t kKH = " << q[1] << ", kKW = " << q[2] << ", kSH = " << q[3]
       << ", kSW = " << q[4] << ", kPT = " << q[5] << ", kPL = " << q[6] << ", kDH = " << q[9]
       << ", kDW = " << q[10] << ";\n";
  }
  ps << "};\n";
  emitSignature(k, op, preamble);

  std::string epilogue = "mc_gemm::NoEpilogue{}";
  if (!gemm.getEpilogue().empty()) {
    std::string decompose;
    {
      // o0.. of the output's batch dimensions from the batch entry `outer`.
      int64_t stride = 1;
      SmallVector<int64_t> strides(outBatch.size());
      for (int64_t d = outBatch.size() - 1; d >= 0; --d) {
        strides[d] = stride;
        stride *= outBatch[d];
      }
      for (auto [d, dim] : llvm::enumerate(outBatch))
        decompose += "[[maybe_unused]] const int64_t o" + std::to_string(d) + " = (outer / " +
                     std::to_string(strides[d]) + ") % " + std::to_string(dim) + ";\n";
    }
    if (failed(emitEpilogueFunctor(gemm.getEpilogue(), gemm.getEpilogueInputs(), 3, outShape,
                                   decompose)))
      return failure();
    epilogue = "Epilogue{";
    for (unsigned i = 0; i < gemm.getEpilogueInputs().size(); ++i)
      epilogue += (i ? ", " : "") + paramName(3 + i);
    epilogue += "}";
  }
  emitPartLoop(os, "mc_gemm::gemm<" + cfg + ">(p0, p1, p2, part, args->parts, " + epilogue + ")");
  return success();
}

/// Whether a depthwise convolution's epilogue can run over a whole output plane at once
/// (mc_gemm::DepthwisePlaneEpilogue): called as ep(plane, 0, 0, out, OH * OW), it sees o2 = 0
/// and o3 = the flat offset in the plane, which indexes an input right when the input either
/// repeats over both spatial dimensions (no o2, o3 term) or spans both with OW > 1 (the term
/// o2 * OW + o3); an input of width 1 drops o3 from its offset, so it needs the row calls.
static bool planeEpilogue(kernel::ConvOp conv) {
  ArrayRef<int64_t> out = cast<MemRefType>(conv.getOut().getType()).getShape();
  return llvm::all_of(conv.getEpilogueInputs(), [&](Value v) {
    ArrayRef<int64_t> s = cast<MemRefType>(v.getType()).getShape();
    int64_t h = s.size() >= 2 ? s[s.size() - 2] : 1, w = s.empty() ? 1 : s.back();
    return (h == 1 && w == 1) || (h == out[2] && w == out[3] && w != 1);
  });
}

LogicalResult KernelEmitter::emitCpuDepthwiseConv(Operation *op, EmittedKernel &k) {
  auto conv = cast<kernel::ConvOp>(op);
  auto xt = bufType(conv.getInput()), wt = bufType(conv.getWeight()), ot = bufType(conv.getOut());
  k.args = {conv.getInput(), conv.getWeight()};
  if (conv.getBias())
    k.args.push_back(conv.getBias());
  k.args.push_back(conv.getOut());
  unsigned outParam = k.args.size() - 1;
  llvm::append_range(k.args, conv.getEpilogueInputs());
  int64_t cout = ot.getDimSize(1);
  k.iterations = 1;
  k.costPerIteration = ot.getNumElements() * wt.getDimSize(2) * wt.getDimSize(3);
  k.partitioned = true;
  std::string cfg = k.name + "_cfg";
  k.scratchFloats = "mc_gemm::depthwiseScratchFloats<" + cfg + ">()";
  ArrayRef<int64_t> s = conv.getStrides(), p = conv.getPads(), d = conv.getDilations();
  std::string preamble;
  llvm::raw_string_ostream ps(preamble);
  ps << "struct " << cfg << " {\n"
     << "  static constexpr int64_t kN = " << xt.getDimSize(0) << ", kC = " << xt.getDimSize(1)
     << ", kMult = " << cout / xt.getDimSize(1) << ";\n"
     << "  static constexpr int64_t kH = " << xt.getDimSize(2) << ", kW = " << xt.getDimSize(3)
     << ", kOH = " << ot.getDimSize(2) << ", kOW = " << ot.getDimSize(3) << ";\n"
     << "  static constexpr int64_t kKH = " << wt.getDimSize(2) << ", kKW = " << wt.getDimSize(3)
     << ", kSH = " << s[0] << ", kSW = " << s[1] << ", kDH = " << d[0] << ", kDW = " << d[1]
     << ", kPT = " << p[0] << ", kPL = " << p[1] << ";\n"
     << "  static constexpr bool kHasBias = " << boolStr(conv.getBias() != nullptr) << ";\n"
     << "  static constexpr bool kPlaneEpilogue = " << boolStr(planeEpilogue(conv)) << ";\n"
     << "  static constexpr bool kRunEpilogue = "
     << boolStr(conv.getEpilogueInputs().empty()) << ";\n"
     << "};\n";
  emitSignature(k, op, preamble);
  std::string epilogue = "mc_gemm::NoEpilogue{}";
  if (!conv.getEpilogue().empty()) {
    std::string decompose = "[[maybe_unused]] const int64_t o0 = outer / " + std::to_string(cout) +
                            ";\n[[maybe_unused]] const int64_t o1 = outer % " +
                            std::to_string(cout) + ";\n";
    if (failed(emitEpilogueFunctor(conv.getEpilogue(), conv.getEpilogueInputs(), outParam + 1,
                                   ot.getShape(), decompose)))
      return failure();
    epilogue = "Epilogue{";
    for (unsigned i = 0; i < conv.getEpilogueInputs().size(); ++i)
      epilogue += (i ? ", " : "") + paramName(outParam + 1 + i);
    epilogue += "}";
  }
  std::string bias = conv.getBias() ? "p2" : "nullptr";
  emitPartLoop(os, "mc_gemm::depthwise<" + cfg + ">(p0, p1, " + bias + ", " + paramName(outParam) +
                       ", part, args->parts, " + epilogue + ")");
  return success();
}

LogicalResult KernelEmitter::emitCpuIm2Col(Operation *op, EmittedKernel &k) {
  auto im = cast<kernel::Im2ColOp>(op);
  auto xt = bufType(im.getInput()), ot = bufType(im.getOut());
  int64_t kh = im.getKernelShape()[0], kw = im.getKernelShape()[1];
  ArrayRef<int64_t> s = im.getStrides(), p = im.getPads(), d = im.getDilations();
  int64_t oh = (xt.getDimSize(2) + p[0] + p[2] - ((kh - 1) * d[0] + 1)) / s[0] + 1;
  int64_t ow = (xt.getDimSize(3) + p[1] + p[3] - ((kw - 1) * d[1] + 1)) / s[1] + 1;
  k.args = {im.getInput(), im.getOut()};
  k.iterations = 1;
  k.costPerIteration = ot.getNumElements();
  k.partitioned = true;
  k.scratchFloats = "0";
  std::string cfg = k.name + "_cfg";
  std::string preamble;
  llvm::raw_string_ostream ps(preamble);
  ps << "struct " << cfg << " {\n"
     << "  static constexpr int64_t kN = " << xt.getDimSize(0) << ", kC = " << xt.getDimSize(1)
     << ", kH = " << xt.getDimSize(2) << ", kW = " << xt.getDimSize(3) << ", kOH = " << oh
     << ", kOW = " << ow << ";\n"
     << "  static constexpr int64_t kKH = " << kh << ", kKW = " << kw << ", kSH = " << s[0]
     << ", kSW = " << s[1] << ", kDH = " << d[0] << ", kDW = " << d[1] << ", kPT = " << p[0]
     << ", kPL = " << p[1] << ";\n"
     << "};\n";
  emitSignature(k, op, preamble);
  emitPartLoop(os, "mc_gemm::im2col<" + cfg + ">(p0, p1, part, args->parts)");
  return success();
}
