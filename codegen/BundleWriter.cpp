//===- BundleWriter.cpp - Writes a modelc source bundle -------------------===//
//
// Turns the planned kernel-dialect function into a bundle: the typed header, the kernel
// sources (C++ or CUDA) with the model object's load/run, the runner, the weights file
// (every kernel.weight at a 64-byte aligned offset), CMakeLists.txt and runtime_min/.
// Output is deterministic: the same module and options give byte-identical files.
//
//===----------------------------------------------------------------------===//

#include "codegen/Emitter.h"
#include "codegen/KernelEmitter.h"
#include "dialects/Graph/ConstantUtils.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Kernel/KernelOps.h"
#include "passes/KernelUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/IndentedOstream.h"

#include "llvm/ADT/StringSet.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <map>

using namespace mlir;
using namespace modelc;

namespace {

struct EmbeddedFile {
  const char *name;
  const char *contents;
};
/// Kernels doing at least this many multiply-adds (roughly) use the thread pool.
constexpr int64_t kParallelWork = 1 << 15;
/// mc_gemm kernels (GEMM, depthwise convolution, im2col) doing at least this much work are
/// split into one part per thread; below it, waking the workers costs more than it saves.
constexpr int64_t kParallelPartsWork = 1 << 18;

const EmbeddedFile kRuntimeMinFiles[] = {
#include "RuntimeMinFiles.inc"
};

struct TensorInfo {
  std::string onnxName, cName, cType;
  int32_t dtype;
  MemRefType type;
};

int32_t onnxDType(Type t) {
  if (t.isF32())
    return 1;
  if (t.isF64())
    return 11;
  if (t.isF16())
    return 10;
  if (t.isBF16())
    return 16;
  if (t.isInteger(1))
    return 9;
  if (isa<Float8E4M3FNType>(t))
    return 17;
  if (isa<Float8E4M3FNUZType>(t))
    return 18;
  if (isa<Float8E5M2Type>(t))
    return 19;
  if (isa<Float8E5M2FNUZType>(t))
    return 20;
  if (isa<graph::Float4E2M1FNType>(t))
    return 23;
  if (isa<graph::Float8E8M0FNUType>(t))
    return 24;
  auto it = cast<IntegerType>(t);
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
  case 2:
    return u ? 25 : 26;
  case 4:
    return u ? 21 : 22;
  case 8:
    return u ? 2 : 3;
  case 16:
    return u ? 4 : 5;
  case 32:
    return u ? 12 : 6;
  default:
    return u ? 13 : 7;
  }
}

const char *dtypeEnum(int32_t d) {
  switch (d) {
  case 1:
    return "MC_DTYPE_FLOAT32";
  case 2:
    return "MC_DTYPE_UINT8";
  case 3:
    return "MC_DTYPE_INT8";
  case 4:
    return "MC_DTYPE_UINT16";
  case 5:
    return "MC_DTYPE_INT16";
  case 6:
    return "MC_DTYPE_INT32";
  case 7:
    return "MC_DTYPE_INT64";
  case 9:
    return "MC_DTYPE_BOOL";
  case 10:
    return "MC_DTYPE_FLOAT16";
  case 11:
    return "MC_DTYPE_FLOAT64";
  case 12:
    return "MC_DTYPE_UINT32";
  case 13:
    return "MC_DTYPE_UINT64";
  case 17:
    return "MC_DTYPE_FLOAT8E4M3FN";
  case 18:
    return "MC_DTYPE_FLOAT8E4M3FNUZ";
  case 19:
    return "MC_DTYPE_FLOAT8E5M2";
  case 20:
    return "MC_DTYPE_FLOAT8E5M2FNUZ";
  case 21:
    return "MC_DTYPE_UINT4";
  case 22:
    return "MC_DTYPE_INT4";
  case 23:
    return "MC_DTYPE_FLOAT4E2M1";
  case 24:
    return "MC_DTYPE_FLOAT8E8M0";
  case 25:
    return "MC_DTYPE_UINT2";
  case 26:
    return "MC_DTYPE_INT2";
  default:
    return "MC_DTYPE_BFLOAT16";
  }
}

std::string cString(StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\%03o", static_cast<unsigned char>(c));
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

LogicalResult writeFile(Operation *anchor, StringRef path, StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream f(path, ec);
  if (ec)
    return anchor->emitError("cannot write '") << path << "': " << ec.message();
  f << contents;
  return success();
}

/// Everything both targets need to know about the planned function.
struct Model {
  func::FuncOp func;
  std::vector<TensorInfo> inputs, outputs;
  llvm::DenseMap<Value, int64_t> argIndex; ///< function argument -> input or output index
  llvm::DenseMap<Operation *, int64_t> weightOffset;
  std::vector<char> weights;
  int64_t arenaBytes = 0;
  /// Outputs whose size depends on data -> their extents buffer (kernel.output_shape).
  std::map<int64_t, Value> outputShapes;
  std::vector<BundleSummary::Weight> weightList; ///< Distinct constants, in file order.
  std::vector<BundleSummary::Kernel> kernels;    ///< Filled by writeSource, in launch order.
};

LogicalResult analyze(ModuleOp module, Model &m) {
  m.func = module.lookupSymbol<func::FuncOp>("main");
  if (!m.func)
    return module.emitError("no function @main to emit");
  if (auto arena = m.func->getAttrOfType<IntegerAttr>("kernel.arena_bytes"))
    m.arenaBytes = arena.getInt();
  else
    return m.func.emitError("function is not memory-planned (run modelc-plan-memory)");
  llvm::StringSet<> usedNames;
  for (BlockArgument arg : m.func.getArguments()) {
    auto io = m.func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "kernel.io");
    auto name = m.func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "graph.name");
    auto type = cast<MemRefType>(arg.getType());
    TensorInfo t;
    t.onnxName = name ? name.str() : ("arg" + std::to_string(arg.getArgNumber()));
    // Element k of a sequence input or output, NAME[k], is the parameter NAME_k.
    StringRef stem = t.onnxName;
    if (stem.ends_with("]") && stem.contains('['))
      stem = stem.drop_back();
    std::string base = sanitizeIdentifier(stem);
    t.cName = base;
    for (int i = 1; !usedNames.insert(t.cName).second; ++i)
      t.cName = base + "_" + std::to_string(i);
    t.cType = cTypeOf(type.getElementType());
    if (t.cType.empty())
      return m.func.emitError("model input/output '")
             << t.onnxName << "' has element type " << type.getElementType()
             << ", not supported by the emitter yet";
    t.dtype = onnxDType(type.getElementType());
    t.type = type;
    bool isOutput = io && io.getValue() == "output";
    std::vector<TensorInfo> &list = isOutput ? m.outputs : m.inputs;
    m.argIndex[arg] = list.size();
    list.push_back(t);
  }
  // Weights: each distinct constant once, 64-byte aligned.
  llvm::DenseMap<Attribute, int64_t> seen;
  WalkResult walk = m.func.walk([&](kernel::WeightOp w) -> WalkResult {
    auto it = seen.find(w.getValue());
    if (it != seen.end()) {
      m.weightOffset[w] = it->second;
      return WalkResult::advance();
    }
    int64_t offset = (m.weights.size() + 63) / 64 * 64;
    // The weights file is built in memory: a constant beyond 16 GiB (typically a splat of a
    // malformed model's huge shape) is an error, not an allocation failure.
    constexpr int64_t kMaxWeightBytes = int64_t(1) << 34;
    auto type = cast<ShapedType>(w.getValue().getType());
    int64_t esize = getElementByteSize(type.getElementType());
    if (type.getNumElements() > kMaxWeightBytes / std::max<int64_t>(esize, 1) ||
        offset > kMaxWeightBytes - type.getNumElements() * esize) {
      w.emitError("constant ") << type << " does not fit the 16 GiB weights limit";
      return WalkResult::interrupt();
    }
    // getConstantBytes checks the byte count against the type and expands splats.
    auto bytes = getConstantBytes(w.getValue());
    if (!bytes) {
      w.emitError("constant data is not available");
      return WalkResult::interrupt();
    }
    m.weights.resize(offset);
    m.weights.insert(m.weights.end(), bytes->begin(), bytes->end());
    m.weightList.push_back({w, offset, static_cast<int64_t>(bytes->size())});
    seen[w.getValue()] = offset;
    m.weightOffset[w] = offset;
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  WalkResult shapes = m.func.walk([&](kernel::OutputShapeOp s) -> WalkResult {
    int64_t i = s.getOutput();
    if (i >= static_cast<int64_t>(m.outputs.size()) ||
        cast<MemRefType>(s.getShape().getType()).getDimSize(0) != m.outputs[i].type.getRank()) {
      s.emitError("no output ") << i << " with one extent per entry of " << s.getShape().getType();
      return WalkResult::interrupt();
    }
    m.outputShapes[i] = s.getShape();
    return WalkResult::advance();
  });
  return failure(shapes.wasInterrupted());
}

/// The C expression of a root buffer's pointer (a model argument, the weights, the arena).
std::string rootExpr(Model &m, Value root, const std::string &ct) {
  if (auto arg = dyn_cast<BlockArgument>(root)) {
    bool isOutput =
        m.func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "kernel.io").getValue() == "output";
    int64_t i = m.argIndex.lookup(arg);
    return isOutput ? "static_cast<" + ct + " *>(outputs[" + std::to_string(i) + "])"
                    : "static_cast<const " + ct + " *>(inputs[" + std::to_string(i) + "])";
  }
  if (auto w = root.getDefiningOp<kernel::WeightOp>())
    return "reinterpret_cast<const " + ct + " *>(weights_ + " +
           std::to_string(m.weightOffset.lookup(w)) + ")";
  auto alloc = root.getDefiningOp<kernel::AllocOp>();
  return "reinterpret_cast<" + ct + " *>(arena_ + " +
         std::to_string(alloc.getOffset().value_or(0)) + ")";
}

/// The C expression of a buffer's pointer inside run().
std::string bufferExpr(Model &m, Value v) {
  auto type = cast<MemRefType>(v.getType());
  std::string ct = cTypeOf(type.getElementType());
  // Views at an element offset (a Concat input written in place) add up along the chain.
  Value root = v;
  int64_t offset = 0;
  while (auto view = root.getDefiningOp<kernel::ViewOp>()) {
    offset += view.getOffset().value_or(0);
    root = view.getSource();
  }
  if (offset != 0)
    return "(" + rootExpr(m, root, ct) + " + " + std::to_string(offset) + ")";
  return rootExpr(m, root, ct);
}

std::string shapeList(MemRefType t) {
  std::string s;
  for (int64_t d : t.getShape())
    s += (s.empty() ? "" : ", ") + std::to_string(d);
  return s.empty() ? "1" : s; // a zero-length array is not valid C++
}

/// A bundle compiled with --dim: the dimension, its compiled chunk sizes and where it lies in
/// each input and output.
struct DimLayout {
  std::string name;  ///< The ONNX dim_param.
  std::string cName; ///< In constant names: kDim<cName>Min.
  std::string param; ///< The C parameter of run().
  int64_t min = 1, max = 1;
  std::vector<int64_t> chunks;                    ///< Compiled sizes, largest first.
  std::vector<int64_t> inputAxes, outputAxes;     ///< 0, or -1 where it does not occur.
  std::vector<int64_t> inputStride, outputStride; ///< Elements per index of the dimension.
  std::vector<int64_t> weightBases;               ///< Per chunk: its weights' offset in the file.
  bool sharedWeights = true; ///< All chunks read the same bytes (weightBases all 0).
};

/// "[N, 3, 8, 8]": the shape with the dynamic dimension named.
std::string dimShapeList(MemRefType t, int64_t axis, StringRef name) {
  std::string s;
  for (auto [d, size] : llvm::enumerate(t.getShape()))
    s += (s.empty() ? "" : ", ") +
         (static_cast<int64_t>(d) == axis ? name.str() : std::to_string(size));
  return s.empty() ? "1" : s;
}

void writeHeader(raw_indented_ostream &os, Model &m, const BundleOptions &o,
                 const DimLayout *dim = nullptr) {
  bool cuda = o.target == "cuda";
  const std::string &n = o.name;
  os << "// " << n << ".h - generated by modelc. Do not edit.\n//\n"
     << "// Typed API of the compiled model: shapes and dtypes as constants, a Model object\n"
     << "// that owns its weights and scratch arena, and a C API (" << n << "_api()).\n"
     << "// Independent Model objects may run concurrently; one object runs one call at a time.\n"
     << "#pragma once\n\n#include <stddef.h>\n#include <stdint.h>\n\n#include \"mc_runtime.h\"\n";
  if (cuda)
    os << "#include <cuda_runtime.h>\n";
  os << "\nnamespace " << n << " {\n\n";
  os << "inline constexpr int kNumInputs = " << m.inputs.size() << ";\n";
  os << "inline constexpr int kNumOutputs = " << m.outputs.size() << ";\n";
  os << "/// Bytes of scratch memory one Model needs (see Model::set_arena).\n";
  os << "inline constexpr uint64_t kArenaBytes = " << m.arenaBytes << ";\n";
  os << "/// Size of " << n << ".weights.bin.\n";
  os << "inline constexpr uint64_t kWeightsBytes = " << m.weights.size() << ";\n\n";
  if (dim) {
    std::string chunks;
    for (int64_t c : llvm::reverse(dim->chunks))
      chunks += (chunks.empty() ? "" : ", ") + std::to_string(c);
    os << "/// Dynamic dimension '" << dim->name << "' (modelc --dim " << dim->name << "="
       << dim->min << ":" << dim->max << "): run(" << dim->param << ", ...) takes its size in\n"
       << "/// [kDim" << dim->cName << "Min, kDim" << dim->cName
       << "Max]. The shapes below have it at its maximum, and buffers are sized for\n"
       << "/// it. The model is compiled for " << dim->name << " = " << chunks
       << " and runs larger sizes as chunks.\n";
    os << "inline constexpr const char *kDimName = " << cString(dim->name) << ";\n";
    os << "inline constexpr int64_t kDim" << dim->cName << "Min = " << dim->min << ";\n";
    os << "inline constexpr int64_t kDim" << dim->cName << "Max = " << dim->max << ";\n\n";
  }
  if (o.profile)
    os << "/// Kernels timed by the profile (modelc --profile), in launch order.\n"
       << "inline constexpr int kNumKernels = " << m.kernels.size() << ";\n\n";
  auto describe = [&](const char *kind, size_t i, const TensorInfo &t) {
    std::string p = std::string(kind) + std::to_string(i);
    bool dynamic = kind[0] == 'O' && m.outputShapes.count(i);
    int64_t axis = -1, stride = 0;
    if (dim) {
      axis = kind[0] == 'I' ? dim->inputAxes[i] : dim->outputAxes[i];
      stride = kind[0] == 'I' ? dim->inputStride[i] : dim->outputStride[i];
    }
    if (axis >= 0)
      os << "/// " << kind << " " << i << ": '" << t.onnxName << "', " << t.cType << " ["
         << dimShapeList(t.type, axis, dim->name) << "], " << dim->name << " in [" << dim->min
         << ", " << dim->max << "]\n";
    else
      os << "/// " << kind << " " << i << ": '" << t.onnxName << "', " << t.cType << " ["
         << shapeList(t.type) << "]"
         << (dynamic ? " at most; the actual shape depends on the data (Model::output_shape)" : "")
         << "\n";
    os << "inline constexpr const char *k" << p << "Name = " << cString(t.onnxName) << ";\n";
    os << "inline constexpr int32_t k" << p << "DType = " << dtypeEnum(t.dtype) << ";\n";
    os << "inline constexpr int32_t k" << p << "Rank = " << t.type.getRank() << ";\n";
    os << "inline constexpr int64_t k" << p << "Shape[] = {" << shapeList(t.type) << "};\n";
    os << "inline constexpr int64_t k" << p << "Elements = " << t.type.getNumElements() << ";\n";
    os << "using " << p << "Type = " << t.cType << ";\n";
    if (kind[0] == 'O')
      os << "inline constexpr bool k" << p << "DynamicShape = " << (dynamic ? "true" : "false")
         << ";\n";
    if (dynamic)
      os << "inline constexpr int64_t k" << p << "MaxShape[] = {" << shapeList(t.type) << "};\n";
    if (dim)
      os << "/// The axis of " << dim->name << " (-1: none) and the elements per index of it.\n"
         << "inline constexpr int32_t k" << p << "DimAxis = " << axis << ";\n"
         << "inline constexpr int64_t k" << p << "DimStride = " << stride << ";\n";
    os << "\n";
  };
  for (auto [i, t] : llvm::enumerate(m.inputs))
    describe("Input", i, t);
  for (auto [i, t] : llvm::enumerate(m.outputs))
    describe("Output", i, t);

  std::string typedParams;
  for (const TensorInfo &t : m.inputs)
    typedParams += (typedParams.empty() ? "" : ", ") + ("const " + t.cType + " *" + t.cName);
  for (const TensorInfo &t : m.outputs)
    typedParams += (typedParams.empty() ? "" : ", ") + (t.cType + " *" + t.cName);

  os << "class Model {\npublic:\n";
  os.indent();
  os << "Model() = default;\n~Model();\nModel(const Model &) = delete;\n"
     << "Model &operator=(const Model &) = delete;\n\n";
  os << "/// Loads " << n << ".weights.bin" << (cuda ? " onto the device" : "")
     << " and allocates the arena unless set_arena() gave one.\n";
  os << "mc_status load(const char *weights_path);\n";
  os << "/// Uses caller-owned " << (cuda ? "device " : "")
     << "memory (64-byte aligned, kArenaBytes long) as scratch; call before load().\n";
  os << "void set_arena(void *arena) { arena_ = static_cast<char *>(arena); }\n";
  os << "/// Worker threads used by run() (CPU only; 1 = the calling thread).\n";
  os << "mc_status set_threads(int threads);\n";
  if (cuda) {
    os << "/// Runs on `stream` with device pointers (outputs overlapping no input and no other\n"
       << "/// output); asynchronous like any launch.\n";
    os << "mc_status run(" << typedParams << ", cudaStream_t stream = 0);\n";
    os << "mc_status run(const void *const *inputs, void *const *outputs, cudaStream_t stream = "
          "0);\n";
    os << "/// Copies host inputs to the device, runs, copies outputs back, synchronizes.\n";
    os << "mc_status run_host(const void *const *inputs, void *const *outputs);\n";
    os << "/// Times `iters` device runs (CUDA events) after `warmup`, on host inputs.\n";
    os << "mc_status bench(const void *const *inputs, int32_t warmup, int32_t iters, double "
          "*out_ms);\n";
  } else if (dim) {
    os << "/// Runs one inference with " << dim->name << " = `" << dim->param
       << "`; inputs and outputs are caller-owned host\n/// buffers of that size, the outputs "
          "overlapping no input and no other output.\n/// A size outside [kDim"
       << dim->cName << "Min, kDim" << dim->cName << "Max] returns MC_ERR_INVALID_ARGUMENT.\n";
    os << "mc_status run(int64_t " << dim->param << ", " << typedParams << ");\n";
    os << "mc_status run(int64_t " << dim->param
       << ", const void *const *inputs, void *const *outputs);\n";
    os << "/// Runs with " << dim->name << " = kDim" << dim->cName
       << "Max (the shapes above; what generic tools use).\n";
    os << "mc_status run(const void *const *inputs, void *const *outputs);\n";
  } else {
    os << "/// Runs one inference; inputs and outputs are caller-owned host buffers, the outputs\n"
       << "/// overlapping no input and no other output (kernels write them directly; after an\n"
       << "/// error their contents are unspecified).\n";
    os << "mc_status run(" << typedParams << ");\n";
    os << "mc_status run(const void *const *inputs, void *const *outputs);\n";
  }
  os << "/// Shape of output `index` after the last successful run: kOutputNShape, or for an\n"
     << "/// output with kOutputNDynamicShape the actual extents (its buffer, sized for\n"
     << "/// kOutputNMaxShape, then holds the values row-major in its first elements). `dims` has\n"
     << "/// room for kOutputNRank values."
     << (cuda ? " Reads device memory: after run(stream), synchronize first." : "") << "\n";
  os << "mc_status output_shape(int32_t index, int64_t *dims) const;\n";
  os << "/// Why the last call failed, naming the ONNX node where there is one.\n";
  os << "const char *last_error() const { return error_; }\n";
  if (o.profile)
    os << "/// Kernel timers: milliseconds per kernel (kNumKernels values) accumulated since the\n"
       << "/// last profile_reset(), and the number of runs they cover.\n"
       << "mc_status profile_read(double *ms, int64_t *runs) const;\n"
       << "void profile_reset();\n";
  os.unindent();
  os << "\nprivate:\n";
  os.indent();
  os << "const char *weights_ = nullptr;\nchar *arena_ = nullptr;\nbool owns_arena_ = false;\n"
     << "mc_thread_pool *pool_ = nullptr;\nchar error_[256] = {0};\n";
  if (!cuda)
    os << "/// Per-thread scratch of the GEMM and convolution kernels (packing buffers).\n"
       << "float *scratch_ = nullptr;\nint32_t scratch_parts_ = 0;\n"
       << "mc_status reserve_scratch(int32_t parts);\n";
  if (dim)
    os << "int64_t dim_ = kDim" << dim->cName << "Max; ///< " << dim->name
       << " of the last successful run\n";
  if (cuda)
    os << "void *host_io_[" << std::max<size_t>(1, m.inputs.size() + m.outputs.size())
       << "] = {nullptr};\nint *status_ = nullptr;\n";
  if (o.profile) {
    size_t k = std::max<size_t>(1, m.kernels.size());
    os << "double profile_ms_[" << k << "] = {0};\nint64_t profile_runs_ = 0;\n";
    if (cuda)
      os << "cudaEvent_t profile_events_[" << 2 * k << "] = {}; ///< start, stop per kernel\n";
  }
  os.unindent();
  os << "};\n\n} // namespace " << n << "\n\n";
  os << "extern \"C\" {\n";
  os << "/// C API: the same model behind an opaque handle.\n";
  os << "mc_status " << n << "_create(const char *weights_path, void **model);\n";
  os << "void " << n << "_destroy(void *model);\n";
  os << "mc_status " << n
     << "_run(void *model, const void *const *inputs, void *const *outputs);\n";
  os << "mc_status " << n << "_output_shape(void *model, int32_t index, int64_t *dims);\n";
  if (dim)
    os << "/// run() with " << dim->name << " = n.\n"
       << "mc_status " << n
       << "_run_dim(void *model, int64_t n, const void *const *inputs, void *const *outputs);\n"
       << "/// The dynamic dimension's table (NAME_runner --dim).\n"
       << "const mc_dim_api *" << n << "_dim_api(void);\n";
  os << "/// Table for generic tools such as the runner.\n";
  os << "const mc_model_api *" << n << "_api(void);\n";
  if (o.profile)
    os << "/// The kernel timers' table (NAME_runner --profile).\n"
       << "const mc_profile_api *" << n << "_profile_api(void);\n";
  os << "}\n";
}

/// With --profile, brackets one kernel launch in run() with its timer: the constructor
/// starts it, the destructor stops it and adds to profile_ms_[index] (CPU: mc_now_ms around
/// the synchronous launch; CUDA: a start and a stop event on the stream, read at the end of
/// run()). Without --profile it emits nothing.
class KernelTimer {
public:
  KernelTimer(raw_indented_ostream &os, const BundleOptions &o, size_t index)
      : os(os), enabled(o.profile), cuda(o.target == "cuda"), index(index) {
    if (!enabled)
      return;
    if (cuda) {
      os << "cudaEventRecord(profile_events_[" << 2 * index << "], stream);\n";
      return;
    }
    os << "{\n";
    os.indent();
    os << "const double profile_start = mc_now_ms();\n";
  }
  ~KernelTimer() {
    if (!enabled)
      return;
    if (cuda) {
      os << "cudaEventRecord(profile_events_[" << 2 * index + 1 << "], stream);\n";
      return;
    }
    os << "profile_ms_[" << index << "] += mc_now_ms() - profile_start;\n";
    os.unindent();
    os << "}\n";
  }
  KernelTimer(const KernelTimer &) = delete;
  KernelTimer &operator=(const KernelTimer &) = delete;

private:
  raw_indented_ostream &os;
  bool enabled, cuda;
  size_t index;
};

/// One kernel launch of run(): the emitted kernel and what it computes.
struct Call {
  EmittedKernel kernel;
  std::string node;
  std::string op;
};

/// Prints one function per kernel of `m` in program order (into the current namespace) and
/// records them in m.kernels.
FailureOr<std::vector<Call>> emitKernels(raw_indented_ostream &os, Model &m,
                                         const BundleOptions &o) {
  KernelEmitter emitter(os, o.target == "cuda" ? Target::Cuda : Target::Cpu);
  std::vector<Call> calls;
  int index = 0;
  for (Operation &op : m.func.getBody().front()) {
    if (getWrittenBuffers(&op).empty())
      continue;
    auto k = emitter.emit(&op, index++);
    if (failed(k))
      return failure();
    std::string node = describeLocation(op.getLoc());
    calls.push_back({*k, node.empty() ? op.getName().getStringRef().str() : node,
                     op.getName().getStringRef().str()});
    m.kernels.push_back({k->name, &op});
  }
  return calls;
}

/// CPU: `constexpr int64_t kScratchFloats`, the scratch floats each thread needs: the largest
/// need of the partitioned kernels among `calls` (C++ expressions of their configurations, so
/// it goes in the namespace of the kernels), or of the expressions in `needs`, rounded to 64
/// bytes.
void emitScratchFloats(raw_indented_ostream &os, const std::vector<Call> &calls,
                       std::string needs = "", StringRef of = "kernels") {
  for (const Call &c : calls)
    if (c.kernel.partitioned)
      needs += (needs.empty() ? "" : ", ") + c.kernel.scratchFloats;
  os << "/// Scratch floats each thread needs (the largest of the " << of << "' needs).\n"
     << "constexpr int64_t kScratchFloats = (mc_gemm::maxOf(" << (needs.empty() ? "0" : needs)
     << ") + 15) / 16 * 16;\n\n";
}

/// The body of run() that launches `calls` in order (buffers through bufferExpr).
void emitLaunches(raw_indented_ostream &os, Model &m, const std::vector<Call> &calls,
                  const BundleOptions &o) {
  bool cuda = o.target == "cuda";
  for (const Call &c : calls) {
    KernelTimer timer(os, o, &c - calls.data());
    std::string args;
    for (Value v : c.kernel.args)
      args += (args.empty() ? "" : ", ") + bufferExpr(m, v);
    if (cuda) {
      int64_t blocks = std::clamp<int64_t>((c.kernel.iterations + 255) / 256, 1, 65535);
      if (c.kernel.canFail)
        args += ", status_";
      os << c.kernel.name << "<<<" << blocks << ", 256, 0, stream>>>(" << args << ");\n";
      os << "if (cudaError_t e = cudaGetLastError(); e != cudaSuccess) {\n"
         << "  snprintf(error_, sizeof(error_), \"kernel " << c.kernel.name << " (ONNX node "
         << cString(c.node).substr(1, cString(c.node).size() - 2)
         << "): %s\", cudaGetErrorString(e));\n"
         << "  return MC_ERR_DEVICE;\n}\n";
    } else {
      // Kernels with enough work run on the thread pool (serially when there is none).
      bool parallel = c.kernel.iterations > 1 &&
                      c.kernel.iterations * c.kernel.costPerIteration >= kParallelWork;
      os << "{\n";
      os.indent();
      if (c.kernel.partitioned) {
        // One part per thread, each with its own scratch (see mc_gemm.h).
        bool split = c.kernel.costPerIteration >= kParallelPartsWork;
        os << "const int32_t parts = " << (split ? "mc_thread_pool_size(pool_)" : "1") << ";\n";
        os << c.kernel.name << "_args a{" << args
           << ", mc_gemm::Parts{parts, scratch_, kScratchFloats}};\n";
        os << "mc_parallel_for(" << (split ? "pool_" : "nullptr") << ", parts, " << c.kernel.name
           << ", &a);\n";
        os.unindent();
        os << "}\n";
        continue;
      }
      os << c.kernel.name << "_args a{" << args << (c.kernel.canFail ? ", false" : "") << "};\n";
      os << "mc_parallel_for(" << (parallel ? "pool_" : "nullptr") << ", " << c.kernel.iterations
         << ", " << c.kernel.name << ", &a);\n";
      if (c.kernel.canFail)
        os << "if (a.failed) {\n  snprintf(error_, sizeof(error_), \"index out of range in ONNX "
           << "node " << cString(c.node).substr(1, cString(c.node).size() - 2)
           << "\");\n  return MC_ERR_INVALID_ARGUMENT;\n}\n";
      os.unindent();
      os << "}\n";
    }
  }
}

/// ~Model, Model::load, Model::set_threads and (CPU) Model::reserve_scratch.
void emitLoad(raw_indented_ostream &os, Model &m, const BundleOptions &o) {
  bool cuda = o.target == "cuda";
  // load / destroy.
  os << "Model::~Model() {\n";
  if (cuda)
    os << "  cudaFree(const_cast<char *>(weights_));\n  if (owns_arena_) cudaFree(arena_);\n"
       << "  cudaFree(status_);\n  for (void *p : host_io_) cudaFree(p);\n"
       << (o.profile ? "  for (cudaEvent_t e : profile_events_)\n    if (e) cudaEventDestroy(e);\n"
                     : "");
  else
    os << "  mc_aligned_free(const_cast<char *>(weights_));\n  if (owns_arena_) "
          "mc_aligned_free(arena_);\n"
       << "  mc_aligned_free(scratch_);\n  mc_thread_pool_destroy(pool_);\n";
  os << "}\n\n";
  os << "mc_status Model::load(const char *weights_path) {\n";
  os.indent();
  os << "void *host = nullptr;\nuint64_t size = 0;\n"
     << "mc_status st = mc_read_file_aligned(weights_path, kWeightsBytes, &host, &size);\n"
     << "if (st != MC_OK) {\n  snprintf(error_, sizeof(error_), \"cannot load weights '%s': %s\", "
        "weights_path ? weights_path : \"(null)\", mc_status_string(st));\n  return st;\n}\n";
  if (cuda) {
    os << "void *dev = nullptr;\n"
       << "if (kWeightsBytes && (cudaMalloc(&dev, kWeightsBytes) != cudaSuccess ||\n"
       << "    cudaMemcpy(dev, host, kWeightsBytes, cudaMemcpyHostToDevice) != cudaSuccess)) {\n"
       << "  mc_aligned_free(host);\n  snprintf(error_, sizeof(error_), \"weights upload: %s\", "
          "cudaGetErrorString(cudaGetLastError()));\n  return MC_ERR_DEVICE;\n}\n"
       << "mc_aligned_free(host);\nweights_ = static_cast<const char *>(dev);\n"
       << "if (!arena_ && kArenaBytes) {\n  void *a = nullptr;\n"
       << "  if (cudaMalloc(&a, kArenaBytes) != cudaSuccess) return MC_ERR_DEVICE;\n"
       << "  arena_ = static_cast<char *>(a);\n  owns_arena_ = true;\n}\n"
       << "if (cudaMalloc(reinterpret_cast<void **>(&status_), sizeof(int)) != cudaSuccess) return "
          "MC_ERR_DEVICE;\n"
       << "cudaMemset(status_, 0, sizeof(int));\n";
    if (o.profile)
      os << "for (cudaEvent_t &e : profile_events_)\n"
         << "  if (!e && cudaEventCreate(&e) != cudaSuccess) return MC_ERR_DEVICE;\n";
    size_t i = 0;
    for (const TensorInfo &t : m.inputs)
      os << "if (cudaMalloc(&host_io_[" << i++ << "], " << t.type.getNumElements() << " * sizeof("
         << t.cType << ")) != cudaSuccess) return MC_ERR_DEVICE;\n";
    for (const TensorInfo &t : m.outputs)
      os << "if (cudaMalloc(&host_io_[" << i++ << "], " << t.type.getNumElements() << " * sizeof("
         << t.cType << ")) != cudaSuccess) return MC_ERR_DEVICE;\n";
  } else {
    os << "weights_ = static_cast<const char *>(host);\n"
       << "if (!arena_ && kArenaBytes) {\n  arena_ = static_cast<char "
          "*>(mc_aligned_alloc(kArenaBytes));\n"
       << "  if (!arena_) return MC_ERR_OUT_OF_MEMORY;\n  owns_arena_ = true;\n}\n"
       << "if (!scratch_) {\n  st = reserve_scratch(mc_thread_pool_size(pool_));\n"
       << "  if (st != MC_OK) return st;\n}\n";
  }
  os << "return MC_OK;\n";
  os.unindent();
  os << "}\n\n";
  os << "mc_status Model::set_threads(int threads) {\n";
  if (cuda)
    os << "  (void)threads;\n  return MC_OK;\n}\n\n";
  else
    os << "  mc_thread_pool_destroy(pool_);\n  pool_ = nullptr;\n"
       << "  mc_status st = threads == 1 ? MC_OK : mc_thread_pool_create(threads, &pool_);\n"
       << "  if (st != MC_OK) return st;\n"
       << "  return reserve_scratch(mc_thread_pool_size(pool_));\n}\n\n"
       << "mc_status Model::reserve_scratch(int32_t parts) {\n"
       << "  if (parts <= scratch_parts_) return MC_OK;\n"
       << "  mc_aligned_free(scratch_);\n  scratch_parts_ = 0;\n"
       << "  scratch_ = static_cast<float *>(mc_aligned_alloc((uint64_t(parts) * kScratchFloats + "
          "16) * sizeof(float)));\n"
       << "  if (!scratch_) return MC_ERR_OUT_OF_MEMORY;\n"
       << "  scratch_parts_ = parts;\n  return MC_OK;\n}\n\n";
}

/// The C API (NAME_create/destroy/run/output_shape), the mc_model_api table and, with
/// --profile, the kernel timers' table.
void emitCApi(raw_indented_ostream &os, Model &m, const std::vector<Call> &calls,
              const BundleOptions &o) {
  bool cuda = o.target == "cuda";
  const std::string &n = o.name;
  // C API and api table.
  os << "extern \"C\" {\n\n";
  os << "mc_status " << n << "_create(const char *weights_path, void **model) {\n"
     << "  if (!model) return MC_ERR_INVALID_ARGUMENT;\n"
     << "  auto *m = new (std::nothrow) " << n << "::Model();\n"
     << "  *model = m;\n  if (!m) return MC_ERR_OUT_OF_MEMORY;\n"
     << "  return m->load(weights_path);\n}\n\n";
  os << "void " << n << "_destroy(void *model) { delete static_cast<" << n
     << "::Model *>(model); }\n\n";
  os << "mc_status " << n
     << "_run(void *model, const void *const *inputs, void *const *outputs) {\n"
     << "  if (!model) return MC_ERR_INVALID_ARGUMENT;\n"
     << "  return static_cast<" << n << "::Model *>(model)->" << (cuda ? "run_host" : "run")
     << "(inputs, outputs);\n}\n\n";
  os << "mc_status " << n << "_output_shape(void *model, int32_t index, int64_t *dims) {\n"
     << "  if (!model) return MC_ERR_INVALID_ARGUMENT;\n"
     << "  return static_cast<" << n << "::Model *>(model)->output_shape(index, dims);\n}\n\n";
  os << "} // extern \"C\"\n\nnamespace {\n";
  os << "mc_status setThreads(void *model, int32_t threads) {\n"
     << "  return static_cast<" << n << "::Model *>(model)->set_threads(threads);\n}\n";
  os << "const char *lastError(void *model) {\n"
     << "  return static_cast<" << n << "::Model *>(model)->last_error();\n}\n";
  if (cuda) {
    os << "mc_status benchDevice(void *handle, const void *const *inputs, int32_t warmup, "
          "int32_t iters, double *out_ms) {\n"
       << "  return static_cast<" << n
       << "::Model *>(handle)->bench(inputs, warmup, iters, out_ms);\n}\n";
  }
  auto table = [&](const char *kind, const std::vector<TensorInfo> &list) {
    for (auto [i, t] : llvm::enumerate(list))
      os << "const int64_t k" << kind << "Shape" << i << "[] = {" << shapeList(t.type) << "};\n";
    os << "const mc_tensor_desc k" << kind << "Desc[] = {\n";
    for (auto [i, t] : llvm::enumerate(list))
      os << "  {" << cString(t.onnxName) << ", " << dtypeEnum(t.dtype) << ", " << t.type.getRank()
         << ", k" << kind << "Shape" << i << "},\n";
    if (list.empty())
      os << "  {\"\", 0, 0, nullptr},\n";
    os << "};\n";
  };
  table("Input", m.inputs);
  table("Output", m.outputs);
  if (o.profile) {
    os << "mc_status profileRead(void *model, double *ms, int64_t *runs) {\n"
       << "  return static_cast<" << n << "::Model *>(model)->profile_read(ms, runs);\n}\n"
       << "void profileReset(void *model) { static_cast<" << n
       << "::Model *>(model)->profile_reset(); }\n";
    auto names = [&](const char *array, auto field) {
      os << "const char *const " << array << "[] = {\n";
      for (const Call &c : calls)
        os << "  " << cString(field(c)) << ",\n";
      if (calls.empty())
        os << "  \"\",\n";
      os << "};\n";
    };
    names("kKernelNames", [](const Call &c) { return c.kernel.name; });
    names("kKernelOps", [](const Call &c) { return c.op; });
    names("kKernelNodes", [](const Call &c) { return c.node; });
  }
  os << "} // namespace\n\n";
  os << "extern \"C\" const mc_model_api *" << n << "_api(void) {\n"
     << "  static const mc_model_api api = {\n"
     << "      " << cString(n) << ", " << cString(o.target) << ", " << n
     << "::kNumInputs, kInputDesc, " << n << "::kNumOutputs, kOutputDesc,\n"
     << "      " << n << "::kArenaBytes, " << n << "::kWeightsBytes, " << n << "_create, " << n
     << "_destroy, " << n << "_run,\n      " << (cuda ? "benchDevice" : "nullptr")
     << ", setThreads, lastError, " << n << "_output_shape};\n  return &api;\n}\n";
  if (o.profile)
    os << "\nextern \"C\" const mc_profile_api *" << n << "_profile_api(void) {\n"
       << "  static const mc_profile_api api = {" << n
       << "::kNumKernels, kKernelNames, kKernelOps, kKernelNodes,\n"
       << "                                     profileRead, profileReset};\n"
       << "  return &api;\n}\n";
}

LogicalResult writeSource(raw_indented_ostream &os, Model &m, const BundleOptions &o) {
  bool cuda = o.target == "cuda";
  const std::string &n = o.name;
  os << "// " << n << (cuda ? ".cu" : ".cpp")
     << " - generated by modelc. Do not edit.\n//\n// One function per kernel, in program "
        "order, each naming the ONNX node(s) it computes;\n// then the Model object's load and "
        "run.\n";
  os << "#include \"" << n
     << ".h\"\n\n#include <math.h>\n#include <stdio.h>\n#include <string.h>\n";
  os << "\n#include <new>\n";
  if (!cuda)
    os << "#include <cmath>\n#include <cstdint>\n\n#include \"mc_gemm.h\"\n";
  // Scalar helpers (narrow float formats) always; the kernel library where a kernel.call
  // needs it, since it is the largest header of runtime_min.
  os << "\n#include \"mc_scalar.h\"\n";
  bool usesLibrary = false;
  m.func.walk([&](kernel::CallOp) { usesLibrary = true; });
  if (usesLibrary)
    os << "#include \"mc_kernels.h\"\n";
  os << "\nnamespace {\n\n";
  FailureOr<std::vector<Call>> emitted = emitKernels(os, m, o);
  if (failed(emitted))
    return failure();
  std::vector<Call> &calls = *emitted;
  if (!cuda)
    emitScratchFloats(os, calls);
  os << "} // namespace\n\nnamespace " << n << " {\n\n";

  emitLoad(os, m, o);

  // run.
  os << "mc_status Model::run(const void *const *inputs, void *const *outputs"
     << (cuda ? ", cudaStream_t stream" : "") << ") {\n";
  os.indent();
  if (m.inputs.empty())
    os << "(void)inputs; // the model has no inputs\n";
  os << "if (" << (m.inputs.empty() ? "" : "!inputs || ")
     << "!outputs) return MC_ERR_INVALID_ARGUMENT;\n";
  os << "if (" << (m.weights.empty() ? "false" : "!weights_") << " || (kArenaBytes && !arena_)"
     << (cuda ? "" : " || !scratch_") << ") {\n"
     << "  snprintf(error_, sizeof(error_), \"model not loaded\");\n  return "
        "MC_ERR_INVALID_ARGUMENT;\n}\n";
  emitLaunches(os, m, calls, o);
  if (o.profile) {
    if (cuda && !calls.empty())
      os << "if (cudaEventSynchronize(profile_events_[" << 2 * calls.size() - 1
         << "]) != cudaSuccess) return MC_ERR_DEVICE;\n"
         << "for (int i = 0; i < kNumKernels; ++i) {\n  float ms = 0;\n"
         << "  cudaEventElapsedTime(&ms, profile_events_[2 * i], profile_events_[2 * i + 1]);\n"
         << "  profile_ms_[i] += ms;\n}\n";
    os << "++profile_runs_;\n";
  }
  os << "return MC_OK;\n";
  os.unindent();
  os << "}\n\n";
  // Output shapes: static ones from the header, data-dependent ones from their extents
  // buffers in the arena, where the last run left them.
  os << "mc_status Model::output_shape(int32_t index, int64_t *dims) const {\n";
  os.indent();
  os << "if (!dims) return MC_ERR_INVALID_ARGUMENT;\nswitch (index) {\n";
  for (size_t i = 0; i < m.outputs.size(); ++i) {
    std::string rank = "kOutput" + std::to_string(i) + "Rank";
    os << "case " << i << ":\n";
    auto it = m.outputShapes.find(i);
    if (it == m.outputShapes.end()) {
      os << "  memcpy(dims, kOutput" << i << "Shape, sizeof(int64_t) * " << rank
         << ");\n  return MC_OK;\n";
      continue;
    }
    os << "  if (!arena_) return MC_ERR_INVALID_ARGUMENT;\n";
    if (cuda)
      os << "  return cudaMemcpy(dims, " << bufferExpr(m, it->second) << ", sizeof(int64_t) * "
         << rank << ", cudaMemcpyDeviceToHost) == cudaSuccess ? MC_OK : MC_ERR_DEVICE;\n";
    else
      os << "  memcpy(dims, " << bufferExpr(m, it->second) << ", sizeof(int64_t) * " << rank
         << ");\n  return MC_OK;\n";
  }
  os << "default:\n  return MC_ERR_INVALID_ARGUMENT;\n}\n";
  os.unindent();
  os << "}\n\n";
  if (o.profile)
    os << "mc_status Model::profile_read(double *ms, int64_t *runs) const {\n"
       << "  if (!ms || !runs) return MC_ERR_INVALID_ARGUMENT;\n"
       << "  for (int i = 0; i < kNumKernels; ++i) ms[i] = profile_ms_[i];\n"
       << "  *runs = profile_runs_;\n  return MC_OK;\n}\n\n"
       << "void Model::profile_reset() {\n  for (double &t : profile_ms_) t = 0;\n"
       << "  profile_runs_ = 0;\n}\n\n";
  // Typed run.
  std::string typedParams, inArr, outArr;
  for (const TensorInfo &t : m.inputs) {
    typedParams += (typedParams.empty() ? "" : ", ") + ("const " + t.cType + " *" + t.cName);
    inArr += (inArr.empty() ? "" : ", ") + t.cName;
  }
  for (const TensorInfo &t : m.outputs) {
    typedParams += (typedParams.empty() ? "" : ", ") + (t.cType + " *" + t.cName);
    outArr += (outArr.empty() ? "" : ", ") + t.cName;
  }
  os << "mc_status Model::run(" << typedParams << (cuda ? ", cudaStream_t stream" : "") << ") {\n";
  os << "  const void *inputs[] = {" << (inArr.empty() ? "nullptr" : inArr) << "};\n";
  os << "  void *outputs[] = {" << outArr << "};\n";
  os << "  return run(inputs, outputs" << (cuda ? ", stream" : "") << ");\n}\n\n";
  if (cuda) {
    // Host inputs to the model's device input buffers (host_io_[0, kNumInputs)).
    auto uploadInputs = [&] {
      for (auto [i, t] : llvm::enumerate(m.inputs))
        os << "if (cudaMemcpy(host_io_[" << i << "], inputs[" << i << "], "
           << t.type.getNumElements() << " * sizeof(" << t.cType
           << "), cudaMemcpyHostToDevice) != cudaSuccess) return MC_ERR_DEVICE;\n";
    };
    os << "mc_status Model::run_host(const void *const *inputs, void *const *outputs) {\n";
    os.indent();
    uploadInputs();
    os << "mc_status st = run(host_io_, host_io_ + kNumInputs, 0);\nif (st != MC_OK) return st;\n";
    size_t j = 0;
    for (const TensorInfo &t : m.outputs) {
      // A data-dependent output: read its extents back and copy only the actual values.
      std::string count = std::to_string(t.type.getNumElements());
      if (m.outputShapes.count(j)) {
        os << "int64_t dims" << j << "[" << std::max<int64_t>(t.type.getRank(), 1)
           << "];\nif (output_shape(" << j << ", dims" << j
           << ") != MC_OK) return MC_ERR_DEVICE;\nint64_t count" << j << " = 1;\n"
           << "for (int d = 0; d < kOutput" << j << "Rank; ++d) count" << j << " *= dims" << j
           << "[d] < 0 ? 0 : dims" << j << "[d];\nif (count" << j << " > " << count
           << ") return MC_ERR_INTERNAL;\n";
        count = "count" + std::to_string(j);
      }
      os << "if (cudaMemcpy(outputs[" << j << "], host_io_[" << m.inputs.size() + j << "], "
         << count << " * sizeof(" << t.cType
         << "), cudaMemcpyDeviceToHost) != cudaSuccess) return MC_ERR_DEVICE;\n";
      ++j;
    }
    os << "int status = 0;\ncudaMemcpy(&status, status_, sizeof(int), cudaMemcpyDeviceToHost);\n"
       << "if (status) {\n  snprintf(error_, sizeof(error_), \"index out of range in a gather\");\n"
       << "  cudaMemset(status_, 0, sizeof(int));\n  return MC_ERR_INVALID_ARGUMENT;\n}\n"
       << "return MC_OK;\n";
    os.unindent();
    os << "}\n\n";
    // Device-only timing: inputs uploaded once, each run() timed with CUDA events.
    os << "mc_status Model::bench(const void *const *inputs, int32_t warmup, int32_t iters, "
          "double *out_ms) {\n";
    os.indent();
    uploadInputs();
    os << "cudaEvent_t start, stop;\nif (cudaEventCreate(&start) != cudaSuccess) return "
          "MC_ERR_DEVICE;\nif (cudaEventCreate(&stop) != cudaSuccess) {\n"
          "  cudaEventDestroy(start);\n  return MC_ERR_DEVICE;\n}\n"
       << "mc_status st = MC_OK;\n"
       << "for (int32_t i = 0; i < warmup + iters && st == MC_OK; ++i) {\n"
       << "  cudaEventRecord(start, 0);\n"
       << "  st = run(host_io_, host_io_ + kNumInputs, 0);\n"
       << "  cudaEventRecord(stop, 0);\n"
       << "  if (cudaEventSynchronize(stop) != cudaSuccess) st = MC_ERR_DEVICE;\n"
       << "  float ms = 0;\n  cudaEventElapsedTime(&ms, start, stop);\n"
       << "  if (i >= warmup) out_ms[i - warmup] = ms;\n}\n"
       << "cudaEventDestroy(start);\ncudaEventDestroy(stop);\nreturn st;\n";
    os.unindent();
    os << "}\n\n";
  }
  os << "} // namespace " << n << "\n\n";

  emitCApi(os, m, calls, o);
  return success();
}

/// NAME.cpp of a --dim bundle: per chunk size C a namespace chunkC with that variant's kernels
/// and its run function; then Model's load and the run that covers the requested size with
/// chunks, largest first, offsetting input and output pointers along dimension 0.
LogicalResult writeDynamicSource(raw_indented_ostream &os, Model &m, std::vector<Model> &variants,
                                 const BundleOptions &o, const DimLayout &dim) {
  const std::string &n = o.name;
  os << "// " << n << ".cpp - generated by modelc. Do not edit.\n//\n"
     << "// The model compiled once per chunk size of dimension '" << dim.name
     << "': namespace chunkC holds the\n// kernels of size C in program order, each naming the "
        "ONNX node(s) it computes, and its run\n// function. Then the Model object's load and "
        "the run that covers "
     << dim.name << " with chunks.\n";
  os << "#include \"" << n
     << ".h\"\n\n#include <math.h>\n#include <stdio.h>\n#include <string.h>\n";
  os << "\n#include <new>\n#include <cmath>\n#include <cstdint>\n\n#include \"mc_gemm.h\"\n";
  os << "\n#include \"mc_scalar.h\"\n";
  bool usesLibrary = false;
  for (Model &v : variants)
    v.func.walk([&](kernel::CallOp) { usesLibrary = true; });
  if (usesLibrary)
    os << "#include \"mc_kernels.h\"\n";
  for (auto [k, v] : llvm::enumerate(variants)) {
    int64_t c = dim.chunks[k];
    os << "\nnamespace {\nnamespace chunk" << c << " {\n\n";
    FailureOr<std::vector<Call>> calls = emitKernels(os, v, o);
    if (failed(calls))
      return failure();
    emitScratchFloats(os, *calls);
    os << "/// The model at " << dim.name << " = " << c << " (arena: " << v.arenaBytes
       << " bytes; scratch: kScratchFloats per thread).\n";
    os << "mc_status run(const char *weights_, char *arena_, mc_thread_pool *pool_, "
          "float *scratch_,\n           char (&error_)[256], const void *const *inputs, "
          "void *const *outputs) {\n";
    os.indent();
    os << "(void)weights_;\n(void)arena_;\n(void)pool_;\n(void)scratch_;\n(void)error_;\n"
       << "(void)inputs;\n(void)outputs;\n";
    emitLaunches(os, v, *calls, o);
    os << "return MC_OK;\n";
    os.unindent();
    os << "}\n\n} // namespace chunk" << c << "\n} // namespace\n";
  }
  // Model's scratch serves every chunk: the largest need of any variant.
  std::string needs;
  for (int64_t c : dim.chunks)
    needs += (needs.empty() ? "" : ", ") + ("chunk" + std::to_string(c) + "::kScratchFloats");
  os << "\nnamespace {\n";
  emitScratchFloats(os, {}, needs, "chunks");
  os << "} // namespace\n";
  os << "\nnamespace " << n << " {\n\n";
  emitLoad(os, m, o);

  std::string minC = "kDim" + dim.cName + "Min", maxC = "kDim" + dim.cName + "Max";
  const std::string &p = dim.param;
  os << "mc_status Model::run(int64_t " << p
     << ", const void *const *inputs, void *const *outputs) {\n";
  os.indent();
  os << "if (!inputs || !outputs) return MC_ERR_INVALID_ARGUMENT;\n";
  os << "if (" << (m.weights.empty() ? "false" : "!weights_")
     << " || (kArenaBytes && !arena_) || !scratch_) {\n"
     << "  snprintf(error_, sizeof(error_), \"model not loaded\");\n  return "
        "MC_ERR_INVALID_ARGUMENT;\n}\n";
  os << "if (" << p << " < " << minC << " || " << p << " > " << maxC << ") {\n"
     << "  snprintf(error_, sizeof(error_), \"dimension '" << dim.name
     << "' is %lld, outside the compiled range [%lld, %lld] (modelc --dim " << dim.name << "="
     << dim.min << ":" << dim.max << ")\",\n           static_cast<long long>(" << p
     << "), static_cast<long long>(" << minC << "), static_cast<long long>(" << maxC << "));\n"
     << "  return MC_ERR_INVALID_ARGUMENT;\n}\n";
  os << "// Chunks of the compiled sizes, largest first; inputs and outputs advance along "
     << dim.name << ".\n";
  os << "for (int64_t done = 0; done < " << p << ";) {\n";
  os.indent();
  os << "const int64_t rest = " << p << " - done;\nconst int64_t chunk = ";
  for (int64_t c : ArrayRef<int64_t>(dim.chunks).drop_back())
    os << "rest >= " << c << " ? " << c << " : ";
  os << dim.chunks.back() << ";\n";
  auto ptrs = [&](const char *decl, const char *arr, const char *cast,
                  const std::vector<TensorInfo> &list, const std::vector<int64_t> &axes,
                  const std::vector<int64_t> &strides) {
    os << decl << "[] = {";
    for (size_t i = 0; i < list.size(); ++i) {
      os << (i ? ",\n    " : "");
      if (axes[i] < 0)
        os << arr << "[" << i << "]";
      else
        os << "static_cast<" << cast << " *>(" << arr << "[" << i << "]) + done * " << strides[i]
           << " * sizeof(" << list[i].cType << ")";
    }
    if (list.empty())
      os << "nullptr";
    os << "};\n";
  };
  ptrs("const void *in", "inputs", "const char", m.inputs, dim.inputAxes, dim.inputStride);
  ptrs("void *out", "outputs", "char", m.outputs, dim.outputAxes, dim.outputStride);
  os << "mc_status st = MC_OK;\nswitch (chunk) {\n";
  for (auto [k, c] : llvm::enumerate(dim.chunks)) {
    os << (k + 1 == dim.chunks.size() ? "default" : "case " + std::to_string(c))
       << ":\n  st = chunk" << c << "::run(weights_";
    if (dim.weightBases[k])
      os << " + " << dim.weightBases[k];
    os << ", arena_, pool_, scratch_, error_, in, out);\n  break;\n";
  }
  os << "}\nif (st != MC_OK) return st;\ndone += chunk;\n";
  os.unindent();
  os << "}\n"
     << "dim_ = " << p << ";\nreturn MC_OK;\n";
  os.unindent();
  os << "}\n\n";
  os << "mc_status Model::run(const void *const *inputs, void *const *outputs) {\n"
     << "  return run(" << maxC << ", inputs, outputs);\n}\n\n";
  os << "mc_status Model::output_shape(int32_t index, int64_t *dims) const {\n";
  os.indent();
  os << "if (!dims) return MC_ERR_INVALID_ARGUMENT;\nswitch (index) {\n";
  for (size_t i = 0; i < m.outputs.size(); ++i) {
    os << "case " << i << ":\n  memcpy(dims, kOutput" << i << "Shape, sizeof(int64_t) * kOutput"
       << i << "Rank);\n";
    if (dim.outputAxes[i] >= 0)
      os << "  dims[" << dim.outputAxes[i] << "] = dim_;\n";
    os << "  return MC_OK;\n";
  }
  os << "default:\n  return MC_ERR_INVALID_ARGUMENT;\n}\n";
  os.unindent();
  os << "}\n\n";
  std::string typedParams, inArr, outArr;
  for (const TensorInfo &t : m.inputs) {
    typedParams += ", const " + t.cType + " *" + t.cName;
    inArr += (inArr.empty() ? "" : ", ") + t.cName;
  }
  for (const TensorInfo &t : m.outputs) {
    typedParams += ", " + t.cType + " *" + t.cName;
    outArr += (outArr.empty() ? "" : ", ") + t.cName;
  }
  os << "mc_status Model::run(int64_t " << p << typedParams << ") {\n";
  os << "  const void *inputs[] = {" << inArr << "};\n";
  os << "  void *outputs[] = {" << outArr << "};\n";
  os << "  return run(" << p << ", inputs, outputs);\n}\n\n";
  os << "} // namespace " << n << "\n\n";
  emitCApi(os, m, {}, o);
  os << "\nextern \"C\" mc_status " << n
     << "_run_dim(void *model, int64_t n, const void *const *inputs, void *const *outputs) {\n"
     << "  if (!model) return MC_ERR_INVALID_ARGUMENT;\n"
     << "  return static_cast<" << n << "::Model *>(model)->run(n, inputs, outputs);\n}\n\n";
  auto axes = [&](const char *name, const std::vector<int64_t> &list) {
    os << "const int32_t " << name << "[] = {";
    for (size_t i = 0; i < list.size(); ++i)
      os << (i ? ", " : "") << list[i];
    os << (list.empty() ? "-1" : "") << "};\n";
  };
  os << "namespace {\n";
  axes("kInputDimAxes", dim.inputAxes);
  axes("kOutputDimAxes", dim.outputAxes);
  os << "} // namespace\n\n";
  os << "extern \"C\" const mc_dim_api *" << n << "_dim_api(void) {\n"
     << "  static const mc_dim_api api = {" << cString(dim.name) << ", " << n << "::kDim"
     << dim.cName << "Min, " << n << "::kDim" << dim.cName << "Max,\n"
     << "                                 kInputDimAxes, kOutputDimAxes, " << n
     << "_run_dim};\n  return &api;\n}\n";
  return success();
}

std::string cmakeLists(const BundleOptions &o) {
  bool cuda = o.target == "cuda";
  const std::string &n = o.name;
  std::string archs;
  for (const std::string &a : o.cudaArchs)
    archs += (archs.empty() ? "" : ";") + a;
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "# CMakeLists.txt - generated by modelc. Do not edit.\n"
     << "# Library target `" << n << "` (link it and include " << n << ".h) and executable `" << n
     << "_runner`.\ncmake_minimum_required(VERSION 3.18)\n";
  if (cuda)
    os << "if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)\n  set(CMAKE_CUDA_ARCHITECTURES \"" << archs
       << "\")\nendif()\nif(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)\n"
       << "  set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)\nendif()\n";
  os << "project(" << n << " LANGUAGES CXX" << (cuda ? " CUDA" : "") << ")\n\n";
  os << "if(PROJECT_IS_TOP_LEVEL AND NOT CMAKE_BUILD_TYPE)\n"
     << "  set(CMAKE_BUILD_TYPE Release CACHE STRING \"Build type\" FORCE)\nendif()\n";
  os << "if(NOT TARGET modelc_runtime_min)\n  add_subdirectory(runtime_min)\nendif()\n\n";
  os << "add_library(" << n << " " << n << (cuda ? ".cu" : ".cpp") << ")\n";
  os << "target_include_directories(" << n << " PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})\n";
  if (!cuda) {
    // The kernels were tiled for --cpu; this flag gives the compiler the matching instructions
    // (mc_gemm.h picks its micro-kernel from what the compiler targets).
    std::string var = n + "_MARCH";
    os << "\n# Kernels tuned for " << o.cpuDescription << ".\n"
       << "set(" << var << " \"" << o.march << "\" CACHE STRING \"-march for the " << n
       << " kernels (empty: the compiler's default)\")\n"
       << "if(" << var << " AND NOT MSVC)\n"
       << "  include(CheckCXXCompilerFlag)\n"
       << "  check_cxx_compiler_flag(\"-march=${" << var << "}\" " << n << "_HAS_MARCH)\n"
       << "  if(" << n << "_HAS_MARCH)\n"
       << "    target_compile_options(" << n << " PRIVATE \"-march=${" << var << "}\")\n";
    if (o.vectorBits >= 512)
      // GCC vectorizes its own loops with 256-bit vectors on many AVX-512 cores unless told;
      // measured 3-5% on BERT-base and EfficientNet-B0 (their exp/erf epilogues).
      os << "    check_cxx_compiler_flag(-mprefer-vector-width=512 " << n << "_HAS_PREFER512)\n"
         << "    if(" << n << "_HAS_PREFER512)\n"
         << "      target_compile_options(" << n << " PRIVATE -mprefer-vector-width=512)\n"
         << "    endif()\n";
    os << "  else()\n"
       << "    message(WARNING \"" << n << ": the compiler does not accept -march=${" << var
       << "}; building the portable kernels\")\n"
       << "  endif()\nendif()\n"
       << "# Lets GCC if-convert and vectorize the fused epilogues (selects, mc_gemm::expf); the\n"
       << "# kernels never read floating-point exception flags. (Clang does this by default.)\n"
       << "if(NOT MSVC)\n  include(CheckCXXCompilerFlag)\n"
       << "  check_cxx_compiler_flag(-fno-trapping-math " << n << "_HAS_NO_TRAPPING_MATH)\n"
       << "  if(" << n << "_HAS_NO_TRAPPING_MATH)\n"
       << "    target_compile_options(" << n << " PRIVATE -fno-trapping-math)\n"
       << "  endif()\nendif()\n\n";
  }
  os << "target_link_libraries(" << n << " PUBLIC modelc_runtime_min)\n";
  os << "target_compile_features(" << n << " PUBLIC cxx_std_17)\n";
  if (cuda)
    os << "set_target_properties(" << n << " PROPERTIES CUDA_STANDARD 17)\n"
       << "find_package(CUDAToolkit REQUIRED)\n"
       << "target_link_libraries(" << n << " PUBLIC CUDA::cudart)\n";
  os << "\nadd_executable(" << n << "_runner " << n << "_runner.cpp)\n";
  os << "target_link_libraries(" << n << "_runner PRIVATE " << n << ")\n";
  os << "target_compile_definitions(" << n
     << "_runner PRIVATE\n  MC_DEFAULT_WEIGHTS=\"${CMAKE_CURRENT_SOURCE_DIR}/" << n
     << ".weights.bin\")\n";
  return s;
}

} // namespace

/// Writes the bundle's files: header, source, runner, weights, CMakeLists.txt, runtime_min/.
/// `runnerCall` opens the runner's call ("mc_runner_main(NAME_api(), ") without --profile.
LogicalResult writeBundleFiles(ModuleOp module, const BundleOptions &o, StringRef header,
                               StringRef source, const std::vector<char> &weights,
                               const std::string &runnerCall) {
  bool cuda = o.target == "cuda";
  auto path = [&](StringRef file) {
    SmallString<256> p(o.outDir);
    llvm::sys::path::append(p, file);
    return std::string(p);
  };
  std::string runner =
      "// " + o.name +
      "_runner.cpp - generated by modelc. Do not edit.\n"
      "// Command-line runner: see runtime_min/mc_runtime.h (mc_runner_main).\n"
      "#include \"" +
      o.name +
      ".h\"\n\n#ifndef MC_DEFAULT_WEIGHTS\n"
      "#define MC_DEFAULT_WEIGHTS \"" +
      o.name +
      ".weights.bin\"\n#endif\n\n"
      "int main(int argc, char **argv) {\n  return " +
      (o.profile ? "mc_runner_main_profiled(" + o.name + "_api(), " + o.name + "_profile_api(), "
                 : runnerCall) +
      "MC_DEFAULT_WEIGHTS, argc, argv);\n}\n";
  Operation *anchor = module;
  if (failed(writeFile(anchor, path(o.name + ".h"), header)) ||
      failed(writeFile(anchor, path(o.name + (cuda ? ".cu" : ".cpp")), source)) ||
      failed(writeFile(anchor, path(o.name + "_runner.cpp"), runner)) ||
      failed(writeFile(anchor, path(o.name + ".weights.bin"),
                       StringRef(weights.data(), weights.size()))) ||
      failed(writeFile(anchor, path("CMakeLists.txt"), cmakeLists(o))))
    return failure();
  std::string rtDir = path("runtime_min");
  if (std::error_code ec = llvm::sys::fs::create_directories(rtDir))
    return module.emitError("cannot create '") << rtDir << "': " << ec.message();
  for (const EmbeddedFile &f : kRuntimeMinFiles) {
    SmallString<256> p(rtDir);
    llvm::sys::path::append(p, f.name);
    if (failed(writeFile(anchor, p, f.contents)))
      return failure();
  }
  return success();
}

std::string modelc::sanitizeIdentifier(StringRef name) {
  // C++ keywords (ONNX test models name tensors `and`, `or`, `not`, ...) and the names that
  // the generated run() declares itself get a trailing underscore.
  static const llvm::StringSet<> reserved = {"alignas",       "alignof",     "and",
                                             "and_eq",        "asm",         "auto",
                                             "bitand",        "bitor",       "bool",
                                             "break",         "case",        "catch",
                                             "char",          "char16_t",    "char32_t",
                                             "char8_t",       "class",       "co_await",
                                             "co_return",     "co_yield",    "compl",
                                             "concept",       "const",       "const_cast",
                                             "consteval",     "constexpr",   "constinit",
                                             "continue",      "decltype",    "default",
                                             "delete",        "do",          "double",
                                             "dynamic_cast",  "else",        "enum",
                                             "explicit",      "export",      "extern",
                                             "false",         "float",       "for",
                                             "friend",        "goto",        "if",
                                             "inline",        "int",         "long",
                                             "mutable",       "namespace",   "new",
                                             "noexcept",      "not",         "not_eq",
                                             "nullptr",       "operator",    "or",
                                             "or_eq",         "private",     "protected",
                                             "public",        "register",    "reinterpret_cast",
                                             "requires",      "return",      "short",
                                             "signed",        "sizeof",      "static",
                                             "static_assert", "static_cast", "struct",
                                             "switch",        "template",    "this",
                                             "thread_local",  "throw",       "true",
                                             "try",           "typedef",     "typeid",
                                             "typename",      "union",       "unsigned",
                                             "using",         "virtual",     "void",
                                             "volatile",      "wchar_t",     "while",
                                             "xor",           "xor_eq",      "inputs",
                                             "outputs"};
  std::string s;
  for (char c : name)
    s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    s = "t_" + s;
  if (reserved.contains(s))
    s += "_";
  return s;
}

LogicalResult modelc::writeBundle(ModuleOp module, const BundleOptions &o, BundleSummary *summary) {
  Model m;
  if (failed(analyze(module, m)))
    return failure();
  if (std::error_code ec = llvm::sys::fs::create_directories(o.outDir))
    return module.emitError("cannot create '") << o.outDir << "': " << ec.message();

  // The source first: it decides the kernels, which a profiled header counts.
  std::string header, source;
  {
    llvm::raw_string_ostream ss(source);
    raw_indented_ostream sos(ss);
    if (failed(writeSource(sos, m, o)))
      return failure();
  }
  {
    llvm::raw_string_ostream hs(header);
    raw_indented_ostream hos(hs);
    writeHeader(hos, m, o);
  }
  if (failed(writeBundleFiles(module, o, header, source, m.weights,
                              "mc_runner_main(" + o.name + "_api(), ")))
    return failure();
  if (summary) {
    summary->kernels = m.kernels;
    summary->weights = m.weightList;
    summary->weightsBytes = static_cast<int64_t>(m.weights.size());
    summary->arenaBytes = m.arenaBytes;
  }
  return success();
}

LogicalResult modelc::writeDynamicBundle(ArrayRef<ModuleOp> modules, ArrayRef<int64_t> chunks,
                                         const DynamicDim &d, const BundleOptions &o,
                                         DynamicBundleSummary *summary) {
  assert(!modules.empty() && modules.size() == chunks.size() && "one module per chunk size");
  ModuleOp first = modules.front();
  if (o.target != "cpu" || o.profile)
    return first.emitError("--dim bundles support --target cpu without --profile for now");
  std::vector<Model> variants(modules.size());
  for (auto [k, module] : llvm::enumerate(modules))
    if (failed(analyze(module, variants[k])))
      return failure();
  DimLayout dim;
  dim.name = d.name;
  dim.cName = sanitizeIdentifier(d.name);
  dim.min = d.min;
  dim.max = d.max;
  dim.chunks.assign(chunks.begin(), chunks.end());
  Model &base = variants.front();
  // The runtime size parameter: the dimension's name unless a tensor already has it.
  dim.param = dim.cName;
  for (const std::vector<TensorInfo> *list : {&base.inputs, &base.outputs})
    for (const TensorInfo &t : *list)
      if (t.cName == dim.param)
        dim.param += "_dim";

  // Where the dimension lies (CheckSeparable tagged the arguments), checked per variant.
  auto axisOf = [&](Model &v, const TensorInfo &t, size_t index, bool output) -> int64_t {
    for (BlockArgument arg : v.func.getArguments()) {
      auto io = v.func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "kernel.io");
      if ((io && io.getValue() == "output") != output ||
          v.argIndex.lookup(arg) != static_cast<int64_t>(index))
        continue;
      auto dims = v.func.getArgAttrOfType<DictionaryAttr>(arg.getArgNumber(), "graph.dims");
      auto axis = dims ? dims.getAs<IntegerAttr>(d.name) : IntegerAttr();
      return axis ? axis.getInt() : -1;
    }
    return -1;
  };
  Model m; // the bundle's view: tensors at the maximum size, weights and arena of all chunks
  m.func = base.func;
  m.inputs = base.inputs;
  m.outputs = base.outputs;
  for (int output = 0; output < 2; ++output) {
    std::vector<TensorInfo> &list = output ? m.outputs : m.inputs;
    std::vector<int64_t> &axes = output ? dim.outputAxes : dim.inputAxes;
    std::vector<int64_t> &strides = output ? dim.outputStride : dim.inputStride;
    for (auto [i, t] : llvm::enumerate(list)) {
      int64_t axis = axisOf(base, t, i, output);
      axes.push_back(axis);
      strides.push_back(axis < 0 ? 0 : t.type.getNumElements() / t.type.getDimSize(0));
      if (axis > 0)
        return base.func.emitError("--dim ")
               << d.name << ": '" << t.onnxName << "' has it at dimension " << axis
               << "; it must be dimension 0";
      for (auto [k, v] : llvm::enumerate(variants)) {
        const std::vector<TensorInfo> &vl = output ? v.outputs : v.inputs;
        if (vl.size() != list.size() || vl[i].onnxName != t.onnxName || vl[i].dtype != t.dtype ||
            axisOf(v, vl[i], i, output) != axis)
          return v.func.emitError("--dim ")
                 << d.name << ": the variant for " << d.name << " = " << chunks[k]
                 << " has other inputs or outputs than the one for " << chunks.front();
        SmallVector<int64_t> expect(t.type.getShape());
        if (axis == 0)
          expect[0] = chunks[k];
        if (vl[i].type.getShape() != ArrayRef<int64_t>(expect))
          return v.func.emitError("--dim ")
                 << d.name << ": '" << t.onnxName << "' has shape " << vl[i].type
                 << " in the variant for " << d.name << " = " << chunks[k]
                 << ", which is not the dimension's size along dimension 0";
        if ((output && v.outputShapes.count(i)))
          return v.func.emitError("--dim does not support outputs whose size depends on the "
                                  "data ('")
                 << t.onnxName << "')";
      }
      if (axis == 0) {
        SmallVector<int64_t> shape(t.type.getShape());
        shape[0] = d.max;
        t.type = MemRefType::get(shape, t.type.getElementType());
      }
    }
  }
  // One arena for all: the chunks run one after another.
  for (Model &v : variants)
    m.arenaBytes = std::max(m.arenaBytes, v.arenaBytes);
  // Weights once when every chunk's file is the same bytes (the usual case: the chunk size
  // changes no constant), else each chunk's file in turn, 64-byte aligned.
  dim.sharedWeights = llvm::all_of(variants, [&](Model &v) { return v.weights == base.weights; });
  for (Model &v : variants) {
    if (dim.sharedWeights) {
      dim.weightBases.push_back(0);
      continue;
    }
    int64_t offset = (m.weights.size() + 63) / 64 * 64;
    dim.weightBases.push_back(offset);
    m.weights.resize(offset);
    m.weights.insert(m.weights.end(), v.weights.begin(), v.weights.end());
  }
  if (dim.sharedWeights)
    m.weights = base.weights;

  if (std::error_code ec = llvm::sys::fs::create_directories(o.outDir))
    return first.emitError("cannot create '") << o.outDir << "': " << ec.message();
  std::string header, source;
  {
    llvm::raw_string_ostream ss(source);
    raw_indented_ostream sos(ss);
    if (failed(writeDynamicSource(sos, m, variants, o, dim)))
      return failure();
  }
  {
    llvm::raw_string_ostream hs(header);
    raw_indented_ostream hos(hs);
    writeHeader(hos, m, o, &dim);
  }
  if (failed(
          writeBundleFiles(first, o, header, source, m.weights,
                           "mc_runner_main_dim(" + o.name + "_api(), " + o.name + "_dim_api(), ")))
    return failure();
  if (summary) {
    summary->arenaBytes = m.arenaBytes;
    summary->weightsBytes = static_cast<int64_t>(m.weights.size());
    summary->sharedWeights = dim.sharedWeights;
    summary->chunkArenaBytes.clear();
    summary->chunkKernels.clear();
    for (Model &v : variants) {
      summary->chunkArenaBytes.push_back(v.arenaBytes);
      summary->chunkKernels.push_back(static_cast<int64_t>(v.kernels.size()));
    }
  }
  return success();
}
