#!/usr/bin/env python3
"""Writes the control-flow models of the importer's lit tests (test/import/control_flow.test).

Usage: make_onnx_controlflow.py NAME OUT. Same conventions as make_onnx.py, whose helpers
it uses.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_onnx import FLOAT, const, model, vi  # noqa: E402


def branch(name, op, out):
    # Reads `x` from the enclosing graph.
    return helper.make_graph([helper.make_node(op, ["x"], [out], name=f"{name}_op")], name, [],
                             [vi(out, [2, 3])])


def if_const(out):
    node = helper.make_node("If", ["c"], ["y"], name="if1",
                            then_branch=branch("then_g", "Relu", "t"),
                            else_branch=branch("else_g", "Neg", "e"))
    return model([node], [vi("x", [2, 3])], [vi("y", [2, 3])],
                 inits=[const("c", True, dtype=np.bool_)])


def if_dynamic(out):
    node = helper.make_node("If", ["c"], ["y"], name="if_dyn",
                            then_branch=branch("then_g", "Relu", "t"),
                            else_branch=branch("else_g", "Neg", "e"))
    return model([node], [vi("c", [], TensorProto.BOOL), vi("x", [2, 3])], [vi("y", [2, 3])])


def loop_body(cond_expr):
    nodes = [helper.make_node("Add", ["y_in", "x"], ["y_out"], name="acc"),
             helper.make_node("Identity", ["y_out"], ["s_out"], name="emit")]
    if cond_expr == "identity":
        nodes.append(helper.make_node("Identity", ["c_in"], ["c_out"], name="keep"))
    else:  # continue while the outer graph input `flag` says so: unknown at compile time
        nodes.append(helper.make_node("Identity", ["flag"], ["c_out"], name="test"))
    return helper.make_graph(
        nodes, "body", [vi("i", [], TensorProto.INT64), vi("c_in", [], TensorProto.BOOL),
                        vi("y_in", [2])],
        [vi("c_out", [], TensorProto.BOOL), vi("y_out", [2]), vi("s_out", [2])])


def loop_unroll(out):
    node = helper.make_node("Loop", ["m", "", "y0"], ["y", "ys"], name="loop1",
                            body=loop_body("identity"))
    return model([node], [vi("x", [2]), vi("y0", [2])], [vi("y", [2]), vi("ys", [3, 2])],
                 inits=[const("m", 3)])


def loop_runtime_cond(out):
    node = helper.make_node("Loop", ["m", "c", "y0"], ["y", "ys"], name="loop_dyn",
                            body=loop_body("data"))
    return model([node], [vi("x", [2]), vi("y0", [2]), vi("flag", [], TensorProto.BOOL)],
                 [vi("y", [2]), vi("ys", [3, 2])],
                 inits=[const("m", 3), const("c", True, dtype=np.bool_)])


def scan_reverse(out):
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "e"], ["s_out"], name="acc"),
         helper.make_node("Identity", ["s_out"], ["o"], name="emit")],
        "scan_body", [vi("s_in", [2]), vi("e", [2])], [vi("s_out", [2]), vi("o", [2])])
    node = helper.make_node("Scan", ["s0", "xs"], ["s", "os"], name="scan1", num_scan_inputs=1,
                            body=body, scan_input_directions=[1])
    return model([node], [vi("s0", [2]), vi("xs", [3, 2])], [vi("s", [2]), vi("os", [3, 2])],
                 opset=11)


MODELS = {f.__name__: f for f in [if_const, if_dynamic, loop_unroll, loop_runtime_cond,
                                  scan_reverse]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    onnx.save_model(MODELS[sys.argv[1]](sys.argv[2]), sys.argv[2])


if __name__ == "__main__":
    main()
