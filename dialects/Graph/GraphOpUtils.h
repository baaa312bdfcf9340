//===- GraphOpUtils.h - Helpers shared by graph op definitions --*- C++ -*-===//
//
// Shape rules and constant evaluation used by the type inference and folders of several
// op families (GraphOps.cpp and Graph<Family>Ops.cpp): numpy broadcasting, elementwise
// evaluation of broadcast constants, the size budget of folders.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_DIALECTS_GRAPH_GRAPHOPUTILS_H
#define MODELC_DIALECTS_GRAPH_GRAPHOPUTILS_H

#include "dialects/Graph/ConstantUtils.h"
#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>

namespace modelc::graph {

/// Folders only evaluate constants up to this many elements; larger ones are left to the
/// constant-folding pass, which decides with a size budget.
constexpr int64_t kMaxFoldElements = 1 << 16;

/// Bounds on attribute values that enter shape arithmetic, so that products and sums with
/// dimensions (at most 2^40 elements) stay within int64: counts and steps (strides,
/// dilations, block sizes, head counts) up to kMaxAttrStep, extents and pads up to
/// kMaxAttrExtent in magnitude.
constexpr int64_t kMaxAttrStep = int64_t(1) << 20;
constexpr int64_t kMaxAttrExtent = int64_t(1) << 40;

inline mlir::RankedTensorType getRanked(mlir::Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType());
}

inline mlir::LogicalResult inferBroadcast(std::optional<mlir::Location> loc, mlir::Value lhs,
                                          mlir::Value rhs,
                                          llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto l = getRanked(lhs), r = getRanked(rhs);
  llvm::SmallVector<int64_t> shape;
  if (!mlir::OpTrait::util::getBroadcastedShape(l.getShape(), r.getShape(), shape))
    return mlir::emitOptionalError(loc, "operands of shapes ", l, " and ", r,
                                   " are not broadcast-compatible");
  inferred.push_back(mlir::RankedTensorType::get(shape, l.getElementType()));
  return mlir::success();
}

/// Evaluates `fn` elementwise over two broadcast constants.
template <typename Fn>
mlir::OpFoldResult foldBinary(mlir::Operation *op, mlir::Attribute lhsAttr, mlir::Attribute rhsAttr,
                              Fn fn) {
  auto lhs = mlir::dyn_cast_or_null<mlir::ElementsAttr>(lhsAttr);
  auto rhs = mlir::dyn_cast_or_null<mlir::ElementsAttr>(rhsAttr);
  auto resultType = mlir::cast<mlir::RankedTensorType>(op->getResult(0).getType());
  if (!lhs || !rhs || !resultType.hasStaticShape() ||
      resultType.getNumElements() > kMaxFoldElements)
    return {};
  auto l = ConstantValue::get(lhs), r = ConstantValue::get(rhs);
  if (!l || !r)
    return {};
  ConstantValue out = ConstantValue::zeros(resultType);
  llvm::ArrayRef<int64_t> shape = resultType.getShape();
  int64_t rank = shape.size();
  auto strides = [&](mlir::RankedTensorType t) {
    llvm::SmallVector<int64_t> s(rank, 0);
    int64_t stride = 1, offset = rank - t.getRank();
    for (int64_t d = t.getRank() - 1; d >= 0; --d) {
      s[d + offset] = t.getDimSize(d) == 1 ? 0 : stride;
      stride *= t.getDimSize(d);
    }
    return s;
  };
  llvm::SmallVector<int64_t> ls = strides(l->getType()), rs = strides(r->getType());
  bool isFloat = mlir::isa<mlir::FloatType>(resultType.getElementType());
  llvm::SmallVector<int64_t> idx(rank, 0);
  for (int64_t i = 0, n = resultType.getNumElements(); i < n; ++i) {
    int64_t li = 0, ri = 0;
    for (int64_t d = 0; d < rank; ++d) {
      li += idx[d] * ls[d];
      ri += idx[d] * rs[d];
    }
    if (isFloat) {
      out.setDouble(i, fn(l->getDouble(li), r->getDouble(ri)));
    } else {
      auto v = fn(l->getInt(li), r->getInt(ri));
      if (!v)
        return {}; // e.g. integer division by zero: leave it to run time
      out.setInt(i, *v);
    }
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return out.toAttr();
}

/// Applies a binary function to doubles (floats) or int64 (integers, nullopt = not foldable).
template <typename F, typename I> struct BinaryFn {
  F f;
  I i;
  double operator()(double a, double b) const { return f(a, b); }
  std::optional<int64_t> operator()(int64_t a, int64_t b) const { return i(a, b); }
};
template <typename F, typename I> BinaryFn<F, I> makeFn(F f, I i) { return {f, i}; }

} // namespace modelc::graph

#endif // MODELC_DIALECTS_GRAPH_GRAPHOPUTILS_H
