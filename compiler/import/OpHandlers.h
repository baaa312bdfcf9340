//===- OpHandlers.h - ONNX op handler table ---------------------*- C++ -*-===//
//
// The importer converts each ONNX node with a handler looked up by op type. A handler has
// two parts: `check`, run on every node before anything is built, validates attributes
// only (so that all unsupported ops and attribute values of a model are reported in one
// run), and `convert`, run in topological order, which reads its input values and creates
// graph-dialect ops through NodeContext. Handlers see the opset version of the default
// domain and implement every version's semantics from opset 1 to kMaxOpset.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_COMPILER_IMPORT_OPHANDLERS_H
#define MODELC_COMPILER_IMPORT_OPHANDLERS_H

#include "dialects/Graph/ConstantUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <optional>
#include <string>

namespace onnx {
class AttributeProto;
class GraphProto;
class NodeProto;
} // namespace onnx

namespace modelc::import {

/// Opset versions of the default ONNX domain the importer implements.
constexpr int64_t kMinOpset = 1;
constexpr int64_t kMaxOpset = 28;

/// Read-only view of one ONNX node: attributes, opset, names, diagnostics. Attribute
/// getters that find an attribute of the wrong kind report it and mark the view failed.
class NodeView {
public:
  NodeView(const onnx::NodeProto &node, llvm::StringRef displayName, int64_t opset,
           mlir::Location loc, llvm::StringRef modelDir,
           llvm::function_ref<bool(llvm::StringRef)> isTensorUsed);

  const onnx::NodeProto &getNode() const { return node; }
  llvm::StringRef getOpType() const;
  /// The node's name, or "<OpType>_<index>" when the model leaves it empty.
  llvm::StringRef getName() const { return displayName; }
  int64_t getOpset() const { return opset; }
  mlir::Location getLoc() const { return loc; }
  mlir::MLIRContext *getContext() const { return loc.getContext(); }
  /// Directory that external data paths are relative to.
  llvm::StringRef getModelDir() const { return modelDir; }

  /// Emits an error at the node's location, prefixed with "node 'NAME' (OpType): ".
  mlir::InFlightDiagnostic emitError();
  /// True once any error was reported for this node.
  bool hasFailed() const { return anyError; }
  /// Marks the node failed after an error reported elsewhere (e.g. by importTensor).
  void setFailed() { anyError = true; }

  /// Attribute access; defaults apply when the attribute is absent.
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return findAttr(name) != nullptr; }
  int64_t getInt(llvm::StringRef name, int64_t defaultValue);
  float getFloat(llvm::StringRef name, float defaultValue);
  std::string getString(llvm::StringRef name, llvm::StringRef defaultValue);
  std::optional<llvm::SmallVector<int64_t>> getInts(llvm::StringRef name);
  std::optional<llvm::SmallVector<float>> getFloats(llvm::StringRef name);

  /// Number of input/output slots, counting empty (absent) names.
  unsigned getNumInputs() const;
  unsigned getNumOutputs() const;
  llvm::StringRef getInputName(unsigned i) const;
  llvm::StringRef getOutputName(unsigned i) const;
  bool hasInput(unsigned i) const { return !getInputName(i).empty(); }
  /// True when output i has a name that another node or the graph outputs read.
  bool isOutputUsed(unsigned i) const;

protected:
  const onnx::NodeProto &node;
  std::string displayName;
  int64_t opset;
  mlir::Location loc;
  std::string modelDir;
  llvm::function_ref<bool(llvm::StringRef)> isTensorUsed;
  bool anyError = false;
};

/// An ONNX sequence (seq(tensor)) whose length and element shapes are known at compile
/// time: the list of its element tensors. Sequences exist only in the importer; the graph
/// dialect sees their elements. `elementType` is the declared element type (SequenceEmpty's
/// dtype, or the elements'), kept so that empty sequences still type-check insertions.
struct Sequence {
  llvm::SmallVector<mlir::Value> elements;
  mlir::Type elementType;
};

/// What an ONNX name is bound to during import: a tensor value, a sequence, or an empty
/// optional (ONNX optionals are resolved at compile time too: a present one is bound to its
/// tensor or sequence).
struct Binding {
  mlir::Value tensor;
  std::optional<Sequence> sequence;
  bool none = false;

  Binding() = default;
  Binding(mlir::Value tensor) : tensor(tensor) {}
  Binding(Sequence sequence) : sequence(std::move(sequence)) {}
  static Binding emptyOptional() {
    Binding b;
    b.none = true;
    return b;
  }
  bool isSequence() const { return sequence.has_value(); }
  /// A tensor or a sequence (not an empty optional).
  bool hasElement() const { return tensor || sequence; }
  /// Bound at all (an empty optional is bound to nothing, but it is bound).
  explicit operator bool() const { return hasElement() || none; }
};

/// Imports a subgraph (an If branch, a Loop or Scan body) inline: see
/// NodeContext::importSubgraph.
using SubgraphImporter = std::function<mlir::FailureOr<llvm::SmallVector<Binding>>(
    const onnx::GraphProto &graph, llvm::StringRef parentName, llvm::ArrayRef<Binding> inputs)>;

/// What a handler's `convert` works with: the node, its input values and a builder whose
/// insertion point is the end of @main's body.
class NodeContext : public NodeView {
public:
  NodeContext(const NodeView &view, mlir::OpBuilder &builder, llvm::ArrayRef<Binding> inputs)
      : NodeView(view), builder(builder), inputs(inputs.begin(), inputs.end()),
        outputs(getNumOutputs()) {}

  mlir::OpBuilder &getBuilder() { return builder; }

  /// Input i, or null (reported as an error) when the node does not provide it or it is a
  /// sequence.
  mlir::Value input(unsigned i);
  /// Input i, or null without an error when it is absent (empty name or beyond the end).
  /// Only handlers marked `sequences` can see a sequence here (as null): the importer
  /// rejects sequence inputs of every other handler before it runs.
  mlir::Value optionalInput(unsigned i) const;
  /// All present tensor inputs, in order.
  llvm::SmallVector<mlir::Value> presentInputs() const;

  /// Whether input i is present and a sequence.
  bool isSequenceInput(unsigned i) const { return i < inputs.size() && inputs[i].isSequence(); }
  /// Input i as bound: a tensor, a sequence, or empty when absent.
  Binding inputBinding(unsigned i) const { return i < inputs.size() ? inputs[i] : Binding(); }
  /// Input i as a sequence, or null (reported) when it is absent or a tensor.
  const Sequence *sequenceInput(unsigned i);

  static mlir::RankedTensorType getType(mlir::Value v) {
    return mlir::cast<mlir::RankedTensorType>(v.getType());
  }

  /// The value of input i when it is (or folded to) a graph.constant; reports an error
  /// naming `what` otherwise.
  std::optional<ConstantValue> getConstantInput(unsigned i, llvm::StringRef what);
  /// Same, as integers; at most 2^16 of them (shapes, axes, pads, split sizes).
  std::optional<llvm::SmallVector<int64_t>> getConstantInts(unsigned i, llvm::StringRef what);

  /// Imports `graph` (a GRAPH attribute of this node) inline at the builder's insertion
  /// point: its formal inputs are bound to `inputs` in order, other names resolve in the
  /// enclosing scopes, its nodes are converted by their handlers and its outputs returned.
  /// Errors are reported (naming the subgraph's nodes); failure then. Every output must be
  /// a tensor.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  importSubgraph(const onnx::GraphProto &graph, llvm::ArrayRef<mlir::Value> inputs);
  /// Same, with inputs and outputs that may be sequences (If branches, Loop bodies).
  mlir::FailureOr<llvm::SmallVector<Binding>>
  importSubgraphBindings(const onnx::GraphProto &graph, llvm::ArrayRef<Binding> inputs);
  void setSubgraphImporter(const SubgraphImporter *importer) { subgraphImporter = importer; }
  /// The GRAPH attribute `name`, or null (reported) when it is absent or not a graph.
  const onnx::GraphProto *getGraphAttr(llvm::StringRef name);

  /// Binds output i of the node to `v`; ignored when the node has no output i (nodes may
  /// list fewer outputs than the op defines).
  void setOutput(unsigned i, mlir::Value v) {
    if (i < outputs.size())
      outputs[i] = Binding(v);
  }
  /// Binds output i of the node to a sequence (handlers marked `sequences` only).
  void setSequenceOutput(unsigned i, Sequence s) {
    if (i < outputs.size())
      outputs[i] = Binding(std::move(s));
  }
  /// Binds output i of the node to a tensor or a sequence (a sequence only in handlers
  /// marked `sequences`).
  void setOutputBinding(unsigned i, Binding b) {
    if (i < outputs.size())
      outputs[i] = std::move(b);
  }
  mlir::Value getOutput(unsigned i) const { return outputs[i].tensor; }
  const Binding &getOutputBinding(unsigned i) const { return outputs[i]; }

  /// Normalizes a possibly negative axis against `rank`; reports an error naming the
  /// attribute when it is out of [-rank, rank).
  std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank, llvm::StringRef what);

  /// Attribute helpers.
  mlir::NamedAttribute namedAttr(llvm::StringRef name, mlir::Attribute value) {
    return builder.getNamedAttr(name, value);
  }
  mlir::NamedAttribute i64Attr(llvm::StringRef name, int64_t v) {
    return namedAttr(name, builder.getI64IntegerAttr(v));
  }
  mlir::NamedAttribute f32Attr(llvm::StringRef name, float v) {
    return namedAttr(name, builder.getF32FloatAttr(v));
  }
  mlir::NamedAttribute arrayAttr(llvm::StringRef name, llvm::ArrayRef<int64_t> v) {
    return namedAttr(name, builder.getDenseI64ArrayAttr(v));
  }

  /// Creates an `OpTy` at the node's location and folds it if its operands are constant.
  /// The result type is inferred unless given. Inference and verifier failures (shape
  /// mismatches in the model) are reported as errors of this node and yield null.
  template <typename OpTy>
  mlir::Value create(mlir::ValueRange operands,
                     llvm::ArrayRef<mlir::NamedAttribute> attributes = {},
                     mlir::Type resultType = {});

  /// graph.reshape of `v` to `shape` (same element type); null (reported) on a count
  /// mismatch.
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  /// A 0-d graph.constant of `elementType` holding `value`.
  mlir::Value scalarConstant(mlir::Type elementType, double value);

private:
  /// Runs `fn` with diagnostics captured, re-emitting errors as errors of this node.
  mlir::LogicalResult withNodeDiagnostics(llvm::function_ref<mlir::LogicalResult()> fn);
  /// Verifies and folds a freshly created op; erases it and returns null on failure.
  mlir::Value verifyAndFold(mlir::Operation *op);

  mlir::OpBuilder &builder;
  llvm::SmallVector<Binding> inputs;
  llvm::SmallVector<Binding> outputs;
  const SubgraphImporter *subgraphImporter = nullptr;
};

template <typename OpTy>
mlir::Value NodeContext::create(mlir::ValueRange operands,
                                llvm::ArrayRef<mlir::NamedAttribute> attributes,
                                mlir::Type resultType) {
  mlir::MLIRContext *ctx = getContext();
  mlir::OperationState state(loc, OpTy::getOperationName());
  state.addOperands(operands);
  state.addAttributes(attributes);
  llvm::SmallVector<mlir::Type, 1> types;
  if (resultType)
    types.push_back(resultType);
  mlir::LogicalResult ok = withNodeDiagnostics([&]() -> mlir::LogicalResult {
    if constexpr (OpTy::hasProperties()) {
      if (!attributes.empty()) {
        mlir::OpaqueProperties props = &state.getOrAddProperties<typename OpTy::Properties>();
        if (mlir::failed(state.name.getRegisteredInfo()->setOpPropertiesFromAttribute(
                state.name, props, state.attributes.getDictionary(ctx),
                [&]() { return mlir::emitError(loc); })))
          return mlir::failure();
      }
    }
    if (resultType)
      return mlir::success();
    if constexpr (OpTy::template hasTrait<mlir::InferTypeOpInterface::Trait>()) {
      return OpTy::inferReturnTypes(ctx, loc, state.operands, state.attributes.getDictionary(ctx),
                                    state.getRawProperties(), state.regions, types);
    } else {
      llvm_unreachable("ops without type inference need an explicit result type");
    }
  });
  if (mlir::failed(ok))
    return {};
  state.addTypes(types);
  return verifyAndFold(builder.create(state));
}

//===----------------------------------------------------------------------===//
// Helpers shared by the handler families (compiler/import/handlers/)
//===----------------------------------------------------------------------===//

inline mlir::RankedTensorType typeOf(mlir::Value v) { return NodeContext::getType(v); }

/// Binds `v` to output 0; null means the handler already reported an error.
mlir::LogicalResult bind(NodeContext &n, mlir::Value v);

/// Product of `dims` (1 for none).
int64_t product(llvm::ArrayRef<int64_t> dims);

/// Input 0 when it holds floating-point values (the only type ONNX allows for most
/// activations and transcendental functions); null and an error otherwise.
mlir::Value floatInput(NodeContext &n);

/// Before opset 7, binary ops broadcast only with broadcast=1, aligning B with A starting
/// at `axis`; returns `b` reshaped for numpy broadcasting (or unchanged).
mlir::Value alignLegacyBroadcast(NodeContext &n, mlir::Value a, mlir::Value b);

/// A broadcasting binary graph op; operands must have the same element type.
template <typename OpTy> mlir::Value createBinary(NodeContext &n, mlir::Value a, mlir::Value b) {
  mlir::Type ea = typeOf(a).getElementType(), eb = typeOf(b).getElementType();
  if (ea != eb) {
    n.emitError() << "operands have different element types " << ea << " and " << eb;
    return {};
  }
  return n.create<OpTy>({a, b});
}

/// Checks the `auto_pad` attribute of a windowed op (Conv, pools).
mlir::LogicalResult checkAutoPad(NodeView &n);

/// Strides, dilations and explicit pads of a sliding window; `auto_pad` is resolved to
/// pads from the static input extents (ONNX Conv/Pool: SAME_* keep ceil(in / stride)
/// outputs, the odd pad going to the end for SAME_UPPER and to the start for SAME_LOWER).
struct Window {
  llvm::SmallVector<int64_t> strides, dilations, pads;
};

/// Reads strides/dilations/pads/auto_pad for a window of `kernel` over `inDims`; reports
/// invalid values and windows larger than the padded input.
std::optional<Window> getWindow(NodeContext &n, llvm::ArrayRef<int64_t> inDims,
                                llvm::ArrayRef<int64_t> kernel);

/// How one ONNX op type is imported.
struct OpHandler {
  /// Creates the node's ops and binds its outputs.
  mlir::LogicalResult (*convert)(NodeContext &node) = nullptr;
  /// Attribute-only validation before anything is built; emits errors. Optional.
  mlir::LogicalResult (*check)(NodeView &node) = nullptr;
  /// Outputs the handler binds: a later output that something reads is unsupported.
  unsigned numOutputs = 1;
  /// The handler reads or binds sequences (NodeContext::sequenceInput, setSequenceOutput).
  /// A sequence input of any other handler is reported before it runs.
  bool sequences = false;
};

/// The handler table, keyed by op type for the default domain ("" / "ai.onnx") and by
/// "domain.OpType" for the few ops of other domains modelc implements
/// (ai.onnx.preview.FlexAttention).
const llvm::StringMap<OpHandler> &getOpHandlers();

/// True for "" and "ai.onnx".
bool isDefaultDomain(llvm::StringRef domain);
/// Domains with handlers: the default one and ai.onnx.preview (some of its ops).
bool isSupportedDomain(llvm::StringRef domain);
/// The handler of `opType` in `domain`, or null.
const OpHandler *findOpHandler(llvm::StringRef domain, llvm::StringRef opType);

/// Each op family registers its handlers from its own file in compiler/import/handlers/.
void registerElementwiseHandlers(llvm::StringMap<OpHandler> &table);
void registerReductionHandlers(llvm::StringMap<OpHandler> &table);
void registerTensorHandlers(llvm::StringMap<OpHandler> &table);
void registerNNHandlers(llvm::StringMap<OpHandler> &table);
void registerControlFlowHandlers(llvm::StringMap<OpHandler> &table);
void registerLinalgHandlers(llvm::StringMap<OpHandler> &table);
void registerSequenceHandlers(llvm::StringMap<OpHandler> &table);

} // namespace modelc::import

#endif // MODELC_COMPILER_IMPORT_OPHANDLERS_H
