//===- DataMovementPatterns.cpp - Lowering of constants, shapes, pooling --===//
//
// Constants become `kernel.weight`, reshapes `kernel.view` (no copy), and Transpose, Concat,
// Gather and pooling their kernel counterparts (Softmax lowers with the reductions). The Tensor
// family's ops: Expand is a broadcasting `kernel.elementwise` copy (it fuses like any elementwise
// kernel), Tile the same copy between views ([d0, d1] seen as [1, d0, 1, d1], broadcast to [r0, d0,
// r1, d1], seen as [r0 * d0, r1 * d1]); Slice, Pad, Trilu, the gathers and scatters are
// `kernel.call`s of runtime_min's index-map kernels (runtime_min/mc_kernels_tensor.h), one task per
// output element where the elements are independent. Ops with data-dependent output sizes write an
// extents buffer too, which `kernel.output_shape` hands to the bundle for graph outputs.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

#include "dialects/Graph/ConstantUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

/// Work of one TfIdfVectorizer row, g * len * (skip + 1) * (width - 2) + outSize, saturated.
int64_t tfidfCost(int64_t g, int64_t len, int64_t skip, int64_t width, int64_t outSize) {
  int64_t c = saturatingCost(saturatingCost(g, len), skip < INT64_MAX ? skip + 1 : INT64_MAX);
  c = saturatingCost(c, width - 2);
  int64_t r;
  return __builtin_add_overflow(c, outSize < 0 ? 0 : outSize, &r) ? INT64_MAX
                                                                  : std::max<int64_t>(r, 1);
}

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

//===----------------------------------------------------------------------===//
// Tensor family: index maps, gathers and scatters, data-dependent sizes
//===----------------------------------------------------------------------===//

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Concatenates parameter lists.
SmallVector<int64_t> params(std::initializer_list<ArrayRef<int64_t>> parts) {
  SmallVector<int64_t> all;
  for (ArrayRef<int64_t> p : parts)
    llvm::append_range(all, p);
  return all;
}

int64_t numel(Value v) { return cast<ShapedType>(v.getType()).getNumElements(); }
ArrayRef<int64_t> shapeOf(Value v) { return cast<ShapedType>(v.getType()).getShape(); }

/// A weight buffer of `shape` filled with `value` (a default operand of a library kernel).
Value splatWeight(OpBuilder &b, Location loc, Type elementType, ArrayRef<int64_t> shape,
                  int64_t value) {
  auto type = RankedTensorType::get(shape, elementType);
  Attribute element = isa<FloatType>(elementType)
                          ? Attribute(b.getFloatAttr(elementType, static_cast<double>(value)))
                          : Attribute(b.getIntegerAttr(elementType, value));
  return b.create<kernel::WeightOp>(loc, toBuffer(type), DenseElementsAttr::get(type, element));
}

/// Reduction codes of the scatter kernels (mc::Reduction in mc_kernels_tensor.h).
int64_t reductionCode(StringRef r) {
  return llvm::StringSwitch<int64_t>(r)
      .Case("add", 1)
      .Case("mul", 2)
      .Case("max", 3)
      .Case("min", 4)
      .Default(0);
}

/// A data-dependent result is only ever a graph output (the graph ops' verifiers reject any
/// other reader). For each use by func.return, records the extents buffer with
/// kernel.output_shape right before the return (so it stays alive to the end of the run).
void exposeDataDependent(Operation *op, ConversionPatternRewriter &rewriter, Value result,
                         Value extents) {
  OpBuilder::InsertionGuard guard(rewriter);
  for (OpOperand &use : result.getUses()) {
    assert(isa<func::ReturnOp>(use.getOwner()) && "verifier: data-dependent results are outputs");
    rewriter.setInsertionPoint(use.getOwner());
    rewriter.create<kernel::OutputShapeOp>(op->getLoc(), extents,
                                           rewriter.getI64IntegerAttr(use.getOperandNumber()));
  }
}

/// The result buffer (sized for the upper bound) and the extents buffer of an op whose
/// result #0 and result #1 are a data-dependent tensor and its shape.
std::pair<Value, Value> allocDataDependent(Operation *op, ConversionPatternRewriter &rewriter) {
  Value out = createAlloc(rewriter, op->getLoc(), op->getResult(0).getType());
  Value extents = createAlloc(rewriter, op->getLoc(), op->getResult(1).getType());
  exposeDataDependent(op, rewriter, op->getResult(0), extents);
  return {out, extents};
}

/// Slice: a strided copy (mc::strided_copy); negative steps read backwards.
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    SmallVector<int64_t> inStrides = rowMajorStrides(shapeOf(op.getInput())), strides;
    int64_t offset = 0;
    for (auto [d, s] : llvm::enumerate(inStrides)) {
      offset += op.getStarts()[d] * s;
      strides.push_back(op.getSteps()[d] * s);
    }
    int64_t rank = op.getType().getRank();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::strided_copy", adaptor.getInput(), out,
                        params({{rank, offset}, op.getType().getShape(), strides}), {},
                        op.getType().getNumElements(), 1);
    });
  }
};

/// Expand: a broadcasting elementwise copy.
struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createElementwise(rewriter, op.getLoc(), adaptor.getInput(), out,
                        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    });
  }
};

/// Tile: the input seen as [.., 1, d, ..] (a 1 before each repeated dimension) broadcast to
/// [.., r, d, ..], seen as the result; mc::tile beyond the buffer rank limit.
struct TileLowering : OpConversionPattern<TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> in = shapeOf(op.getInput());
    SmallVector<int64_t> viewShape, bcastShape;
    for (auto [d, r] : llvm::zip(in, op.getRepeats())) {
      if (r != 1) {
        viewShape.push_back(1);
        bcastShape.push_back(r);
      }
      viewShape.push_back(d);
      bcastShape.push_back(d);
    }
    if (viewShape.size() > 8) {
      return replaceWithBuffer(op, rewriter, [&](Value out) {
        createLibraryCall(rewriter, loc, "mc::tile", adaptor.getInput(), out,
                          params({{op.getType().getRank()}, op.getType().getShape(), in}), {},
                          op.getType().getNumElements(), 1);
      });
    }
    Value view = createView(rewriter, loc, adaptor.getInput(), viewShape);
    Value buffer = createAlloc(rewriter, loc,
                               RankedTensorType::get(bcastShape, op.getType().getElementType()));
    createElementwise(rewriter, loc, view, buffer,
                      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    rewriter.replaceOp(op, createView(rewriter, loc, buffer, op.getType().getShape()));
    return success();
  }
};

/// Pad: out-of-range reads take the constant, the edge, the reflection or the wrap-around
/// (mc::pad); the constant is the value operand or a zero weight.
struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type et = op.getType().getElementType();
    Value value = adaptor.getValue();
    if (!value)
      value = splatWeight(rewriter, loc, et, {}, 0);
    int64_t mode = llvm::StringSwitch<int64_t>(op.getMode())
                       .Case("edge", 1)
                       .Case("reflect", 2)
                       .Case("wrap", 3)
                       .Default(0);
    int64_t rank = op.getType().getRank();
    ArrayRef<int64_t> begins = op.getPads().take_front(rank);
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(
          rewriter, loc, "mc::pad", {adaptor.getInput(), value}, out,
          params({{rank, mode}, op.getType().getShape(), shapeOf(op.getInput()), begins}), {},
          op.getType().getNumElements(), 1);
    });
  }
};

/// Trilu: one task per element; k from its operand or a constant weight.
struct TriluLowering : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value k = adaptor.getK();
    if (!k)
      k = splatWeight(rewriter, loc, rewriter.getI64Type(), {1},
                      static_cast<int64_t>(op.getKValue()));
    ArrayRef<int64_t> shape = op.getType().getShape();
    int64_t rows = shape[shape.size() - 2], cols = shape.back();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, loc, "mc::trilu", {adaptor.getInput(), k}, out,
                        {rows, cols, op.getUpper()}, {}, op.getType().getNumElements(), 1);
    });
  }
};

struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    int64_t rank = op.getType().getRank();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::gather_elements",
                        {adaptor.getData(), adaptor.getIndices()}, out,
                        params({{rank, static_cast<int64_t>(op.getAxis())},
                                op.getType().getShape(),
                                shapeOf(op.getData())}),
                        {}, op.getType().getNumElements(), 1);
    });
  }
};

struct GatherNDLowering : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> data = shapeOf(op.getData()), idx = shapeOf(op.getIndices());
    int64_t b = op.getBatchDims(), q = idx.back();
    int64_t batch = 1, tuples = 1, inner = 1;
    for (int64_t d = 0; d < b; ++d)
      batch *= data[d];
    for (int64_t d = b; d + 1 < static_cast<int64_t>(idx.size()); ++d)
      tuples *= idx[d];
    for (int64_t d = b + q; d < static_cast<int64_t>(data.size()); ++d)
      inner *= data[d];
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::gather_nd",
                        {adaptor.getData(), adaptor.getIndices()}, out,
                        params({{q, batch, tuples, inner}, data.slice(b, q)}), {},
                        op.getType().getNumElements(), 1);
    });
  }
};

/// ScatterElements: one task per line of the data along the axis copies the line and
/// applies, in order, the updates that land on it.
struct ScatterElementsLowering : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> data = shapeOf(op.getData());
    int64_t rank = data.size(), axis = static_cast<int64_t>(op.getAxis());
    int64_t lines = data[axis] ? numel(op.getData()) / data[axis] : 0;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(
          rewriter, op.getLoc(), "mc::scatter_elements",
          {adaptor.getData(), adaptor.getIndices(), adaptor.getUpdates()}, out,
          params({{rank, axis, reductionCode(op.getReduction())}, data, shapeOf(op.getIndices())}),
          {}, lines, data[axis]);
    });
  }
};

/// ScatterND: one task per position within a slice copies that position of every slice
/// and applies the updates in order.
struct ScatterNDLowering : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> data = shapeOf(op.getData()), idx = shapeOf(op.getIndices());
    int64_t q = idx.back(), inner = 1;
    for (int64_t d = q; d < static_cast<int64_t>(data.size()); ++d)
      inner *= data[d];
    int64_t tuples = q ? numel(op.getIndices()) / q : 0;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(
          rewriter, op.getLoc(), "mc::scatter_nd",
          {adaptor.getData(), adaptor.getIndices(), adaptor.getUpdates()}, out,
          params({{reductionCode(op.getReduction()), tuples, q, inner}, data.take_front(q)}), {},
          inner, numel(op.getData()) / std::max<int64_t>(inner, 1) + tuples);
    });
  }
};

struct TensorScatterLowering : OpConversionPattern<TensorScatterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TensorScatterOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> past = shapeOf(op.getPast());
    AxisSplit s = splitAtAxis(past, static_cast<int64_t>(op.getAxis()));
    Value idx = adaptor.getWriteIndices();
    if (!idx)
      idx = splatWeight(rewriter, loc, rewriter.getI64Type(), {past[0]}, 0);
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, loc, "mc::tensor_scatter",
                        {adaptor.getPast(), adaptor.getUpdate(), idx}, out,
                        {op.getCircular(), past[0], s.outer, s.len,
                         shapeOf(op.getUpdate())[static_cast<int64_t>(op.getAxis())], s.inner},
                        {}, op.getType().getNumElements(), 1);
    });
  }
};

struct OneHotLowering : OpConversionPattern<OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(OneHotOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    AxisSplit s = splitAtAxis(op.getType().getShape(), static_cast<int64_t>(op.getAxis()));
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::one_hot",
                        {adaptor.getIndices(), adaptor.getValues()}, out, {s.outer, s.len, s.inner},
                        {}, op.getType().getNumElements(), 1);
    });
  }
};

struct ReverseSequenceLowering : OpConversionPattern<ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReverseSequenceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> shape = op.getType().getShape();
    int64_t inner = op.getType().getNumElements() / std::max<int64_t>(shape[0] * shape[1], 1);
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::reverse_sequence",
                        {adaptor.getInput(), adaptor.getSequenceLens()}, out,
                        {static_cast<int64_t>(op.getBatchAxis()), shape[0], shape[1], inner}, {},
                        op.getType().getNumElements(), 1);
    });
  }
};

/// TfIdfVectorizer: one task per row of tokens; the n-gram table and the weights are
/// constant operands.
struct TfIdfVectorizerLowering : OpConversionPattern<TfIdfVectorizerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TfIdfVectorizerOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    auto grams = cast<RankedTensorType>(op.getGrams().getType());
    int64_t len = in.getShape().back();
    int64_t rows = in.getRank() == 2 ? in.getDimSize(0) : 1;
    int64_t g = grams.getDimSize(0), width = grams.getDimSize(1);
    int64_t skip = static_cast<int64_t>(op.getMaxSkipCount());
    int64_t outSize = static_cast<int64_t>(op.getOutputSize());
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::tfidf_vectorizer",
                        {adaptor.getInput(), adaptor.getGrams(), adaptor.getWeights()}, out,
                        {len, g, width, skip, outSize, static_cast<int64_t>(op.getMode())}, {},
                        rows, tfidfCost(g, len, skip, width, outSize));
    });
  }
};

/// NonZero: one task counts, then writes the rank x count indices and the extents.
struct NonZeroLowering : OpConversionPattern<NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(NonZeroOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [out, extents] = allocDataDependent(op, rewriter);
    ArrayRef<int64_t> in = shapeOf(op.getInput());
    createLibraryCall(rewriter, loc, "mc::nonzero", adaptor.getInput(), {out, extents},
                      params({{static_cast<int64_t>(in.size())}, in}), {}, 1, numel(op.getInput()));
    rewriter.replaceOp(op, {out, extents});
    return success();
  }
};

struct CompressLowering : OpConversionPattern<CompressOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CompressOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [out, extents] = allocDataDependent(op, rewriter);
    ArrayRef<int64_t> in = shapeOf(op.getInput());
    createLibraryCall(rewriter, loc, "mc::compress", {adaptor.getInput(), adaptor.getCondition()},
                      {out, extents},
                      params({{static_cast<int64_t>(in.size()), static_cast<int64_t>(op.getAxis()),
                               numel(op.getCondition())},
                              in}),
                      {}, 1, numel(op.getInput()));
    rewriter.replaceOp(op, {out, extents});
    return success();
  }
};

/// Unique: one task sorts slice indices (heap sort in an int64 scratch buffer of 2n) and
/// writes every output.
struct UniqueLowering : OpConversionPattern<UniqueOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(UniqueOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> outs;
    for (Value r : op->getResults())
      outs.push_back(createAlloc(rewriter, loc, r.getType()));
    // y, indices and counts have data-dependent sizes; inverse_indices has a static one.
    for (auto [value, extents] : {std::pair<unsigned, unsigned>{0, 4}, {1, 5}, {3, 6}})
      exposeDataDependent(op, rewriter, op->getResult(value), outs[extents]);
    ArrayRef<int64_t> in = shapeOf(op.getInput());
    int64_t n = in[static_cast<int64_t>(op.getAxis())];
    Value scratch = createAlloc(
        rewriter, loc, RankedTensorType::get({2 * std::max<int64_t>(n, 1)}, rewriter.getI64Type()));
    SmallVector<Value> callOuts(outs);
    callOuts.push_back(scratch);
    createLibraryCall(rewriter, loc, "mc::unique", adaptor.getInput(), callOuts,
                      params({{static_cast<int64_t>(in.size()), static_cast<int64_t>(op.getAxis()),
                               op.getSorted()},
                              in}),
                      {}, 1, saturatingCost(numel(op.getInput()), n));
    rewriter.replaceOp(op, outs);
    return success();
  }
};

/// NonMaxSuppression: one task runs the greedy selection of every (batch, class).
struct NonMaxSuppressionLowering : OpConversionPattern<NonMaxSuppressionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(NonMaxSuppressionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [out, extents] = allocDataDependent(op, rewriter);
    ArrayRef<int64_t> scores = shapeOf(op.getScores());
    int64_t boxes = scores[2];
    Value scratch = createAlloc(
        rewriter, loc,
        RankedTensorType::get({2 * std::max<int64_t>(boxes, 1)}, rewriter.getI64Type()));
    createLibraryCall(rewriter, loc, "mc::non_max_suppression",
                      {adaptor.getBoxes(), adaptor.getScores(), adaptor.getMaxOutputBoxesPerClass(),
                       adaptor.getIouThreshold(), adaptor.getScoreThreshold()},
                      {out, extents, scratch},
                      {scores[0], scores[1], boxes, op.getCenterPointBox(),
                       op.getUseScoreThreshold(), static_cast<int64_t>(op.getMaxBoxes())},
                      {}, 1,
                      saturatingCost(saturatingCost(scores[0] * scores[1], boxes),
                                     static_cast<int64_t>(op.getMaxBoxes())));
    rewriter.replaceOp(op, {out, extents});
    return success();
  }
};

} // namespace

void modelc::populateDataMovementPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLowering, TransposeLowering, ConcatLowering, GatherLowering,
               PoolLowering>(converter, patterns.getContext());
  patterns.add<SliceLowering, ExpandLowering, TileLowering, PadLowering, TriluLowering,
               GatherElementsLowering, GatherNDLowering, ScatterElementsLowering, ScatterNDLowering,
               TensorScatterLowering, OneHotLowering, ReverseSequenceLowering, NonZeroLowering,
               CompressLowering, UniqueLowering, NonMaxSuppressionLowering>(converter,
                                                                            patterns.getContext());
  patterns.add<TfIdfVectorizerLowering>(converter, patterns.getContext());
}
