//===- BundleCache.cpp - Built bundles for modelc bench and verify --------===//
//
// `modelc bench` and `modelc verify` need a runnable bundle. They compile the model in-process
// and build the bundle's runner with the host toolchain (CMake with the bundle's
// CMakeLists.txt, Release), in a cache entry named by a content hash of everything that
// decides the result: the model's bytes, frozen inputs' bytes, the modelc binary, the flags
// and the toolchain. A second run finds the entry built and skips both steps. Entries are
// built in a temporary directory and renamed into place when complete, so an interrupted or
// failed build never leaves an entry that looks finished, and two runs may race safely.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/Driver.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>

using namespace modelc::driver;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

/// Version of the cache layout and key; bump when either changes.
constexpr const char *kCacheFormat = "modelc-bundle-cache/1";

std::string joinPath(llvm::StringRef a, llvm::StringRef b) {
  llvm::SmallString<256> p(a);
  path::append(p, b);
  return std::string(p);
}

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

bool writeText(llvm::StringRef file, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(file, ec);
  if (ec)
    return false;
  os << text;
  return true;
}

/// The last `lines` lines of a log file, indented, for error messages.
std::string logTail(llvm::StringRef file, size_t lines) {
  llvm::SmallVector<llvm::StringRef> all;
  std::string text = readFile(file);
  llvm::StringRef(text).rtrim().split(all, '\n');
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += "  " + all[i].str() + "\n";
  return out;
}

/// Adds a field to the key and to its human-readable description.
struct KeyBuilder {
  llvm::SHA256 hash;
  std::string description;
  void add(llvm::StringRef field, llvm::StringRef value) { add(field, value, value); }
  /// Hashes `value`; the description shows `shown`.
  void add(llvm::StringRef field, llvm::StringRef value, llvm::StringRef shown) {
    hash.update(field);
    hash.update(llvm::StringRef("\0", 1));
    hash.update(std::to_string(value.size()));
    hash.update(llvm::StringRef("\0", 1));
    hash.update(value);
    description += field.str() + ": " + shown.str() + "\n";
  }
  /// Adds a file's contents (as its SHA-256, not its path); false if it cannot be read.
  bool addFile(llvm::StringRef field, llvm::StringRef file) {
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return false;
    std::string digest =
        llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef((*buffer)->getBuffer())),
                    /*LowerCase=*/true);
    add(field, "sha256:" + digest, file.str() + " sha256:" + digest);
    return true;
  }
};

} // namespace

std::string modelc::driver::readFile(llvm::StringRef file) {
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  return buffer ? (*buffer)->getBuffer().str() : "";
}

int modelc::driver::runProgram(llvm::StringRef program, const std::vector<std::string> &args,
                               llvm::StringRef stdoutPath, llvm::StringRef stderrPath,
                               std::string &error) {
  std::vector<llvm::StringRef> argv = {program};
  for (const std::string &a : args)
    argv.push_back(a);
  std::optional<llvm::StringRef> redirects[3] = {std::nullopt, std::nullopt, std::nullopt};
  if (!stdoutPath.empty())
    redirects[1] = stdoutPath;
  if (!stderrPath.empty())
    redirects[2] = stderrPath;
  bool failed = false;
  int code =
      llvm::sys::ExecuteAndWait(program, argv, std::nullopt, redirects, 0, 0, &error, &failed);
  if (failed)
    return -1;
  if (code < 0 && error.empty())
    error = "terminated by a signal";
  return code < 0 ? -1 : code;
}

std::string modelc::driver::cacheRoot(llvm::StringRef override) {
  if (!override.empty())
    return override.str();
  if (std::string dir = env("MODELC_CACHE_DIR"); !dir.empty())
    return dir;
  if (std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty())
    return joinPath(xdg, "modelc");
  std::string home = env("HOME");
  return joinPath(joinPath(home.empty() ? "." : home, ".cache"), "modelc");
}

std::optional<CachedBundle> modelc::driver::buildCached(const CompileFlags &flags,
                                                        llvm::StringRef cacheDir,
                                                        llvm::StringRef tool) {
  auto fail = [&](const llvm::Twine &message) -> std::optional<CachedBundle> {
    llvm::errs() << "modelc " << tool << ": error: " << message << "\n";
    return std::nullopt;
  };
  llvm::ErrorOr<std::string> cmake = llvm::sys::findProgramByName("cmake");
  if (!cmake)
    return fail("cmake not found on PATH; it builds the bundle (install CMake 3.18 or newer)");
  llvm::ErrorOr<std::string> ninja = llvm::sys::findProgramByName("ninja");

  KeyBuilder key;
  key.add("format", kCacheFormat);
  key.add("modelc", version());
  std::string self = fs::getMainExecutable(nullptr, nullptr);
  if (self.empty() || !key.addFile("modelc binary", self))
    return fail("cannot read the modelc executable to key the cache");
  if (!key.addFile("model", flags.modelPath))
    return fail("cannot read '" + flags.modelPath + "'");
  for (const std::string &frozen : flags.frozenInputs) {
    size_t eq = frozen.find('=');
    if (eq == std::string::npos ||
        !key.addFile("frozen " + frozen.substr(0, eq), frozen.substr(eq + 1)))
      return fail("bad --freeze-input '" + frozen + "' (expected NAME=FILE.pb, a readable file)");
  }
  key.add("name", flags.name);
  key.add("target", flags.target);
  key.add("cuda-arch", flags.target == "cuda" ? flags.cudaArchs : "");
  for (const std::string &shape : flags.inputShapes)
    key.add("input-shape", shape);
  key.add("opt-level", std::to_string(flags.optLevel));
  key.add("profile", flags.profile ? "on" : "off");
  key.add("cmake", *cmake);
  key.add("generator", ninja ? "Ninja" : "default");
  key.add("CXX", env("CXX"));
  key.add("CXXFLAGS", env("CXXFLAGS"));
  key.add("CUDACXX", env("CUDACXX"));
  std::string digest = llvm::toHex(key.hash.final(), /*LowerCase=*/true).substr(0, 32);

  std::string root = cacheRoot(cacheDir);
  if (std::error_code ec = fs::create_directories(root))
    return fail("cannot create the cache directory '" + root + "': " + ec.message());
  CachedBundle result;
  result.dir = joinPath(root, digest);
  auto fill = [&](const std::string &dir) {
    result.runner = joinPath(joinPath(dir, "build"), flags.name + "_runner");
    result.weights = joinPath(joinPath(dir, "bundle"), flags.name + ".weights.bin");
    result.report = joinPath(dir, "report.json");
  };
  fill(result.dir);
  if (fs::exists(joinPath(result.dir, "complete")) && fs::can_execute(result.runner)) {
    result.hit = true;
    return result;
  }

  // Build in a private directory, then publish it with one rename.
  auto start = std::chrono::steady_clock::now();
  std::string tmp =
      joinPath(root, digest + ".tmp-" + std::to_string(llvm::sys::Process::getProcessId()));
  fs::remove_directories(tmp);
  if (std::error_code ec = fs::create_directories(tmp))
    return fail("cannot create '" + tmp + "': " + ec.message());
  auto cleanup = llvm::make_scope_exit([&] { fs::remove_directories(tmp); });
  llvm::errs() << "modelc " << tool << ": compiling " << flags.modelPath << " (" << flags.target
               << ", -O" << flags.optLevel << (flags.profile ? ", --profile" : "") << ")\n";
  CompileOutputs outputs;
  outputs.outDir = joinPath(tmp, "bundle");
  outputs.reportPath = joinPath(tmp, "report.json");
  if (compileModel(flags, outputs) != 0)
    return fail("compiling '" + flags.modelPath + "' failed");

  llvm::errs() << "modelc " << tool << ": building the bundle with " << *cmake << " (Release)\n";
  std::string buildDir = joinPath(tmp, "build"), error;
  std::vector<std::string> configure = {"-S", outputs.outDir, "-B", buildDir,
                                        "-DCMAKE_BUILD_TYPE=Release"};
  if (ninja)
    configure.insert(configure.end(), {"-G", "Ninja"});
  std::string configureLog = joinPath(tmp, "configure.log");
  std::string buildLog = joinPath(tmp, "build.log");
  int code = runProgram(*cmake, configure, configureLog, configureLog, error);
  if (code != 0)
    return fail("configuring the bundle failed" + (error.empty() ? "" : " (" + error + ")") +
                "; the end of the CMake log:\n" + logTail(configureLog, 20));
  code = runProgram(*cmake, {"--build", buildDir, "--target", flags.name + "_runner"}, buildLog,
                    buildLog, error);
  if (code != 0)
    return fail("building the bundle failed" + (error.empty() ? "" : " (" + error + ")") +
                "; the end of the build log:\n" + logTail(buildLog, 30));
  if (!writeText(joinPath(tmp, "key.txt"), key.description) ||
      !writeText(joinPath(tmp, "complete"), digest + "\n"))
    return fail("cannot write to '" + tmp + "'");

  if (fs::rename(tmp, result.dir)) {
    // Another run published the same entry first, or a stale incomplete one is in the way.
    if (!fs::exists(joinPath(result.dir, "complete"))) {
      fs::remove_directories(result.dir);
      if (std::error_code ec = fs::rename(tmp, result.dir))
        return fail("cannot move the built bundle to '" + result.dir + "': " + ec.message());
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}
