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
#include <queue>

using namespace mlir;

namespace modelc {
namespace {

using import::NodeContext;
using import::NodeView;
using import::OpHandler;

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
  Location nameLoc(StringRef name) { return NameLoc::get(StringAttr::get(&ctx, name), fileLoc); }

  MLIRContext &ctx;
  std::string path, modelDir;
  const ImportOptions &options;
  Location fileLoc;
  onnx::ModelProto model;
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

  /// Filled by typeInputs: graph inputs that are not initializers.
  SmallVector<const onnx::ValueInfoProto *> inputs;
  SmallVector<Type> inputTypes;
};

//===----------------------------------------------------------------------===//
// 1. Parsing
//===----------------------------------------------------------------------===//

LogicalResult ModelImporter::parseModel() {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(fileLoc) << "cannot open ONNX model '" << path
                              << "': " << buffer.getError().message();
  size_t size = (*buffer)->getBufferSize();
  if (size > static_cast<size_t>(INT_MAX))
    return emitError(fileLoc) << "ONNX model '" << path
                              << "' is larger than 2 GiB; store its weights as external data";
  bool parsed = false;
  try {
    google::protobuf::LogSilencer silence;
    google::protobuf::io::ArrayInputStream raw((*buffer)->getBufferStart(), static_cast<int>(size));
    google::protobuf::io::CodedInputStream coded(&raw);
    // The default limit (64 MiB in older protobuf) is too small for models with weights.
    coded.SetTotalBytesLimit(INT_MAX);
    parsed = model.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
  } catch (...) {
    parsed = false;
  }
  if (!parsed)
    return emitError(fileLoc) << "failed to parse ONNX model '" << path << "'";
  if (!model.has_graph())
    return emitError(fileLoc) << "failed to parse ONNX model '" << path << "': it has no graph";
  return success();
}

LogicalResult ModelImporter::readOpset() {
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = std::max<int64_t>(opset, id.version());
  if (opset == -1) {
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

  // Display names, producers and consumers.
  int numNodes = graph.node_size();
  llvm::StringMap<int> producer;
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    nodeNames.push_back(node.name().empty() ? node.op_type() + "_" + std::to_string(i)
                                            : node.name());
    for (const std::string &in : node.input())
      if (!in.empty())
        usedTensors.insert(in);
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
  const llvm::StringMap<OpHandler> &table = import::getOpHandlers();
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    Location loc = nameLoc(nodeNames[i]);
    const OpHandler *handler = nullptr;
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      fail(emitError(loc) << "unsupported op '" << node.domain() << "." << node.op_type()
                          << "' in node '" << nodeNames[i] << "': domain '" << node.domain()
                          << "' is not supported");
    } else if (auto it = table.find(node.op_type()); it == table.end()) {
      fail(emitError(loc) << "unsupported op '" << node.op_type() << "' in node '" << nodeNames[i]
                          << "'");
    } else {
      handler = &it->second;
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
  for (const onnx::ValueInfoProto &output : graph.output())
    if (!producer.count(output.name()) && !initializers.count(output.name()) &&
        !graphInputs.contains(output.name()))
      fail(emitError(nameLoc(output.name()))
           << "graph output '" << output.name()
           << "' is not produced by any node, initializer or graph input");

  // Topological order (Kahn), keeping the model's order among ready nodes.
  SmallVector<SmallVector<int>> consumers(numNodes), producers(numNodes);
  SmallVector<int> pending(numNodes, 0);
  for (int i = 0; i < numNodes; ++i)
    for (const std::string &in : graph.node(i).input())
      if (auto it = producer.find(in); !in.empty() && it != producer.end()) {
        consumers[it->second].push_back(i);
        producers[i].push_back(it->second);
        ++pending[i];
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

static std::string joinDims(ArrayRef<int64_t> dims) {
  return llvm::join(llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), "x");
}

LogicalResult ModelImporter::typeInputs() {
  bool ok = true;
  SmallVector<std::string> unpinned, examples;
  llvm::StringSet<> inputNames;
  for (const onnx::ValueInfoProto &input : model.graph().input()) {
    const std::string &name = input.name();
    if (initializers.count(name))
      continue; // IR < 4 lists initializers among the inputs
    inputNames.insert(name);
    Location loc = nameLoc(name);
    if (!input.type().has_tensor_type()) {
      emitError(loc) << "graph input '" << name
                     << "' is not a tensor (sequence, map, optional and sparse inputs are "
                        "not supported)";
      ok = false;
      continue;
    }
    const onnx::TypeProto::Tensor &tensor = input.type().tensor_type();
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
        } else if (pinned) {
          shape.push_back(pin->second[d]);
        } else {
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
    inputTypes.push_back(complete ? Type(RankedTensorType::get(shape, elementType)) : Type());
  }

  for (const auto &[name, dims] : options.inputShapes) {
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
  llvm::StringMap<Value> values;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    BlockArgument arg = entry->getArgument(i);
    arg.setLoc(nameLoc(input->name()));
    func.setArgAttr(i, kNameAttr, builder.getStringAttr(input->name()));
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
    values[init.name()] = builder.create<graph::ConstantOp>(loc, *value);
    // The attribute holds its own copy: release the protobuf's to bound peak memory.
    std::string().swap(*init.mutable_raw_data());
  }
  if (!initializersOk)
    return nullptr;

  for (int index : order) {
    NodeView view = makeView(index);
    SmallVector<Value> operands;
    for (unsigned i = 0; i < view.getNumInputs(); ++i)
      operands.push_back(view.hasInput(i) ? values.lookup(view.getInputName(i)) : Value());
    NodeContext node(view, builder, operands);
    const OpHandler &handler = *handlers[index];
    if (failed(handler.convert(node)) || node.hasFailed()) {
      if (!node.hasFailed())
        node.emitError() << "import failed";
      return nullptr;
    }
    for (unsigned i = 0; i < std::min(handler.numOutputs, node.getNumOutputs()); ++i) {
      StringRef name = node.getOutputName(i);
      if (name.empty())
        continue;
      if (Value v = node.getOutput(i)) {
        values[name] = v;
      } else if (node.isOutputUsed(i)) {
        node.emitError() << "output #" << i << " ('" << name << "') was not produced";
        return nullptr;
      }
    }
  }

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output())
    results.push_back(values.lookup(output.name()));
  builder.create<func::ReturnOp>(fileLoc, results);

  // Folding leaves the constants of shape computations (and ops whose outputs nothing
  // reads) behind; graph ops are pure, so drop the dead ones, consumers first.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.setType(builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, kNameAttr, builder.getStringAttr(output.name()));

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

/// Turns each frozen graph input into an initializer of the same name, read from a
/// serialized TensorProto; the input then drops out of the signature like an IR < 4
/// initializer listed among the inputs.
LogicalResult ModelImporter::freezeInputs() {
  bool ok = true;
  for (const auto &[name, file] : options.frozenInputs) {
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

} // namespace modelc
