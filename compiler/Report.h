//===- Report.h - The compile report (modelc --report, -v) ------*- C++ -*-===//
//
// What modelc did to a model, as JSON (docs/Report.md has the schema) and as a human summary:
// per-kernel and per-node work estimates, fusion groups, GEMM tiles, the memory plan, the
// weights file and the wall time of every pass, recorded by a PassInstrumentation.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_COMPILER_REPORT_H
#define MODELC_COMPILER_REPORT_H

#include "codegen/Emitter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassInstrumentation.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace modelc {

/// Records the wall time of every pass run by a pass manager and, when `progress` is set,
/// prints a line per top-level pass on stderr as it starts.
class PassTimeRecorder : public mlir::PassInstrumentation {
public:
  struct Entry {
    std::string name;     ///< The pass's class name ("FoldConstants").
    std::string argument; ///< Its flag ("modelc-fold-constants").
    double seconds = 0;
  };
  PassTimeRecorder(bool progress, int totalPasses) : progress(progress), totalPasses(totalPasses) {}

  void runBeforePass(mlir::Pass *pass, mlir::Operation *op) override;
  void runAfterPass(mlir::Pass *pass, mlir::Operation *op) override;
  void runAfterPassFailed(mlir::Pass *pass, mlir::Operation *op) override;

  /// Every finished pass, in the order they started.
  std::vector<Entry> entries() const;

private:
  using Clock = std::chrono::steady_clock;
  void finish(mlir::Pass *pass);

  bool progress;
  int totalPasses;
  int started = 0;
  mutable std::mutex mutex;
  std::vector<Entry> done;
  std::map<mlir::Pass *, std::pair<size_t, Clock::time_point>> running;
};

/// What the driver knows about one compile, beyond the module and the bundle.
struct CompileInfo {
  std::string modelPath, name, target, version;
  int optLevel = 2;
  bool profile = false;
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::map<std::string, std::string> frozenInputs;
  int64_t graphOps = 0; ///< Graph-dialect ops but constants after import (~ONNX nodes).
  std::vector<PassTimeRecorder::Entry> passes;
  double importSeconds = 0, pipelineSeconds = 0, emitSeconds = 0;
};

/// The report of a compiled module (after writeBundle filled `bundle`), schema
/// "modelc-report/1" (docs/Report.md).
llvm::json::Value buildReport(mlir::ModuleOp module, const BundleSummary &bundle,
                              const CompileInfo &info);

/// The human summary of a report (modelc -v).
void printReportSummary(const llvm::json::Value &report, llvm::raw_ostream &os);

} // namespace modelc

#endif // MODELC_COMPILER_REPORT_H
