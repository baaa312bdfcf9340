//===- NNPatterns.cpp - Lowering of nn graph ops --------------------------===//
//
// Conversion patterns of one op family (convolution and pooling variants, resizing and sampling,
// signal processing) from the graph dialect to `kernel.call`s of runtime_min's kernel library
// (runtime_min/mc_kernels_nn.h). Every kernel computes one output element per task (a gather
// formulation: no scatter, no atomics), so tasks are independent on CPU threads and CUDA threads
// alike. Windowed ops pass exactly three spatial axes (fewer are padded with leading extent-1
// axes); absent optional inputs become one-element placeholder buffers.
//
// ConvTranspose and DeformConv are direct gather kernels for now (correctness first); a GEMM +
// col2im lowering of ConvTranspose (GEMM of W^T with X, then mc::col2im) is the fast path to
// add once the GEMM emitter takes arbitrary operand layouts.
//
// Resize precomputes its interpolation at compile time: per resized axis, a table of input
// indices and weights per output coordinate (ONNX's 1-d coefficients for every mode, coordinate
// transformation, antialias and exclude_outside), which mc::resize applies separably.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

#include <cmath>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

int64_t numElements(Value v) { return cast<ShapedType>(v.getType()).getNumElements(); }
ArrayRef<int64_t> shapeOf(Value v) { return cast<ShapedType>(v.getType()).getShape(); }

/// `values` with leading `fill` entries up to `size` entries.
SmallVector<int64_t> padFront(ArrayRef<int64_t> values, size_t size, int64_t fill) {
  SmallVector<int64_t> out(size - std::min(size, values.size()), fill);
  out.append(values.begin(), values.end());
  return out;
}

/// The begin pads of a window op (pads = begin pads, then end pads).
ArrayRef<int64_t> beginPads(ArrayRef<int64_t> pads) { return pads.take_front(pads.size() / 2); }

/// A read-only buffer holding `attr`.
Value constantBuffer(OpBuilder &b, Location loc, DenseElementsAttr attr) {
  auto type = cast<RankedTensorType>(attr.getType());
  return b.create<kernel::WeightOp>(loc, MemRefType::get(type.getShape(), type.getElementType()),
                                    attr);
}

/// The one-element buffer passed for an absent optional input (its Has* parameter is 0).
Value placeholder(OpBuilder &b, Location loc, Type elementType) {
  auto type = RankedTensorType::get({1}, elementType);
  Attribute zero = isa<FloatType>(elementType) ? Attribute(b.getFloatAttr(elementType, 0))
                                               : Attribute(b.getIntegerAttr(elementType, 0));
  return constantBuffer(b, loc, DenseElementsAttr::get(type, zero));
}

Value orPlaceholder(OpBuilder &b, Location loc, Value v, Type elementType) {
  return v ? v : placeholder(b, loc, elementType);
}

/// Appends three-axis window parameters: kernel, strides, begin pads, dilations.
void appendWindow(SmallVectorImpl<int64_t> &params, ArrayRef<int64_t> kernel,
                  ArrayRef<int64_t> strides, ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations) {
  llvm::append_range(params, padFront(kernel, 3, 1));
  llvm::append_range(params, padFront(strides, 3, 1));
  llvm::append_range(params, padFront(beginPads(pads), 3, 0));
  llvm::append_range(params, padFront(dilations, 3, 1));
}

//===--- Convolution variants ------------------------------------------------===//

struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> x = shapeOf(op.getInput()), w = shapeOf(op.getWeight());
    ArrayRef<int64_t> y = op.getType().getShape();
    if (x.size() > 5)
      return rewriter.notifyMatchFailure(op, "more than three spatial axes");
    Location loc = op.getLoc();
    Type et = op.getType().getElementType();
    int64_t group = op.getGroup();
    SmallVector<int64_t> params = {x[0], x[1], y[1], group};
    llvm::append_range(params, padFront(x.drop_front(2), 3, 1));
    llvm::append_range(params, padFront(y.drop_front(2), 3, 1));
    appendWindow(params, w.drop_front(2), op.getStrides(), op.getPads(), op.getDilations());
    params.push_back(op.getBias() ? 1 : 0);
    int64_t taps = 1;
    for (int64_t k : w.drop_front(2))
      taps *= k;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, loc, "mc::conv_transpose",
                        {adaptor.getInput(), adaptor.getWeight(),
                         orPlaceholder(rewriter, loc, adaptor.getBias(), et)},
                        out, params, {}, numElements(op.getResult()), x[1] / group * taps);
    });
  }
};

struct DeformConvLowering : OpConversionPattern<DeformConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DeformConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> x = shapeOf(op.getInput()), w = shapeOf(op.getWeight());
    ArrayRef<int64_t> y = op.getType().getShape();
    Location loc = op.getLoc();
    Type et = op.getType().getElementType();
    SmallVector<int64_t> params = {x[0], x[1], x[2], x[3], y[1], y[2], y[3], w[2], w[3]};
    llvm::append_range(params, op.getStrides());
    llvm::append_range(params, beginPads(op.getPads()));
    llvm::append_range(params, op.getDilations());
    llvm::append_range(params, SmallVector<int64_t>{static_cast<int64_t>(op.getGroup()),
                                                    static_cast<int64_t>(op.getOffsetGroup()),
                                                    op.getBias() ? 1 : 0, op.getMask() ? 1 : 0});
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, loc, "mc::deform_conv",
                        {adaptor.getInput(), adaptor.getWeight(), adaptor.getOffset(),
                         orPlaceholder(rewriter, loc, adaptor.getBias(), et),
                         orPlaceholder(rewriter, loc, adaptor.getMask(), et)},
                        out, params, {}, numElements(op.getResult()), w[1] * w[2] * w[3] * 8);
    });
  }
};

struct CausalConvWithStateLowering : OpConversionPattern<CausalConvWithStateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CausalConvWithStateOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> x = shapeOf(op.getInput());
    int64_t k = shapeOf(op.getWeight())[2];
    Location loc = op.getLoc();
    Type et = op.getOutput().getType().getElementType();
    Value y = createAlloc(rewriter, loc, op.getOutput().getType());
    Value state = createAlloc(rewriter, loc, op.getPresentState().getType());
    createLibraryCall(
        rewriter, loc, "mc::causal_conv_with_state",
        {adaptor.getInput(), adaptor.getWeight(),
         orPlaceholder(rewriter, loc, adaptor.getBias(), et),
         orPlaceholder(rewriter, loc, adaptor.getPastState(), et)},
        {y, state},
        {x[0], x[1], x[2], k, op.getBias() ? 1 : 0, op.getPastState() ? 1 : 0, op.getSilu()}, {},
        x[0] * x[1] * (x[2] + k - 1), k);
    rewriter.replaceOp(op, {y, state});
    return success();
  }
};

//===--- Pooling variants ----------------------------------------------------===//

/// Parameters shared by the windowed pools: N*C, input and output extents, the window.
template <typename OpTy> SmallVector<int64_t> poolParams(OpTy op, ArrayRef<int64_t> outShape) {
  ArrayRef<int64_t> x = shapeOf(op.getInput());
  SmallVector<int64_t> params = {x[0] * x[1]};
  llvm::append_range(params, padFront(x.drop_front(2), 3, 1));
  llvm::append_range(params, padFront(outShape.drop_front(2), 3, 1));
  appendWindow(params, op.getKernelShape(), op.getStrides(), op.getPads(), op.getDilations());
  return params;
}

struct LpPoolLowering : OpConversionPattern<LpPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LpPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (shapeOf(op.getInput()).size() > 5)
      return rewriter.notifyMatchFailure(op, "more than three spatial axes");
    SmallVector<int64_t> params = poolParams(op, op.getType().getShape());
    int64_t window = 1;
    for (int64_t k : op.getKernelShape())
      window *= k;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::lp_pool", adaptor.getInput(), out, params,
                        {op.getP().convertToDouble()}, numElements(op.getResult()), window);
    });
  }
};

struct MaxPoolWithIndicesLowering : OpConversionPattern<MaxPoolWithIndicesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxPoolWithIndicesOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (shapeOf(op.getInput()).size() > 5)
      return rewriter.notifyMatchFailure(op, "more than three spatial axes");
    Location loc = op.getLoc();
    SmallVector<int64_t> params = poolParams(op, op.getValues().getType().getShape());
    params.push_back(op.getStorageOrder());
    int64_t window = 1;
    for (int64_t k : op.getKernelShape())
      window *= k;
    Value values = createAlloc(rewriter, loc, op.getValues().getType());
    Value indices = createAlloc(rewriter, loc, op.getIndices().getType());
    createLibraryCall(rewriter, loc, "mc::max_pool_with_indices", adaptor.getInput(),
                      {values, indices}, params, {}, numElements(op.getValues()), window);
    rewriter.replaceOp(op, {values, indices});
    return success();
  }
};

/// MaxUnpool: zero the output, then scatter each input element to its index (distinct
/// indices write distinct elements).
struct MaxUnpoolLowering : OpConversionPattern<MaxUnpoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxUnpoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> y = op.getType().getShape();
    if (y.size() > 5)
      return rewriter.notifyMatchFailure(op, "more than three spatial axes");
    SmallVector<int64_t> unpooled = op.getUnpooledShape();
    SmallVector<int64_t> params = {y[0] * y[1]};
    llvm::append_range(params, padFront(ArrayRef<int64_t>(unpooled).drop_front(2), 3, 1));
    llvm::append_range(params, padFront(y.drop_front(2), 3, 1));
    Location loc = op.getLoc();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, loc, "mc::zero_fill", {}, out, {}, {},
                        numElements(op.getResult()), 1);
      createLibraryCall(rewriter, loc, "mc::max_unpool", {adaptor.getInput(), adaptor.getIndices()},
                        out, params, {}, numElements(op.getInput()), 1);
    });
  }
};

struct Col2ImLowering : OpConversionPattern<Col2ImOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Col2ImOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> image = op.getImageShape(), block = op.getBlockShape();
    if (image.size() > 3)
      return rewriter.notifyMatchFailure(op, "more than three spatial axes");
    ArrayRef<int64_t> y = op.getType().getShape();
    size_t spatial = image.size();
    SmallVector<int64_t> blocks;
    for (size_t i = 0; i < spatial; ++i)
      blocks.push_back((image[i] + op.getPads()[i] + op.getPads()[i + spatial] -
                        ((block[i] - 1) * op.getDilations()[i] + 1)) /
                           op.getStrides()[i] +
                       1);
    SmallVector<int64_t> params = {y[0], y[1]};
    llvm::append_range(params, padFront(image, 3, 1));
    llvm::append_range(params, padFront(block, 3, 1));
    llvm::append_range(params, padFront(blocks, 3, 1));
    llvm::append_range(params, padFront(op.getStrides(), 3, 1));
    llvm::append_range(params, padFront(beginPads(op.getPads()), 3, 0));
    llvm::append_range(params, padFront(op.getDilations(), 3, 1));
    int64_t taps = 1;
    for (int64_t k : block)
      taps *= k;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::col2im", adaptor.getInput(), out, params, {},
                        numElements(op.getResult()), taps);
    });
  }
};

//===--- Resize --------------------------------------------------------------===//

/// Python's math.isclose with its default relative tolerance.
bool isClose(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

/// The interpolation table of one resized axis: `taps` (input index, weight) pairs per output
/// coordinate; index -1 in a coordinate's first tap marks a tf_crop_and_resize extrapolation.
struct AxisTable {
  int64_t taps = 0;
  SmallVector<int64_t> index;
  SmallVector<double> weight;
};

/// ONNX's 1-d coefficients for the fractional position `ratio` in (0, 1] (onnx.reference
/// op_resize: _nearest_coeffs, _linear_coeffs(_antialias), _cubic_coeffs(_antialias)).
SmallVector<double> resizeCoefficients(ResizeOp op, double ratio, double scale) {
  switch (op.getMode()) {
  case InterpolationMode::nearest: {
    if (ratio == std::floor(ratio))
      return {0, 1};
    switch (op.getNearestMode()) {
    case NearestMode::round_prefer_floor:
      return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
    case NearestMode::round_prefer_ceil:
      return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    case NearestMode::floor:
      return {1, 0};
    case NearestMode::ceil:
      return {0, 1};
    }
    llvm_unreachable("unknown nearest mode");
  }
  case InterpolationMode::linear: {
    if (!op.getAntialias())
      return {1 - ratio, ratio};
    double s = std::min(scale, 1.0);
    int64_t start = static_cast<int64_t>(std::floor(-1 / s) + 1), footprint = 2 - 2 * start;
    SmallVector<double> c;
    double sum = 0;
    for (int64_t i = start; i < start + footprint; ++i) {
      double v = std::clamp(1 - std::fabs((static_cast<double>(i) - ratio) * s), 0.0, 1.0);
      c.push_back(v);
      sum += v;
    }
    for (double &v : c)
      v /= sum;
    return c;
  }
  case InterpolationMode::cubic: {
    double a = op.getCubicCoeffA().convertToDouble();
    if (!op.getAntialias())
      return {((a * (ratio + 1) - 5 * a) * (ratio + 1) + 8 * a) * (ratio + 1) - 4 * a,
              ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
              ((a + 2) * (1 - ratio) - (a + 3)) * (1 - ratio) * (1 - ratio) + 1,
              ((a * ((1 - ratio) + 1) - 5 * a) * ((1 - ratio) + 1) + 8 * a) * ((1 - ratio) + 1) -
                  4 * a};
    double s = std::min(scale, 1.0);
    int64_t start = static_cast<int64_t>(std::floor(-2 / s) + 1), end = 2 - start;
    SmallVector<double> c;
    double sum = 0;
    for (int64_t i = start; i < end; ++i) {
      double x = std::fabs(s * (static_cast<double>(i) - ratio)), x2 = x * x, x3 = x * x2;
      double v = x <= 1  ? (a + 2) * x3 - (a + 3) * x2 + 1
                 : x < 2 ? a * x3 - 5 * a * x2 + 8 * a * x - 4 * a
                         : 0.0;
      c.push_back(v);
      sum += v;
    }
    for (double &v : c)
      v /= sum;
    return c;
  }
  }
  llvm_unreachable("unknown interpolation mode");
}

/// Source coordinate of output coordinate `y` (onnx.reference op_resize._compute_x_ori);
/// sets `extrapolated` for tf_crop_and_resize sources outside the input.
double sourceCoordinate(ResizeOp op, double y, double scale, int64_t in, int64_t out,
                        double roiStart, double roiEnd, bool &extrapolated) {
  double inW = static_cast<double>(in), outW = scale * inW;
  extrapolated = false;
  switch (op.getCoordinateTransformationMode()) {
  case CoordinateTransform::align_corners:
    return outW == 1 ? 0.0 : y * (inW - 1) / (outW - 1);
  case CoordinateTransform::asymmetric:
    return y / scale;
  case CoordinateTransform::tf_crop_and_resize: {
    double x = outW == 1 ? (roiEnd - roiStart) * (inW - 1) / 2
                         : y * (roiEnd - roiStart) * (inW - 1) / (outW - 1);
    x += roiStart * (inW - 1);
    extrapolated = x < 0 || x > inW - 1;
    return x;
  }
  case CoordinateTransform::pytorch_half_pixel:
    return outW == 1 ? -0.5 : (y + 0.5) / scale - 0.5;
  case CoordinateTransform::half_pixel:
    return (y + 0.5) / scale - 0.5;
  case CoordinateTransform::half_pixel_symmetric: {
    double adjustment = static_cast<double>(out) / outW;
    double offset = inW / 2 * (1 - adjustment);
    return offset + (y + 0.5) / scale - 0.5;
  }
  }
  llvm_unreachable("unknown coordinate transformation");
}

/// The table of axis d, or taps = 0 when the axis is the identity (as the reference skips
/// it). Taps whose weight is zero for every output coordinate are dropped.
AxisTable buildAxisTable(ResizeOp op, int64_t d) {
  int64_t rank = op.getType().getRank();
  int64_t in = shapeOf(op.getInput())[d], out = op.getType().getDimSize(d);
  double scale = op.getScales()[d], roiStart = op.getRoi()[d], roiEnd = op.getRoi()[rank + d];
  bool crop = op.getCoordinateTransformationMode() == CoordinateTransform::tf_crop_and_resize;
  AxisTable table;
  if (isClose(scale, 1.0) && in == out && (!crop || (isClose(roiStart, 0) && isClose(roiEnd, 1))))
    return table;
  SmallVector<SmallVector<std::pair<int64_t, double>>> rows;
  SmallVector<bool> extrapolated;
  for (int64_t y = 0; y < out; ++y) {
    bool extra;
    double x =
        sourceCoordinate(op, static_cast<double>(y), scale, in, out, roiStart, roiEnd, extra);
    double xi = std::floor(x), ratio = x == xi ? 1.0 : x - xi;
    SmallVector<double> coeffs = resizeCoefficients(op, ratio, scale);
    int64_t n = coeffs.size(), pad = (n + 1) / 2;
    // The n input positions nearest to x, preferring the smaller (vectorized
    // _get_neighbor_idxes of the reference).
    double xp = x + static_cast<double>(pad), pp = std::floor(xp), frac = xp - pp;
    int64_t offset = n % 2 == 0 ? (frac == 0 ? -(n / 2) : -(n / 2) + 1)
                                : (frac <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1);
    int64_t start = static_cast<int64_t>(pp) + offset - pad;
    if (op.getExcludeOutside()) {
      double sum = 0;
      for (int64_t t = 0; t < n; ++t) {
        if (start + t < 0 || start + t >= in)
          coeffs[t] = 0;
        sum += coeffs[t];
      }
      for (double &c : coeffs)
        c /= sum == 0 ? 1.0 : sum;
    }
    SmallVector<std::pair<int64_t, double>> row;
    for (int64_t t = 0; t < n; ++t)
      if (coeffs[t] != 0)
        row.push_back({std::clamp<int64_t>(start + t, 0, in - 1), coeffs[t]});
    table.taps = std::max<int64_t>(table.taps, row.size());
    rows.push_back(std::move(row));
    extrapolated.push_back(extra);
  }
  table.taps = std::max<int64_t>(table.taps, 1);
  for (auto [row, extra] : llvm::zip(rows, extrapolated)) {
    row.resize(table.taps, {0, 0.0});
    if (extra)
      row[0].first = -1;
    for (auto [index, weight] : row) {
      table.index.push_back(index);
      table.weight.push_back(weight);
    }
  }
  return table;
}

struct ResizeLowering : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    int64_t rank = op.getType().getRank();
    if (rank > 6)
      return rewriter.notifyMatchFailure(op, "more than six axes");
    SmallVector<int64_t> taps, first, index;
    SmallVector<double> weight;
    int64_t perElement = 1;
    for (int64_t d = 0; d < rank; ++d) {
      // The table holds out x taps entries; taps grow as 1 / scale when antialiasing a
      // downscale. Bound it before building it (the fuzzer found multi-GiB tables).
      constexpr double kMaxTableEntries = double(int64_t(1) << 24);
      double scale = std::min(op.getScales()[d], 1.0);
      double perRow = !op.getAntialias() ? 4.0 : scale > 0 ? 4.0 / scale + 4.0 : INFINITY;
      double entries = perRow * static_cast<double>(op.getType().getDimSize(d));
      if (!(entries <= kMaxTableEntries))
        return op.emitOpError("axis ")
               << d << " needs an interpolation table of about " << entries
               << " entries (output size x taps), more than " << kMaxTableEntries;
      AxisTable t = buildAxisTable(op, d);
      taps.push_back(t.taps);
      first.push_back(index.size());
      llvm::append_range(index, t.index);
      llvm::append_range(weight, t.weight);
      perElement *= std::max<int64_t>(t.taps, 1);
    }
    if (index.empty()) { // every axis is the identity: the tables are placeholders
      index.push_back(0);
      weight.push_back(0);
    }
    Location loc = op.getLoc();
    auto i64 = rewriter.getI64Type();
    auto f64 = rewriter.getF64Type();
    int64_t entries = index.size();
    Value indexBuf = constantBuffer(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({entries}, i64), ArrayRef<int64_t>(index)));
    Value weightBuf = constantBuffer(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({entries}, f64), ArrayRef<double>(weight)));
    SmallVector<int64_t> params = padFront(shapeOf(op.getInput()), 6, 1);
    llvm::append_range(params, padFront(op.getType().getShape(), 6, 1));
    llvm::append_range(params, padFront(taps, 6, 0));
    llvm::append_range(params, padFront(first, 6, 0));
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, loc, "mc::resize", {adaptor.getInput(), indexBuf, weightBuf}, out,
                        params, {op.getExtrapolationValue().convertToDouble()},
                        numElements(op.getResult()), perElement);
    });
  }
};

//===--- Sampling ------------------------------------------------------------===//

struct GridSampleLowering : OpConversionPattern<GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GridSampleOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> x = shapeOf(op.getInput());
    int64_t dims = x.size() - 2, points = 1;
    for (int64_t d : shapeOf(op.getResult()).drop_front(2))
      points *= d;
    SmallVector<int64_t> extents(x.drop_front(2));
    extents.resize(3, 1);
    SmallVector<int64_t> params = {x[0], x[1], points, dims};
    llvm::append_range(params, extents);
    params.push_back(static_cast<int64_t>(op.getMode()));
    params.push_back(static_cast<int64_t>(op.getPaddingMode()));
    params.push_back(op.getAlignCorners());
    int64_t cost = op.getMode() == InterpolationMode::cubic ? 16 : 1 << dims;
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::grid_sample",
                        {adaptor.getInput(), adaptor.getGrid()}, out, params, {},
                        numElements(op.getResult()), cost);
    });
  }
};

struct AffineGridLowering : OpConversionPattern<AffineGridOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AffineGridOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> size = op.getSize();
    int64_t dims = size.size() - 2;
    SmallVector<int64_t> params = {size[0], dims};
    llvm::append_range(params, padFront(size.drop_front(2), 3, 1));
    params.push_back(op.getAlignCorners());
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::affine_grid", adaptor.getTheta(), out, params,
                        {}, numElements(op.getResult()), dims + 1);
    });
  }
};

struct RoiAlignLowering : OpConversionPattern<RoiAlignOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RoiAlignOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> x = shapeOf(op.getInput());
    SmallVector<int64_t> params = {shapeOf(op.getRois())[0],
                                   x[0],
                                   x[1],
                                   x[2],
                                   x[3],
                                   static_cast<int64_t>(op.getOutputHeight()),
                                   static_cast<int64_t>(op.getOutputWidth()),
                                   static_cast<int64_t>(op.getSamplingRatio()),
                                   op.getMode() == PoolKind::max,
                                   op.getHalfPixel()};
    int64_t ratio = std::max<int64_t>(op.getSamplingRatio(), 2);
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::roi_align",
                        {adaptor.getInput(), adaptor.getRois(), adaptor.getBatchIndices()}, out,
                        params, {op.getSpatialScale().convertToDouble()},
                        numElements(op.getResult()), 4 * ratio * ratio);
    });
  }
};

//===--- Signal processing ---------------------------------------------------===//

struct DftLowering : OpConversionPattern<DftOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DftOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> x = shapeOf(op.getInput());
    int64_t axis = op.getAxis();
    AxisSplit s = splitAtAxis(x.drop_back(), axis);
    int64_t outLen = op.getType().getDimSize(axis), n = op.getDftLength();
    bool real = op.getInverse() && op.getOnesided();
    SmallVector<int64_t> params = {s.outer, s.len,  s.inner,         x.back(),
                                   n,       outLen, op.getInverse(), real};
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::dft", adaptor.getInput(), out, params, {},
                        s.outer * outLen * s.inner, std::min(s.len, n) * 4);
    });
  }
};

struct StftLowering : OpConversionPattern<StftOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(StftOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> x = shapeOf(op.getSignal()), y = op.getType().getShape();
    Location loc = op.getLoc();
    Type et = op.getType().getElementType();
    SmallVector<int64_t> params = {x[0],
                                   x[1],
                                   x[2],
                                   y[1],
                                   y[2],
                                   static_cast<int64_t>(op.getFrameStep()),
                                   static_cast<int64_t>(op.getFrameLength()),
                                   op.getWindow() ? 1 : 0};
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(
          rewriter, loc, "mc::stft",
          {adaptor.getSignal(), orPlaceholder(rewriter, loc, adaptor.getWindow(), et)}, out, params,
          {}, y[0] * y[1] * y[2], op.getFrameLength() * 4);
    });
  }
};

struct MelWeightMatrixLowering : OpConversionPattern<MelWeightMatrixOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MelWeightMatrixOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> y = op.getType().getShape();
    int64_t dft = op.getDftLength();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(
          rewriter, op.getLoc(), "mc::mel_weight_matrix",
          {adaptor.getSampleRate(), adaptor.getLowerEdgeHertz(), adaptor.getUpperEdgeHertz()}, out,
          {y[1], dft}, {}, y[0] * y[1], 8);
    });
  }
};

} // namespace

void modelc::populateNNPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConvTransposeLowering, DeformConvLowering, CausalConvWithStateLowering,
               LpPoolLowering, MaxPoolWithIndicesLowering, MaxUnpoolLowering, Col2ImLowering,
               ResizeLowering, GridSampleLowering, AffineGridLowering, RoiAlignLowering,
               DftLowering, StftLowering, MelWeightMatrixLowering>(converter,
                                                                   patterns.getContext());
}
