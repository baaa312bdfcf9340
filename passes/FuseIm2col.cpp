//===- FuseIm2col.cpp - GEMMs that read convolution windows directly ------===//
//
// ConvertConvToGemm writes a convolution as im2col + GEMM. On the CPU the GEMM packs B into
// panels anyway, so the packing can read the windows from the image itself
// (mc_gemm::packBIm2col): this pass drops the kernel.im2col and hands its input to the GEMM,
// recording the unfolding in `b_im2col`. The column buffer disappears from the memory plan.
//
//===----------------------------------------------------------------------===//

#include "passes/KernelUtils.h"
#include "passes/Passes.h"

#define DEBUG_TYPE "modelc-fuse-im2col"

namespace modelc {
#define GEN_PASS_DEF_FUSEIM2COL
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

namespace {

/// The GEMM reading `cols` as its B operand, when that is the only other use of `cols`.
kernel::GemmOp soleGemmReader(Value cols, Operation *writer) {
  kernel::GemmOp gemm;
  for (OpOperand &use : cols.getUses()) {
    if (use.getOwner() == writer)
      continue;
    auto g = dyn_cast<kernel::GemmOp>(use.getOwner());
    if (!g || gemm || use.getOperandNumber() != 1)
      return {};
    gemm = g;
  }
  return gemm;
}

/// Whether a kernel between `im` and `gemm` (same block, `im` first) writes the image: the
/// GEMM reads the image later than the im2col did, so it must still hold the same values.
bool imageWrittenBetween(kernel::Im2ColOp im, kernel::GemmOp gemm) {
  Value image = getRootBuffer(im.getInput());
  for (Operation *op = im->getNextNode(); op && op != gemm.getOperation(); op = op->getNextNode())
    if (Value written = getWrittenBuffer(op); written && getRootBuffer(written) == image)
      return true;
  return false;
}

struct FuseIm2colPass : modelc::impl::FuseIm2colBase<FuseIm2colPass> {
  using FuseIm2colBase::FuseIm2colBase;
  void runOnOperation() override {
    SmallVector<kernel::Im2ColOp> ops;
    getOperation().walk([&](kernel::Im2ColOp op) { ops.push_back(op); });
    for (kernel::Im2ColOp im : ops) {
      Value cols = im.getOut();
      auto alloc = cols.getDefiningOp<kernel::AllocOp>();
      kernel::GemmOp gemm = soleGemmReader(cols, im);
      if (!alloc || !gemm || gemm.getTransB() || gemm.getPackedB() || gemm.getBIm2col() ||
          gemm->getBlock() != im->getBlock() || !im->isBeforeInBlock(gemm) ||
          imageWrittenBetween(im, gemm))
        continue;
      auto colType = cast<MemRefType>(cols.getType());
      ArrayRef<int64_t> k = im.getKernelShape(), s = im.getStrides(), p = im.getPads(),
                        d = im.getDilations();
      OpBuilder b(gemm);
      gemm.setBIm2colAttr(b.getDenseI64ArrayAttr(
          {colType.getDimSize(1), k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1]}));
      gemm->setOperand(1, im.getInput());
      im.erase();
      if (alloc->use_empty())
        alloc.erase();
    }
  }
};

} // namespace
