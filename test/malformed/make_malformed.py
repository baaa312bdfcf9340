#!/usr/bin/env python3
"""make_malformed.py - writes the malformed-model test set of modelc.

Usage: make_malformed.py OUT_DIR [--list]

Writes one ONNX file per case into OUT_DIR (cases with external data also write their data
files, the symlink case a subdirectory) and OUT_DIR/expected.json, which maps every model file
(relative to OUT_DIR) to the exit code modelc must give: 1 for a malformed model (with an
`error:` line naming the node or tensor), 0 for the few edge cases that are valid ONNX
(zero-size tensors, a graph whose output is its input). check_malformed.py runs modelc on the
set and checks the exit codes; test/malformed/malformed_set.test also checks every message
with FileCheck.

Every case is deterministic (no randomness), so the same script always writes the same bytes.
The cases cover: truncated and non-protobuf files, structural errors (cycles, undefined and
duplicated names, empty graphs), bad shapes (negative dims, element counts that overflow
int64, huge declared tensors with tiny data), data that does not match its shape, external
data escaping the model directory (`..`, absolute paths, symlinks), unknown opsets, domains,
ops and data types, mismatched element types, attributes of the wrong type or value, and
constant subgraphs whose folding would overflow.
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT, INT64, INT32 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32
INT64_MAX = 2**63 - 1
INT64_MIN = -2**63

CASES = {}  # name -> (builder, expected exit code)


def case(expected_exit=1):
    def register(fn):
        CASES[fn.__name__] = (fn, expected_exit)
        return fn
    return register


def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def tensor(name, dims, data_type=FLOAT):
    t = TensorProto()
    t.name, t.data_type = name, data_type
    t.dims.extend(dims)
    return t


def arange(name, *shape, dtype=np.float32):
    count = int(np.prod(shape)) if shape else 1
    return numpy_helper.from_array((np.arange(count) % 7 - 3).astype(dtype).reshape(shape), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(nodes, inputs, outputs, inits=(), opset=17, ir_version=8, opsets=None):
    graph = helper.make_graph(nodes, "malformed", inputs, outputs, initializer=list(inits))
    m = helper.make_model(graph, opset_imports=opsets or [helper.make_opsetid("", opset)])
    m.ir_version = ir_version
    return m


def conv_relu():
    return model(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"], name="relu1")],
        [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 8, 8])], [arange("w", 4, 3, 3, 3), arange("b", 4)])


def matmul_with(weight, x_shape=(2, 16)):
    return model([helper.make_node("MatMul", ["x", weight.name], ["y"], name="mm")],
                 [vi("x", list(x_shape))], [vi("y", None)], [weight])


def external(t, location, offset=None, length=None):
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        if value is not None:
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
    t.ClearField("raw_data")
    return t


# --- Files that are not (complete) ModelProtos ------------------------------------------------

@case()
def truncated_half(out_dir):
    data = conv_relu().SerializeToString()
    return data[: len(data) // 2]


@case()
def truncated_last_byte(out_dir):
    return conv_relu().SerializeToString()[:-1]


@case()
def truncated_in_raw_data(out_dir):
    data = matmul_with(arange("w", 16, 64)).SerializeToString()
    return data[: len(data) * 3 // 5]  # inside the 4 KiB of raw_data


@case()
def truncated_varint(out_dir):
    return b"\x08\xff\xff\xff"  # ir_version, a varint without its last byte


@case()
def garbage_bytes(out_dir):
    return bytes((i * 131 + 7) % 256 for i in range(1024))


@case()
def empty_file(out_dir):
    return b""  # parses as an empty ModelProto: no graph


# --- Graph structure --------------------------------------------------------------------------

@case()
def cyclic_graph(out_dir):
    return model([helper.make_node("Add", ["x", "t2"], ["t1"], name="add_a"),
                  helper.make_node("Relu", ["t1"], ["t2"], name="relu_b"),
                  helper.make_node("Relu", ["t2"], ["y"], name="relu_c")],
                 [vi("x", [2])], [vi("y", [2])])


@case()
def self_loop(out_dir):
    return model([helper.make_node("Add", ["x", "t"], ["t"], name="accumulate"),
                  helper.make_node("Relu", ["t"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2])])


@case()
def undefined_input_name(out_dir):
    return model([helper.make_node("Add", ["x", "nowhere"], ["y"], name="add1")],
                 [vi("x", [2])], [vi("y", [2])])


@case()
def missing_initializer(out_dir):
    # conv1 reads weight 'w', which neither an initializer nor a graph input provides.
    m = conv_relu()
    del m.graph.initializer[0]
    return m


@case()
def undefined_graph_output(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2]), vi("ghost", [2])])


@case()
def duplicated_output_names(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="first"),
                  helper.make_node("Neg", ["x"], ["y"], name="second")],
                 [vi("x", [2])], [vi("y", [2])])


@case()
def duplicated_graph_outputs(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2]), vi("y", [2])])


@case()
def output_shadows_input(out_dir):
    return model([helper.make_node("Relu", ["x"], ["x"], name="relu")],
                 [vi("x", [2])], [vi("x", [2])])


@case()
def duplicated_initializer(out_dir):
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [2])], [vi("y", [2])], [arange("w", 2), arange("w", 2)])


@case()
def duplicated_graph_input(out_dir):
    return model([helper.make_node("Add", ["x", "x"], ["y"], name="add")],
                 [vi("x", [2]), vi("x", [2])], [vi("y", [2])])


@case()
def empty_graph(out_dir):
    return model([], [], [])


@case()
def no_graph(out_dir):
    m = onnx.ModelProto()
    m.ir_version = 8
    m.opset_import.add().version = 17
    return m


@case(expected_exit=0)
def passthrough_graph(out_dir):
    # No nodes: the output is the input. Valid ONNX.
    return model([], [vi("x", [2, 3])], [vi("x", [2, 3])])


@case()
def node_without_inputs(out_dir):
    return model([helper.make_node("Relu", [], ["y"], name="relu")], [], [vi("y", None)])


@case()
def conv_missing_weight(out_dir):
    return model([helper.make_node("Conv", ["x"], ["y"], name="conv_one_input")],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)])


@case()
def untyped_graph_input(out_dir):
    m = model([helper.make_node("Relu", ["x"], ["y"], name="relu")], [], [vi("y", None)])
    m.graph.input.add().name = "x"
    return m


# --- Shapes -----------------------------------------------------------------------------------

@case()
def negative_dim_initializer(out_dir):
    return model([helper.make_node("Add", ["x", "neg"], ["y"], name="add")],
                 [vi("x", [2, 3])], [vi("y", None)], [tensor("neg", [2, -3])])


@case()
def negative_dim_input(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2, -4])], [vi("y", None)])


@case()
def overflow_dims_initializer(out_dir):
    # 2^32 * 2^32 * 4 elements: the element count overflows int64.
    return model([helper.make_node("Relu", ["big"], ["y"], name="relu")],
                 [], [vi("y", None)], [tensor("big", [2**32, 2**32, 4])])


@case()
def overflow_dims_input(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2**31, 2**31, 2**31])], [vi("y", None)])


@case()
def overflow_dims_int64_max(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [INT64_MAX, INT64_MAX])], [vi("y", None)])


@case()
def overflow_reshape_target(out_dir):
    # The known dimensions of the target shape multiply past int64 before -1 is inferred.
    return model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
                 [vi("x", [2, 3])], [vi("y", None)], [ints("shape", [2**40, 2**40, -1])])


@case()
def overflow_constant_of_shape(out_dir):
    return model([helper.make_node("ConstantOfShape", ["shape"], ["y"], name="fill")],
                 [], [vi("y", None)], [ints("shape", [2**62, 2**62])])


@case()
def huge_tensor_tiny_raw_data(out_dir):
    t = tensor("huge", [1 << 20, 1 << 19])
    t.raw_data = b"\0\0\x80\x3f"
    return model([helper.make_node("Relu", ["huge"], ["y"], name="relu")], [], [vi("y", None)], [t])


@case()
def huge_tensor_tiny_typed_data(out_dir):
    t = tensor("huge", [1 << 20, 1 << 19])
    t.float_data.append(1.0)
    return model([helper.make_node("Relu", ["huge"], ["y"], name="relu")], [], [vi("y", None)], [t])


@case()
def huge_constant_node(out_dir):
    t = tensor("value", [1 << 30, 1 << 10], INT64)
    t.int64_data.extend([1, 2, 3])
    return model([helper.make_node("Constant", [], ["y"], name="const", value=t)],
                 [], [vi("y", None)])


@case()
def raw_data_size_mismatch(out_dir):
    t = tensor("r", [4])
    t.raw_data = b"\0" * 12  # 12 bytes for 4 floats
    return model([helper.make_node("Add", ["x", "r"], ["y"], name="add")],
                 [vi("x", [4])], [vi("y", None)], [t])


@case()
def typed_data_count_mismatch(out_dir):
    t = tensor("w", [2, 3])
    t.float_data.extend([1.0, 2.0, 3.0])
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [2, 3])], [vi("y", None)], [t])


@case()
def zero_size_with_data(out_dir):
    t = tensor("empty", [0, 4])
    t.raw_data = b"\0" * 4
    return model([helper.make_node("Concat", ["x", "empty"], ["y"], name="concat", axis=0)],
                 [vi("x", [2, 4])], [vi("y", None)], [t])


@case(expected_exit=0)
def zero_size_initializer(out_dir):
    # Concatenating a [0, 4] tensor is valid ONNX and a no-op.
    t = tensor("empty", [0, 4])
    return model([helper.make_node("Concat", ["x", "empty"], ["y"], name="concat", axis=0)],
                 [vi("x", [2, 4])], [vi("y", None)], [t])


@case(expected_exit=0)
def zero_size_input(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [0, 3])], [vi("y", None)])


@case()
def conv_window_larger_than_input(out_dir):
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")],
                 [vi("x", [1, 1, 2, 2])], [vi("y", None)], [arange("w", 1, 1, 3, 3)])


@case()
def conv_huge_pads(out_dir):
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                                   pads=[INT64_MAX, 0, INT64_MAX, 0])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)], [arange("w", 1, 1, 3, 3)])


@case()
def conv_huge_dilations(out_dir):
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                                   dilations=[INT64_MAX, 1])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)], [arange("w", 1, 1, 3, 3)])


@case(expected_exit=0)
def conv_huge_strides_same(out_dir):
    # Valid: one window per row (SAME_UPPER keeps ceil(4 / stride) = 1 output).
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", auto_pad="SAME_UPPER",
                                   strides=[INT64_MAX, 1])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)], [arange("w", 1, 1, 3, 3)])


@case()
def conv_zero_group(out_dir):
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", group=0)],
                 [vi("x", [1, 2, 4, 4])], [vi("y", None)], [arange("w", 2, 2, 3, 3)])


@case()
def conv_huge_group(out_dir):
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", group=INT64_MAX)],
                 [vi("x", [1, 2, 4, 4])], [vi("y", None)], [arange("w", 2, 2, 3, 3)])


@case()
def pool_huge_kernel(out_dir):
    return model([helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                                   kernel_shape=[INT64_MAX, 2])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)])


@case()
def reshape_two_inferred(out_dir):
    return model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
                 [vi("x", [2, 3])], [vi("y", None)], [ints("shape", [-1, -1])])


@case()
def reshape_count_mismatch(out_dir):
    return model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
                 [vi("x", [2, 3])], [vi("y", None)], [ints("shape", [4, 2])])


@case()
def broadcast_mismatch(out_dir):
    return model([helper.make_node("Add", ["x", "z"], ["y"], name="bad_add")],
                 [vi("x", [2, 3]), vi("z", [4])], [vi("y", None)])


@case()
def transpose_bad_perm(out_dir):
    return model([helper.make_node("Transpose", ["x"], ["y"], name="transpose", perm=[0, 0])],
                 [vi("x", [2, 3])], [vi("y", None)])


@case()
def transpose_perm_out_of_range(out_dir):
    return model([helper.make_node("Transpose", ["x"], ["y"], name="transpose",
                                   perm=[1, INT64_MAX])],
                 [vi("x", [2, 3])], [vi("y", None)])


@case()
def gather_index_out_of_range(out_dir):
    return model([helper.make_node("Gather", ["x", "idx"], ["y"], name="gather", axis=1)],
                 [vi("x", [2, 3])], [vi("y", None)], [ints("idx", [INT64_MIN])])


@case()
def softmax_axis_out_of_range(out_dir):
    return model([helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=INT64_MIN)],
                 [vi("x", [2, 3])], [vi("y", None)])


@case()
def concat_rank_mismatch(out_dir):
    return model([helper.make_node("Concat", ["x", "z"], ["y"], name="concat", axis=0)],
                 [vi("x", [2, 3]), vi("z", [2])], [vi("y", None)])


@case()
def squeeze_huge_axis(out_dir):
    return model([helper.make_node("Squeeze", ["x", "axes"], ["y"], name="squeeze")],
                 [vi("x", [1, 3])], [vi("y", None)], [ints("axes", [INT64_MIN])])


@case()
def unsqueeze_huge_axis(out_dir):
    return model([helper.make_node("Unsqueeze", ["x", "axes"], ["y"], name="unsqueeze")],
                 [vi("x", [3])], [vi("y", None)], [ints("axes", [INT64_MAX])])


@case()
def flatten_axis_out_of_range(out_dir):
    return model([helper.make_node("Flatten", ["x"], ["y"], name="flatten", axis=INT64_MIN)],
                 [vi("x", [2, 3])], [vi("y", None)])


# --- Constant folding at the edges of int64 ---------------------------------------------------

def fold_binary(op, a, b):
    return model([helper.make_node(op, ["a", "b"], ["c"], name=op.lower() + "_fold"),
                  helper.make_node("Reshape", ["x", "c"], ["y"], name="reshape")],
                 [vi("x", [6])], [vi("y", None)], [ints("a", a), ints("b", b)])


@case()
def fold_add_overflow(out_dir):
    return fold_binary("Add", [INT64_MAX], [1])


@case()
def fold_mul_overflow(out_dir):
    return fold_binary("Mul", [2**62], [3])  # wraps to -2^62, an invalid shape value


@case()
def fold_sub_overflow(out_dir):
    return fold_binary("Sub", [INT64_MIN], [1])


@case()
def fold_div_overflow(out_dir):
    return fold_binary("Div", [INT64_MIN], [-1])


@case()
def fold_div_by_zero(out_dir):
    return fold_binary("Div", [6], [0])


@case()
def fold_pow_overflow(out_dir):
    return fold_binary("Pow", [10], [30])


# --- External data ----------------------------------------------------------------------------

def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


@case()
def external_dotdot_escape(out_dir):
    # Rejected on the path alone: nothing outside OUT_DIR is written or read.
    return matmul_with(external(arange("w", 16, 16), "../outside.bin"))


@case()
def external_nested_escape(out_dir):
    return matmul_with(external(arange("w", 16, 16), "sub/../../outside.bin"))


@case()
def external_absolute_path(out_dir):
    return matmul_with(external(arange("w", 16, 16), "/etc/passwd"))


@case()
def external_symlink_escape(out_dir):
    # symlink_dir/model.onnx reads symlink_dir/link.bin -> ../outside_target.bin.
    directory = os.path.join(out_dir, "symlink_dir")
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(out_dir, "outside_target.bin")
    write(target, b"\0" * 1024)
    link = os.path.join(directory, "link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(target), link)
    m = matmul_with(external(arange("w", 16, 16), "link.bin"))
    onnx.save_model(m, os.path.join(directory, "model.onnx"))
    return "symlink_dir/model.onnx"


@case()
def external_missing_file(out_dir):
    return matmul_with(external(arange("w", 16, 16), "does_not_exist.bin"))


@case()
def external_directory(out_dir):
    os.makedirs(os.path.join(out_dir, "a_directory.bin"), exist_ok=True)
    return matmul_with(external(arange("w", 16, 16), "a_directory.bin"))


@case()
def external_offset_overflow(out_dir):
    write(os.path.join(out_dir, "small.bin"), b"\0" * 1024)
    return matmul_with(external(arange("w", 16, 16), "small.bin", offset=INT64_MAX, length=1024))


@case()
def external_bad_length(out_dir):
    write(os.path.join(out_dir, "small.bin"), b"\0" * 1024)
    return matmul_with(external(arange("w", 16, 16), "small.bin", offset=0, length="12abc"))


@case()
def external_no_location(out_dir):
    t = arange("w", 16, 16)
    t.data_location = TensorProto.EXTERNAL
    t.ClearField("raw_data")
    return matmul_with(t)


# --- Opsets, domains, ops, types ---------------------------------------------------------------

@case()
def unknown_opset(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2])], opset=99)


@case()
def negative_opset(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2])], opset=-5)


@case()
def no_default_opset(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2])], opsets=[helper.make_opsetid("com.example", 1)])


@case()
def unknown_domain(out_dir):
    return model([helper.make_node("Relu", ["x"], ["y"], name="custom_relu", domain="com.example")],
                 [vi("x", [2])], [vi("y", [2])],
                 opsets=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])


@case()
def unknown_op(out_dir):
    return model([helper.make_node("FrobnicateTensor", ["x"], ["y"], name="frob")],
                 [vi("x", [2])], [vi("y", [2])])


@case()
def unknown_initializer_type(out_dir):
    t = tensor("w", [2], 99)
    t.raw_data = b"\0" * 8
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [2])], [vi("y", None)], [t])


@case()
def string_input(out_dir):
    return model([helper.make_node("Identity", ["s"], ["y"], name="ident")],
                 [vi("s", [2], TensorProto.STRING)], [vi("y", None)])


@case()
def mismatched_element_types(out_dir):
    return model([helper.make_node("Add", ["x", "k"], ["y"], name="add_mixed")],
                 [vi("x", [2])], [vi("y", None)], [ints("k", [1, 2])])


@case()
def mismatched_matmul_types(out_dir):
    return model([helper.make_node("MatMul", ["x", "z"], ["y"], name="mm_mixed")],
                 [vi("x", [2, 2]), vi("z", [2, 2], INT32)], [vi("y", None)])


@case()
def float_op_on_integers(out_dir):
    return model([helper.make_node("Sigmoid", ["x"], ["y"], name="sigmoid")],
                 [vi("x", [2], INT64)], [vi("y", None)])


@case()
def cast_to_unknown_type(out_dir):
    return model([helper.make_node("Cast", ["x"], ["y"], name="cast", to=99)],
                 [vi("x", [2])], [vi("y", None)])


# --- Attributes -------------------------------------------------------------------------------

@case()
def wrong_attribute_type_floats(out_dir):
    # strides must be INTS; here they are FLOATS.
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", strides=[1.5, 2.0])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)], [arange("w", 1, 1, 3, 3)])


@case()
def wrong_attribute_type_string(out_dir):
    return model([helper.make_node("Concat", ["x", "x"], ["y"], name="concat", axis="zero")],
                 [vi("x", [2])], [vi("y", None)])


@case()
def wrong_attribute_type_tensor(out_dir):
    return model([helper.make_node("Constant", [], ["y"], name="const", value=[1, 2])],
                 [], [vi("y", None)])


@case()
def wrong_attribute_value(out_dir):
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", auto_pad="SAME_MIDDLE")],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)], [arange("w", 1, 1, 3, 3)])


@case()
def negative_strides(out_dir):
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", strides=[-1, 1])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", None)], [arange("w", 1, 1, 3, 3)])


@case()
def missing_required_attribute(out_dir):
    return model([helper.make_node("Concat", ["x", "x"], ["y"], name="concat")],
                 [vi("x", [2])], [vi("y", None)])


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.exit(f"usage: {argv[0]} OUT_DIR [--list]")
    if "--list" in argv:
        print("\n".join(sorted(CASES)))
        return
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    expected = {}
    for name, (build, exit_code) in sorted(CASES.items()):
        result = build(out_dir)
        if isinstance(result, str):  # the builder saved its model itself, at this path
            rel = result
        else:
            rel = f"{name}.onnx"
            data = result if isinstance(result, bytes) else result.SerializeToString()
            write(os.path.join(out_dir, rel), data)
        expected[rel] = exit_code
    with open(os.path.join(out_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
