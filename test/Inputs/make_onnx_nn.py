#!/usr/bin/env python3
"""Writes tiny ONNX models of the NN op family for the importer's lit tests (test/import/nn_*.test).

Usage: make_onnx_nn.py NAME OUT

The same helpers and conventions as make_onnx.py (deterministic models built with onnx.helper);
kept in a file of its own so that op families add models without touching each other's lists.
Each model exercises one opset's normalization: attributes that became inputs, changed
defaults and renamed modes all import to one graph-dialect form.
"""

import sys

import numpy as np
from onnx import TensorProto, helper

from make_onnx import const, model, vi, weights

FLOAT = TensorProto.FLOAT


def fconst(name, values):
    return const(name, values, dtype=np.float32)


def resize_opset10(out):
    # Resize-10: X and scales only, Upsample's asymmetric mapping; nearest takes the floor.
    return model(
        [helper.make_node("Resize", ["x", "s"], ["y"], name="nearest10"),
         helper.make_node("Resize", ["x", "s"], ["z"], name="linear10", mode="linear")],
        [vi("x", [1, 1, 2, 2])], [vi("y", None), vi("z", None)],
        [fconst("s", [1, 1, 2, 3])], opset=10)


def resize_opset19(out):
    return model(
        # sizes over axes (3, 2) with keep_aspect_ratio_policy: the common scale is
        # min(5/4, 3/2) = 1.25, so the extents become round(1.25 * 4) = 5 and round(1.25 * 2) = 3.
        [helper.make_node("Resize", ["x", "", "", "sz"], ["a"], name="cubic_sizes", mode="cubic",
                          axes=[3, 2], keep_aspect_ratio_policy="not_larger",
                          cubic_coeff_a=-0.5, exclude_outside=1),
         # tf_crop_and_resize: roi over the given axes, the others keep [0, 1].
         helper.make_node("Resize", ["x", "roi", "", "sz2"], ["b"], name="crop", mode="linear",
                          axes=[2, 3], coordinate_transformation_mode="tf_crop_and_resize",
                          extrapolation_value=7.0),
         # scales: floor(in * scale) extents, antialias.
         helper.make_node("Resize", ["x", "", "sc"], ["c"], name="antialias", mode="linear",
                          antialias=1, coordinate_transformation_mode="half_pixel_symmetric")],
        [vi("x", [1, 1, 2, 4])], [vi("a", None), vi("b", None), vi("c", None)],
        [const("sz", [5, 6]), fconst("roi", [0.25, 0.0, 0.75, 1.0]), const("sz2", [3, 3]),
         fconst("sc", [1, 1, 1, 0.6])], opset=19)


def upsample_opset7(out):
    return model([helper.make_node("Upsample", ["x"], ["y"], name="up7", scales=[1.0, 1.0, 2.0, 2.0])],
                 [vi("x", [1, 1, 2, 2])], [vi("y", None)], opset=7)


def upsample_opset9(out):
    return model([helper.make_node("Upsample", ["x", "s"], ["y"], name="up9", mode="linear")],
                 [vi("x", [1, 1, 2, 2])], [vi("y", None)], [fconst("s", [1, 1, 3, 2])], opset=9)


def conv_transpose(out):
    return model(
        # output_shape 10x8 is one more than the full 9x7 result: pads (0, 0) begin, (-1, -1) end.
        [helper.make_node("ConvTranspose", ["x", "w"], ["a"], name="out_shape", strides=[3, 2],
                          output_shape=[10, 8]),
         # SAME_UPPER: output = input * stride; total pad 1 goes to the end.
         helper.make_node("ConvTranspose", ["x", "w"], ["b"], name="same_upper",
                          auto_pad="SAME_UPPER", strides=[2, 2]),
         helper.make_node("ConvTranspose", ["x2", "w2", "bias"], ["c"], name="grouped", group=2,
                          pads=[1, 0, 1, 0], output_padding=[1, 0], strides=[2, 1])],
        [vi("x", [1, 1, 3, 3]), vi("x2", [1, 2, 3, 3])], [vi("a", None), vi("b", None), vi("c", None)],
        [weights("w", 1, 2, 3, 3), weights("w2", 2, 1, 3, 3), weights("bias", 2)], opset=22)


def pools(out):
    return model(
        [helper.make_node("MaxPool", ["x"], ["m", "mi"], name="argmax", kernel_shape=[2, 2],
                          strides=[2, 2], storage_order=1),
         helper.make_node("MaxPool", ["x"], ["m2"], name="plain", kernel_shape=[2, 2]),
         helper.make_node("LpPool", ["x"], ["lp"], name="lp", kernel_shape=[3, 3], p=3,
                          auto_pad="SAME_UPPER"),
         helper.make_node("GlobalLpPool", ["x"], ["glp"], name="glp"),
         helper.make_node("MaxUnpool", ["m", "mi"], ["u"], name="unpool", kernel_shape=[2, 2],
                          strides=[2, 2]),
         helper.make_node("MaxUnpool", ["m", "mi", "osh"], ["u2"], name="unpool_shape",
                          kernel_shape=[2, 2], strides=[2, 2]),
         helper.make_node("Col2Im", ["cols", "ish", "bsh"], ["im"], name="col2im", strides=[2, 2])],
        [vi("x", [1, 2, 4, 4]), vi("cols", [1, 9, 4])],
        [vi(n, None) for n in ["m", "mi", "m2", "lp", "glp", "u", "u2", "im"]],
        [const("osh", [1, 2, 5, 5]), const("ish", [5, 5]), const("bsh", [3, 3])], opset=22)


def lppool_opset1(out):
    # LpPool-1 takes p as a float attribute (an integer from opset 2).
    return model([helper.make_node("LpPool", ["x"], ["y"], name="lp1", kernel_shape=[2], p=2.5)],
                 [vi("x", [1, 1, 6])], [vi("y", None)], opset=1, ir_version=3)


def deform_conv(out):
    return model(
        [helper.make_node("DeformConv", ["x", "w", "off", "", "mask"], ["y"], name="deform",
                          offset_group=2, pads=[1, 1, 1, 1])],
        [vi("x", [1, 2, 3, 3]), vi("off", [1, 16, 4, 4]), vi("mask", [1, 8, 4, 4])],
        [vi("y", None)], [weights("w", 2, 2, 2, 2)], opset=22)


def causal_conv(out):
    return model(
        [helper.make_node("CausalConvWithState", ["x", "w", "", "past"], ["y", "state"],
                          name="causal", activation="swish")],
        [vi("x", [2, 4, 8]), vi("past", [2, 4, 2])], [vi("y", None), vi("state", None)],
        [weights("w", 4, 1, 3)], opset=27, ir_version=13)


def signal_opset17(out):
    return model(
        [helper.make_node("DFT", ["x"], ["f"], name="rfft", axis=1, onesided=1),
         # irfft: the default dft_length is 2 * (bins - 1).
         helper.make_node("DFT", ["f"], ["g"], name="irfft", axis=1, inverse=1, onesided=1),
         helper.make_node("HannWindow", ["n"], ["win"], name="hann"),
         helper.make_node("HammingWindow", ["n"], ["ham"], name="hamming", periodic=0,
                          output_datatype=TensorProto.DOUBLE),
         helper.make_node("STFT", ["sig", "step", "win"], ["spec"], name="stft"),
         helper.make_node("MelWeightMatrix", ["bins", "len", "rate", "lo", "hi"], ["mel"],
                          name="mel")],
        [vi("x", [1, 8, 3, 1]), vi("sig", [1, 32, 1]), vi("rate", [], TensorProto.INT32),
         vi("lo", []), vi("hi", [])],
        [vi(n, None) for n in ["g", "win", "ham", "spec", "mel"]],
        [const("n", 4), const("step", 4), const("bins", 3), const("len", 8)], opset=17)


def signal_opset20(out):
    # DFT-20: axis is an optional input (default -2), dft_length pads or truncates.
    return model(
        [helper.make_node("DFT", ["x"], ["f"], name="default_axis"),
         helper.make_node("DFT", ["x", "len", "axis"], ["g"], name="axis_input", inverse=1)],
        [vi("x", [2, 5, 6, 2])], [vi("f", None), vi("g", None)],
        [const("len", 4), const("axis", 1)], opset=20)


def sampling_opset16(out):
    # GridSample-16 names its modes bilinear/bicubic; RoiAlign-16 defaults to half_pixel.
    return model(
        [helper.make_node("GridSample", ["x", "grid"], ["y"], name="bicubic", mode="bicubic",
                          padding_mode="reflection"),
         helper.make_node("GridSample", ["x", "grid"], ["z"], name="default"),
         helper.make_node("RoiAlign", ["x", "rois", "idx"], ["r"], name="roi", output_height=2,
                          output_width=3, mode="max")],
        [vi("x", [1, 2, 4, 5]), vi("grid", [1, 3, 3, 2]), vi("rois", [2, 4]),
         vi("idx", [2], TensorProto.INT64)],
        [vi("y", None), vi("z", None), vi("r", None)], opset=16)


def sampling_opset20(out):
    return model(
        [helper.make_node("AffineGrid", ["theta", "size"], ["grid"], name="affine",
                          align_corners=1),
         helper.make_node("GridSample", ["x", "grid"], ["y"], name="volumetric", mode="nearest",
                          padding_mode="border")],
        [vi("theta", [1, 3, 4]), vi("x", [1, 1, 3, 4, 5])], [vi("y", None)],
        [const("size", [1, 1, 2, 3, 4])], opset=20)


def roialign_opset10(out):
    return model([helper.make_node("RoiAlign", ["x", "rois", "idx"], ["r"], name="roi10",
                                   sampling_ratio=2, spatial_scale=0.5)],
                 [vi("x", [1, 1, 8, 8]), vi("rois", [1, 4]), vi("idx", [1], TensorProto.INT64)],
                 [vi("r", None)], opset=10)


def nn_bad_attrs(out):
    return model(
        [helper.make_node("Resize", ["x", "", "s"], ["a"], name="area", mode="area"),
         helper.make_node("GridSample", ["x", "g"], ["b"], name="wrap", padding_mode="wrap"),
         helper.make_node("RoiAlign", ["x", "rois", "idx"], ["c"], name="roi_min", mode="min"),
         helper.make_node("MaxPool", ["x"], ["d"], name="no_kernel")],
        [vi("x", [1, 1, 4, 4]), vi("g", [1, 2, 2, 2]), vi("rois", [1, 4]),
         vi("idx", [1], TensorProto.INT64)],
        [vi(n, None) for n in "abcd"], [fconst("s", [1, 1, 2, 2])], opset=19)


def nn_bad_shapes(out):
    # Shapes the ops reject while converting: cubic GridSample needs 2-d data; ConvTranspose
    # weight channels must match the input.
    return model(
        [helper.make_node("GridSample", ["x", "g"], ["a"], name="cubic3d", mode="cubic"),
         helper.make_node("ConvTranspose", ["x2", "w"], ["b"], name="bad_channels")],
        [vi("x", [1, 1, 2, 2, 2]), vi("g", [1, 2, 2, 2, 3]), vi("x2", [1, 3, 4, 4])],
        [vi("a", None), vi("b", None)], [weights("w", 2, 1, 3, 3)], opset=20)


MODELS = {f.__name__: f for f in [
    resize_opset10, resize_opset19, upsample_opset7, upsample_opset9, conv_transpose, pools,
    lppool_opset1, deform_conv, causal_conv, signal_opset17, signal_opset20, sampling_opset16,
    sampling_opset20, roialign_opset10, nn_bad_attrs, nn_bad_shapes]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    import onnx
    onnx.save_model(MODELS[sys.argv[1]](sys.argv[2]), sys.argv[2])


if __name__ == "__main__":
    main()
