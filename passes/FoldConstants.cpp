//===- FoldConstants.cpp - Fold constant subgraphs, drop dead nodes -------===//
//
// Runs the graph ops' folders to a fixed point (each folder evaluates on the host when its
// operands are constants) and erases unused side-effect-free ops. No rewrite patterns:
// cost-changing rewrites belong to their own passes.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "modelc-fold-constants"

namespace modelc {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;

namespace {
struct FoldConstantsPass : modelc::impl::FoldConstantsBase<FoldConstantsPass> {
  void runOnOperation() override {
    RewritePatternSet none(&getContext());
    GreedyRewriteConfig config;
    config.enableRegionSimplification = GreedySimplifyRegionLevel::Disabled;
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(none), config)))
      signalPassFailure();
  }
};
} // namespace
