//===- PackGemmWeights.cpp - Constant GEMM operands in panel layout -------===//
//
// The CPU GEMM (runtime_min/mc_gemm.h) multiplies packed panels: mr rows of op(A) or nr
// columns of op(B), interleaved along the depth K. For an operand that is a weight, this
// pass does that packing once, at compile time: the GEMM reads a new `kernel.weight` in the
// panel layout and is marked `packed_a` / `packed_b`, so no run spends time packing it. The
// layout is the one documented on `kernel.gemm` (and implemented by mc_gemm::packFullA/B).
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/ConstantUtils.h"
#include "passes/KernelUtils.h"
#include "passes/Passes.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/DenseMap.h"

#include <tuple>

#define DEBUG_TYPE "modelc-pack-gemm-weights"

namespace modelc {
#define GEN_PASS_DEF_PACKGEMMWEIGHTS
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

namespace {

/// The weight behind `v` when only views lie between them.
kernel::WeightOp weightBehind(Value v) {
  return getRootBuffer(v).getDefiningOp<kernel::WeightOp>();
}

/// A name for the packed copy of `attr`'s blob.
std::string packedName(ElementsAttr attr) {
  if (auto r = dyn_cast<DenseResourceElementsAttr>(attr))
    return r.getRawHandle().getKey().str() + ".packed";
  return "packed";
}

/// Packs the matrices of `operand` (shape [batch..., rows, cols]) into full-depth panels of
/// `width` along the GEMM dimension of size `size` (M for A, N for B). `alongRows` says that
/// this dimension is the operand's row index (A not transposed, B transposed); the depth K is
/// the other one. Returns nullopt when the bytes are not available.
std::optional<ConstantValue> pack(kernel::WeightOp weight, MemRefType operand, bool alongRows,
                                  int64_t width) {
  std::optional<std::vector<char>> bytes = getConstantBytes(weight.getValue());
  if (!bytes)
    return std::nullopt;
  const float *src = reinterpret_cast<const float *>(bytes->data());
  ArrayRef<int64_t> shape = operand.getShape();
  int64_t rows = shape[shape.size() - 2], cols = shape[shape.size() - 1];
  int64_t size = alongRows ? rows : cols, depth = alongRows ? cols : rows;
  int64_t batch = operand.getNumElements() / std::max<int64_t>(rows * cols, 1);
  int64_t panels = (size + width - 1) / width;
  SmallVector<int64_t> packedShape(shape.drop_back(2));
  packedShape.append({panels, depth, width});
  auto type = RankedTensorType::get(packedShape, operand.getElementType());
  ConstantValue packed = ConstantValue::zeros(type);
  float *dst = reinterpret_cast<float *>(packed.data());
  for (int64_t b = 0; b < batch; ++b) {
    const float *m = src + b * rows * cols;
    float *d = dst + b * panels * depth * width;
    for (int64_t q = 0; q < panels; ++q)
      for (int64_t k = 0; k < depth; ++k)
        for (int64_t r = 0; r < width && q * width + r < size; ++r) {
          int64_t i = q * width + r;
          d[(q * depth + k) * width + r] = alongRows ? m[i * cols + k] : m[k * cols + i];
        }
  }
  return packed;
}

/// Erases `v`'s defining view/weight chain if nothing reads it any more.
void eraseIfDead(Value v) {
  while (v && v.use_empty()) {
    Operation *def = v.getDefiningOp();
    if (!def || !isa<kernel::ViewOp, kernel::WeightOp>(def))
      return;
    Value next = isa<kernel::ViewOp>(def) ? def->getOperand(0) : Value();
    def->erase();
    v = next;
  }
}

struct PackGemmWeightsPass : modelc::impl::PackGemmWeightsBase<PackGemmWeightsPass> {
  using PackGemmWeightsBase::PackGemmWeightsBase;

  void runOnOperation() override {
    // One packed copy per (weight, operand view, layout): tied weights are packed once.
    llvm::DenseMap<std::tuple<Operation *, Type, int64_t, int64_t>, Value> cache;
    SmallVector<kernel::GemmOp> gemms;
    getOperation().walk([&](kernel::GemmOp g) { gemms.push_back(g); });
    for (kernel::GemmOp gemm : gemms) {
      std::optional<ArrayRef<int64_t>> tile = gemm.getTile();
      if (!tile)
        continue;
      int64_t mr = (*tile)[3], nr = (*tile)[4];
      for (int operandIndex : {0, 1}) {
        bool isA = operandIndex == 0;
        if (isA ? gemm.getPackedA() : gemm.getPackedB() || gemm.getBIm2col())
          continue;
        Value operand = gemm->getOperand(operandIndex);
        auto type = cast<MemRefType>(operand.getType());
        kernel::WeightOp weight = weightBehind(operand);
        if (!weight || !type.getElementType().isF32())
          continue;
        // A's GEMM dimension M is its row index unless transposed; B's N is its column index
        // unless transposed.
        bool trans = isA ? gemm.getTransA() : gemm.getTransB();
        bool alongRows = isA ? !trans : trans;
        int64_t width = isA ? mr : nr;
        auto key = std::make_tuple(weight.getOperation(), Type(type), int64_t(alongRows), width);
        Value packedValue = cache[key];
        if (!packedValue) {
          std::optional<ConstantValue> packed = pack(weight, type, alongRows, width);
          if (!packed) {
            weight.emitError("constant data is not available for packing");
            return signalPassFailure();
          }
          OpBuilder b(weight);
          auto memref = MemRefType::get(packed->getType().getShape(), type.getElementType());
          packedValue = b.create<kernel::WeightOp>(weight.getLoc(), memref,
                                                   packed->toAttr(packedName(weight.getValue())));
          cache[key] = packedValue;
        }
        gemm->setOperand(operandIndex, packedValue);
        OpBuilder b(gemm);
        if (isA) {
          gemm.setPackedAAttr(b.getBoolAttr(true));
          gemm.setTransAAttr(b.getBoolAttr(false));
        } else {
          gemm.setPackedBAttr(b.getBoolAttr(true));
          gemm.setTransBAttr(b.getBoolAttr(false));
        }
        eraseIfDead(operand);
      }
    }
  }
};

} // namespace
