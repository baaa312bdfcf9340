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
  // 0. With --dim: prove that the model is separable along the dynamic dimension.
  if (!options.separableDim.empty()) {
    CheckSeparableOptions check;
    check.dim = options.separableDim;
    pm.addPass(createCheckSeparable(check));
  }
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
  tile.vectorBits = options.cpu.vectorBits;
  tile.registers = options.cpu.registers;
  tile.l2Bytes = options.cpu.l2Bytes;
  tile.l3Bytes = options.cpu.l3Bytes;
  pm.addPass(createTileGemm(tile));
  // 7. CPU: store constant GEMM operands in the micro-kernel's panel layout, and let GEMMs
  //    gather convolution windows from the image instead of an im2col buffer.
  if (optimize && options.target == "cpu") {
    pm.addPass(createPackGemmWeights());
    if (options.implicitIm2col)
      pm.addPass(createFuseIm2col());
  }
  // 8. Place every buffer in one arena.
  pm.addPass(createPlanMemory());
}

namespace {
struct PipelineCLOptions : PassPipelineOptions<PipelineCLOptions> {
  Option<std::string> target{*this, "target", llvm::cl::desc("cpu or cuda"), llvm::cl::init("cpu")};
  Option<int> optLevel{*this, "opt-level", llvm::cl::desc("0 disables optimizations"),
                       llvm::cl::init(2)};
  Option<std::string> cpu{*this, "cpu",
                          llvm::cl::desc("CPU target: native, x86-64-v4, x86-64-v3 or generic"),
                          llvm::cl::init("x86-64-v4")};
  Option<bool> implicitIm2col{
      *this, "implicit-im2col",
      llvm::cl::desc("CPU: GEMMs read conv windows from the image (no im2col buffer)"),
      llvm::cl::init(true)};
  Option<std::string> dim{*this, "dim",
                          llvm::cl::desc("Check separability along this dimension first")};
};
} // namespace

void modelc::registerPipeline() {
  PassPipelineRegistration<PipelineCLOptions>(
      "modelc-pipeline", "The whole modelc pipeline from graph IR to planned kernels",
      [](OpPassManager &pm, const PipelineCLOptions &cl) {
        PipelineOptions options;
        options.target = cl.target;
        options.optLevel = cl.optLevel;
        options.implicitIm2col = cl.implicitIm2col;
        options.separableDim = cl.dim;
        if (std::optional<CpuTarget> cpu = lookupCpuTarget(cl.cpu))
          options.cpu = *cpu;
        else
          llvm::errs() << "modelc-pipeline: unknown cpu '" << cl.cpu << "'; using "
                       << options.cpu.name << "\n";
        buildPipeline(pm, options);
      });
}
