#!/usr/bin/env python3
"""Tests of modelc's user tools, run as a user would run them.

Each subcommand is one CTest test (test/tools/CMakeLists.txt):

  bench          `modelc bench` on a small CNN: the output lines, a cache miss then a hit
                 (also with another --threads), the error for --target cuda without a GPU
  bench-profile  `modelc bench --profile`: the kernel table lists every kernel of the bundle
                 (the names of the compile report), shares add up to 100%
  verify         `modelc verify` passes against onnxruntime and against the model's own test
                 data; fails (exit 1) on a bundle whose weights were perturbed and on a test
                 data set with a wrong output; a clear error without a reference; a sequence
                 input and output checked element by element; an optional input present and
                 compiled as empty
  verify-per-node  `modelc verify --per-node` passes, then names the node whose weights were
                 perturbed in the per-node bundle as the first divergent node
  report         `modelc --report`: the JSON validates against docs/report.schema.json, its
                 arena and weights sizes equal the header's kArenaBytes / kWeightsBytes, its
                 kernels are the bundle's kernel functions, work estimates by the stated rules

The model is built here with onnx.helper (fixed seed). Bundles are built in cache directories
under --work; no timing is asserted.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(ROOT, "docs", "report.schema.json")


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def run(cmd, expect=0, env=None):
    print("+ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    print(p.stdout, end="")
    print(p.stderr, end="", file=sys.stderr)
    if expect is not None and p.returncode != expect:
        raise Failure(f"exit code {p.returncode}, expected {expect}: {' '.join(cmd)}")
    return p


def make_model(path):
    """x[1,3,8,8] -> conv1 -> relu1 -> conv2 -> relu2 -> gap -> flatten -> fc -> y[1,10]."""
    rng = np.random.default_rng(7)

    def w(name, *shape):
        return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.5, name)

    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        [w("w1", 4, 3, 3, 3), w("b1", 4), w("w2", 4, 4, 3, 3), w("b2", 4), w("wf", 10, 4),
         w("bf", 10)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)
    return model


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def tool_env(args):
    env = dict(os.environ)
    if args.launcher:  # bundles build faster with the modelc build's compiler cache
        env["CMAKE_CXX_COMPILER_LAUNCHER"] = args.launcher
    return env


def line(text, pattern, what):
    m = re.search(pattern, text, re.M)
    check(m, f"no {what} line matching {pattern!r} in:\n{text}")
    return m


def entry_of(stdout):
    return line(stdout, r"^bundle: (\S+)", "bundle").group(1)


def perturb_weights(entry, node, delta):
    """Adds `delta` to the constant read by the kernel that computes `node` (from the entry's
    compile report) in the entry's weights file; returns the constant's name."""
    with open(os.path.join(entry, "report.json")) as f:
        report = json.load(f)
    kernels = {k["name"] for k in report["kernels"] if node in k["nodes"]}
    check(kernels, f"no kernel computes '{node}' in {entry}/report.json")
    constants = [c for c in report["weights"]["constants"] if kernels & set(c["read_by"])]
    check(constants, f"no constant is read by {kernels}")
    target = max(constants, key=lambda c: c["bytes"])  # the weight, not the bias
    check(target["dtype"] == "float32", f"unexpected dtype {target['dtype']}")
    path = glob.glob(os.path.join(entry, "bundle", "*.weights.bin"))[0]
    data = bytearray(open(path, "rb").read())
    values = np.frombuffer(data, dtype=np.float32, count=target["bytes"] // 4,
                           offset=target["offset"]).copy()
    values += np.float32(delta)
    data[target["offset"]:target["offset"] + target["bytes"]] = values.tobytes()
    with open(path, "wb") as f:
        f.write(bytes(data))
    print(f"perturbed '{target['name']}' ({target['bytes']} bytes at {target['offset']}) "
          f"read by {sorted(kernels)}")
    return target["name"]


def test_bench(args):
    work = fresh(os.path.join(args.work, "bench"))
    model = os.path.join(work, "chain.onnx")
    make_model(model)
    cache = os.path.join(work, "cache")
    env = tool_env(args)
    first = run([args.modelc, "bench", model, "--cache-dir", cache, "--iters", "5", "--warmup",
                 "1"], env=env)
    out = first.stdout
    line(out, r"^model: .*chain\.onnx$", "model")
    line(out, r"^target: cpu, -O2, threads 1, warmup 1, iters 5$", "target")
    miss = line(out, r"^cache: miss, compiled and built in \d+\.\d s: (\S+)$", "cache miss")
    entry = miss.group(1)
    check(os.path.dirname(entry) == cache, f"entry {entry} is not in --cache-dir {cache}")
    line(out, r"^latency_ms min=\d+\.\d{4} median=\d+\.\d{4} p90=\d+\.\d{4} iters=5$", "latency")
    line(out, r"^throughput: \d+\.\d inferences/s", "throughput")
    check("compiling" in first.stderr, "a cache miss should say it compiles")
    key = open(os.path.join(entry, "key.txt")).read()
    check("opt-level: 2" in key and "sha256:" in key, f"key.txt lacks fields:\n{key}")

    # Same model and compile flags, other run-time flags: the cached bundle is used as it is.
    second = run([args.modelc, "bench", model, "--cache-dir", cache, "--iters", "3", "--warmup",
                  "0", "--threads", "2"], env=env)
    line(second.stdout, r"^cache: hit " + re.escape(entry) + r" \(compile and build skipped\)$",
         "cache hit")
    line(second.stdout, r"^target: cpu, -O2, threads 2, warmup 0, iters 3$", "target")
    line(second.stdout, r"^latency_ms .* iters=3$", "latency")
    check("compiling" not in second.stderr and "building" not in second.stderr,
          f"a cache hit compiled or built:\n{second.stderr}")
    check(sorted(os.listdir(cache)) == [os.path.basename(entry)],
          f"expected one cache entry, found {os.listdir(cache)}")

    # A bundle for a GPU needs one to run on.
    if not any(os.path.exists(p) for p in ("/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg")):
        cuda = run([args.modelc, "bench", model, "--cache-dir", cache, "--target", "cuda"],
                   expect=1, env=env)
        check("--target cuda runs the bundle on an NVIDIA GPU" in cuda.stderr, cuda.stderr)
        check(cuda.stdout == "", "no benchmark output expected without a GPU")
    else:
        print("a GPU is present: the no-GPU error of --target cuda is not checked")


def test_bench_profile(args):
    work = fresh(os.path.join(args.work, "bench_profile"))
    model = os.path.join(work, "chain.onnx")
    make_model(model)
    p = run([args.modelc, "bench", model, "--cache-dir", args.cache, "--iters", "4", "--warmup",
             "1", "--profile"], env=tool_env(args))
    out = p.stdout
    line(out, r"^target: cpu, -O2, threads 1, warmup 1, iters 4, kernel timers on$", "target")
    entry = line(out, r"^cache: (?:hit (\S+) \(|miss, compiled and built in \S+ s: (\S+)$)",
                 "cache")
    entry = entry.group(1) or entry.group(2)
    header = line(out, r"^kernel_profile runs=4 kernels=(\d+) kernel_ms_per_run=\d+\.\d+$",
                  "kernel_profile")
    rows = re.findall(r"^\s+(\d+\.\d\d)%\s+(\d+\.\d+) ms\s+(k\d+\w*)\s+(kernel\.\w+)\s+(.*)$",
                      out, re.M)
    with open(os.path.join(entry, "report.json")) as f:
        report = json.load(f)
    expected = {k["name"]: k for k in report["kernels"]}
    check(report["options"]["profile"] is True, "the profiled bundle's report says profile off")
    check(int(header.group(1)) == len(expected) == len(rows),
          f"{header.group(1)} kernels in the header line, {len(rows)} rows, "
          f"{len(expected)} kernels in the bundle")
    check({r[2] for r in rows} == set(expected), f"profile rows {sorted(r[2] for r in rows)} "
          f"!= bundle kernels {sorted(expected)}")
    for share, ms, name, op, nodes in rows:
        check(op == expected[name]["op"], f"{name}: op {op}, report says {expected[name]['op']}")
        for n in expected[name]["nodes"]:
            check(f"'{n}'" in nodes, f"{name}: node '{n}' missing from '{nodes}'")
    times = [float(r[1]) for r in rows]
    check(times == sorted(times, reverse=True), f"rows not sorted by time: {times}")
    total = sum(float(r[0]) for r in rows)
    check(abs(total - 100.0) < 0.1 * len(rows) or sum(times) == 0,
          f"shares add up to {total}%")
    source = open(glob.glob(os.path.join(entry, "bundle", "*.cpp"))[0]).read()
    check(source.count("profile_ms_[") >= len(rows), "the bundle has fewer timers than kernels")


def test_verify(args):
    work = fresh(os.path.join(args.work, "verify"))
    env = tool_env(args)
    model_path = os.path.join(work, "ort", "chain.onnx")
    model = make_model(model_path)
    good = run([args.modelc, "verify", model_path, "--cache-dir", args.cache], env=env)
    line(good.stdout, r"^reference: onnxruntime \S+; tolerance", "reference")
    line(good.stdout, r"^  y\s+float32\[1,10\]\s+\S+\s+\S+\s+0/10\s+ok$", "output y")
    line(good.stdout, r"^verify: PASS", "PASS")
    entry = entry_of(good.stdout)

    # A deliberately perturbed bundle: a copy of the cache whose fc weights are off by 0.25.
    bad_cache = os.path.join(work, "perturbed_cache")
    shutil.copytree(entry, os.path.join(bad_cache, os.path.basename(entry)), symlinks=True)
    perturb_weights(os.path.join(bad_cache, os.path.basename(entry)), "fc", 0.25)
    bad = run([args.modelc, "verify", model_path, "--cache-dir", bad_cache], expect=1, env=env)
    line(bad.stdout, r"^bundle: \S+ \(cached\)$", "cached bundle")
    line(bad.stdout, r"^  y\s+float32\[1,10\]\s+\S+\s+\S+\s+\d+/10\s+FAIL$", "failing y")
    line(bad.stdout, r"^verify: FAIL$", "FAIL")

    # The model's own test data (ONNX backend layout) as the reference.
    x = np.random.default_rng(3).uniform(-1, 1, (1, 3, 8, 8)).astype(np.float32)
    import onnxruntime as ort
    y = ort.InferenceSession(model.SerializeToString(),
                             providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    for case, expected in (("data_ok", y), ("data_wrong", y + np.float32(0.5))):
        path = os.path.join(work, case, "chain.onnx")
        make_model(path)  # byte-identical model: the cached bundle is reused
        data = os.path.join(work, case, "test_data_set_0")
        os.makedirs(data)
        for name, value in (("input_0.pb", numpy_helper.from_array(x, "x")),
                            ("output_0.pb", numpy_helper.from_array(expected, "y"))):
            with open(os.path.join(data, name), "wb") as f:
                f.write(value.SerializeToString())
        p = run([args.modelc, "verify", path, "--reference", "test-data", "--cache-dir",
                 args.cache], expect=0 if case == "data_ok" else 1, env=env)
        line(p.stdout, r"^reference: the model's test data;", "reference")
        line(p.stdout, r"^sets: test_data_set_0 ", "sets")
        line(p.stdout, r"^verify: PASS" if case == "data_ok" else r"^verify: FAIL$", "verdict")
        check(entry_of(p.stdout) == entry, "the same model bytes should reuse the bundle")

    # No reference at all.
    none = run([args.modelc, "verify", model_path, "--reference", "test-data", "--cache-dir",
                args.cache], expect=1, env=env)
    check("there is no test_data_set_*/ next to" in none.stderr, none.stderr)
    check("bundle:" not in none.stdout, "no bundle should be built without a reference")

    # Sequence input and output: pinned element by element, compared element by element.
    seq_path = os.path.join(work, "sequence", "seq.onnx")
    os.makedirs(os.path.dirname(seq_path))
    seq_graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["r"], name="relu"),
         helper.make_node("SequenceInsert", ["s", "r"], ["t"], name="append")], "seq",
        [helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
        [helper.make_tensor_sequence_value_info("t", TensorProto.FLOAT, None)])
    seq_model = helper.make_model(seq_graph, opset_imports=[helper.make_opsetid("", 13)])
    seq_model.ir_version = 8
    onnx.save(seq_model, seq_path)
    seq = run([args.modelc, "verify", seq_path, "--input-shape", "s=[2x2;5]", "--cache-dir",
               args.cache], env=env)
    for k, shape in enumerate(["2,2", "5", "3"]):
        line(seq.stdout, rf"^  t\[{k}\]\s+float32\[{shape}\]\s+\S+\s+\S+\s+0/\d+\s+ok$",
             f"element {k}")
    line(seq.stdout, r"^verify: PASS \(3 output", "PASS")
    unpinned = run([args.modelc, "verify", seq_path, "--cache-dir", args.cache], expect=1,
                   env=env)
    check("pin its element shapes with --input-shape s=[AxB;CxD]" in unpinned.stderr,
          unpinned.stderr)

    # An optional input compiled as empty (NAME=none): onnxruntime gets None, and the bundle
    # has neither the input nor the optional output passing it through.
    opt_path = os.path.join(work, "optional", "opt.onnx")
    os.makedirs(os.path.dirname(opt_path))
    opt_type = helper.make_optional_type_proto(
        helper.make_tensor_type_proto(TensorProto.FLOAT, [3]))
    opt_graph = helper.make_graph(
        [helper.make_node("OptionalHasElement", ["o"], ["has"], name="has"),
         helper.make_node("Identity", ["o"], ["same"], name="same")], "opt",
        [helper.make_value_info("o", opt_type)],
        [helper.make_tensor_value_info("has", TensorProto.BOOL, []),
         helper.make_value_info("same", opt_type)])
    opt_model = helper.make_model(opt_graph, opset_imports=[helper.make_opsetid("", 18)])
    opt_model.ir_version = 8
    onnx.save(opt_model, opt_path)
    for pin, count in (([], 2), (["--input-shape", "o=none"], 1)):
        opt = run([args.modelc, "verify", opt_path, *pin, "--cache-dir", args.cache], env=env)
        line(opt.stdout, r"^  has\s+bool\[\]\s+\S+\s+\S+\s+0/1\s+ok$", "output has")
        check(("same " in opt.stdout) == (count == 2), f"output 'same' with {pin}")
        line(opt.stdout, rf"^verify: PASS \({count} output", "PASS")


def test_verify_per_node(args):
    work = fresh(os.path.join(args.work, "verify_per_node"))
    env = tool_env(args)
    model_path = os.path.join(work, "chain.onnx")
    make_model(model_path)
    good = run([args.modelc, "verify", model_path, "--per-node", "--cache-dir", args.cache,
                "--work", os.path.join(work, "w")], env=env)
    line(good.stdout, r"^per-node: 7 nodes, 7 tensors compared in topological order$",
         "per-node")  # conv1 relu1 conv2 relu2 gap flatten fc
    line(good.stdout, r"^verify: PASS", "PASS")
    entry = entry_of(good.stdout)
    check(os.path.exists(os.path.join(work, "w", "per_node.onnx")), "--work was not kept")

    bad_cache = os.path.join(work, "perturbed_cache")
    copy = os.path.join(bad_cache, os.path.basename(entry))
    shutil.copytree(entry, copy, symlinks=True)
    perturb_weights(copy, "conv2", 0.25)
    bad = run([args.modelc, "verify", model_path, "--per-node", "--cache-dir", bad_cache],
              expect=1, env=env)
    line(bad.stdout, r"^first divergent node: 'conv2' \(Conv\), output 'c2': max_abs=\S+ "
                     r"max_rel=\S+, \d+/256 elements outside$", "first divergent node")
    after = line(bad.stdout, r"^after it: (\d+) of 4 later nodes also outside tolerance: (.*)$",
                 "after it")
    check("'relu2' (Relu)" in after.group(2), f"relu2 should diverge too: {after.group(0)}")
    line(bad.stdout, r"^verify: FAIL$", "FAIL")


def test_report(args):
    import jsonschema
    work = fresh(os.path.join(args.work, "report"))
    model_path = os.path.join(work, "chain.onnx")
    make_model(model_path)
    bundle = os.path.join(work, "bundle")
    report_path = os.path.join(work, "report.json")
    p = run([args.modelc, model_path, "-o", bundle, "--name", "chain", "--report", report_path,
             "-v"])
    with open(report_path) as f:
        report = json.load(f)
    with open(SCHEMA) as f:
        jsonschema.validate(report, json.load(f))
    header = open(os.path.join(bundle, "chain.h")).read()
    arena = int(re.search(r"kArenaBytes = (\d+);", header).group(1))
    weights = int(re.search(r"kWeightsBytes = (\d+);", header).group(1))
    check(report["memory"]["arena_bytes"] == arena,
          f"report arena {report['memory']['arena_bytes']} != kArenaBytes {arena}")
    check(report["weights"]["bytes"] == weights,
          f"report weights {report['weights']['bytes']} != kWeightsBytes {weights}")
    check(os.path.getsize(os.path.join(bundle, "chain.weights.bin")) == weights, "weights file")
    for b in report["memory"]["buffers"]:
        check(b["offset"] + b["bytes"] <= arena, f"buffer outside the arena: {b}")
    for c in report["weights"]["constants"]:
        check(c["offset"] % 64 == 0 and c["offset"] + c["bytes"] <= weights, f"constant {c}")
    source = open(os.path.join(bundle, "chain.cpp")).read()
    functions = re.findall(r"^// (k\d+\w*): kernel\.", source, re.M)
    check([k["name"] for k in report["kernels"]] == functions,
          f"report kernels {[k['name'] for k in report['kernels']]} != bundle {functions}")
    check(report["totals"]["kernels"] == len(functions), "totals.kernels")
    check(report["totals"]["flops"] == sum(k["flops"] for k in report["kernels"]), "totals.flops")

    # Work estimates by the documented rules: a convolution is 2 * outputs * (C/group * taps)
    # plus one add per output for the bias; a fused ReLU one op per element; Gemm 2*M*N*K + bias.
    nodes = {n["name"]: n for n in report["nodes"]}
    check(nodes["conv1"]["flops"] == 2 * 256 * 27 + 256, f"conv1: {nodes['conv1']}")
    check(nodes["conv2"]["flops"] == 2 * 256 * 36 + 256, f"conv2: {nodes['conv2']}")
    check(nodes["fc"]["flops"] == 2 * 10 * 4 + 10, f"fc: {nodes['fc']}")
    check(nodes["relu1"]["flops"] > 0 and nodes["relu1"]["flops"] % 256 == 0,
          f"relu1: {nodes['relu1']}")
    # Fusion: each ReLU shares a kernel with its convolution (kernel.gemm after conv-to-GEMM).
    groups = [set(g["nodes"]) for g in report["fusion_groups"]]
    check(any({"conv1", "relu1"} <= g for g in groups), f"conv1+relu1 not fused: {groups}")
    tiles = {t["kernel"]: t for t in report["gemm_tiles"]}
    conv1_gemm = [k for k in report["kernels"] if k["op"] == "kernel.gemm" and "conv1" in
                  k["nodes"]]
    check(len(conv1_gemm) == 1, f"conv1's GEMM: {conv1_gemm}")
    t = tiles[conv1_gemm[0]["name"]]
    check((t["m"], t["n"], t["k"]) == (4, 64, 27) and t["tile"] is not None, f"tile {t}")
    names = [p["argument"] for p in report["passes"]]
    check("modelc-plan-memory" in names and "modelc-lower-to-kernel" in names, f"passes {names}")
    # -v: progress per pass and the summary on stderr.
    check(re.search(r"^modelc: \[\d+/\d+\] modelc-plan-memory$", p.stderr, re.M), p.stderr)
    check(f"arena: {arena} bytes" in p.stderr, p.stderr)


TESTS = {"bench": test_bench, "bench-profile": test_bench_profile, "verify": test_verify,
         "verify-per-node": test_verify_per_node, "report": test_report}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("test", choices=sorted(TESTS))
    parser.add_argument("--modelc", required=True)
    parser.add_argument("--work", required=True, help="work directory (cleared per test)")
    parser.add_argument("--cache", help="bundle cache shared by the verify and profile tests "
                                         "(default: WORK/cache)")
    parser.add_argument("--launcher", help="compiler launcher for the bundles (ccache)")
    args = parser.parse_args()
    args.work = os.path.abspath(args.work)
    args.cache = os.path.abspath(args.cache or os.path.join(args.work, "cache"))
    try:
        TESTS[args.test](args)
    except Failure as e:
        print(f"FAIL: {e}")
        return 1
    print(f"PASS: {args.test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
