// mc_runner.cpp - mc_runner_main, the command line of every generated NAME_runner.
//
// A bundle's runner is a three-line main() that hands its mc_model_api to this function. It
// loads inputs from .npy/.pb files (or fills them with seeded random values), runs the model
// once, writes every output as .npy, and optionally benchmarks. Nothing here is on a hot path,
// so it uses ordinary C++ containers; all exceptions are caught before returning to C.
#include "mc_internal.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

struct AlignedDeleter {
  void operator()(void *ptr) const { mc_aligned_free(ptr); }
};
using AlignedPtr = std::unique_ptr<void, AlignedDeleter>;

struct Options {
  std::vector<std::pair<std::string, std::string>> inputs; ///< --input NAME=FILE, in order.
  std::string outputDir = ".";
  int64_t bench = 0;                  ///< 0: no benchmark.
  int64_t warmup = -1;                ///< -1: default (1).
  int64_t threads = 0;                ///< 0: leave the model's default.
  std::optional<std::string> weights; ///< Unset: the bundle's default path.
  uint64_t seed = 0;
  bool help = false;
};

/// The model object; destroyed when the runner returns.
class Model {
public:
  explicit Model(const mc_model_api &modelApi) : api(modelApi) {}
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  ~Model() {
    if (handle && api.destroy)
      api.destroy(handle);
  }
  /// "<status>" plus the model's own message for the last failure, when it has one.
  std::string describe(mc_status status) const {
    std::string text = mc_status_string(status);
    const char *detail = handle && api.last_error ? api.last_error(handle) : nullptr;
    if (detail && *detail)
      text = text + ": " + detail;
    return text;
  }

  const mc_model_api &api;
  void *handle = nullptr;
};

/// Prints "error: <message>" to stderr and returns the exit code for errors.
int reportError(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

void printUsage(const char *program, const mc_model_api &api, const char *defaultWeights) {
  std::printf(
      "usage: %s [options]\n"
      "Runs model '%s' (%s) once and writes each output to <output-dir>/<output>.npy.\n"
      "  --input NAME=FILE  input tensor from a .npy or .pb file (repeatable); inputs not\n"
      "                     given get seeded random values\n"
      "  --output-dir DIR   where outputs are written (default: .; created if missing)\n"
      "  --bench N          time N runs and print 'latency_ms min=.. median=.. p90=.. iters=N'\n"
      "  --warmup N         untimed runs before benchmarking (default: 1)\n"
      "  --threads N        number of worker threads\n"
      "  --weights PATH     weights file (default: %s)\n"
      "  --seed N           seed for random inputs (default: 0)\n"
      "  --help             print this message\n",
      program, api.model_name ? api.model_name : "?", api.target ? api.target : "?",
      defaultWeights ? defaultWeights : "none");
  std::printf("inputs:\n");
  for (int32_t i = 0; i < api.num_inputs; ++i)
    std::printf(
        "  %s: %s\n", api.inputs[i].name,
        mc::describeTensor(api.inputs[i].dtype, api.inputs[i].rank, api.inputs[i].shape).c_str());
}

/// Parses a whole decimal integer in [min, max].
bool parseInteger(const std::string &text, int64_t min, int64_t max, int64_t &value) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])))
    return false;
  errno = 0;
  char *end = nullptr;
  long long parsed = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || parsed < min || parsed > max)
    return false;
  value = parsed;
  return true;
}

/// Fills `options` from argv; on failure returns false and sets `message`.
bool parseOptions(int argc, char **argv, Options &options, std::string &message) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    if (arg.compare(0, 2, "--") != 0) {
      message = "unexpected argument '" + arg + "' (see --help)";
      return false;
    }
    std::string name = arg.substr(2), value;
    size_t equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    static const char *const kValued[] = {"input",   "output-dir", "bench", "warmup",
                                          "threads", "weights",    "seed"};
    if (std::find_if(std::begin(kValued), std::end(kValued),
                     [&](const char *known) { return name == known; }) == std::end(kValued)) {
      message = "unknown option '--" + name + "' (see --help)";
      return false;
    }
    if (equals == std::string::npos) {
      if (i + 1 >= argc) {
        message = "option --" + name + " needs a value";
        return false;
      }
      value = argv[++i];
    }

    auto integer = [&](int64_t min, int64_t max, int64_t &out) {
      if (parseInteger(value, min, max, out))
        return true;
      message = "option --" + name + " expects an integer in [" + std::to_string(min) + ", " +
                std::to_string(max) + "], got '" + value + "'";
      return false;
    };
    if (name == "input") {
      size_t split = value.find('=');
      if (split == std::string::npos || split == 0 || split + 1 == value.size()) {
        message = "option --input expects NAME=FILE, got '" + value + "'";
        return false;
      }
      options.inputs.emplace_back(value.substr(0, split), value.substr(split + 1));
    } else if (name == "output-dir") {
      options.outputDir = value.empty() ? "." : value;
    } else if (name == "weights") {
      options.weights = value;
    } else if (name == "bench") {
      if (!integer(1, INT32_MAX, options.bench))
        return false;
    } else if (name == "warmup") {
      if (!integer(0, INT32_MAX, options.warmup))
        return false;
    } else if (name == "threads") {
      if (!integer(1, 4096, options.threads))
        return false;
    } else { // seed
      int64_t seed;
      if (!integer(0, INT64_MAX, seed))
        return false;
      options.seed = static_cast<uint64_t>(seed);
    }
  }
  return true;
}

/// Checks that the model's descriptors are usable by the runner.
bool checkDescs(const mc_tensor_desc *descs, int32_t count, const char *kind,
                std::string &message) {
  for (int32_t i = 0; i < count; ++i) {
    const mc_tensor_desc &desc = descs[i];
    bool ok = desc.name && mc_dtype_size(desc.dtype) != 0 && desc.rank >= 0 &&
              desc.rank <= MC_MAX_RANK && (desc.rank == 0 || desc.shape);
    for (int32_t d = 0; ok && d < desc.rank; ++d)
      ok = desc.shape[d] >= 0;
    if (!ok) {
      message =
          std::string("model ") + kind + " " + std::to_string(i) + " has an invalid descriptor";
      return false;
    }
  }
  return true;
}

uint64_t descBytes(const mc_tensor_desc &desc) {
  return static_cast<uint64_t>(mc_tensor_numel(&desc)) * mc_dtype_size(desc.dtype);
}

/// Fills a tensor with values drawn from mt19937_64(seed): floats uniform in [-1, 1), signed
/// integers in [-5, 5], unsigned integers in [0, 10], bools 0/1. The mapping from raw 64-bit
/// draws is spelled out (no std distributions) so every standard library gives the same data.
void fillRandom(void *data, int32_t dtype, int64_t numel, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return -1.0 + 2.0 * (static_cast<double>(rng() >> 11) * 0x1.0p-53); };
  auto integer = [&](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  auto put = [&](int64_t index, auto value) {
    std::memcpy(static_cast<char *>(data) + index * sizeof(value), &value, sizeof(value));
  };
  for (int64_t i = 0; i < numel; ++i) {
    switch (dtype) {
    case MC_DTYPE_FLOAT32:
      put(i, static_cast<float>(uniform()));
      break;
    case MC_DTYPE_FLOAT64:
      put(i, uniform());
      break;
    case MC_DTYPE_FLOAT16:
      put(i, mc::floatToHalf(static_cast<float>(uniform())));
      break;
    case MC_DTYPE_BFLOAT16:
      put(i, mc::floatToBFloat16(static_cast<float>(uniform())));
      break;
    case MC_DTYPE_INT8:
      put(i, static_cast<int8_t>(integer(-5, 5)));
      break;
    case MC_DTYPE_INT16:
      put(i, static_cast<int16_t>(integer(-5, 5)));
      break;
    case MC_DTYPE_INT32:
      put(i, static_cast<int32_t>(integer(-5, 5)));
      break;
    case MC_DTYPE_INT64:
      put(i, integer(-5, 5));
      break;
    case MC_DTYPE_UINT8:
      put(i, static_cast<uint8_t>(integer(0, 10)));
      break;
    case MC_DTYPE_UINT16:
      put(i, static_cast<uint16_t>(integer(0, 10)));
      break;
    case MC_DTYPE_UINT32:
      put(i, static_cast<uint32_t>(integer(0, 10)));
      break;
    case MC_DTYPE_UINT64:
      put(i, static_cast<uint64_t>(integer(0, 10)));
      break;
    case MC_DTYPE_BOOL:
      put(i, static_cast<uint8_t>(integer(0, 1)));
      break;
    default:
      break;
    }
  }
}

/// The output file name: every character outside [A-Za-z0-9_] becomes '_'.
std::string outputFileName(const char *name) {
  std::string file = name;
  for (char &c : file)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      c = '_';
  return file + ".npy";
}

/// Prints the benchmark line for `times` (milliseconds, sorted in place).
void printLatency(std::vector<double> &times) {
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  double p90 = times[9 * (n - 1) / 10]; // floor(0.9 * (n - 1)), in exact integer arithmetic.
  std::printf("latency_ms min=%.4f median=%.4f p90=%.4f iters=%d\n", times[0], median, p90,
              static_cast<int>(n));
  std::fflush(stdout);
}

int runMain(const mc_model_api &api, const char *defaultWeights, int argc, char **argv) {
  Options options;
  if (defaultWeights)
    options.weights = defaultWeights;
  std::string message;
  if (!parseOptions(argc, argv, options, message))
    return reportError(message);
  if (options.help) {
    printUsage(argc > 0 && argv[0] ? argv[0] : "runner", api, defaultWeights);
    return 0;
  }
  if (!api.create || !api.run_host || api.num_inputs < 0 || api.num_outputs < 0 ||
      (api.num_inputs > 0 && !api.inputs) || (api.num_outputs > 0 && !api.outputs))
    return reportError("the model api table is incomplete");
  if (!checkDescs(api.inputs, api.num_inputs, "input", message) ||
      !checkDescs(api.outputs, api.num_outputs, "output", message))
    return reportError(message);

  // Inputs: from files where given, seeded random values otherwise.
  std::vector<AlignedPtr> inputData(static_cast<size_t>(api.num_inputs));
  std::vector<bool> given(inputData.size(), false);
  for (const auto &[name, file] : options.inputs) {
    int32_t index = 0;
    while (index < api.num_inputs && name != api.inputs[index].name)
      ++index;
    if (index == api.num_inputs) {
      std::string valid;
      for (int32_t i = 0; i < api.num_inputs; ++i)
        valid += std::string(i ? ", '" : "'") + api.inputs[i].name + "'";
      return reportError("unknown input '" + name +
                         "'; the model's inputs are: " + (valid.empty() ? "(none)" : valid));
    }
    if (given[index])
      return reportError("input '" + name + "' is given more than once");
    mc_host_tensor tensor{};
    std::string reason;
    if (mc::readTensorFile(file.c_str(), &tensor, reason) != MC_OK)
      return reportError("cannot read input '" + name + "' from '" + file + "': " + reason);
    AlignedPtr data(tensor.data);
    const mc_tensor_desc &desc = api.inputs[index];
    bool match = tensor.dtype == desc.dtype && tensor.rank == desc.rank &&
                 std::equal(desc.shape, desc.shape + desc.rank, tensor.shape);
    if (!match)
      return reportError("input '" + name + "' from '" + file + "' is " +
                         mc::describeTensor(tensor.dtype, tensor.rank, tensor.shape) +
                         ", but the model expects " +
                         mc::describeTensor(desc.dtype, desc.rank, desc.shape));
    inputData[index] = std::move(data);
    given[index] = true;
  }
  for (int32_t i = 0; i < api.num_inputs; ++i) {
    if (given[i] || descBytes(api.inputs[i]) == 0)
      continue;
    inputData[i].reset(mc_aligned_alloc(descBytes(api.inputs[i])));
    if (!inputData[i])
      return reportError("out of memory allocating input '" + std::string(api.inputs[i].name) +
                         "'");
    fillRandom(inputData[i].get(), api.inputs[i].dtype, mc_tensor_numel(&api.inputs[i]),
               options.seed + static_cast<uint64_t>(i));
  }
  std::vector<AlignedPtr> outputData(static_cast<size_t>(api.num_outputs));
  for (int32_t i = 0; i < api.num_outputs; ++i) {
    uint64_t bytes = descBytes(api.outputs[i]);
    outputData[i].reset(mc_aligned_alloc(bytes));
    if (bytes > 0 && !outputData[i])
      return reportError("out of memory allocating output '" + std::string(api.outputs[i].name) +
                         "'");
  }
  std::vector<const void *> inputs;
  std::vector<void *> outputs;
  for (const AlignedPtr &data : inputData)
    inputs.push_back(data.get());
  for (const AlignedPtr &data : outputData)
    outputs.push_back(data.get());

  std::error_code error;
  std::filesystem::path outputDir(options.outputDir);
  std::filesystem::create_directories(outputDir, error);
  if (!std::filesystem::is_directory(outputDir))
    return reportError("cannot create output directory '" + options.outputDir + "'");

  Model model(api);
  const char *modelName = api.model_name ? api.model_name : "model";
  const char *weights = options.weights ? options.weights->c_str() : nullptr;
  if (mc_status status = api.create(weights, &model.handle))
    return reportError(std::string("cannot create model '") + modelName + "' from weights '" +
                       options.weights.value_or("") + "': " + model.describe(status));
  if (options.threads > 0) {
    if (!api.set_threads)
      std::fprintf(stderr, "warning: model '%s' does not support --threads; ignored\n", modelName);
    else if (mc_status status =
                 api.set_threads(model.handle, static_cast<int32_t>(options.threads)))
      return reportError("cannot set threads: " + model.describe(status));
  }

  if (mc_status status = api.run_host(model.handle, inputs.data(), outputs.data()))
    return reportError(std::string("running model '") + modelName +
                       "' failed: " + model.describe(status));
  for (int32_t i = 0; i < api.num_outputs; ++i) {
    const mc_tensor_desc &desc = api.outputs[i];
    std::string path = (outputDir / outputFileName(desc.name)).string();
    if (mc_npy_write(path.c_str(), desc.dtype, desc.rank, desc.shape, outputs[i]) != MC_OK)
      return reportError("cannot write output '" + std::string(desc.name) + "' to '" + path + "'");
  }

  if (options.bench > 0) {
    int32_t iters = static_cast<int32_t>(options.bench);
    int32_t warmup = options.warmup < 0 ? 1 : static_cast<int32_t>(options.warmup);
    std::vector<double> times(static_cast<size_t>(iters));
    if (api.bench) {
      if (mc_status status = api.bench(model.handle, inputs.data(), warmup, iters, times.data()))
        return reportError("benchmark failed: " + model.describe(status));
    } else {
      using Clock = std::chrono::steady_clock;
      for (int32_t i = 0; i < warmup + iters; ++i) {
        Clock::time_point start = Clock::now();
        if (mc_status status = api.run_host(model.handle, inputs.data(), outputs.data()))
          return reportError("benchmark failed: " + model.describe(status));
        if (i >= warmup)
          times[static_cast<size_t>(i - warmup)] =
              std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      }
    }
    printLatency(times);
  }
  return 0;
}

} // namespace

extern "C" int mc_runner_main(const mc_model_api *api, const char *default_weights_path, int argc,
                              char **argv) {
  try {
    if (!api)
      return reportError("no model api");
    return runMain(*api, default_weights_path, argc, argv);
  } catch (const std::bad_alloc &) {
    return reportError("out of memory");
  } catch (const std::exception &e) {
    return reportError(e.what());
  } catch (...) {
    return reportError("unexpected failure");
  }
}
