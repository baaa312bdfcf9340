//===- NNHandlers.cpp - ONNX handlers: nn ---------------------------------===//
//
// Importer handlers of one op family: convolution/pooling variants (ConvTranspose, DeformConv,
// CausalConvWithState, LpPool, MaxPool with Indices, MaxUnpool, Col2Im), resizing and sampling
// (Resize, Upsample, GridSample, AffineGrid, RoiAlign) and signal processing (DFT, STFT, the
// window functions, MelWeightMatrix). Registered into the handler table by registerNNHandlers
// (see OpHandlers.h for the handler contract and the shared helpers). Semantics follow
// https://onnx.ai/onnx/operators/ per op and version; where the specification leaves a
// detail open, the ONNX reference implementation (onnx.reference) decides.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"

#include "compiler/import/TensorImport.h"
#include "dialects/Graph/GraphOps.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

static constexpr double kPi = 3.14159265358979323846;

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

namespace {

/// Python's floor division (ONNX's formulas are written with it; C++ truncates).
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// An optional input that is present and holds at least one element.
bool hasNonEmptyInput(NodeContext &n, unsigned i) {
  Value v = n.optionalInput(i);
  return v && typeOf(v).getNumElements() > 0;
}

/// Reads an integer list attribute of `size` values (default `fill`), reporting a wrong length.
std::optional<SmallVector<int64_t>> listAttr(NodeContext &n, StringRef name, size_t size,
                                             int64_t fill) {
  SmallVector<int64_t> values = n.getInts(name).value_or(SmallVector<int64_t>(size, fill));
  if (values.size() != size) {
    n.emitError() << "attribute '" << name << "' has " << values.size() << " values, expected "
                  << size;
    return std::nullopt;
  }
  return values;
}

/// The one value of a constant scalar (0-d or 1-element) input.
std::optional<int64_t> getConstantScalar(NodeContext &n, unsigned i, StringRef what) {
  auto values = n.getConstantInts(i, what);
  if (!values)
    return std::nullopt;
  if (values->size() != 1) {
    n.emitError() << "input '" << what << "' must hold one value, got " << values->size();
    return std::nullopt;
  }
  return values->front();
}

/// The element type named by an `output_datatype` attribute (default float).
Type getOutputDatatype(NodeContext &n) {
  int64_t dataType = n.getInt("output_datatype", 1);
  Type type = getElementType(n.getContext(), static_cast<int32_t>(dataType));
  if (!type)
    n.emitError() << "unsupported output_datatype " << getDataTypeName(dataType);
  return type;
}

//===--- Convolution and pooling variants ------------------------------------===//

/// ConvTranspose (opsets 1, 11, 22). `output_shape` and `auto_pad` become explicit pads with the
/// specification's rule: total = stride * (in - 1) + output_padding + (k - 1) * dilation + 1 -
/// out, split in half with the odd element at the end for SAME_UPPER and at the start
/// otherwise (Python floor division, so an output larger than the full result yields a
/// negative end pad).
LogicalResult convertConvTranspose(NodeContext &n) {
  Value x = n.input(0), weight = n.input(1);
  if (!x || !weight)
    return failure();
  auto xt = typeOf(x), wt = typeOf(weight);
  if (xt.getRank() < 3 || wt.getRank() != xt.getRank())
    return n.emitError() << "expected input and weight of equal rank >= 3, got " << xt << " and "
                         << wt;
  size_t spatial = xt.getRank() - 2;
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  if (auto ks = n.getInts("kernel_shape"); ks && *ks != kernel)
    return n.emitError() << "attribute 'kernel_shape' does not match weight " << wt;
  auto strides = listAttr(n, "strides", spatial, 1);
  auto dilations = listAttr(n, "dilations", spatial, 1);
  auto outputPadding = listAttr(n, "output_padding", spatial, 0);
  if (!strides || !dilations || !outputPadding)
    return failure();
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  auto outputShape = n.getInts("output_shape");
  SmallVector<int64_t> pads(2 * spatial, 0);
  if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    SmallVector<int64_t> out;
    if (outputShape) {
      // output_shape may name every dimension or only the spatial ones.
      out.assign(outputShape->begin(), outputShape->end());
      if (out.size() == spatial + 2)
        out.erase(out.begin(), out.begin() + 2);
      if (out.size() != spatial)
        return n.emitError() << "attribute 'output_shape' has " << outputShape->size()
                             << " values for " << spatial << " spatial axes";
    } else {
      for (size_t i = 0; i < spatial; ++i)
        out.push_back(static_cast<int64_t>(std::clamp<__int128>(
            static_cast<__int128>(xt.getDimSize(i + 2)) * (*strides)[i], 0, kMaxElements + 1)));
    }
    for (size_t i = 0; i < spatial; ++i) {
      // In 128 bits: the attributes are untrusted and their products overflow int64 (fuzzer).
      __int128 full = static_cast<__int128>((*strides)[i]) * (xt.getDimSize(i + 2) - 1) +
                      (*outputPadding)[i] + static_cast<__int128>(kernel[i] - 1) * (*dilations)[i] +
                      1;
      __int128 wide = full - out[i];
      if (out[i] < 0 || out[i] > kMaxElements || full < 0 || full > kMaxElements ||
          wide < -kMaxElements || wide > kMaxElements)
        return n.emitError() << "output size " << out[i] << " of spatial axis " << i
                             << " is out of range for these strides, dilations and paddings";
      int64_t total = static_cast<int64_t>(wide);
      int64_t half = floorDiv(total, 2);
      pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
      pads[i + spatial] = total - pads[i];
    }
  } else if (autoPad == "NOTSET") {
    auto explicitPads = listAttr(n, "pads", 2 * spatial, 0);
    if (!explicitPads)
      return failure();
    pads = *explicitPads;
  } else if (autoPad != "VALID") {
    return n.emitError() << "unsupported auto_pad value '" << autoPad << "'";
  }
  SmallVector<Value> operands = {x, weight};
  if (Value bias = n.optionalInput(2))
    operands.push_back(bias);
  return bind(n, n.create<ConvTransposeOp>(operands, {n.arrayAttr("strides", *strides),
                                                      n.arrayAttr("pads", pads),
                                                      n.arrayAttr("dilations", *dilations),
                                                      n.arrayAttr("output_padding", *outputPadding),
                                                      n.i64Attr("group", n.getInt("group", 1))}));
}

/// DeformConv (opsets 19, 22), 2-d.
LogicalResult convertDeformConv(NodeContext &n) {
  Value x = n.input(0), weight = n.input(1), offset = n.input(2);
  if (!x || !weight || !offset)
    return failure();
  auto xt = typeOf(x), wt = typeOf(weight);
  if (xt.getRank() != 4 || wt.getRank() != 4)
    return n.emitError() << "only 2-d deformable convolution is supported, got input " << xt;
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  if (auto ks = n.getInts("kernel_shape"); ks && *ks != kernel)
    return n.emitError() << "attribute 'kernel_shape' does not match weight " << wt;
  auto strides = listAttr(n, "strides", 2, 1);
  auto dilations = listAttr(n, "dilations", 2, 1);
  auto pads = listAttr(n, "pads", 4, 0);
  if (!strides || !dilations || !pads)
    return failure();
  SmallVector<Value> operands = {x, weight, offset};
  Value bias = n.optionalInput(3), mask = n.optionalInput(4);
  if (bias)
    operands.push_back(bias);
  if (mask)
    operands.push_back(mask);
  OpBuilder &b = n.getBuilder();
  return bind(
      n,
      n.create<DeformConvOp>(
          operands, {n.arrayAttr("strides", *strides), n.arrayAttr("pads", *pads),
                     n.arrayAttr("dilations", *dilations), n.i64Attr("group", n.getInt("group", 1)),
                     n.i64Attr("offset_group", n.getInt("offset_group", 1)),
                     n.namedAttr("operandSegmentSizes",
                                 b.getDenseI32ArrayAttr({1, 1, 1, bias ? 1 : 0, mask ? 1 : 0}))}));
}

/// CausalConvWithState (opset 27): activation 'none', 'silu' or its alias 'swish'.
LogicalResult checkCausalConvWithState(NodeView &n) {
  std::string act = n.getString("activation", "none");
  if (act != "none" && act != "silu" && act != "swish")
    n.emitError() << "unsupported activation '" << act << "'";
  return success(!n.hasFailed());
}

LogicalResult convertCausalConvWithState(NodeContext &n) {
  Value x = n.input(0), weight = n.input(1);
  if (!x || !weight)
    return failure();
  SmallVector<Value> operands = {x, weight};
  Value bias = n.optionalInput(2), past = n.optionalInput(3);
  if (bias)
    operands.push_back(bias);
  if (past)
    operands.push_back(past);
  std::string act = n.getString("activation", "none");
  OpBuilder &b = n.getBuilder();
  // Two results: create<> infers both types.
  Value out = n.create<CausalConvWithStateOp>(
      operands, {n.namedAttr("silu", b.getBoolAttr(act != "none")),
                 n.namedAttr("operandSegmentSizes",
                             b.getDenseI32ArrayAttr({1, 1, bias ? 1 : 0, past ? 1 : 0}))});
  if (!out)
    return failure();
  auto op = out.getDefiningOp<CausalConvWithStateOp>();
  n.setOutput(0, op.getOutput());
  n.setOutput(1, op.getPresentState());
  return success();
}

/// Shared by the pools: the kernel_shape attribute, checked against the input rank.
std::optional<SmallVector<int64_t>> getKernelShape(NodeContext &n, RankedTensorType xt) {
  SmallVector<int64_t> kernel = n.getInts("kernel_shape").value_or(SmallVector<int64_t>());
  if (xt.getRank() < 3 || static_cast<int64_t>(kernel.size()) != xt.getRank() - 2) {
    n.emitError() << "attribute 'kernel_shape' has " << kernel.size() << " values for input " << xt;
    return std::nullopt;
  }
  return kernel;
}

LogicalResult checkKernelShape(NodeView &n) {
  (void)checkAutoPad(n);
  if (!n.hasAttr("kernel_shape"))
    n.emitError() << "missing required attribute 'kernel_shape'";
  return success(!n.hasFailed());
}

/// MaxPool (opsets 1-22). Without a used Indices output it is a plain graph.pool; with one, a
/// graph.max_pool_with_indices (storage_order selects the index layout).
LogicalResult checkMaxPool(NodeView &n) {
  (void)checkKernelShape(n);
  int64_t order = n.getInt("storage_order", 0);
  if (order != 0 && order != 1)
    n.emitError() << "storage_order must be 0 or 1, got " << order;
  return success(!n.hasFailed());
}

LogicalResult convertMaxPool(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  auto kernel = getKernelShape(n, xt);
  if (!kernel)
    return failure();
  auto window = getWindow(n, xt.getShape().drop_front(2), *kernel);
  if (!window)
    return failure();
  OpBuilder &b = n.getBuilder();
  SmallVector<NamedAttribute> attrs = {
      n.arrayAttr("kernel_shape", *kernel), n.arrayAttr("strides", window->strides),
      n.arrayAttr("pads", window->pads), n.arrayAttr("dilations", window->dilations),
      n.namedAttr("ceil_mode", b.getBoolAttr(n.getInt("ceil_mode", 0) != 0))};
  if (!n.isOutputUsed(1)) {
    attrs.push_back(n.namedAttr("kind", PoolKindAttr::get(n.getContext(), PoolKind::max)));
    return bind(n, n.create<PoolOp>(x, attrs));
  }
  attrs.push_back(n.i64Attr("storage_order", n.getInt("storage_order", 0)));
  Value values = n.create<MaxPoolWithIndicesOp>(x, attrs); // infers both results
  if (!values)
    return failure();
  auto op = values.getDefiningOp<MaxPoolWithIndicesOp>();
  n.setOutput(0, op.getValues());
  n.setOutput(1, op.getIndices());
  return success();
}

/// LpPool (p: a float attribute in opset 1, an integer from opset 2; dilations and ceil_mode
/// from opset 18) and GlobalLpPool.
LogicalResult convertLpPool(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  auto kernel = getKernelShape(n, xt);
  if (!kernel)
    return failure();
  auto window = getWindow(n, xt.getShape().drop_front(2), *kernel);
  if (!window)
    return failure();
  return bind(
      n, n.create<LpPoolOp>(
             x, {n.namedAttr("p", n.getBuilder().getF64FloatAttr(n.getFloat("p", 2.0f))),
                 n.arrayAttr("kernel_shape", *kernel), n.arrayAttr("strides", window->strides),
                 n.arrayAttr("pads", window->pads), n.arrayAttr("dilations", window->dilations),
                 n.namedAttr("ceil_mode",
                             n.getBuilder().getBoolAttr(n.getInt("ceil_mode", 0) != 0))}));
}

LogicalResult convertGlobalLpPool(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  auto xt = typeOf(x);
  if (xt.getRank() < 3)
    return n.emitError() << "expected an input of rank >= 3, got " << xt;
  size_t spatial = xt.getRank() - 2;
  return bind(n, n.create<LpPoolOp>(
                     x, {n.namedAttr("p", n.getBuilder().getF64FloatAttr(n.getFloat("p", 2.0f))),
                         n.arrayAttr("kernel_shape", xt.getShape().drop_front(2)),
                         n.arrayAttr("strides", SmallVector<int64_t>(spatial, 1)),
                         n.arrayAttr("pads", SmallVector<int64_t>(2 * spatial, 0)),
                         n.arrayAttr("dilations", SmallVector<int64_t>(spatial, 1)),
                         n.namedAttr("ceil_mode", n.getBuilder().getBoolAttr(false))}));
}

/// MaxUnpool (opsets 9, 11, 22): the optional output_shape input is a constant.
LogicalResult convertMaxUnpool(NodeContext &n) {
  Value x = n.input(0), indices = n.input(1);
  if (!x || !indices)
    return failure();
  auto xt = typeOf(x);
  auto kernel = getKernelShape(n, xt);
  if (!kernel)
    return failure();
  size_t spatial = kernel->size();
  auto strides = listAttr(n, "strides", spatial, 1);
  auto pads = listAttr(n, "pads", 2 * spatial, 0);
  if (!strides || !pads)
    return failure();
  if (!typeOf(indices).getElementType().isInteger(64))
    return n.emitError() << "indices must be int64, got " << typeOf(indices);
  SmallVector<int64_t> shape = {xt.getDimSize(0), xt.getDimSize(1)};
  for (size_t i = 0; i < spatial; ++i) {
    // Attributes are unbounded here: compute in 128 bits and range-check.
    __int128 extent = static_cast<__int128>(xt.getDimSize(i + 2) - 1) * (*strides)[i] - (*pads)[i] -
                      (*pads)[i + spatial] + (*kernel)[i];
    if (extent < 0 || extent > kMaxElements)
      return n.emitError() << "output extent along axis " << i + 2
                           << " is out of range for these kernel_shape, strides and pads";
    shape.push_back(static_cast<int64_t>(extent));
  }
  if (hasNonEmptyInput(n, 2)) {
    auto outputShape = n.getConstantInts(2, "output_shape");
    if (!outputShape)
      return failure();
    if (outputShape->size() != shape.size())
      return n.emitError() << "input 'output_shape' has " << outputShape->size()
                           << " values for an input of rank " << shape.size();
    shape = *outputShape;
  }
  return bind(n,
              n.create<MaxUnpoolOp>({x, indices},
                                    {n.arrayAttr("kernel_shape", *kernel),
                                     n.arrayAttr("strides", *strides), n.arrayAttr("pads", *pads)},
                                    RankedTensorType::get(shape, xt.getElementType())));
}

/// Col2Im (opset 18): image_shape and block_shape are constant inputs.
LogicalResult convertCol2Im(NodeContext &n) {
  Value x = n.input(0);
  auto image = n.getConstantInts(1, "image_shape");
  auto block = n.getConstantInts(2, "block_shape");
  if (!x || !image || !block)
    return failure();
  size_t spatial = image->size();
  auto strides = listAttr(n, "strides", spatial, 1);
  auto dilations = listAttr(n, "dilations", spatial, 1);
  auto pads = listAttr(n, "pads", 2 * spatial, 0);
  if (!strides || !dilations || !pads)
    return failure();
  return bind(n, n.create<Col2ImOp>(
                     x, {n.arrayAttr("image_shape", *image), n.arrayAttr("block_shape", *block),
                         n.arrayAttr("strides", *strides), n.arrayAttr("pads", *pads),
                         n.arrayAttr("dilations", *dilations)}));
}

//===--- Resizing and sampling -----------------------------------------------===//

/// The resize semantics gathered from one node, before the op is built.
struct ResizeSpec {
  InterpolationMode mode = InterpolationMode::nearest;
  CoordinateTransform transform = CoordinateTransform::half_pixel;
  NearestMode nearest = NearestMode::round_prefer_floor;
};

/// Builds graph.resize for `x` from per-axis scales or sizes (over `axes`), the roi (2 *
/// axes values, may be empty) and the keep_aspect_ratio_policy, with the output extents of
/// the ONNX reference: floor(scale * in) from scales; from sizes, the sizes themselves (or,
/// under a keep-aspect policy, round-half-up of the common scale times the input extent).
LogicalResult buildResize(NodeContext &n, Value x, const ResizeSpec &spec, ArrayRef<int64_t> axes,
                          std::optional<SmallVector<double>> scales,
                          std::optional<SmallVector<int64_t>> sizes, ArrayRef<double> roiIn,
                          StringRef policy) {
  auto xt = typeOf(x);
  int64_t rank = xt.getRank();
  ArrayRef<int64_t> in = xt.getShape();
  SmallVector<double> scale(rank, 1.0), roi(2 * rank, 0.0);
  SmallVector<int64_t> out(in);
  for (int64_t d = 0; d < rank; ++d)
    roi[rank + d] = 1.0;
  size_t naxes = axes.size();
  if (!roiIn.empty()) {
    if (roiIn.size() != 2 * naxes)
      return n.emitError() << "input 'roi' has " << roiIn.size() << " values, expected "
                           << 2 * naxes;
    for (auto [i, d] : llvm::enumerate(axes)) {
      roi[d] = roiIn[i];
      roi[rank + d] = roiIn[naxes + i];
    }
  }
  if (sizes) {
    if (sizes->size() != naxes)
      return n.emitError() << "input 'sizes' has " << sizes->size() << " values, expected "
                           << naxes;
    for (auto [i, d] : llvm::enumerate(axes)) {
      if ((*sizes)[i] <= 0)
        return n.emitError() << "sizes must be positive, got " << (*sizes)[i];
      out[d] = (*sizes)[i];
      scale[d] = static_cast<double>(out[d]) / static_cast<double>(in[d]);
    }
    if (policy != "stretch") {
      if (policy != "not_larger" && policy != "not_smaller")
        return n.emitError() << "unsupported keep_aspect_ratio_policy '" << policy << "'";
      double common = scale[axes.front()];
      for (int64_t d : axes)
        common = policy == "not_larger" ? std::min(common, scale[d]) : std::max(common, scale[d]);
      for (int64_t d : axes) {
        scale[d] = common;
        double size = common * static_cast<double>(in[d]) + 0.5;
        if (!(size < double(kMaxElements)))
          return n.emitError() << "output size " << size << " along axis " << d << " is too large";
        out[d] = static_cast<int64_t>(size);
      }
    }
  } else if (scales) {
    if (scales->size() != naxes)
      return n.emitError() << "input 'scales' has " << scales->size() << " values, expected "
                           << naxes;
    for (auto [i, d] : llvm::enumerate(axes)) {
      if (!((*scales)[i] > 0))
        return n.emitError() << "scales must be positive, got " << (*scales)[i];
      scale[d] = (*scales)[i];
      double size = std::floor(scale[d] * static_cast<double>(in[d]));
      if (!(size < double(kMaxElements)))
        return n.emitError() << "scale " << scale[d] << " gives an output size " << size
                             << " along axis " << d << ", too large";
      out[d] = static_cast<int64_t>(size);
      if (out[d] <= 0)
        return n.emitError() << "scale " << scale[d] << " gives an empty output along axis " << d;
    }
  } else {
    return n.emitError() << "needs either 'scales' or 'sizes'";
  }
  MLIRContext *ctx = n.getContext();
  OpBuilder &b = n.getBuilder();
  return bind(
      n, n.create<ResizeOp>(
             x,
             {n.namedAttr("mode", InterpolationModeAttr::get(ctx, spec.mode)),
              n.namedAttr("coordinate_transformation_mode",
                          CoordinateTransformAttr::get(ctx, spec.transform)),
              n.namedAttr("nearest_mode", NearestModeAttr::get(ctx, spec.nearest)),
              n.namedAttr("cubic_coeff_a", b.getF64FloatAttr(n.getFloat("cubic_coeff_a", -0.75f))),
              n.namedAttr("exclude_outside", b.getBoolAttr(n.getInt("exclude_outside", 0) != 0)),
              n.namedAttr("extrapolation_value",
                          b.getF64FloatAttr(n.getFloat("extrapolation_value", 0.0f))),
              n.namedAttr("antialias", b.getBoolAttr(n.getInt("antialias", 0) != 0)),
              n.namedAttr("scales", b.getDenseF64ArrayAttr(scale)),
              n.namedAttr("roi", b.getDenseF64ArrayAttr(roi))},
             RankedTensorType::get(out, xt.getElementType())));
}

/// Upsample's and Resize-10's mode: nearest (floor of the asymmetric source coordinate, as
/// np.repeat in the reference) or linear.
std::optional<ResizeSpec> getLegacyResizeSpec(NodeView &n) {
  std::string mode = n.getString("mode", "nearest");
  ResizeSpec spec;
  spec.transform = CoordinateTransform::asymmetric;
  spec.nearest = NearestMode::floor;
  if (mode == "nearest")
    spec.mode = InterpolationMode::nearest;
  else if (mode == "linear" || mode == "bilinear")
    spec.mode = InterpolationMode::linear;
  else {
    n.emitError() << "unsupported mode '" << mode << "'";
    return std::nullopt;
  }
  return spec;
}

std::optional<ResizeSpec> getResizeSpec(NodeView &n) {
  if (n.getOpType() == "Upsample" || n.getOpset() < 11)
    return getLegacyResizeSpec(n);
  ResizeSpec spec;
  std::string mode = n.getString("mode", "nearest");
  std::string transform = n.getString("coordinate_transformation_mode", "half_pixel");
  std::string nearest = n.getString("nearest_mode", "round_prefer_floor");
  auto m = symbolizeInterpolationMode(mode);
  auto t = symbolizeCoordinateTransform(transform);
  auto r = symbolizeNearestMode(nearest);
  if (!m)
    n.emitError() << "unsupported mode '" << mode << "'";
  if (!t)
    n.emitError() << "unsupported coordinate_transformation_mode '" << transform << "'";
  if (!r)
    n.emitError() << "unsupported nearest_mode '" << nearest << "'";
  if (!m || !t || !r)
    return std::nullopt;
  if (*m == InterpolationMode::nearest && n.getInt("antialias", 0) != 0) {
    n.emitError() << "antialias is not defined for mode 'nearest'";
    return std::nullopt;
  }
  spec.mode = *m;
  spec.transform = *t;
  spec.nearest = *r;
  return spec;
}

LogicalResult checkResize(NodeView &n) { return success(getResizeSpec(n).has_value()); }

/// Constant float values of input i (roi, scales).
std::optional<SmallVector<double>> getConstantDoubles(NodeContext &n, unsigned i, StringRef what) {
  auto cst = n.getConstantInput(i, what);
  if (!cst)
    return std::nullopt;
  SmallVector<double> values;
  for (int64_t k = 0; k < cst->getNumElements(); ++k)
    values.push_back(cst->getDouble(k));
  return values;
}

/// Resize: opset 10 (X, scales), 11/13 (X, roi, scales, sizes), 18/19 (axes,
/// keep_aspect_ratio_policy, antialias, half_pixel_symmetric).
LogicalResult convertResize(NodeContext &n) {
  Value x = n.input(0);
  auto spec = getResizeSpec(n);
  if (!x || !spec)
    return failure();
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> axes;
  if (auto a = n.getInts("axes"); a && n.getOpset() >= 18) {
    for (int64_t v : *a) {
      auto axis = n.normalizeAxis(v, rank, "axis");
      if (!axis)
        return failure();
      if (llvm::is_contained(axes, *axis))
        return n.emitError() << "axis " << v << " is repeated in 'axes'";
      axes.push_back(*axis);
    }
  } else {
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  std::optional<SmallVector<double>> scales, roi;
  std::optional<SmallVector<int64_t>> sizes;
  if (n.getOpset() < 11) {
    if (!(scales = getConstantDoubles(n, 1, "scales")))
      return failure();
  } else {
    if (hasNonEmptyInput(n, 1) && spec->transform == CoordinateTransform::tf_crop_and_resize &&
        !(roi = getConstantDoubles(n, 1, "roi")))
      return failure();
    if (hasNonEmptyInput(n, 3)) {
      if (hasNonEmptyInput(n, 2))
        return n.emitError() << "only one of 'scales' and 'sizes' may be given";
      if (!(sizes = n.getConstantInts(3, "sizes")))
        return failure();
    } else if (hasNonEmptyInput(n, 2) && !(scales = getConstantDoubles(n, 2, "scales"))) {
      return failure();
    }
  }
  std::string policy = n.getOpset() >= 18 ? n.getString("keep_aspect_ratio_policy", "stretch")
                                          : std::string("stretch");
  return buildResize(n, x, *spec, axes, scales, sizes, roi.value_or(SmallVector<double>()), policy);
}

/// Upsample (opset 7: scales attribute; 9: scales input). Opset 10 deprecated it.
LogicalResult convertUpsample(NodeContext &n) {
  Value x = n.input(0);
  auto spec = getLegacyResizeSpec(n);
  if (!x || !spec)
    return failure();
  if (n.getOpset() < 7)
    return n.emitError() << "Upsample before opset 7 (experimental width/height scales) is not "
                            "supported";
  std::optional<SmallVector<double>> scales;
  if (n.getOpset() < 9) {
    auto attr = n.getFloats("scales");
    if (!attr)
      return n.emitError() << "missing required attribute 'scales'";
    scales = SmallVector<double>(attr->begin(), attr->end());
  } else if (!(scales = getConstantDoubles(n, 1, "scales"))) {
    return failure();
  }
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, typeOf(x).getRank()));
  return buildResize(n, x, *spec, axes, scales, std::nullopt, {}, "stretch");
}

/// GridSample: opset 16 names the modes bilinear/bicubic, opset 20 linear/cubic.
LogicalResult checkGridSample(NodeView &n) {
  std::string mode = n.getString("mode", n.getOpset() >= 20 ? "linear" : "bilinear");
  std::string padding = n.getString("padding_mode", "zeros");
  if (mode != "linear" && mode != "bilinear" && mode != "nearest" && mode != "cubic" &&
      mode != "bicubic")
    n.emitError() << "unsupported mode '" << mode << "'";
  if (!symbolizePaddingMode(padding))
    n.emitError() << "unsupported padding_mode '" << padding << "'";
  return success(!n.hasFailed());
}

LogicalResult convertGridSample(NodeContext &n) {
  Value x = floatInput(n), grid = n.input(1);
  if (!x || !grid)
    return failure();
  std::string mode = n.getString("mode", n.getOpset() >= 20 ? "linear" : "bilinear");
  InterpolationMode m = mode == "nearest"                        ? InterpolationMode::nearest
                        : (mode == "cubic" || mode == "bicubic") ? InterpolationMode::cubic
                                                                 : InterpolationMode::linear;
  auto padding = symbolizePaddingMode(n.getString("padding_mode", "zeros"));
  if (!padding)
    return failure();
  MLIRContext *ctx = n.getContext();
  return bind(n, n.create<GridSampleOp>(
                     {x, grid}, {n.namedAttr("mode", InterpolationModeAttr::get(ctx, m)),
                                 n.namedAttr("padding_mode", PaddingModeAttr::get(ctx, *padding)),
                                 n.namedAttr("align_corners", n.getBuilder().getBoolAttr(
                                                                  n.getInt("align_corners", 0)))}));
}

/// AffineGrid (opset 20): size is a constant input.
LogicalResult convertAffineGrid(NodeContext &n) {
  Value theta = floatInput(n);
  auto size = n.getConstantInts(1, "size");
  if (!theta || !size)
    return failure();
  return bind(n, n.create<AffineGridOp>(
                     theta, {n.arrayAttr("size", *size),
                             n.namedAttr("align_corners", n.getBuilder().getBoolAttr(
                                                              n.getInt("align_corners", 0)))}));
}

/// RoiAlign: opset 10 always shifts by nothing (output_half_pixel); opset 16 added
/// coordinate_transformation_mode with default half_pixel.
LogicalResult checkRoiAlign(NodeView &n) {
  std::string mode = n.getString("mode", "avg");
  if (mode != "avg" && mode != "max")
    n.emitError() << "unsupported mode '" << mode << "'";
  std::string transform = n.getString("coordinate_transformation_mode", "half_pixel");
  if (transform != "half_pixel" && transform != "output_half_pixel")
    n.emitError() << "unsupported coordinate_transformation_mode '" << transform << "'";
  return success(!n.hasFailed());
}

LogicalResult convertRoiAlign(NodeContext &n) {
  Value x = floatInput(n), rois = n.input(1), indices = n.input(2);
  if (!x || !rois || !indices)
    return failure();
  bool halfPixel = n.getOpset() >= 16 &&
                   n.getString("coordinate_transformation_mode", "half_pixel") == "half_pixel";
  OpBuilder &b = n.getBuilder();
  PoolKind mode = n.getString("mode", "avg") == "max" ? PoolKind::max : PoolKind::avg;
  return bind(
      n, n.create<RoiAlignOp>(
             {x, rois, indices},
             {n.namedAttr("mode", PoolKindAttr::get(n.getContext(), mode)),
              n.i64Attr("output_height", n.getInt("output_height", 1)),
              n.i64Attr("output_width", n.getInt("output_width", 1)),
              n.i64Attr("sampling_ratio", n.getInt("sampling_ratio", 0)),
              n.namedAttr("spatial_scale", b.getF64FloatAttr(n.getFloat("spatial_scale", 1.0f))),
              n.namedAttr("half_pixel", b.getBoolAttr(halfPixel))}));
}

//===--- Signal processing ---------------------------------------------------===//

/// DFT: opset 17 takes axis as an attribute (default 1), opset 20 as an optional constant
/// input (default -2); dft_length is an optional constant input. The axis may not be the last
/// (component) axis.
LogicalResult convertDft(NodeContext &n) {
  Value x = floatInput(n);
  if (!x)
    return failure();
  int64_t rank = typeOf(x).getRank();
  int64_t axis = n.getOpset() >= 20 ? -2 : n.getInt("axis", 1);
  if (n.getOpset() >= 20 && hasNonEmptyInput(n, 2)) {
    auto a = getConstantScalar(n, 2, "axis");
    if (!a)
      return failure();
    axis = *a;
  }
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank - 1)
    return n.emitError() << "axis " << axis << " is out of range for " << typeOf(x)
                         << " (the last axis holds the components)";
  bool inverse = n.getInt("inverse", 0) != 0, onesided = n.getInt("onesided", 0) != 0;
  int64_t length =
      inverse && onesided ? 2 * (typeOf(x).getDimSize(axis) - 1) : typeOf(x).getDimSize(axis);
  if (hasNonEmptyInput(n, 1)) {
    auto l = getConstantScalar(n, 1, "dft_length");
    if (!l)
      return failure();
    length = *l;
  }
  OpBuilder &b = n.getBuilder();
  return bind(n, n.create<DftOp>(x, {n.i64Attr("axis", axis), n.i64Attr("dft_length", length),
                                     n.namedAttr("inverse", b.getBoolAttr(inverse)),
                                     n.namedAttr("onesided", b.getBoolAttr(onesided))}));
}

/// STFT (opset 17): frame_step and frame_length are constant inputs; frame_length defaults
/// to the window's length.
LogicalResult convertStft(NodeContext &n) {
  Value x = floatInput(n);
  auto step = getConstantScalar(n, 1, "frame_step");
  if (!x || !step)
    return failure();
  if (typeOf(x).getRank() != 3)
    return n.emitError() << "signal must be batch x length x 1|2, got " << typeOf(x);
  Value window = n.optionalInput(2);
  int64_t length = window ? typeOf(window).getNumElements() : typeOf(x).getDimSize(1);
  if (hasNonEmptyInput(n, 3)) {
    auto l = getConstantScalar(n, 3, "frame_length");
    if (!l)
      return failure();
    length = *l;
  }
  SmallVector<Value> operands = {x};
  if (window)
    operands.push_back(window);
  return bind(n, n.create<StftOp>(
                     operands, {n.i64Attr("frame_step", *step), n.i64Attr("frame_length", length),
                                n.namedAttr("onesided",
                                            n.getBuilder().getBoolAttr(n.getInt("onesided", 1)))}));
}

/// HannWindow, HammingWindow, BlackmanWindow (opset 17): the size input is a compile-time
/// constant, so the window is one. Formulas of the ONNX specification, evaluated in double.
enum class WindowKind { hann, hamming, blackman };

template <WindowKind Kind> LogicalResult convertWindow(NodeContext &n) {
  auto size = getConstantScalar(n, 0, "size");
  Type type = getOutputDatatype(n);
  if (!size || !type)
    return failure();
  if (*size < 0 || *size > kMaxGeneratedElements)
    return n.emitError() << "size must be in [0, " << kMaxGeneratedElements << "], got " << *size;
  bool periodic = n.getInt("periodic", 1) != 0;
  double denom = static_cast<double>(periodic ? *size : *size - 1);
  ConstantValue window = ConstantValue::zeros(RankedTensorType::get({*size}, type));
  for (int64_t i = 0; i < *size; ++i) {
    double k = static_cast<double>(i), v = 0;
    switch (Kind) {
    case WindowKind::hann:
      v = std::pow(std::sin(k * kPi / denom), 2.0);
      break;
    case WindowKind::hamming:
      v = 25.0 / 46.0 - std::cos(k * kPi * 2 / denom) * (1.0 - 25.0 / 46.0);
      break;
    case WindowKind::blackman:
      v = std::cos(k * (kPi * 2) / denom) * -0.5 + std::cos(k * (kPi * 4) / denom) * 0.08 + 0.42;
      break;
    }
    window.setDouble(i, v);
  }
  return bind(n, n.create<ConstantOp>({}, n.namedAttr("value", window.toAttr(n.getName()))));
}

/// MelWeightMatrix (opset 17): num_mel_bins and dft_length decide the shape (constants);
/// sample_rate and the edge frequencies are run-time scalars.
LogicalResult convertMelWeightMatrix(NodeContext &n) {
  auto bins = getConstantScalar(n, 0, "num_mel_bins");
  auto length = getConstantScalar(n, 1, "dft_length");
  Value rate = n.input(2), lower = n.input(3), upper = n.input(4);
  Type type = getOutputDatatype(n);
  if (!bins || !length || !rate || !lower || !upper || !type)
    return failure();
  if (*bins <= 0 || *length <= 0)
    return n.emitError() << "num_mel_bins and dft_length must be positive";
  auto resultType = RankedTensorType::get({*length / 2 + 1, *bins}, type);
  return bind(n, n.create<MelWeightMatrixOp>({rate, lower, upper}, n.i64Attr("dft_length", *length),
                                             resultType));
}

} // namespace

void registerNNHandlers(llvm::StringMap<OpHandler> &table) {
  table["ConvTranspose"] = {convertConvTranspose, checkAutoPad};
  table["DeformConv"] = {convertDeformConv};
  table["CausalConvWithState"] = {convertCausalConvWithState, checkCausalConvWithState, 2};
  table["MaxPool"] = {convertMaxPool, checkMaxPool, 2};
  table["LpPool"] = {convertLpPool, checkKernelShape};
  table["GlobalLpPool"] = {convertGlobalLpPool};
  table["MaxUnpool"] = {convertMaxUnpool};
  table["Col2Im"] = {convertCol2Im};
  table["Resize"] = {convertResize, checkResize};
  table["Upsample"] = {convertUpsample, checkResize};
  table["GridSample"] = {convertGridSample, checkGridSample};
  table["AffineGrid"] = {convertAffineGrid};
  table["RoiAlign"] = {convertRoiAlign, checkRoiAlign};
  table["DFT"] = {convertDft};
  table["STFT"] = {convertStft};
  table["HannWindow"] = {convertWindow<WindowKind::hann>};
  table["HammingWindow"] = {convertWindow<WindowKind::hamming>};
  table["BlackmanWindow"] = {convertWindow<WindowKind::blackman>};
  table["MelWeightMatrix"] = {convertMelWeightMatrix};
}

} // namespace modelc::import
