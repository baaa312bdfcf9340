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
  bool profile = false; ///< --profile: per-kernel times of the --bench runs.
  std::optional<std::pair<std::string, int64_t>> dim; ///< --dim NAME=SIZE.
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
      "  --profile          time every kernel over the --bench runs (default 1) and print\n"
      "                     them sorted (bundles compiled with modelc --profile)\n"
      "  --dim NAME=SIZE    size of the dynamic dimension NAME (bundles compiled with\n"
      "                     modelc --dim; default: its maximum)\n"
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
    if (arg == "--profile") {
      options.profile = true;
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
                                          "threads", "weights",    "seed",  "dim"};
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
    } else if (name == "dim") {
      size_t split = value.find('=');
      int64_t size = 0;
      if (split == std::string::npos || split == 0 ||
          !parseInteger(value.substr(split + 1), 0, INT64_C(1) << 40, size)) {
        message = "option --dim expects NAME=SIZE with a size >= 0, got '" + value + "'";
        return false;
      }
      options.dim.emplace(value.substr(0, split), size);
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
/// integers in [-5, 5], unsigned integers in [0, 10], bools 0/1 (2-bit integers over their
/// range, 8- and 4-bit floats as small finite bit patterns). The mapping from raw 64-bit
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
    case MC_DTYPE_INT4: // the low bits of the byte
      put(i, static_cast<uint8_t>(integer(-5, 5) & 0xF));
      break;
    case MC_DTYPE_INT2:
      put(i, static_cast<uint8_t>(integer(-2, 1) & 0x3));
      break;
    case MC_DTYPE_UINT4:
      put(i, static_cast<uint8_t>(integer(0, 10)));
      break;
    case MC_DTYPE_UINT2:
      put(i, static_cast<uint8_t>(integer(0, 3)));
      break;
    default: // float8, FLOAT4E2M1, FLOAT8E8M0: random finite bit patterns of small values
      if (mc_dtype_size(dtype) == 1)
        put(i, static_cast<uint8_t>(dtype == MC_DTYPE_FLOAT4E2M1 ? integer(0, 15)
                                                                 : integer(0x20, 0x40)));
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

/// Prints the kernel_profile table: kernels by accumulated time, largest first.
void printProfile(const mc_profile_api &profile, const std::vector<double> &ms, int64_t runs) {
  std::vector<int32_t> order(static_cast<size_t>(profile.num_kernels));
  double total = 0;
  size_t nameWidth = 6, opWidth = 2;
  for (int32_t i = 0; i < profile.num_kernels; ++i) {
    order[static_cast<size_t>(i)] = i;
    total += ms[static_cast<size_t>(i)];
    nameWidth = std::max(nameWidth, std::strlen(profile.kernel_names[i]));
    opWidth = std::max(opWidth, std::strlen(profile.kernel_ops[i]));
  }
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return ms[static_cast<size_t>(a)] > ms[static_cast<size_t>(b)];
  });
  double perRun = runs > 0 ? static_cast<double>(runs) : 1.0;
  std::printf("kernel_profile runs=%lld kernels=%d kernel_ms_per_run=%.6f\n",
              static_cast<long long>(runs), static_cast<int>(profile.num_kernels), total / perRun);
  std::printf("  %7s  %13s  %-*s  %-*s  %s\n", "share", "mean", static_cast<int>(nameWidth),
              "kernel", static_cast<int>(opWidth), "op", "ONNX node(s)");
  for (int32_t i : order) {
    double t = ms[static_cast<size_t>(i)];
    std::printf("  %6.2f%%  %10.6f ms  %-*s  %-*s  %s\n", total > 0 ? 100.0 * t / total : 0.0,
                t / perRun, static_cast<int>(nameWidth), profile.kernel_names[i],
                static_cast<int>(opWidth), profile.kernel_ops[i], profile.kernel_nodes[i]);
  }
  std::fflush(stdout);
}

int runMain(const mc_model_api &api, const mc_profile_api *profile, const mc_dim_api *dim,
            const char *defaultWeights, int argc, char **argv) {
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
  if (options.profile && !profile)
    return reportError("this bundle has no kernel timers; compile the model with "
                       "`modelc --profile` for --profile");
  if (profile && (profile->num_kernels < 0 || !profile->read || !profile->reset ||
                  (profile->num_kernels > 0 &&
                   (!profile->kernel_names || !profile->kernel_ops || !profile->kernel_nodes))))
    return reportError("the model's profile table is incomplete");
  if (options.profile && options.bench == 0)
    options.bench = 1;

  // The tensors' shapes: the descriptors', with --dim's size along the dynamic dimension.
  std::vector<mc_tensor_desc> inputDescs(api.inputs, api.inputs + api.num_inputs);
  std::vector<mc_tensor_desc> outputDescs(api.outputs, api.outputs + api.num_outputs);
  std::vector<std::vector<int64_t>> shapes;
  shapes.reserve(inputDescs.size() + outputDescs.size());
  if (options.dim) {
    if (!dim || !dim->name || !dim->run || (api.num_inputs > 0 && !dim->input_axes) ||
        (api.num_outputs > 0 && !dim->output_axes))
      return reportError("this bundle has no dynamic dimension; compile the model with "
                         "`modelc --dim NAME=MIN:MAX` for --dim");
    if (options.dim->first != dim->name)
      return reportError("unknown dimension '" + options.dim->first +
                         "'; the bundle's dynamic dimension is '" + dim->name + "'");
    auto resize = [&](std::vector<mc_tensor_desc> &descs, const int32_t *axes) {
      for (size_t i = 0; i < descs.size(); ++i) {
        int32_t axis = axes[i];
        if (axis < 0 || axis >= descs[i].rank)
          continue;
        shapes.emplace_back(descs[i].shape, descs[i].shape + descs[i].rank);
        shapes.back()[static_cast<size_t>(axis)] = options.dim->second;
        descs[i].shape = shapes.back().data();
      }
    };
    resize(inputDescs, dim->input_axes);
    resize(outputDescs, dim->output_axes);
  }
  auto runModel = [&](void *handle, const void *const *in, void *const *out) {
    return options.dim ? dim->run(handle, options.dim->second, in, out)
                       : api.run_host(handle, in, out);
  };

  // Inputs: from files where given, seeded random values otherwise.
  std::vector<AlignedPtr> inputData(static_cast<size_t>(api.num_inputs));
  std::vector<bool> given(inputData.size(), false);
  for (const auto &[name, file] : options.inputs) {
    int32_t index = 0;
    while (index < api.num_inputs && name != inputDescs[index].name)
      ++index;
    if (index == api.num_inputs) {
      std::string valid;
      for (int32_t i = 0; i < api.num_inputs; ++i)
        valid += std::string(i ? ", '" : "'") + inputDescs[i].name + "'";
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
    const mc_tensor_desc &desc = inputDescs[index];
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
    if (given[i] || descBytes(inputDescs[i]) == 0)
      continue;
    inputData[i].reset(mc_aligned_alloc(descBytes(inputDescs[i])));
    if (!inputData[i])
      return reportError("out of memory allocating input '" + std::string(inputDescs[i].name) +
                         "'");
    fillRandom(inputData[i].get(), inputDescs[i].dtype, mc_tensor_numel(&inputDescs[i]),
               options.seed + static_cast<uint64_t>(i));
  }
  std::vector<AlignedPtr> outputData(static_cast<size_t>(api.num_outputs));
  for (int32_t i = 0; i < api.num_outputs; ++i) {
    uint64_t bytes = descBytes(outputDescs[i]);
    outputData[i].reset(mc_aligned_alloc(bytes));
    if (bytes > 0 && !outputData[i])
      return reportError("out of memory allocating output '" + std::string(outputDescs[i].name) +
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

  if (mc_status status = runModel(model.handle, inputs.data(), outputs.data()))
    return reportError(std::string("running model '") + modelName +
                       "' failed: " + model.describe(status));
  for (int32_t i = 0; i < api.num_outputs; ++i) {
    const mc_tensor_desc &desc = outputDescs[i];
    // Outputs whose size depends on data have their actual shape from the model.
    int64_t dims[MC_MAX_RANK];
    const int64_t *shape = desc.shape;
    if (api.output_shape) {
      if (mc_status status = api.output_shape(model.handle, i, dims))
        return reportError("cannot get the shape of output '" + std::string(desc.name) +
                           "': " + model.describe(status));
      bool fits = true;
      int64_t numel = 1;
      for (int32_t d = 0; d < desc.rank; ++d) {
        fits = fits && dims[d] >= 0;
        numel *= dims[d] < 0 ? 0 : dims[d];
      }
      if (!fits || numel > mc_tensor_numel(&desc))
        return reportError("output '" + std::string(desc.name) + "' has shape " +
                           mc::describeTensor(desc.dtype, desc.rank, dims) +
                           ", which does not fit its buffer " +
                           mc::describeTensor(desc.dtype, desc.rank, desc.shape));
      shape = dims;
    }
    std::string path = (outputDir / outputFileName(desc.name)).string();
    if (mc_npy_write(path.c_str(), desc.dtype, desc.rank, shape, outputs[i]) != MC_OK)
      return reportError("cannot write output '" + std::string(desc.name) + "' to '" + path + "'");
  }

  if (options.bench > 0) {
    int32_t iters = static_cast<int32_t>(options.bench);
    int32_t warmup = options.warmup < 0 ? 1 : static_cast<int32_t>(options.warmup);
    std::vector<double> times(static_cast<size_t>(iters));
    // With --profile the kernel timers cover exactly the timed runs: reset after the warmup.
    const mc_profile_api *timers = options.profile ? profile : nullptr;
    if (api.bench && !options.dim) {
      if (timers) {
        if (mc_status status = api.bench(model.handle, inputs.data(), warmup, 0, times.data()))
          return reportError("benchmark failed: " + model.describe(status));
        timers->reset(model.handle);
        warmup = 0;
      }
      if (mc_status status = api.bench(model.handle, inputs.data(), warmup, iters, times.data()))
        return reportError("benchmark failed: " + model.describe(status));
    } else {
      using Clock = std::chrono::steady_clock;
      for (int32_t i = 0; i < warmup + iters; ++i) {
        if (timers && i == warmup)
          timers->reset(model.handle);
        Clock::time_point start = Clock::now();
        if (mc_status status = runModel(model.handle, inputs.data(), outputs.data()))
          return reportError("benchmark failed: " + model.describe(status));
        if (i >= warmup)
          times[static_cast<size_t>(i - warmup)] =
              std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      }
    }
    printLatency(times);
    if (timers) {
      std::vector<double> ms(static_cast<size_t>(std::max(timers->num_kernels, 1)), 0.0);
      int64_t runs = 0;
      if (mc_status status = timers->read(model.handle, ms.data(), &runs))
        return reportError("reading the kernel timers failed: " + model.describe(status));
      printProfile(*timers, ms, runs);
    }
  }
  return 0;
}

/// runMain with every exception turned into an error message (the runner never throws).
int guardedRunMain(const mc_model_api *api, const mc_profile_api *profile, const mc_dim_api *dim,
                   const char *default_weights_path, int argc, char **argv) {
  try {
    if (!api)
      return reportError("no model api");
    return runMain(*api, profile, dim, default_weights_path, argc, argv);
  } catch (const std::bad_alloc &) {
    return reportError("out of memory");
  } catch (const std::exception &e) {
    return reportError(e.what());
  } catch (...) {
    return reportError("unexpected failure");
  }
}

} // namespace

extern "C" int mc_runner_main(const mc_model_api *api, const char *default_weights_path, int argc,
                              char **argv) {
  return guardedRunMain(api, nullptr, nullptr, default_weights_path, argc, argv);
}

extern "C" int mc_runner_main_profiled(const mc_model_api *api, const mc_profile_api *profile,
                                       const char *default_weights_path, int argc, char **argv) {
  return guardedRunMain(api, profile, nullptr, default_weights_path, argc, argv);
}

extern "C" int mc_runner_main_dim(const mc_model_api *api, const mc_dim_api *dim,
                                  const char *default_weights_path, int argc, char **argv) {
  return guardedRunMain(api, nullptr, dim, default_weights_path, argc, argv);
}
