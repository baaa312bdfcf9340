//===- ControlFlowPatterns.cpp - Lowering of controlflow graph ops --------===//
//
// Conversion patterns of one op family (recurrent ops and control flow) from the graph dialect
// to kernel ops; most become `kernel.call`s of runtime_min's kernel library
// (runtime_min/mc_kernels_*.h).
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

/// RNN/GRU/LSTM: one task per (direction, batch entry) runs the whole sequence
/// (mc::recurrent). Each task gets a scratch row for its state and gate values, in double
/// for double layers and float otherwise.
struct RecurrentLowering : OpConversionPattern<RecurrentOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RecurrentOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xt = cast<RankedTensorType>(op.getInput().getType());
    int64_t seq = xt.getDimSize(0), batch = xt.getDimSize(1), in = xt.getDimSize(2);
    int64_t hidden = op.getHiddenSize(), gates = op.getNumGates();
    int64_t dirs = op.getDirection() == 2 ? 2 : 1, tasks = dirs * batch;
    Type scratchType =
        xt.getElementType().isF64() ? Type(rewriter.getF64Type()) : Type(rewriter.getF32Type());
    SmallVector<Value> outs;
    for (Value result : op->getResults())
      outs.push_back(createAlloc(rewriter, loc, result.getType()));
    outs.push_back(createAlloc(rewriter, loc,
                               RankedTensorType::get({tasks, (gates + 3) * hidden}, scratchType)));
    // Up to two directions of up to three gate functions each.
    SmallVector<int64_t> params = {static_cast<int64_t>(op.getKind()),
                                   seq,
                                   batch,
                                   in,
                                   hidden,
                                   static_cast<int64_t>(op.getDirection()),
                                   static_cast<int64_t>(op.getLinearBeforeReset()),
                                   static_cast<int64_t>(op.getInputForget()),
                                   op.getClip().has_value()};
    SmallVector<double> fparams = {op.getClip() ? op.getClip()->convertToDouble() : 0.0};
    for (unsigned i = 0; i < 6; ++i) {
      bool given = i < op.getActivations().size();
      params.push_back(given ? op.getActivations()[i] : 0);
      fparams.push_back(given ? op.getAlphas()[i] : 0.0);
      fparams.push_back(given ? op.getBetas()[i] : 0.0);
    }
    createLibraryCall(rewriter, loc, "mc::recurrent", adaptor.getOperands(), outs, params, fparams,
                      tasks, seq * gates * hidden * (in + hidden));
    outs.pop_back();
    rewriter.replaceOp(op, outs);
    return success();
  }
};

} // namespace

void modelc::populateControlFlowPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<RecurrentLowering>(converter, patterns.getContext());
}
