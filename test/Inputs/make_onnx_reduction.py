#!/usr/bin/env python3
"""Writes tiny ONNX models for the reduction family's importer lit tests (test/import/).

Usage: make_onnx_reduction.py NAME OUT

Same conventions as make_onnx.py (deterministic onnx.helper models); kept in its own file so
that each op family adds its test models without touching the others'.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT


def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, values, dtype=np.int64):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "test", inputs, outputs, initializer=list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def reduce_opset11(out):
    # Axes are attributes before opset 13 (ReduceSum) / 18 (the others); absent = all axes.
    return model(
        [helper.make_node("ReduceMax", ["x"], ["a"], name="max_attr", axes=[-1, 0]),
         helper.make_node("ReduceSum", ["x"], ["b"], name="sum_all", keepdims=0),
         helper.make_node("ReduceLogSumExp", ["x"], ["c"], name="lse", axes=[1])],
        [vi("x", [2, 3, 4])], [vi("a", None), vi("b", None), vi("c", None)], opset=11)


def reduce_opset18(out):
    # Axes are a constant input; empty axes reduce everything unless noop_with_empty_axes.
    return model(
        [helper.make_node("ReduceSum", ["x", "ax"], ["a"], name="sum_input", keepdims=0),
         helper.make_node("ReduceSumSquare", ["x", "none"], ["b"], name="noop",
                          noop_with_empty_axes=1),
         helper.make_node("ReduceL2", ["x", "none"], ["c"], name="all"),
         helper.make_node("ReduceMean", ["x"], ["d"], name="no_axes_input")],
        [vi("x", [2, 3, 4])], [vi("a", None), vi("b", None), vi("c", None), vi("d", None)],
        [const("ax", [-2]), const("none", [])], opset=18)


def reduce_fold(out):
    # A shape subgraph: ReduceProd of a Shape slice folds to a constant.
    return model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape", start=1),
         helper.make_node("ReduceProd", ["s"], ["p"], name="numel", keepdims=0),
         helper.make_node("ReduceMax", ["k"], ["m"], name="max_const", keepdims=1)],
        [vi("x", [2, 3, 4])], [vi("p", None), vi("m", None)],
        [const("k", [[3, -7], [5, 1]])], opset=15)


def hardmax_topk(out):
    # Hardmax coerces to 2-d before opset 13; TopK's K is an attribute in opset 1.
    return model(
        [helper.make_node("Hardmax", ["x"], ["h"], name="hm"),
         helper.make_node("TopK", ["x"], ["v", "i"], name="top", k=2, axis=1)],
        [vi("x", [2, 3, 4])], [vi("h", None), vi("v", None), vi("i", None)], opset=9)


def topk_opset11(out):
    return model(
        [helper.make_node("TopK", ["x", "k"], ["v", "i"], name="smallest", largest=0)],
        [vi("x", [2, 5])], [vi("v", None), vi("i", None)], [const("k", [3])], opset=11)


def norms(out):
    # LayerNormalization with all three outputs and a double stash type; opset 18
    # GroupNormalization takes per-group parameters, gathered to channels.
    return model(
        [helper.make_node("LayerNormalization", ["x", "s"], ["y", "mean", "inv"], name="ln",
                          axis=-2, stash_type=11),
         helper.make_node("GroupNormalization", ["g", "gs", "gb"], ["z"], name="gn",
                          num_groups=2),
         helper.make_node("InstanceNormalization", ["g", "is", "ib"], ["w"], name="in")],
        [vi("x", [2, 3, 4]), vi("s", [3, 4]), vi("g", [1, 4, 3]), vi("gs", [2]), vi("gb", [2]),
         vi("is", [4]), vi("ib", [4])],
        [vi("y", None), vi("mean", None), vi("inv", None), vi("z", None), vi("w", None)],
        opset=18)


def losses(out):
    # SoftmaxCrossEntropyLoss = LogSoftmax over axis 1 + NegativeLogLikelihoodLoss.
    return model(
        [helper.make_node("SoftmaxCrossEntropyLoss", ["x", "t"], ["l", "lp"], name="sce",
                          ignore_index=-1),
         helper.make_node("NegativeLogLikelihoodLoss", ["x", "t", "w"], ["n"], name="nll",
                          reduction="none")],
        [vi("x", [3, 5, 2]), vi("t", [3, 2], TensorProto.INT64), vi("w", [5])],
        [vi("l", None), vi("lp", None), vi("n", None)], opset=13)


def bad_loss(out):
    return model(
        [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["b"], name="bad_reduction",
                          reduction="avg")],
        [vi("x", [2, 3]), vi("t", [2], TensorProto.INT64)], [vi("b", None)], opset=13)


def repeated_axes(out):
    return model([helper.make_node("ReduceMax", ["x"], ["a"], name="repeated", axes=[1, -1])],
                 [vi("x", [2, 3])], [vi("a", None)], opset=13)


MODELS = {f.__name__: f for f in [
    reduce_opset11, reduce_opset18, reduce_fold, hardmax_topk, topk_opset11, norms, losses,
    bad_loss, repeated_axes]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    onnx.save_model(MODELS[sys.argv[1]](sys.argv[2]), sys.argv[2])


if __name__ == "__main__":
    main()
