//===- Emitter.h - C++ and CUDA bundle emission -----------------*- C++ -*-===//
//
// The emitters read only the kernel dialect (plus scalar arith/math ops in elementwise
// bodies) and write a self-contained source bundle: NAME.h, NAME.cpp or NAME.cu,
// NAME_runner.cpp/.cu, NAME.weights.bin, CMakeLists.txt and runtime_min/.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_CODEGEN_EMITTER_H
#define MODELC_CODEGEN_EMITTER_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace modelc {

struct BundleOptions {
  std::string name = "model"; ///< C identifier: namespace, file and target names.
  std::string target = "cpu"; ///< "cpu" or "cuda".
  std::string outDir;         ///< Bundle directory (created if missing).
  std::vector<std::string> cudaArchs = {"80", "90"};
  /// Wraps every kernel launch in a timer (CPU: steady clock, CUDA: events) and exports
  /// them as NAME_profile_api() for `NAME_runner --profile`. Off: the bundle has no timers.
  bool profile = false;
  /// CPU: -march of the bundle's kernels ("" = compiler default) and the --cpu target's
  /// description, written into CMakeLists.txt.
  std::string march;
  std::string cpuDescription = "the compiler's default target";
  /// Vector width the kernels were tiled for; 512 asks the compiler to vectorize the loops it
  /// generates itself (epilogues, elementwise kernels) with 512-bit vectors too.
  int64_t vectorBits = 0;
};

/// What writeBundle laid out, for the compile report (modelc --report).
struct BundleSummary {
  struct Kernel {
    std::string name;    ///< The kernel function's name in NAME.cpp/.cu.
    mlir::Operation *op; ///< The kernel op it was emitted from.
  };
  struct Weight {
    mlir::Operation *op;   ///< The first kernel.weight holding this constant.
    int64_t offset, bytes; ///< Where it lies in NAME.weights.bin.
  };
  std::vector<Kernel> kernels; ///< In launch order.
  std::vector<Weight> weights; ///< Distinct constants, in file order.
  int64_t weightsBytes = 0;    ///< kWeightsBytes.
  int64_t arenaBytes = 0;      ///< kArenaBytes.
};

/// Writes the bundle for a lowered, memory-planned module. Reports errors through the
/// module's diagnostics and returns failure.
/// Fills `summary` when given.
mlir::LogicalResult writeBundle(mlir::ModuleOp module, const BundleOptions &options,
                                BundleSummary *summary = nullptr);

/// A dimension kept dynamic (modelc --dim NAME=MIN:MAX).
struct DynamicDim {
  std::string name; ///< The ONNX dim_param.
  int64_t min = 1, max = 1;
};

/// What writeDynamicBundle laid out.
struct DynamicBundleSummary {
  int64_t arenaBytes = 0, weightsBytes = 0;
  bool sharedWeights = true;            ///< One copy of the weights serves every chunk.
  std::vector<int64_t> chunkArenaBytes; ///< Per chunk size, in the order given.
  std::vector<int64_t> chunkKernels;    ///< Kernels per chunk size.
};

/// Writes one bundle from the model compiled once per chunk size (`modules[k]` has the
/// dimension pinned to `chunks[k]`; powers of two, largest first, such that taking the largest
/// chunk <= the rest covers every size in [min, max] exactly), each lowered and planned
/// after CheckSeparable tagged its inputs and outputs. run(N, ...) covers N in [min, max]
/// with chunks; one arena serves all; the weights are written once when every chunk's are
/// the same bytes. CPU only.
mlir::LogicalResult writeDynamicBundle(llvm::ArrayRef<mlir::ModuleOp> modules,
                                       llvm::ArrayRef<int64_t> chunks, const DynamicDim &dim,
                                       const BundleOptions &options,
                                       DynamicBundleSummary *summary = nullptr);

/// Makes `name` a valid C identifier (every other character becomes '_').
std::string sanitizeIdentifier(llvm::StringRef name);

} // namespace modelc

#endif // MODELC_CODEGEN_EMITTER_H
