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
#include "dialects/Kernel/KernelOps.h"
#include "passes/KernelUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/IndentedOstream.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace modelc;

namespace {

struct EmbeddedFile {
  const char *name;
  const char *contents;
};
/// Kernels doing at least this many multiply-adds (roughly) use the thread pool.
constexpr int64_t kParallelWork = 1 << 15;

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
  auto it = cast<IntegerType>(t);
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
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
    std::string base = sanitizeIdentifier(t.onnxName);
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
    // getConstantBytes checks the byte count against the type and expands splats.
    auto bytes = getConstantBytes(w.getValue());
    if (!bytes) {
      w.emitError("constant data is not available");
      return WalkResult::interrupt();
    }
    m.weights.resize(offset);
    m.weights.insert(m.weights.end(), bytes->begin(), bytes->end());
    seen[w.getValue()] = offset;
    m.weightOffset[w] = offset;
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// The C expression of a buffer's pointer inside run().
std::string bufferExpr(Model &m, Value v) {
  auto type = cast<MemRefType>(v.getType());
  std::string ct = cTypeOf(type.getElementType());
  Value root = getRootBuffer(v);
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

std::string shapeList(MemRefType t) {
  std::string s;
  for (int64_t d : t.getShape())
    s += (s.empty() ? "" : ", ") + std::to_string(d);
  return s.empty() ? "1" : s; // a zero-length array is not valid C++
}

void writeHeader(raw_indented_ostream &os, Model &m, const BundleOptions &o) {
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
  auto describe = [&](const char *kind, size_t i, const TensorInfo &t) {
    std::string p = std::string(kind) + std::to_string(i);
    os << "/// " << kind << " " << i << ": '" << t.onnxName << "', " << t.cType << " ["
       << shapeList(t.type) << "]\n";
    os << "inline constexpr const char *k" << p << "Name = " << cString(t.onnxName) << ";\n";
    os << "inline constexpr int32_t k" << p << "DType = " << dtypeEnum(t.dtype) << ";\n";
    os << "inline constexpr int32_t k" << p << "Rank = " << t.type.getRank() << ";\n";
    os << "inline constexpr int64_t k" << p << "Shape[] = {" << shapeList(t.type) << "};\n";
    os << "inline constexpr int64_t k" << p << "Elements = " << t.type.getNumElements() << ";\n";
    os << "using " << p << "Type = " << t.cType << ";\n\n";
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
    os << "/// Runs on `stream` with device pointers; asynchronous like any launch.\n";
    os << "mc_status run(" << typedParams << ", cudaStream_t stream = 0);\n";
    os << "mc_status run(const void *const *inputs, void *const *outputs, cudaStream_t stream = "
          "0);\n";
    os << "/// Copies host inputs to the device, runs, copies outputs back, synchronizes.\n";
    os << "mc_status run_host(const void *const *inputs, void *const *outputs);\n";
    os << "/// Times `iters` device runs (CUDA events) after `warmup`, on host inputs.\n";
    os << "mc_status bench(const void *const *inputs, int32_t warmup, int32_t iters, double "
          "*out_ms);\n";
  } else {
    os << "/// Runs one inference; inputs and outputs are caller-owned host buffers.\n";
    os << "mc_status run(" << typedParams << ");\n";
    os << "mc_status run(const void *const *inputs, void *const *outputs);\n";
  }
  os << "/// Why the last call failed, naming the ONNX node where there is one.\n";
  os << "const char *last_error() const { return error_; }\n";
  os.unindent();
  os << "\nprivate:\n";
  os.indent();
  os << "const char *weights_ = nullptr;\nchar *arena_ = nullptr;\nbool owns_arena_ = false;\n"
     << "mc_thread_pool *pool_ = nullptr;\nchar error_[256] = {0};\n";
  if (cuda)
    os << "void *host_io_[" << std::max<size_t>(1, m.inputs.size() + m.outputs.size())
       << "] = {nullptr};\nint *status_ = nullptr;\n";
  os.unindent();
  os << "};\n\n} // namespace " << n << "\n\n";
  os << "extern \"C\" {\n";
  os << "/// C API: the same model behind an opaque handle.\n";
  os << "mc_status " << n << "_create(const char *weights_path, void **model);\n";
  os << "void " << n << "_destroy(void *model);\n";
  os << "mc_status " << n
     << "_run(void *model, const void *const *inputs, void *const *outputs);\n";
  os << "/// Table for generic tools such as the runner.\n";
  os << "const mc_model_api *" << n << "_api(void);\n}\n";
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
    os << "#include <cmath>\n#include <cstdint>\n";
  os << "\nnamespace {\n\n";
  // 16-bit float helpers only where a buffer needs them (unused ones draw warnings).
  bool uses16BitFloats = false;
  m.func.walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      if (auto mt = dyn_cast<MemRefType>(t))
        uses16BitFloats |= mt.getElementType().isF16() || mt.getElementType().isBF16();
  });
  for (BlockArgument arg : m.func.getArguments()) {
    Type et = cast<MemRefType>(arg.getType()).getElementType();
    uses16BitFloats |= et.isF16() || et.isBF16();
  }
  if (uses16BitFloats)
    os << kScalarHelpers;
  KernelEmitter emitter(os, cuda ? Target::Cuda : Target::Cpu);
  struct Call {
    EmittedKernel kernel;
    std::string node;
  };
  std::vector<Call> calls;
  int index = 0;
  for (Operation &op : m.func.getBody().front()) {
    if (!getWrittenBuffer(&op))
      continue;
    auto k = emitter.emit(&op, index++);
    if (failed(k))
      return failure();
    std::string node = describeLocation(op.getLoc());
    calls.push_back({*k, node.empty() ? op.getName().getStringRef().str() : node});
  }
  os << "} // namespace\n\nnamespace " << n << " {\n\n";

  // load / destroy.
  os << "Model::~Model() {\n";
  if (cuda)
    os << "  cudaFree(const_cast<char *>(weights_));\n  if (owns_arena_) cudaFree(arena_);\n"
       << "  cudaFree(status_);\n  for (void *p : host_io_) cudaFree(p);\n";
  else
    os << "  mc_aligned_free(const_cast<char *>(weights_));\n  if (owns_arena_) "
          "mc_aligned_free(arena_);\n"
       << "  mc_thread_pool_destroy(pool_);\n";
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
       << "  if (!arena_) return MC_ERR_OUT_OF_MEMORY;\n  owns_arena_ = true;\n}\n";
  }
  os << "return MC_OK;\n";
  os.unindent();
  os << "}\n\n";
  os << "mc_status Model::set_threads(int threads) {\n";
  if (cuda)
    os << "  (void)threads;\n  return MC_OK;\n}\n\n";
  else
    os << "  mc_thread_pool_destroy(pool_);\n  pool_ = nullptr;\n"
       << "  return threads == 1 ? MC_OK : mc_thread_pool_create(threads, &pool_);\n}\n\n";

  // run.
  os << "mc_status Model::run(const void *const *inputs, void *const *outputs"
     << (cuda ? ", cudaStream_t stream" : "") << ") {\n";
  os.indent();
  os << "if (" << (m.inputs.empty() ? "" : "!inputs || ")
     << "!outputs) return MC_ERR_INVALID_ARGUMENT;\n";
  os << "if (" << (m.weights.empty() ? "false" : "!weights_") << " || (kArenaBytes && !arena_)) {\n"
     << "  snprintf(error_, sizeof(error_), \"model not loaded\");\n  return "
        "MC_ERR_INVALID_ARGUMENT;\n}\n";
  for (const Call &c : calls) {
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
  os << "return MC_OK;\n";
  os.unindent();
  os << "}\n\n";
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
      os << "if (cudaMemcpy(outputs[" << j << "], host_io_[" << m.inputs.size() + j << "], "
         << t.type.getNumElements() << " * sizeof(" << t.cType
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
  os << "} // namespace\n\n";
  os << "extern \"C\" const mc_model_api *" << n << "_api(void) {\n"
     << "  static const mc_model_api api = {\n"
     << "      " << cString(n) << ", " << cString(o.target) << ", " << n
     << "::kNumInputs, kInputDesc, " << n << "::kNumOutputs, kOutputDesc,\n"
     << "      " << n << "::kArenaBytes, " << n << "::kWeightsBytes, " << n << "_create, " << n
     << "_destroy, " << n << "_run,\n      " << (cuda ? "benchDevice" : "nullptr")
     << ", setThreads, lastError};\n  return &api;\n}\n";
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

std::string modelc::sanitizeIdentifier(StringRef name) {
  std::string s;
  for (char c : name)
    s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    s = "t_" + s;
  return s;
}

LogicalResult modelc::writeBundle(ModuleOp module, const BundleOptions &o) {
  Model m;
  if (failed(analyze(module, m)))
    return failure();
  if (std::error_code ec = llvm::sys::fs::create_directories(o.outDir))
    return module.emitError("cannot create '") << o.outDir << "': " << ec.message();
  bool cuda = o.target == "cuda";
  auto path = [&](StringRef file) {
    SmallString<256> p(o.outDir);
    llvm::sys::path::append(p, file);
    return std::string(p);
  };

  std::string header, source;
  {
    llvm::raw_string_ostream hs(header);
    raw_indented_ostream hos(hs);
    writeHeader(hos, m, o);
  }
  {
    llvm::raw_string_ostream ss(source);
    raw_indented_ostream sos(ss);
    if (failed(writeSource(sos, m, o)))
      return failure();
  }
  std::string runner = "// " + o.name +
                       "_runner.cpp - generated by modelc. Do not edit.\n"
                       "// Command-line runner: see runtime_min/mc_runtime.h (mc_runner_main).\n"
                       "#include \"" +
                       o.name +
                       ".h\"\n\n#ifndef MC_DEFAULT_WEIGHTS\n"
                       "#define MC_DEFAULT_WEIGHTS \"" +
                       o.name +
                       ".weights.bin\"\n#endif\n\n"
                       "int main(int argc, char **argv) {\n  return mc_runner_main(" +
                       o.name + "_api(), MC_DEFAULT_WEIGHTS, argc, argv);\n}\n";
  Operation *anchor = module;
  if (failed(writeFile(anchor, path(o.name + ".h"), header)) ||
      failed(writeFile(anchor, path(o.name + (cuda ? ".cu" : ".cpp")), source)) ||
      failed(writeFile(anchor, path(o.name + "_runner.cpp"), runner)) ||
      failed(writeFile(anchor, path(o.name + ".weights.bin"),
                       StringRef(m.weights.data(), m.weights.size()))) ||
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
