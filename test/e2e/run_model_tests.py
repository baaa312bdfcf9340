#!/usr/bin/env python3
"""run_model_tests.py - end-to-end model tests: modelc's output against onnxruntime's.

For each model of test/models/build_models.py: build it, make a seeded random input (uniform in
[-1, 1]), compute the reference with onnxruntime (CPU, graph optimizations off), compile it with
`modelc MODEL.onnx -o DIR --name NAME`, build the bundle as a downstream project would (CMake +
Ninja, Release), run DIR/build/NAME_runner and compare its output elementwise:

    pass iff |out - ref| <= atol + rtol * |ref|   (rtol 1e-4, atol 1e-5 by default)

Quantized (QDQ) models are compared with atol = one quantization step of the output, rtol 0
(see TOLERANCE): their output is DequantizeLinear(QuantizeLinear(y)), a multiple of the output
scale, and a float32 rounding difference upstream of any QuantizeLinear can move a value that
sits at a rounding boundary to the neighbouring integer. --rtol/--atol override every model's.

--cxx and --cxxflags choose the C++ compiler and add flags for the bundle's CMake build
(CMAKE_CXX_COMPILER, CMAKE_CXX_FLAGS): `--cxxflags "-Wall -Wextra -Werror"` makes a warning in
generated code or runtime_min fail the model. With --target cuda the bundle is only compiled with nvcc (no GPU is assumed). --self-test needs no
modelc: it checks this comparison itself, which must pass for a second onnxruntime run (graph
optimizations on, or BatchNorm kept) and fail for perturbed copies of the reference.

The last line is "N passed, M failed, 0 skipped"; the exit code is 0 iff every model passed.
Compile and build times are printed for information only; they never decide a result.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "test", "models"))
import build_models  # noqa: E402

DEFAULT_MODELS = "residual_block,squeezenet1_1,mobilenet_v2"
# The non-CNN models (attention, detection head, recurrent, quantized), in their CI sizes. They
# run in CTest's e2e_models_extra_* tests, apart from the default set, to keep e2e_models_cpu
# short (docs/Testing.md has the times).
EXTRA_MODELS = "bert_encoder,det_head,lstm_model,qdq_cnn"
# Names --models accepts for these lists.
MODEL_SETS = {"default": DEFAULT_MODELS, "extra": EXTRA_MODELS}
# The default float tolerance.
RTOL, ATOL = 1e-4, 1e-5
# Models produced by onnxruntime's quantization tool (QuantFormat.QDQ).
QDQ_MODELS = {"qdq_cnn"}


def output_step(model):
    """The scale of the DequantizeLinear that produces the graph output (per-tensor)."""
    from onnx import numpy_helper

    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    out = model.graph.output[0].name
    (node,) = [n for n in model.graph.node if out in n.output]
    if node.op_type != "DequantizeLinear" or inits[node.input[1]].size != 1:
        raise ValueError(f"the output of {model.graph.name} is not a per-tensor DequantizeLinear")
    return float(inits[node.input[1]])


def tolerance(name, model, args):
    """(rtol, atol, what) of model `name`: --rtol/--atol if given, else the model's own."""
    if args.rtol is not None or args.atol is not None:
        return (RTOL if args.rtol is None else args.rtol,
                ATOL if args.atol is None else args.atol, "given")
    if name in QDQ_MODELS:
        # One output quantization step; the 0.1% covers the float32 rounding of the two
        # dequantized values (a step is exact in neither).
        step = output_step(model)
        return 0.0, 1.001 * step, f"one output quantization step ({step:.6g})"
    return RTOL, ATOL, "float default"


def sanitize(name):
    """The file name the runner gives a tensor: each char outside [A-Za-z0-9_] becomes '_'."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def compare(out, ref, rtol, atol):
    """Returns (ok, max abs error, max abs error / max |ref|, why it failed or "")."""
    if out.shape != ref.shape:
        return False, np.nan, np.nan, f"shape {list(out.shape)}, expected {list(ref.shape)}"
    if out.dtype != ref.dtype:
        return False, np.nan, np.nan, f"dtype {out.dtype}, expected {ref.dtype}"
    err = np.abs(out.astype(np.float64) - ref.astype(np.float64))
    max_abs = float(np.max(err)) if err.size else 0.0
    max_rel = max_abs / max(float(np.max(np.abs(ref))), np.finfo(np.float32).tiny)
    # Written so that NaN in `out` fails: NaN <= x is false.
    tol = atol + rtol * np.abs(ref.astype(np.float64))
    bad = ~(err <= tol)
    if bad.any():
        i = np.unravel_index(np.argmax(np.where(np.isnan(err), np.inf, err / tol)), bad.shape)
        return False, max_abs, max_rel, (
            f"{int(bad.sum())} of {bad.size} elements out of tolerance, the worst at "
            f"{[int(v) for v in i]}: {float(out[i]):.8g}, expected {float(ref[i]):.8g}")
    return True, max_abs, max_rel, ""


def reference(model, feeds, optimize=False):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else
                                   ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    sess = ort.InferenceSession(model.SerializeToString(), so,
                                providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def make_input(model, seed):
    # Old models (IR < 4) also list their initializers as graph inputs.
    weights = {t.name for t in model.graph.initializer}
    (inp,) = [i for i in model.graph.input if i.name not in weights]
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    return inp.name, np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


class StepError(Exception):
    pass


def run_step(what, cmd, log, timeout):
    """Runs `cmd`, appending its output to `log`; returns seconds taken or raises StepError."""
    start = time.monotonic()
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        try:
            rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            raise StepError(f"{what} timed out after {timeout} s")
        except OSError as e:
            raise StepError(f"{what} could not start: {e}")
    if rc != 0:
        raise StepError(f"{what} exited with status {rc}")
    return time.monotonic() - start


def test_model(name, args):
    """Returns (ok, max abs err, max rel err, compile s, build s, why it failed or "")."""
    import onnx

    work = os.path.join(args.work, name + ("_keepbn" if args.keep_bn else ""))
    bundle, outdir = os.path.join(work, "bundle"), os.path.join(work, "out")
    for d in (bundle, outdir):  # No stale bundle or output may stand in for this run's.
        shutil.rmtree(d, ignore_errors=True)
    os.makedirs(outdir)
    log = os.path.join(work, "log.txt")
    open(log, "w").close()
    compile_s = build_s = np.nan
    try:
        if name in args.files:  # an existing model file (--onnx)
            model = onnx.load(args.files[name])
        else:
            model = build_models.build(name, args.image_size, args.keep_bn)
        onnx_path, in_path = os.path.join(work, name + ".onnx"), os.path.join(work, "in.npy")
        onnx.save(model, onnx_path)
        in_name, x = make_input(model, args.seed)
        np.save(in_path, x)
        (ref,) = reference(model, {in_name: x})
        out_name = model.graph.output[0].name

        cmd = [args.modelc, onnx_path, "-o", bundle, "--name", name]
        if args.target == "cuda":
            cmd += ["--target", "cuda"]
        compile_s = run_step("modelc", cmd, log, 600)
        # The bundle builds as a downstream project would (CMake; CUDA through nvcc).
        build_dir = os.path.join(bundle, "build")
        configure = ["cmake", "-S", bundle, "-B", build_dir, "-G", "Ninja",
                     "-DCMAKE_BUILD_TYPE=Release"]
        if args.target == "cuda":
            configure += [f"-DCMAKE_CUDA_COMPILER={args.nvcc}", "-DCMAKE_CUDA_ARCHITECTURES=80"]
        if args.cxx:
            configure.append(f"-DCMAKE_CXX_COMPILER={args.cxx}")
        if args.cxxflags:
            configure.append(f"-DCMAKE_CXX_FLAGS={args.cxxflags}")
        build_s = run_step("cmake configure", configure, log, 300)
        build_s += run_step("cmake build", ["cmake", "--build", build_dir], log, 1200)
        if args.target == "cuda":  # no GPU here: building is the check
            return True, np.nan, np.nan, compile_s, build_s, ""
        run_step("runner", [os.path.join(build_dir, name + "_runner"), "--weights",
                            os.path.join(bundle, name + ".weights.bin"), "--input",
                            f"{in_name}={in_path}", "--output-dir", outdir], log, 600)
        out_path = os.path.join(outdir, sanitize(out_name) + ".npy")
        if not os.path.exists(out_path):
            raise StepError(f"runner wrote no {out_path}")
        rtol, atol, what = tolerance(name, model, args)
        if name in QDQ_MODELS:
            args.notes[name] = f"tolerance: atol {atol:.6g} = {what}, rtol {rtol:g}"
        ok, max_abs, max_rel, why = compare(np.load(out_path), ref, rtol, atol)
        return ok, max_abs, max_rel, compile_s, build_s, why
    except StepError as e:
        with open(log) as f:
            tail = "".join(f.readlines()[-40:])
        return False, np.nan, np.nan, compile_s, build_s, f"{e}; log {log}:\n{tail}"


def self_test(name, args):
    """Checks compare(): a second onnxruntime run must pass, perturbed references must fail."""
    model = build_models.build(name, args.image_size, False)
    rtol, atol, what = tolerance(name, model, args)
    if name in QDQ_MODELS:
        args.notes[name] = f"tolerance: atol {atol:.6g} = {what}, rtol {rtol:g}"
    in_name, x = make_input(model, args.seed)
    (ref,) = reference(model, {in_name: x})
    if name in QDQ_MODELS:
        # onnxruntime's optimizer turns QDQ groups into integer kernels (QLinearConv, ...),
        # another computation that differs by several steps; a rebuilt model (calibrated and
        # quantized again) must reproduce the reference instead.
        others = {"ort rebuilt": reference(build_models.build(name, args.image_size, False),
                                           {in_name: x})[0]}
    else:
        others = {"ort optimized": reference(model, {in_name: x}, optimize=True)[0],
                  "ort keep-bn": reference(build_models.build(name, args.image_size, True),
                                           {in_name: x})[0]}
    worst_abs = worst_rel = 0.0
    for what, out in others.items():
        ok, max_abs, max_rel, why = compare(out, ref, rtol, atol)
        if not ok:
            return False, max_abs, max_rel, f"{what}: {why}"
        worst_abs, worst_rel = max(worst_abs, max_abs), max(worst_rel, max_rel)
    i = np.unravel_index(np.argmax(np.abs(ref)), ref.shape)
    bumped, nan, tiny = ref.copy(), ref.copy(), ref.copy()
    bumped[i] += 3 * (atol + rtol * abs(ref[i]))
    nan[i] = np.nan
    tiny.flat[np.argmin(np.abs(ref))] += 3 * atol
    for what, out in {"one element off by 3x the tolerance": bumped, "one NaN": nan,
                      "near-zero element off by 3 atol": tiny, "transposed": ref.T,
                      "float64": ref.astype(np.float64), "inputs swapped": None}.items():
        if what == "inputs swapped":  # The output of another input must not pass either.
            out = reference(model, {in_name: make_input(model, args.seed + 1)[1]})[0]
        if compare(out, ref, rtol, atol)[0]:
            return False, worst_abs, worst_rel, f"a perturbed copy passed: {what}"
    return True, worst_abs, worst_rel, ""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="default",
                    help="comma-separated, from: " + ",".join(build_models.MODELS) +
                    "; 'default' (" + DEFAULT_MODELS + ") and 'extra' (" + EXTRA_MODELS +
                    ") stand for those lists")
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--target", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--modelc", default=os.path.join(ROOT, "build", "bin", "modelc"))
    ap.add_argument("--nvcc", default=shutil.which("nvcc") or "/usr/local/cuda/bin/nvcc")
    ap.add_argument("--cxx", help="C++ compiler of the bundle build (default: CMake's choice)")
    ap.add_argument("--cxxflags", default="", help="CMAKE_CXX_FLAGS of the bundle build")
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "e2e", "models"))
    ap.add_argument("--keep-bn", action="store_true", help="keep BatchNormalization nodes")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random input")
    ap.add_argument("--rtol", type=float, help=f"for every model (default: {RTOL:g}; QDQ models 0)")
    ap.add_argument("--atol", type=float,
                    help=f"for every model (default: {ATOL:g}; QDQ models one output step)")
    ap.add_argument("--onnx", nargs="+", default=[], metavar="FILE",
                    help="test these ONNX files (one float input each) instead of --models")
    ap.add_argument("--self-test", action="store_true",
                    help="check the comparison against onnxruntime itself; needs no modelc")
    args = ap.parse_args(argv)
    args.files = {sanitize(os.path.splitext(os.path.basename(f))[0]): os.path.abspath(f)
                  for f in args.onnx}
    names = list(args.files) or [m for x in args.models.split(",")
                                 for m in MODEL_SETS.get(x, x).split(",")]
    unknown = [n for n in names if n not in build_models.MODELS and n not in args.files]
    if unknown:
        ap.error("unknown model(s): " + ", ".join(unknown))
    args.work, args.modelc = os.path.abspath(args.work), os.path.abspath(args.modelc)
    args.notes = {}  # per-model lines printed under the result (the tolerance of QDQ models)

    mode = "self-test" if args.self_test else f"target {args.target}, modelc {args.modelc}"
    if args.cxx or args.cxxflags:
        mode += f"; bundles built with {args.cxx or 'the default compiler'} {args.cxxflags}"
    print(f"{mode}; image size {args.image_size}; BatchNorm "
          f"{'kept' if args.keep_bn else 'folded'}; input seed {args.seed}")
    if args.target == "cpu" or args.self_test:
        if args.rtol is None and args.atol is None:
            print(f"tolerance: |out - ref| <= {ATOL:g} + {RTOL:g} * |ref|, elementwise; QDQ "
                  "models: |out - ref| <= one quantization step of the output")
        else:
            rtol, atol, _ = tolerance("", None, args)
            print(f"tolerance: |out - ref| <= {atol:g} + {rtol:g} * |ref|, elementwise")
    else:
        print("cuda: the bundle is compiled with nvcc only, not run")
    print(f"{'model':<20}{'max_abs_err':>12}{'max_rel_err':>12}{'compile_s':>11}{'build_s':>9}"
          "  status", flush=True)
    passed = failed = 0
    for name in names:
        try:
            if args.self_test:
                ok, max_abs, max_rel, why = self_test(name, args)
                compile_s = build_s = np.nan
            else:
                ok, max_abs, max_rel, compile_s, build_s, why = test_model(name, args)
        except Exception as e:  # A broken model or reference fails this model, not the run.
            ok, max_abs, max_rel, compile_s, build_s, why = (False, np.nan, np.nan, np.nan,
                                                             np.nan, f"{type(e).__name__}: {e}")
        fmt = lambda v, w, f: "-".rjust(w) if np.isnan(v) else format(v, f"{w}{f}")
        print(f"{name:<20}{fmt(max_abs, 12, '.3e')}{fmt(max_rel, 12, '.3e')}"
              f"{fmt(compile_s, 11, '.1f')}{fmt(build_s, 9, '.1f')}  {'PASS' if ok else 'FAIL'}")
        if name in args.notes:
            print("    " + args.notes[name])
        if why:
            print("    " + why.replace("\n", "\n    ").rstrip())
        sys.stdout.flush()
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed, 0 skipped")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
