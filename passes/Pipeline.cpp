//===- Pipeline.cpp - The modelc pass pipeline ----------------------------===//
//
// The one definition of what modelc runs between import and emission. modelc builds it
// from its flags; modelc-opt exposes it as `--modelc-pipeline`.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void modelc::buildPipeline(OpPassManager &pm, const PipelineOptions &options) {
  bool optimize = options.optLevel > 0;
  // 1. Graph level: fold constant subgraphs (shape arithmetic, weight transforms) and drop
  //    dead nodes. Shapes are already inferred by the importer.
  pm.addPass(createFoldConstants());
  // 2. Graph level: fold BatchNormalization into the preceding Conv's weights.
  if (optimize) {
    pm.addPass(createFoldBatchNorm());
    pm.addPass(createFoldConstants());
  }
  if (options.stopAfterGraph)
    return;
  // 3. Lower tensors to buffers and graph ops to kernels.
  pm.addPass(createLowerToKernel());
  if (optimize) {
    // 4. Fuse bias/activation/residual chains into the kernels that produce them.
    pm.addPass(createFuseElementwise());
    // 5. Rewrite convolutions as im2col + GEMM where the cost rule says so.
    pm.addPass(createConvertConvToGemm());
  }
  // 6. Pick GEMM tiles for the target.
  TileGemmOptions tile;
  tile.target = options.target;
  tile.vectorBits = options.vectorBits;
  pm.addPass(createTileGemm(tile));
  // 7. Place every buffer in one arena.
  pm.addPass(createPlanMemory());
}

namespace {
struct PipelineCLOptions : PassPipelineOptions<PipelineCLOptions> {
  Option<std::string> target{*this, "target", llvm::cl::desc("cpu or cuda"), llvm::cl::init("cpu")};
  Option<int> optLevel{*this, "opt-level", llvm::cl::desc("0 disables optimizations"),
                       llvm::cl::init(2)};
  Option<int64_t> vectorBits{*this, "vector-bits", llvm::cl::desc("CPU SIMD width"),
                             llvm::cl::init(512)};
};
} // namespace

void modelc::registerPipeline() {
  PassPipelineRegistration<PipelineCLOptions>(
      "modelc-pipeline", "The whole modelc pipeline from graph IR to planned kernels",
      [](OpPassManager &pm, const PipelineCLOptions &cl) {
        PipelineOptions options;
        options.target = cl.target;
        options.optLevel = cl.optLevel;
        options.vectorBits = cl.vectorBits;
        buildPipeline(pm, options);
      });
}
