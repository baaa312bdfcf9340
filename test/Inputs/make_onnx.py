#!/usr/bin/env python3
"""Writes tiny ONNX models for the importer's lit tests (test/import/).

Usage: make_onnx.py NAME OUT

Writes model NAME to the file OUT (external-data models also write their data files next to
it, see each builder). Models are built with onnx.helper and are deterministic: weights come
from a fixed seed, so the same NAME always gives the same bytes.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT
RNG = np.random.default_rng(1234)


def weights(name, *shape, dtype=np.float32):
    return numpy_helper.from_array(RNG.standard_normal(shape).astype(dtype), name)


def const(name, values, dtype=np.int64):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=13, name="test", ir_version=8, **kw):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    opsets = [helper.make_opsetid("", opset)] + kw.pop("extra_opsets", [])
    m = helper.make_model(graph, opset_imports=opsets, **kw)
    m.ir_version = ir_version
    return m


def conv_relu(out):
    return model(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"], name="relu1")],
        [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 8, 8])],
        [weights("w", 4, 3, 3, 3), weights("b", 4)])


def conv_autopad(out):
    # SAME_UPPER with stride 2 on 7x7 / kernel 3: out 4, total pad 2 -> (1, 1);
    # SAME_LOWER on 8x8 / kernel 2, stride 1: total pad 1 -> begin 1, end 0.
    return model(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="same_upper", auto_pad="SAME_UPPER",
                          strides=[2, 2], kernel_shape=[3, 3]),
         helper.make_node("Conv", ["x2", "w2"], ["d"], name="same_lower", auto_pad="SAME_LOWER",
                          group=2)],
        [vi("x", [1, 2, 7, 7]), vi("x2", [1, 4, 8, 8])], [vi("c", None), vi("d", None)],
        [weights("w", 2, 2, 3, 3), weights("w2", 6, 2, 2, 2)])


def gemm(out):
    return model(
        [helper.make_node("Gemm", ["x", "w", "c"], ["y"], name="fc", alpha=0.5, transB=1)],
        [vi("x", [2, 16])], [vi("y", [2, 8])], [weights("w", 8, 16), weights("c", 8)])


def reshape_chain(out):
    # The pattern PyTorch exports for x.view(x.size(0), -1).
    return model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
         helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsqueeze"),
         helper.make_node("Concat", ["n1", "minus1"], ["target"], name="concat", axis=0),
         helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape")],
        [vi("x", [2, 3, 4, 5])], [vi("y", None)],
        [const("zero", 0), const("axes0", [0]), const("minus1", [-1])])


def unknown_op(out):
    ms = helper.make_opsetid("com.microsoft", 1)
    return model(
        [helper.make_node("FooOp", ["x"], ["a"], name="foo1"),
         helper.make_node("MaxPool", ["a"], ["b"], name="pool1", kernel_shape=[2, 2],
                          storage_order=2),
         helper.make_node("BarOp", ["b"], ["c"], name="bar1"),
         helper.make_node("FusedConv", ["c"], ["d"], domain="com.microsoft"),
         helper.make_node("Conv", ["d", "w"], ["y"], name="conv1", auto_pad="SAME_MIDDLE")],
        [vi("x", [1, 1, 4, 4])], [vi("y", None)], [weights("w", 1, 1, 1, 1)],
        extra_opsets=[ms])


def unsupported_attrs(out):
    return model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"], name="bn1",
                          training_mode=1),
         helper.make_node("Dropout", ["bn"], ["y", "mask"], name="drop1"),
         helper.make_node("Cast", ["y"], ["z"], name="cast1", to=TensorProto.STRING),
         helper.make_node("Constant", [], ["k"], name="const1", value_strings=["a"])],
        [vi("x", [1, 2, 3, 3])], [vi("y", None), vi("mask", None), vi("z", None)],
        [weights("s", 2), weights("b", 2), weights("m", 2), weights("v", 2)])


def symbolic_batch(out):
    return model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu"),
         helper.make_node("Relu", ["t"], ["u"], name="relu_t")],
        [vi("x", ["batch", 3, 4]), vi("t", ["N", None])], [vi("y", None), vi("u", None)])


def cycle(out):
    return model(
        [helper.make_node("Add", ["x", "t2"], ["t1"], name="a"),
         helper.make_node("Relu", ["t1"], ["t2"], name="b"),
         helper.make_node("Relu", ["t2"], ["y"], name="c")],
        [vi("x", [2])], [vi("y", [2])])


def missing_input(out):
    return model(
        [helper.make_node("Add", ["x", "nowhere"], ["y"], name="add1")],
        [vi("x", [2])], [vi("y", [2]), vi("ghost", [2])])


def duplicate_output(out):
    return model(
        [helper.make_node("Relu", ["x"], ["y"], name="r1"),
         helper.make_node("Neg", ["x"], ["y"], name="r2")],
        [vi("x", [2])], [vi("y", [2])])


def unsorted(out):
    # Nodes listed consumer first: the importer sorts them topologically.
    return model(
        [helper.make_node("Neg", ["t"], ["y"], name="second"),
         helper.make_node("Relu", ["x"], ["t"], name="first")],
        [vi("x", [2])], [vi("y", [2])])


def shape_mismatch(out):
    return model(
        [helper.make_node("Add", ["x", "z"], ["y"], name="bad_add"),
         helper.make_node("MatMul", ["x", "z"], ["m"], name="bad_matmul")],
        [vi("x", [2, 3]), vi("z", [4])], [vi("y", None), vi("m", None)])


def truncated(out):
    data = conv_relu(out).SerializeToString()
    with open(out, "wb") as f:
        f.write(data[: len(data) // 2])


def garbage(out):
    with open(out, "wb") as f:
        f.write(bytes(range(256)) * 4)


def bad_opset(out):
    return model([helper.make_node("Relu", ["x"], ["y"])], [vi("x", [2])], [vi("y", [2])],
                 opset=99)


def _external(tensor, location, offset=None, length=None):
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        if value is not None:
            entry = tensor.external_data.add()
            entry.key, entry.value = key, str(value)
    tensor.ClearField("raw_data")
    return tensor


def external_data(out):
    # Two weights in one file next to the model: w1 (0, 1, 2, ...; a resource blob) at
    # offset 0 without a length, w2 (1000, 1001, ...; small, dense) at offset 1024.
    w1 = np.arange(256, dtype=np.float32).reshape(16, 16)
    w2 = np.arange(1000, 1016, dtype=np.float32).reshape(16, 1)
    blob = os.path.basename(out) + ".weights"
    with open(os.path.join(os.path.dirname(out) or ".", blob), "wb") as f:
        f.write(w1.tobytes())
        f.write(w2.tobytes())
    t1 = _external(numpy_helper.from_array(w1, "w1"), blob)
    t2 = _external(numpy_helper.from_array(w2, "w2"), blob, offset=1024, length=64)
    return model(
        [helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm1"),
         helper.make_node("MatMul", ["h", "w2"], ["y"], name="mm2")],
        [vi("x", [2, 16])], [vi("y", [2, 1])], [t1, t2])


def external_escape(out):
    t = _external(numpy_helper.from_array(np.zeros((16, 16), np.float32), "w"), "../x.bin")
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [vi("x", [2, 16])], [vi("y", [2, 16])], [t])


def external_absolute(out):
    t = _external(numpy_helper.from_array(np.zeros((16, 16), np.float32), "w"), "/etc/passwd")
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [vi("x", [2, 16])], [vi("y", [2, 16])], [t])


def external_missing(out):
    t = _external(numpy_helper.from_array(np.zeros((16, 16), np.float32), "w"), "nope.bin")
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [vi("x", [2, 16])], [vi("y", [2, 16])], [t])


def external_short(out):
    blob = os.path.basename(out) + ".short"
    with open(os.path.join(os.path.dirname(out) or ".", blob), "wb") as f:
        f.write(b"\0" * 1000)
    t = _external(numpy_helper.from_array(np.zeros((16, 16), np.float32), "w"), blob, offset=8,
                  length=1024)
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [vi("x", [2, 16])], [vi("y", [2, 16])], [t])


def external_symlink(out):
    # OUT.d/model.onnx reads OUT.d/link.bin, a symlink to OUT.outside (outside OUT.d/).
    directory = out + ".d"
    os.makedirs(directory, exist_ok=True)
    with open(out + ".outside", "wb") as f:
        f.write(b"\0" * 1024)
    link = os.path.join(directory, "link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(out + ".outside"), link)
    t = _external(numpy_helper.from_array(np.zeros((16, 16), np.float32), "w"), "link.bin")
    m = model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
              [vi("x", [2, 16])], [vi("y", [2, 16])], [t])
    onnx.save_model(m, os.path.join(directory, "model.onnx"))


def softmax_opset11(out):
    return model(
        [helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=1),
         helper.make_node("LogSoftmax", ["x"], ["z"], name="lsm")],
        [vi("x", [2, 3, 4])], [vi("y", None), vi("z", None)], opset=11)


def softmax_opset13(out):
    return model(
        [helper.make_node("Softmax", ["x"], ["y"], name="sm"),
         helper.make_node("LogSoftmax", ["x"], ["z"], name="lsm", axis=-2)],
        [vi("x", [2, 3, 4])], [vi("y", None), vi("z", None)], opset=13)


def clip_opset11(out):
    return model(
        [helper.make_node("Constant", [], ["hi"], name="six",
                          value=numpy_helper.from_array(np.array(6, np.float32))),
         helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="relu6"),
         helper.make_node("Clip", ["x", "", "hi"], ["z"], name="max_only"),
         helper.make_node("Clip", ["x"], ["w"], name="unbounded")],
        [vi("x", [4])], [vi("y", None), vi("z", None), vi("w", None)],
        [numpy_helper.from_array(np.array(0, np.float32), "lo")], opset=11)


def clip_dynamic(out):
    return model([helper.make_node("Clip", ["x", "lo"], ["y"], name="dynamic_min")],
                 [vi("x", [4]), vi("lo", [])], [vi("y", None)], opset=13)


def clip_opset6(out):
    return model([helper.make_node("Clip", ["x"], ["y"], name="clip", min=-1.0, max=1.0)],
                 [vi("x", [4])], [vi("y", None)], opset=6)


def squeeze_opset13(out):
    return model(
        [helper.make_node("Squeeze", ["x", "axes"], ["s"], name="sq"),
         helper.make_node("Unsqueeze", ["s", "axes2"], ["y"], name="unsq"),
         helper.make_node("Squeeze", ["x"], ["all"], name="sq_all")],
        [vi("x", [1, 3, 1, 4])], [vi("y", None), vi("all", None)],
        [const("axes", [0, -2]), const("axes2", [-1, 0])])


def squeeze_opset11(out):
    return model(
        [helper.make_node("Squeeze", ["x"], ["s"], name="sq", axes=[0]),
         helper.make_node("Unsqueeze", ["s"], ["y"], name="unsq", axes=[1])],
        [vi("x", [1, 3, 4])], [vi("y", None)], opset=11)


def batchnorm(out):
    return model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn1",
                          epsilon=1e-3)],
        [vi("x", [1, 4, 2, 2])], [vi("y", None)],
        [weights("s", 4), weights("b", 4), weights("m", 4),
         numpy_helper.from_array(np.abs(RNG.standard_normal(4)).astype(np.float32), "v")])


def pool_head(out):
    return model(
        [helper.make_node("MaxPool", ["x"], ["p"], name="maxpool", kernel_shape=[3, 3],
                          strides=[2, 2], ceil_mode=1),
         helper.make_node("AveragePool", ["p"], ["a"], name="avgpool", kernel_shape=[2, 2],
                          pads=[1, 1, 1, 1], count_include_pad=1),
         helper.make_node("GlobalAveragePool", ["a"], ["g"], name="gap"),
         helper.make_node("GlobalMaxPool", ["a"], ["gm"], name="gmp"),
         helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
         helper.make_node("Flatten", ["gm"], ["f2"], name="flatten_neg", axis=-3)],
        [vi("x", [1, 2, 8, 8])], [vi("f", None), vi("f2", None)])


def elementwise(out):
    unary = ["Sigmoid", "Tanh", "HardSwish", "Abs", "Neg", "Exp", "Log", "Sqrt",
             "Reciprocal", "Floor", "Ceil", "Erf", "Sin", "Cos", "Softplus", "Softsign",
             "Sign", "Round"]
    nodes, prev = [], "x"
    for i, op in enumerate(unary):
        nodes.append(helper.make_node(op, [prev], [f"u{i}"], name=op.lower()))
        prev = f"u{i}"
    nodes += [
        helper.make_node("LeakyRelu", [prev], ["l1"], name="leaky", alpha=0.2),
        helper.make_node("Elu", ["l1"], ["l2"], name="elu"),
        helper.make_node("Celu", ["l2"], ["l3"], name="celu", alpha=2.0),
        helper.make_node("Selu", ["l3"], ["l4"], name="selu"),
        helper.make_node("ThresholdedRelu", ["l4"], ["l5"], name="thr"),
        helper.make_node("HardSigmoid", ["l5"], ["l6"], name="hsig", beta=0.25),
        helper.make_node("Sum", ["l6", "x", "row"], ["s"], name="sum3"),
        helper.make_node("Mean", ["s", "x"], ["m"], name="mean2"),
        helper.make_node("Max", ["m", "row", "x"], ["mx"], name="max3"),
        helper.make_node("Min", ["mx"], ["mn"], name="min1"),
        helper.make_node("Pow", ["mn", "two"], ["p"], name="pow_int"),
        helper.make_node("Sub", ["p", "row"], ["d"], name="sub"),
        helper.make_node("Div", ["d", "row"], ["y"], name="div"),
    ]
    return model(nodes, [vi("x", [2, 3])], [vi("y", None)],
                 [weights("row", 3), const("two", 2, np.int32)], opset=17)


def data_movement(out):
    return model(
        [helper.make_node("Transpose", ["x"], ["t"], name="t_default"),
         helper.make_node("Transpose", ["x"], ["t2"], name="t_perm", perm=[1, 0, 2]),
         helper.make_node("Concat", ["x", "x"], ["c"], name="concat_neg", axis=-1),
         helper.make_node("Gather", ["x", "idx"], ["g"], name="gather_neg", axis=-2),
         helper.make_node("Cast", ["g"], ["gi"], name="cast_i32", to=TensorProto.INT32),
         helper.make_node("Identity", ["c"], ["i"], name="ident"),
         helper.make_node("Dropout", ["i"], ["dr"], name="drop"),
         helper.make_node("Shape", ["x"], ["sh"], name="shape_slice", start=1, end=-1),
         helper.make_node("Reshape", ["x", "newshape"], ["r"], name="reshape_zero"),
         helper.make_node("MatMul", ["x", "mm"], ["y"], name="batched_mm")],
        [vi("x", [2, 3, 4])],
        [vi(n, None) for n in ["t", "t2", "dr", "gi", "sh", "r", "y"]],
        [const("idx", [[0, -1]]), const("newshape", [0, -1]), weights("mm", 4, 5)],
        opset=15)


def gather_oob(out):
    return model([helper.make_node("Gather", ["x", "idx"], ["y"], name="g", axis=1)],
                 [vi("x", [2, 3])], [vi("y", None)], [const("idx", [3])])


def reshape_dynamic(out):
    return model([helper.make_node("Reshape", ["x", "s"], ["y"], name="dyn_reshape")],
                 [vi("x", [6]), vi("s", [2], TensorProto.INT64)], [vi("y", None)])


def constants(out):
    return model(
        [helper.make_node("Constant", [], ["a"], name="c_float", value_float=1.5),
         helper.make_node("Constant", [], ["b"], name="c_floats", value_floats=[1.0, 2.0]),
         helper.make_node("Constant", [], ["c"], name="c_int", value_int=7),
         helper.make_node("Constant", [], ["d"], name="c_ints", value_ints=[1, 2, 3]),
         helper.make_node("Constant", [], ["e"], name="c_big",
                          value=numpy_helper.from_array(np.arange(100, dtype=np.float32)))],
        [], [vi(n, None) for n in "abcde"])


def types(out):
    elems = [("f16", TensorProto.FLOAT16), ("bf16", TensorProto.BFLOAT16),
             ("f64", TensorProto.DOUBLE), ("u8", TensorProto.UINT8), ("i8", TensorProto.INT8),
             ("u16", TensorProto.UINT16), ("i16", TensorProto.INT16),
             ("u32", TensorProto.UINT32), ("i32", TensorProto.INT32),
             ("u64", TensorProto.UINT64), ("i64", TensorProto.INT64), ("b", TensorProto.BOOL)]
    inits = [
        # Typed-field (not raw_data) initializers of several types.
        helper.make_tensor("k_f16", TensorProto.FLOAT16, [2], [1.0, -2.0]),
        helper.make_tensor("k_bool", TensorProto.BOOL, [3], [1, 0, 1]),
        helper.make_tensor("k_u64", TensorProto.UINT64, [2], [1, 2**63]),
        helper.make_tensor("k_i8", TensorProto.INT8, [2], [-1, 127]),
        helper.make_tensor("k_f64", TensorProto.DOUBLE, [1], [0.25]),
    ]
    nodes = [helper.make_node("Identity", [n], [n + "_out"]) for n, _ in elems]
    nodes += [helper.make_node("Identity", [t.name], [t.name + "_out"]) for t in inits]
    return model(nodes, [vi(n, [2], e) for n, e in elems],
                 [vi(n + "_out", None) for n, _ in elems] +
                 [vi(t.name + "_out", None) for t in inits], inits)


def string_input(out):
    return model([helper.make_node("Identity", ["s"], ["y"])],
                 [vi("s", [2], TensorProto.STRING), vi("c", [2], TensorProto.COMPLEX64)],
                 [vi("y", None)])


def _tensor(name, dims, data_type=FLOAT):
    t = TensorProto()
    t.name, t.data_type = name, data_type
    t.dims.extend(dims)
    return t


def bad_initializer(out):
    w = _tensor("w", [2, 3])
    w.float_data.extend([1.0, 2.0, 3.0])  # 3 values for 6 elements
    return model([helper.make_node("Add", ["x", "w"], ["y"])], [vi("x", [2, 3])],
                 [vi("y", None)], [w])


def bad_raw_data(out):
    r = _tensor("r", [4])
    r.raw_data = b"\0" * 12  # 12 bytes for 16
    return model([helper.make_node("Add", ["x", "r"], ["y"])], [vi("x", [4])],
                 [vi("y", None)], [r])


def bad_dims(out):
    n = _tensor("neg", [2, -3])
    huge = _tensor("huge", [1 << 20, 1 << 20, 2])
    return model([helper.make_node("Add", ["neg", "huge"], ["y"], name="add")],
                 [], [vi("y", None)], [n, huge])


def negative_input(out):
    return model([helper.make_node("Relu", ["x"], ["y"])], [vi("x", [2, -1])], [vi("y", None)])


def ir3_initializer_inputs(out):
    # IR version 3 models list initializers among the graph inputs.
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [2]), vi("w", [2])], [vi("y", [2])], [weights("w", 2)],
                 opset=7, ir_version=3)


def legacy_broadcast(out):
    return model(
        [helper.make_node("Add", ["x", "b"], ["y"], name="add_axis1", broadcast=1, axis=1),
         helper.make_node("Reshape", ["y"], ["r"], name="reshape_attr", shape=[2, -1])],
        [vi("x", [2, 3, 4, 5])], [vi("r", None)], [weights("b", 3, 4)], opset=4,
        ir_version=3)


def legacy_cast(out):
    # Before opset 6, Cast's `to` is a type name.
    return model([helper.make_node("Cast", ["x"], ["y"], name="cast", to="INT64"),
                  helper.make_node("Cast", ["x"], ["z"], name="cast_bad", to="FLOAT42")],
                 [vi("x", [2])], [vi("y", None), vi("z", None)], opset=5, ir_version=3)


def dim_cnn(out):
    """x [N, 2, 4, 4] -> Conv, Relu, Flatten, Gemm -> y [N, 3]; t [N, 5] -> Relu -> u [N, 5]."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((4, 2, 3, 3)).astype(np.float32), "w")
    g = numpy_helper.from_array(rng.standard_normal((3, 64)).astype(np.float32), "g")
    return model(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["r"], name="relu"),
         helper.make_node("Flatten", ["r"], ["f"], name="flatten"),
         helper.make_node("Gemm", ["f", "g"], ["y"], name="fc", transB=1),
         helper.make_node("Relu", ["t"], ["u"], name="relu_t")],
        [vi("x", ["N", 2, 4, 4]), vi("t", ["N", 5])], [vi("y", ["N", 3]), vi("u", ["N", 5])],
        [w, g])


def dim_softmax_batch(out):
    """Softmax over the batch axis: not separable along N."""
    return model([helper.make_node("Softmax", ["x"], ["y"], name="norm", axis=0)],
                 [vi("x", ["N", 10])], [vi("y", ["N", 10])])


def dim_inner(out):
    """N is dimension 1 of the input: the bundle cannot offset pointers along it."""
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [3, "N"])], [vi("y", [3, "N"])])


def dim_twice(out):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", ["N", "N"])], [vi("y", ["N", "N"])])


def dim_flatten_batch(out):
    """Reshape to [1, -1] merges the batch into one row: separable only at N = 1."""
    return model([helper.make_node("Reshape", ["x", "s"], ["y"], name="merge")],
                 [vi("x", ["N", 4])], [vi("y", None)], [const("s", [1, -1])])


MODELS = {f.__name__: f for f in [
    conv_relu, conv_autopad, gemm, reshape_chain, unknown_op, unsupported_attrs,
    symbolic_batch, cycle, missing_input, duplicate_output, unsorted, shape_mismatch,
    truncated, garbage, bad_opset, external_data, external_escape, external_absolute,
    external_missing, external_short, external_symlink, softmax_opset11, softmax_opset13,
    clip_opset11, clip_dynamic, clip_opset6, squeeze_opset13, squeeze_opset11, batchnorm, pool_head,
    elementwise, data_movement, gather_oob, reshape_dynamic, constants, types, string_input,
    bad_initializer, bad_raw_data, bad_dims, negative_input, ir3_initializer_inputs, legacy_broadcast,
    legacy_cast, dim_cnn, dim_softmax_batch, dim_inner, dim_twice, dim_flatten_batch]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    name, out = sys.argv[1], sys.argv[2]
    m = MODELS[name](out)
    if m is not None:
        onnx.save_model(m, out)


if __name__ == "__main__":
    main()
