//===- modelc.cpp - The modelc compiler driver ----------------------------===//
//
// `modelc MODEL.onnx -o DIR` imports an ONNX model, runs the pipeline (passes/Pipeline.cpp)
// and writes a C++ or CUDA source bundle, optionally with a compile report (--report, -v).
// The subcommands `modelc bench` and `modelc verify` (Bench.cpp, Verify.cpp) compile, build
// and run the bundle. Flags are parsed with CLI11; failures from the library layers arrive
// as MLIR diagnostics and map to exit code 1.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/Driver.h"

#include "codegen/Emitter.h"
#include "compiler/Registration.h"
#include "compiler/Report.h"
#include "compiler/import/OnnxImporter.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>

using namespace mlir;
using namespace modelc::driver;

#ifndef MODELC_VERSION
#define MODELC_VERSION "0.0.0"
#endif

namespace {

/// Models with more graph ops than this print a progress line per pass without -v.
constexpr int64_t kProgressOps = 1000;

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
  // Importer messages already name their node ("node 'conv1' (Conv): ...") or tensor
  // ("initializer 'w' ..."); the prefix is for the others.
  std::string message = diag.str();
  if (!node.empty() && message.find("'" + node + "'") == std::string::npos)
    llvm::errs() << "node '" << node << "': ";
  llvm::errs() << message << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note, modelPath);
}

/// --dim NAME=MIN:MAX.
bool parseDim(const std::string &spec, modelc::DynamicDim &out, std::string &why) {
  size_t eq = spec.rfind('=');
  size_t colon = spec.find(':', eq == std::string::npos ? 0 : eq);
  if (eq == std::string::npos || eq == 0 || colon == std::string::npos) {
    why = "expected NAME=MIN:MAX";
    return false;
  }
  out.name = spec.substr(0, eq);
  llvm::StringRef minText = llvm::StringRef(spec).slice(eq + 1, colon).trim();
  llvm::StringRef maxText = llvm::StringRef(spec).substr(colon + 1).trim();
  if (minText.getAsInteger(10, out.min) || maxText.getAsInteger(10, out.max)) {
    why = "expected NAME=MIN:MAX with integer sizes";
    return false;
  }
  if (out.min < 1) {
    why = "MIN must be at least 1";
    return false;
  }
  if (out.min > out.max) {
    why = "MIN must not exceed MAX";
    return false;
  }
  if (out.max > (int64_t{1} << 20)) {
    why = "MAX must be at most 1048576";
    return false;
  }
  return true;
}

} // namespace

void modelc::driver::addCompileOptions(CLI::App &app, CompileFlags &f, bool withProfile) {
  app.add_option("--target", f.target, "Code generation target")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->default_val("cpu");
  app.add_option("--cuda-arch", f.cudaArchs, "Comma-separated SM versions for --target cuda")
      ->default_val("80,90");
  app.add_option("--cpu", f.cpu,
                 "CPU the kernels are tiled and compiled (-march) for: native (the machine "
                 "running modelc, normally the one that builds and runs the bundle), x86-64-v4 "
                 "(AVX-512), x86-64-v3 (AVX2+FMA) or generic (the compiler's default target)")
      ->check(CLI::IsMember({"native", "x86-64-v4", "x86-64-v3", "generic"}))
      ->default_val("native");
  app.add_flag("--no-implicit-im2col", f.noImplicitIm2col,
               "CPU: convolutions as GEMM read an im2col buffer instead of gathering the "
               "windows from the image in the GEMM's packing (for comparison and debugging)");
  app.add_option("--input-shape", f.inputShapes,
                 "Pins an input's shape, NAME=1x3x224x224, or a sequence input's element "
                 "shapes, NAME=[2x3;4], or NAME=none for an optional input compiled as "
                 "empty (repeatable)");
  app.add_option("--freeze-input", f.frozenInputs,
                 "Compiles input NAME as the constant in FILE (ONNX TensorProto .pb), "
                 "NAME=FILE (repeatable)");
  app.add_option("-O", f.optLevel, "Optimization level: 0 turns the optimization passes off")
      ->default_val(2);
  if (withProfile)
    app.add_flag("--profile", f.profile,
                 "Compile a timer around every kernel launch into the bundle "
                 "(NAME_runner --profile prints them)");
}

llvm::StringRef modelc::driver::version() { return MODELC_VERSION; }

namespace {

/// The pipeline options the compile flags ask for.
modelc::PipelineOptions pipelineOptions(const CompileFlags &flags, const CompileOutputs &out,
                                        const modelc::CpuTarget &cpuTarget) {
  modelc::PipelineOptions options;
  options.target = flags.target;
  options.cpu = cpuTarget;
  options.implicitIm2col = !flags.noImplicitIm2col;
  options.optLevel = flags.optLevel;
  options.stopAfterGraph = out.emit == "graph";
  return options;
}

/// IR printing and pass timing as asked, then modelc's pipeline for `options`.
void configurePassManager(PassManager &pm, MLIRContext &context, const CompileOutputs &out,
                          const modelc::PipelineOptions &options) {
  if (out.printAfterAll) {
    context.disableMultithreading();
    pm.enableIRPrinting();
  }
  if (out.timePasses)
    pm.enableTiming();
  modelc::buildPipeline(pm, options);
}

/// --dim: the model compiled once per chunk size (powers of two up to MAX), each variant
/// checked for separability first, then one bundle with a dispatcher (writeDynamicBundle).
int compileDynamic(MLIRContext &context, const CompileFlags &flags, const CompileOutputs &out,
                   modelc::ImportOptions importOptions, const modelc::DynamicDim &dim,
                   const modelc::CpuTarget &cpuTarget) {
  // Chunk sizes: the powers of two up to MAX that covering some size in [MIN, MAX] with the
  // largest chunk that fits uses (N=8:8 needs only 8; N=1:8 needs 8, 4, 2, 1).
  std::vector<int64_t> powers, chunks;
  for (int64_t c = 1; c <= dim.max; c *= 2)
    powers.insert(powers.begin(), c); // largest first
  std::set<int64_t> used;
  for (int64_t n = dim.min; n <= dim.max; ++n)
    for (int64_t rest = n; rest > 0;) {
      int64_t c = *llvm::find_if(powers, [&](int64_t p) { return p <= rest; });
      used.insert(c);
      rest -= c;
    }
  for (int64_t c : powers)
    if (used.count(c))
      chunks.push_back(c);
  std::vector<OwningOpRef<ModuleOp>> modules;
  for (int64_t c : chunks) {
    importOptions.dimName = dim.name;
    importOptions.dimSize = c;
    OwningOpRef<ModuleOp> module = modelc::importOnnxModel(context, flags.modelPath, importOptions);
    if (!module)
      return 1;
    modelc::PipelineOptions options = pipelineOptions(flags, out, cpuTarget);
    options.separableDim = dim.name;
    PassManager pm(&context);
    configurePassManager(pm, context, out, options);
    if (failed(pm.run(*module)))
      return 1;
    if (out.verbose)
      llvm::errs() << llvm::formatv("modelc: compiled {0} = {1}\n", dim.name, c);
    modules.push_back(std::move(module));
  }
  if (!out.emit.empty()) { // the largest chunk's IR
    OpPrintingFlags printFlags;
    printFlags.elideLargeElementsAttrs(16);
    modules.front()->print(llvm::outs(), printFlags);
    llvm::outs() << "\n";
    return 0;
  }
  modelc::BundleOptions bundle;
  bundle.name = flags.name;
  bundle.target = flags.target;
  bundle.outDir = out.outDir;
  bundle.march = cpuTarget.march;
  bundle.cpuDescription = "--cpu=" + cpuTarget.describe();
  bundle.vectorBits = cpuTarget.vectorBits;
  SmallVector<ModuleOp> variants;
  for (OwningOpRef<ModuleOp> &m : modules)
    variants.push_back(*m);
  modelc::DynamicBundleSummary summary;
  if (failed(modelc::writeDynamicBundle(variants, chunks, dim, bundle, &summary)))
    return 1;
  if (out.verbose) {
    llvm::errs() << llvm::formatv("modelc: wrote {0}: {1} in [{2}, {3}] as chunks of", out.outDir,
                                  dim.name, dim.min, dim.max);
    for (auto [k, c] : llvm::enumerate(chunks))
      llvm::errs() << llvm::formatv(" {0} ({1} kernels, arena {2} B){3}", c,
                                    summary.chunkKernels[k], summary.chunkArenaBytes[k],
                                    k + 1 < chunks.size() ? "," : "");
    llvm::errs() << llvm::formatv(
        "; arena {0} B, weights {1} B ({2})\n", summary.arenaBytes, summary.weightsBytes,
        summary.sharedWeights ? "one copy for every chunk" : "one copy per chunk: they differ");
  }
  return 0;
}

} // namespace

int modelc::driver::compileModel(const CompileFlags &flags, const CompileOutputs &out) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  const std::string &modelPath = flags.modelPath;
  if (out.emit.empty() && out.outDir.empty()) {
    llvm::errs() << "modelc: error: -o DIR is required unless --emit is given\n";
    return 1;
  }
  if (!out.emit.empty() && !out.reportPath.empty()) {
    llvm::errs() << "modelc: error: --report describes a bundle; give -o DIR instead of --emit\n";
    return 1;
  }
  modelc::ImportOptions importOptions;
  for (const std::string &s : flags.inputShapes) {
    std::string why;
    if (!modelc::parseInputShapeSpec(s, importOptions, why)) {
      llvm::errs() << "modelc: error: bad --input-shape '" << s << "': " << why << "\n";
      return 1;
    }
  }
  for (const std::string &s : flags.frozenInputs) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
      llvm::errs() << "modelc: error: bad --freeze-input '" << s << "' (expected NAME=FILE.pb)\n";
      return 1;
    }
    importOptions.frozenInputs[s.substr(0, eq)] = s.substr(eq + 1);
  }
  std::string cName = modelc::sanitizeIdentifier(flags.name);
  if (cName != flags.name) {
    llvm::errs() << "modelc: error: --name '" << flags.name << "' is not a C identifier (try '"
                 << cName << "')\n";
    return 1;
  }

  std::optional<modelc::DynamicDim> dim;
  if (flags.dims.size() > 1) {
    llvm::errs() << "modelc: error: --dim is given " << flags.dims.size()
                 << " times; one dynamic dimension is supported\n";
    return 1;
  }
  if (!flags.dims.empty()) {
    std::string why;
    dim.emplace();
    if (!parseDim(flags.dims.front(), *dim, why)) {
      llvm::errs() << "modelc: error: bad --dim '" << flags.dims.front() << "': " << why << "\n";
      return 1;
    }
    const char *conflict = flags.target != "cpu"                           ? "--target cuda"
                           : flags.profile                                 ? "--profile"
                           : !out.reportPath.empty()                       ? "--report"
                           : llvm::StringRef(modelPath).ends_with(".mlir") ? "a .mlir model"
                                                                           : nullptr;
    if (conflict) {
      llvm::errs() << "modelc: error: --dim does not support " << conflict << " yet\n";
      return 1;
    }
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

  std::optional<modelc::CpuTarget> cpuTarget = modelc::lookupCpuTarget(flags.cpu);
  if (!cpuTarget) {
    llvm::errs() << "modelc: error: unknown --cpu '" << flags.cpu << "'\n";
    return 1;
  }
  if (dim)
    return compileDynamic(context, flags, out, importOptions, *dim, *cpuTarget);

  // A .mlir input (graph-dialect IR, e.g. from --emit=graph) skips the importer.
  Clock::time_point start = Clock::now();
  OwningOpRef<ModuleOp> module = llvm::StringRef(modelPath).ends_with(".mlir")
                                     ? parseSourceFile<ModuleOp>(modelPath, &context)
                                     : modelc::importOnnxModel(context, modelPath, importOptions);
  if (!module)
    return 1;
  modelc::CompileInfo info;
  info.importSeconds = seconds(start);
  // Graph ops other than constants: about one per ONNX node.
  module->walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "graph" &&
        op->getName().getStringRef() != "graph.constant")
      ++info.graphOps;
  });
  bool progress = out.verbose || info.graphOps > kProgressOps;
  if (progress)
    llvm::errs() << llvm::formatv("modelc: imported {0} ({1} graph ops) in {2:f3} s\n", modelPath,
                                  info.graphOps, info.importSeconds);

  modelc::PipelineOptions options = pipelineOptions(flags, out, *cpuTarget);
  PassManager pm(&context);
  configurePassManager(pm, context, out, options);
  auto recorder = std::make_unique<modelc::PassTimeRecorder>(progress, static_cast<int>(pm.size()));
  modelc::PassTimeRecorder *passTimes = recorder.get();
  pm.addInstrumentation(std::move(recorder));
  start = Clock::now();
  if (failed(pm.run(*module)))
    return 1;
  info.pipelineSeconds = seconds(start);
  if (!out.emit.empty()) {
    OpPrintingFlags printFlags;
    printFlags.elideLargeElementsAttrs(16);
    module->print(llvm::outs(), printFlags);
    llvm::outs() << "\n";
    return 0;
  }

  modelc::BundleOptions bundle;
  bundle.name = flags.name;
  bundle.target = flags.target;
  bundle.outDir = out.outDir;
  bundle.profile = flags.profile;
  bundle.march = cpuTarget->march;
  bundle.cpuDescription = "--cpu=" + cpuTarget->describe();
  bundle.vectorBits = cpuTarget->vectorBits;
  bundle.cudaArchs.clear();
  llvm::SmallVector<llvm::StringRef> archs;
  llvm::StringRef(flags.cudaArchs).split(archs, ',', -1, false);
  for (llvm::StringRef a : archs)
    bundle.cudaArchs.push_back(a.trim().ltrim("sm_").str());
  modelc::BundleSummary summary;
  start = Clock::now();
  if (failed(modelc::writeBundle(*module, bundle, &summary)))
    return 1;
  info.emitSeconds = seconds(start);
  if (progress)
    llvm::errs() << llvm::formatv("modelc: wrote {0} ({1} kernel{2}) in {3:f3} s\n", out.outDir,
                                  summary.kernels.size(), summary.kernels.size() == 1 ? "" : "s",
                                  info.emitSeconds);
  if (out.reportPath.empty() && !out.verbose)
    return 0;

  info.modelPath = modelPath;
  info.name = flags.name;
  info.target = flags.target;
  info.version = MODELC_VERSION;
  info.optLevel = flags.optLevel;
  info.profile = flags.profile;
  info.inputShapes = importOptions.inputShapes;
  for (const auto &[name, file] : importOptions.frozenInputs)
    info.frozenInputs[name] = file;
  info.passes = passTimes->entries();
  llvm::json::Value report = modelc::buildReport(*module, summary, info);
  if (!out.reportPath.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream file(out.reportPath, ec);
    if (ec) {
      llvm::errs() << "modelc: error: cannot write '" << out.reportPath << "': " << ec.message()
                   << "\n";
      return 1;
    }
    file << llvm::formatv("{0:2}", report) << "\n";
  }
  if (out.verbose)
    modelc::printReportSummary(report, llvm::errs());
  return 0;
}

int main(int argc, char **argv) {
  CLI::App app{"modelc: compiles an ONNX model into a self-contained C++ or CUDA source bundle"};
  app.footer(R"(Examples:
  modelc resnet50.onnx -o out/                       C++ bundle in out/ (model.h, model.cpp, ...)
  modelc resnet50.onnx -o out/ --name resnet --target cuda --cuda-arch 80,90
  modelc bert.onnx -o out/ --input-shape input_ids=1x128 --input-shape mask=1x128
  modelc net.onnx -o out/ --freeze-input shape=shape.pb   (input 'shape' becomes a constant)
  modelc cnn.onnx -o out/ --dim N=1:32     (batch N stays dynamic: run(N, ...), N in [1, 32])
  modelc net.onnx -o out/ --report out/report.json -v     (what the compiler did, docs/Report.md)
  modelc model.onnx --emit=kernel | modelc-opt --modelc-plan-memory
  cmake -S out -B out/build -G Ninja && cmake --build out/build && out/build/model_runner --bench 100
  modelc bench resnet50.onnx --threads 4 --profile        (latency, throughput, time per kernel)
  modelc verify resnet50.onnx --per-node                  (vs onnxruntime; first divergent node)

Run `modelc bench --help` and `modelc verify --help` for the subcommands' options.)");
  CompileFlags flags;
  CompileOutputs outputs;
  app.add_option("model", flags.modelPath, "ONNX model file (or graph-dialect .mlir)");
  app.add_option("-o,--output", outputs.outDir, "Bundle directory to write");
  app.add_option("--name", flags.name, "Model name: C++ namespace, file and CMake target names")
      ->default_val("model");
  addCompileOptions(app, flags, /*withProfile=*/true);
  app.add_option("--dim", flags.dims,
                 "Keeps the symbolic input dimension NAME dynamic in [MIN, MAX]: run() takes its "
                 "size (the model must be separable along it, e.g. batch), NAME=MIN:MAX");
  app.add_option("--emit", outputs.emit, "Print the IR at LEVEL to stdout and stop")
      ->check(CLI::IsMember({"graph", "kernel"}));
  app.add_option("--report", outputs.reportPath,
                 "Write the compile report (JSON: kernels, work estimates, fusion, tiles, "
                 "memory plan, pass times; docs/Report.md) to FILE");
  app.add_flag("-v,--verbose", outputs.verbose,
               "Print a line per pipeline stage and the report's summary on stderr");
  app.add_flag("--mlir-print-ir-after-all", outputs.printAfterAll, "Print the IR after every pass");
  app.add_flag("--time-passes", outputs.timePasses, "Report the time spent in each pass");
  app.set_version_flag("--version", std::string("modelc ") + MODELC_VERSION + " (MLIR 19)");
  BenchFlags bench;
  CLI::App *benchCommand = addBenchCommand(app, bench);
  VerifyFlags verify;
  CLI::App *verifyCommand = addVerifyCommand(app, verify);
  // Usage errors exit with 1 like every other error (CLI11's own codes are 100 and up);
  // --help and --version exit with 0.
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    llvm::errs() << "modelc: error: " << e.what() << "\nRun with --help for more information.\n";
    return 1;
  }

  if (benchCommand->parsed())
    return runBench(bench);
  if (verifyCommand->parsed())
    return runVerify(verify);
  if (flags.modelPath.empty()) {
    llvm::errs() << "modelc: error: a MODEL is required (or a subcommand: bench, verify); see "
                    "--help\n";
    return 1;
  }
  return compileModel(flags, outputs);
}
