#!/usr/bin/env python3
"""Writes the sequence models of the importer's lit tests (test/import/sequence.test).

Usage: make_onnx_sequence.py NAME OUT. Same conventions as make_onnx.py, whose helpers
it uses.
"""

import os
import sys

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
    return model([node("SequenceConstruct", ["x"], ["s"], name="construct")],
                 [vi("x", [2])], [seq], opset=12)


def insert_type(out):
    return model(
        [node("SequenceEmpty", [], ["s0"], name="empty", dtype=TensorProto.INT64),
         node("SequenceInsert", ["s0", "x"], ["s1"], name="insert_f32"),
         node("SequenceAt", ["s1", "p"], ["out"], name="at")],
        [vi("x", [2])], [vi("out", [2])], inits=[const("p", 0)], opset=12)


MODELS = {f.__name__: f for f in [seq_ops, split_concat, seq_map, dynamic_position,
                                  position_range, sequence_as_tensor, tensor_as_sequence,
                                  sequence_output, insert_type]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    onnx.save_model(MODELS[sys.argv[1]](sys.argv[2]), sys.argv[2])


if __name__ == "__main__":
    main()
