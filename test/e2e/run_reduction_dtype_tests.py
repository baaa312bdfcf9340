#!/usr/bin/env python3
"""run_reduction_dtype_tests.py - element types and shapes of the reduction family's ops that the
ONNX node suite does not cover (it is almost all float32).

Generates one case per (op form, element type) in the node-case layout (model.onnx,
test_data_set_0/{input,output}_j.pb) and runs it through run_onnx_tests.py's machinery: compile
with modelc, build with the system compiler, run, compare with the same tolerances (rtol 1e-3,
atol 1e-7; bfloat16 two ulps; integers exactly).

References come from onnx's ReferenceEvaluator. For float32, float16 and bfloat16 it evaluates
the same model in float64 on the same (already rounded) inputs and rounds the result to the
case's type: the exactly rounded answer, which an implementation accumulating in float32 matches
to an ulp (a narrow-type numpy reference would itself be off by several ulps on long sums).

  test/e2e/run_reduction_dtype_tests.py [-j N] [--target cpu|cuda] [--filter REGEX] [-v]

The last line is "N passed, M failed, 0 skipped"; the exit code is 0 iff nothing failed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_onnx_tests as h  # noqa: E402

F32, F64, F16, BF16 = TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16
I8, U8, I32, I64, U64, BOOL = (TensorProto.INT8, TensorProto.UINT8, TensorProto.INT32,
                               TensorProto.INT64, TensorProto.UINT64, TensorProto.BOOL)
FLOATS = (F32, F64, F16, BF16)
NARROW = (F16, BF16)
NP = {F32: np.float32, F64: np.float64, F16: np.float16, BF16: ml_dtypes.bfloat16,
      I8: np.int8, U8: np.uint8, I32: np.int32, I64: np.int64, U64: np.uint64, BOOL: np.bool_}
SHORT = {F32: "f32", F64: "f64", F16: "f16", BF16: "bf16", I8: "i8", U8: "u8", I32: "i32",
         I64: "i64", U64: "u64", BOOL: "bool"}


class Spec:
    """One case: a single node over inputs `shapes` of element type `dtype` (plus constant
    initializers), at `opset`. `int_inputs` marks inputs that are int64 index tensors drawn in
    [0, classes)."""

    def __init__(self, name, op, shapes, dtype, opset, attrs=None, consts=None, outputs=1,
                 int_inputs=None, low=-2.0, high=2.0, ref=None):
        self.name, self.op, self.shapes, self.dtype, self.opset = name, op, shapes, dtype, opset
        self.attrs, self.consts = attrs or {}, consts or []
        self.outputs, self.int_inputs = outputs, int_inputs or {}
        self.low, self.high = low, high
        self.ref = ref  # a float64 numpy reference, where onnx's evaluator has none

    def model(self, dtype, reference=False):
        inputs = [f"x{i}" for i in range(len(self.shapes))]
        names = inputs + [name for name, _ in self.consts]
        outs = [f"y{i}" for i in range(self.outputs)]
        attrs = dict(self.attrs)
        if reference:  # float64 throughout; the evaluator only implements stash_type 1
            attrs.pop("stash_type", None)
        node = helper.make_node(self.op, names, outs, name=self.name, **attrs)
        infos = [helper.make_tensor_value_info(n, I64 if i in self.int_inputs else dtype, s)
                 for i, (n, s) in enumerate(zip(inputs, self.shapes))]
        inits = [numpy_helper.from_array(np.asarray(v), name) for name, v in self.consts]
        graph = helper.make_graph([node], self.name, infos,
                                  [helper.make_tensor_value_info(o, 0, None) for o in outs],
                                  initializer=inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)])
        m.ir_version = 8
        inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True)
        del m.graph.output[:]
        m.graph.output.extend(inferred.graph.output)
        for out in m.graph.output:
            if not out.type.tensor_type.elem_type:  # e.g. function ops onnx cannot infer
                out.CopyFrom(helper.make_tensor_value_info(out.name, dtype, self.shapes[0]))
        return m

    def inputs(self, rng):
        values = []
        for i, shape in enumerate(self.shapes):
            if i in self.int_inputs:
                values.append(rng.integers(0, self.int_inputs[i], shape).astype(np.int64))
            elif self.dtype in FLOATS:
                values.append(rng.uniform(self.low, self.high, shape).astype(NP[self.dtype]))
            elif self.dtype == BOOL:
                values.append(rng.integers(0, 2, shape).astype(np.bool_))
            else:
                lo = 0 if self.dtype in (U8, U64) else int(self.low)
                values.append(rng.integers(lo, int(self.high) + 1, shape).astype(NP[self.dtype]))
        return values


def reference(spec, model, values):
    """Outputs of `model` on `values`; for float32 and the 16-bit floats, evaluated in float64
    and rounded (a float32 reference softmax underflows to log(0) where the answer is finite)."""
    if spec.dtype not in (F32, F16, BF16) and not spec.ref:
        return ReferenceEvaluator(model).run(None, dict(zip([i.name for i in model.graph.input],
                                                            values)))
    wide = spec.model(F64, reference=True)
    feeds = {i.name: (v.astype(np.float64) if v.dtype == NP[spec.dtype] else v)
             for i, v in zip(wide.graph.input, values)}
    outs = spec.ref(*feeds.values()) if spec.ref else ReferenceEvaluator(wide).run(None, feeds)
    return [o.astype(NP[info.type.tensor_type.elem_type])
            for o, info in zip(outs, model.graph.output)]


def mvn_reference(x):
    """The ONNX function body of MeanVarianceNormalization (its evaluator mixes in float32)."""
    mean = np.mean(x, axis=(0, 2), keepdims=True)
    std = np.sqrt(np.mean(x * x, axis=(0, 2), keepdims=True) - mean * mean)
    return [(x - mean) / (std + 1e-9)]


def specs():
    ax = lambda *a: ("axes", np.array(a, np.int64))  # noqa: E731
    out = []
    reduce_float = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                    "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]
    for op in reduce_float:
        for t in FLOATS:
            low = 0.1 if op == "ReduceLogSum" else -2.0
            high = 1.5 if op == "ReduceProd" else 2.0
            # Non-adjacent axes, keepdims.
            out.append(Spec(f"{op}_{SHORT[t]}_axes02", op, [[3, 4, 5]], t, 18,
                            consts=[ax(0, -1)], low=low, high=high))
            # A long contiguous last axis (the lane-split loop) without keepdims.
            out.append(Spec(f"{op}_{SHORT[t]}_last", op, [[3, 37]], t, 18, {"keepdims": 0},
                            consts=[ax(1)], low=low, high=1.02 if op == "ReduceProd" else high))
        # Opset 11: axes attribute; no axes at all reduces everything.
        out.append(Spec(f"{op}_f32_opset11_attr", op, [[2, 3, 4]], F32, 11, {"axes": [1]},
                        low=0.1 if op == "ReduceLogSum" else -2.0))
        out.append(Spec(f"{op}_f32_opset11_all", op, [[2, 3, 4]], F32, 11, {"keepdims": 0},
                        low=0.1 if op == "ReduceLogSum" else -2.0,
                        high=1.2 if op == "ReduceProd" else 2.0))
    for op in ["ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceMean", "ReduceL1",
               "ReduceSumSquare"]:
        for t in (I32, I64, I8, U8):
            out.append(Spec(f"{op}_{SHORT[t]}", op, [[3, 4, 5]], t, 18, consts=[ax(1, 2)],
                            low=-3, high=3))
    out.append(Spec("ReduceMax_u64", "ReduceMax", [[4, 6]], U64, 18, consts=[ax(0)], high=1000))
    out.append(Spec("ReduceMin_bool", "ReduceMin", [[4, 6]], BOOL, 20, consts=[ax(1)]))
    out.append(Spec("ReduceSum_noop", "ReduceSum", [[3, 4]], F32, 13,
                    {"noop_with_empty_axes": 1}, consts=[ax()]))
    out.append(Spec("ReduceSum_opset11_negative_axes", "ReduceSum", [[2, 3, 4]], F64, 11,
                    {"axes": [-1, -3], "keepdims": 0}))
    out.append(Spec("ReduceSum_keep_all_f32_1d", "ReduceSum", [[100]], F32, 13))

    for op in ("Softmax", "LogSoftmax"):
        for t in FLOATS:
            out.append(Spec(f"{op}_{SHORT[t]}_last", op, [[4, 77]], t, 13))
            out.append(Spec(f"{op}_{SHORT[t]}_axis1", op, [[2, 5, 3]], t, 13, {"axis": 1}))
        out.append(Spec(f"{op}_f32_opset11_coerced", op, [[2, 3, 4]], F32, 11, {"axis": 1}))
        out.append(Spec(f"{op}_f64_opset1_default", op, [[2, 3, 4]], F64, 1))
        out.append(Spec(f"{op}_f32_large", op, [[2, 40]], F32, 13, low=-80, high=80))
    for t in (F64, F16, BF16):
        out.append(Spec(f"LayerNormalization_{SHORT[t]}", "LayerNormalization",
                        [[4, 3, 24], [24], [24]], t, 17, {"axis": -1}, outputs=3))
        out.append(Spec(f"RMSNormalization_{SHORT[t]}", "RMSNormalization", [[4, 3, 24], [3, 24]],
                        t, 23, {"axis": 1}))
        out.append(Spec(f"GroupNormalization_{SHORT[t]}", "GroupNormalization",
                        [[2, 6, 3, 2], [6], [6]], t, 21, {"num_groups": 3}))
        out.append(Spec(f"InstanceNormalization_{SHORT[t]}", "InstanceNormalization",
                        [[2, 3, 5], [3], [3]], t, 6))
    out.append(Spec("LayerNormalization_f32_stash_f64", "LayerNormalization",
                    [[3, 40], [40], [40]], F32, 17, {"stash_type": 11}, outputs=3))
    out.append(Spec("LayerNormalization_f32_broadcast_scale", "LayerNormalization",
                    [[2, 3, 4], [4]], F32, 17, {"axis": 1}, outputs=3))
    out.append(Spec("GroupNormalization_opset18_per_group", "GroupNormalization",
                    [[2, 6, 4], [2], [2]], F32, 18, {"num_groups": 2}))
    for t in (F64, F16):
        out.append(Spec(f"LpNormalization_{SHORT[t]}", "LpNormalization", [[3, 5]], t, 22,
                        {"p": 1, "axis": 0}))
        out.append(Spec(f"LRN_{SHORT[t]}", "LRN", [[2, 6, 3, 3]], t, 13, {"size": 4}))
        out.append(Spec(f"MeanVarianceNormalization_{SHORT[t]}", "MeanVarianceNormalization",
                        [[2, 3, 4, 2]], t, 13, {"axes": [0, 2]}, ref=mvn_reference))
    for op in ("ArgMax", "ArgMin"):
        for t in (I32, U8, F16, F64):
            out.append(Spec(f"{op}_{SHORT[t]}", op, [[3, 6, 2]], t, 13,
                            {"axis": 1, "select_last_index": 1}, low=-2, high=2))
        out.append(Spec(f"{op}_opset11", op, [[3, 4]], F32, 11, {"axis": -1, "keepdims": 0}))
    for t in (I32, F64, F16):
        out.append(Spec(f"TopK_{SHORT[t]}", "TopK", [[3, 9]], t, 11, {"largest": 0},
                        consts=[("k", np.array([4], np.int64))], outputs=2, low=-3, high=3))
    out.append(Spec("TopK_opset1_attr", "TopK", [[5, 3]], F32, 1, {"k": 2, "axis": 0},
                    outputs=2))
    out.append(Spec("TopK_axis_middle_i64", "TopK", [[2, 7, 3]], I64, 11, {"axis": 1},
                    consts=[("k", np.array([7], np.int64))], outputs=2, low=-2, high=2))
    for t in (F32, I64):
        out.append(Spec(f"CumProd_{SHORT[t]}", "CumProd", [[3, 4]], t, 26,
                        {"exclusive": 1}, consts=[("axis", np.array(1, np.int32))], low=-2,
                        high=2))
    out.append(Spec("Hardmax_f16", "Hardmax", [[3, 4, 5]], F16, 13, {"axis": 1}))
    out.append(Spec("Hardmax_opset11", "Hardmax", [[3, 4, 5]], F32, 11, {"axis": 1}))
    for t in (F64, F16):
        out.append(Spec(f"NegativeLogLikelihoodLoss_{SHORT[t]}", "NegativeLogLikelihoodLoss",
                        [[4, 5, 3], [4, 3], [5]], t, 22, {"reduction": "mean", "ignore_index": 2},
                        int_inputs={1: 5}))
        out.append(Spec(f"SoftmaxCrossEntropyLoss_{SHORT[t]}", "SoftmaxCrossEntropyLoss",
                        [[4, 5, 3], [4, 3]], t, 13, {"reduction": "sum"}, int_inputs={1: 5},
                        outputs=2))
    return out


def write_case(spec, root, rng):
    case_dir = root / spec.name
    model = spec.model(spec.dtype)
    for info in model.graph.output:
        if not info.type.tensor_type.elem_type:
            raise SystemExit(f"{spec.name}: onnx shape inference gave no type for {info.name}")
    values = spec.inputs(rng)
    expected = reference(spec, model, values)
    data = case_dir / "test_data_set_0"
    data.mkdir(parents=True)
    (case_dir / "model.onnx").write_bytes(model.SerializeToString())
    h.write_tensors(data, "input", values, model.graph.input)
    h.write_tensors(data, "output", expected, model.graph.output)
    return h.Case(spec.name, case_dir, 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--modelc", type=Path, default=h.REPO_ROOT / "build" / "bin" / "modelc")
    ap.add_argument("--work", type=Path, default=h.REPO_ROOT / "build" / "e2e" / "reduction_dtypes")
    ap.add_argument("--filter", metavar="REGEX")
    ap.add_argument("--nvcc", default=h.find_nvcc())
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    cases_root = work / "cases"
    rng = np.random.default_rng(0)
    pattern = re.compile(args.filter) if args.filter else None
    cases = [write_case(s, cases_root, rng) for s in specs()
             if not pattern or pattern.search(s.name)]
    runtime_src = h.REPO_ROOT / "runtime_min"
    runtime_lib = None
    if args.target == "cpu":
        runtime_lib = h.build_runtime_lib(args.cxx, runtime_src, work / "_runtime_min", args.jobs)
    cfg = h.Config(modelc=str(args.modelc.resolve()), target=args.target, opt_level=1,
                   cxx=args.cxx, nvcc=args.nvcc, runtime_lib=str(runtime_lib) if runtime_lib else None,
                   runtime_src=str(runtime_src), work=str(work / "run"), rtol=1e-3, atol=1e-7)
    results = h.run_parallel(h.run_case, cases, cfg, args.jobs, args.verbose)
    h.print_summary(results, "reduction-dtypes", args.target, None, work / "run")
    return 1 if any(r.status == h.FAIL for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
