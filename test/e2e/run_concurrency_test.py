#!/usr/bin/env python3
"""run_concurrency_test.py - several Model objects of one bundle on several threads.

Builds a CNN of the model set (test/models/build_models.py; default squeezenet1_1 at 64x64),
compiles it with `modelc MODEL.onnx -o WORK/bundle --name net`, builds the downstream project
test/e2e/concurrency/ against the bundle with CMake + Ninja (Release), as a user would, and
runs its concurrency_test: 4 Model objects on 4 std::threads, 20 inferences each, with
set_threads(1), set_threads(2) and through the C API, every output bit-identical to a
single-threaded reference run (see concurrency_test.cpp). Exit code 0 iff it passed.

  test/e2e/run_concurrency_test.py [--modelc build/bin/modelc] [--model squeezenet1_1]
      [--cxx clang++] [--cxxflags "-fsanitize=thread"]
"""

import argparse
import os
import shutil
import subprocess
import sys

E2E = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(E2E))
sys.path.insert(0, os.path.join(ROOT, "test", "models"))


def step(what, cmd, timeout):
    print(f"== {what}: {' '.join(cmd)}", flush=True)
    try:
        proc = subprocess.run(cmd, timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"run_concurrency_test.py: {what} timed out after {timeout} s")
    if proc.returncode != 0:
        sys.exit(f"run_concurrency_test.py: {what} failed with exit code {proc.returncode}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modelc", default=os.path.join(ROOT, "build", "bin", "modelc"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "e2e", "concurrency"))
    ap.add_argument("--model", default="squeezenet1_1")
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--cxx", help="C++ compiler (default: CMake's choice)")
    ap.add_argument("--cxxflags", default="", help="CMAKE_CXX_FLAGS of the project build")
    args = ap.parse_args(argv)

    import build_models
    import onnx

    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    model_path, bundle, build = (os.path.join(work, "model.onnx"), os.path.join(work, "bundle"),
                                 os.path.join(work, "build"))
    onnx.save(build_models.build(args.model, args.image_size), model_path)
    step("modelc", [os.path.abspath(args.modelc), model_path, "-o", bundle, "--name", "net"], 600)
    configure = ["cmake", "-S", os.path.join(E2E, "concurrency"), "-B", build, "-G", "Ninja",
                 "-DCMAKE_BUILD_TYPE=Release", f"-DMODELC_BUNDLE_DIR={bundle}"]
    if args.cxx:
        configure.append(f"-DCMAKE_CXX_COMPILER={args.cxx}")
    if args.cxxflags:
        configure.append(f"-DCMAKE_CXX_FLAGS={args.cxxflags}")
    step("configure", configure, 300)
    step("build", ["cmake", "--build", build], 1200)
    step("run", [os.path.join(build, "concurrency_test")], 600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
