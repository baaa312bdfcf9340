//===- Verify.cpp - modelc verify: the bundle against a reference ---------===//
//
// `modelc verify MODEL` checks the compiled model against a reference. The numerics live in
// a Python helper that modelc ships (scripts/modelc_verify.py, installed as
// share/modelc/modelc_verify.py): `prepare` writes the inputs and the reference outputs
// (onnxruntime, or the model's test_data_set_*), and with --per-node a copy of the model with
// every intermediate tensor as an output; this file builds that model's bundle (cached, as
// for bench), runs its runner on every input set, and `compare` prints the errors and
// decides the exit code.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/Driver.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>

using namespace modelc::driver;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

constexpr const char *kHelper = "modelc_verify.py";

/// A double as the helper's command line takes it, without losing precision.
std::string number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.17g", v);
  return buffer;
}

int fail(const llvm::Twine &message) {
  llvm::errs() << "modelc verify: error: " << message << "\n";
  return 1;
}

/// The helper script: $MODELC_VERIFY_HELPER, else share/modelc/ beside the binary's bin/
/// (install prefix and build tree), else next to the binary.
std::string findHelper() {
  if (const char *override = std::getenv("MODELC_VERIFY_HELPER"))
    return override;
  std::string self = fs::getMainExecutable(nullptr, nullptr);
  llvm::SmallString<256> bin(path::parent_path(self));
  llvm::SmallString<256> share(bin);
  path::append(share, "..", "share", "modelc", kHelper);
  if (fs::exists(share))
    return std::string(share);
  llvm::SmallString<256> beside(bin);
  path::append(beside, kHelper);
  if (fs::exists(beside))
    return std::string(beside);
  return "";
}

} // namespace

CLI::App *modelc::driver::addVerifyCommand(CLI::App &app, VerifyFlags &f) {
  CLI::App *cmd = app.add_subcommand(
      "verify", "Compile, build and run MODEL and compare its outputs with onnxruntime or the "
                "model's test data (exit code 0 within tolerance, 1 otherwise)");
  cmd->footer(
      R"(The reference is onnxruntime when its Python package imports (random inputs, or --input), else
the ONNX test data next to the model (test_data_set_*/input_*.pb, output_*.pb). An element
passes when |out - ref| <= atol + rtol * |ref|. --per-node compiles a copy of the model with
every intermediate floating-point tensor as an output, compares them in topological order and
names the first node outside the tolerance (needs onnxruntime; that copy is fused differently).
Needs python3 with numpy and onnx; the bundle is built and cached as for `modelc bench`.

Examples:
  modelc verify resnet50.onnx
  modelc verify resnet50.onnx --per-node --rtol 1e-4 --atol 1e-5
  modelc verify bert.onnx --input-shape input_ids=1x128 --input input_ids=ids.npy)");
  cmd->add_option("model", f.compile.modelPath, "ONNX model file")->required();
  addCompileOptions(*cmd, f.compile, /*withProfile=*/false);
  cmd->add_option("--input,--inputs", f.inputs,
                  "Input tensor NAME=FILE (.npy or .pb), repeatable; others are random");
  cmd->add_option("--rtol", f.rtol, "Relative tolerance")->default_val(1e-3);
  cmd->add_option("--atol", f.atol, "Absolute tolerance")->default_val(1e-5);
  cmd->add_flag("--per-node", f.perNode, "Find the first node whose output diverges");
  cmd->add_option("--reference", f.reference, "Where the expected outputs come from")
      ->check(CLI::IsMember({"auto", "onnxruntime", "test-data"}))
      ->default_val("auto");
  cmd->add_option("--seed", f.seed, "Seed of the random inputs")->default_val(0);
  cmd->add_option("--work", f.workDir,
                  "Keep the inputs, references and outputs in DIR (default: a temporary "
                  "directory, removed)");
  cmd->add_option("--cache-dir", f.cacheDir, "Bundle cache directory (as for bench)");
  return cmd;
}

int modelc::driver::runVerify(const VerifyFlags &f) {
  if (f.compile.target == "cuda" && !hasNvidiaGpu())
    return fail("--target cuda runs the bundle on an NVIDIA GPU, and this machine has none (no "
                "/dev/nvidiactl); verify on a machine with a GPU, or use --target cpu");
  llvm::ErrorOr<std::string> python = llvm::sys::findProgramByName("python3");
  if (!python)
    return fail("python3 not found on PATH; verify needs it with the packages numpy, onnx and "
                "(for random inputs and --per-node) onnxruntime");
  std::string helper = findHelper();
  if (helper.empty())
    return fail(std::string("cannot find ") + kHelper +
                " (looked in share/modelc/ beside the modelc binary's directory and next to it; "
                "set MODELC_VERIFY_HELPER)");

  llvm::SmallString<256> work(f.workDir);
  bool temporary = work.empty();
  if (temporary) {
    if (std::error_code ec = fs::createUniqueDirectory("modelc-verify", work))
      return fail("cannot create a temporary directory: " + ec.message());
  } else if (std::error_code ec = fs::create_directories(work)) {
    return fail("cannot create '" + work + "': " + ec.message());
  }
  fs::make_absolute(work);
  struct Cleanup {
    bool enabled;
    std::string dir;
    ~Cleanup() {
      if (enabled)
        fs::remove_directories(dir);
    }
  } cleanup{temporary, std::string(work)};

  // 1. Inputs and reference outputs.
  std::vector<std::string> args = {
      helper,        "prepare",         "--model", f.compile.modelPath,
      "--work",      std::string(work), "--seed",  std::to_string(f.seed),
      "--reference", f.reference};
  if (f.perNode)
    args.push_back("--per-node");
  for (const std::string &input : f.inputs)
    args.insert(args.end(), {"--input", input});
  for (const std::string &shape : f.compile.inputShapes)
    args.insert(args.end(), {"--input-shape", shape});
  for (const std::string &frozen : f.compile.frozenInputs)
    args.insert(args.end(), {"--freeze", frozen});
  std::string error;
  int code = runProgram(*python, args, "", "", error);
  if (code != 0)
    return code < 0 ? fail("running " + helper + " failed: " + error) : 1;

  std::string manifestPath = (work + "/manifest.json").str();
  llvm::Expected<llvm::json::Value> manifest = llvm::json::parse(readFile(manifestPath));
  if (!manifest)
    return fail("bad " + manifestPath + ": " + llvm::toString(manifest.takeError()));
  const llvm::json::Object *m = manifest->getAsObject();
  const llvm::json::Array *sets = m ? m->getArray("sets") : nullptr;
  std::optional<llvm::StringRef> bundleModel = m ? m->getString("bundle_model") : std::nullopt;
  if (!sets || !bundleModel)
    return fail("bad " + manifestPath + ": no sets or bundle_model");

  // 2. The bundle (of the per-node copy with --per-node).
  CompileFlags compile = f.compile;
  compile.modelPath = bundleModel->str();
  std::optional<CachedBundle> bundle = buildCached(compile, f.cacheDir, "verify");
  if (!bundle)
    return 1;
  llvm::outs() << "model: " << f.compile.modelPath << "\n";
  llvm::outs() << "bundle: " << bundle->dir << (bundle->hit ? " (cached)" : "") << "\n";
  llvm::outs().flush();

  // 3. One run per input set.
  for (auto [index, value] : llvm::enumerate(*sets)) {
    const llvm::json::Object *set = value.getAsObject();
    std::string outDir = (work + "/out/" + std::to_string(index)).str();
    std::vector<std::string> runArgs = {"--weights", bundle->weights, "--output-dir", outDir};
    if (const llvm::json::Object *inputs = set ? set->getObject("inputs") : nullptr)
      for (const auto &input : *inputs)
        runArgs.insert(runArgs.end(),
                       {"--input", std::string(input.first.str()) + "=" +
                                       input.second.getAsString().value_or("").str()});
    std::string stderrPath = (work + "/runner_stderr.txt").str();
    code = runProgram(bundle->runner, runArgs, "", stderrPath, error);
    if (code != 0)
      return fail("the bundle's runner failed" + (error.empty() ? "" : " (" + error + ")") + ":\n" +
                  readFile(stderrPath));
  }

  // 4. The comparison decides the exit code.
  std::vector<std::string> compareArgs = {helper,   "compare",      "--work", std::string(work),
                                          "--rtol", number(f.rtol), "--atol", number(f.atol)};
  code = runProgram(*python, compareArgs, "", "", error);
  if (code < 0)
    return fail("running " + helper + " failed: " + error);
  return code == 0 ? 0 : 1;
}
