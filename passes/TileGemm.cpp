//===- TileGemm.cpp - Choose GEMM tiles from a target description ---------===//
//
// CPU: BLIS-style blocking. The register tile holds mr x nr accumulators in
// mr * (nr / lanes) vector registers; kc sizes a kc x nr panel of B to half of L1, mc an
// mc x kc block of A to half of L2, nc a kc x nc block of B to half of L3.
// CUDA: thread-block tile (mc x nc), k step kc, per-thread tile mr x nr.
//
//===----------------------------------------------------------------------===//

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
        int64_t nr = 2 * lanes;
        int64_t mr = std::clamp<int64_t>((registers - 4) / 2, 1, 14);
        int64_t kc = std::clamp<int64_t>(roundDown(l1Bytes / 2 / (nr * elemBytes), 8), 8, 512);
        int64_t mc = roundDown(l2Bytes / 2 / (kc * elemBytes), mr);
        int64_t nc = roundDown(l3Bytes / 2 / (kc * elemBytes), nr);
        tile = {std::min(mc, roundUp(m, mr)), std::min(kc, roundUp(k, 8)),
                std::min(nc, roundUp(n, nr)), mr, nr};
      }
      gemm.setTileAttr(DenseI64ArrayAttr::get(gemm.getContext(), tile));
    });
  }
};

} // namespace
