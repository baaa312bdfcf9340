//===- Passes.h - modelc passes ---------------------------------*- C++ -*-===//
//
// Declares every modelc pass (generated from Passes.td) and the pipeline builder.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_PASSES_PASSES_H
#define MODELC_PASSES_PASSES_H

#include "dialects/Graph/GraphOps.h"
#include "dialects/Kernel/KernelOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "passes/CpuTarget.h"

#include <string>

namespace modelc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Options of the whole pipeline; the same struct backs modelc's flags and
/// `modelc-opt --modelc-pipeline="..."`.
struct PipelineOptions {
  std::string target = "cpu"; ///< "cpu" or "cuda".
  int optLevel = 2;           ///< 0 disables the optimization passes.
  /// The CPU the generated code is tuned for (tiling, weight packing); x86-64-v4 unless the
  /// driver's --cpu says otherwise.
  CpuTarget cpu = *lookupCpuTarget("x86-64-v4");
  bool stopAfterGraph = false; ///< Stop before lowering (modelc --emit=graph).
  /// CPU: GEMMs gather convolution windows from the image (modelc-fuse-im2col) instead of
  /// reading an im2col buffer (modelc --no-implicit-im2col turns it off).
  bool implicitIm2col = true;
  /// --dim NAME: check first that the model is separable along NAME (CheckSeparable).
  std::string separableDim;
};

/// Builds modelc's pipeline: graph folding, lowering, kernel-level optimization, memory
/// planning. The emitters run after it on the resulting module.
void buildPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

/// Registers `modelc-pipeline` with modelc-opt.
void registerPipeline();

} // namespace modelc

#endif // MODELC_PASSES_PASSES_H
