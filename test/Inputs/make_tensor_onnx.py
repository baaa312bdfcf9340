#!/usr/bin/env python3
"""Writes tiny ONNX models of the Tensor op family for the importer's lit tests.

Usage: make_tensor_onnx.py NAME OUT

Like make_onnx.py (whose helpers it uses), one deterministic model per NAME, covering the
opset variants the handlers normalize: attributes that became inputs, defaults, clamping.
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_onnx import const, model, vi  # noqa: E402

INT64_MAX = np.iinfo(np.int64).max


def slice_opset9(out):
    # Attributes; the end INT64_MAX clamps to the extent, a negative start counts from the end.
    return model(
        [helper.make_node("Slice", ["x"], ["y"], name="s9", starts=[-3, 1], ends=[INT64_MAX, 3],
                          axes=[2, 0])],
        [vi("x", [4, 5, 6])], [vi("y", None)], opset=9)


def slice_opset13(out):
    # Constant inputs, a negative axis and a negative step with an INT64_MIN end (to the
    # front); axes 1 is not sliced.
    return model(
        [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="s13")],
        [vi("x", [4, 5, 6])], [vi("y", None)],
        [const("st", [10, 0]), const("en", [-INT64_MAX - 1, 5]), const("ax", [-1, 0]),
         const("sp", [-2, 3])])


def split_opset11(out):
    return model(
        [helper.make_node("Split", ["x"], ["a", "b"], name="sp11", axis=1, split=[1, 4])],
        [vi("x", [2, 5])], [vi("a", None), vi("b", None)], opset=11)


def split_opset18(out):
    # num_outputs with an uneven split: chunks of ceil(7 / 3) = 3, the last one smaller.
    return model(
        [helper.make_node("Split", ["x"], ["a", "b", "c"], name="sp18", num_outputs=3)],
        [vi("x", [7])], [vi("a", None), vi("b", None), vi("c", None)], opset=18)


def pad_opset2(out):
    return model(
        [helper.make_node("Pad", ["x"], ["y"], name="p2", pads=[0, 1, 1, 2], value=1.5)],
        [vi("x", [2, 3])], [vi("y", None)], opset=2)


def pad_opset18(out):
    # pads for the given axes only; constant_value is a run-time input.
    return model(
        [helper.make_node("Pad", ["x", "pads", "v", "axes"], ["y"], name="p18", mode="edge")],
        [vi("x", [2, 3, 4]), vi("v", [])], [vi("y", None)],
        [const("pads", [1, -1, 2, 0]), const("axes", [-1, 0])], opset=18)


def folded_shapes(out):
    # Range, Size, Expand, Tile and Slice of constants fold: the Reshape target is constant.
    return model(
        [helper.make_node("Range", ["r0", "r1", "r2"], ["r"], name="range"),
         helper.make_node("Size", ["x"], ["n"], name="size"),
         helper.make_node("Expand", ["one", "two"], ["e"], name="expand"),
         helper.make_node("Tile", ["e", "two"], ["t"], name="tile"),
         helper.make_node("Slice", ["t", "zero", "two"], ["s"], name="slice"),
         helper.make_node("Concat", ["s", "n1"], ["shape"], name="concat", axis=0),
         helper.make_node("Unsqueeze", ["n", "zero"], ["n1"], name="unsq"),
         helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        [vi("x", [2, 3])], [vi("y", None), vi("r", None)],
        [const("r0", 1), const("r1", 10), const("r2", 4), const("one", [1]), const("two", [2]),
         const("zero", [0])])


def data_dependent(out):
    # NonZero and Unique on data; NonZero and Compress on constants fold to static results.
    return model(
        [helper.make_node("NonZero", ["x"], ["nz"], name="nz"),
         helper.make_node("Unique", ["x"], ["u", "ui", "uv", "uc"], name="uq", sorted=0),
         helper.make_node("NonZero", ["c"], ["cnz"], name="cnz"),
         helper.make_node("Compress", ["x", "keep"], ["cx"], name="cmp", axis=1)],
        [vi("x", [2, 3])], [vi("nz", None), vi("u", None), vi("uv", None), vi("cnz", None),
                            vi("cx", None)],
        [const("c", [[0, 2], [3, 0]]), const("keep", [True, False, True], dtype=np.bool_)])


def nonzero_consumed(out):
    return model(
        [helper.make_node("NonZero", ["x"], ["nz"], name="nz"),
         helper.make_node("Transpose", ["nz"], ["t"], name="tr")],
        [vi("x", [2, 3])], [vi("t", None)])


def pad_dynamic(out):
    # pads computed from a graph input: the hint names that input.
    return model(
        [helper.make_node("Add", ["p", "p"], ["p2"], name="double"),
         helper.make_node("Pad", ["x", "p2"], ["y"], name="pad")],
        [vi("x", [2, 3]), vi("p", [4], TensorProto.INT64)], [vi("y", None)])


def tfidf(out):
    # Uni- and bigrams (pool [2 | 3 5, 4 5, 3 5]: the duplicate bigram keeps its last output
    # index 3) on int32 rows; the unigram pool is out of range with min_gram_length=2 and
    # leaves only the bigrams; IDF with weights.
    node = helper.make_node(
        "TfIdfVectorizer", ["x"], ["y"], name="tfidf", mode="IDF", min_gram_length=2,
        max_gram_length=2, max_skip_count=1, ngram_counts=[0, 1], ngram_indexes=[0, 1, 2, 3],
        pool_int64s=[2, 3, 5, 4, 5, 3, 5], weights=[0.5, 1.0, 2.0, 4.0])
    return model([node], [vi("x", [2, 5], TensorProto.INT32)], [vi("y", None)], opset=9)


def tfidf_bad(out):
    # Attribute errors found by the scan, reported together.
    return model(
        [helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="bad_mode", mode="BM25",
                          min_gram_length=1, max_gram_length=1, ngram_counts=[0],
                          ngram_indexes=[0], pool_int64s=[1]),
         helper.make_node("TfIdfVectorizer", ["x"], ["z"], name="strings", mode="TF",
                          min_gram_length=1, max_gram_length=1, ngram_counts=[0],
                          ngram_indexes=[0], pool_strings=["a"])],
        [vi("x", [4], TensorProto.INT64)], [vi("y", None), vi("z", None)], opset=9)


def tfidf_bad_pool(out):
    # Three values do not make bigrams.
    return model(
        [helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="bad_pool", mode="TF",
                          min_gram_length=2, max_gram_length=2, ngram_counts=[0, 1],
                          ngram_indexes=[0, 1], pool_int64s=[1, 2, 3, 4])],
        [vi("x", [4], TensorProto.INT64)], [vi("y", None)], opset=9)


MODELS = {f.__name__: f for f in [
    slice_opset9, slice_opset13, split_opset11, split_opset18, pad_opset2, pad_opset18,
    folded_shapes, data_dependent, nonzero_consumed, pad_dynamic, tfidf, tfidf_bad,
    tfidf_bad_pool]}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} OUT")
    import onnx
    onnx.save_model(MODELS[sys.argv[1]](sys.argv[2]), sys.argv[2])


if __name__ == "__main__":
    main()
