#!/usr/bin/env python3
"""run_bench.py - modelc CPU benchmarks: FMA peak, GEMM kernels, models against onnxruntime.

One command, four parts (each can be run alone with --only):

  peak    builds bench/fma_peak.cpp (-O2 -march=native) and measures the machine's float32 FMA
          peak at 1 thread and at every --threads count (best of 15 repetitions).
  gemm    compiles one-MatMul ONNX models (A an input, B a weight, so B is pre-packed) with
          modelc, builds each bundle with CMake (Release, shared library) and times it in-process
          through its C API: GFLOP/s = 2*M*N*K / median latency, and the % of the peak measured
          at the same thread count. M x N x K shapes: 256^3, 512^3, 1024^3, the conv-like
          256x1152x192, and skinny ones.
  conv    the same for single Conv layers (ResNet-50's 7x7 stem and two 3x3 convs), which modelc
          runs as GEMMs packing B straight from the image; output checked against onnxruntime.
  models  compiles the model set (test/models/build_models.py at 224x224 batch 1, and the MLP at
          batch 64), builds the bundles and times them side by side with onnxruntime (graph
          optimizations on, intra_op_num_threads = the thread count, inter_op 1, sequential):
          same input, alternating blocks of runs (0.1 s settling, then 0.3 s recorded, so each
          framework is timed in its steady state, not right after the other's run), medians.
          Prints model,
          GFLOP (2 x conv/GEMM multiply-adds), both latencies, the ratio modelc/onnxruntime (< 1
          means modelc is faster), modelc's GFLOP/s and % of peak; checks modelc's output against
          onnxruntime's (|out - ref| <= 1e-4 + 1e-3 * |ref|, looser than the e2e tests because
          onnxruntime's optimized graph rounds differently) and exits 1 on a mismatch.

Timings are medians over many alternating runs because the machine may be shared; the tables
say how many runs. Nothing here is a pass/fail test of speed.

  bench/run_bench.py                              # everything, 1 thread and all cores
  bench/run_bench.py --only gemm --threads 1
  bench/run_bench.py --only models --models resnet50,mlp --min-runs 20
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "models"))
import build_models  # noqa: E402

# (M, N, K): square; conv-like; GEMV; skinny in each dimension; ResNet's first conv as
# im2col GEMMs in both orientations (modelc's conv GEMM is Cout x pixels x Cin*kh*kw).
GEMM_SHAPES = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (256, 1152, 192),
               (1, 1024, 1024), (64, 1024, 10), (64, 10, 1024), (12544, 64, 147),
               (64, 12544, 147)]

# (Cin, H, W, Cout, k, stride), pad k // 2, batch 1: single Conv layers, which modelc runs as a
# GEMM (Cout x OH*OW x Cin*k*k) whose B-packing gathers the windows from the image (no im2col
# buffer, modelc-fuse-im2col). ResNet-50's stem, and 3x3 convs of its first two stages.
CONV_SHAPES = [(3, 224, 224, 64, 7, 2), (64, 56, 56, 64, 3, 1), (128, 28, 28, 128, 3, 1)]

# The model set: the CNNs at 224x224 batch 1, the BERT-style encoder (d 256, 4 layers, 4 heads,
# 128 tokens, batch 1) and the MLP at batch 64.
DEFAULT_MODELS = ["resnet18", "resnet50", "mobilenet_v2", "squeezenet1_1", "efficientnet_b0",
                  "bert_encoder_base", "mlp"]


class ModelApi(ctypes.Structure):
    """runtime_min's mc_model_api (mc_runtime.h)."""
    _fields_ = [
        ("model_name", ctypes.c_char_p), ("target", ctypes.c_char_p),
        ("num_inputs", ctypes.c_int32), ("inputs", ctypes.c_void_p),
        ("num_outputs", ctypes.c_int32), ("outputs", ctypes.c_void_p),
        ("arena_bytes", ctypes.c_uint64), ("weights_bytes", ctypes.c_uint64),
        ("create", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p,
                                    ctypes.POINTER(ctypes.c_void_p))),
        ("destroy", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
        ("run_host", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                                      ctypes.c_void_p)),
        ("bench", ctypes.c_void_p),
        ("set_threads", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int32)),
        ("last_error", ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_void_p)),
    ]


def run(cmd, log, timeout=1800):
    with open(log, "a") as f:
        f.write("$ " + " ".join(map(str, cmd)) + "\n")
        f.flush()
        rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout).returncode
    if rc:
        sys.exit(f"error: {' '.join(map(str, cmd))} failed (exit {rc}); see {log}")


class Bundle:
    """A modelc bundle built as a shared library and driven through its C API."""

    def __init__(self, onnx_path, name, work, args):
        self.dir = os.path.join(work, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        log = os.path.join(self.dir, "log.txt")
        bundle, build = os.path.join(self.dir, "bundle"), os.path.join(self.dir, "build")
        run([args.modelc, onnx_path, "-o", bundle, "--name", name, f"--cpu={args.cpu}"] +
            args.modelc_arg, log)
        run(["cmake", "-S", bundle, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DBUILD_SHARED_LIBS=ON"], log)
        run(["cmake", "--build", build, "--target", name], log)
        self.lib = ctypes.CDLL(os.path.join(build, f"lib{name}.so"))
        getattr(self.lib, f"{name}_api").restype = ctypes.POINTER(ModelApi)
        self.api = getattr(self.lib, f"{name}_api")().contents
        self.handle = ctypes.c_void_p()
        weights = os.path.join(bundle, f"{name}.weights.bin").encode()
        if self.api.create(weights, ctypes.byref(self.handle)):
            sys.exit(f"error: {name}_create failed")

    def set_threads(self, threads):
        if self.api.set_threads(self.handle, threads):
            sys.exit("error: set_threads failed")

    def prepare(self, inputs, outputs):
        """Keeps the arrays alive and builds the pointer tables for run()."""
        self.keep = (inputs, outputs)
        self.ins = (ctypes.c_void_p * max(1, len(inputs)))(*[a.ctypes.data for a in inputs])
        self.outs = (ctypes.c_void_p * len(outputs))(*[a.ctypes.data for a in outputs])

    def run(self):
        if self.api.run_host(self.handle, self.ins, self.outs):
            sys.exit("error: run failed: " + (self.api.last_error(self.handle) or b"").decode())


def median(xs):
    return float(np.median(xs))


def timed_runs(fns, min_runs, min_seconds, warmup, cpu=None, block_s=0.3, settle_s=0.1):
    """Runs each fn `warmup` times, then alternates them in blocks (order flipped every round)
    until each recorded min_runs runs and min_seconds passed; returns each fn's latencies in ms.
    A block runs one fn for `settle_s` seconds unrecorded (at least once), then records its
    runs for `block_s` seconds (at least one). Alternating single runs measured each framework
    disturbed by the other: after an onnxruntime run its spinning workers hold a core, and
    modelc's pool workers (asleep after 200 us without work) wake onto busy cores, which made
    modelc's 2-thread MLP 4x slower than `modelc bench` alone (2.4 vs 0.57 ms); the first runs
    after a switch are slow for either framework, the settling runs absorb that. With a list
    `cpu`, also appends each fn's process CPU times (ms) to cpu[i]: at one thread that is the
    run's own compute time, which the machine's other load hardly changes."""
    for fn in fns:
        for _ in range(warmup):
            fn()
    times = [[] for _ in fns]
    if cpu is not None:
        cpu[:] = [[] for _ in fns]
    start, r = time.perf_counter(), 0
    while (min(len(t) for t in times) < min_runs or
           (time.perf_counter() - start < min_seconds and min(len(t) for t in times) < 1000)):
        order = list(range(len(fns)))[:: 1 if r % 2 == 0 else -1]
        for i in order:
            if len(fns) > 1:
                end = time.perf_counter() + settle_s
                fns[i]()
                while time.perf_counter() < end:
                    fns[i]()
            end = time.perf_counter() + block_s
            while True:
                c0, t0 = time.process_time(), time.perf_counter()
                fns[i]()
                t1 = time.perf_counter()
                times[i].append((t1 - t0) * 1e3)
                if cpu is not None:
                    cpu[i].append((time.process_time() - c0) * 1e3)
                if t1 >= end or len(times[i]) >= 1000:
                    break
        r += 1
    return times


def measure_peak(args, log):
    exe = os.path.join(args.work, "fma_peak")
    run(["c++", "-O2", "-march=native", "-std=c++17", "-pthread",
         os.path.join(ROOT, "bench", "fma_peak.cpp"), "-o", exe], log)
    out = subprocess.run([exe] + [str(t) for t in args.threads], capture_output=True, text=True,
                         check=True).stdout
    found = re.findall(r"threads=(\d+) lanes=\d+ gflops=([\d.]+) cpu_gflops=([\d.]+)", out)
    peak = {int(t): float(g) for t, g, _ in found}
    # The rate per CPU-second of one thread: what 1-thread CPU-time rates are compared with.
    args.cpu_peak = {int(t): float(c) for t, _, c in found}
    print("== FMA peak (bench/fma_peak.cpp, best of 15; wall-clock, and per thread CPU time) ==")
    for t, g in peak.items():
        print(f"  {t} thread(s): {g:.1f} GFLOP/s wall, {args.cpu_peak[t]:.1f} GFLOP/s CPU time")
    return peak


def cpu_columns(args, t, flop, cpu):
    """At one thread: GFLOP/s over the median CPU time and its % of the CPU-time peak."""
    if t != 1:
        return f"{'-':>9}{'-':>9}", None
    g = flop / median(cpu[0]) / 1e6
    return f"{g:>9.1f}{100 * g / args.cpu_peak[1]:>8.1f}%", g


def matmul_model(m, n, k):
    from onnx import TensorProto, helper, numpy_helper
    w = np.random.default_rng(1).uniform(-1, 1, (k, n)).astype(np.float32)
    g = helper.make_graph(
        [helper.make_node("MatMul", ["a", "w"], ["y"], name="matmul")], "gemm",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        initializer=[numpy_helper.from_array(w, "w")])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), w


def conv_model(cin, h, w, cout, k, stride):
    from onnx import TensorProto, helper, numpy_helper
    wt = np.random.default_rng(1).uniform(-1, 1, (cout, cin, k, k)).astype(np.float32)
    oh, ow = (h + 2 * (k // 2) - k) // stride + 1, (w + 2 * (k // 2) - k) // stride + 1
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[k, k],
                          strides=[stride] * 2, pads=[k // 2] * 4)], "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, cin, h, w])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, cout, oh, ow])],
        initializer=[numpy_helper.from_array(wt, "w")])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return model, (cout, oh * ow, cin * k * k)


def bench_conv(args, peak, log, results):
    import onnx
    import onnxruntime as ort
    im2col = "im2col buffer" if "--no-implicit-im2col" in args.modelc_arg else "implicit im2col"
    print(f"== Conv layers as GEMM with {im2col} (median of runs; M x N x K of the GEMM) ==")
    print(f"{'Cin,HxW,Cout,k,s':>22}{'M x N x K':>18}{'threads':>8}{'runs':>6}{'median ms':>11}"
          f"{'GFLOP/s':>9}{'% peak':>8}{'cpu GF/s':>9}{'% cpu pk':>9}{'max err':>10}")
    for cin, h, w, cout, k, stride in CONV_SHAPES:
        model, (m, n, kk) = conv_model(cin, h, w, cout, k, stride)
        name = f"conv_{cin}x{h}x{w}_{cout}_k{k}s{stride}"
        path = os.path.join(args.work, f"{name}.onnx")
        onnx.save(model, path)
        b = Bundle(path, name, args.work, args)
        x = np.random.default_rng(2).uniform(-1, 1, (1, cin, h, w)).astype(np.float32)
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        ref = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"]).run(
            None, {"x": x})[0]
        y = np.empty_like(ref)
        b.prepare([x], [y])
        flop = 2.0 * m * n * kk
        for t in args.threads:
            b.set_threads(t)
            b.run()
            err = float(np.max(np.abs(y - ref)))
            cpu = []
            (ms,) = timed_runs([b.run], args.min_runs, args.min_seconds, 3, cpu)
            g = flop / median(ms) / 1e6
            cols, cpu_g = cpu_columns(args, t, flop, cpu)
            print(f"{f'{cin},{h}x{w},{cout},{k},{stride}':>22}{f'{m}x{n}x{kk}':>18}{t:>8}"
                  f"{len(ms):>6}{median(ms):>11.3f}{g:>9.1f}{100 * g / peak[t]:>7.1f}%"
                  f"{cols}{err:>10.1e}", flush=True)
            results.append(dict(kind="conv", shape=[cin, h, w, cout, k, stride], m=m, n=n, k=kk,
                                threads=t, runs=len(ms), median_ms=median(ms), gflops=g,
                                pct_peak=100 * g / peak[t], cpu_gflops=cpu_g,
                                max_abs_err=err))


def bench_gemm(args, peak, log, results):
    import onnx
    print("== GEMM: modelc bundles of one MatMul, B a pre-packed weight (median of runs) ==")
    print(f"{'M x N x K':>18}{'threads':>8}{'runs':>6}{'median ms':>11}{'GFLOP/s':>9}"
          f"{'best':>8}{'% peak':>8}{'cpu GF/s':>9}{'% cpu pk':>9}{'max err':>10}")
    for m, n, k in GEMM_SHAPES:
        model, w = matmul_model(m, n, k)
        path = os.path.join(args.work, f"gemm_{m}x{n}x{k}.onnx")
        onnx.save(model, path)
        b = Bundle(path, f"gemm_{m}x{n}x{k}", args.work, args)
        a = np.random.default_rng(2).uniform(-1, 1, (m, k)).astype(np.float32)
        y = np.empty((m, n), np.float32)
        b.prepare([a], [y])
        ref = a.astype(np.float64) @ w.astype(np.float64)
        flop = 2.0 * m * n * k
        for t in args.threads:
            b.set_threads(t)
            b.run()
            err = float(np.max(np.abs(y - ref)))
            cpu = []
            (ms,) = timed_runs([b.run], args.min_runs, args.min_seconds, 3, cpu)
            g, best = flop / median(ms) / 1e6, flop / min(ms) / 1e6
            cols, cpu_g = cpu_columns(args, t, flop, cpu)
            print(f"{f'{m}x{n}x{k}':>18}{t:>8}{len(ms):>6}{median(ms):>11.3f}{g:>9.1f}"
                  f"{best:>8.1f}{100 * g / peak[t]:>7.1f}%{cols}{err:>10.1e}", flush=True)
            results.append(dict(kind="gemm", m=m, n=n, k=k, threads=t, runs=len(ms),
                                median_ms=median(ms), gflops=g, best_gflops=best,
                                pct_peak=100 * g / peak[t], cpu_gflops=cpu_g,
                                max_abs_err=err))


def bench_models(args, peak, log, results):
    import onnx
    import onnxruntime as ort
    print(f"== models vs onnxruntime {ort.__version__} (median of alternating runs) ==")
    print(f"{'model':<17}{'threads':>7}{'GFLOP':>7}{'runs':>6}{'modelc ms':>11}{'ort ms':>9}"
          f"{'ratio':>7}{'GFLOP/s':>9}{'% peak':>8}{'cpu ms':>8}{'ort cpu':>8}{'ratio':>7}"
          "  output check")
    ok = True
    for name in args.models:
        model = build_models.build(name, 224)
        path = os.path.join(args.work, name + ".onnx")
        onnx.save(model, path)
        gflop = build_models.conv_gemm_flops(model) / 1e9
        b = Bundle(path, name, args.work, args)
        weights = {t.name for t in model.graph.initializer}
        (inp,) = [i for i in model.graph.input if i.name not in weights]
        shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
        x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
        out_shape = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
        y = np.empty(out_shape, np.float32)
        b.prepare([x], [y])
        for t in args.threads:
            so = ort.SessionOptions()
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            so.intra_op_num_threads = t
            so.inter_op_num_threads = 1
            so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            sess = ort.InferenceSession(model.SerializeToString(), so,
                                        providers=["CPUExecutionProvider"])
            feeds = {inp.name: x}
            b.set_threads(t)
            b.run()
            (ref,) = sess.run(None, feeds)
            err = np.abs(y.astype(np.float64) - ref)
            good = bool(np.all(err <= 1e-4 + 1e-3 * np.abs(ref)))
            ok &= good
            cpu = []
            mc_ms, ort_ms = timed_runs([b.run, lambda: sess.run(None, feeds)], args.min_runs,
                                       args.min_seconds, 3, cpu)
            mc, o = median(mc_ms), median(ort_ms)
            g = gflop / mc * 1e3
            check = f"{'ok' if good else 'MISMATCH'} (max abs err {float(err.max()):.1e})"
            # CPU time equals latency only for one thread (more threads also count spinning).
            mc_cpu, o_cpu = (median(cpu[0]), median(cpu[1])) if t == 1 else (np.nan, np.nan)
            cpu_cols = (f"{mc_cpu:>8.2f}{o_cpu:>8.2f}{mc_cpu / o_cpu:>7.2f}" if t == 1 else
                        f"{'-':>8}{'-':>8}{'-':>7}")
            print(f"{name:<17}{t:>7}{gflop:>7.2f}{len(mc_ms):>6}{mc:>11.2f}{o:>9.2f}"
                  f"{mc / o:>7.2f}{g:>9.1f}{100 * g / peak[t]:>7.1f}%{cpu_cols}  {check}",
                  flush=True)
            results.append(dict(kind="model", model=name, threads=t, gflop=gflop,
                                runs=len(mc_ms), modelc_ms=mc, ort_ms=o, ratio=mc / o,
                                gflops=g, pct_peak=100 * g / peak[t], output_ok=good,
                                max_abs_err=float(err.max()), modelc_cpu_ms=mc_cpu,
                                ort_cpu_ms=o_cpu))
            del sess
    geomean = lambda xs: float(np.exp(np.mean(np.log(xs))))
    for t in args.threads:
        rows = [r for r in results if r["kind"] == "model" and r["threads"] == t]
        if rows:
            ratios = [r["ratio"] for r in rows]
            line = (f"  {t} thread(s): latency ratio geomean {geomean(ratios):.3f}, worst "
                    f"{max(ratios):.2f}")
            if t == 1:
                cpu = [r["modelc_cpu_ms"] / r["ort_cpu_ms"] for r in rows]
                line += f"; CPU-time ratio geomean {geomean(cpu):.3f}, worst {max(cpu):.2f}"
            print(line)
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modelc", default=os.path.join(ROOT, "build", "bin", "modelc"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--cpu", default="native", help="modelc --cpu (default: native)")
    ap.add_argument("--modelc-arg", action="append", default=[],
                    help="extra modelc argument (repeatable), e.g. --modelc-arg=--no-implicit-im2col")
    ap.add_argument("--threads", default=f"1,{os.cpu_count()}",
                    help="comma-separated thread counts (default: 1 and all cores)")
    ap.add_argument("--only", choices=["peak", "gemm", "conv", "models"], action="append",
                    help="run only these parts (repeatable); the peak is always measured")
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS),
                    help=f"comma-separated, from: {','.join(build_models.MODELS)}")
    ap.add_argument("--min-runs", type=int, default=30, help="timed runs per measurement")
    ap.add_argument("--min-seconds", type=float, default=5.0,
                    help="keep alternating runs until this much time passed")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    args.threads = sorted({int(t) for t in args.threads.split(",")})
    args.models = [m for m in args.models.split(",") if m]
    args.work, args.modelc = os.path.abspath(args.work), os.path.abspath(args.modelc)
    os.makedirs(args.work, exist_ok=True)
    log = os.path.join(args.work, "log.txt")
    open(log, "w").close()
    parts = set(args.only or ["peak", "gemm", "conv", "models"])
    load = os.getloadavg()
    print(f"modelc {args.modelc} {' '.join(args.modelc_arg)}, --cpu={args.cpu}; "
          f"{os.cpu_count()} cores; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start")
    results = []
    peak = measure_peak(args, log)
    ok = True
    if "gemm" in parts:
        bench_gemm(args, peak, log, results)
    if "conv" in parts:
        bench_conv(args, peak, log, results)
    if "models" in parts:
        ok = bench_models(args, peak, log, results)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(peak=peak, cpu_peak=args.cpu_peak, results=results), f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
