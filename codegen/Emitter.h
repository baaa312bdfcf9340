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
};

/// Writes the bundle for a lowered, memory-planned module. Reports errors through the
/// module's diagnostics and returns failure.
mlir::LogicalResult writeBundle(mlir::ModuleOp module, const BundleOptions &options);

/// Makes `name` a valid C identifier (every other character becomes '_').
std::string sanitizeIdentifier(llvm::StringRef name);

} // namespace modelc

#endif // MODELC_CODEGEN_EMITTER_H
