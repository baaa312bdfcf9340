//===- OpHandlers.cpp - ONNX op handlers ----------------------------------===//
//
// One handler per ONNX op type of the default domain, registered in the table at the end
// of this file. Handlers normalize ONNX's per-opset variations (attributes that became
// inputs, changed defaults, legacy broadcasting, 2-d coercion of Softmax before opset 13)
// into the graph dialect's single form, and resolve everything that depends on shapes
// (auto_pad, -1 and 0 in Reshape, negative axes) since every shape is static here.
// Semantics follow https://onnx.ai/onnx/operators/ for each op and version.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"

#include "compiler/import/TensorImport.h"
#include "dialects/Graph/GraphOps.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include "onnx/onnx_pb.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

//===----------------------------------------------------------------------===//
// NodeView
//===----------------------------------------------------------------------===//

NodeView::NodeView(const onnx::NodeProto &node, StringRef displayName, int64_t opset, Location loc,
                   StringRef modelDir, llvm::function_ref<bool(StringRef)> isTensorUsed)
    : node(node), displayName(displayName.str()), opset(opset), loc(loc), modelDir(modelDir.str()),
      isTensorUsed(isTensorUsed) {}

StringRef NodeView::getOpType() const { return node.op_type(); }

InFlightDiagnostic NodeView::emitError() {
  anyError = true;
  return mlir::emitError(loc) << "node '" << displayName << "' (" << getOpType() << "): ";
}

const onnx::AttributeProto *NodeView::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

/// Whether `attr` holds a value of `type`. Very old models leave `type` unset; then the
/// populated field decides.
static bool isAttrOfType(const onnx::AttributeProto &attr,
                         onnx::AttributeProto::AttributeType type) {
  if (attr.type() == type)
    return true;
  if (attr.type() != onnx::AttributeProto::UNDEFINED)
    return false;
  switch (type) {
  case onnx::AttributeProto::INT:
    return attr.has_i();
  case onnx::AttributeProto::FLOAT:
    return attr.has_f();
  case onnx::AttributeProto::STRING:
    return attr.has_s();
  case onnx::AttributeProto::TENSOR:
    return attr.has_t();
  case onnx::AttributeProto::INTS:
    return attr.ints_size() > 0;
  case onnx::AttributeProto::FLOATS:
    return attr.floats_size() > 0;
  default:
    return false;
  }
}

int64_t NodeView::getInt(StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue;
  if (!isAttrOfType(*attr, onnx::AttributeProto::INT)) {
    emitError() << "attribute '" << name << "' must be an integer";
    return defaultValue;
  }
  return attr->i();
}

float NodeView::getFloat(StringRef name, float defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue;
  if (isAttrOfType(*attr, onnx::AttributeProto::FLOAT))
    return attr->f();
  if (isAttrOfType(*attr, onnx::AttributeProto::INT)) // lenient: some exporters do this
    return static_cast<float>(attr->i());
  emitError() << "attribute '" << name << "' must be a float";
  return defaultValue;
}

std::string NodeView::getString(StringRef name, StringRef defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue.str();
  if (!isAttrOfType(*attr, onnx::AttributeProto::STRING)) {
    emitError() << "attribute '" << name << "' must be a string";
    return defaultValue.str();
  }
  return attr->s();
}

std::optional<SmallVector<int64_t>> NodeView::getInts(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return std::nullopt;
  if (!isAttrOfType(*attr, onnx::AttributeProto::INTS)) {
    emitError() << "attribute '" << name << "' must be a list of integers";
    return std::nullopt;
  }
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::optional<SmallVector<float>> NodeView::getFloats(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return std::nullopt;
  if (!isAttrOfType(*attr, onnx::AttributeProto::FLOATS)) {
    emitError() << "attribute '" << name << "' must be a list of floats";
    return std::nullopt;
  }
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

unsigned NodeView::getNumInputs() const { return node.input_size(); }
unsigned NodeView::getNumOutputs() const { return node.output_size(); }

StringRef NodeView::getInputName(unsigned i) const {
  return i < getNumInputs() ? StringRef(node.input(i)) : StringRef();
}

StringRef NodeView::getOutputName(unsigned i) const {
  return i < getNumOutputs() ? StringRef(node.output(i)) : StringRef();
}

bool NodeView::isOutputUsed(unsigned i) const {
  StringRef name = getOutputName(i);
  return !name.empty() && isTensorUsed(name);
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

Value NodeContext::optionalInput(unsigned i) const {
  return i < inputs.size() ? inputs[i].tensor : Value();
}

Value NodeContext::input(unsigned i) {
  if (isSequenceInput(i)) {
    emitError() << "input #" << i << " ('" << getInputName(i)
                << "') is a sequence, but a tensor is expected";
    return {};
  }
  Value v = optionalInput(i);
  if (!v)
    emitError() << "missing required input #" << i;
  return v;
}

SmallVector<Value> NodeContext::presentInputs() const {
  SmallVector<Value> result;
  for (const Binding &b : inputs)
    if (b.tensor)
      result.push_back(b.tensor);
  return result;
}

const Sequence *NodeContext::sequenceInput(unsigned i) {
  if (isSequenceInput(i))
    return &*inputs[i].sequence;
  if (optionalInput(i))
    emitError() << "input #" << i << " ('" << getInputName(i)
                << "') is a tensor, but a sequence is expected";
  else
    emitError() << "missing required input #" << i;
  return nullptr;
}

/// The graph inputs (arguments of @main, by ONNX name) that `v` is computed from.
static SmallVector<StringRef> graphInputsDeciding(Value v) {
  SmallVector<StringRef> names;
  llvm::SmallPtrSet<Operation *, 16> seen;
  SmallVector<Value> worklist = {v};
  while (!worklist.empty()) {
    Value cur = worklist.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(cur)) {
      auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
      if (auto name = func ? func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "graph.name")
                           : StringAttr())
        if (!llvm::is_contained(names, name.getValue()))
          names.push_back(name.getValue());
      continue;
    }
    if (Operation *def = cur.getDefiningOp(); def && seen.insert(def).second)
      llvm::append_range(worklist, def->getOperands());
  }
  llvm::sort(names);
  return names;
}

std::optional<ConstantValue> NodeContext::getConstantInput(unsigned i, StringRef what) {
  Value v = input(i);
  if (!v)
    return std::nullopt;
  if (auto cst = v.getDefiningOp<ConstantOp>())
    if (auto value = ConstantValue::get(cst.getValue()))
      return value;
  auto diag = emitError() << "input '" << what << "' ('" << getInputName(i)
                          << "') must be a constant or computable from constants and shapes at "
                             "compile time";
  // Graph inputs that decide the value can be compiled in; say how (the conformance harness
  // reads this hint to freeze such inputs from the test data).
  for (StringRef input : graphInputsDeciding(v))
    diag << "; graph input '" << input << "' decides it: compile its value in with --freeze-input "
         << input << "=FILE.pb";
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> NodeContext::getConstantInts(unsigned i, StringRef what) {
  // These inputs are shapes, axes, pads, split sizes and the like: a handful of values. A
  // larger one (often a folded Expand splat) is a malformed model, not a list to materialize.
  constexpr int64_t kMaxListLength = int64_t(1) << 16;
  if (Value v = isSequenceInput(i) ? Value() : optionalInput(i)) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (t && t.hasStaticShape() && t.getNumElements() > kMaxListLength) {
      emitError() << "input '" << what << "' has " << t.getNumElements() << " values; at most "
                  << kMaxListLength << " are supported";
      return std::nullopt;
    }
  }
  auto cst = getConstantInput(i, what);
  if (!cst)
    return std::nullopt;
  if (!isa<IntegerType>(cst->getType().getElementType())) {
    emitError() << "input '" << what << "' must hold integers, got " << cst->getType();
    return std::nullopt;
  }
  SmallVector<int64_t> values;
  for (int64_t k = 0; k < cst->getNumElements(); ++k)
    values.push_back(cst->getInt(k));
  return values;
}

FailureOr<SmallVector<Binding>> NodeContext::importSubgraphBindings(const onnx::GraphProto &graph,
                                                                   ArrayRef<Binding> inputs) {
  if (!subgraphImporter) {
    emitError() << "subgraphs cannot be imported here";
    return failure();
  }
  auto result = (*subgraphImporter)(graph, getName(), inputs);
  if (failed(result))
    anyError = true;
  return result;
}

FailureOr<SmallVector<Value>> NodeContext::importSubgraph(const onnx::GraphProto &graph,
                                                          ArrayRef<Value> inputs) {
  SmallVector<Binding> bound(inputs.begin(), inputs.end());
  auto result = importSubgraphBindings(graph, bound);
  if (failed(result))
    return failure();
  SmallVector<Value> values;
  for (auto [i, b] : llvm::enumerate(*result)) {
    if (b.isSequence()) {
      emitError() << "subgraph '" << graph.name() << "' output '" << graph.output(i).name()
                  << "' is a sequence; " << getOpType() << " bodies must return tensors";
      return failure();
    }
    values.push_back(b.tensor);
  }
  return values;
}

const onnx::GraphProto *NodeContext::getGraphAttr(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    emitError() << "missing required attribute '" << name << "'";
    return nullptr;
  }
  if (attr->type() != onnx::AttributeProto::GRAPH && !attr->has_g()) {
    emitError() << "attribute '" << name << "' must be a graph";
    return nullptr;
  }
  return &attr->g();
}

std::optional<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank, StringRef what) {
  if (axis < -rank || axis >= rank) {
    emitError() << what << " " << axis << " is out of range for rank " << rank;
    return std::nullopt;
  }
  return axis < 0 ? axis + rank : axis;
}

LogicalResult NodeContext::withNodeDiagnostics(function_ref<LogicalResult()> fn) {
  SmallVector<std::string> errors;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler handler(getContext(), [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        errors.push_back(diag.str());
      return success();
    });
    result = fn();
  }
  for (const std::string &error : errors)
    emitError() << error;
  if (failed(result) && errors.empty())
    emitError() << "cannot build the graph operation";
  return result;
}

Value NodeContext::verifyAndFold(Operation *op) {
  // Result shapes are bounded first: verifiers may do arithmetic on them.
  for (Value result : op->getResults()) {
    auto type = dyn_cast<RankedTensorType>(result.getType());
    if (type &&
        failed(checkDims(type.getShape(),
                         "result of node '" + getName() + "' (" + getOpType() + ")", loc))) {
      anyError = true;
      op->erase();
      return {};
    }
  }
  if (failed(withNodeDiagnostics([&] { return mlir::verify(op, /*verifyRecursively=*/false); }))) {
    op->erase();
    return {};
  }
  SmallVector<Value, 1> folded;
  if (succeeded(builder.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    return folded.front();
  }
  return op->getResult(0);
}

Value NodeContext::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = getType(v);
  auto newType = RankedTensorType::get(shape, type.getElementType());
  if (failed(checkDims(shape, "reshape target of node '" + getName() + "'", loc))) {
    anyError = true;
    return {};
  }
  if (newType.getNumElements() != type.getNumElements()) {
    emitError() << "cannot reshape " << type << " (" << type.getNumElements()
                << " elements) to shape " << newType;
    return {};
  }
  return create<ReshapeOp>(v, {}, newType);
}

Value NodeContext::scalarConstant(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr;
  if (isa<FloatType>(elementType))
    attr = DenseElementsAttr::get(type, builder.getFloatAttr(elementType, value));
  else
    attr = DenseElementsAttr::get(type,
                                  builder.getIntegerAttr(elementType, static_cast<int64_t>(value)));
  return create<ConstantOp>({}, namedAttr("value", attr));
}

//===----------------------------------------------------------------------===//
// Helpers shared by the handler families
//===----------------------------------------------------------------------===//

/// Binds `v` to output 0; null means the handler already reported an error.
LogicalResult bind(NodeContext &n, Value v) {
  if (!v)
    return failure();
  n.setOutput(0, v);
  return success();
}

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1), std::multiplies<int64_t>());
}

/// Input 0 when it holds floating-point values (the only type ONNX allows for most
/// activations and transcendental functions); null and an error otherwise.
Value floatInput(NodeContext &n) {
  Value x = n.input(0);
  if (x && !isa<FloatType>(typeOf(x).getElementType())) {
    n.emitError() << "expects a floating-point input, got " << typeOf(x);
    return {};
  }
  return x;
}

/// Before opset 7, binary ops broadcast only with broadcast=1, aligning B with A starting
/// at `axis` (suffix alignment without `axis`, which numpy rules already give).
Value alignLegacyBroadcast(NodeContext &n, Value a, Value b) {
  if (n.getOpset() >= 7 || !n.getInt("broadcast", 0) || !n.hasAttr("axis"))
    return b;
  int64_t rankA = typeOf(a).getRank(), rankB = typeOf(b).getRank();
  auto axis = n.normalizeAxis(n.getInt("axis", 0), rankA, "attribute 'axis'");
  if (!axis)
    return {};
  if (*axis + rankB > rankA) {
    n.emitError() << "cannot align " << typeOf(b) << " with " << typeOf(a) << " at axis " << *axis;
    return {};
  }
  SmallVector<int64_t> shape(typeOf(b).getShape());
  shape.append(rankA - *axis - rankB, 1);
  return n.reshape(b, shape);
}

LogicalResult checkAutoPad(NodeView &n) {
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER" &&
      autoPad != "VALID")
    return n.emitError() << "unsupported auto_pad value '" << autoPad << "'";
  return success(!n.hasFailed());
}

std::optional<Window> getWindow(NodeContext &n, ArrayRef<int64_t> inDims,
                                ArrayRef<int64_t> kernel) {
  size_t spatial = kernel.size();
  Window w;
  auto listAttr = [&](StringRef name, size_t size, int64_t fill, int64_t min,
                      SmallVector<int64_t> &out) {
    out = n.getInts(name).value_or(SmallVector<int64_t>(size, fill));
    if (out.size() != size) {
      n.emitError() << "attribute '" << name << "' has " << out.size() << " values, expected "
                    << size;
      return false;
    }
    for (int64_t v : out)
      if (v < min) {
        n.emitError() << "attribute '" << name << "' has invalid value " << v;
        return false;
      }
    return true;
  };
  if (!listAttr("strides", spatial, 1, 1, w.strides) ||
      !listAttr("dilations", spatial, 1, 1, w.dilations))
    return std::nullopt;
  for (int64_t k : kernel)
    if (k <= 0) {
      n.emitError() << "kernel size " << k << " must be positive";
      return std::nullopt;
    }
  // Attribute values come from the model and may be anything up to INT64_MAX: extents are
  // computed in 128 bits, and a window or padded extent beyond int64 is an error.
  using Wide = __int128;
  auto spanOf = [&](size_t i) { return Wide(kernel[i] - 1) * w.dilations[i] + 1; };
  auto fitsInt64 = [](Wide v) { return v <= Wide(std::numeric_limits<int64_t>::max()); };
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    if (!listAttr("pads", 2 * spatial, 0, 0, w.pads))
      return std::nullopt;
  } else {
    w.pads.assign(2 * spatial, 0);
    for (size_t i = 0; i < spatial && autoPad != "VALID"; ++i) {
      Wide out = (Wide(inDims[i]) + w.strides[i] - 1) / w.strides[i];
      Wide total = std::max<Wide>(0, (out - 1) * w.strides[i] + spanOf(i) - inDims[i]);
      if (!fitsInt64(total)) {
        n.emitError() << "auto_pad " << autoPad << " padding along spatial axis " << i
                      << " does not fit in 64 bits";
        return std::nullopt;
      }
      int64_t begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pads[i] = begin;
      w.pads[i + spatial] = static_cast<int64_t>(total) - begin;
    }
  }
  for (size_t i = 0; i < spatial; ++i) {
    Wide span = spanOf(i), padded = Wide(inDims[i]) + w.pads[i] + w.pads[i + spatial];
    if (!fitsInt64(span) || !fitsInt64(padded)) {
      n.emitError() << "window or padded extent along spatial axis " << i
                    << " does not fit in 64 bits (kernel " << kernel[i] << ", dilation "
                    << w.dilations[i] << ", pads " << w.pads[i] << " and " << w.pads[i + spatial]
                    << ")";
      return std::nullopt;
    }
    if (padded < span) {
      n.emitError() << "window of extent " << static_cast<int64_t>(span) << " along spatial axis "
                    << i << " is larger than the padded input extent "
                    << static_cast<int64_t>(padded);
      return std::nullopt;
    }
  }
  return w;
}

//===----------------------------------------------------------------------===//
// Handlers
//===----------------------------------------------------------------------===//

namespace {

//===--- Elementwise --------------------------------------------------------===//

/// Ops defined for integers too (Relu, Abs, Neg, Sign).
template <typename OpTy> LogicalResult convertUnary(NodeContext &n) {
  Value x = n.input(0);
  return x ? bind(n, n.create<OpTy>(x)) : failure();
}

template <typename OpTy> LogicalResult convertFloatUnary(NodeContext &n) {
  Value x = floatInput(n);
  return x ? bind(n, n.create<OpTy>(x)) : failure();
}

template <typename OpTy> LogicalResult convertAlphaUnary(NodeContext &n, float alpha) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  return bind(n, n.create<OpTy>(x, n.f32Attr("alpha", n.getFloat("alpha", alpha))));
}
LogicalResult convertLeakyRelu(NodeContext &n) { return convertAlphaUnary<LeakyReluOp>(n, 0.01f); }
LogicalResult convertElu(NodeContext &n) { return convertAlphaUnary<EluOp>(n, 1.0f); }
LogicalResult convertCelu(NodeContext &n) { return convertAlphaUnary<CeluOp>(n, 1.0f); }
LogicalResult convertThresholdedRelu(NodeContext &n) {
  return convertAlphaUnary<ThresholdedReluOp>(n, 1.0f);
}

LogicalResult convertHardSigmoid(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  return bind(n, n.create<HardSigmoidOp>(x, {n.f32Attr("alpha", n.getFloat("alpha", 0.2f)),
                                             n.f32Attr("beta", n.getFloat("beta", 0.5f))}));
}

LogicalResult convertSelu(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  return bind(n, n.create<SeluOp>(
                     x, {n.f32Attr("alpha", n.getFloat("alpha", 1.67326319217681884765625f)),
                         n.f32Attr("gamma", n.getFloat("gamma", 1.05070102214813232421875f))}));
}

/// Clip: bounds are attributes before opset 11 and optional inputs from opset 11 on.
/// Constant bounds become graph.clip attributes; a bound computed at run time becomes a
/// broadcast Max (lower) or Min (upper), keeping numpy.clip's order: max first, then min.
LogicalResult convertClip(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (n.getOpset() < 11) {
    if (n.hasAttr("min"))
      attrs.push_back(n.namedAttr("min", n.getBuilder().getF64FloatAttr(n.getFloat("min", 0))));
    if (n.hasAttr("max"))
      attrs.push_back(n.namedAttr("max", n.getBuilder().getF64FloatAttr(n.getFloat("max", 0))));
  } else {
    Value runtimeMax;
    for (auto [index, name] : {std::pair<unsigned, StringRef>{1, "min"}, {2, "max"}}) {
      if (!n.hasInput(index))
        continue;
      Value boundValue = n.optionalInput(index);
      if (boundValue && !matchPattern(boundValue, m_Constant())) {
        if (index == 1) {
          x = createBinary<MaxOp>(n, x, boundValue);
          if (!x)
            return failure();
        } else {
          runtimeMax = boundValue;
        }
        continue;
      }
      auto bound = n.getConstantInput(index, name);
      if (!bound)
        return failure();
      if (bound->getNumElements() != 1)
        return n.emitError() << "input '" << name << "' must be a scalar, got " << bound->getType();
      attrs.push_back(n.namedAttr(name, n.getBuilder().getF64FloatAttr(bound->getDouble(0))));
    }
    if (runtimeMax) {
      Value clipped = attrs.empty() ? x : n.create<ClipOp>(x, attrs);
      return clipped ? bind(n, createBinary<MinOp>(n, clipped, runtimeMax)) : failure();
    }
  }
  return bind(n, n.create<ClipOp>(x, attrs));
}

template <typename OpTy> LogicalResult convertBinary(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  b = alignLegacyBroadcast(n, a, b);
  return b ? bind(n, createBinary<OpTy>(n, a, b)) : failure();
}

/// Pow allows an exponent type different from the base's (opset 12): convert the exponent.
LogicalResult convertPow(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  b = alignLegacyBroadcast(n, a, b);
  if (!b)
    return failure();
  Type ea = typeOf(a).getElementType();
  if (typeOf(b).getElementType() != ea)
    b = n.create<CastOp>(b, {}, RankedTensorType::get(typeOf(b).getShape(), ea));
  return b ? bind(n, n.create<PowOp>({a, b})) : failure();
}

/// Variadic Max/Min/Sum: a left-to-right chain of broadcasting binary ops.
template <typename OpTy> Value foldVariadic(NodeContext &n) {
  SmallVector<Value> xs = n.presentInputs();
  if (xs.empty()) {
    n.emitError() << "needs at least one input";
    return {};
  }
  Value acc = xs.front();
  for (Value x : llvm::drop_begin(xs))
    if (!(acc = createBinary<OpTy>(n, acc, x)))
      return {};
  return acc;
}

template <typename OpTy> LogicalResult convertVariadic(NodeContext &n) {
  return bind(n, foldVariadic<OpTy>(n));
}

LogicalResult convertMean(NodeContext &n) {
  Value sum = foldVariadic<AddOp>(n);
  if (!sum)
    return failure();
  size_t count = n.presentInputs().size();
  if (count == 1)
    return bind(n, sum);
  Type et = typeOf(sum).getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "Mean of " << et << " is not supported";
  Value divisor = n.scalarConstant(et, static_cast<double>(count));
  return divisor ? bind(n, n.create<DivOp>({sum, divisor})) : failure();
}

//===--- Contractions --------------------------------------------------------===//

LogicalResult convertConv(NodeContext &n) {
  Value x = n.input(0), weight = n.input(1);
  if (!x || !weight)
    return failure();
  Value bias = n.optionalInput(2);
  auto xt = typeOf(x), wt = typeOf(weight);
  if (xt.getRank() < 3 || wt.getRank() != xt.getRank())
    return n.emitError() << "expected input and weight of equal rank >= 3, got " << xt << " and "
                         << wt;
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  if (auto ks = n.getInts("kernel_shape"); ks && *ks != kernel)
    return n.emitError() << "attribute 'kernel_shape' does not match weight " << wt;
  auto window = getWindow(n, xt.getShape().drop_front(2), kernel);
  if (!window)
    return failure();
  SmallVector<Value> operands = {x, weight};
  if (bias)
    operands.push_back(bias);
  return bind(n, n.create<ConvOp>(operands, {n.arrayAttr("strides", window->strides),
                                             n.arrayAttr("pads", window->pads),
                                             n.arrayAttr("dilations", window->dilations),
                                             n.i64Attr("group", n.getInt("group", 1))}));
}

LogicalResult convertGemm(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  SmallVector<Value> operands = {a, b};
  if (Value c = n.optionalInput(2))
    operands.push_back(c);
  for (Value v : operands)
    if (typeOf(v).getElementType() != typeOf(a).getElementType())
      return n.emitError() << "operands have different element types";
  OpBuilder &builder = n.getBuilder();
  return bind(
      n, n.create<GemmOp>(operands,
                          {n.f32Attr("alpha", n.getFloat("alpha", 1.0f)),
                           n.f32Attr("beta", n.getFloat("beta", 1.0f)),
                           n.namedAttr("trans_a", builder.getBoolAttr(n.getInt("transA", 0))),
                           n.namedAttr("trans_b", builder.getBoolAttr(n.getInt("transB", 0)))}));
}

LogicalResult convertMatMul(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  return bind(n, createBinary<MatMulOp>(n, a, b));
}

//===--- Normalization, pooling, softmax -------------------------------------===//

LogicalResult checkBatchNorm(NodeView &n) {
  if (n.getOpset() < 9 && n.getInt("spatial", 1) == 0)
    n.emitError() << "spatial=0 is not supported";
  return success(!n.hasFailed());
}

/// BatchNormalization with training_mode=1 (opset 14+): normalizes with the batch statistics
/// (mean and population variance over every axis but 1) and returns the updated running
/// statistics, input * momentum + current * (1 - momentum), as the ONNX reference does.
LogicalResult convertBatchNormTraining(NodeContext &n, ArrayRef<Value> operands) {
  Value x = operands[0], scale = operands[1], bias = operands[2];
  Value inMean = operands[3], inVar = operands[4];
  auto xt = typeOf(x);
  if (xt.getRank() < 2)
    return n.emitError() << "expected an input N x C x ..., got " << xt;
  SmallVector<int64_t> axes = {0}, channelShape(xt.getRank(), 1);
  for (int64_t d = 2; d < xt.getRank(); ++d)
    axes.push_back(d);
  int64_t c = xt.getDimSize(1);
  channelShape[1] = c;
  Type et = xt.getElementType();
  auto reduceMean = [&](Value v) -> Value {
    if (!v)
      return {};
    return n.create<ReduceOp>(
        v, {n.namedAttr("kind", ReduceKindAttr::get(n.getContext(), ReduceKind::mean)),
            n.arrayAttr("axes", axes), n.namedAttr("keepdims", n.getBuilder().getBoolAttr(true))});
  };
  Value mean = reduceMean(x);
  Value centered = mean ? createBinary<SubOp>(n, x, mean) : Value();
  Value var = reduceMean(centered ? createBinary<MulOp>(n, centered, centered) : Value());
  Value eps = n.scalarConstant(et, n.getFloat("epsilon", 1e-5f));
  Value denom = var ? n.create<SqrtOp>(createBinary<AddOp>(n, var, eps)) : Value();
  Value normalized = denom ? createBinary<DivOp>(n, centered, denom) : Value();
  Value scaleC = n.reshape(scale, channelShape), biasC = n.reshape(bias, channelShape);
  Value scaled = normalized && scaleC ? createBinary<MulOp>(n, normalized, scaleC) : Value();
  Value y = scaled && biasC ? createBinary<AddOp>(n, scaled, biasC) : Value();
  if (!y)
    return failure();
  double momentum = n.getFloat("momentum", 0.9f);
  auto running = [&](Value input, Value current) -> Value {
    Value flat = n.reshape(current, {c});
    Value kept = createBinary<MulOp>(n, input, n.scalarConstant(et, momentum));
    Value added = flat ? createBinary<MulOp>(n, flat, n.scalarConstant(et, 1.0 - momentum)) : flat;
    return kept && added ? createBinary<AddOp>(n, kept, added) : Value();
  };
  if (n.isOutputUsed(1)) {
    Value r = running(inMean, mean);
    if (!r)
      return failure();
    n.setOutput(1, r);
  }
  if (n.isOutputUsed(2)) {
    Value r = running(inVar, var);
    if (!r)
      return failure();
    n.setOutput(2, r);
  }
  return bind(n, y);
}

LogicalResult convertBatchNorm(NodeContext &n) {
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 5; ++i)
    if (Value v = n.input(i))
      operands.push_back(v);
    else
      return failure();
  if (n.getInt("training_mode", 0) != 0) {
    if (n.getOpset() < 14)
      return n.emitError() << "training_mode is an attribute of opset 14 and later";
    return convertBatchNormTraining(n, operands);
  }
  if (n.isOutputUsed(1) || n.isOutputUsed(2))
    return n.emitError() << "outputs running_mean and running_var exist only with training_mode=1";
  return bind(n,
              n.create<BatchNormOp>(operands, n.f32Attr("epsilon", n.getFloat("epsilon", 1e-5f))));
}

LogicalResult checkPool(NodeView &n) {
  (void)checkAutoPad(n);
  if (!n.hasAttr("kernel_shape"))
    n.emitError() << "missing required attribute 'kernel_shape'";
  return success(!n.hasFailed());
}

Value createPool(NodeContext &n, Value x, PoolKind kind, ArrayRef<int64_t> kernel,
                 const Window &window, bool ceilMode, bool countIncludePad) {
  OpBuilder &builder = n.getBuilder();
  return n.create<PoolOp>(
      x, {n.namedAttr("kind", PoolKindAttr::get(n.getContext(), kind)),
          n.arrayAttr("kernel_shape", kernel), n.arrayAttr("strides", window.strides),
          n.arrayAttr("pads", window.pads), n.arrayAttr("dilations", window.dilations),
          n.namedAttr("ceil_mode", builder.getBoolAttr(ceilMode)),
          n.namedAttr("count_include_pad", builder.getBoolAttr(countIncludePad))});
}

template <PoolKind Kind> LogicalResult convertPool(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  SmallVector<int64_t> kernel = n.getInts("kernel_shape").value_or(SmallVector<int64_t>());
  if (xt.getRank() < 3 || static_cast<int64_t>(kernel.size()) != xt.getRank() - 2)
    return n.emitError() << "attribute 'kernel_shape' has " << kernel.size() << " values for input "
                         << xt;
  auto window = getWindow(n, xt.getShape().drop_front(2), kernel);
  if (!window)
    return failure();
  bool countIncludePad = Kind == PoolKind::avg && n.getInt("count_include_pad", 0) != 0;
  return bind(
      n, createPool(n, x, Kind, kernel, *window, n.getInt("ceil_mode", 0) != 0, countIncludePad));
}

template <PoolKind Kind> LogicalResult convertGlobalPool(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  if (xt.getRank() < 3)
    return n.emitError() << "expected an input of rank >= 3, got " << xt;
  SmallVector<int64_t> kernel(xt.getShape().drop_front(2));
  size_t spatial = kernel.size();
  Window window{SmallVector<int64_t>(spatial, 1), SmallVector<int64_t>(spatial, 1),
                SmallVector<int64_t>(2 * spatial, 0)};
  for (int64_t k : kernel)
    if (k == 0)
      return n.emitError() << "cannot pool over an empty spatial extent in " << xt;
  return bind(n, createPool(n, x, Kind, kernel, window, false, false));
}

/// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-d at `axis` (default
/// 1) and normalized over the second dimension; from 13 on, over the single `axis`
/// (default -1).
template <bool Log> LogicalResult convertSoftmax(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  OpBuilder &builder = n.getBuilder();
  NamedAttribute logAttr = n.namedAttr("log", builder.getBoolAttr(Log));
  if (n.getOpset() >= 13) {
    auto axis = n.normalizeAxis(n.getInt("axis", -1), xt.getRank(), "attribute 'axis'");
    if (!axis)
      return failure();
    return bind(n, n.create<SoftmaxOp>(x, {n.i64Attr("axis", *axis), logAttr}));
  }
  auto axis = n.normalizeAxis(n.getInt("axis", 1), xt.getRank(), "attribute 'axis'");
  if (!axis)
    return failure();
  ArrayRef<int64_t> dims = xt.getShape();
  Value flat = n.reshape(x, {product(dims.take_front(*axis)), product(dims.drop_front(*axis))});
  if (!flat)
    return failure();
  Value y = n.create<SoftmaxOp>(flat, {n.i64Attr("axis", 1), logAttr});
  return y ? bind(n, n.reshape(y, dims)) : failure();
}

//===--- Shape and data movement ---------------------------------------------===//

LogicalResult convertFlatten(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> dims = typeOf(x).getShape();
  int64_t rank = dims.size(), axis = n.getInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return n.emitError() << "attribute 'axis' " << n.getInt("axis", 1)
                         << " is out of range for rank " << rank;
  return bind(n, n.reshape(x, {product(dims.take_front(axis)), product(dims.drop_front(axis))}));
}

/// Reshape: the target shape is an attribute before opset 5 and a constant input after.
/// 0 copies the input dimension (unless allowzero=1, opset 14), -1 is inferred.
LogicalResult convertReshape(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  std::optional<SmallVector<int64_t>> target;
  if (n.getOpset() < 5) {
    target = n.getInts("shape");
    if (!target)
      return n.emitError() << "missing required attribute 'shape'";
  } else if (!(target = n.getConstantInts(1, "shape"))) {
    return failure();
  }
  bool allowZero = n.getOpset() >= 14 && n.getInt("allowzero", 0) != 0;
  ArrayRef<int64_t> in = typeOf(x).getShape();
  SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return n.emitError() << "shape value 0 at index " << i << " has no input dimension "
                             << "to copy from " << typeOf(x);
      d = in[i];
    } else if (d == -1) {
      if (inferred)
        return n.emitError() << "shape has more than one -1";
      inferred = i;
      d = 1;
    } else if (d < 0) {
      return n.emitError() << "invalid shape value " << d;
    }
    shape.push_back(d);
  }
  if (inferred) {
    // The target's known dims come from the model: bound their product before computing it.
    if (failed(checkDims(shape, "reshape target of node '" + n.getName() + "'", n.getLoc()))) {
      n.setFailed();
      return failure();
    }
    int64_t known = product(shape), numel = product(in);
    if (known == 0 || numel % known != 0)
      return n.emitError() << "cannot infer the -1 dimension when reshaping " << typeOf(x)
                           << " to ["
                           << llvm::join(llvm::map_range(
                                             *target, [](int64_t v) { return std::to_string(v); }),
                                         ", ")
                           << "]";
    shape[*inferred] = numel / known;
  }
  return bind(n, n.reshape(x, shape));
}

/// Squeeze/Unsqueeze axes: an attribute before opset 13, an optional constant input after.
std::optional<SmallVector<int64_t>> getAxes(NodeContext &n, bool &present) {
  present = false;
  if (n.getOpset() < 13) {
    auto axes = n.getInts("axes");
    present = axes.has_value();
    return axes.value_or(SmallVector<int64_t>());
  }
  if (!n.hasInput(1))
    return SmallVector<int64_t>();
  present = true;
  return n.getConstantInts(1, "axes");
}

LogicalResult convertSqueeze(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  bool present;
  auto axes = getAxes(n, present);
  if (!axes)
    return failure();
  ArrayRef<int64_t> in = typeOf(x).getShape();
  SmallVector<bool> drop(in.size(), false);
  if (!present) {
    for (auto [i, d] : llvm::enumerate(in))
      drop[i] = d == 1;
  }
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, in.size(), "axis");
    if (!axis)
      return failure();
    if (in[*axis] != 1)
      return n.emitError() << "cannot squeeze axis " << a << " of size " << in[*axis];
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(in))
    if (!drop[i])
      shape.push_back(d);
  return bind(n, n.reshape(x, shape));
}

LogicalResult convertUnsqueeze(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  bool present;
  auto axes = getAxes(n, present);
  if (!axes)
    return failure();
  if (!present)
    return n.emitError() << "missing required axes";
  ArrayRef<int64_t> in = typeOf(x).getShape();
  int64_t outRank = in.size() + axes->size();
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, outRank, "axis");
    if (!axis)
      return failure();
    if (inserted[*axis])
      return n.emitError() << "axis " << a << " is repeated";
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  const int64_t *next = in.begin();
  for (bool one : inserted)
    shape.push_back(one ? 1 : *next++);
  return bind(n, n.reshape(x, shape));
}

LogicalResult convertTranspose(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> perm =
      n.getInts("perm").value_or(llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank))));
  return bind(n, n.create<TransposeOp>(x, n.arrayAttr("perm", perm)));
}

LogicalResult convertConcat(NodeContext &n) {
  SmallVector<Value> xs = n.presentInputs();
  if (xs.empty())
    return n.emitError() << "needs at least one input";
  if (n.getOpset() >= 4 && !n.hasAttr("axis"))
    return n.emitError() << "missing required attribute 'axis'";
  int64_t axisValue = n.getInt("axis", 1);
  if (n.hasFailed()) // 'axis' of the wrong kind: reported, no follow-on range error
    return failure();
  auto axis = n.normalizeAxis(axisValue, typeOf(xs.front()).getRank(), "attribute 'axis'");
  if (!axis)
    return failure();
  return bind(n, n.create<ConcatOp>(xs, n.i64Attr("axis", *axis)));
}

/// Identity, and Dropout in inference: the output is the input.
LogicalResult convertIdentity(NodeContext &n) {
  // Identity of a sequence (opset 14) or an optional (opset 16): the same binding, an empty
  // optional included.
  if (Binding b = n.inputBinding(0); b.isSequence() || b.none) {
    n.setOutputBinding(0, b);
    return success();
  }
  Value x = n.input(0);
  return x ? bind(n, x) : failure();
}

LogicalResult convertDropout(NodeContext &n) {
  // Opset 12 made training_mode an optional input; only a constant false is inference.
  if (n.getOpset() >= 12 && n.hasInput(2)) {
    auto mode = n.getConstantInput(2, "training_mode");
    if (!mode)
      return failure();
    bool training = false;
    for (int64_t i = 0; i < mode->getNumElements(); ++i)
      training |= mode->getInt(i) != 0;
    // Training with ratio 0 keeps every element (exactly the inference result); any other
    // ratio draws a random mask, which a compiled model cannot reproduce.
    if (training) {
      double ratio = 0.5;
      if (n.hasInput(1)) {
        auto r = n.getConstantInput(1, "ratio");
        if (!r)
          return failure();
        ratio = r->getNumElements() ? r->getDouble(0) : ratio;
      }
      if (ratio != 0)
        return n.emitError() << "training_mode=true with ratio " << ratio
                             << " draws a random mask; only ratio 0 (or inference) is supported";
    }
  }
  Value x = n.input(0);
  if (!x)
    return failure();
  // In inference every element is kept: the mask (opset >= 7) is all true.
  if (n.isOutputUsed(1)) {
    auto maskType = RankedTensorType::get(typeOf(x).getShape(), n.getBuilder().getI1Type());
    n.setOutput(
        1, n.create<ConstantOp>(ValueRange{},
                                {n.namedAttr("value", DenseElementsAttr::get(maskType, true))}));
  }
  return bind(n, x);
}

LogicalResult checkConstant(NodeView &n) {
  static const char *const supported[] = {"value", "value_float", "value_floats", "value_int",
                                          "value_ints"};
  int found = 0;
  for (const onnx::AttributeProto &attr : n.getNode().attribute()) {
    if (llvm::is_contained(supported, attr.name()))
      ++found;
    else if (attr.name() == "sparse_value" || attr.name() == "value_string" ||
             attr.name() == "value_strings")
      n.emitError() << "attribute '" << attr.name() << "' is not supported";
  }
  if (!n.hasFailed() && found != 1)
    n.emitError() << "expected exactly one value attribute, found " << found;
  if (const onnx::AttributeProto *value = n.findAttr("value"); value && !n.hasFailed()) {
    if (!isAttrOfType(*value, onnx::AttributeProto::TENSOR))
      n.emitError() << "attribute 'value' must be a tensor";
    else if (!getElementType(n.getContext(), value->t().data_type()))
      n.emitError() << "attribute 'value' has unsupported element type "
                    << getDataTypeName(value->t().data_type());
  }
  return success(!n.hasFailed());
}

LogicalResult convertConstant(NodeContext &n) {
  MLIRContext *ctx = n.getContext();
  OpBuilder &builder = n.getBuilder();
  ElementsAttr value;
  if (const onnx::AttributeProto *attr = n.findAttr("value")) {
    if (!attr->has_t())
      return n.emitError() << "attribute 'value' must be a tensor";
    StringRef blobName = n.getOutputName(0).empty() ? n.getName() : n.getOutputName(0);
    auto imported = importTensor(ctx, attr->t(), blobName,
                                 "node '" + n.getName() + "' (Constant) attribute 'value'",
                                 n.getLoc(), n.getModelDir());
    if (failed(imported)) {
      n.setFailed(); // reported by importTensor
      return failure();
    }
    value = *imported;
  } else if (n.hasAttr("value_float")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, builder.getF32Type()),
                                   n.getFloat("value_float", 0));
  } else if (n.hasAttr("value_int")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, builder.getI64Type()),
                                   n.getInt("value_int", 0));
  } else if (auto floats = n.getFloats("value_floats")) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(floats->size())}, builder.getF32Type()),
        ArrayRef<float>(*floats));
  } else if (auto ints = n.getInts("value_ints")) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(ints->size())}, builder.getI64Type()),
        ArrayRef<int64_t>(*ints));
  }
  if (n.hasFailed() || !value)
    return failure();
  return bind(n, n.create<ConstantOp>({}, n.namedAttr("value", value)));
}

/// ConstantOfShape: a splat of `value` (one element, default float32 0) with the shape given
/// by the constant input; stays a splat attribute, expanded only when written to weights.
LogicalResult convertConstantOfShape(NodeContext &n) {
  auto shape = n.getConstantInts(0, "shape");
  if (!shape)
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return n.emitError() << "negative dimension " << d << " in 'shape'";
  Attribute element = n.getBuilder().getF32FloatAttr(0.0f);
  Type elementType = n.getBuilder().getF32Type();
  if (const onnx::AttributeProto *attr = n.findAttr("value")) {
    if (!attr->has_t())
      return n.emitError() << "attribute 'value' must be a tensor";
    auto imported = importTensor(n.getContext(), attr->t(), n.getName(),
                                 "node '" + n.getName() + "' (ConstantOfShape) attribute 'value'",
                                 n.getLoc(), n.getModelDir());
    if (failed(imported)) {
      n.setFailed(); // reported by importTensor
      return failure();
    }
    auto dense = dyn_cast<DenseElementsAttr>(*imported);
    if (!dense || dense.getNumElements() != 1)
      return n.emitError() << "attribute 'value' must hold exactly one element";
    element = dense.getSplatValue<Attribute>();
    elementType = dense.getElementType();
  }
  auto type = RankedTensorType::get(*shape, elementType);
  return bind(
      n, n.create<ConstantOp>({}, n.namedAttr("value", DenseElementsAttr::get(type, element))));
}

/// Shape: `start`/`end` (opset 15) are clamped to [0, rank] after adding rank to negatives.
LogicalResult convertShape(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  int64_t rank = typeOf(x).getRank();
  auto clampDim = [&](int64_t d) { return std::clamp<int64_t>(d < 0 ? d + rank : d, 0, rank); };
  int64_t start = 0, end = rank;
  if (n.getOpset() >= 15) {
    start = clampDim(n.getInt("start", 0));
    end = clampDim(n.getInt("end", rank));
  }
  return bind(
      n, n.create<ShapeOp>(x, {n.i64Attr("start", start), n.i64Attr("end", std::max(start, end))}));
}

LogicalResult convertGather(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1);
  if (!data || !indices)
    return failure();
  auto dt = typeOf(data);
  auto axis = n.normalizeAxis(n.getInt("axis", 0), dt.getRank(), "attribute 'axis'");
  if (!axis)
    return failure();
  // Constant indices are checked here; others are checked by the kernel at run time.
  if (auto cst = indices.getDefiningOp<ConstantOp>()) {
    if (auto idx = ConstantValue::get(cst.getValue())) {
      int64_t extent = dt.getDimSize(*axis);
      for (int64_t i = 0; i < idx->getNumElements(); ++i)
        if (int64_t k = idx->getInt(i); k < -extent || k >= extent)
          return n.emitError() << "index " << k << " is out of range for axis " << *axis
                               << " of size " << extent;
    }
  }
  return bind(n, n.create<GatherOp>({data, indices}, n.i64Attr("axis", *axis)));
}

} // namespace

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const llvm::StringMap<OpHandler> &getOpHandlers() {
  static const llvm::StringMap<OpHandler> table = [] {
    llvm::StringMap<OpHandler> t;
    // Elementwise unary.
    t["Relu"] = {convertUnary<ReluOp>};
    t["Sigmoid"] = {convertFloatUnary<SigmoidOp>};
    t["Tanh"] = {convertFloatUnary<TanhOp>};
    t["HardSwish"] = {convertFloatUnary<HardSwishOp>};
    t["Abs"] = {convertUnary<AbsOp>};
    t["Neg"] = {convertUnary<NegOp>};
    t["Exp"] = {convertFloatUnary<ExpOp>};
    t["Log"] = {convertFloatUnary<LogOp>};
    t["Sqrt"] = {convertFloatUnary<SqrtOp>};
    t["Reciprocal"] = {convertFloatUnary<ReciprocalOp>};
    t["Floor"] = {convertFloatUnary<FloorOp>};
    t["Ceil"] = {convertFloatUnary<CeilOp>};
    t["Erf"] = {convertFloatUnary<ErfOp>};
    t["Sin"] = {convertFloatUnary<SinOp>};
    t["Cos"] = {convertFloatUnary<CosOp>};
    t["Softplus"] = {convertFloatUnary<SoftplusOp>};
    t["Softsign"] = {convertFloatUnary<SoftsignOp>};
    t["Sign"] = {convertUnary<SignOp>};
    t["Round"] = {convertFloatUnary<RoundOp>};
    t["LeakyRelu"] = {convertLeakyRelu};
    t["Elu"] = {convertElu};
    t["Celu"] = {convertCelu};
    t["ThresholdedRelu"] = {convertThresholdedRelu};
    t["HardSigmoid"] = {convertHardSigmoid};
    t["Selu"] = {convertSelu};
    t["Clip"] = {convertClip};
    // Elementwise binary and variadic.
    t["Add"] = {convertBinary<AddOp>};
    t["Sub"] = {convertBinary<SubOp>};
    t["Mul"] = {convertBinary<MulOp>};
    t["Div"] = {convertBinary<DivOp>};
    t["Pow"] = {convertPow};
    t["Max"] = {convertVariadic<MaxOp>};
    t["Min"] = {convertVariadic<MinOp>};
    t["Sum"] = {convertVariadic<AddOp>};
    t["Mean"] = {convertMean};
    // Contractions.
    t["Conv"] = {convertConv, checkAutoPad};
    t["Gemm"] = {convertGemm};
    t["MatMul"] = {convertMatMul};
    // Normalization, pooling, softmax. Optional training outputs (BatchNormalization's
    // running statistics) are unsupported when used. MaxPool (with its Indices output) is
    // registered by registerNNHandlers.
    t["BatchNormalization"] = {convertBatchNorm, checkBatchNorm, 3};
    t["AveragePool"] = {convertPool<PoolKind::avg>, checkPool};
    t["GlobalMaxPool"] = {convertGlobalPool<PoolKind::max>};
    t["GlobalAveragePool"] = {convertGlobalPool<PoolKind::avg>};
    t["Softmax"] = {convertSoftmax<false>};
    t["LogSoftmax"] = {convertSoftmax<true>};
    // Shape and data movement.
    t["Flatten"] = {convertFlatten};
    t["Reshape"] = {convertReshape};
    t["Squeeze"] = {convertSqueeze};
    t["Unsqueeze"] = {convertUnsqueeze};
    t["Transpose"] = {convertTranspose};
    t["Concat"] = {convertConcat};
    t["Identity"] = {convertIdentity, nullptr, 1, /*sequences=*/true};
    t["Dropout"] = {convertDropout, nullptr, 2};
    t["Constant"] = {convertConstant, checkConstant};
    t["ConstantOfShape"] = {convertConstantOfShape};
    t["Shape"] = {convertShape};
    t["Gather"] = {convertGather};
    // Op families with handlers in compiler/import/handlers/.
    registerElementwiseHandlers(t);
    registerReductionHandlers(t);
    registerTensorHandlers(t);
    registerNNHandlers(t);
    registerControlFlowHandlers(t);
    registerLinalgHandlers(t);
    registerSequenceHandlers(t);
    return t;
  }();
  return table;
}

bool isDefaultDomain(llvm::StringRef domain) { return domain.empty() || domain == "ai.onnx"; }

bool isSupportedDomain(llvm::StringRef domain) {
  return isDefaultDomain(domain) || domain == "ai.onnx.preview";
}

const OpHandler *findOpHandler(llvm::StringRef domain, llvm::StringRef opType) {
  const llvm::StringMap<OpHandler> &table = getOpHandlers();
  auto it = isDefaultDomain(domain)     ? table.find(opType)
            : isSupportedDomain(domain) ? table.find((domain + "." + opType).str())
                                        : table.end();
  return it == table.end() ? nullptr : &it->second;
}

} // namespace modelc::import
