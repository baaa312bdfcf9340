//===- SequenceHandlers.cpp - ONNX handlers: sequences --------------------===//
//
// Importer handlers of the sequence ops: SequenceEmpty, SequenceConstruct, SequenceInsert,
// SequenceAt, SequenceErase, SequenceLength, SplitToSequence, ConcatFromSequence and
// SequenceMap. Registered into the handler table by registerSequenceHandlers (see
// OpHandlers.h for the handler contract). Semantics follow https://onnx.ai/onnx/operators/
// per op and version.
//
// Every shape is static, so a sequence is resolved at compile time: its length and the
// shape of every element are known, and the importer holds it as a list of tensor values
// (import::Sequence, bound to the ONNX name like a tensor). Positions must therefore be
// compile-time constants (NodeContext::getConstantInts reports the graph inputs that decide
// them with a --freeze-input hint). The graph dialect never sees a sequence: SequenceAt
// yields an element, SequenceLength a constant, SplitToSequence graph.slice ops and
// ConcatFromSequence a graph.concat.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"
#include "compiler/import/TensorImport.h"

#include "dialects/Graph/GraphOps.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

namespace {

/// Sequences longer than this are rejected (each element is a separate value, and
/// SequenceMap imports its body once per element).
constexpr int64_t kMaxSequenceLength = 4096;

/// A scalar (one-element) integer input that must be a compile-time constant.
std::optional<int64_t> getConstantPosition(NodeContext &n, unsigned i, StringRef what) {
  auto values = n.getConstantInts(i, what);
  if (!values)
    return std::nullopt;
  if (values->size() != 1) {
    n.emitError() << "input '" << what << "' must be a scalar, got " << values->size() << " values";
    return std::nullopt;
  }
  return values->front();
}

/// Position input i of a sequence of `length` elements, defaulting to `defaultPos` when
/// absent; negative positions count from the end. Valid positions are [-length, length)
/// or, with `allowEnd` (SequenceInsert), [-length, length].
std::optional<int64_t> getPosition(NodeContext &n, unsigned i, int64_t length, int64_t defaultPos,
                                   bool allowEnd) {
  if (!n.hasInput(i))
    return defaultPos;
  auto pos = getConstantPosition(n, i, "position");
  if (!pos)
    return std::nullopt;
  int64_t hi = allowEnd ? length : length - 1;
  if (*pos < -length || *pos > hi) {
    n.emitError() << "position " << *pos << " is out of range for a sequence of " << length
                  << " element" << (length == 1 ? "" : "s") << " (valid: " << -length << " to "
                  << hi << ")";
    return std::nullopt;
  }
  return *pos < 0 ? *pos + length : *pos;
}

/// Checks that `v` can be an element of a sequence of `elementType`.
LogicalResult checkElement(NodeContext &n, Value v, Type elementType, StringRef what) {
  Type type = typeOf(v).getElementType();
  if (elementType && type != elementType)
    return n.emitError() << what << " has element type " << type << ", but the sequence holds "
                         << elementType;
  return success();
}

LogicalResult bindSequence(NodeContext &n, unsigned i, Sequence s) {
  if (static_cast<int64_t>(s.elements.size()) > kMaxSequenceLength)
    return n.emitError() << "the sequence has " << s.elements.size() << " elements; at most "
                         << kMaxSequenceLength << " are supported";
  n.setSequenceOutput(i, std::move(s));
  return success();
}

/// SequenceEmpty: no elements, of `dtype` (default FLOAT).
LogicalResult convertSequenceEmpty(NodeContext &n) {
  int64_t dtype = n.getInt("dtype", onnx::TensorProto::FLOAT);
  Type elementType = getElementType(n.getContext(), static_cast<int32_t>(dtype));
  if (!elementType)
    return n.emitError() << "attribute 'dtype' " << getDataTypeName(static_cast<int32_t>(dtype))
                         << " is not a supported element type";
  return bindSequence(n, 0, Sequence{{}, elementType});
}

/// SequenceConstruct: the inputs, in order (at least one, all of one element type).
LogicalResult convertSequenceConstruct(NodeContext &n) {
  Sequence s;
  for (unsigned i = 0; i < n.getNumInputs(); ++i) {
    Value v = n.input(i);
    if (!v)
      return failure();
    if (!s.elementType)
      s.elementType = typeOf(v).getElementType();
    if (failed(checkElement(n, v, s.elementType, "input #" + std::to_string(i))))
      return failure();
    s.elements.push_back(v);
  }
  if (s.elements.empty())
    return n.emitError() << "needs at least one input";
  return bindSequence(n, 0, std::move(s));
}

/// SequenceInsert: `tensor` inserted before `position` (default: appended).
LogicalResult convertSequenceInsert(NodeContext &n) {
  const Sequence *in = n.sequenceInput(0);
  Value v = n.input(1);
  if (!in || !v || failed(checkElement(n, v, in->elementType, "the inserted tensor")))
    return failure();
  int64_t length = in->elements.size();
  auto pos = getPosition(n, 2, length, length, /*allowEnd=*/true);
  if (!pos)
    return failure();
  Sequence s = *in;
  s.elements.insert(s.elements.begin() + *pos, v);
  s.elementType = typeOf(v).getElementType();
  return bindSequence(n, 0, std::move(s));
}

/// SequenceAt: the element at `position`.
LogicalResult convertSequenceAt(NodeContext &n) {
  const Sequence *in = n.sequenceInput(0);
  if (!in)
    return failure();
  int64_t length = in->elements.size();
  if (!n.hasInput(1))
    return n.emitError() << "missing required input #1 ('position')";
  if (length == 0) {
    (void)getConstantPosition(n, 1, "position"); // a run-time position is reported first
    if (!n.hasFailed())
      n.emitError() << "the sequence is empty";
    return failure();
  }
  auto pos = getPosition(n, 1, length, 0, /*allowEnd=*/false);
  return pos ? bind(n, in->elements[*pos]) : failure();
}

/// SequenceErase: the sequence without the element at `position` (default: the last).
LogicalResult convertSequenceErase(NodeContext &n) {
  const Sequence *in = n.sequenceInput(0);
  if (!in)
    return failure();
  int64_t length = in->elements.size();
  if (length == 0)
    return n.emitError() << "cannot erase from an empty sequence";
  auto pos = getPosition(n, 1, length, length - 1, /*allowEnd=*/false);
  if (!pos)
    return failure();
  Sequence s = *in;
  s.elements.erase(s.elements.begin() + *pos);
  return bindSequence(n, 0, std::move(s));
}

/// SequenceLength: a 0-d int64 constant.
LogicalResult convertSequenceLength(NodeContext &n) {
  const Sequence *in = n.sequenceInput(0);
  if (!in)
    return failure();
  return bind(
      n, n.scalarConstant(n.getBuilder().getI64Type(), static_cast<double>(in->elements.size())));
}

/// SplitToSequence (opset 11): `split` absent -> pieces of size 1 along `axis` (the axis
/// dropped with keepdims=0); a scalar -> pieces of that size, the last one smaller if need
/// be; a 1-d tensor -> those sizes, which must add up to the extent. keepdims applies only
/// without `split`.
LogicalResult convertSplitToSequence(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto type = typeOf(x);
  ArrayRef<int64_t> dims = type.getShape();
  int64_t rank = dims.size();
  if (rank == 0)
    return n.emitError() << "the input must have rank >= 1";
  auto axis = n.normalizeAxis(n.getInt("axis", 0), rank, "attribute 'axis'");
  int64_t keepdims = n.getInt("keepdims", 1);
  if (!axis || n.hasFailed())
    return failure();
  int64_t dim = dims[*axis];
  SmallVector<int64_t> sizes;
  bool squeeze = false;
  if (n.hasInput(1)) {
    auto split = n.getConstantInput(1, "split");
    if (!split)
      return failure();
    if (!isa<IntegerType>(split->getType().getElementType()))
      return n.emitError() << "input 'split' must hold integers, got " << split->getType();
    if (split->getType().getRank() == 0) {
      int64_t chunk = split->getInt(0);
      if (chunk <= 0)
        return n.emitError() << "split size " << chunk << " must be positive";
      if (dim / chunk + (dim % chunk != 0) > kMaxSequenceLength)
        return n.emitError() << "splitting " << dim << " into pieces of " << chunk
                             << " gives more than " << kMaxSequenceLength << " elements";
      for (int64_t offset = 0; offset < dim; offset += chunk)
        sizes.push_back(std::min(chunk, dim - offset));
    } else if (split->getType().getRank() == 1) {
      int64_t total = 0;
      for (int64_t i = 0; i < split->getNumElements(); ++i) {
        int64_t s = split->getInt(i);
        if (s < 0)
          return n.emitError() << "split size " << s << " is negative";
        if (s > dim - total)
          return n.emitError() << "split sizes add up to more than " << dim;
        total += s;
        sizes.push_back(s);
      }
      if (total != dim)
        return n.emitError() << "split sizes add up to " << total << ", not " << dim;
    } else {
      return n.emitError() << "input 'split' must be a scalar or 1-d, got " << split->getType();
    }
  } else {
    if (keepdims != 0 && keepdims != 1)
      return n.emitError() << "attribute 'keepdims' must be 0 or 1, got " << keepdims;
    if (dim > kMaxSequenceLength)
      return n.emitError() << "splitting an axis of " << dim << " into pieces of 1 gives more than "
                           << kMaxSequenceLength << " elements";
    sizes.assign(dim, 1);
    squeeze = keepdims == 0;
  }
  Sequence s{{}, type.getElementType()};
  int64_t offset = 0;
  for (int64_t size : sizes) {
    SmallVector<int64_t> starts(rank, 0), steps(rank, 1), shape(dims);
    starts[*axis] = size ? offset : 0;
    shape[*axis] = size;
    offset += size;
    auto sliceType = RankedTensorType::get(shape, type.getElementType());
    Value part = n.create<SliceOp>(x, {n.arrayAttr("starts", starts), n.arrayAttr("steps", steps)},
                                   sliceType);
    if (part && squeeze) {
      shape.erase(shape.begin() + *axis);
      part = n.reshape(part, shape);
    }
    if (!part)
      return failure();
    s.elements.push_back(part);
  }
  return bindSequence(n, 0, std::move(s));
}

/// ConcatFromSequence (opset 11): the elements concatenated along `axis`; with new_axis=1
/// they are stacked along a new dimension inserted at `axis` (then in [-rank-1, rank]).
LogicalResult convertConcatFromSequence(NodeContext &n) {
  const Sequence *in = n.sequenceInput(0);
  if (!in)
    return failure();
  if (!n.hasAttr("axis"))
    return n.emitError() << "missing required attribute 'axis'";
  int64_t axisValue = n.getInt("axis", 0), newAxis = n.getInt("new_axis", 0);
  if (n.hasFailed())
    return failure();
  if (newAxis != 0 && newAxis != 1)
    return n.emitError() << "attribute 'new_axis' must be 0 or 1, got " << newAxis;
  if (in->elements.empty())
    return n.emitError() << "cannot concatenate an empty sequence";
  int64_t rank = typeOf(in->elements.front()).getRank();
  auto axis = n.normalizeAxis(axisValue, rank + newAxis, "attribute 'axis'");
  if (!axis)
    return failure();
  SmallVector<Value> parts;
  for (Value v : in->elements) {
    if (newAxis) {
      SmallVector<int64_t> shape(typeOf(v).getShape());
      if (static_cast<int64_t>(shape.size()) != rank)
        return n.emitError() << "sequence elements have different ranks (" << typeOf(v) << " and "
                             << typeOf(in->elements.front()) << ")";
      shape.insert(shape.begin() + *axis, 1);
      v = n.reshape(v, shape);
      if (!v)
        return failure();
    }
    parts.push_back(v);
  }
  if (parts.size() == 1)
    return bind(n, parts.front());
  return bind(n, n.create<ConcatOp>(parts, n.i64Attr("axis", *axis)));
}

/// SequenceMap (opset 17): `body` imported once per element of input_sequence; sequence
/// inputs pass their element at that position, tensor inputs pass themselves. Each body
/// output becomes an output sequence.
LogicalResult convertSequenceMap(NodeContext &n) {
  const onnx::GraphProto *body = n.getGraphAttr("body");
  const Sequence *first = n.sequenceInput(0);
  if (!body || !first)
    return failure();
  int64_t length = first->elements.size();
  SmallVector<Binding> args;
  for (unsigned i = 0; i < n.getNumInputs(); ++i) {
    if (!n.hasInput(i))
      return n.emitError() << "input #" << i << " is empty; SequenceMap takes no optional inputs";
    if (n.isSequenceInput(i)) {
      const Sequence *s = n.sequenceInput(i);
      if (static_cast<int64_t>(s->elements.size()) != length)
        return n.emitError() << "input #" << i << " ('" << n.getInputName(i) << "') has "
                             << s->elements.size() << " elements, input_sequence " << length;
      args.push_back(Binding(*s));
    } else {
      Value v = n.input(i);
      if (!v)
        return failure();
      args.push_back(Binding(v));
    }
  }
  unsigned numOutputs = n.getNumOutputs();
  if (body->output_size() != static_cast<int>(numOutputs))
    return n.emitError() << "the body has " << body->output_size() << " outputs, the node "
                         << numOutputs;
  SmallVector<Sequence> results(numOutputs);
  for (int64_t k = 0; k < length; ++k) {
    SmallVector<Value> inputs;
    for (const Binding &b : args)
      inputs.push_back(b.isSequence() ? b.sequence->elements[k] : b.tensor);
    auto outputs = n.importSubgraph(*body, inputs);
    if (failed(outputs))
      return failure();
    for (unsigned o = 0; o < numOutputs; ++o) {
      Value v = (*outputs)[o];
      if (!results[o].elementType)
        results[o].elementType = typeOf(v).getElementType();
      if (failed(checkElement(n, v, results[o].elementType,
                              "body output #" + std::to_string(o) + " of element " +
                                  std::to_string(k))))
        return failure();
      results[o].elements.push_back(v);
    }
  }
  // An empty input sequence gives empty outputs; their element type is the body's declared
  // output type when it has one.
  for (unsigned o = 0; o < numOutputs; ++o) {
    if (!results[o].elementType) {
      const onnx::TypeProto &t = body->output(o).type();
      if (t.has_tensor_type())
        results[o].elementType = getElementType(n.getContext(), t.tensor_type().elem_type());
    }
    if (failed(bindSequence(n, o, std::move(results[o]))))
      return failure();
  }
  return success();
}

} // namespace

void registerSequenceHandlers(llvm::StringMap<OpHandler> &table) {
  auto seq = [](LogicalResult (*convert)(NodeContext &), unsigned numOutputs = 1) {
    return OpHandler{convert, nullptr, numOutputs, /*sequences=*/true};
  };
  table["SequenceEmpty"] = seq(convertSequenceEmpty);
  table["SequenceConstruct"] = seq(convertSequenceConstruct);
  table["SequenceInsert"] = seq(convertSequenceInsert);
  table["SequenceAt"] = seq(convertSequenceAt);
  table["SequenceErase"] = seq(convertSequenceErase);
  table["SequenceLength"] = seq(convertSequenceLength);
  table["SplitToSequence"] = seq(convertSplitToSequence);
  table["ConcatFromSequence"] = seq(convertConcatFromSequence);
  table["SequenceMap"] = seq(convertSequenceMap, 64);
}

} // namespace modelc::import
