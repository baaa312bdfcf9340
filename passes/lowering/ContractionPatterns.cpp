//===- ContractionPatterns.cpp - Lowering of Conv, Gemm, MatMul -----------===//
//
// Conv becomes a direct `kernel.conv` (ConvertConvToGemm picks im2col + GEMM later, by a
// cost rule); Gemm and MatMul become `kernel.gemm`, Gemm's C input an epilogue operand.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      rewriter.create<kernel::ConvOp>(loc, adaptor.getInput(), adaptor.getWeight(),
                                      adaptor.getBias(), out, ValueRange{}, op.getStridesAttr(),
                                      op.getPadsAttr(), op.getDilationsAttr(), op.getGroupAttr());
    });
  }
};

struct GemmLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value out = createAlloc(rewriter, loc, op.getType());
    SmallVector<Value> epilogueInputs;
    float beta = op.getBeta().convertToFloat();
    if (adaptor.getC() && beta != 0.0f)
      epilogueInputs.push_back(adaptor.getC());
    auto gemm = rewriter.create<kernel::GemmOp>(
        loc, adaptor.getA(), adaptor.getB(), out, epilogueInputs, op.getTransAAttr(),
        op.getTransBAttr(), op.getAlphaAttr(), DenseI64ArrayAttr());
    if (!epilogueInputs.empty()) {
      Type et = op.getType().getElementType();
      SmallVector<Type> argTypes = {et, et};
      buildScalarRegion(rewriter, loc, gemm.getEpilogue(), argTypes,
                        [beta](OpBuilder &b, Location l, ValueRange args) -> Value {
                          Value c = args[1];
                          if (beta != 1.0f)
                            c = b.create<arith::MulFOp>(l, c,
                                                        scalarConstant(b, l, c.getType(), beta));
                          return b.create<arith::AddFOp>(l, args[0], c);
                        });
    }
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getLhs(), b = adaptor.getRhs();
    auto at = cast<MemRefType>(a.getType()), bt = cast<MemRefType>(b.getType());
    // numpy promotion of 1-d operands.
    if (at.getRank() == 1)
      a = createView(rewriter, loc, a, {1, at.getDimSize(0)});
    if (bt.getRank() == 1)
      b = createView(rewriter, loc, b, {bt.getDimSize(0), 1});
    auto aShape = cast<MemRefType>(a.getType()).getShape();
    auto bShape = cast<MemRefType>(b.getType()).getShape();
    SmallVector<int64_t> outShape;
    if (!OpTrait::util::getBroadcastedShape(aShape.drop_back(2), bShape.drop_back(2), outShape))
      return rewriter.notifyMatchFailure(op, "batch dimensions do not broadcast");
    outShape.push_back(aShape[aShape.size() - 2]);
    outShape.push_back(bShape.back());
    Value result = createAlloc(rewriter, loc, op.getType());
    Value out = createView(rewriter, loc, result, outShape);
    rewriter.create<kernel::GemmOp>(loc, a, b, out, ValueRange{}, rewriter.getBoolAttr(false),
                                    rewriter.getBoolAttr(false), rewriter.getF32FloatAttr(1.0f),
                                    DenseI64ArrayAttr());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void modelc::populateContractionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConvLowering, GemmLowering, MatMulLowering>(converter, patterns.getContext());
}
