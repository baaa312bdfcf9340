//===- ImportFuzzer.cpp - libFuzzer target for the ONNX importer ----------===//
//
// Feeds arbitrary bytes to the ONNX importer as a serialized ModelProto and, when the import
// succeeds, runs modelc's whole pass pipeline on the result. Diagnostics are captured, never
// printed. Besides the sanitizers' findings (ASan, UBSan, LeakSanitizer) and aborts, the
// target checks one contract of the importer and the pipeline: a failure always comes with
// at least one error diagnostic (a silent failure would make modelc exit 1 without a word).
//
// Byte-level mutations of a protobuf mostly break its framing, so the target also has a
// structure-aware mutator (LLVMFuzzerCustomMutator): it parses the input as a ModelProto,
// applies one to three model-level mutations (a dimension, an attribute value or type, an
// op type, a tensor name, a data type, raw data, an opset, external data, a node deleted or
// duplicated; integers are drawn from the int64 edge cases) and serializes the result. One
// input in eight, and every input that does not parse, gets libFuzzer's byte mutations.
//
// External data paths in the input resolve against a private temporary directory holding
// one small file, `weights.bin`, so the external-data checks run without touching anything
// else on the machine.
//
// Built with clang only (-DMODELC_FUZZ=ON, see test/fuzz/CMakeLists.txt):
//   build-sanitize/bin/modelc-fuzz-import -max_total_time=60 CORPUS_DIR test/fuzz/corpus
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration.h"
#include "compiler/import/OnnxImporter.h"
#include "compiler/import/OpHandlers.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace mlir;

namespace {

/// State shared by all inputs: the dialect registry and the external-data directory.
struct FuzzEnvironment {
  DialectRegistry registry;
  std::string modelDir;

  FuzzEnvironment() {
    modelc::registerDialects(registry);
    SmallString<128> dir;
    if (llvm::sys::fs::createUniqueDirectory("modelc-fuzz", dir)) {
      std::fprintf(stderr, "modelc-fuzz-import: cannot create a temporary directory\n");
      std::abort();
    }
    modelDir = std::string(dir);
    // 4 KiB of a repeating byte pattern: enough for the external tensors of the corpus.
    SmallString<128> file(dir);
    llvm::sys::path::append(file, "weights.bin");
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec);
    for (int i = 0; i < 4096 && !ec; ++i)
      os << static_cast<char>(i * 37);
  }

  ~FuzzEnvironment() { (void)llvm::sys::fs::remove_directories(modelDir); }
};

FuzzEnvironment &getEnvironment() {
  static FuzzEnvironment env;
  return env;
}

/// Counts the error diagnostics emitted while it is alive.
struct ErrorCounter {
  explicit ErrorCounter(MLIRContext &ctx)
      : handler(&ctx, [this](Diagnostic &diag) {
          if (diag.getSeverity() == DiagnosticSeverity::Error)
            ++errors;
          return success();
        }) {}
  unsigned errors = 0;
  ScopedDiagnosticHandler handler;
};

[[noreturn]] void violation(const char *what) {
  std::fprintf(stderr, "modelc-fuzz-import: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzEnvironment &env = getEnvironment();
  // A fresh context per input: nothing (resource blobs, uniqued attributes) accumulates.
  MLIRContext context(env.registry, MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  context.printStackTraceOnDiagnostic(false);

  ErrorCounter counter(context);
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = modelc::importOnnxModelFromBuffer(
      context, bytes, "fuzz.onnx", env.modelDir, modelc::ImportOptions());
  if (!module) {
    if (counter.errors == 0)
      violation("the importer failed without reporting an error");
    return 0;
  }
  if (counter.errors != 0)
    violation("the importer reported an error but returned a module");

  PassManager pm(&context);
  modelc::buildPipeline(pm, modelc::PipelineOptions());
  if (failed(pm.run(*module)) && counter.errors == 0)
    violation("the pass pipeline failed without reporting an error");
  return 0;
}

//===----------------------------------------------------------------------===//
// Structure-aware mutation
//===----------------------------------------------------------------------===//

namespace {

class ModelMutator {
public:
  explicit ModelMutator(unsigned seed) : rng(seed) {}

  /// Applies one random mutation; false when the model offered nothing to mutate.
  bool mutate(onnx::ModelProto &model);

private:
  uint64_t below(uint64_t n) { return n ? rng() % n : 0; }
  bool coin() { return rng() & 1; }

  int64_t interestingInt() {
    static const int64_t values[] = {0,
                                     1,
                                     -1,
                                     2,
                                     3,
                                     -2,
                                     4,
                                     7,
                                     16,
                                     255,
                                     65536,
                                     int64_t(1) << 31,
                                     int64_t(1) << 32,
                                     int64_t(1) << 40,
                                     int64_t(1) << 62,
                                     std::numeric_limits<int32_t>::max(),
                                     std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min()};
    return coin() ? values[below(std::size(values))] : static_cast<int64_t>(below(9)) - 2;
  }

  float interestingFloat() {
    static const float values[] = {0.0f,
                                   -0.0f,
                                   1.0f,
                                   -1.0f,
                                   0.5f,
                                   1e-7f,
                                   1e30f,
                                   1e38f,
                                   std::numeric_limits<float>::infinity(),
                                   -std::numeric_limits<float>::infinity(),
                                   std::numeric_limits<float>::quiet_NaN()};
    return values[below(std::size(values))];
  }

  std::string tensorName(const onnx::GraphProto &graph) {
    std::vector<const std::string *> names;
    for (const auto &node : graph.node())
      for (const auto &out : node.output())
        names.push_back(&out);
    for (const auto &in : graph.input())
      names.push_back(&in.name());
    for (const auto &init : graph.initializer())
      names.push_back(&init.name());
    if (names.empty() || below(8) == 0)
      return below(2) ? "" : "fresh_" + std::to_string(below(4));
    return *names[below(names.size())];
  }

  /// Dims mostly take int64 edge values: huge declared shapes with little data, overflowing
  /// element counts, zero and negative sizes.
  void mutateDims(google::protobuf::RepeatedField<int64_t> &dims) {
    int64_t v = below(4) ? interestingInt() : static_cast<int64_t>(below(9)) - 2;
    if (dims.empty() || below(6) == 0)
      dims.Add(v);
    else if (below(6) == 0)
      dims.RemoveLast();
    else
      dims.Set(below(dims.size()), v);
  }

  void mutateTensor(onnx::TensorProto &t);
  void mutateAttribute(onnx::NodeProto &node);
  void mutateShape(onnx::ValueInfoProto &info);

  std::mt19937_64 rng;
};

void ModelMutator::mutateTensor(onnx::TensorProto &t) {
  switch (below(7)) {
  case 0:
    mutateDims(*t.mutable_dims());
    break;
  case 1:
    t.set_data_type(static_cast<int32_t>(below(18)));
    break;
  case 2: { // resize the data
    std::string *raw = t.mutable_raw_data();
    raw->resize(coin() ? raw->size() / 2 : raw->size() + 1 + below(16), '\x01');
    break;
  }
  case 3: // move the data to typed fields (wrong ones, often)
    t.clear_raw_data();
    for (uint64_t i = 0, n = below(5); i < n; ++i) {
      t.add_int64_data(interestingInt());
      t.add_float_data(interestingFloat());
      t.add_int32_data(static_cast<int32_t>(interestingInt()));
    }
    break;
  case 4: // overwrite int64 values (shapes, axes, indices)
    if (t.has_raw_data() && t.raw_data().size() >= 8) {
      int64_t v = interestingInt();
      std::memcpy(t.mutable_raw_data()->data() + 8 * below(t.raw_data().size() / 8), &v, 8);
    } else if (t.int64_data_size()) {
      t.set_int64_data(below(t.int64_data_size()), interestingInt());
    }
    break;
  case 5: { // external data in weights.bin
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    t.clear_raw_data();
    t.clear_external_data();
    auto *location = t.add_external_data();
    location->set_key("location");
    location->set_value(below(4) ? "weights.bin" : "../weights.bin");
    if (coin()) {
      auto *offset = t.add_external_data();
      offset->set_key(coin() ? "offset" : "length");
      offset->set_value(std::to_string(coin() ? interestingInt() : int64_t(below(4200))));
    }
    break;
  }
  default:
    t.set_name(coin() ? "" : t.name() + "_");
    break;
  }
}

void ModelMutator::mutateAttribute(onnx::NodeProto &node) {
  static const char *const names[] = {"axis",
                                      "axes",
                                      "perm",
                                      "pads",
                                      "strides",
                                      "dilations",
                                      "group",
                                      "to",
                                      "kernel_shape",
                                      "auto_pad",
                                      "ceil_mode",
                                      "transA",
                                      "transB",
                                      "alpha",
                                      "beta",
                                      "epsilon",
                                      "value",
                                      "shape",
                                      "start",
                                      "end",
                                      "min",
                                      "max",
                                      "broadcast",
                                      "value_int",
                                      "value_ints",
                                      "value_float",
                                      "keepdims",
                                      "storage_order",
                                      "count_include_pad",
                                      "training_mode"};
  onnx::AttributeProto *attr;
  if (node.attribute_size() == 0 || below(4) == 0) {
    attr = node.add_attribute();
    attr->set_name(names[below(std::size(names))]);
    attr->set_type(static_cast<onnx::AttributeProto::AttributeType>(1 + below(8)));
  } else {
    attr = node.mutable_attribute(below(node.attribute_size()));
  }
  switch (below(6)) {
  case 0:
    attr->set_i(interestingInt());
    break;
  case 1:
    if (attr->ints_size() == 0 || coin())
      attr->add_ints(interestingInt());
    else
      attr->set_ints(below(attr->ints_size()), interestingInt());
    break;
  case 2:
    attr->set_f(interestingFloat());
    if (coin())
      attr->add_floats(interestingFloat());
    break;
  case 3: {
    static const char *const strings[] = {"SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET",
                                          "",           "FLOAT",      "INT64", "SAME_MIDDLE"};
    attr->set_s(strings[below(std::size(strings))]);
    break;
  }
  case 4: // a different kind than the value it holds
    attr->set_type(static_cast<onnx::AttributeProto::AttributeType>(below(14)));
    break;
  default:
    mutateTensor(*attr->mutable_t());
    break;
  }
}

void ModelMutator::mutateShape(onnx::ValueInfoProto &info) {
  auto *tensor = info.mutable_type()->mutable_tensor_type();
  if (below(6) == 0) {
    tensor->set_elem_type(static_cast<int32_t>(below(18)));
    return;
  }
  auto *shape = tensor->mutable_shape();
  if (shape->dim_size() == 0 || below(6) == 0) {
    shape->add_dim()->set_dim_value(interestingInt());
    return;
  }
  auto *dim = shape->mutable_dim(below(shape->dim_size()));
  if (below(5) == 0)
    dim->set_dim_param("N");
  else
    dim->set_dim_value(interestingInt());
}

bool ModelMutator::mutate(onnx::ModelProto &model) {
  onnx::GraphProto &graph = *model.mutable_graph();
  int nodes = graph.node_size();
  switch (below(12)) {
  case 0:
  case 10:
  case 11: // initializers hold most of a model's bytes: mutate them more often
    if (graph.initializer_size()) {
      mutateTensor(*graph.mutable_initializer(below(graph.initializer_size())));
      return true;
    }
    return false;
  case 1:
  case 2:
    if (nodes) {
      mutateAttribute(*graph.mutable_node(below(nodes)));
      return true;
    }
    return false;
  case 3: {
    if (!nodes)
      return false;
    const auto &table = modelc::import::getOpHandlers();
    auto it = table.begin();
    std::advance(it, below(table.size()));
    graph.mutable_node(below(nodes))->set_op_type(it->getKey().str());
    return true;
  }
  case 4: { // rewire an input or output
    if (!nodes)
      return false;
    onnx::NodeProto &node = *graph.mutable_node(below(nodes));
    std::string name = tensorName(graph);
    if (coin() && node.output_size())
      node.set_output(below(node.output_size()), name);
    else if (node.input_size() && coin())
      node.set_input(below(node.input_size()), name);
    else
      node.add_input(name);
    return true;
  }
  case 5:
    if (graph.input_size()) {
      mutateShape(*graph.mutable_input(below(graph.input_size())));
      return true;
    }
    return false;
  case 6: // delete, duplicate or move a node
    if (!nodes)
      return false;
    if (coin()) {
      graph.mutable_node()->SwapElements(below(nodes), nodes - 1);
      graph.mutable_node()->RemoveLast();
    } else {
      *graph.add_node() = graph.node(below(nodes));
      graph.mutable_node()->SwapElements(below(nodes + 1), nodes);
    }
    return true;
  case 7: // outputs
    if (graph.output_size() && coin()) {
      graph.mutable_output(below(graph.output_size()))->set_name(tensorName(graph));
    } else {
      *graph.add_output() =
          graph.output_size() ? graph.output(below(graph.output_size())) : onnx::ValueInfoProto();
    }
    return true;
  case 8:
    if (model.opset_import_size() == 0)
      model.add_opset_import();
    model.mutable_opset_import(0)->set_version(coin() ? static_cast<int64_t>(below(30))
                                                      : interestingInt());
    if (below(4) == 0)
      model.mutable_opset_import(0)->set_domain(coin() ? "ai.onnx" : "com.example");
    return true;
  default:
    if (nodes) { // a Constant's value, a node's domain or name
      onnx::NodeProto &node = *graph.mutable_node(below(nodes));
      if (below(4) == 0)
        node.set_domain(coin() ? "ai.onnx" : "com.example");
      else if (below(3) == 0)
        node.set_name(coin() ? "" : tensorName(graph));
      else
        mutateAttribute(node);
      return true;
    }
    return false;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize,
                                          unsigned int seed) {
  ModelMutator mutator(seed);
  onnx::ModelProto model;
  if (seed % 8 == 0 || !model.ParseFromArray(data, static_cast<int>(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  bool changed = false;
  for (unsigned i = 0, n = 1 + seed % 3; i < n; ++i)
    changed |= mutator.mutate(model);
  std::string bytes;
  if (!changed || !model.SerializeToString(&bytes) || bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}
