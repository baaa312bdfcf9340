//===- GraphNNOps.cpp - graph dialect: nn ops -----------------------------===//
//
// Result-type inference, verifiers and folders of the ops in GraphNNOps.td. Shape rules follow
// the ONNX operator specification of each op.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/GraphOpUtils.h"

#include <numeric>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

/// Output extent of a pooling window (ONNX Pool shape rule; with `ceilMode` a window that
/// would start in the end padding is dropped).
int64_t poolExtent(int64_t in, int64_t k, int64_t stride, int64_t dilation, int64_t padBegin,
                   int64_t padEnd, bool ceilMode) {
  int64_t span = (k - 1) * dilation + 1;
  int64_t numer = in + padBegin + padEnd - span;
  if (numer < 0)
    return 0;
  int64_t out = (ceilMode ? (numer + stride - 1) / stride : numer / stride) + 1;
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

/// Checks the per-axis window attributes of `spatial` axes; pads may be negative only when
/// `allowNegativePads` (ConvTranspose's output_shape).
LogicalResult checkWindow(std::optional<Location> loc, int64_t spatial, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                          ArrayRef<int64_t> dilations, bool allowNegativePads = false) {
  if ((!kernel.empty() && static_cast<int64_t>(kernel.size()) != spatial) ||
      static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(dilations.size()) != spatial ||
      static_cast<int64_t>(pads.size()) != 2 * spatial)
    return emitOptionalError(loc, "expected ", spatial,
                             " kernel extents, strides and dilations and ", 2 * spatial, " pads");
  for (int64_t k : kernel)
    if (k <= 0 || k > kMaxAttrExtent)
      return emitOptionalError(loc, "kernel extents must be in [1, 2^40]");
  // Upper bounds keep the shape arithmetic (stride * extent + pads + (k - 1) * dilation) in
  // int64 for any extent up to 2^40; real models are far below them.
  constexpr int64_t kMaxStep = kMaxAttrStep, kMaxPad = kMaxAttrExtent;
  for (int64_t s : strides)
    if (s <= 0 || s > kMaxStep)
      return emitOptionalError(loc, "strides must be in [1, ", kMaxStep, "]");
  for (int64_t d : dilations)
    if (d <= 0 || d > kMaxStep)
      return emitOptionalError(loc, "dilations must be in [1, ", kMaxStep, "]");
  for (int64_t p : pads) {
    if (p < 0 && !allowNegativePads)
      return emitOptionalError(loc, "pads must be non-negative");
    if (p > kMaxPad || p < -kMaxPad)
      return emitOptionalError(loc, "pads must be at most ", kMaxPad, " in magnitude");
  }
  return success();
}

/// Result shape of a pooling op over `x`.
FailureOr<SmallVector<int64_t>> poolShape(std::optional<Location> loc, RankedTensorType x,
                                          ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                          ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                                          bool ceilMode) {
  int64_t spatial = x.getRank() - 2;
  if (spatial < 1 || static_cast<int64_t>(kernel.size()) != spatial)
    return emitOptionalError(loc, "pooling expects ", std::max<int64_t>(spatial, 1),
                             " kernel extents for ", x);
  if (failed(checkWindow(loc, spatial, kernel, strides, pads, dilations)))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i)
    shape.push_back(poolExtent(x.getDimSize(i + 2), kernel[i], strides[i], dilations[i], pads[i],
                               pads[i + spatial], ceilMode));
  return shape;
}

} // namespace

//===----------------------------------------------------------------------===//
// ConvTransposeOp
//===----------------------------------------------------------------------===//

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), w = getRanked(adaptor.getWeight());
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return emitOptionalError(loc, "conv_transpose expects input and weight of equal rank >= 3");
  int64_t spatial = x.getRank() - 2;
  if (failed(checkWindow(loc, spatial, {}, adaptor.getStrides(), adaptor.getPads(),
                         adaptor.getDilations(), /*allowNegativePads=*/true)))
    return failure();
  if (static_cast<int64_t>(adaptor.getOutputPadding().size()) != spatial)
    return emitOptionalError(loc, "expected ", spatial, " output_padding values");
  for (int64_t p : adaptor.getOutputPadding())
    if (p < 0 || p > kMaxAttrStep)
      return emitOptionalError(loc, "output_padding must be in [0, 2^20], got ", p);
  int64_t group = static_cast<int64_t>(adaptor.getGroup()), channels;
  if (group < 1 || __builtin_mul_overflow(w.getDimSize(1), group, &channels))
    return emitOptionalError(loc, "group ", group, " is not positive or overflows the channels");
  SmallVector<int64_t> shape = {x.getDimSize(0), channels};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t extent = adaptor.getStrides()[i] * (x.getDimSize(i + 2) - 1) +
                     adaptor.getOutputPadding()[i] +
                     (w.getDimSize(i + 2) - 1) * adaptor.getDilations()[i] + 1 -
                     adaptor.getPads()[i] - adaptor.getPads()[i + spatial];
    if (extent <= 0)
      return emitOptionalError(loc, "conv_transpose output extent ", extent, " along axis ", i + 2,
                               " is not positive");
    shape.push_back(extent);
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult ConvTransposeOp::verify() {
  auto x = getRanked(getInput()), w = getRanked(getWeight());
  int64_t group = getGroup();
  if (group <= 0 || x.getDimSize(1) != w.getDimSize(0) || w.getDimSize(0) % group != 0)
    return emitOpError("input channels ")
           << x.getDimSize(1) << " do not match weight " << w << " with group " << group;
  int64_t m = w.getDimSize(1) * group;
  if (getBias() && getRanked(getBias()).getNumElements() != m)
    return emitOpError("bias must have ") << m << " elements";
  return success();
}

//===----------------------------------------------------------------------===//
// DeformConvOp
//===----------------------------------------------------------------------===//

LogicalResult DeformConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), w = getRanked(adaptor.getWeight());
  auto off = getRanked(adaptor.getOffset());
  if (x.getRank() != 4 || w.getRank() != 4 || off.getRank() != 4)
    return emitOptionalError(loc, "deform_conv expects 2-d (rank 4) input, weight and offset");
  if (failed(
          checkWindow(loc, 2, {}, adaptor.getStrides(), adaptor.getPads(), adaptor.getDilations())))
    return failure();
  inferred.push_back(RankedTensorType::get(
      {x.getDimSize(0), w.getDimSize(0), off.getDimSize(2), off.getDimSize(3)},
      x.getElementType()));
  return success();
}

LogicalResult DeformConvOp::verify() {
  auto x = getRanked(getInput()), w = getRanked(getWeight()), off = getRanked(getOffset());
  int64_t group = getGroup(), og = getOffsetGroup();
  if (group <= 0 || x.getDimSize(1) != static_cast<__int128>(w.getDimSize(1)) * group ||
      w.getDimSize(0) % group != 0)
    return emitOpError("input channels ")
           << x.getDimSize(1) << " do not match weight " << w << " with group " << group;
  int64_t taps = w.getDimSize(2) * w.getDimSize(3);
  if (og <= 0 || x.getDimSize(1) % og != 0 ||
      off.getDimSize(1) != static_cast<__int128>(og) * taps * 2 ||
      off.getDimSize(0) != x.getDimSize(0))
    return emitOpError("offset ") << off << " does not match offset_group " << og << " and " << taps
                                  << " kernel taps";
  // The spatial extents of offset must be those of the convolution.
  for (int64_t i = 0; i < 2; ++i) {
    int64_t span = (w.getDimSize(i + 2) - 1) * getDilations()[i] + 1;
    int64_t out =
        (x.getDimSize(i + 2) + getPads()[i] + getPads()[i + 2] - span) / getStrides()[i] + 1;
    if (off.getDimSize(i + 2) != out)
      return emitOpError("offset extent ") << off.getDimSize(i + 2) << " along axis " << i + 2
                                           << " differs from the output " << out;
  }
  if (getBias() && getRanked(getBias()).getNumElements() != w.getDimSize(0))
    return emitOpError("bias must have ") << w.getDimSize(0) << " elements";
  if (getMask()) {
    auto mask = getRanked(getMask());
    if (mask.getRank() != 4 || mask.getDimSize(0) != x.getDimSize(0) ||
        mask.getDimSize(1) != static_cast<__int128>(og) * taps ||
        mask.getDimSize(2) != off.getDimSize(2) || mask.getDimSize(3) != off.getDimSize(3))
      return emitOpError("mask ") << mask << " does not match offset " << off;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// CausalConvWithStateOp
//===----------------------------------------------------------------------===//

LogicalResult CausalConvWithStateOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                      Adaptor adaptor,
                                                      SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), w = getRanked(adaptor.getWeight());
  if (x.getRank() != 3 || w.getRank() != 3)
    return emitOptionalError(loc, "causal_conv_with_state expects rank-3 input and weight");
  inferred.push_back(x);
  inferred.push_back(RankedTensorType::get({x.getDimSize(0), x.getDimSize(1), w.getDimSize(2) - 1},
                                           x.getElementType()));
  return success();
}

LogicalResult CausalConvWithStateOp::verify() {
  auto x = getRanked(getInput()), w = getRanked(getWeight());
  if (w.getDimSize(0) != x.getDimSize(1) || w.getDimSize(1) != 1 || w.getDimSize(2) < 1)
    return emitOpError("weight ") << w << " must be channels x 1 x k for input " << x;
  if (getBias() && getRanked(getBias()).getNumElements() != x.getDimSize(1))
    return emitOpError("bias must have ") << x.getDimSize(1) << " elements";
  if (getPastState() && getRanked(getPastState()) != getPresentState().getType())
    return emitOpError("past_state must have type ") << getPresentState().getType();
  for (Value v : getOperands())
    if (getRanked(v).getElementType() != x.getElementType())
      return emitOpError("operands must share the element type ") << x.getElementType();
  return success();
}

//===----------------------------------------------------------------------===//
// LpPoolOp, MaxPoolWithIndicesOp, MaxUnpoolOp, Col2ImOp
//===----------------------------------------------------------------------===//

LogicalResult LpPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  auto shape = poolShape(loc, x, adaptor.getKernelShape(), adaptor.getStrides(), adaptor.getPads(),
                         adaptor.getDilations(), adaptor.getCeilMode());
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, x.getElementType()));
  return success();
}

LogicalResult MaxPoolWithIndicesOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                                     Adaptor adaptor,
                                                     SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  auto shape = poolShape(loc, x, adaptor.getKernelShape(), adaptor.getStrides(), adaptor.getPads(),
                         adaptor.getDilations(), adaptor.getCeilMode());
  if (failed(shape))
    return failure();
  if (adaptor.getStorageOrder() != 0 && adaptor.getStorageOrder() != 1)
    return emitOptionalError(loc, "storage_order must be 0 or 1");
  inferred.push_back(RankedTensorType::get(*shape, x.getElementType()));
  inferred.push_back(RankedTensorType::get(*shape, IntegerType::get(ctx, 64)));
  return success();
}

SmallVector<int64_t> MaxUnpoolOp::getUnpooledShape() {
  auto x = getRanked(getInput());
  int64_t spatial = x.getRank() - 2;
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i)
    shape.push_back((x.getDimSize(i + 2) - 1) * getStrides()[i] - getPads()[i] -
                    getPads()[i + spatial] + getKernelShape()[i]);
  return shape;
}

LogicalResult MaxUnpoolOp::verify() {
  auto x = getRanked(getInput()), out = getRanked(getResult());
  int64_t spatial = x.getRank() - 2;
  if (spatial < 1 || failed(checkWindow(getLoc(), spatial, getKernelShape(), getStrides(),
                                        getPads(), SmallVector<int64_t>(spatial, 1))))
    return failure();
  if (getRanked(getIndices()).getShape() != x.getShape())
    return emitOpError("indices must have the shape of the input ") << x;
  if (out.getRank() != x.getRank() || out.getElementType() != x.getElementType())
    return emitOpError("result ") << out << " must have the rank and element type of " << x;
  for (auto [d, unpooled] : llvm::enumerate(getUnpooledShape()))
    if (out.getDimSize(d) < unpooled || (d < 2 && out.getDimSize(d) != unpooled))
      return emitOpError("result ")
             << out << " is smaller than the unpooled extent " << unpooled << " along axis " << d;
  return success();
}

LogicalResult Col2ImOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  ArrayRef<int64_t> image = adaptor.getImageShape(), block = adaptor.getBlockShape();
  int64_t spatial = image.size();
  if (x.getRank() != 3 || spatial < 1 || static_cast<int64_t>(block.size()) != spatial)
    return emitOptionalError(loc, "col2im expects a rank-3 input and equally long image_shape "
                                  "and block_shape");
  if (failed(checkWindow(loc, spatial, block, adaptor.getStrides(), adaptor.getPads(),
                         adaptor.getDilations())))
    return failure();
  for (int64_t d : image)
    if (d < 1 || d > kMaxAttrExtent)
      return emitOptionalError(loc, "image_shape values must be in [1, 2^40], got ", d);
  int64_t blockSize = 1;
  for (int64_t b : block)
    if (__builtin_mul_overflow(blockSize, b, &blockSize) || blockSize > kMaxAttrExtent)
      return emitOptionalError(loc, "block_shape has more than 2^40 elements");
  if (x.getDimSize(1) % blockSize != 0)
    return emitOptionalError(loc, "input dimension 1 (", x.getDimSize(1),
                             ") is not a multiple of the block size ", blockSize);
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1) / blockSize};
  shape.append(image.begin(), image.end());
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult Col2ImOp::verify() {
  int64_t spatial = getImageShape().size();
  __int128 blocks = 1; // up to 2^41 per axis: wide enough for a few axes before the bound
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t span = (getBlockShape()[i] - 1) * getDilations()[i] + 1;
    int64_t n =
        (getImageShape()[i] + getPads()[i] + getPads()[i + spatial] - span) / getStrides()[i] + 1;
    if (n < 1)
      return emitOpError("no sliding block fits along image axis ") << i;
    blocks = std::min<__int128>(blocks * n, __int128(1) << 62);
  }
  if (getRanked(getInput()).getDimSize(2) != blocks)
    return emitOpError("input has ")
           << getRanked(getInput()).getDimSize(2) << " blocks, the image and block shapes give "
           << static_cast<int64_t>(blocks);
  return success();
}

//===----------------------------------------------------------------------===//
// ResizeOp, GridSampleOp, AffineGridOp, RoiAlignOp
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  auto x = getRanked(getInput()), y = getRanked(getResult());
  int64_t rank = x.getRank();
  if (y.getRank() != rank || y.getElementType() != x.getElementType())
    return emitOpError("result ") << y << " must have the rank and element type of " << x;
  if (static_cast<int64_t>(getScales().size()) != rank ||
      static_cast<int64_t>(getRoi().size()) != 2 * rank)
    return emitOpError("expected ") << rank << " scales and " << 2 * rank << " roi values";
  for (double s : getScales())
    if (!(s > 0))
      return emitOpError("scales must be positive, got ") << s;
  if (getAntialias() && getMode() == InterpolationMode::nearest)
    return emitOpError("antialias needs linear or cubic mode");
  return success();
}

LogicalResult GridSampleOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), g = getRanked(adaptor.getGrid());
  if (x.getRank() < 3 || g.getRank() != x.getRank() || g.getDimSize(0) != x.getDimSize(0) ||
      g.getDimSize(g.getRank() - 1) != x.getRank() - 2)
    return emitOptionalError(loc, "grid ", g, " does not match input ", x);
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1)};
  llvm::append_range(shape, g.getShape().drop_front().drop_back());
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult GridSampleOp::verify() {
  if (getMode() == InterpolationMode::cubic && getRanked(getInput()).getRank() != 4)
    return emitOpError("cubic mode needs a 2-d (rank 4) input");
  if (getRanked(getInput()).getRank() > 5)
    return emitOpError("supports 1 to 3 spatial axes");
  return success();
}

LogicalResult AffineGridOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto theta = getRanked(adaptor.getTheta());
  ArrayRef<int64_t> size = adaptor.getSize();
  int64_t nd = static_cast<int64_t>(size.size()) - 2;
  if ((nd != 2 && nd != 3) || theta.getRank() != 3 || theta.getDimSize(0) != size[0] ||
      theta.getDimSize(1) != nd || theta.getDimSize(2) != nd + 1)
    return emitOptionalError(loc, "theta ", theta, " does not match a size of ", size.size(),
                             " values");
  SmallVector<int64_t> shape = {size[0]};
  shape.append(size.begin() + 2, size.end());
  shape.push_back(nd);
  inferred.push_back(RankedTensorType::get(shape, theta.getElementType()));
  return success();
}

LogicalResult RoiAlignOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), rois = getRanked(adaptor.getRois());
  if (x.getRank() != 4 || rois.getRank() != 2 || rois.getDimSize(1) != 4)
    return emitOptionalError(loc, "roi_align expects an N x C x H x W input and R x 4 rois");
  inferred.push_back(RankedTensorType::get({rois.getDimSize(0), x.getDimSize(1),
                                            static_cast<int64_t>(adaptor.getOutputHeight()),
                                            static_cast<int64_t>(adaptor.getOutputWidth())},
                                           x.getElementType()));
  return success();
}

LogicalResult RoiAlignOp::verify() {
  auto idx = getRanked(getBatchIndices());
  if (idx.getRank() != 1 || idx.getDimSize(0) != getRanked(getRois()).getDimSize(0))
    return emitOpError("batch_indices must have one entry per roi");
  if (static_cast<int64_t>(getOutputHeight()) <= 0 || static_cast<int64_t>(getOutputWidth()) <= 0 ||
      static_cast<int64_t>(getSamplingRatio()) < 0 || getSamplingRatio() > uint64_t(kMaxAttrStep))
    return emitOpError("output extents must be positive and sampling_ratio in [0, 2^20]");
  if (getRanked(getRois()).getElementType() != getRanked(getInput()).getElementType())
    return emitOpError("rois must have the input's element type");
  return success();
}

//===----------------------------------------------------------------------===//
// DftOp, StftOp, MelWeightMatrixOp
//===----------------------------------------------------------------------===//

LogicalResult DftOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput());
  int64_t rank = x.getRank(), axis = adaptor.getAxis(), n = adaptor.getDftLength();
  if (rank < 2 || (x.getDimSize(rank - 1) != 1 && x.getDimSize(rank - 1) != 2))
    return emitOptionalError(loc, "dft expects a last axis of 1 or 2 components, got ", x);
  if (axis < 0 || axis >= rank - 1)
    return emitOptionalError(loc, "dft axis ", axis, " is out of range for ", x);
  if (n < 1)
    return emitOptionalError(loc, "dft_length must be positive, got ", n);
  SmallVector<int64_t> shape(x.getShape());
  bool inverse = adaptor.getInverse(), onesided = adaptor.getOnesided();
  shape[axis] = !inverse && onesided ? n / 2 + 1 : n;
  shape[rank - 1] = inverse && onesided ? 1 : 2;
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult StftOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getSignal());
  int64_t step = adaptor.getFrameStep(), len = adaptor.getFrameLength();
  if (x.getRank() != 3 || (x.getDimSize(2) != 1 && x.getDimSize(2) != 2))
    return emitOptionalError(loc, "stft expects a batch x length x 1|2 signal, got ", x);
  if (step < 1 || len < 1 || len > x.getDimSize(1))
    return emitOptionalError(loc, "invalid frame_step ", step, " or frame_length ", len,
                             " for a signal of length ", x.getDimSize(1));
  int64_t frames = 1 + (x.getDimSize(1) - len) / step;
  int64_t bins = adaptor.getOnesided() ? len / 2 + 1 : len;
  inferred.push_back(RankedTensorType::get({x.getDimSize(0), frames, bins, 2}, x.getElementType()));
  return success();
}

LogicalResult StftOp::verify() {
  if (getWindow() && (getRanked(getWindow()).getRank() != 1 ||
                      getRanked(getWindow()).getDimSize(0) != getFrameLength()))
    return emitOpError("window must hold frame_length = ") << getFrameLength() << " values";
  return success();
}

LogicalResult MelWeightMatrixOp::verify() {
  for (Value v : getOperands())
    if (getRanked(v).getNumElements() != 1)
      return emitOpError("expects one-element sample_rate and edge frequencies");
  auto y = getRanked(getResult());
  if (y.getRank() != 2 || getDftLength() < 1 ||
      y.getDimSize(0) != static_cast<int64_t>(getDftLength()) / 2 + 1)
    return emitOpError("result ") << y << " must have dft_length / 2 + 1 rows";
  return success();
}
