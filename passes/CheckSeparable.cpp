//===- CheckSeparable.cpp - Separability along a dynamic dimension --------===//
//
// `modelc --dim NAME=MIN:MAX` runs a batch of N as chunks of compiled sizes, which is
// correct only when the model is separable along NAME: output element n along that axis
// depends on element n of the inputs only. This analysis proves it on the graph dialect.
// It maps each value to the axis that carries NAME (absent: independent of NAME) and walks
// @main in order with one rule per op kind. An op none of whose operands carry NAME is
// independent of it whatever it is; an op with a carrying operand must have a rule that keeps
// the axis separate, or the check fails naming the ONNX node.
//
// Because every compiled variant pins NAME to its chunk size, the driver runs this on each
// variant: a size-1 chunk cannot tell a broadcast from a carried axis, a size-2 one can.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/ConstantUtils.h"
#include "passes/Passes.h"

#include "mlir/IR/Matchers.h"

#include "llvm/ADT/StringSet.h"

#include <cstring>
#include <numeric>

#define DEBUG_TYPE "modelc-check-separable"

namespace modelc {
#define GEN_PASS_DEF_CHECKSEPARABLE
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

namespace {

/// Elementwise ops with numpy broadcasting (unary ones are the one-operand case).
const llvm::StringSet<> &elementwiseOps() {
  static const llvm::StringSet<> ops = {
      // unary
      "relu", "sigmoid", "tanh", "hard_swish", "abs", "neg", "exp", "log", "sqrt", "reciprocal",
      "floor", "ceil", "erf", "sin", "cos", "softplus", "softsign", "sign", "round", "leaky_relu",
      "elu", "celu", "thresholded_relu", "hard_sigmoid", "selu", "clip", "acos", "acosh", "asin",
      "asinh", "atan", "atanh", "cosh", "sinh", "tan", "mish", "not", "bitwise_not", "gelu",
      "swish", "shrink", "is_nan", "is_inf", "cast",
      // broadcasting
      "add", "sub", "mul", "div", "pow", "max", "min", "mod", "bit_shift", "bitwise_and",
      "bitwise_or", "bitwise_xor", "and", "or", "xor", "prelu", "equal", "less", "less_or_equal",
      "greater", "greater_or_equal", "where"};
  return ops;
}

/// The ONNX-style op name for messages: "softmax" -> "Softmax", "batch_norm" -> "BatchNorm".
std::string opDisplayName(Operation *op) {
  if (auto sm = dyn_cast<graph::SoftmaxOp>(op))
    return sm.getLog() ? "LogSoftmax" : "Softmax";
  static const llvm::StringMap<std::string> special = {{"matmul", "MatMul"},
                                                       {"batch_norm", "BatchNormalization"},
                                                       {"lrn", "LRN"},
                                                       {"prelu", "PRelu"},
                                                       {"reduce", "Reduce"},
                                                       {"layer_norm", "LayerNormalization"},
                                                       {"group_norm", "GroupNormalization"}};
  StringRef mnemonic = op->getName().stripDialect();
  if (auto it = special.find(mnemonic); it != special.end())
    return it->second;
  std::string s;
  bool upper = true;
  for (char c : mnemonic) {
    if (c == '_') {
      upper = true;
      continue;
    }
    s += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return s;
}

std::string nodeName(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto n = dyn_cast<NameLoc>(l); n && name.empty())
      name = n.getName().str();
    return WalkResult::advance();
  });
  return name;
}

int64_t rankOf(Value v) { return cast<ShapedType>(v.getType()).getRank(); }
int64_t dimOf(Value v, int64_t d) { return cast<ShapedType>(v.getType()).getDimSize(d); }

/// Whether `v`, which does not depend on the dimension, is the same along axis `d` anyway: size
/// 1 there, or a constant whose slices along `d` are all equal (what an exporter's
/// Expand(constant, [N, ...]) folds to at a fixed N). Such an operand broadcasts.
bool uniformAlong(Value v, int64_t d) {
  auto type = cast<ShapedType>(v.getType());
  int64_t size = type.getDimSize(d);
  if (size == 1)
    return true;
  ElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  std::optional<std::vector<char>> bytes = getConstantBytes(attr);
  if (!bytes || type.getNumElements() == 0)
    return bytes.has_value();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer =
      std::accumulate(shape.begin(), shape.begin() + d, int64_t{1}, std::multiplies<>());
  int64_t slice = static_cast<int64_t>(bytes->size()) / (outer * size); // bytes per index
  for (int64_t o = 0; o < outer; ++o) {
    const char *first = bytes->data() + o * size * slice;
    for (int64_t i = 1; i < size; ++i)
      if (std::memcmp(first, first + i * slice, slice) != 0)
        return false;
  }
  return true;
}

class Separability {
public:
  Separability(func::FuncOp func, StringRef dim) : func(func), dim(dim) {}

  LogicalResult run();

private:
  /// The axis of `v` carrying the dimension, or nullopt when `v` is independent of it.
  std::optional<int64_t> axisOf(Value v) const {
    auto it = axes.find(v);
    if (it == axes.end())
      return std::nullopt;
    return it->second;
  }
  /// Fails for `op` with the user-facing message and `why` as a note.
  LogicalResult reject(Operation *op, const Twine &why) {
    std::string node = nodeName(op->getLoc());
    InFlightDiagnostic diag = op->emitError()
                              << "--dim " << dim << ": node '" << (node.empty() ? "?" : node)
                              << "' (" << opDisplayName(op) << ") mixes elements along dimension "
                              << dim << "; --dim supports dimensions the model is separable "
                              << "along (batch)";
    diag.attachNote(op->getLoc()) << why;
    return failure();
  }
  LogicalResult visit(Operation *op);
  LogicalResult visitElementwise(Operation *op);
  LogicalResult visitMatMul(graph::MatMulOp op);
  LogicalResult visitGemm(graph::GemmOp op);
  LogicalResult visitReshape(graph::ReshapeOp op, int64_t a);

  func::FuncOp func;
  std::string dim;
  llvm::DenseMap<Value, int64_t> axes;
};

LogicalResult Separability::run() {
  for (BlockArgument arg : func.getArguments()) {
    auto dims = func.getArgAttrOfType<DictionaryAttr>(arg.getArgNumber(), "graph.dims");
    auto axis = dims ? dims.getAs<IntegerAttr>(dim) : IntegerAttr();
    if (!axis)
      continue;
    if (axis.getInt() != 0) {
      auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "graph.name");
      return emitError(arg.getLoc())
             << "--dim " << dim << ": input '" << (name ? name.getValue() : StringRef("?"))
             << "' has " << dim << " at dimension " << axis.getInt()
             << "; the bundle offsets pointers along the outermost dimension, so " << dim
             << " must be dimension 0";
    }
    axes[arg] = 0;
  }
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        std::optional<int64_t> a = axisOf(v);
        if (!a)
          continue;
        auto name = func.getResultAttrOfType<StringAttr>(i, "graph.name");
        if (*a != 0)
          return emitError(ret.getLoc())
                 << "--dim " << dim << ": output '" << (name ? name.getValue() : StringRef("?"))
                 << "' has " << dim << " at dimension " << *a
                 << "; the bundle offsets pointers along the outermost dimension, so " << dim
                 << " must be dimension 0";
        NamedAttrList attrs(func.getResultAttrDict(i));
        attrs.set(
            "graph.dims",
            DictionaryAttr::get(
                func.getContext(),
                {NamedAttribute(StringAttr::get(func.getContext(), dim),
                                IntegerAttr::get(IntegerType::get(func.getContext(), 64), 0))}));
        func.setResultAttrs(i, attrs.getDictionary(func.getContext()));
      }
      continue;
    }
    if (failed(visit(&op)))
      return failure();
  }
  return success();
}

LogicalResult Separability::visit(Operation *op) {
  bool carried = llvm::any_of(op->getOperands(), [&](Value v) { return axisOf(v).has_value(); });
  if (!carried)
    return success(); // independent of the dimension, whatever the op computes
  if (op->getNumRegions() != 0)
    return reject(op, "ops with regions (control flow) are not analyzed");
  StringRef mnemonic = op->getName().stripDialect();
  if (op->getDialect() && op->getDialect()->getNamespace() == "graph" &&
      elementwiseOps().contains(mnemonic))
    return visitElementwise(op);
  Value in = op->getNumOperands() ? op->getOperand(0) : Value();
  std::optional<int64_t> a = in ? axisOf(in) : std::nullopt;
  auto othersIndependent = [&](unsigned from) {
    for (unsigned i = from; i < op->getNumOperands(); ++i)
      if (axisOf(op->getOperand(i)))
        return false;
    return true;
  };

  // Per-sample ops over [N, C, spatial...]: the axis must be the batch axis 0.
  if (isa<graph::ConvOp, graph::PoolOp, graph::BatchNormOp, graph::GroupNormOp, graph::LRNOp,
          graph::LpPoolOp>(op)) {
    if (!a || !othersIndependent(1))
      return reject(op, "its weights or parameters depend on the dimension");
    if (*a != 0)
      return reject(op, "the dimension is at axis " + Twine(*a) +
                            ", which this op mixes (only the batch axis 0 is kept separate)");
    for (Value r : op->getResults())
      axes[r] = 0;
    return success();
  }
  if (auto ln = dyn_cast<graph::LayerNormOp>(op)) {
    int64_t axis = ln.getAxis() < 0 ? ln.getAxis() + rankOf(in) : ln.getAxis();
    if (!a || !othersIndependent(1) || *a >= axis)
      return reject(op,
                    "it normalizes over axes " + Twine(axis) + ".. which include the dimension");
    for (Value r : op->getResults())
      axes[r] = *a;
    return success();
  }
  if (auto sm = dyn_cast<graph::SoftmaxOp>(op)) {
    int64_t axis = sm.getAxis() < 0 ? sm.getAxis() + rankOf(in) : sm.getAxis();
    if (axis == *a)
      return reject(op, "it normalizes along axis " + Twine(axis) + ", the dimension's axis");
    axes[sm.getResult()] = *a;
    return success();
  }
  if (auto red = dyn_cast<graph::ReduceOp>(op)) {
    int64_t rank = rankOf(in), before = 0;
    ArrayRef<int64_t> reduced = red.getAxes();
    // Axes are normalized by the importer; empty axes reduce nothing.
    for (int64_t d : reduced) {
      d = d < 0 ? d + rank : d;
      if (d == *a)
        return reject(op, "it reduces over axis " + Twine(d) + ", the dimension's axis");
      before += d < *a;
    }
    axes[red.getResult()] = red.getKeepdims() ? *a : *a - before;
    return success();
  }
  if (auto mm = dyn_cast<graph::MatMulOp>(op))
    return visitMatMul(mm);
  if (auto gemm = dyn_cast<graph::GemmOp>(op))
    return visitGemm(gemm);
  if (auto reshape = dyn_cast<graph::ReshapeOp>(op))
    return visitReshape(reshape, *a);
  if (auto tr = dyn_cast<graph::TransposeOp>(op)) {
    ArrayRef<int64_t> perm = tr.getPerm();
    auto it = llvm::find(perm, *a);
    if (it == perm.end())
      return reject(op, "its permutation drops the dimension's axis");
    axes[tr.getResult()] = it - perm.begin();
    return success();
  }
  if (auto concat = dyn_cast<graph::ConcatOp>(op)) {
    int64_t axis =
        concat.getAxis() < 0 ? concat.getAxis() + rankOf(concat.getResult()) : concat.getAxis();
    std::optional<int64_t> common;
    for (Value v : concat.getInputs()) {
      std::optional<int64_t> va = axisOf(v);
      if (!va)
        continue;
      if (common && *common != *va)
        return reject(op, "its operands carry the dimension at different axes");
      common = va;
    }
    if (*common == axis)
      return reject(op, "it concatenates along axis " + Twine(axis) + ", the dimension's axis");
    // An operand independent of the dimension spans it too (concat keeps the other axes):
    // fine when it is the same for every index, e.g. a class token expanded to the batch.
    for (Value v : concat.getInputs())
      if (!axisOf(v) && !uniformAlong(v, *common))
        return reject(op, "an operand that does not depend on the dimension has different "
                          "values per index along it");
    axes[concat.getResult()] = *common;
    return success();
  }
  if (auto slice = dyn_cast<graph::SliceOp>(op)) {
    if (slice.getStarts()[*a] != 0 || slice.getSteps()[*a] != 1 ||
        dimOf(slice.getResult(), *a) != dimOf(in, *a))
      return reject(op, "it slices along axis " + Twine(*a) + ", the dimension's axis");
    axes[slice.getResult()] = *a;
    return success();
  }
  if (auto pad = dyn_cast<graph::PadOp>(op)) {
    ArrayRef<int64_t> pads = pad.getPads();
    int64_t rank = rankOf(in);
    if (!othersIndependent(1) || static_cast<int64_t>(pads.size()) != 2 * rank || pads[*a] != 0 ||
        pads[*a + rank] != 0)
      return reject(op, "it pads along axis " + Twine(*a) + ", the dimension's axis");
    axes[pad.getResult()] = *a;
    return success();
  }
  if (auto expand = dyn_cast<graph::ExpandOp>(op)) {
    int64_t ra = *a + rankOf(expand.getResult()) - rankOf(in);
    if (dimOf(expand.getResult(), ra) != dimOf(in, *a))
      return reject(op, "it broadcasts along the dimension's axis");
    axes[expand.getResult()] = ra;
    return success();
  }
  if (auto gather = dyn_cast<graph::GatherOp>(op)) {
    int64_t rank = rankOf(gather.getData());
    int64_t axis = gather.getAxis() < 0 ? gather.getAxis() + rank : gather.getAxis();
    std::optional<int64_t> da = axisOf(gather.getData()), ia = axisOf(gather.getIndices());
    if (da && ia)
      return reject(op, "both its data and its indices depend on the dimension");
    if (da) {
      if (*da == axis)
        return reject(op, "it gathers along axis " + Twine(axis) + ", the dimension's axis");
      axes[gather.getResult()] = *da < axis ? *da : *da + rankOf(gather.getIndices()) - 1;
      return success();
    }
    axes[gather.getResult()] = axis + *ia; // a lookup per index, e.g. token embeddings
    return success();
  }
  return reject(op, "modelc has no separability rule for this op");
}

LogicalResult Separability::visitElementwise(Operation *op) {
  Value result = op->getResult(0);
  int64_t rank = rankOf(result);
  std::optional<int64_t> ra;
  for (Value v : op->getOperands()) {
    std::optional<int64_t> a = axisOf(v);
    if (!a)
      continue;
    int64_t mapped = *a + rank - rankOf(v);
    if (ra && *ra != mapped)
      return reject(op, "its operands carry the dimension at different axes");
    if (dimOf(v, *a) != dimOf(result, mapped))
      return reject(op, "an operand is broadcast along the dimension");
    ra = mapped;
  }
  for (Value v : op->getOperands()) {
    if (axisOf(v))
      continue;
    int64_t d = *ra - (rank - rankOf(v));
    if (d >= 0 && !uniformAlong(v, d))
      return reject(op, "an operand that does not depend on the dimension has size " +
                            Twine(dimOf(v, d)) +
                            " along it with different values per index (only size 1 or equal "
                            "slices broadcast)");
  }
  for (Value r : op->getResults())
    axes[r] = *ra;
  return success();
}

LogicalResult Separability::visitMatMul(graph::MatMulOp op) {
  Value lhs = op.getLhs(), rhs = op.getRhs(), result = op.getResult();
  int64_t rl = rankOf(lhs), rr = rankOf(rhs), r = rankOf(result);
  if (rl < 2 || rr < 2)
    return reject(op, "a vector operand of MatMul is contracted");
  std::optional<int64_t> la = axisOf(lhs), rba = axisOf(rhs), ra;
  if (la) {
    if (*la == rl - 1)
      return reject(op, "the dimension is the contracted axis of A");
    ra = *la == rl - 2 ? r - 2 : *la + r - rl;
  }
  if (rba) {
    if (*rba == rr - 2)
      return reject(op, "the dimension is the contracted axis of B");
    int64_t mapped = *rba == rr - 1 ? r - 1 : *rba + r - rr;
    if (ra && (*ra != mapped || mapped >= r - 2))
      return reject(op, "A and B carry the dimension at different result axes");
    ra = mapped;
  }
  // An independent operand with that batch axis must broadcast along it.
  if (*ra < r - 2) {
    for (Value v : {lhs, rhs}) {
      if (axisOf(v))
        continue;
      int64_t d = *ra - (r - rankOf(v));
      if (d >= 0 && !uniformAlong(v, d))
        return reject(op, "an operand that does not depend on the dimension has size " +
                              Twine(dimOf(v, d)) + " along it with different values per index");
    }
  }
  axes[result] = *ra;
  return success();
}

LogicalResult Separability::visitGemm(graph::GemmOp op) {
  std::optional<int64_t> a = axisOf(op.getA());
  if (!a || axisOf(op.getB()) || (op.getC() && axisOf(op.getC())))
    return reject(op, "only A's rows may carry the dimension (B and C must not depend on it)");
  if (*a != (op.getTransA() ? 1 : 0))
    return reject(op, "the dimension is the contracted axis of A");
  if (Value c = op.getC()) {
    int64_t rc = rankOf(c);
    if (rc == 2 && !uniformAlong(c, 0))
      return reject(op, "C has size " + Twine(dimOf(c, 0)) +
                            " along the dimension with different values per row");
  }
  axes[op.getResult()] = 0;
  return success();
}

LogicalResult Separability::visitReshape(graph::ReshapeOp op, int64_t a) {
  // The axis survives a row-major reshape when some result axis b has the same size and the
  // same number of elements before it: then (outer, n, inner) indexes the same element.
  ArrayRef<int64_t> in = cast<ShapedType>(op.getInput().getType()).getShape();
  ArrayRef<int64_t> out = op.getType().getShape();
  int64_t outer = std::accumulate(in.begin(), in.begin() + a, int64_t{1}, std::multiplies<>());
  int64_t prefix = 1;
  for (int64_t b = 0; b < static_cast<int64_t>(out.size()); ++b) {
    if (prefix == outer && out[b] == in[a]) {
      axes[op.getResult()] = b;
      return success();
    }
    prefix *= out[b];
    if (prefix > outer)
      break;
  }
  return reject(op, "it merges or splits the dimension's axis with others");
}

struct CheckSeparablePass : modelc::impl::CheckSeparableBase<CheckSeparablePass> {
  using CheckSeparableBase::CheckSeparableBase;
  void runOnOperation() override {
    if (dim.empty()) {
      getOperation().emitError("modelc-check-separable needs dim=NAME");
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(Separability(func, dim).run()))
        return signalPassFailure();
  }
};

} // namespace
