//===- TileGemm.cpp - Choose GEMM tiles from a target description ---------===//
//
// CPU: BLIS-style blocking. The register tile holds mr x nr accumulators in
// mr * (nr / lanes) vector registers: with 32 registers (AVX-512) 8 rows x 3 vectors (24
// accumulators, 3 B vectors, 1 broadcast: 11 loads per 24 FMAs, and mr = 8 divides the channel
// counts that are a conv GEMM's M); with fewer, 2 vectors x (registers - 4) / 2 rows. kc is the
// depth of one pass over C: up to 512, bounded so a kc x nr panel of B stays within 1/8 of L2
// (it is read from L2; longer passes mean fewer read-modify-writes of C, which measured faster
// than L1-sized panels, see docs/Performance.md). mc sizes an mc x kc block of A to half of L2,
// nc a kc x nc block of B to half of L3 (or of L2 when B is packed at run time and M fits one
// A block, so each B block is used only once).
// CUDA: thread-block tile (mc x nc), k step kc, per-thread tile mr x nr.
//
//===----------------------------------------------------------------------===//

#include "passes/KernelUtils.h"
#include "passes/Passes.h"

#include <algorithm>

#define DEBUG_TYPE "modelc-tile-gemm"

namespace modelc {
#define GEN_PASS_DEF_TILEGEMM
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;

namespace {

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }
int64_t roundDown(int64_t v, int64_t m) { return std::max(m, v / m * m); }

struct TileGemmPass : modelc::impl::TileGemmBase<TileGemmPass> {
  using TileGemmBase::TileGemmBase;
  void runOnOperation() override {
    getOperation().walk([&](modelc::kernel::GemmOp gemm) {
      int64_t m = gemm.getM(), n = gemm.getN(), k = gemm.getK();
      SmallVector<int64_t, 5> tile;
      if (target == "cuda") {
        int64_t bm = m >= 128 ? 128 : 64, bn = n >= 128 ? 128 : 64;
        tile = {bm, 16, bn, 8, 8};
      } else {
        int64_t elemBytes = 4;
        int64_t lanes = std::max<int64_t>(1, vectorBits / (8 * elemBytes));
        bool wide = registers >= 32;
        int64_t nr = (wide ? 3 : 2) * lanes;
        int64_t mr = wide ? 8 : std::clamp<int64_t>((registers - 4) / 2, 1, 14);
        int64_t kc = std::clamp<int64_t>(roundDown(l2Bytes / 8 / (nr * elemBytes), 8), 8, 512);
        kc = std::min(kc, roundUp(k, 8));
        int64_t mc = std::min(roundDown(l2Bytes / 2 / (kc * elemBytes), mr), roundUp(m, mr));
        int64_t nc = roundDown(l3Bytes / 2 / (kc * elemBytes), nr);
        // A B block packed at run time that only one A block uses (M <= mc) is read once:
        // sized to half of L2 it stays there while the micro-kernels stream over it.
        bool bIsWeight =
            modelc::getRootBuffer(gemm.getB()).getDefiningOp<modelc::kernel::WeightOp>();
        if (!bIsWeight && m <= mc)
          nc = roundDown(l2Bytes / 2 / (kc * elemBytes), nr);
        tile = {mc, kc, std::min(nc, roundUp(n, nr)), mr, nr};
      }
      gemm.setTileAttr(DenseI64ArrayAttr::get(gemm.getContext(), tile));
    });
  }
};

} // namespace
