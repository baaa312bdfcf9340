//===- GraphNNOps.td - graph dialect: nn ops ------------------------------===//
//
// Graph ops of one family: convolution and pooling variants, resizing and sampling (ConvTranspose,
// Resize, GridSample, RoiAlign, ...) and signal processing (DFT, STFT, MelWeightMatrix).
// Included by GraphOps.td, so Graph_Op, Graph_Tensor and the other base definitions are in
// scope. Type inference, verifiers and folders go in GraphNNOps.cpp. Every op holds the
// normalized form of all its ONNX opset versions: inputs that decide shapes are attributes,
// `auto_pad` is resolved into explicit pads, defaults are filled in.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_NN_OPS_TD
#define MODELC_GRAPH_NN_OPS_TD

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Graph_InterpolationModeAttr : I32EnumAttr<"InterpolationMode", "interpolation of samples",
    [I32EnumAttrCase<"nearest", 0>, I32EnumAttrCase<"linear", 1>,
     I32EnumAttrCase<"cubic", 2>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_CoordinateTransformAttr : I32EnumAttr<"CoordinateTransform",
    "Resize's mapping of output to input coordinates",
    [I32EnumAttrCase<"half_pixel", 0>, I32EnumAttrCase<"half_pixel_symmetric", 1>,
     I32EnumAttrCase<"pytorch_half_pixel", 2>, I32EnumAttrCase<"align_corners", 3>,
     I32EnumAttrCase<"asymmetric", 4>, I32EnumAttrCase<"tf_crop_and_resize", 5>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_NearestModeAttr : I32EnumAttr<"NearestMode", "rounding of nearest-neighbour Resize",
    [I32EnumAttrCase<"round_prefer_floor", 0>, I32EnumAttrCase<"round_prefer_ceil", 1>,
     I32EnumAttrCase<"floor", 2>, I32EnumAttrCase<"ceil", 3>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_PaddingModeAttr : I32EnumAttr<"PaddingMode", "GridSample's out-of-bound samples",
    [I32EnumAttrCase<"zeros", 0>, I32EnumAttrCase<"border", 1>,
     I32EnumAttrCase<"reflection", 2>]> {
  let cppNamespace = "::modelc::graph";
}

//===----------------------------------------------------------------------===//
// Convolution and pooling variants
//===----------------------------------------------------------------------===//

def Graph_ConvTransposeOp : Graph_Op<"conv_transpose", [InferTypeOpAdaptor]> {
  let summary = "N-d transposed convolution (ONNX ConvTranspose)";
  let description = [{
    `input` is N x C x D1 ... Dn, `weight` is C x M/group x k1 ... kn, `bias` (optional) is M.
    Output extent i is `strides[i] * (D[i] - 1) + output_padding[i] + (k[i] - 1) *
    dilations[i] + 1 - pads[i] - pads[n + i]`. The importer resolves `auto_pad` and
    `output_shape` into `pads`; an end pad may be negative (ONNX's `output_shape` larger than
    the full result: those outputs hold only the bias).

    ```mlir
    %y = graph.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
           output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>,
           strides = array<i64: 2, 2>}
         : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x7x7xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$weight,
                       Optional<Graph_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_DeformConvOp : Graph_Op<"deform_conv",
    [InferTypeOpAdaptor, AttrSizedOperandSegments]> {
  let summary = "Deformable 2-d convolution (ONNX DeformConv)";
  let description = [{
    Like `graph.conv`, but kernel tap k of output position o samples the input bilinearly at
    `o * strides - pads + k * dilations + offset[n, g, k, :, o]` (zero outside the input),
    scaled by `mask[n, g, k, o]` when a mask is given; g is the offset group of the input
    channel. `offset` is N x (offset_group * kh * kw * 2) x OH x OW and decides the output
    extent.

    ```mlir
    %y = graph.deform_conv %x, %w, %off {dilations = array<i64: 1, 1>, group = 1 : i64,
           offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
         : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$weight,
                       Graph_FloatTensor:$offset, Optional<Graph_FloatTensor>:$bias,
                       Optional<Graph_FloatTensor>:$mask,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedAttr<I64Attr, "1">:$offset_group);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $offset (`bias` $bias^)? (`mask` $mask^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_CausalConvWithStateOp : Graph_Op<"causal_conv_with_state",
    [InferTypeOpAdaptor, AttrSizedOperandSegments]> {
  let summary = "Stateful causal depthwise 1-d convolution (ONNX CausalConvWithState)";
  let description = [{
    `input` is B x C x L, `weight` C x 1 x k, `bias` (optional) C, `past_state` (optional,
    zeros when absent) B x C x (k - 1). The sequence `concat(past_state, input)` along the
    last axis is convolved depthwise without padding (`output`, B x C x L, SiLU applied when
    `silu`), and its last k - 1 positions are `present_state`.

    ```mlir
    %y, %s = graph.causal_conv_with_state %x, %w {silu = false}
             : (tensor<2x4x8xf32>, tensor<4x1x4xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x3xf32>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$weight,
                       Optional<Graph_FloatTensor>:$bias, Optional<Graph_FloatTensor>:$past_state,
                       DefaultValuedAttr<BoolAttr, "false">:$silu);
  let results = (outs Graph_FloatTensor:$output, Graph_FloatTensor:$present_state);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? (`state` $past_state^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_LpPoolOp : Graph_Op<"lp_pool", [InferTypeOpAdaptor]> {
  let summary = "Lp-norm pooling (ONNX LpPool, GlobalLpPool)";
  let description = [{
    `(sum over the window of |x|^p)^(1/p)`; padding contributes zeros. Window and output
    extents follow `graph.pool`; global pooling is a window over the whole spatial extent.

    ```mlir
    %y = graph.lp_pool %x {p = 2.0 : f64, kernel_shape = array<i64: 2, 2>,
           strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
           dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x7x7xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, F64Attr:$p, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_MaxPoolWithIndicesOp : Graph_Op<"max_pool_with_indices", [InferTypeOpAdaptor]> {
  let summary = "Max pooling that also returns the argmax (ONNX MaxPool with Indices)";
  let description = [{
    As `graph.pool` with kind max; `indices` holds the flat index of each maximum in the
    input, row-major (`storage_order = 0`) or with the spatial axes column-major
    (`storage_order = 1`), counting the batch and channel offsets as ONNX specifies.

    ```mlir
    %y, %i = graph.max_pool_with_indices %x {kernel_shape = array<i64: 2, 2>,
               strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
               dilations = array<i64: 1, 1>, storage_order = 0 : i64}
             : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<I64Attr, "0">:$storage_order);
  let results = (outs Graph_Tensor:$values, Graph_I64Tensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_MaxUnpoolOp : Graph_Op<"max_unpool"> {
  let summary = "Scatters pooled values back to their argmax positions (ONNX MaxUnpool)";
  let description = [{
    `indices` index the flattened N x C x D1' ... Dn' tensor, Di' = `(Di - 1) * strides[i] -
    pads[i] - pads[n + i] + kernel_shape[i]`; that tensor sits at the origin of the result
    (whose shape, ONNX's `output_shape`, may be larger) and every other element is zero.

    ```mlir
    %y = graph.max_unpool %x, %i {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_I64Tensor:$indices,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The spatial extents that `indices` address (before output_shape padding).
    llvm::SmallVector<int64_t> getUnpooledShape();
  }];
}

def Graph_Col2ImOp : Graph_Op<"col2im", [InferTypeOpAdaptor]> {
  let summary = "Folds sliding blocks back into an image, summing overlaps (ONNX Col2Im)";
  let description = [{
    `input` is N x (C * prod(block_shape)) x L with L the number of blocks; the result is
    N x C x image_shape.

    ```mlir
    %y = graph.col2im %x {image_shape = array<i64: 5, 5>, block_shape = array<i64: 1, 5>,
           strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
           dilations = array<i64: 1, 1>} : (tensor<1x5x5xf32>) -> tensor<1x1x5x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$image_shape,
                       DenseI64ArrayAttr:$block_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Resizing and sampling
//===----------------------------------------------------------------------===//

def Graph_ResizeOp : Graph_Op<"resize"> {
  let summary = "Resizes a tensor by interpolation (ONNX Resize, Upsample)";
  let description = [{
    Every opset of Resize and Upsample in one form: one `scales` entry and one `roi` range
    (`roi[i]`, `roi[rank + i]`) per axis, `axes` and `keep_aspect_ratio_policy` resolved by
    the importer, the output extents in the result type. Axes are interpolated separably
    with ONNX's 1-d coefficients (nearest, linear or cubic, optionally antialiased);
    `tf_crop_and_resize` outputs whose source lies outside the input are
    `extrapolation_value`.

    ```mlir
    %y = graph.resize %x {mode = 1 : i32, coordinate_transformation_mode = 0 : i32,
           nearest_mode = 0 : i32, cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
           extrapolation_value = 0.0 : f64, antialias = false,
           scales = array<f64: 1.0, 1.0, 2.0, 2.0>,
           roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>}
         : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_InterpolationModeAttr:$mode,
                       Graph_CoordinateTransformAttr:$coordinate_transformation_mode,
                       Graph_NearestModeAttr:$nearest_mode,
                       DefaultValuedAttr<F64Attr, "-0.75">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F64Attr, "0.0">:$extrapolation_value,
                       DefaultValuedAttr<BoolAttr, "false">:$antialias,
                       DenseF64ArrayAttr:$scales, DenseF64ArrayAttr:$roi);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GridSampleOp : Graph_Op<"grid_sample", [InferTypeOpAdaptor]> {
  let summary = "Samples an image at grid coordinates (ONNX GridSample)";
  let description = [{
    `input` is N x C x D1 ... Dn, `grid` N x G1 ... Gm x n holding normalized coordinates in
    [-1, 1] (x first); the result is N x C x G1 ... Gm. `mode` interpolates, `padding_mode`
    decides samples outside the input.

    ```mlir
    %y = graph.grid_sample %x, %g {mode = 1 : i32, padding_mode = 0 : i32,
           align_corners = false}
         : (tensor<1x1x4x4xf32>, tensor<1x6x6x2xf32>) -> tensor<1x1x6x6xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$grid,
                       Graph_InterpolationModeAttr:$mode, Graph_PaddingModeAttr:$padding_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input `,` $grid attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_AffineGridOp : Graph_Op<"affine_grid", [InferTypeOpAdaptor]> {
  let summary = "Sampling grid of an affine transform (ONNX AffineGrid)";
  let description = [{
    `theta` is N x 2 x 3 (2-d) or N x 3 x 4 (3-d); `size` is ONNX's constant size input
    (N, C, [D,] H, W). The result is N x [D x] H x W x 2|3.

    ```mlir
    %g = graph.affine_grid %theta {size = array<i64: 2, 3, 5, 6>, align_corners = false}
         : (tensor<2x2x3xf32>) -> tensor<2x5x6x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$theta, DenseI64ArrayAttr:$size,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$theta attr-dict `:` functional-type(operands, results)";
}

def Graph_RoiAlignOp : Graph_Op<"roi_align", [InferTypeOpAdaptor]> {
  let summary = "Bilinear region-of-interest pooling (ONNX RoiAlign)";
  let description = [{
    For each of the R rows of `rois` (x1, y1, x2, y2) and its image `batch_indices[r]`, pools
    `output_height` x `output_width` bins of bilinear samples (avg or max) from the
    N x C x H x W input; `half_pixel` shifts roi coordinates by -0.5 (opset 16's default).

    ```mlir
    %y = graph.roi_align %x, %rois, %idx {mode = 1 : i32, output_height = 5 : i64,
           output_width = 5 : i64, sampling_ratio = 2 : i64, spatial_scale = 1.0 : f64,
           half_pixel = false}
         : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$rois,
                       RankedTensorOf<[I32, I64]>:$batch_indices, Graph_PoolKindAttr:$mode,
                       I64Attr:$output_height, I64Attr:$output_width, I64Attr:$sampling_ratio,
                       F64Attr:$spatial_scale, BoolAttr:$half_pixel);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $rois `,` $batch_indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Signal processing
//===----------------------------------------------------------------------===//

def Graph_DftOp : Graph_Op<"dft", [InferTypeOpAdaptor]> {
  let summary = "Discrete Fourier transform along one axis (ONNX DFT)";
  let description = [{
    The last input axis holds 1 (real) or 2 (real, imaginary) components; `axis` is another
    axis, normalized to [0, rank - 1). The signal is zero-padded or truncated to
    `dft_length`. Forward: output extent `dft_length` (`onesided`: `dft_length / 2 + 1`),
    complex. Inverse (scaled by 1 / dft_length): complex output of extent `dft_length`, or
    with `onesided` the real signal of a Hermitian-symmetric half spectrum (irfft).

    ```mlir
    %y = graph.dft %x {axis = 1 : i64, dft_length = 10 : i64, inverse = false,
           onesided = true} : (tensor<1x10x10x1xf32>) -> tensor<1x6x10x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$axis, I64Attr:$dft_length,
                       DefaultValuedAttr<BoolAttr, "false">:$inverse,
                       DefaultValuedAttr<BoolAttr, "false">:$onesided);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_StftOp : Graph_Op<"stft", [InferTypeOpAdaptor]> {
  let summary = "Short-time Fourier transform (ONNX STFT)";
  let description = [{
    `signal` is B x L x 1|2; frames of `frame_length` samples start every `frame_step`
    samples, are multiplied by `window` (optional, length `frame_length`) and transformed.
    The result is B x frames x bins x 2 with frames = 1 + (L - frame_length) / frame_step and
    bins = frame_length (`onesided`: frame_length / 2 + 1).

    ```mlir
    %y = graph.stft %x {frame_step = 8 : i64, frame_length = 16 : i64, onesided = true}
         : (tensor<1x128x1xf32>) -> tensor<1x15x9x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$signal, Optional<Graph_FloatTensor>:$window,
                       I64Attr:$frame_step, I64Attr:$frame_length,
                       DefaultValuedAttr<BoolAttr, "true">:$onesided);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $signal (`window` $window^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_MelWeightMatrixOp : Graph_Op<"mel_weight_matrix"> {
  let summary = "Mel filter bank weights (ONNX MelWeightMatrix)";
  let description = [{
    A (dft_length / 2 + 1) x num_mel_bins matrix of triangular filters between the 0-d
    `lower_edge_hertz` and `upper_edge_hertz` for `sample_rate` (run-time scalars). The
    shape-deciding `num_mel_bins` (the result's column count) and `dft_length` are compile-time
    constants.

    ```mlir
    %m = graph.mel_weight_matrix %rate, %lo, %hi {dft_length = 16 : i64}
         : (tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$sample_rate, Graph_Tensor:$lower_edge_hertz,
                       Graph_Tensor:$upper_edge_hertz, I64Attr:$dft_length);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $sample_rate `,` $lower_edge_hertz `,` $upper_edge_hertz attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // MODELC_GRAPH_NN_OPS_TD
