#!/usr/bin/env python3
"""make_nn_cases.py - random cases of the NN op family beyond the ONNX node tests.

Writes ONNX models with random inputs (fixed seed) and reference outputs in the node-case layout
(NAME/model.onnx, NAME/test_data_set_0/{input,output}_i.pb, and the cache STAMP), so that the
conformance harness runs them like node tests:

  test/e2e/make_nn_cases.py build/e2e/cases/nn_extra
  test/e2e/run_onnx_tests.py --cache-dir build/e2e/cases/nn_extra --work build/e2e/work/nn_extra

The configurations cover what the node tests leave out: grouped/dilated/3-d ConvTranspose,
every GridSample mode x padding x align_corners in 2-d and 3-d, Resize modes, coordinate
transformations, antialias, axes and integer data, RoiAlign with adaptive sampling, DeformConv
with groups and mask, MaxPool Indices in 3-d and column-major, Col2Im, DFT padding/truncation,
STFT of complex signals. References come from onnxruntime, or from onnx.reference where
onnxruntime implements a different convention than the ONNX reference (noted per case).
"""
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

if len(sys.argv) != 2:
    sys.exit(f"usage: {sys.argv[0]} OUT_DIR")
OUT = Path(sys.argv[1])
RNG = np.random.default_rng(7)
F = TensorProto.FLOAT


def case(name, node, inputs, opset, consts=(), use_ref=False, out_types=None):
    """inputs: list of (name, array); consts: initializers (name, array)."""
    gin = [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
           for n, a in inputs]
    inits = [numpy_helper.from_array(a, n) for n, a in consts]
    outs = [helper.make_empty_tensor_value_info(o) for o in node.output]
    g = helper.make_graph([node], name, gin, outs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 10
    feeds = {n: a for n, a in inputs}
    res = None
    if not use_ref:
        try:
            import onnxruntime as ort
            s = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
            res = s.run(None, feeds)
        except Exception as e:  # noqa: BLE001
            print(f"{name}: onnxruntime failed ({str(e)[:120]}), using onnx.reference",
                  file=sys.stderr)
    if res is None:
        from onnx.reference import ReferenceEvaluator
        res = ReferenceEvaluator(m).run(None, feeds)
    d = OUT / name
    shutil.rmtree(d, ignore_errors=True)
    (d / "test_data_set_0").mkdir(parents=True)
    for o, r in zip(node.output, res):
        m.graph.output.remove(next(x for x in m.graph.output if x.name == o))
        m.graph.output.append(helper.make_tensor_value_info(
            o, helper.np_dtype_to_tensor_dtype(r.dtype), r.shape))
    onnx.save(m, d / "model.onnx")
    for i, (n, a) in enumerate(inputs):
        (d / "test_data_set_0" / f"input_{i}.pb").write_bytes(
            numpy_helper.from_array(a, n).SerializeToString())
    for i, (o, r) in enumerate(zip(node.output, res)):
        (d / "test_data_set_0" / f"output_{i}.pb").write_bytes(
            numpy_helper.from_array(np.asarray(r), o).SerializeToString())


def rnd(*shape, lo=-1.0, hi=1.0, dtype=np.float32):
    return RNG.uniform(lo, hi, shape).astype(dtype)


OUT.mkdir(parents=True, exist_ok=True)
(OUT / "STAMP").write_text(f"onnx {onnx.__version__} format 1\n")

# ConvTranspose
case("nnr_convtranspose_2d_group_dil",
     helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], group=2, strides=[2, 3],
                      dilations=[2, 1], pads=[1, 0, 2, 1], output_padding=[1, 2]),
     [("x", rnd(2, 4, 5, 6))], 17, [("w", rnd(4, 3, 3, 2)), ("b", rnd(6))])
case("nnr_convtranspose_3d_same_lower",
     helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2, 2], auto_pad="SAME_LOWER"),
     [("x", rnd(1, 2, 3, 4, 3))], 17, [("w", rnd(2, 2, 2, 3, 2))])
case("nnr_convtranspose_1d_output_shape_cut",
     helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2], output_shape=[10]),
     [("x", rnd(1, 2, 5))], 17, [("w", rnd(2, 3, 3))])

# Resize
x4 = rnd(2, 3, 5, 7, lo=-5, hi=5)
for name, attrs, extra in [
    ("linear_half_pixel_down", dict(mode="linear"), ("scales", np.array([1, 1, 0.6, 0.45], np.float32))),
    ("cubic_pytorch_sizes", dict(mode="cubic", coordinate_transformation_mode="pytorch_half_pixel"),
     ("sizes", np.array([2, 3, 9, 4], np.int64))),
    ("nearest_ceil_align", dict(mode="nearest", coordinate_transformation_mode="align_corners",
                                nearest_mode="round_prefer_ceil"), ("scales", np.array([1, 1, 1.7, 2.3], np.float32))),
    ("nearest_floor_asym_down", dict(mode="nearest", coordinate_transformation_mode="asymmetric",
                                     nearest_mode="floor"), ("scales", np.array([1, 1, 0.5, 0.3], np.float32))),
    ("linear_antialias_down", dict(mode="linear", antialias=1), ("scales", np.array([1, 1, 0.5, 0.4], np.float32))),
    ("cubic_antialias_down", dict(mode="cubic", antialias=1, cubic_coeff_a=-0.5),
     ("sizes", np.array([2, 3, 2, 3], np.int64))),
    ("cubic_exclude_up", dict(mode="cubic", exclude_outside=1), ("scales", np.array([1, 1, 1.5, 2.5], np.float32))),
    ("linear_sym_up", dict(mode="linear", coordinate_transformation_mode="half_pixel_symmetric"),
     ("scales", np.array([1, 1, 1.3, 1.7], np.float32))),
]:
    inputs = ["x", "", extra[0]] if extra[0] == "scales" else ["x", "", "", extra[0]]
    case("nnr_resize_" + name, helper.make_node("Resize", inputs, ["y"], **attrs),
         [("x", x4)], 19, [extra])
case("nnr_resize_crop_cubic",
     helper.make_node("Resize", ["x", "roi", "", "sizes"], ["y"], mode="cubic",
                      coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-3.0),
     [("x", x4)], 19, [("roi", np.array([0, 0, -0.2, 0.1, 1, 1, 0.9, 1.3], np.float32)),
                       ("sizes", np.array([2, 3, 6, 5], np.int64))])
case("nnr_resize_trilinear_axes",
     helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear", axes=[2, 3, 4]),
     [("x", rnd(1, 2, 3, 4, 5))], 19, [("scales", np.array([2.0, 0.5, 1.5], np.float32))])
# Integer results round half to even (the reference's saturate_cast); onnxruntime rounds
# differently.
case("nnr_resize_uint8_linear",
     helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear"),
     [("x", RNG.integers(0, 256, (1, 1, 4, 5)).astype(np.uint8))], 19,
     [("scales", np.array([1, 1, 1.5, 1.6], np.float32))], use_ref=True)

# GridSample 2-d: every mode x padding x align. For cubic with border padding the ONNX reference
# clamps the source coordinate before taking the 4 x 4 taps, onnxruntime (like PyTorch) only
# clamps the taps.
xg = rnd(2, 3, 5, 6)
grid = rnd(2, 4, 7, 2, lo=-1.3, hi=1.3)
for mode in ["nearest", "linear", "cubic"]:
    for pad in ["zeros", "border", "reflection"]:
        for align in [0, 1]:
            case(f"nnr_gridsample_{mode}_{pad}_{align}",
                 helper.make_node("GridSample", ["x", "g"], ["y"], mode=mode, padding_mode=pad,
                                  align_corners=align),
                 [("x", xg), ("g", grid)], 20, use_ref=mode == "cubic" and pad == "border")
for mode in ["nearest", "linear"]:
    for pad in ["zeros", "border", "reflection"]:
        case(f"nnr_gridsample_3d_{mode}_{pad}",
             helper.make_node("GridSample", ["x", "g"], ["y"], mode=mode, padding_mode=pad),
             [("x", rnd(1, 2, 3, 4, 5)), ("g", rnd(1, 2, 3, 4, 3, lo=-1.2, hi=1.2))], 20)

# RoiAlign
rois = np.array([[0.5, 1.0, 6.0, 7.5], [2.0, 0.0, 3.0, 1.0], [-1.0, -2.0, 9.0, 11.0]], np.float32)
for mode in ["avg", "max"]:
    for ctm in ["half_pixel", "output_half_pixel"]:
        case(f"nnr_roialign_{mode}_{ctm}",
             helper.make_node("RoiAlign", ["x", "r", "i"], ["y"], mode=mode, output_height=3,
                              output_width=4, sampling_ratio=0, spatial_scale=0.75,
                              coordinate_transformation_mode=ctm),
             [("x", rnd(2, 3, 8, 9)), ("r", rois), ("i", np.array([1, 0, 1], np.int64))], 16,
             use_ref=mode == "max")

# DeformConv
case("nnr_deformconv_groups",
     helper.make_node("DeformConv", ["x", "w", "off", "b", "m"], ["y"], group=2, offset_group=2,
                      strides=[2, 1], dilations=[1, 2], pads=[1, 2, 0, 1]),
     [("x", rnd(1, 4, 6, 7)), ("off", rnd(1, 2 * 3 * 2 * 2, 3, 8, lo=-2, hi=2)),
      ("m", rnd(1, 2 * 3 * 2, 3, 8, lo=0, hi=1))], 19, [("w", rnd(6, 2, 3, 2)), ("b", rnd(6))])

# Pools
case("nnr_lppool_pads_strides",
     helper.make_node("LpPool", ["x"], ["y"], kernel_shape=[3, 2], strides=[2, 1], pads=[1, 0, 1, 1], p=3),
     [("x", rnd(1, 2, 7, 6))], 18)
case("nnr_globallppool", helper.make_node("GlobalLpPool", ["x"], ["y"], p=1), [("x", rnd(2, 3, 4, 5))], 18)
case("nnr_maxpool_indices_3d",
     helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 3, 2], strides=[1, 2, 2], pads=[0, 1, 1, 1, 1, 0]),
     [("x", rnd(2, 2, 4, 5, 6))], 12)
case("nnr_maxpool_indices_colmajor",
     helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                      storage_order=1),
     [("x", rnd(2, 3, 7, 6))], 12)
xm = rnd(1, 2, 4, 6)
case("nnr_col2im_strided",
     helper.make_node("Col2Im", ["x", "ish", "bsh"], ["y"], strides=[2, 1], pads=[1, 0, 1, 2], dilations=[1, 2]),
     [("x", rnd(2, 3 * 2 * 3, 4 * 5))], 18,
     [("ish", np.array([6, 7], np.int64)), ("bsh", np.array([2, 3], np.int64))])

# Signal
case("nnr_dft_inverse_pad", helper.make_node("DFT", ["x", "n", "a"], ["y"], inverse=1),
     [("x", rnd(2, 7, 3, 2))], 20, [("n", np.array(9, np.int64)), ("a", np.array(-3, np.int64))])
# onnxruntime's float32 FFT leaves ~1e-6 in the exactly-zero imaginary parts of real input's DC
# and Nyquist bins (beyond atol 1e-7).
case("nnr_dft_rfft_truncate", helper.make_node("DFT", ["x", "n"], ["y"], onesided=1, axis=2),
     [("x", rnd(2, 3, 8, 1))], 17, [("n", np.array(6, np.int64))], use_ref=True)
case("nnr_dft_irfft_odd", helper.make_node("DFT", ["x", "n"], ["y"], inverse=1, onesided=1, axis=1),
     [("x", rnd(1, 4, 2, 2))], 17, [("n", np.array(7, np.int64))])
case("nnr_stft_complex_twosided",
     helper.make_node("STFT", ["x", "s", "w"], ["y"], onesided=0),
     [("x", rnd(2, 40, 2)), ("w", rnd(10, lo=0, hi=1))], 17, [("s", np.array(7, np.int64))])
case("nnr_affine_grid_2d", helper.make_node("AffineGrid", ["t", "s"], ["y"], align_corners=0),
     [("t", rnd(2, 2, 3))], 20, [("s", np.array([2, 1, 4, 5], np.int64))])
case("nnr_affine_grid_3d_align", helper.make_node("AffineGrid", ["t", "s"], ["y"], align_corners=1),
     [("t", rnd(1, 3, 4))], 20, [("s", np.array([1, 1, 3, 2, 4], np.int64))])
case("nnr_causal_conv_bias_state",
     helper.make_node("CausalConvWithState", ["x", "w", "b", "p"], ["y", "s"], activation="silu"),
     [("x", rnd(3, 5, 6)), ("p", rnd(3, 5, 3))], 27, [("w", rnd(5, 1, 4)), ("b", rnd(5))],
     use_ref=True)

# Pooling of the 16-bit and 64-bit float types (kernel.pool computes 16-bit floats in float).
for dtype, tag in [(np.float16, "f16"), (np.float64, "f64")]:
    xp = rnd(1, 2, 5, 6).astype(dtype)
    case(f"nnr_maxpool_{tag}", helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 2],
                                                strides=[2, 2], pads=[1, 0, 1, 1]),
         [("x", xp)], 12, use_ref=True)
    case(f"nnr_averagepool_{tag}",
         helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 3], pads=[1, 1, 0, 1],
                          count_include_pad=1),
         [("x", xp)], 19, use_ref=True)
    case(f"nnr_averagepool_exclude_pad_{tag}",
         helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         [("x", xp)], 19, use_ref=True)
