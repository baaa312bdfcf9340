//===- OnnxImporter.cpp - ONNX model to graph dialect ---------------------===//
//
// Imports a ModelProto in four steps, each of which reports every problem it finds before
// the import fails:
//   1. parse the file and read the default-domain opset;
//   2. scan the graph: unsupported ops and attribute values (through each handler's
//      `check`), tensors that nothing produces, names produced twice, and a topological
//      order (models need not list nodes in order; cycles are errors);
//   3. type the graph inputs, pinning symbolic dimensions from ImportOptions;
//   4. build `func.func @main`: initializers become graph.constant, nodes are converted in
//      topological order by their handlers, folding constant subgraphs on the way.
// Every op gets the location NameLoc(node name, model path:0:0).
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OnnxImporter.h"

#include "compiler/import/OpHandlers.h"
#include "compiler/import/TensorImport.h"
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <climits>
#include <optional>
#include <queue>
#include <set>

using namespace mlir;

namespace modelc {
namespace {

using import::Binding;
using import::NodeContext;
using import::NodeView;
using import::OpHandler;
using import::SubgraphImporter;

/// Attribute naming the ONNX tensor behind a function argument or result.
constexpr llvm::StringLiteral kNameAttr = "graph.name";

class ModelImporter {
public:
  ModelImporter(MLIRContext &context, StringRef path, const ImportOptions &options)
      : ctx(context), path(path.str()), options(options),
        fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {
    SmallString<256> dir(path);
    (void)llvm::sys::fs::make_absolute(dir);
    llvm::sys::path::remove_filename(dir);
    modelDir = dir.empty() ? "." : std::string(dir);
  }
  /// Imports the serialized model `bytes` instead of reading `path`.
  ModelImporter(MLIRContext &context, StringRef bytes, StringRef path, StringRef modelDir,
                const ImportOptions &options)
      : ctx(context), path(path.str()), modelDir(modelDir.empty() ? "." : modelDir.str()),
        options(options), fileLoc(FileLineColLoc::get(&context, path, 0, 0)), bytes(bytes) {}

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult parseModel();
  LogicalResult freezeInputs();
  LogicalResult readOpset();
  LogicalResult scanGraph();
  LogicalResult typeInputs();
  OwningOpRef<ModuleOp> buildModule();

  /// The view of node `index` used by checks and handlers.
  NodeView makeView(int index);
  /// Converts one node with its handler, reading inputs from and binding outputs into the
  /// scopes.
  LogicalResult convertNode(const NodeView &view, const OpHandler &handler, OpBuilder &builder);
  /// NodeContext::importSubgraph: a nested scope for `graph`, converted at `builder`.
  FailureOr<SmallVector<Binding>> importSubgraph(const onnx::GraphProto &graph,
                                                 StringRef parentName, ArrayRef<Binding> inputs,
                                                 OpBuilder &builder);
  /// What an ONNX name is bound to in the innermost scope that defines it; null if none.
  const Binding *lookup(StringRef name) const;
  Location nameLoc(StringRef name) { return NameLoc::get(StringAttr::get(&ctx, name), fileLoc); }

  MLIRContext &ctx;
  std::string path, modelDir;
  const ImportOptions &options;
  Location fileLoc;
  onnx::ModelProto model;
  /// The serialized model when it was given in memory; otherwise `path` is read.
  std::optional<StringRef> bytes;
  int64_t opset = -1;

  /// Filled by scanGraph.
  SmallVector<std::string> nodeNames;
  SmallVector<const OpHandler *> handlers;
  std::vector<int> order;
  llvm::StringSet<> usedTensors;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  std::function<bool(StringRef)> isUsed = [this](StringRef name) {
    return usedTensors.contains(name);
  };

  /// ONNX names -> tensors or sequences: @main's scope, then one per subgraph being
  /// imported.
  SmallVector<llvm::StringMap<Binding>, 2> scopes;
  /// Subgraph nesting depth bound (malformed models may nest without end).
  static constexpr int kMaxSubgraphDepth = 16;

  /// Filled by typeInputs: graph inputs that are not initializers.
  SmallVector<const onnx::ValueInfoProto *> inputs;
  SmallVector<Type> inputTypes;
  /// Per input: the axis with dim_param options.dimName, or -1.
  SmallVector<int64_t> inputDimAxes;
  /// Per input: -1 for a tensor input, k for element k of a sequence input (each element
  /// of a pinned sequence is an input of its own, named NAME[k]).
  SmallVector<int> inputElements;
  /// The sequence inputs, in order, with their element types (an empty one has no input).
  SmallVector<std::pair<std::string, Type>> sequenceInputs;
  /// Longest sequence an --input-shape pin may give.
  static constexpr int64_t kMaxSequenceInputLength = 4096;

  /// Optional graph inputs compiled as empty (--input-shape NAME=none).
  SmallVector<std::string> emptyOptionalInputs;

  /// typeInputs for one sequence-typed graph input (or optional input holding a sequence).
  LogicalResult typeSequenceInput(const onnx::ValueInfoProto &input,
                                  const onnx::TypeProto::Sequence &sequence);
};

//===----------------------------------------------------------------------===//
// 1. Parsing
//===----------------------------------------------------------------------===//

LogicalResult ModelImporter::parseModel() {
  std::unique_ptr<llvm::MemoryBuffer> file;
  StringRef data;
  if (bytes) {
    data = *bytes;
  } else {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return emitError(fileLoc) << "cannot open ONNX model '" << path
                                << "': " << buffer.getError().message();
    file = std::move(*buffer);
    data = file->getBuffer();
  }
  size_t size = data.size();
  if (size > static_cast<size_t>(INT_MAX))
    return emitError(fileLoc) << "ONNX model '" << path
                              << "' is larger than 2 GiB; store its weights as external data";
  bool parsed = false;
  try {
    google::protobuf::LogSilencer silence;
    google::protobuf::io::ArrayInputStream raw(data.data(), static_cast<int>(size));
    google::protobuf::io::CodedInputStream coded(&raw);
    // The default limit (64 MiB in older protobuf) is too small for models with weights.
    coded.SetTotalBytesLimit(INT_MAX);
    parsed = model.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
  } catch (...) {
    parsed = false;
  }
  if (!parsed)
    return emitError(fileLoc) << "failed to parse ONNX model '" << path
                              << "' (truncated, or not a serialized ModelProto)";
  if (!model.has_graph())
    return emitError(fileLoc) << "failed to parse ONNX model '" << path << "': it has no graph";
  return success();
}

LogicalResult ModelImporter::readOpset() {
  bool imported = false;
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx") {
      opset = imported ? std::max<int64_t>(opset, id.version()) : id.version();
      imported = true;
    }
  if (!imported) {
    // IR version 1 and 2 models have no opset_import: they use opset 1.
    if (model.ir_version() < 3)
      opset = 1;
    else
      return emitError(fileLoc) << "model imports no opset of the default ONNX domain";
  }
  if (opset < import::kMinOpset || opset > import::kMaxOpset)
    return emitError(fileLoc) << "unsupported opset " << opset << " (modelc supports opsets "
                              << import::kMinOpset << " to " << import::kMaxOpset << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// 2. Scanning the graph
//===----------------------------------------------------------------------===//

NodeView ModelImporter::makeView(int index) {
  const onnx::NodeProto &node = model.graph().node(index);
  return NodeView(node, nodeNames[index], opset, nameLoc(nodeNames[index]), modelDir, isUsed);
}

/// Adds every tensor name read by the subgraphs of `node` (recursively) to `used`, and those
/// not defined inside them to `outer`.
static void collectSubgraphReads(const onnx::NodeProto &node, llvm::StringSet<> &used,
                                 llvm::StringSet<> &outer, int depth) {
  if (depth > 16)
    return; // importSubgraph reports the nesting
  for (const onnx::AttributeProto &attr : node.attribute()) {
    SmallVector<const onnx::GraphProto *> graphs;
    if (attr.has_g())
      graphs.push_back(&attr.g());
    for (const onnx::GraphProto &g : attr.graphs())
      graphs.push_back(&g);
    for (const onnx::GraphProto *g : graphs) {
      llvm::StringSet<> defined, inner;
      for (const onnx::ValueInfoProto &in : g->input())
        defined.insert(in.name());
      for (const onnx::TensorProto &init : g->initializer())
        defined.insert(init.name());
      for (const onnx::NodeProto &n : g->node())
        for (const std::string &out : n.output())
          defined.insert(out);
      auto read = [&](StringRef name) {
        if (name.empty())
          return;
        used.insert(name);
        if (!defined.contains(name))
          outer.insert(name);
      };
      for (const onnx::NodeProto &n : g->node()) {
        for (const std::string &in : n.input())
          read(in);
        inner.clear();
        collectSubgraphReads(n, used, inner, depth + 1);
        for (const auto &name : inner)
          read(name.getKey());
      }
      for (const onnx::ValueInfoProto &out : g->output())
        read(out.name());
    }
  }
}

LogicalResult ModelImporter::scanGraph() {
  const onnx::GraphProto &graph = model.graph();
  bool ok = true;
  auto fail = [&](InFlightDiagnostic &&diag) {
    (void)diag;
    ok = false;
  };

  // Tensors available before any node runs.
  llvm::StringSet<> graphInputs;
  for (const onnx::TensorProto &init : graph.initializer()) {
    if (init.name().empty())
      fail(emitError(fileLoc) << "an initializer has no name");
    else if (!initializers.try_emplace(init.name(), &init).second)
      fail(emitError(nameLoc(init.name())) << "duplicate initializer '" << init.name() << "'");
  }
  for (const onnx::SparseTensorProto &sparse : graph.sparse_initializer())
    fail(emitError(fileLoc) << "sparse initializer '" << sparse.values().name()
                            << "' is not supported");
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!graphInputs.insert(input.name()).second)
      fail(emitError(nameLoc(input.name())) << "duplicate graph input '" << input.name() << "'");

  // Display names, producers and consumers. Names read inside subgraphs (If branches,
  // Loop/Scan bodies) count as used, and those the subgraph does not define itself are
  // implicit inputs of the node that owns it.
  int numNodes = graph.node_size();
  llvm::StringMap<int> producer;
  SmallVector<llvm::StringSet<>> implicitInputs(numNodes);
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    nodeNames.push_back(node.name().empty() ? node.op_type() + "_" + std::to_string(i)
                                            : node.name());
    for (const std::string &in : node.input())
      if (!in.empty())
        usedTensors.insert(in);
    collectSubgraphReads(node, usedTensors, implicitInputs[i], 0);
  }
  for (const onnx::ValueInfoProto &output : graph.output())
    usedTensors.insert(output.name());
  for (int i = 0; i < numNodes; ++i) {
    for (const std::string &out : graph.node(i).output()) {
      if (out.empty())
        continue;
      Location loc = nameLoc(nodeNames[i]);
      if (initializers.count(out) || graphInputs.contains(out))
        fail(emitError(loc) << "node '" << nodeNames[i] << "' (" << graph.node(i).op_type()
                            << "): output '" << out
                            << "' has the name of a graph input or initializer");
      else if (auto [it, inserted] = producer.try_emplace(out, i); !inserted)
        fail(emitError(loc) << "node '" << nodeNames[i] << "' (" << graph.node(i).op_type()
                            << "): output '" << out << "' is also produced by node '"
                            << nodeNames[it->second] << "'");
    }
  }

  // Op types, attributes, used outputs and dangling inputs, node by node.
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    Location loc = nameLoc(nodeNames[i]);
    const OpHandler *handler = import::findOpHandler(node.domain(), node.op_type());
    if (!import::isSupportedDomain(node.domain())) {
      fail(emitError(loc) << "unsupported op '" << node.domain() << "." << node.op_type()
                          << "' in node '" << nodeNames[i] << "': domain '" << node.domain()
                          << "' is not supported");
    } else if (!handler) {
      fail(emitError(loc) << "unsupported op '"
                          << (import::isDefaultDomain(node.domain()) ? "" : node.domain() + ".")
                          << node.op_type() << "' in node '" << nodeNames[i] << "'");
    } else {
      NodeView view = makeView(i);
      if (handler->check && failed(handler->check(view)))
        ok = false;
      for (unsigned out = handler->numOutputs; out < view.getNumOutputs(); ++out)
        if (view.isOutputUsed(out))
          view.emitError() << "output #" << out << " ('" << view.getOutputName(out)
                           << "') is not supported";
      ok &= !view.hasFailed();
    }
    handlers.push_back(handler);
    for (const std::string &in : node.input())
      if (!in.empty() && !producer.count(in) && !initializers.count(in) &&
          !graphInputs.contains(in))
        fail(emitError(loc) << "node '" << nodeNames[i] << "' (" << node.op_type() << "): input '"
                            << in << "' is not produced by any node, initializer or graph input");
  }
  // A model computes something: no outputs is an empty (or broken) graph, and an output
  // listed twice would give the generated API two outputs of one name.
  if (graph.output_size() == 0)
    fail(emitError(fileLoc) << "graph '" << graph.name() << "' has no outputs");
  llvm::StringSet<> outputNames;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (output.name().empty())
      fail(emitError(fileLoc) << "a graph output has no name");
    else if (!outputNames.insert(output.name()).second)
      fail(emitError(nameLoc(output.name()))
           << "graph output '" << output.name() << "' is listed more than once");
    else if (!producer.count(output.name()) && !initializers.count(output.name()) &&
             !graphInputs.contains(output.name()))
      fail(emitError(nameLoc(output.name()))
           << "graph output '" << output.name()
           << "' is not produced by any node, initializer or graph input");
  }

  // Topological order (Kahn), keeping the model's order among ready nodes.
  SmallVector<SmallVector<int>> consumers(numNodes), producers(numNodes);
  SmallVector<int> pending(numNodes, 0);
  for (int i = 0; i < numNodes; ++i) {
    SmallVector<StringRef> reads(graph.node(i).input().begin(), graph.node(i).input().end());
    for (const auto &implicit : implicitInputs[i])
      reads.push_back(implicit.getKey());
    for (StringRef in : reads)
      if (auto it = producer.find(in); !in.empty() && it != producer.end()) {
        consumers[it->second].push_back(i);
        producers[i].push_back(it->second);
        ++pending[i];
      }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < numNodes; ++i)
    if (pending[i] == 0)
      ready.push(i);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int c : consumers[i])
      if (--pending[c] == 0)
        ready.push(c);
  }
  if (static_cast<int>(order.size()) != numNodes) {
    // Every node left has a pending producer: walk producers until one repeats.
    int start = 0;
    while (pending[start] == 0)
      ++start;
    SmallVector<int> path;
    SmallVector<int> position(numNodes, -1);
    int cur = start;
    while (position[cur] < 0) {
      position[cur] = path.size();
      path.push_back(cur);
      cur = *llvm::find_if(producers[cur], [&](int p) { return pending[p] > 0; });
    }
    SmallVector<std::string> cycle;
    for (int k = path.size() - 1; k >= position[cur]; --k)
      cycle.push_back("'" + nodeNames[path[k]] + "'");
    cycle.push_back("'" + nodeNames[path.back()] + "'");
    fail(emitError(nameLoc(nodeNames[cur])) << "graph has a cycle: " << llvm::join(cycle, " -> "));
  }
  return success(ok);
}

//===----------------------------------------------------------------------===//
// 3. Graph inputs
//===----------------------------------------------------------------------===//

/// The graph input or output that holds element k of sequence `name`.
static std::string elementName(StringRef name, size_t k) {
  return name.str() + "[" + std::to_string(k) + "]";
}

static std::string joinDims(ArrayRef<int64_t> dims) {
  return llvm::join(llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), "x");
}

LogicalResult ModelImporter::typeSequenceInput(const onnx::ValueInfoProto &input,
                                               const onnx::TypeProto::Sequence &sequence) {
  const std::string &name = input.name();
  Location loc = nameLoc(name);
  if (!sequence.has_elem_type() || !sequence.elem_type().has_tensor_type())
    return emitError(loc) << "graph input '" << name
                          << "' is a sequence whose elements are not tensors (not supported)";
  const onnx::TypeProto::Tensor &tensor = sequence.elem_type().tensor_type();
  Type elementType = import::getElementType(&ctx, tensor.elem_type());
  if (!elementType)
    return emitError(loc) << "graph input '" << name << "' is a sequence of unsupported element "
                          << "type " << import::getDataTypeName(tensor.elem_type());
  if (options.inputShapes.count(name))
    return emitError(loc) << "graph input '" << name << "' is a sequence: pin its elements as "
                          << "--input-shape " << name << "=[AxB;CxD] (one shape per element)";
  auto pin = options.sequenceShapes.find(name);
  if (pin == options.sequenceShapes.end())
    return emitError(loc) << "graph input '" << name << "' is a sequence, whose length and "
                          << "element shapes the bundle needs: pin them with --input-shape "
                          << name << "=[AxB;CxD] (one shape per element, [] for none)";
  if (static_cast<int64_t>(pin->second.size()) > kMaxSequenceInputLength)
    return emitError(loc) << "--input-shape " << name << " pins " << pin->second.size()
                          << " elements; at most " << kMaxSequenceInputLength << " are supported";
  bool ok = true;
  for (auto [k, dims] : llvm::enumerate(pin->second)) {
    std::string what = "element " + std::to_string(k) + " of graph input '" + name + "'";
    if (tensor.has_shape()) {
      // The model's element type may fix the rank and some dimensions.
      int rank = tensor.shape().dim_size();
      if (static_cast<int>(dims.size()) != rank) {
        emitError(loc) << "--input-shape gives " << what << " rank " << dims.size()
                       << ", but the model's elements have rank " << rank;
        ok = false;
        continue;
      }
      for (int d = 0; d < rank; ++d) {
        const onnx::TensorShapeProto::Dimension &dim = tensor.shape().dim(d);
        if (dim.has_dim_value() && dim.dim_value() != dims[d]) {
          emitError(loc) << "--input-shape gives " << what << " dim " << d << " as " << dims[d]
                         << ", but the model fixes it to " << dim.dim_value();
          ok = false;
        }
      }
    }
    if (failed(import::checkDims(dims, what, loc))) {
      ok = false;
      continue;
    }
    inputs.push_back(&input);
    inputDimAxes.push_back(-1);
    inputElements.push_back(static_cast<int>(k));
    inputTypes.push_back(RankedTensorType::get(dims, elementType));
  }
  sequenceInputs.push_back({name, elementType});
  return success(ok);
}

LogicalResult ModelImporter::typeInputs() {
  bool ok = true;
  SmallVector<std::string> unpinned, examples;
  llvm::StringSet<> inputNames;
  std::set<std::string> dimParams; // for the message when --dim names none of them
  bool dimFound = false;
  for (const onnx::ValueInfoProto &input : model.graph().input()) {
    const std::string &name = input.name();
    if (initializers.count(name))
      continue; // IR < 4 lists initializers among the inputs
    inputNames.insert(name);
    Location loc = nameLoc(name);
    // An optional input is compiled as present (its element's type below) or, with
    // --input-shape NAME=none, as empty.
    const onnx::TypeProto *type = &input.type();
    bool optional = type->has_optional_type();
    if (optional) {
      if (options.emptyOptionals.count(name)) {
        emptyOptionalInputs.push_back(name);
        continue;
      }
      type = &type->optional_type().elem_type();
    } else if (options.emptyOptionals.count(name)) {
      emitError(loc) << "--input-shape " << name << "=none compiles an optional input as empty, "
                     << "but graph input '" << name << "' is not optional";
      ok = false;
      continue;
    }
    if (type->has_sequence_type()) {
      if (failed(typeSequenceInput(input, type->sequence_type())))
        ok = false;
      continue;
    }
    if (!type->has_tensor_type()) {
      emitError(loc) << "graph input '" << name
                     << "' is not a tensor, a sequence of tensors or an optional of one (map "
                        "and sparse inputs are not supported)";
      ok = false;
      continue;
    }
    if (options.sequenceShapes.count(name)) {
      emitError(loc) << "--input-shape " << name << "=[...] pins a sequence, but graph input '"
                     << name << "' is a tensor";
      ok = false;
      continue;
    }
    const onnx::TypeProto::Tensor &tensor = type->tensor_type();
    Type elementType = import::getElementType(&ctx, tensor.elem_type());
    if (!elementType) {
      emitError(loc) << "graph input '" << name << "' has unsupported element type "
                     << import::getDataTypeName(tensor.elem_type());
      ok = false;
      continue;
    }

    auto pin = options.inputShapes.find(name);
    bool pinned = pin != options.inputShapes.end();
    SmallVector<int64_t> shape;
    int64_t dimAxis = -1;
    bool needsPin = false, invalid = false;
    if (!tensor.has_shape()) {
      if (pinned) {
        shape.assign(pin->second.begin(), pin->second.end());
      } else {
        unpinned.push_back("input '" + name + "' (unknown rank)");
        needsPin = true;
      }
    } else {
      int rank = tensor.shape().dim_size();
      if (pinned && static_cast<int>(pin->second.size()) != rank) {
        emitError(loc) << "--input-shape " << name << "=" << joinDims(pin->second) << " has rank "
                       << pin->second.size() << " but graph input '" << name << "' has rank "
                       << rank;
        ok = false;
        continue;
      }
      // `example` is the suggested pin: the model's sizes with 1 for unknown dimensions.
      SmallVector<int64_t> example;
      for (int d = 0; d < rank; ++d) {
        const onnx::TensorShapeProto::Dimension &dim = tensor.shape().dim(d);
        if (dim.has_dim_value()) {
          int64_t size = dim.dim_value();
          if (size < 0) {
            emitError(loc) << "graph input '" << name << "' dim " << d << " has negative size "
                           << size;
            invalid = true;
          } else if (pinned && pin->second[d] != size) {
            emitError(loc) << "--input-shape " << name << "=" << joinDims(pin->second)
                           << " gives dim " << d << " as " << pin->second[d]
                           << " but the model fixes it to " << size;
            invalid = true;
          }
          shape.push_back(size);
          example.push_back(size);
        } else if (dim.has_dim_param() && !options.dimName.empty() &&
                   dim.dim_param() == options.dimName) {
          dimFound = true;
          if (pinned) {
            emitError(loc) << "--input-shape " << name << "=" << joinDims(pin->second)
                           << " pins dimension '" << options.dimName << "' (dim " << d
                           << " of graph input '" << name << "'), which --dim " << options.dimName
                           << " keeps dynamic";
            invalid = true;
          } else if (dimAxis >= 0) {
            emitError(loc) << "graph input '" << name << "' has dimension '" << options.dimName
                           << "' twice (dims " << dimAxis << " and " << d
                           << "); --dim supports one per input";
            invalid = true;
          }
          dimAxis = d;
          shape.push_back(options.dimSize);
          example.push_back(options.dimSize);
        } else if (pinned) {
          shape.push_back(pin->second[d]);
        } else {
          if (dim.has_dim_param())
            dimParams.insert(dim.dim_param());
          unpinned.push_back(
              "input '" + name + "' dim " + std::to_string(d) + " (" +
              (dim.has_dim_param() ? "'" + dim.dim_param() + "'" : std::string("unknown")) + ")");
          needsPin = true;
          example.push_back(1);
        }
      }
      if (needsPin && !invalid)
        examples.push_back("--input-shape " + name + "=" + joinDims(example));
    }
    bool complete = !needsPin && !invalid;
    if (invalid ||
        (complete && failed(import::checkDims(shape, "graph input '" + name + "'", loc))))
      ok = false;
    inputs.push_back(&input);
    inputDimAxes.push_back(dimAxis);
    inputElements.push_back(-1);
    inputTypes.push_back(complete ? Type(RankedTensorType::get(shape, elementType)) : Type());
  }

  SmallVector<StringRef> pinned;
  for (const auto &entry : options.inputShapes)
    pinned.push_back(entry.first);
  for (const auto &entry : options.sequenceShapes)
    pinned.push_back(entry.first);
  for (const std::string &name : options.emptyOptionals)
    pinned.push_back(name);
  for (StringRef name : pinned) {
    if (inputNames.contains(name))
      continue;
    auto diag = emitError(fileLoc) << "--input-shape names '" << name << "', which is ";
    if (initializers.count(name))
      diag << "an initializer, not a graph input";
    else
      diag << "not a graph input";
    SmallVector<StringRef> names;
    for (const onnx::ValueInfoProto &input : model.graph().input())
      if (!initializers.count(input.name()))
        names.push_back(input.name());
    diag << " (graph inputs: " << (names.empty() ? "none" : llvm::join(names, ", ")) << ")";
    ok = false;
  }
  if (!options.dimName.empty() && !dimFound) {
    emitError(fileLoc) << "--dim names '" << options.dimName
                       << "', which is not a symbolic dimension (dim_param) of any graph input"
                       << (dimParams.empty() ? std::string(" (the inputs have none)")
                                             : " (they have: " + llvm::join(dimParams, ", ") + ")");
    return failure();
  }
  if (!unpinned.empty()) {
    emitError(fileLoc) << "graph inputs have dimensions without a static size: "
                       << llvm::join(unpinned, ", ") << "; pin them with --input-shape NAME=AxBxC"
                       << (examples.empty() ? "" : ", e.g. " + llvm::join(examples, " "));
    ok = false;
  }
  return success(ok);
}

//===----------------------------------------------------------------------===//
// 4. Building @main
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> ModelImporter::buildModule() {
  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder builder(&ctx);
  builder.setInsertionPointToEnd(module->getBody());
  auto func =
      builder.create<func::FuncOp>(fileLoc, "main", builder.getFunctionType(inputTypes, {}));
  Block *entry = func.addEntryBlock();
  scopes.assign(1, {});
  llvm::StringMap<Binding> &values = scopes.front();
  for (const auto &[name, elementType] : sequenceInputs)
    values[name] = Binding(import::Sequence{{}, elementType});
  for (const std::string &name : emptyOptionalInputs)
    values[name] = Binding::emptyOptional();
  for (auto [i, input] : llvm::enumerate(inputs)) {
    BlockArgument arg = entry->getArgument(i);
    arg.setLoc(nameLoc(input->name()));
    if (inputElements[i] >= 0) {
      func.setArgAttr(i, kNameAttr,
                      builder.getStringAttr(elementName(input->name(), inputElements[i])));
      values[input->name()].sequence->elements.push_back(arg);
      continue;
    }
    func.setArgAttr(i, kNameAttr, builder.getStringAttr(input->name()));
    if (inputDimAxes[i] >= 0)
      func.setArgAttr(i, "graph.dims",
                      builder.getDictionaryAttr(builder.getNamedAttr(
                          options.dimName, builder.getI64IntegerAttr(inputDimAxes[i]))));
    values[input->name()] = arg;
  }
  builder.setInsertionPointToStart(entry);

  // Initializers that something reads, in the model's order; all bad ones are reported.
  bool initializersOk = true;
  for (onnx::TensorProto &init : *model.mutable_graph()->mutable_initializer()) {
    if (!usedTensors.contains(init.name()))
      continue;
    Location loc = nameLoc(init.name());
    auto value = import::importTensor(&ctx, init, init.name(), "initializer '" + init.name() + "'",
                                      loc, modelDir);
    if (failed(value)) {
      initializersOk = false;
      continue;
    }
    values[init.name()] = Binding(builder.create<graph::ConstantOp>(loc, *value));
    // The attribute holds its own copy: release the protobuf's to bound peak memory.
    std::string().swap(*init.mutable_raw_data());
  }
  if (!initializersOk)
    return nullptr;

  for (int index : order)
    if (failed(convertNode(makeView(index), *handlers[index], builder)))
      return nullptr;

  // A sequence output is known element by element: each is an output of its own, NAME[k].
  SmallVector<Value> results;
  SmallVector<std::string> resultNames;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    const Binding *b = lookup(output.name());
    if (!b) {
      emitError(nameLoc(output.name()))
          << "graph output '" << output.name() << "' was not produced";
      return nullptr;
    }
    if (b->none)
      continue; // an empty optional output: the bundle has no such output
    if (!b->isSequence()) {
      results.push_back(b->tensor);
      resultNames.push_back(output.name());
      continue;
    }
    for (auto [k, element] : llvm::enumerate(b->sequence->elements)) {
      results.push_back(element);
      resultNames.push_back(elementName(output.name(), k));
    }
  }
  if (results.empty()) {
    emitError(fileLoc) << "the model computes no output: every graph output is an empty "
                          "sequence or an empty optional";
    return nullptr;
  }
  builder.create<func::ReturnOp>(fileLoc, results);

  // Folding leaves the constants of shape computations (and ops whose outputs nothing
  // reads) behind; graph ops are pure, so drop the dead ones, consumers first.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.setType(builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(resultNames))
    func.setResultAttr(i, kNameAttr, builder.getStringAttr(name));

  // Ops were verified as they were created; this catches anything left, naming the node.
  SmallVector<std::pair<Location, std::string>> errors;
  LogicalResult verified = success();
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        errors.emplace_back(diag.getLocation(), diag.str());
      return success();
    });
    verified = mlir::verify(*module);
  }
  for (auto &[loc, message] : errors) {
    auto diag = emitError(loc);
    if (auto name = dyn_cast<NameLoc>(loc))
      diag << "node '" << name.getName().getValue() << "': ";
    diag << message;
  }
  if (failed(verified))
    return nullptr;
  return module;
}

const Binding *ModelImporter::lookup(StringRef name) const {
  for (const llvm::StringMap<Binding> &scope : llvm::reverse(scopes))
    if (auto it = scope.find(name); it != scope.end() && it->second)
      return &it->second;
  return nullptr;
}

LogicalResult ModelImporter::convertNode(const NodeView &view, const OpHandler &handler,
                                         OpBuilder &builder) {
  SmallVector<Binding> operands;
  for (unsigned i = 0; i < view.getNumInputs(); ++i) {
    const Binding *b = view.hasInput(i) ? lookup(view.getInputName(i)) : nullptr;
    operands.push_back(b ? *b : Binding());
  }
  NodeContext node(view, builder, operands);
  // Sequences are lists of tensors known only to the importer: a handler that does not
  // take them must not see one (it would read it as an absent input).
  if (!handler.sequences)
    for (auto [i, b] : llvm::enumerate(operands))
      if (b.isSequence())
        return node.emitError() << "input #" << i << " ('" << node.getInputName(i)
                                << "') is a sequence, but " << node.getOpType()
                                << " takes tensors only";
  SubgraphImporter subgraphs = [&](const onnx::GraphProto &graph, StringRef parentName,
                                   ArrayRef<Binding> inputs) {
    return importSubgraph(graph, parentName, inputs, builder);
  };
  node.setSubgraphImporter(&subgraphs);
  if (failed(handler.convert(node)) || node.hasFailed()) {
    if (!node.hasFailed())
      node.emitError() << "import failed";
    return failure();
  }
  for (unsigned i = 0; i < std::min(handler.numOutputs, node.getNumOutputs()); ++i) {
    StringRef name = node.getOutputName(i);
    if (name.empty())
      continue;
    if (const Binding &b = node.getOutputBinding(i)) {
      scopes.back()[name] = b;
    } else if (node.isOutputUsed(i)) {
      node.emitError() << "output #" << i << " ('" << name << "') was not produced";
      return failure();
    }
  }
  return success();
}

FailureOr<SmallVector<Binding>> ModelImporter::importSubgraph(const onnx::GraphProto &graph,
                                                              StringRef parentName,
                                                              ArrayRef<Binding> inputs,
                                                              OpBuilder &builder) {
  std::string prefix = parentName.str() + "/" + (graph.name().empty() ? "body" : graph.name());
  Location graphLoc = nameLoc(prefix);
  if (scopes.size() > kMaxSubgraphDepth)
    return emitError(graphLoc) << "subgraph '" << prefix << "' is nested more than "
                               << kMaxSubgraphDepth << " levels deep";
  if (graph.input_size() != static_cast<int>(inputs.size()))
    return emitError(graphLoc) << "subgraph '" << prefix << "' declares " << graph.input_size()
                               << " inputs, but its node passes " << inputs.size();
  scopes.emplace_back();
  auto popScope = llvm::make_scope_exit([&] { scopes.pop_back(); });
  for (auto [formal, value] : llvm::zip(graph.input(), inputs))
    scopes.back()[formal.name()] = value;
  for (const onnx::TensorProto &init : graph.initializer()) {
    Location loc = nameLoc(prefix + "/" + init.name());
    auto value = import::importTensor(&ctx, init, init.name(),
                                      "initializer '" + init.name() + "' of '" + prefix + "'", loc,
                                      modelDir);
    if (failed(value))
      return failure();
    scopes.back()[init.name()] = Binding(builder.create<graph::ConstantOp>(loc, *value));
  }
  // ONNX requires subgraph nodes in topological order; a read of an undefined name is
  // reported when the node is converted.
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    std::string name =
        prefix + "/" +
        (node.name().empty() ? node.op_type() + "_" + std::to_string(i) : node.name());
    Location loc = nameLoc(name);
    const OpHandler *handler = import::findOpHandler(node.domain(), node.op_type());
    if (!handler)
      return emitError(loc) << "unsupported op '"
                            << (node.domain().empty() ? "" : node.domain() + ".") << node.op_type()
                            << "' in node '" << name << "'";
    for (const std::string &in : node.input())
      if (!in.empty() && !lookup(in))
        return emitError(loc) << "node '" << name << "' (" << node.op_type() << "): input '" << in
                              << "' is not defined in the subgraph or an enclosing graph";
    NodeView view(node, name, opset, loc, modelDir, isUsed);
    if (handler->check && failed(handler->check(view)))
      return failure();
    for (unsigned out = handler->numOutputs; out < view.getNumOutputs(); ++out)
      if (view.isOutputUsed(out))
        view.emitError() << "output #" << out << " ('" << view.getOutputName(out)
                         << "') is not supported";
    if (view.hasFailed() || failed(convertNode(view, *handler, builder)))
      return failure();
  }
  SmallVector<Binding> outputs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    const Binding *b = lookup(output.name());
    if (!b)
      return emitError(graphLoc) << "subgraph '" << prefix << "' output '" << output.name()
                                 << "' is not produced";
    outputs.push_back(*b);
  }
  return outputs;
}

/// Turns each frozen graph input into an initializer of the same name, read from a
/// serialized TensorProto; the input then drops out of the signature like an IR < 4
/// initializer listed among the inputs.
LogicalResult ModelImporter::freezeInputs() {
  bool ok = true;
  for (const auto &entry : options.frozenInputs) {
    // Not a structured binding: lambdas may not capture those before C++20 (clang rejects it).
    const std::string &name = entry.first, &file = entry.second;
    const auto &inputs = model.graph().input();
    bool isInput =
        llvm::any_of(inputs, [&](const onnx::ValueInfoProto &in) { return in.name() == name; });
    if (!isInput) {
      emitError(fileLoc) << "--freeze-input: '" << name << "' is not a graph input";
      ok = false;
      continue;
    }
    auto buffer = llvm::MemoryBuffer::getFile(file);
    onnx::TensorProto tensor;
    bool parsed = false;
    if (buffer) {
      try {
        parsed = tensor.ParseFromArray((*buffer)->getBufferStart(),
                                       static_cast<int>((*buffer)->getBufferSize()));
      } catch (...) {
        parsed = false;
      }
    }
    if (!parsed) {
      emitError(fileLoc) << "--freeze-input: cannot read a TensorProto for '" << name << "' from '"
                         << file << "'";
      ok = false;
      continue;
    }
    tensor.set_name(name);
    *model.mutable_graph()->add_initializer() = std::move(tensor);
  }
  return success(ok);
}

OwningOpRef<ModuleOp> ModelImporter::run() {
  ctx.getOrLoadDialect<graph::GraphDialect>();
  ctx.getOrLoadDialect<func::FuncDialect>();
  if (failed(parseModel()) || failed(readOpset()) || failed(freezeInputs()))
    return nullptr;
  // Graph problems and input-shape problems are reported together.
  bool scanned = succeeded(scanGraph());
  bool typed = succeeded(typeInputs());
  if (!scanned || !typed)
    return nullptr;
  return buildModule();
}

} // namespace

OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &context, StringRef path,
                                      const ImportOptions &options) {
  return ModelImporter(context, path, options).run();
}

OwningOpRef<ModuleOp> importOnnxModelFromBuffer(MLIRContext &context, StringRef bytes,
                                                StringRef displayName, StringRef modelDir,
                                                const ImportOptions &options) {
  return ModelImporter(context, bytes, displayName, modelDir, options).run();
}

/// One tensor shape of a pin: AxBxC or A,B,C; empty (or, inside a sequence pin, `scalar`)
/// is rank 0.
static bool parsePinDims(StringRef text, std::vector<int64_t> &dims, std::string &why) {
  text = text.trim();
  dims.clear();
  if (text.empty() || text == "scalar")
    return true;
  SmallVector<StringRef> parts;
  text.split(parts, text.contains(',') ? ',' : 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d < 0) {
      why = "'" + part.trim().str() + "' is not a non-negative dimension";
      return false;
    }
    dims.push_back(d);
  }
  return true;
}

bool parseInputShapeSpec(StringRef spec, ImportOptions &options, std::string &why) {
  auto [name, value] = spec.rsplit('=');
  if (name.empty() || name.size() == spec.size()) {
    why = "expected NAME=AxBxC, NAME=[AxB;C] for a sequence or NAME=none";
    return false;
  }
  value = value.trim();
  if (value == "none") {
    options.emptyOptionals.insert(name.str());
    return true;
  }
  if (!value.consume_front("[")) {
    std::vector<int64_t> dims;
    if (!parsePinDims(value, dims, why))
      return false;
    options.inputShapes[name.str()] = std::move(dims);
    return true;
  }
  if (!value.consume_back("]")) {
    why = "a sequence pin ends with ']'";
    return false;
  }
  std::vector<std::vector<int64_t>> elements;
  if (!value.trim().empty()) {
    SmallVector<StringRef> parts;
    value.split(parts, ';');
    for (StringRef part : parts) {
      if (part.trim().empty()) {
        why = "an empty element shape (write `scalar` for a rank-0 element)";
        return false;
      }
      if (!parsePinDims(part, elements.emplace_back(), why))
        return false;
    }
  }
  options.sequenceShapes[name.str()] = std::move(elements);
  return true;
}

} // namespace modelc
