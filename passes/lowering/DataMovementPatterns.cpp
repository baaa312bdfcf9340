//===- DataMovementPatterns.cpp - Lowering of constants, shapes, pooling --===//
//
// Constants become `kernel.weight`, reshapes `kernel.view` (no copy), and Transpose, Concat,
// Gather, pooling and Softmax their kernel counterparts.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::WeightOp>(op, toBuffer(op.getType()), op.getValue());
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, createView(rewriter, op.getLoc(), adaptor.getInput(), op.getType().getShape()));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      rewriter.create<kernel::TransposeOp>(op.getLoc(), adaptor.getInput(), out, op.getPermAttr());
    });
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      rewriter.create<kernel::ConcatOp>(op.getLoc(), adaptor.getInputs(), out, op.getAxisAttr());
    });
  }
};

struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      rewriter.create<kernel::GatherOp>(op.getLoc(), adaptor.getData(), adaptor.getIndices(), out,
                                        op.getAxisAttr());
    });
  }
};

struct PoolLowering : OpConversionPattern<PoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      rewriter.create<kernel::PoolOp>(
          op.getLoc(), adaptor.getInput(), out,
          rewriter.getStringAttr(op.getKind() == PoolKind::max ? "max" : "avg"),
          op.getKernelShapeAttr(), op.getStridesAttr(), op.getPadsAttr(), op.getDilationsAttr(),
          op.getCountIncludePadAttr());
    });
  }
};

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      rewriter.create<kernel::SoftmaxOp>(op.getLoc(), adaptor.getInput(), out, op.getAxisAttr(),
                                         op.getLogAttr());
    });
  }
};

} // namespace

void modelc::populateDataMovementPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLowering, TransposeLowering, ConcatLowering, GatherLowering,
               PoolLowering, SoftmaxLowering>(converter, patterns.getContext());
}
