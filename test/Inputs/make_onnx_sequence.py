#!/usr/bin/env python3
"""Writes the sequence and optional models of the importer's lit tests
(test/import/sequence.test).

Usage: make_onnx_sequence.py NAME OUT. Same conventions as make_onnx.py, whose helpers
it uses.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_onnx import const, model, vi  # noqa: E402

node = helper.make_node


def seq_ops(out):
    # [x, y, z] -> insert w before position -1 -> [x, y, w, z] -> erase the last -> [x, y, w]
    # -> element -2 (y), the length (3), and the elements stacked on a new axis 0.
    return model(
        [node("SequenceConstruct", ["x", "y", "z"], ["s1"], name="construct"),
         node("SequenceInsert", ["s1", "w", "m1"], ["s2"], name="insert"),
         node("SequenceErase", ["s2"], ["s3"], name="erase"),
         node("SequenceAt", ["s3", "m2"], ["at"], name="at"),
         node("SequenceLength", ["s3"], ["len"], name="length"),
         node("ConcatFromSequence", ["s3"], ["stacked"], name="stack", axis=0, new_axis=1)],
        [vi(n, [2, 3]) for n in "xyzw"],
        [vi("at", [2, 3]), vi("len", [], TensorProto.INT64), vi("stacked", [3, 2, 3])],
        inits=[const("m1", -1), const("m2", -2)], opset=12)


def split_concat(out):
    # Pieces of 1 along axis 1 without that axis, then concatenated back along axis 0; and
    # pieces of 2 (the last one of 1) from a scalar split, concatenated along axis -1.
    return model(
        [node("SplitToSequence", ["x"], ["s"], name="split1", axis=1, keepdims=0),
         node("ConcatFromSequence", ["s"], ["c"], name="concat1", axis=0),
         node("SplitToSequence", ["x", "two"], ["t"], name="split2", axis=-1),
         node("SequenceAt", ["t", "last"], ["tail"], name="at_last")],
        [vi("x", [2, 3])], [vi("c", [6]), vi("tail", [2, 1])],
        inits=[const("two", 2), const("last", -1)], opset=12)


def seq_map(out):
    body = helper.make_graph([node("Add", ["e", "b"], ["r"], name="add")], "map_body",
                             [vi("e", None), vi("b", [3])], [vi("r", None)])
    return model(
        [node("SequenceConstruct", ["x", "y"], ["s"], name="construct"),
         node("SequenceMap", ["s", "b"], ["m"], name="map", body=body),
         node("ConcatFromSequence", ["m"], ["out"], name="concat", axis=0)],
        [vi("x", [1, 3]), vi("y", [2, 3]), vi("b", [3])], [vi("out", [3, 3])], opset=17)


def dynamic_position(out):
    return model(
        [node("SequenceConstruct", ["x", "y"], ["s"], name="construct"),
         node("SequenceAt", ["s", "p"], ["out"], name="at_dyn")],
        [vi("x", [2]), vi("y", [2]), vi("p", [], TensorProto.INT64)], [vi("out", [2])],
        opset=12)


def position_range(out):
    return model(
        [node("SequenceConstruct", ["x", "y"], ["s"], name="construct"),
         node("SequenceAt", ["s", "p"], ["out"], name="at_far")],
        [vi("x", [2]), vi("y", [2])], [vi("out", [2])], inits=[const("p", 2)], opset=12)


def sequence_as_tensor(out):
    return model(
        [node("SequenceConstruct", ["x"], ["s"], name="construct"),
         node("Relu", ["s"], ["out"], name="relu_seq")],
        [vi("x", [2])], [vi("out", [2])], opset=12)


def tensor_as_sequence(out):
    return model(
        [node("SequenceAt", ["x", "p"], ["out"], name="at_tensor")],
        [vi("x", [2])], [vi("out", [2])], inits=[const("p", 0)], opset=12)


def sequence_output(out):
    seq = helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, [2])
    return model([node("SequenceConstruct", ["x", "y"], ["s"], name="construct")],
                 [vi("x", [2]), vi("y", [2])], [seq], opset=12)


def sequence_io(out):
    # A sequence input of rank-1 elements (their size left open) with x appended, and its
    # length; `--input-shape s=[...]` pins the elements.
    seq_in = helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, ["n"])
    seq_out = helper.make_tensor_sequence_value_info("t", TensorProto.FLOAT, None)
    return model([node("SequenceInsert", ["s", "x"], ["t"], name="append"),
                  node("SequenceLength", ["t"], ["len"], name="length")],
                 [seq_in, vi("x", [3])], [seq_out, vi("len", [], TensorProto.INT64)],
                 opset=12)


def loop_sequence(out):
    # A loop of 3 iterations carrying a sequence: each appends the iteration number.
    body = helper.make_graph(
        [node("Identity", ["c"], ["c_out"], name="keep"),
         node("Cast", ["i"], ["f"], name="cast", to=TensorProto.FLOAT),
         node("Unsqueeze", ["f", "zero"], ["e"], name="unsq"),
         node("SequenceInsert", ["seq", "e"], ["seq_out"], name="append")],
        "body",
        [vi("i", [], TensorProto.INT64), vi("c", [], TensorProto.BOOL),
         helper.make_tensor_sequence_value_info("seq", TensorProto.FLOAT, None)],
        [vi("c_out", [], TensorProto.BOOL),
         helper.make_tensor_sequence_value_info("seq_out", TensorProto.FLOAT, None)],
        [const("zero", [0])])
    seq_out = helper.make_tensor_sequence_value_info("res", TensorProto.FLOAT, None)
    return model([node("SequenceEmpty", [], ["empty"], name="empty"),
                  node("Loop", ["m", "", "empty"], ["res"], name="loop", body=body)],
                 [], [seq_out], inits=[const("m", 3)], opset=13)


def if_sequence(out):
    # A constant condition: the then branch's sequence is the node's output.
    def branch(name, values):
        return helper.make_graph(
            [node("SequenceConstruct", ["a", "b"], ["s_" + name], name="construct_" + name)],
            name, [], [helper.make_tensor_sequence_value_info("s_" + name, TensorProto.FLOAT,
                                                              None)],
            [const("a", [values[0]], np.float32), const("b", [values[1]], np.float32)])
    seq_out = helper.make_tensor_sequence_value_info("res", TensorProto.FLOAT, None)
    return model([node("If", ["cond"], ["res"], name="if", then_branch=branch("then", [1.0, 2.0]),
                       else_branch=branch("else", [3.0, 4.0]))],
                 [], [seq_out], inits=[const("cond", True, np.bool_)], opset=13)


def scan_sequence(out):
    # Scan bodies must return tensors.
    body = helper.make_graph(
        [node("SequenceConstruct", ["e"], ["s"], name="construct")], "body",
        [vi("e", [2])], [helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, None)])
    return model([node("Scan", ["x"], ["y"], name="scan", body=body, num_scan_inputs=1)],
                 [vi("x", [3, 2])], [vi("y", [3, 2])], opset=11)


def insert_type(out):
    return model(
        [node("SequenceEmpty", [], ["s0"], name="empty", dtype=TensorProto.INT64),
         node("SequenceInsert", ["s0", "x"], ["s1"], name="insert_f32"),
         node("SequenceAt", ["s1", "p"], ["out"], name="at")],
        [vi("x", [2])], [vi("out", [2])], inits=[const("p", 0)], opset=12)


def optional_io(out):
    # An optional tensor input: whether it has an element, and itself (Identity) as an
    # optional output; --input-shape opt=none compiles it as empty.
    opt_type = helper.make_optional_type_proto(
        helper.make_tensor_type_proto(TensorProto.FLOAT, [3]))
    return model([node("OptionalHasElement", ["opt"], ["has"], name="has"),
                  node("Identity", ["opt"], ["again"], name="wrap")],
                 [helper.make_value_info("opt", opt_type)],
                 [vi("has", [], TensorProto.BOOL), helper.make_value_info("again", opt_type)],
                 opset=18)


def optional_get_empty(out):
    opt_type = helper.make_optional_type_proto(
        helper.make_tensor_type_proto(TensorProto.FLOAT, [3]))
    return model([node("Optional", [], ["empty"], name="empty", type=opt_type.optional_type
                       .elem_type),
                  node("OptionalGetElement", ["empty"], ["out"], name="get")],
                 [], [vi("out", [3])], opset=18)


def no_output(out):
    # The only graph output is an empty sequence: nothing is left for the bundle to return.
    return model([node("SequenceEmpty", [], ["s"], name="empty")], [],
                 [helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, None)],
                 opset=12)


MODELS = {f.__name__: f for f in [seq_ops, split_concat, seq_map, dynamic_position,
                                  position_range, sequence_as_tensor, tensor_as_sequence,
                                  sequence_output, insert_type, sequence_io, loop_sequence,
                                  if_sequence, scan_sequence, optional_io, optional_get_empty,
                                  no_output]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    onnx.save_model(MODELS[sys.argv[1]](sys.argv[2]), sys.argv[2])


if __name__ == "__main__":
    main()
