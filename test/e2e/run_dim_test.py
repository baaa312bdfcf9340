#!/usr/bin/env python3
"""run_dim_test.py - a bundle with a dynamic batch dimension (modelc --dim) against onnxruntime.

Builds a small CNN with a symbolic batch dimension N (Conv + bias Add + Relu + MaxPool +
Flatten + Gemm + Softmax, input x [N, 3, 8, 8], output y [N, 10]), compiles it with
`modelc --dim N=1:8`, builds the bundle with CMake + Ninja (-Wall -Wextra -Werror) together
with a small program that calls the typed API (dyn::Model::run(N, x, y)), and checks:
  - the runner with --dim N=n for n in 1, 3, 5, 7, 8 (chunks 1; 2+1; 4+1; 4+2+1; 8) writes
    y of shape [n, 10] equal to onnxruntime's at the same n (rtol 1e-4, atol 1e-5), on fresh
    random inputs;
  - the runner without --dim runs at N = 8;
  - N = 0 and N = 9 fail with MC_ERR_INVALID_ARGUMENT and a message naming N and [1, 8],
    through the runner (exit code 1) and through the typed API (status and last_error());
  - the typed API at N = 3 gives the same values as onnxruntime.
Exit code 0 iff every check passed.

  test/e2e/run_dim_test.py [--modelc build/bin/modelc] [--work DIR] [--cxx g++]
"""

import argparse
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

RTOL, ATOL = 1e-4, 1e-5

API_TEST = r"""// api_test.cpp - calls the typed API of the --dim bundle.
// api_test WEIGHTS IN.bin N OUT.bin: runs run(N, x, y) on the raw float32 input and writes y.
// A run with N outside [kDimNMin, kDimNMax] prints "status=<code> error=<last_error>".
#include "dyn.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 5) return 2;
  long long n = std::atoll(argv[3]);
  dyn::Model model;
  if (model.load(argv[1]) != MC_OK) return 3;
  std::vector<float> x(dyn::kInput0Elements), y(dyn::kOutput0Elements);
  if (FILE *f = std::fopen(argv[2], "rb")) {
    size_t want = n > 0 && n <= dyn::kDimNMax ? size_t(n) * dyn::kInput0DimStride : 0;
    if (std::fread(x.data(), sizeof(float), want, f) != want) return 4;
    std::fclose(f);
  }
  mc_status st = model.run(n, x.data(), y.data());
  if (st != MC_OK) {
    std::printf("status=%d error=%s\n", int(st), model.last_error());
    return 0;
  }
  int64_t dims[2];
  if (model.output_shape(0, dims) != MC_OK || dims[0] != n || dims[1] != 10) return 5;
  FILE *out = std::fopen(argv[4], "wb");
  if (!out) return 6;
  std::fwrite(y.data(), sizeof(float), size_t(n) * dyn::kOutput0DimStride, out);
  std::fclose(out);
  std::printf("status=0\n");
  return 0;
}
"""

PROJECT = """cmake_minimum_required(VERSION 3.18)
project(dim_test LANGUAGES CXX)
add_subdirectory(bundle)
add_executable(api_test api_test.cpp)
target_link_libraries(api_test PRIVATE dyn)
"""


def build_model():
    rng = np.random.default_rng(7)

    def init(name, shape, scale=1.0):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32),
                                       name)

    inits = [init("conv_w", (8, 3, 3, 3), 0.3), init("conv_b", (8,)),
             init("shift", (1, 8, 1, 1)), init("fc_w", (10, 128), 0.1), init("fc_b", (10,))]
    nodes = [
        helper.make_node("Conv", ["x", "conv_w", "conv_b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c", "shift"], ["a"], name="shift_add"),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["g"], name="fc", transB=1),
        helper.make_node("Softmax", ["g"], ["y"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes, "dyn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def run(cmd, timeout=600, check=True):
    print(f"== {' '.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        sys.exit(f"run_dim_test.py: {cmd[0]} failed ({proc.returncode}):\n{proc.stdout}"
                 f"{proc.stderr}")
    return proc


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modelc", default=os.path.join(root, "build", "bin", "modelc"))
    ap.add_argument("--work", default=os.path.join(root, "build", "e2e", "dim"))
    ap.add_argument("--cxx", help="C++ compiler (default: CMake's choice)")
    args = ap.parse_args(argv)

    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    model_path = os.path.join(work, "dyn.onnx")
    model = build_model()
    onnx.save(model, model_path)
    bundle, build = os.path.join(work, "bundle"), os.path.join(work, "build")
    run([os.path.abspath(args.modelc), model_path, "-o", bundle, "--name", "dyn",
         "--dim", "N=1:8"])
    with open(os.path.join(work, "api_test.cpp"), "w") as f:
        f.write(API_TEST)
    with open(os.path.join(work, "CMakeLists.txt"), "w") as f:
        f.write(PROJECT)
    configure = ["cmake", "-S", work, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                 "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror"]
    if args.cxx:
        configure.append(f"-DCMAKE_CXX_COMPILER={args.cxx}")
    run(configure)
    run(["cmake", "--build", build, "-j2"], timeout=1200)
    runner = os.path.join(build, "bundle", "dyn_runner")
    api_test = os.path.join(build, "api_test")
    weights = os.path.join(bundle, "dyn.weights.bin")

    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(2024)
    failures = []

    def compare(what, got, ref):
        if got.shape != ref.shape:
            failures.append(f"{what}: shape {got.shape}, expected {ref.shape}")
            return
        err = np.abs(got - ref) - (ATOL + RTOL * np.abs(ref))
        if (err > 0).any():
            failures.append(f"{what}: max |diff| {np.abs(got - ref).max():.3g} beyond tolerance")
        else:
            print(f"ok: {what} (max |diff| {np.abs(got - ref).max():.3g})")

    for n in (1, 3, 5, 7, 8):
        x = rng.uniform(-1, 1, (n, 3, 8, 8)).astype(np.float32)
        ref = session.run(None, {"x": x})[0]
        np.save(os.path.join(work, f"x{n}.npy"), x)
        out = os.path.join(work, f"out{n}")
        run([runner, "--dim", f"N={n}", "--input", f"x={os.path.join(work, f'x{n}.npy')}",
             "--output-dir", out])
        compare(f"runner --dim N={n}", np.load(os.path.join(out, "y.npy")), ref)
        if n == 3:
            x.tofile(os.path.join(work, "x3.bin"))
            proc = run([api_test, weights, os.path.join(work, "x3.bin"), "3",
                        os.path.join(work, "y3.bin")])
            if proc.stdout.strip() != "status=0":
                failures.append(f"typed API at N=3: {proc.stdout.strip()}")
            else:
                y = np.fromfile(os.path.join(work, "y3.bin"), dtype=np.float32).reshape(3, 10)
                compare("typed API run(3, x, y)", y, ref)

    # Without --dim the runner runs at the maximum, N = 8.
    x = rng.uniform(-1, 1, (8, 3, 8, 8)).astype(np.float32)
    np.save(os.path.join(work, "x_default.npy"), x)
    out = os.path.join(work, "out_default")
    run([runner, "--input", f"x={os.path.join(work, 'x_default.npy')}", "--output-dir", out])
    compare("runner without --dim (N=8)", np.load(os.path.join(out, "y.npy")),
            session.run(None, {"x": x})[0])

    for n in (0, 9):
        proc = run([runner, "--dim", f"N={n}", "--output-dir", os.path.join(work, f"bad{n}")],
                   check=False)
        expect = f"dimension 'N' is {n}, outside the compiled range [1, 8]"
        if proc.returncode != 1 or expect not in proc.stderr or "invalid argument" not in \
                proc.stderr:
            failures.append(f"runner --dim N={n}: exit {proc.returncode}, stderr {proc.stderr!r}")
        else:
            print(f"ok: runner --dim N={n} fails: {proc.stderr.strip()}")
        proc = run([api_test, weights, "-", str(n), os.path.join(work, "unused.bin")])
        if not proc.stdout.startswith("status=1 ") or expect not in proc.stdout:
            failures.append(f"typed API at N={n}: {proc.stdout.strip()!r}")
        else:
            print(f"ok: typed API run({n}, ...): {proc.stdout.strip()}")

    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("run_dim_test.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
