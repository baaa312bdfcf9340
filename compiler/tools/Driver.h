//===- Driver.h - Shared pieces of the modelc driver ------------*- C++ -*-===//
//
// The modelc executable compiles a model (`modelc MODEL -o DIR`) and has two subcommands
// that compile, build and run it: `modelc bench` (latency, throughput, per-kernel profile)
// and `modelc verify` (against onnxruntime or the model's test data). They share the compile
// flags, the compile function and the bundle cache declared here.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_COMPILER_TOOLS_DRIVER_H
#define MODELC_COMPILER_TOOLS_DRIVER_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace modelc::driver {

/// The flags that decide the generated bundle, shared by the compile command, bench and
/// verify (the bundle cache key is made of them).
struct CompileFlags {
  std::string modelPath;
  std::string name = "model";
  std::string target = "cpu";
  std::string cudaArchs = "80,90";
  std::vector<std::string> inputShapes, frozenInputs;
  int optLevel = 2;
  bool profile = false;
  std::string cpu = "native"; ///< --cpu: CPU target preset (passes/CpuTarget.h).
  bool noImplicitIm2col = false;
  /// --dim NAME=MIN:MAX (the compile command only; at most one).
  std::vector<std::string> dims;
};

/// What the compile command does besides writing the bundle.
struct CompileOutputs {
  std::string outDir;     ///< Bundle directory ("" with `emit`).
  std::string emit;       ///< "graph" or "kernel": print that IR and stop.
  std::string reportPath; ///< --report FILE.json.
  bool verbose = false;   ///< -v: progress and the report summary on stderr.
  bool printAfterAll = false, timePasses = false;
};

/// Adds the bundle-deciding flags (--target, --cuda-arch, --input-shape, --freeze-input,
/// -O; `withProfile`: --profile) to `app`.
void addCompileOptions(CLI::App &app, CompileFlags &flags, bool withProfile);

/// Compiles flags.modelPath; returns the process exit code (0 or 1, errors on stderr).
int compileModel(const CompileFlags &flags, const CompileOutputs &outputs);

/// The version string of this modelc ("0.1.0").
llvm::StringRef version();

/// A built bundle in the cache: the runner and its weights.
struct CachedBundle {
  std::string dir;     ///< The cache entry.
  std::string runner;  ///< DIR/build/NAME_runner.
  std::string weights; ///< DIR/bundle/NAME.weights.bin.
  std::string report;  ///< DIR/report.json.
  bool hit = false;    ///< Found built; nothing was compiled or built.
  double seconds = 0;  ///< Time spent compiling and building (0 on a hit).
};

/// The cache directory: `override` if given, else $MODELC_CACHE_DIR, $XDG_CACHE_HOME/modelc
/// or $HOME/.cache/modelc.
std::string cacheRoot(llvm::StringRef override);

/// Compiles `flags` and builds the bundle's runner (CMake, Release) into the cache entry
/// keyed by the model's bytes, the frozen inputs' bytes, this modelc binary, the flags and
/// the host toolchain; a built entry is reused as it is. `tool` names the subcommand in
/// messages. Returns nullopt after printing why on stderr.
std::optional<CachedBundle> buildCached(const CompileFlags &flags, llvm::StringRef cacheDir,
                                        llvm::StringRef tool);

/// Runs `program` with `args`; stdout and stderr go to the given files ("" = inherit).
/// Returns the exit code, or -1 when it could not run or crashed (`error` says why).
int runProgram(llvm::StringRef program, const std::vector<std::string> &args,
               llvm::StringRef stdoutPath, llvm::StringRef stderrPath, std::string &error);

/// Whether this machine exposes an NVIDIA GPU to processes (the driver's device nodes).
bool hasNvidiaGpu();

/// The whole contents of a file ("" if unreadable).
std::string readFile(llvm::StringRef path);

/// `modelc bench MODEL [options]`.
struct BenchFlags {
  CompileFlags compile;
  std::string cacheDir;
  std::vector<std::string> inputs; ///< NAME=FILE (.npy or .pb)
  int threads = 1, iters = 100, warmup = 10;
  uint64_t seed = 0;
};
CLI::App *addBenchCommand(CLI::App &app, BenchFlags &flags);
int runBench(const BenchFlags &flags);

/// `modelc verify MODEL [options]`.
struct VerifyFlags {
  CompileFlags compile;
  std::string cacheDir, workDir;
  std::vector<std::string> inputs; ///< NAME=FILE (.npy or .pb)
  double rtol = 1e-3, atol = 1e-5;
  bool perNode = false;
  std::string reference = "auto"; ///< auto, onnxruntime or test-data
  uint64_t seed = 0;
};
CLI::App *addVerifyCommand(CLI::App &app, VerifyFlags &flags);
int runVerify(const VerifyFlags &flags);

} // namespace modelc::driver

#endif // MODELC_COMPILER_TOOLS_DRIVER_H
