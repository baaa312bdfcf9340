//===- ReductionEmitter.cpp - Emission of kernel.reduce -------------------===//
//
// A `kernel.reduce` becomes one task per output element: the element's multi-index gives the
// base offset of its group, a loop nest with literal bounds and strides walks the reduced
// axes, and the map / combine / finalize bodies print through the scalar-op table shared
// with elementwise kernels. When the innermost reduced axis is the input's contiguous last
// axis and long enough, it is split into kLanes independent accumulators (combine is
// associative and commutative by contract), which the host compiler vectorizes; the lanes
// are combined after the loop nest.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelEmitter.h"
#include "dialects/Kernel/KernelOps.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace modelc;

/// Accumulators of a lane-split contiguous axis; 8 floats fill an AVX register.
static constexpr int64_t kLanes = 8;
/// Shortest contiguous reduced axis worth splitting into lanes.
static constexpr int64_t kMinLaneExtent = 2 * kLanes;

/// A C literal of `attr` (the accumulator's initial value) in the scalar type `cType`.
static std::string initLiteral(TypedAttr attr, const std::string &cType) {
  if (auto f = dyn_cast<FloatAttr>(attr)) {
    double v = f.getValueAsDouble();
    if (std::isnan(v))
      return "(" + cType + ")NAN";
    if (std::isinf(v))
      return std::string(v < 0 ? "-" : "") + "(" + cType + ")INFINITY";
    return "(" + cType + ")" + llvm::formatv("{0:e16}", v).str();
  }
  auto i = cast<IntegerAttr>(attr);
  if (i.getType().isInteger(1))
    return i.getValue().getBoolValue() ? "true" : "false";
  int64_t v = i.getValue().getSExtValue();
  // INT64_MIN has no literal form.
  if (v == std::numeric_limits<int64_t>::min())
    return "(" + cType + ")(-9223372036854775807LL - 1)";
  return "(" + cType + ")(" + std::to_string(v) + "LL)";
}

LogicalResult KernelEmitter::emitReduce(Operation *op, EmittedKernel &k) {
  auto red = cast<kernel::ReduceOp>(op);
  auto inType = cast<MemRefType>(red.getInput().getType());
  auto outType = cast<MemRefType>(red.getOut().getType());
  ArrayRef<int64_t> inShape = inType.getShape(), outShape = outType.getShape();
  ArrayRef<int64_t> axes = red.getAxes();
  int64_t rank = inShape.size();

  k.args = {red.getInput()};
  llvm::append_range(k.args, red.getExtraInputs());
  k.args.push_back(red.getOut());
  unsigned outParam = k.args.size() - 1;
  k.iterations = outType.getNumElements();
  k.costPerIteration = std::max<int64_t>(1, red.getGroupSize());
  std::string accType = scalarCType(red.getAccType());
  if (accType.empty())
    return op->emitError("unsupported accumulator type ") << red.getAccType();
  emitSignature(k, op);

  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * inShape[d + 1];

  openFlatLoop(k.iterations);
  emitDecompose("idx", outShape, "o");
  std::string base;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d) && inShape[d] != 1)
      base += (base.empty() ? "" : " + ") + ("o" + std::to_string(d)) + " * " +
              std::to_string(strides[d]);
  os << "[[maybe_unused]] const int64_t base = " << (base.empty() ? "0" : base) << ";\n";
  // Extra operands: one scalar per output element, loaded once.
  SmallVector<std::string> extras;
  for (auto [i, v] : llvm::enumerate(red.getExtraInputs())) {
    auto t = cast<MemRefType>(v.getType());
    std::string name = "e" + std::to_string(i);
    os << "const " << scalarCType(t.getElementType()) << " " << name << " = "
       << loadExpr(t.getElementType(),
                   paramName(i + 1) + "[" + broadcastOffset(t.getShape(), outShape, "o") + "]")
       << ";\n";
    extras.push_back(name);
  }
  std::string init = initLiteral(red.getInit(), accType);
  os << accType << " acc = " << init << ";\n";

  Block &mapBlock = red.getMap().front(), &combineBlock = red.getCombine().front();
  // Emits `target = combine(target, map(element at offset))`.
  auto emitStep = [&](const std::string &target, const std::string &offset) -> LogicalResult {
    SmallVector<std::string> mapArgs = {
        loadExpr(inType.getElementType(), paramName(0) + "[" + offset + "]")};
    llvm::append_range(mapArgs, extras);
    auto mapped = emitScalarBlock(mapBlock, mapArgs);
    if (failed(mapped))
      return failure();
    auto combined = emitScalarBlock(combineBlock, {target, *mapped});
    if (failed(combined))
      return failure();
    os << target << " = " << *combined << ";\n";
    return success();
  };

  if (red.getGroupSize() == 0) {
    os << "(void)" << paramName(0) << ";\n";
  } else {
    // Loops over the reduced axes of extent > 1, outermost first, adjacent reduced axes
    // merged into one (row-major: their elements are contiguous runs). The last loop is
    // lane-split when it walks the contiguous last axis.
    struct Loop {
      int64_t extent, stride;
      bool reachesEnd;
    };
    SmallVector<Loop> loops;
    int64_t prev = -2;
    for (int64_t a : axes) {
      if (inShape[a] == 1)
        continue;
      if (prev == a - 1)
        loops.back() = {loops.back().extent * inShape[a], strides[a], a == rank - 1};
      else
        loops.push_back({inShape[a], strides[a], a == rank - 1});
      prev = a;
    }
    bool lanes = !loops.empty() && loops.back().reachesEnd && loops.back().stride == 1 &&
                 loops.back().extent >= kMinLaneExtent;
    if (lanes) {
      os << accType << " lane[" << kLanes << "];\n";
      os << "for (int64_t l = 0; l < " << kLanes << "; ++l)\n  lane[l] = " << init << ";\n";
    }
    std::string offset = "base";
    unsigned depth = 0;
    for (const Loop &loop : ArrayRef<Loop>(loops).drop_back(lanes ? 1 : 0)) {
      std::string r = "r" + std::to_string(depth);
      os << "for (int64_t " << r << " = 0; " << r << " < " << loop.extent << "; ++" << r << ") {\n";
      os.indent();
      ++depth;
      offset += " + " + r + (loop.stride == 1 ? "" : " * " + std::to_string(loop.stride));
    }
    if (lanes) {
      int64_t extent = loops.back().extent, split = extent / kLanes * kLanes;
      os << "for (int64_t r = 0; r < " << split << "; r += " << kLanes << ") {\n";
      os.indent();
      os << "for (int64_t l = 0; l < " << kLanes << "; ++l) {\n";
      os.indent();
      if (failed(emitStep("lane[l]", offset + " + r + l")))
        return failure();
      os.unindent();
      os << "}\n";
      os.unindent();
      os << "}\n";
      if (split < extent) {
        os << "for (int64_t r = " << split << "; r < " << extent << "; ++r) {\n";
        os.indent();
        if (failed(emitStep("acc", offset + " + r")))
          return failure();
        os.unindent();
        os << "}\n";
      }
    } else if (failed(emitStep("acc", offset))) {
      return failure();
    }
    for (; depth > 0; --depth) {
      os.unindent();
      os << "}\n";
    }
    if (lanes) {
      os << "for (int64_t l = 0; l < " << kLanes << "; ++l) {\n";
      os.indent();
      auto combined = emitScalarBlock(combineBlock, {"acc", "lane[l]"});
      if (failed(combined))
        return failure();
      os << "acc = " << *combined << ";\n";
      os.unindent();
      os << "}\n";
    }
  }
  SmallVector<std::string> finalizeArgs = {"acc"};
  llvm::append_range(finalizeArgs, extras);
  auto result = emitScalarBlock(red.getFinalize().front(), finalizeArgs);
  if (failed(result))
    return failure();
  os << paramName(outParam) << "[idx] = " << storeExpr(outType.getElementType(), *result) << ";\n";
  closeFlatLoop();
  return success();
}
