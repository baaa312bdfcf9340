//===- Bench.cpp - modelc bench: latency, throughput, time per kernel -----===//
//
// `modelc bench MODEL` is modelc's trtexec: it compiles the model, builds the bundle's runner
// (both cached, BundleCache.cpp), runs it on seeded random inputs or given tensors and prints
// latency (min / median / p90), throughput and, with --profile, the time of every kernel from
// a bundle compiled with kernel timers.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/Driver.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

using namespace modelc::driver;
namespace fs = llvm::sys::fs;

bool modelc::driver::hasNvidiaGpu() {
  return fs::exists("/dev/nvidiactl") || fs::exists("/dev/nvidia0") || fs::exists("/dev/dxg");
}

CLI::App *modelc::driver::addBenchCommand(CLI::App &app, BenchFlags &f) {
  CLI::App *cmd = app.add_subcommand(
      "bench", "Compile, build and time MODEL: latency min/median/p90, throughput, and the time "
               "per kernel with --profile (the bundle is cached)");
  cmd->footer(
      R"(The bundle is built with CMake (Release) in a cache entry keyed by a hash of the model, the
modelc binary, the options and the toolchain, so a second bench of the same model skips the
compile and the build. Cache: --cache-dir, else $MODELC_CACHE_DIR, $XDG_CACHE_HOME/modelc or
~/.cache/modelc. Inputs not given get seeded random values (floats in [-1, 1)).

Examples:
  modelc bench resnet50.onnx --threads 4 --iters 200
  modelc bench resnet50.onnx --profile               (time per kernel, sorted)
  modelc bench bert.onnx --input-shape input_ids=1x128 --input input_ids=ids.npy)");
  cmd->add_option("model", f.compile.modelPath, "ONNX model file")->required();
  addCompileOptions(*cmd, f.compile, /*withProfile=*/false);
  cmd->add_option("--threads", f.threads, "Worker threads of the CPU bundle")
      ->check(CLI::Range(1, 4096))
      ->default_val(1);
  cmd->add_option("--iters", f.iters, "Timed runs")
      ->check(CLI::Range(1, 1 << 30))
      ->default_val(100);
  cmd->add_option("--warmup", f.warmup, "Untimed runs before timing")
      ->check(CLI::Range(0, 1 << 30))
      ->default_val(10);
  cmd->add_option("--input", f.inputs, "Input tensor NAME=FILE (.npy or .pb), repeatable");
  cmd->add_option("--seed", f.seed, "Seed of the random inputs")->default_val(0);
  cmd->add_flag("--profile", f.compile.profile,
                "Time every kernel (a bundle compiled with kernel timers) and print them sorted");
  cmd->add_option("--cache-dir", f.cacheDir, "Bundle cache directory");
  return cmd;
}

int modelc::driver::runBench(const BenchFlags &f) {
  const CompileFlags &c = f.compile;
  if (c.target == "cuda" && !hasNvidiaGpu()) {
    llvm::errs() << "modelc bench: error: --target cuda runs the bundle on an NVIDIA GPU, and "
                    "this machine has none (no /dev/nvidiactl); bench on a machine with a GPU, "
                    "or use --target cpu\n";
    return 1;
  }
  std::optional<CachedBundle> bundle = buildCached(c, f.cacheDir, "bench");
  if (!bundle)
    return 1;

  llvm::SmallString<128> outDir;
  if (std::error_code ec = fs::createUniqueDirectory("modelc-bench", outDir)) {
    llvm::errs() << "modelc bench: error: cannot create a temporary directory: " << ec.message()
                 << "\n";
    return 1;
  }
  std::string stdoutPath = (outDir + "/stdout.txt").str();
  std::string stderrPath = (outDir + "/stderr.txt").str();
  std::vector<std::string> args = {
      "--weights", bundle->weights,           "--output-dir", (outDir + "/outputs").str(),
      "--bench",   std::to_string(f.iters),   "--warmup",     std::to_string(f.warmup),
      "--threads", std::to_string(f.threads), "--seed",       std::to_string(f.seed)};
  for (const std::string &input : f.inputs)
    args.insert(args.end(), {"--input", input});
  if (c.profile)
    args.push_back("--profile");
  std::string error;
  int code = runProgram(bundle->runner, args, stdoutPath, stderrPath, error);
  std::string out = readFile(stdoutPath), err = readFile(stderrPath);
  fs::remove_directories(outDir);
  if (code != 0) {
    llvm::errs() << "modelc bench: error: the bundle's runner failed"
                 << (error.empty() ? "" : " (" + error + ")") << ":\n"
                 << err;
    return 1;
  }

  // The runner prints "latency_ms min=.. median=.. p90=.. iters=N", then the profile table.
  llvm::StringRef text(out);
  size_t at = text.find("latency_ms ");
  if (at == llvm::StringRef::npos) {
    llvm::errs() << "modelc bench: error: the runner printed no latency line:\n" << out << err;
    return 1;
  }
  llvm::StringRef latency = text.substr(at).split('\n').first;
  llvm::StringRef rest = text.substr(at).split('\n').second;
  double median = 0;
  llvm::SmallVector<llvm::StringRef> fields;
  latency.split(fields, ' ');
  for (llvm::StringRef field : fields)
    if (field.consume_front("median="))
      field.getAsDouble(median);

  llvm::outs() << "model: " << c.modelPath << "\n";
  llvm::outs() << "target: " << c.target << ", -O" << c.optLevel << ", threads " << f.threads
               << ", warmup " << f.warmup << ", iters " << f.iters
               << (c.profile ? ", kernel timers on" : "") << "\n";
  if (bundle->hit)
    llvm::outs() << "cache: hit " << bundle->dir << " (compile and build skipped)\n";
  else
    llvm::outs() << llvm::formatv("cache: miss, compiled and built in {0:f1} s: {1}\n",
                                  bundle->seconds, bundle->dir);
  llvm::outs() << latency << "\n";
  if (median > 0)
    llvm::outs() << llvm::formatv("throughput: {0:f1} inferences/s (1000 / median latency)\n",
                                  1000.0 / median);
  llvm::outs() << rest;
  return 0;
}
