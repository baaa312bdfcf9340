//===- FoldBatchNorm.cpp - Fold BatchNormalization into Conv weights ------===//
//
// y = (conv(x, W) + b - mean) / sqrt(var + eps) * gamma + beta
//   = conv(x, W * s) + (b - mean) * s + beta,   s = gamma / sqrt(var + eps)
// evaluated per output channel at compile time, so inference runs one convolution.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/ConstantUtils.h"
#include "passes/Passes.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

#define DEBUG_TYPE "modelc-fold-batch-norm"

namespace modelc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

namespace {

std::optional<ConstantValue> constantOf(Value v) {
  ElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return ConstantValue::get(attr);
}

LogicalResult foldInto(graph::BatchNormOp bn) {
  auto conv = bn.getInput().getDefiningOp<graph::ConvOp>();
  if (!conv || !conv->hasOneUse())
    return failure();
  auto w = constantOf(conv.getWeight());
  auto gamma = constantOf(bn.getScale()), beta = constantOf(bn.getBias());
  auto mean = constantOf(bn.getMean()), var = constantOf(bn.getVar());
  if (!w || !gamma || !beta || !mean || !var)
    return failure();
  std::optional<ConstantValue> bias;
  if (conv.getBias() && !(bias = constantOf(conv.getBias())))
    return failure();
  int64_t channels = w->getType().getDimSize(0);
  int64_t perChannel = channels ? w->getNumElements() / channels : 0;
  auto biasType = RankedTensorType::get({channels}, w->getType().getElementType());
  ConstantValue newBias = ConstantValue::zeros(biasType);
  double eps = bn.getEpsilon().convertToDouble();
  for (int64_t c = 0; c < channels; ++c) {
    double s = gamma->getDouble(c) / std::sqrt(var->getDouble(c) + eps);
    for (int64_t i = 0; i < perChannel; ++i)
      w->setDouble(c * perChannel + i, w->getDouble(c * perChannel + i) * s);
    double b0 = bias ? bias->getDouble(c) : 0.0;
    newBias.setDouble(c, (b0 - mean->getDouble(c)) * s + beta->getDouble(c));
  }
  OpBuilder b(bn);
  Location loc = bn.getLoc();
  Value weight = b.create<graph::ConstantOp>(conv.getWeight().getLoc(), w->toAttr("bn_folded_w"));
  Value newB = b.create<graph::ConstantOp>(loc, newBias.toAttr("bn_folded_b"));
  auto folded =
      b.create<graph::ConvOp>(FusedLoc::get(b.getContext(), {conv.getLoc(), loc}), conv.getType(),
                              conv.getInput(), weight, newB, conv.getStridesAttr(),
                              conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr());
  bn.replaceAllUsesWith(folded.getResult());
  bn.erase();
  conv.erase();
  return success();
}

struct FoldBatchNormPass : modelc::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<graph::BatchNormOp> bns;
    getOperation().walk([&](graph::BatchNormOp bn) { bns.push_back(bn); });
    for (graph::BatchNormOp bn : bns)
      (void)foldInto(bn);
  }
};

} // namespace
