//===- ControlFlowHandlers.cpp - ONNX handlers: controlflow ---------------===//
//
// Importer handlers of one op family: recurrent ops and control flow (If, Loop, Scan).
// Registered into the handler table by registerControlFlowHandlers (see OpHandlers.h for
// the handler contract and the shared helpers). Semantics follow
// https://onnx.ai/onnx/operators/ per op and version.
//
// Every shape is static, so control flow is resolved at compile time: an If with a constant
// condition imports only the branch taken; Loop and Scan bodies are imported once per
// iteration (unrolled), which needs a trip count known at compile time and a loop condition
// that folds to a constant every iteration. Scan slices its inputs with graph.gather and
// stacks its outputs with graph.concat.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"

#include "dialects/Graph/GraphOps.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

namespace {

/// Bodies are unrolled at most this many times.
constexpr int64_t kMaxUnroll = 4096;

/// The value of a constant scalar (or one-element) tensor as an integer.
std::optional<int64_t> constantScalar(Value v) {
  auto cst = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!cst)
    return std::nullopt;
  auto value = ConstantValue::get(cst.getValue());
  if (!value || value->getNumElements() != 1)
    return std::nullopt;
  return value->getInt(0);
}

/// Stacks equally shaped `values` along a new axis `axis` (ONNX scan outputs).
Value stack(NodeContext &n, ArrayRef<Value> values, int64_t axis) {
  SmallVector<Value> parts;
  for (Value v : values) {
    SmallVector<int64_t> shape(typeOf(v).getShape());
    shape.insert(shape.begin() + axis, 1);
    Value part = n.reshape(v, shape);
    if (!part)
      return {};
    parts.push_back(part);
  }
  if (parts.size() == 1)
    return parts.front();
  return n.create<ConcatOp>(parts, n.i64Attr("axis", axis));
}

/// Checks that every iteration's scan output has the same type.
bool sameTypes(NodeContext &n, ArrayRef<Value> values, unsigned index) {
  for (Value v : values)
    if (v.getType() != values.front().getType()) {
      n.emitError() << "scan output #" << index << " changes type between iterations ("
                    << values.front().getType() << " vs " << v.getType() << ")";
      return false;
    }
  return true;
}

/// If: the condition must be known at compile time (it is a constant or computed from
/// constants; a graph input deciding it can be frozen with --freeze-input).
LogicalResult convertIf(NodeContext &n) {
  const onnx::GraphProto *thenBranch = n.getGraphAttr("then_branch");
  const onnx::GraphProto *elseBranch = n.getGraphAttr("else_branch");
  Value cond = n.input(0);
  if (!thenBranch || !elseBranch || !cond)
    return failure();
  std::optional<int64_t> taken = constantScalar(cond);
  if (!taken) {
    // Reports the non-constant condition, with the --freeze-input hint where it applies.
    (void)n.getConstantInput(0, "cond");
    return failure();
  }
  auto outputs = n.importSubgraphBindings(*taken ? *thenBranch : *elseBranch, {});
  if (failed(outputs))
    return failure();
  if (outputs->size() < n.getNumOutputs())
    return n.emitError() << "the branch taken has " << outputs->size() << " outputs, the node "
                         << n.getNumOutputs();
  for (unsigned i = 0; i < n.getNumOutputs(); ++i)
    n.setOutputBinding(i, (*outputs)[i]);
  return success();
}

/// Loop (opset 1, 11, 13, 16, 19, 21): inputs (M, cond, v_initial...), body
/// (iteration_num, cond_in, v_in...) -> (cond_out, v_out..., scan_outputs...).
LogicalResult convertLoop(NodeContext &n) {
  const onnx::GraphProto *body = n.getGraphAttr("body");
  if (!body)
    return failure();
  std::optional<int64_t> tripCount, cond;
  if (n.hasInput(0)) {
    auto m = n.getConstantInts(0, "M");
    if (!m)
      return failure();
    if (m->size() != 1)
      return n.emitError() << "input 'M' must hold one value";
    tripCount = m->front();
  }
  if (n.hasInput(1)) {
    auto c = n.getConstantInts(1, "cond");
    if (!c)
      return failure();
    if (c->size() != 1)
      return n.emitError() << "input 'cond' must hold one value";
    cond = c->front();
  }
  // Loop-carried values may be sequences (a body that appends to one, SequenceMap's
  // expansion); scan outputs are tensors.
  SmallVector<Binding> carried;
  for (unsigned i = 2; i < n.getNumInputs(); ++i)
    if (Binding b = n.inputBinding(i))
      carried.push_back(b);
    else
      return n.emitError() << "missing required input #" << i;
  unsigned numCarried = carried.size();
  int64_t numScans = body->output_size() - 1 - static_cast<int64_t>(numCarried);
  if (numScans < 0)
    return n.emitError() << "the body has " << body->output_size() << " outputs, expected at least "
                         << numCarried + 1;
  int64_t limit = tripCount.value_or(kMaxUnroll + 1);
  if (limit > kMaxUnroll)
    return n.emitError() << "the trip count "
                         << (tripCount ? std::to_string(*tripCount) : std::string("(none)"))
                         << " exceeds the unrolling limit of " << kMaxUnroll
                         << " (loops are unrolled at compile time)";
  Type i64 = n.getBuilder().getI64Type(), i1 = n.getBuilder().getI1Type();
  SmallVector<SmallVector<Value>> scans(numScans);
  bool running = cond.value_or(1) != 0;
  for (int64_t it = 0; it < limit && running; ++it) {
    SmallVector<Binding> inputs = {n.scalarConstant(i64, it), n.scalarConstant(i1, running)};
    llvm::append_range(inputs, carried);
    auto outputs = n.importSubgraphBindings(*body, inputs);
    if (failed(outputs))
      return failure();
    for (auto [k, b] : llvm::enumerate(*outputs))
      if (b.isSequence() && (k == 0 || k > numCarried))
        return n.emitError() << "body output '" << body->output(k).name() << "' is a sequence; "
                             << (k == 0 ? "the condition" : "a scan output")
                             << " must be a tensor";
    std::optional<int64_t> next = constantScalar((*outputs)[0].tensor);
    if (!next)
      return n.emitError() << "the loop condition of iteration " << it
                           << " is computed at run time; only loops whose condition folds to a "
                              "constant are supported (they are unrolled at compile time)";
    running = *next != 0;
    for (unsigned i = 0; i < numCarried; ++i)
      carried[i] = (*outputs)[1 + i];
    for (int64_t k = 0; k < numScans; ++k)
      scans[k].push_back((*outputs)[1 + numCarried + k].tensor);
  }
  for (unsigned i = 0; i < numCarried && i < n.getNumOutputs(); ++i)
    n.setOutputBinding(i, carried[i]);
  for (int64_t k = 0; k < numScans && numCarried + k < n.getNumOutputs(); ++k) {
    if (scans[k].empty())
      return n.emitError() << "the loop runs no iteration, so scan output #" << k
                           << " has no element shape";
    if (!sameTypes(n, scans[k], k))
      return failure();
    Value stacked = stack(n, scans[k], 0);
    if (!stacked)
      return failure();
    n.setOutput(numCarried + k, stacked);
  }
  return success();
}

/// Reads a per-scan-input or per-scan-output attribute list (defaults 0).
std::optional<SmallVector<int64_t>> scanList(NodeContext &n, StringRef name, int64_t count) {
  auto values = n.getInts(name).value_or(SmallVector<int64_t>(count, 0));
  if (static_cast<int64_t>(values.size()) != count) {
    n.emitError() << "attribute '" << name << "' has " << values.size() << " values, expected "
                  << count;
    return std::nullopt;
  }
  return values;
}

/// One Scan over `states` and `scanInputs` (opset 9 form). Returns the final states then
/// the stacked scan outputs.
FailureOr<SmallVector<Value>> scanOnce(NodeContext &n, const onnx::GraphProto &body,
                                       SmallVector<Value> states, ArrayRef<Value> scanInputs,
                                       ArrayRef<int64_t> inAxes, ArrayRef<int64_t> inDirs,
                                       ArrayRef<int64_t> outAxes, ArrayRef<int64_t> outDirs) {
  int64_t steps = -1;
  for (auto [i, x] : llvm::enumerate(scanInputs)) {
    int64_t len = typeOf(x).getDimSize(inAxes[i]);
    if (steps >= 0 && len != steps) {
      n.emitError() << "scan inputs have different sequence lengths " << steps << " and " << len;
      return failure();
    }
    steps = len;
  }
  if (steps > kMaxUnroll) {
    n.emitError() << "sequence length " << steps << " exceeds the unrolling limit of "
                  << kMaxUnroll;
    return failure();
  }
  int64_t numScans = body.output_size() - static_cast<int64_t>(states.size());
  if (numScans < 0 || static_cast<int64_t>(outAxes.size()) != numScans) {
    n.emitError() << "the body's " << body.output_size() << " outputs do not match "
                  << states.size() << " states";
    return failure();
  }
  Type i64 = n.getBuilder().getI64Type();
  SmallVector<SmallVector<Value>> scans(numScans);
  for (int64_t t = 0; t < steps; ++t) {
    SmallVector<Value> inputs = states;
    for (auto [i, x] : llvm::enumerate(scanInputs)) {
      int64_t at = inDirs[i] ? steps - 1 - t : t;
      Value slice =
          n.create<GatherOp>({x, n.scalarConstant(i64, at)}, n.i64Attr("axis", inAxes[i]));
      if (!slice)
        return failure();
      inputs.push_back(slice);
    }
    auto outputs = n.importSubgraph(body, inputs);
    if (failed(outputs))
      return failure();
    for (unsigned i = 0; i < states.size(); ++i)
      states[i] = (*outputs)[i];
    for (int64_t k = 0; k < numScans; ++k)
      scans[k].push_back((*outputs)[states.size() + k]);
  }
  SmallVector<Value> results = states;
  for (int64_t k = 0; k < numScans; ++k) {
    if (scans[k].empty()) {
      n.emitError() << "the scan has no step, so scan output #" << k << " has no element shape";
      return failure();
    }
    if (!sameTypes(n, scans[k], k))
      return failure();
    if (outDirs[k])
      std::reverse(scans[k].begin(), scans[k].end());
    int64_t rank = typeOf(scans[k].front()).getRank() + 1;
    int64_t axis = outAxes[k] < 0 ? outAxes[k] + rank : outAxes[k];
    if (axis < 0 || axis >= rank) {
      n.emitError() << "scan_output_axes value " << outAxes[k] << " is out of range";
      return failure();
    }
    Value stacked = stack(n, scans[k], axis);
    if (!stacked)
      return failure();
    results.push_back(stacked);
  }
  return results;
}

/// Scan: opset 9+ (states, scan inputs; axes and directions attributes) and opset 8 (an
/// optional sequence_lens input and a leading batch axis on every input).
LogicalResult convertScan(NodeContext &n) {
  const onnx::GraphProto *body = n.getGraphAttr("body");
  int64_t numScanInputs = n.getInt("num_scan_inputs", -1);
  if (!body)
    return failure();
  if (numScanInputs < 1)
    return n.emitError() << "attribute 'num_scan_inputs' must be positive";
  bool legacy = n.getOpset() < 9;
  unsigned first = legacy ? 1 : 0;
  if (legacy && n.hasInput(0))
    return n.emitError() << "input 'sequence_lens' is not supported (sequences must be full)";
  SmallVector<Value> all;
  for (unsigned i = first; i < n.getNumInputs(); ++i)
    if (Value v = n.input(i))
      all.push_back(v);
    else
      return failure();
  int64_t numStates = static_cast<int64_t>(all.size()) - numScanInputs;
  if (numStates < 0)
    return n.emitError() << "has " << all.size() << " inputs, fewer than num_scan_inputs";
  int64_t numScanOutputs = body->output_size() - numStates;
  auto inDirs = scanList(n, legacy ? "directions" : "scan_input_directions", numScanInputs);
  auto outDirs = scanList(n, "scan_output_directions", std::max<int64_t>(numScanOutputs, 0));
  auto inAxes = scanList(n, "scan_input_axes", numScanInputs);
  auto outAxes = scanList(n, "scan_output_axes", std::max<int64_t>(numScanOutputs, 0));
  if (!inDirs || !outDirs || !inAxes || !outAxes)
    return failure();
  ArrayRef<Value> states(all.begin(), all.begin() + numStates);
  ArrayRef<Value> scanInputs(all.begin() + numStates, all.end());
  for (auto [i, x] : llvm::enumerate(scanInputs)) {
    int64_t rank = typeOf(x).getRank() - (legacy ? 1 : 0);
    auto axis = n.normalizeAxis((*inAxes)[i], rank, "scan_input_axes value");
    if (!axis)
      return failure();
    (*inAxes)[i] = *axis;
  }
  if (!legacy) {
    auto results = scanOnce(n, *body, SmallVector<Value>(states), scanInputs, *inAxes, *inDirs,
                            *outAxes, *outDirs);
    if (failed(results))
      return failure();
    for (unsigned i = 0; i < n.getNumOutputs() && i < results->size(); ++i)
      n.setOutput(i, (*results)[i]);
    return success();
  }
  // Opset 8: every input has a batch axis 0; scan each batch entry, then stack.
  int64_t batch = typeOf(all.front()).getDimSize(0);
  Type i64 = n.getBuilder().getI64Type();
  SmallVector<SmallVector<Value>> perOutput(body->output_size());
  for (int64_t b = 0; b < batch; ++b) {
    auto pick = [&](Value v) {
      return n.create<GatherOp>({v, n.scalarConstant(i64, b)}, n.i64Attr("axis", 0));
    };
    SmallVector<Value> bStates, bScans;
    for (Value v : states)
      bStates.push_back(pick(v));
    for (Value v : scanInputs)
      bScans.push_back(pick(v));
    if (llvm::is_contained(bStates, Value()) || llvm::is_contained(bScans, Value()))
      return failure();
    auto results = scanOnce(n, *body, bStates, bScans, *inAxes, *inDirs, *outAxes, *outDirs);
    if (failed(results))
      return failure();
    for (auto [i, v] : llvm::enumerate(*results))
      perOutput[i].push_back(v);
  }
  for (unsigned i = 0; i < n.getNumOutputs() && i < perOutput.size(); ++i) {
    if (perOutput[i].empty())
      return n.emitError() << "batch size 0 is not supported";
    Value stacked = stack(n, perOutput[i], 0);
    if (!stacked)
      return failure();
    n.setOutput(i, stacked);
  }
  return success();
}

//===--- Recurrent layers ----------------------------------------------------===//

/// Gate activation functions by ONNX name, with their default alpha and beta and whether
/// they read them (ONNX RNN/GRU/LSTM `activations`, `activation_alpha/beta`).
struct Activation {
  const char *name;
  bool usesAlpha, usesBeta;
  float alpha, beta;
};
constexpr Activation kActivations[] = {
    {"Relu", false, false, 0, 0},           {"Tanh", false, false, 0, 0},
    {"Sigmoid", false, false, 0, 0},        {"Affine", true, true, 1.0f, 0.0f},
    {"LeakyRelu", true, false, 0.01f, 0},   {"ThresholdedRelu", true, false, 1.0f, 0},
    {"ScaledTanh", true, true, 1.0f, 1.0f}, {"HardSigmoid", true, true, 0.2f, 0.5f},
    {"Elu", true, false, 1.0f, 0},          {"Softsign", false, false, 0, 0},
    {"Softplus", false, false, 0, 0}};

/// Reads `activations` (names, case-insensitive as onnxruntime accepts them) into codes.
std::optional<SmallVector<int64_t>> activationCodes(NodeView &n, ArrayRef<StringRef> defaults,
                                                    int64_t dirs) {
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *attr = n.findAttr("activations")) {
    for (const std::string &s : attr->strings())
      names.push_back(s);
    // One set for every direction when a bidirectional layer gives one.
    if (dirs == 2 && names.size() == defaults.size())
      names.append(SmallVector<std::string>(names));
  } else {
    for (int64_t d = 0; d < dirs; ++d)
      for (StringRef name : defaults)
        names.push_back(name.str());
  }
  if (static_cast<int64_t>(names.size()) != dirs * static_cast<int64_t>(defaults.size())) {
    n.emitError() << "attribute 'activations' has " << names.size() << " names, expected "
                  << dirs * defaults.size();
    return std::nullopt;
  }
  SmallVector<int64_t> codes;
  for (const std::string &name : names) {
    auto *it = llvm::find_if(kActivations, [&](const Activation &a) {
      return StringRef(a.name).equals_insensitive(name);
    });
    if (it == std::end(kActivations)) {
      n.emitError() << "unsupported activation '" << name << "'";
      return std::nullopt;
    }
    codes.push_back(it - std::begin(kActivations));
  }
  return codes;
}

LogicalResult checkRecurrent(NodeView &n) {
  std::string direction = n.getString("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    n.emitError() << "unsupported direction '" << direction << "'";
  if (int64_t hidden = n.getInt("hidden_size", 0); hidden <= 0 || hidden > (int64_t(1) << 30))
    n.emitError() << "attribute 'hidden_size' must be in [1, 2^30], got " << hidden;
  return success(!n.hasFailed());
}

/// RNN (opset 1, 7, 14, 22), GRU (1, 3, 7, 14, 22), LSTM (1, 7, 14, 22).
template <RecurrentKind Kind> LogicalResult convertRecurrent(NodeContext &n) {
  Value x = n.input(0), w = n.input(1), r = n.input(2);
  if (!x || !w || !r)
    return failure();
  if (typeOf(x).getRank() != 3)
    return n.emitError() << "expected a 3-d input X, got " << typeOf(x);
  std::string direction = n.getString("direction", "forward");
  int64_t dirCode = direction == "forward" ? 0 : direction == "reverse" ? 1 : 2;
  int64_t dirs = dirCode == 2 ? 2 : 1, hidden = n.getInt("hidden_size", 0);
  int64_t gates = Kind == RecurrentKind::rnn ? 1 : Kind == RecurrentKind::gru ? 3 : 4;
  bool batchFirst = n.getOpset() >= 14 && n.getInt("layout", 0) == 1;
  OpBuilder &b = n.getBuilder();
  auto transpose = [&](Value v, ArrayRef<int64_t> perm) {
    return n.create<TransposeOp>(v, n.arrayAttr("perm", perm));
  };
  // layout = 1: X is batch x seq x input, states batch x dirs x hidden.
  if (batchFirst && !(x = transpose(x, {1, 0, 2})))
    return failure();
  int64_t batch = typeOf(x).getDimSize(1);
  Type et = typeOf(x).getElementType();
  auto zeros = [&](ArrayRef<int64_t> shape) {
    auto type = RankedTensorType::get(shape, et);
    return n.create<ConstantOp>(
        {}, n.namedAttr("value", DenseElementsAttr::get(type, b.getFloatAttr(et, 0.0))));
  };
  auto state = [&](unsigned index) -> Value {
    if (!n.hasInput(index))
      return zeros({dirs, batch, hidden});
    Value v = n.input(index);
    return v && batchFirst ? transpose(v, {1, 0, 2}) : v;
  };
  Value bias = n.hasInput(3) ? n.input(3) : zeros({dirs, 2 * gates * hidden});
  Value lens = n.hasInput(4) ? n.input(4) : Value();
  if (!lens) {
    auto type = RankedTensorType::get({batch}, b.getI32Type());
    lens = n.create<ConstantOp>(
        {}, n.namedAttr("value", DenseElementsAttr::get(
                                     type, b.getI32IntegerAttr(typeOf(x).getDimSize(0)))));
  }
  Value h0 = state(5);
  Value c0 = Kind == RecurrentKind::lstm ? state(6) : zeros({dirs, batch, hidden});
  Value p = Kind == RecurrentKind::lstm && n.hasInput(7) ? n.input(7) : zeros({dirs, 3 * hidden});
  if (!bias || !lens || !h0 || !c0 || !p)
    return failure();
  SmallVector<StringRef> defaults;
  if (Kind == RecurrentKind::rnn)
    defaults = {"Tanh"};
  else if (Kind == RecurrentKind::gru)
    defaults = {"Sigmoid", "Tanh"};
  else
    defaults = {"Sigmoid", "Tanh", "Tanh"};
  auto codes = activationCodes(n, defaults, dirs);
  if (!codes)
    return failure();
  // Alphas and betas are consumed in order by the activations that read them.
  SmallVector<float> alphaList = n.getFloats("activation_alpha").value_or(SmallVector<float>());
  SmallVector<float> betaList = n.getFloats("activation_beta").value_or(SmallVector<float>());
  SmallVector<float> alphas, betas;
  size_t nextAlpha = 0, nextBeta = 0;
  for (int64_t code : *codes) {
    const Activation &a = kActivations[code];
    alphas.push_back(a.usesAlpha && nextAlpha < alphaList.size() ? alphaList[nextAlpha++]
                                                                 : a.alpha);
    betas.push_back(a.usesBeta && nextBeta < betaList.size() ? betaList[nextBeta++] : a.beta);
  }
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("kind", RecurrentKindAttr::get(n.getContext(), Kind)),
      n.i64Attr("direction", dirCode),
      n.i64Attr("hidden_size", hidden),
      n.arrayAttr("activations", *codes),
      n.namedAttr("alphas", b.getDenseF32ArrayAttr(alphas)),
      n.namedAttr("betas", b.getDenseF32ArrayAttr(betas)),
      n.namedAttr("linear_before_reset", b.getBoolAttr(n.getInt("linear_before_reset", 0))),
      n.namedAttr("input_forget", b.getBoolAttr(n.getInt("input_forget", 0)))};
  if (n.hasAttr("clip"))
    attrs.push_back(n.f32Attr("clip", n.getFloat("clip", 0)));
  Value y = n.create<RecurrentOp>({x, w, r, bias, lens, h0, c0, p}, attrs);
  if (!y)
    return failure();
  auto op = y.getDefiningOp<RecurrentOp>();
  Value yh = op.getYH(), yc = op.getYC();
  if (batchFirst) {
    y = transpose(y, {2, 0, 1, 3}); // seq x dirs x batch x hidden -> batch x seq x dirs x hidden
    yh = transpose(yh, {1, 0, 2});
    yc = transpose(yc, {1, 0, 2});
  }
  n.setOutput(0, y);
  if (n.getNumOutputs() > 1)
    n.setOutput(1, yh);
  if (Kind == RecurrentKind::lstm && n.getNumOutputs() > 2)
    n.setOutput(2, yc);
  return success(y && yh && yc);
}

} // namespace

void registerControlFlowHandlers(llvm::StringMap<OpHandler> &table) {
  table["If"] = {convertIf, nullptr, 64, /*sequences=*/true};
  table["Loop"] = {convertLoop, nullptr, 64, /*sequences=*/true};
  table["Scan"] = {convertScan, nullptr, 64};
  table["RNN"] = {convertRecurrent<RecurrentKind::rnn>, checkRecurrent, 2};
  table["GRU"] = {convertRecurrent<RecurrentKind::gru>, checkRecurrent, 2};
  table["LSTM"] = {convertRecurrent<RecurrentKind::lstm>, checkRecurrent, 3};
}

} // namespace modelc::import
