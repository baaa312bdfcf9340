//===- modelc.cpp - The modelc compiler driver ----------------------------===//
//
// `modelc MODEL.onnx -o DIR` imports an ONNX model, runs the pipeline (passes/Pipeline.cpp)
// and writes a C++ or CUDA source bundle. Flags are parsed with CLI11; failures from the
// library layers arrive as MLIR diagnostics and map to exit code 1.
//
//===----------------------------------------------------------------------===//

#include "codegen/Emitter.h"
#include "compiler/Registration.h"
#include "compiler/import/OnnxImporter.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

using namespace mlir;

#ifndef MODELC_VERSION
#define MODELC_VERSION "0.0.0"
#endif

namespace {

/// "file: error: node 'conv1': message", the node taken from the location.
void printDiagnostic(Diagnostic &diag, llvm::StringRef modelPath) {
  std::string node, file = modelPath.str();
  Location loc = diag.getLocation();
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l); name && node.empty())
      node = name.getName().str();
    if (auto flc = dyn_cast<FileLineColLoc>(l); flc && !flc.getFilename().empty())
      file = flc.getFilename().str();
    return WalkResult::advance();
  });
  const char *severity = diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
                         : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                                             : "note";
  llvm::errs() << file << ": " << severity << ": ";
  // Importer messages already name their node ("node 'conv1' (Conv): ...").
  std::string message = diag.str();
  if (!node.empty() && message.find("node '" + node + "'") == std::string::npos)
    llvm::errs() << "node '" << node << "': ";
  llvm::errs() << message << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note, modelPath);
}

bool parseShape(const std::string &spec, std::map<std::string, std::vector<int64_t>> &out) {
  size_t eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    return false;
  std::vector<int64_t> dims;
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(spec).substr(eq + 1).split(parts, ',');
  if (parts.size() == 1)
    llvm::StringRef(spec).substr(eq + 1).split(parts, 'x');
  for (llvm::StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d) || d < 0)
      return false;
    dims.push_back(d);
  }
  out[spec.substr(0, eq)] = dims;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"modelc: compiles an ONNX model into a self-contained C++ or CUDA source bundle"};
  app.footer(R"(Examples:
  modelc resnet50.onnx -o out/                       C++ bundle in out/ (model.h, model.cpp, ...)
  modelc resnet50.onnx -o out/ --name resnet --target cuda --cuda-arch 80,90
  modelc bert.onnx -o out/ --input-shape input_ids=1x128 --input-shape mask=1x128
  modelc net.onnx -o out/ --freeze-input shape=shape.pb   (input 'shape' becomes a constant)
  modelc model.onnx --emit=kernel | modelc-opt --modelc-plan-memory
  cmake -S out -B out/build -G Ninja && cmake --build out/build && out/build/model_runner --bench 100)");
  std::string modelPath, outDir, name = "model", target = "cpu", emit, cudaArchs = "80,90";
  std::vector<std::string> inputShapes, frozenInputs;
  int optLevel = 2;
  bool printAfterAll = false, timePasses = false;
  app.add_option("model", modelPath, "ONNX model file (or graph-dialect .mlir)")->required();
  app.add_option("-o,--output", outDir, "Bundle directory to write");
  app.add_option("--name", name, "Model name: C++ namespace, file and CMake target names")
      ->default_val("model");
  app.add_option("--target", target, "Code generation target")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->default_val("cpu");
  app.add_option("--cuda-arch", cudaArchs, "Comma-separated SM versions for --target cuda")
      ->default_val("80,90");
  app.add_option("--input-shape", inputShapes,
                 "Pins an input's shape, NAME=1x3x224x224 (repeatable)");
  app.add_option("--freeze-input", frozenInputs,
                 "Compiles input NAME as the constant in FILE (ONNX TensorProto .pb), "
                 "NAME=FILE (repeatable)");
  app.add_option("--emit", emit, "Print the IR at LEVEL to stdout and stop")
      ->check(CLI::IsMember({"graph", "kernel"}));
  app.add_option("-O", optLevel, "Optimization level: 0 turns the optimization passes off")
      ->default_val(2);
  app.add_flag("--mlir-print-ir-after-all", printAfterAll, "Print the IR after every pass");
  app.add_flag("--time-passes", timePasses, "Report the time spent in each pass");
  app.set_version_flag("--version", std::string("modelc ") + MODELC_VERSION + " (MLIR 19)");
  CLI11_PARSE(app, argc, argv);

  if (emit.empty() && outDir.empty()) {
    llvm::errs() << "modelc: error: -o DIR is required unless --emit is given\n";
    return 1;
  }
  modelc::ImportOptions importOptions;
  for (const std::string &s : inputShapes)
    if (!parseShape(s, importOptions.inputShapes)) {
      llvm::errs() << "modelc: error: bad --input-shape '" << s
                   << "' (expected NAME=1x3x224x224)\n";
      return 1;
    }
  for (const std::string &s : frozenInputs) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
      llvm::errs() << "modelc: error: bad --freeze-input '" << s << "' (expected NAME=FILE.pb)\n";
      return 1;
    }
    importOptions.frozenInputs[s.substr(0, eq)] = s.substr(eq + 1);
  }
  std::string cName = modelc::sanitizeIdentifier(name);
  if (cName != name) {
    llvm::errs() << "modelc: error: --name '" << name << "' is not a C identifier (try '" << cName
                 << "')\n";
    return 1;
  }

  DialectRegistry registry;
  modelc::registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    printDiagnostic(diag, modelPath);
    return success();
  });

  // A .mlir input (graph-dialect IR, e.g. from --emit=graph) skips the importer.
  OwningOpRef<ModuleOp> module = llvm::StringRef(modelPath).ends_with(".mlir")
                                     ? parseSourceFile<ModuleOp>(modelPath, &context)
                                     : modelc::importOnnxModel(context, modelPath, importOptions);
  if (!module)
    return 1;

  modelc::PipelineOptions options;
  options.target = target;
  options.optLevel = optLevel;
  options.stopAfterGraph = emit == "graph";
  PassManager pm(&context);
  if (printAfterAll) {
    context.disableMultithreading();
    pm.enableIRPrinting();
  }
  if (timePasses)
    pm.enableTiming();
  modelc::buildPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 1;
  if (!emit.empty()) {
    OpPrintingFlags flags;
    flags.elideLargeElementsAttrs(16);
    module->print(llvm::outs(), flags);
    llvm::outs() << "\n";
    return 0;
  }

  modelc::BundleOptions bundle;
  bundle.name = name;
  bundle.target = target;
  bundle.outDir = outDir;
  bundle.cudaArchs.clear();
  llvm::SmallVector<llvm::StringRef> archs;
  llvm::StringRef(cudaArchs).split(archs, ',', -1, false);
  for (llvm::StringRef a : archs)
    bundle.cudaArchs.push_back(a.trim().ltrim("sm_").str());
  if (failed(modelc::writeBundle(*module, bundle)))
    return 1;
  return 0;
}
