#!/usr/bin/env python3
"""conformance_table.py - renders docs/Conformance.md tables from run_onnx_tests.py reports.

Usage: conformance_table.py REPORT.json [REPORT.json...] > table.md

Each report (run_onnx_tests.py --report) becomes one section: totals (passed / failed /
expected failures / skipped, pass rate over the cases that count, i.e. all but SKIP), then a
per-category table. A case's category is the op family of the op it tests, found from the
case name (test_<op in snake case>...); families are modelc's (docs/AddingAnOp.md).
"""

import collections
import json
import re
import sys
from pathlib import Path

import onnx

FAMILIES = {
    "Elementwise": """Abs Acos Acosh Add And Asin Asinh Atan Atanh BitShift BitwiseAnd BitwiseNot
        BitwiseOr BitwiseXor BitCast Cast CastLike Ceil Celu Clip Cos Cosh Div Elu Equal Erf Exp
        Floor Gelu Greater GreaterOrEqual HardSigmoid HardSwish IsInf IsNaN LeakyRelu Less
        LessOrEqual Log Max Mean Min Mish Mod Mul Neg Not Or Pow PRelu Reciprocal Relu Round Selu
        Shrink Sigmoid Sign Sin Sinh Softplus Softsign Sqrt Sub Sum Swish Tan Tanh
        ThresholdedRelu Where Xor QuantizeLinear DequantizeLinear DynamicQuantizeLinear""",
    "Reduction": """ArgMax ArgMin CumProd CumSum GroupNormalization Hardmax
        InstanceNormalization LayerNormalization LogSoftmax LpNormalization LRN
        MeanVarianceNormalization NegativeLogLikelihoodLoss ReduceL1 ReduceL2 ReduceLogSum
        ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare
        RMSNormalization Softmax SoftmaxCrossEntropyLoss TopK BatchNormalization""",
    "Tensor": """CenterCropPad Compress Concat Constant ConstantOfShape DepthToSpace Dropout
        Expand EyeLike Flatten Gather GatherElements GatherND Identity NonMaxSuppression NonZero
        OneHot Pad Range Reshape ReverseSequence Scatter
        ScatterElements ScatterND Shape Size Slice SpaceToDepth Split Squeeze TensorScatter Tile
        Transpose Trilu Unique Unsqueeze TfIdfVectorizer""",
    "NN": """AffineGrid AveragePool BlackmanWindow CausalConvWithState Col2Im Conv
        ConvTranspose DeformConv DFT GlobalAveragePool GlobalLpPool GlobalMaxPool GridSample
        HammingWindow HannWindow ImageDecoder LpPool MaxPool MaxRoiPool MaxUnpool
        MelWeightMatrix Resize RoiAlign STFT Upsample""",
    "ControlFlow": "GRU If Loop LSTM RNN Scan",
    "Sequence/Optional": """ConcatFromSequence SequenceAt SequenceConstruct SequenceEmpty
        SequenceErase SequenceInsert SequenceLength SequenceMap SplitToSequence Optional
        OptionalGetElement OptionalHasElement""",
    "Linalg": """Attention ConvInteger Det Einsum FlexAttention Gemm LinearAttention MatMul
        MatMulInteger QLinearConv QLinearMatMul RotaryEmbedding SwiGLU""",
}
# Case-name stems that do not spell their op.
ALIASES = {"simple_rnn": "RNN", "nllloss": "NegativeLogLikelihoodLoss",
           "sce": "SoftmaxCrossEntropyLoss", "softmax_cross_entropy": "SoftmaxCrossEntropyLoss",
           "basic_conv": "Conv", "conv_with": "Conv", "averagepool": "AveragePool",
           "globalaveragepool": "GlobalAveragePool", "globalmaxpool": "GlobalMaxPool",
           "maxpool": "MaxPool", "maxunpool": "MaxUnpool", "lppool": "LpPool",
           "convtranspose": "ConvTranspose", "batchnorm": "BatchNormalization",
           "instancenorm": "InstanceNormalization", "layer_norm": "LayerNormalization",
           "group_norm": "GroupNormalization", "mvn": "MeanVarianceNormalization",
           "resize": "Resize", "logsoftmax": "LogSoftmax", "reversesequence": "ReverseSequence",
           "dequantizelinear": "DequantizeLinear", "quantizelinear": "QuantizeLinear",
           "qlinearconv": "QLinearConv", "qlinearmatmul": "QLinearMatMul",
           "dynamicquantizelinear": "DynamicQuantizeLinear", "gathernd": "GatherND",
           "scatternd": "ScatterND", "nonmaxsuppression": "NonMaxSuppression",
           "nonzero": "NonZero", "onehot": "OneHot", "depthtospace": "DepthToSpace",
           "spacetodepth": "SpaceToDepth", "thresholdedrelu": "ThresholdedRelu",
           "leakyrelu": "LeakyRelu", "hardsigmoid": "HardSigmoid", "hardswish": "HardSwish",
           "hardmax": "Hardmax", "argmax": "ArgMax", "argmin": "ArgMin", "matmulinteger":
           "MatMulInteger", "convinteger": "ConvInteger", "castlike": "CastLike",
           "bitshift": "BitShift", "isinf": "IsInf", "isnan": "IsNaN", "eyelike": "EyeLike",
           "cumsum": "CumSum", "topk": "TopK", "roialign": "RoiAlign", "gridsample": "GridSample",
           "affine_grid": "AffineGrid", "col2im": "Col2Im", "stft": "STFT", "dft": "DFT",
           "rotary_embedding": "RotaryEmbedding", "rms_normalization": "RMSNormalization",
           "tril": "Trilu", "triu": "Trilu", "edge_pad": "Pad", "reflect_pad": "Pad",
           "wrap_pad": "Pad", "constant_pad": "Pad", "l1normalization": "LpNormalization",
           "l2normalization": "LpNormalization", "training_dropout": "Dropout"}
ALLOWED_SKIP = re.compile(r"^(training op|excluded domain|string tensor)")
FAMILY_OF = {op: fam for fam, ops in FAMILIES.items() for op in ops.split()}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def op_index() -> list[tuple[str, str]]:
    names = {s.name for s in onnx.defs.get_all_schemas_with_history() if s.domain in ("", "ai.onnx")}
    names |= set(FAMILY_OF)
    keys = dict(ALIASES)
    for n in names:
        for key in (snake(n), n.lower()):
            keys.setdefault(key, n)
    return sorted(keys.items(), key=lambda kv: -len(kv[0]))


def op_of(case: str, index) -> str | None:
    body = case[len("test_"):] if case.startswith("test_") else case
    for key, op in index:
        if body == key or body.startswith(key + "_") or body.startswith(key):
            return op
    return None


def section(report: dict, index) -> str:
    cases = report["cases"]
    counts = collections.Counter(c["status"] for c in cases)
    passed = counts["PASS"] + counts["XPASS"]
    counted = passed + counts["FAIL"] + counts["XFAIL"]
    rate = 100.0 * passed / counted if counted else 0.0
    # The conformance target excludes only training ops, the ai.onnx.ml and
    # ai.onnx.preview.training domains and string tensors; any other skip (sequence, map or
    # optional graph I/O, an unsupported op) counts as not passing.
    allowed = sum(1 for c in cases if c["status"] == "SKIP" and ALLOWED_SKIP.search(c["reason"]))
    target_n = len(cases) - allowed
    target_rate = 100.0 * passed / target_n if target_n else 0.0
    lines = [f"### suite `{report['suite']}`, target `{report['target']}` "
             f"(onnx {report['onnx_version']})", "",
             f"{passed} passed, {counts['FAIL']} failed, {counts['XFAIL']} expected failures, "
             f"{counts['SKIP']} skipped: **{rate:.1f}%** of the {counted} cases that run.", "",
             f"Against every case but the excluded kinds ({allowed} skips for training ops, "
             f"excluded domains or string tensors; the other {counts['SKIP'] - allowed} skips "
             f"count as failures): {passed} of {target_n}, **{target_rate:.1f}%**.", "",
             "| category | cases | passed | failed | xfail | skipped | pass rate |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    per = collections.defaultdict(collections.Counter)
    for c in cases:
        op = op_of(c["name"], index) if report["suite"] == "node" else None
        fam = FAMILY_OF.get(op, "Other") if op else "Other"
        per[fam][c["status"]] += 1
    for fam in list(FAMILIES) + ["Other"]:
        if fam not in per:
            continue
        k = per[fam]
        p = k["PASS"] + k["XPASS"]
        n = p + k["FAIL"] + k["XFAIL"]
        lines.append(f"| {fam} | {sum(k.values())} | {p} | {k['FAIL']} | {k['XFAIL']} | "
                     f"{k['SKIP']} | {100.0 * p / n if n else 0:.1f}% |")
    return "\n".join(lines) + "\n"


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    index = op_index()
    for path in sys.argv[1:]:
        print(section(json.loads(Path(path).read_text()), index))
    return 0


if __name__ == "__main__":
    sys.exit(main())
