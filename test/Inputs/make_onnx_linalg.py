#!/usr/bin/env python3
"""Writes tiny ONNX models of the Linalg op family for the importer's lit tests (test/import/).

Usage: make_onnx_linalg.py NAME OUT

Attention, Einsum and the quantized contractions are normalized by the importer (3-d layouts,
past key/value concatenation, ellipsis, zero points); these models exercise that. Models are
built with onnx.helper and are deterministic.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT


def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=23):
    graph = helper.make_graph(nodes, "test", inputs, outputs, initializer=list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 10
    return m


def attention_3d_past(out):
    # 3-d Q/K/V with GQA (6 query heads, 2 kv heads), a float mask, past key/value and the
    # qk output in mode 2.
    node = helper.make_node(
        "Attention", ["q", "k", "v", "mask", "past_k", "past_v"],
        ["y", "present_k", "present_v", "qk"], name="attn",
        q_num_heads=6, kv_num_heads=2, qk_matmul_output_mode=2, softcap=2.0, is_causal=1)
    return model([node],
                 [vi("q", [1, 3, 24]), vi("k", [1, 3, 8]), vi("v", [1, 3, 10]),
                  vi("mask", [3, 7]), vi("past_k", [1, 2, 4, 4]), vi("past_v", [1, 2, 4, 5])],
                 [vi("y", None), vi("present_k", None), vi("present_v", None), vi("qk", None)])


def attention_4d_bool(out):
    # 4-d inputs: heads from the shapes; a boolean mask; default scale 1/sqrt(8); opset 25
    # windows; nonpad_kv_seqlen.
    node = helper.make_node(
        "Attention", ["q", "k", "v", "mask", "", "", "nonpad"], ["y"], name="attn",
        left_window_size=2, softmax_precision=1)
    return model([node],
                 [vi("q", [2, 4, 3, 8]), vi("k", [2, 2, 5, 8]), vi("v", [2, 2, 5, 8]),
                  vi("mask", [5], TensorProto.BOOL), vi("nonpad", [2], TensorProto.INT64)],
                 [vi("y", None)], opset=25)


def attention_bad_attrs(out):
    # Invalid attribute values, all reported before anything is built.
    nodes = [helper.make_node("Attention", ["q", "k", "v"], ["z", "", "", "w"], name="bad_mode",
                              qk_matmul_output_mode=7),
             helper.make_node("Attention", ["q", "k", "v"], ["y"], name="bad_window",
                              left_window_size=-3, softmax_precision=6)]
    return model(nodes, [vi("q", [1, 1, 3, 8]), vi("k", [1, 1, 3, 8]), vi("v", [1, 1, 3, 8])],
                 [vi("y", None), vi("z", None), vi("w", None)], opset=25)


def attention_no_heads(out):
    # 3-d inputs need q_num_heads and kv_num_heads.
    node = helper.make_node("Attention", ["q", "k", "v"], ["y"], name="no_heads")
    return model([node], [vi("q", [1, 3, 8]), vi("k", [1, 3, 8]), vi("v", [1, 3, 8])],
                 [vi("y", None)])


def einsum(out):
    # Ellipsis with broadcasting, implicit output, a diagonal and a three-operand chain.
    nodes = [
        helper.make_node("Einsum", ["a", "b"], ["ab"], name="batched", equation="...ij, ...jk"),
        helper.make_node("Einsum", ["c"], ["diag"], name="diag", equation="ii->i"),
        helper.make_node("Einsum", ["x", "y", "z"], ["chain"], name="chain",
                         equation="ij,jk,kl->il"),
    ]
    return model(nodes,
                 [vi("a", [2, 3, 4]), vi("b", [1, 4, 5]), vi("c", [3, 3]), vi("x", [2, 3]),
                  vi("y", [3, 4]), vi("z", [4, 5])],
                 [vi("ab", None), vi("diag", None), vi("chain", None)], opset=12)


def einsum_bad(out):
    return model([helper.make_node("Einsum", ["a"], ["y"], name="bad", equation="ijk->i")],
                 [vi("a", [2, 3])], [vi("y", None)], opset=12)


def qlinear_matmul(out):
    # Per-row a scale/zero point ([M]), per-tensor b, uint8 output.
    u8 = TensorProto.UINT8
    inits = [numpy_helper.from_array(np.array([0.5, 0.25], np.float32), "a_scale"),
             numpy_helper.from_array(np.array([1, 2], np.uint8), "a_zp"),
             numpy_helper.from_array(np.array(0.125, np.float32), "b_scale"),
             numpy_helper.from_array(np.array(3, np.uint8), "b_zp"),
             numpy_helper.from_array(np.array(0.5, np.float32), "y_scale"),
             numpy_helper.from_array(np.array(7, np.uint8), "y_zp")]
    node = helper.make_node(
        "QLinearMatMul", ["a", "a_scale", "a_zp", "b", "b_scale", "b_zp", "y_scale", "y_zp"],
        ["y"], name="qmm")
    return model([node], [vi("a", [2, 4], u8), vi("b", [4, 3], u8)], [vi("y", None)], inits,
                 opset=21)


def _preview_model(nodes, inputs, outputs):
    graph = helper.make_graph(nodes, "test", inputs, outputs)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 26),
                                                helper.make_opsetid("ai.onnx.preview", 1)])
    m.ir_version = 10
    return m


def flex_attention(out):
    # FlexAttention (ai.onnx.preview) on float16 with GQA (4 query heads, 2 kv heads), a
    # score_mod adding a bias initializer and a prob_mod scaling by a Constant.
    bias = numpy_helper.from_array(np.array(0.5, np.float32), "bias")
    score_mod = helper.make_graph(
        [helper.make_node("Add", ["s", "bias"], ["s_out"], name="add_bias")], "score_bias",
        [vi("s", None)], [vi("s_out", None)], initializer=[bias])
    prob_mod = helper.make_graph(
        [helper.make_node("Constant", [], ["half"], name="half",
                          value=numpy_helper.from_array(np.array(0.5, np.float32))),
         helper.make_node("Mul", ["p", "half"], ["p_out"], name="scale_probs")],
        "prob_half", [vi("p", None)], [vi("p_out", None)])
    f16 = TensorProto.FLOAT16
    node = helper.make_node("FlexAttention", ["q", "k", "v"], ["y"], name="flex",
                            domain="ai.onnx.preview", score_mod=score_mod, prob_mod=prob_mod)
    return _preview_model([node], [vi("q", [1, 4, 3, 8], f16), vi("k", [1, 2, 5, 8], f16),
                                   vi("v", [1, 2, 5, 6], f16)], [vi("y", None)])


def flex_attention_bad(out):
    # softmax_precision INT32 is rejected at the scan; another preview op stays unsupported.
    return _preview_model(
        [helper.make_node("FlexAttention", ["q", "q", "q"], ["y"], name="flex_bad",
                          domain="ai.onnx.preview", softmax_precision=6),
         helper.make_node("FooAttention", ["q"], ["z"], name="foo", domain="ai.onnx.preview")],
        [vi("q", [1, 1, 2, 4])], [vi("y", None), vi("z", None)])


MODELS = {f.__name__: f for f in [attention_3d_past, attention_4d_bool, attention_bad_attrs,
                                  attention_no_heads, einsum, einsum_bad, qlinear_matmul,
                                  flex_attention, flex_attention_bad]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    onnx.save_model(MODELS[sys.argv[1]](sys.argv[2]), sys.argv[2])


if __name__ == "__main__":
    main()
