#!/usr/bin/env python3
"""Builds and checks modelc's example projects and CMake package as a user would.

Each subcommand is one CTest test (test/examples/CMakeLists.txt):

  install      `cmake --install BUILD --prefix P`; checks the installed files and binary
               (and that the installed `modelc verify` finds its helper)
  classify     examples/classify against the package: C++ pre-processing + model output
               vs numpy pre-processing + onnxruntime, on a PPM and on a PGM image
  digits       examples/digits against the package: accuracy above a threshold and the same
               predictions (hence accuracy) as onnxruntime on the held-out images
  cuda-stream  examples/cuda_stream built with nvcc (not run: no GPU needed); checks that the
               bundle's run() is capturable (only kernel launches on the caller's stream)
  multi        test/examples/multi_model: two models in two directories, one runtime_min,
               the generic runner, and rebuilds when the model or modelc changes
  errors       test/examples/errors: each misuse of modelc_add_model stops the configure
               step with its message
  subdir       test/examples/subdir_project: add_subdirectory(modelc) + modelc_add_model,
               configured (not built: that compiles all of modelc) and its Ninja rules read

The package is either a build tree (--modelc-dir <build>/lib/cmake/modelc) or an installed
prefix (--prefix P). Every project is configured from scratch in --work.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def run(cmd, cwd=None, expect_ok=True):
    print("+ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if expect_ok and p.returncode != 0:
        print(p.stdout)
        raise Failure(f"exit code {p.returncode}: {' '.join(cmd)}")
    return p


def package_args(args):
    """-D flags that point a fresh project at the modelc package under test."""
    flags = ["-DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON"]
    if args.prefix:
        flags.append("-DCMAKE_PREFIX_PATH=" + os.path.abspath(args.prefix))
    else:
        flags.append("-Dmodelc_DIR=" + os.path.abspath(args.modelc_dir))
    return flags


def configure_and_build(args, source, build, extra=()):
    if os.path.exists(build):
        shutil.rmtree(build)
    cmd = [args.cmake, "-S", source, "-B", build, "-G", args.generator,
           "-DCMAKE_BUILD_TYPE=Release", "-DPython3_EXECUTABLE=" + sys.executable]
    if args.cxx:
        cmd.append("-DCMAKE_CXX_COMPILER=" + args.cxx)
    if args.launcher:
        cmd.append("-DCMAKE_CXX_COMPILER_LAUNCHER=" + args.launcher)
    run(cmd + package_args(args) + list(extra))
    cache = open(os.path.join(build, "CMakeCache.txt")).read()
    found = re.search(r"^modelc_DIR:[A-Z]+=(.*)$", cache, re.M)
    expected = (os.path.join(os.path.abspath(args.prefix), "lib", "cmake", "modelc")
                if args.prefix else os.path.abspath(args.modelc_dir))
    check(found and os.path.realpath(found.group(1)).startswith(os.path.realpath(
        os.path.dirname(expected))), f"modelc_DIR is {found and found.group(1)}, not {expected}")
    return build_project(args, build)


def build_project(args, build):
    return run([args.cmake, "--build", build]).stdout


def exe(build, name):
    path = os.path.join(build, name)
    check(os.path.isfile(path), f"{path} was not built")
    return path


# --- install ---------------------------------------------------------------------------------

def cmd_install(args):
    prefix = os.path.abspath(args.prefix)
    if os.path.exists(prefix):
        shutil.rmtree(prefix)
    run([args.cmake, "--install", args.build_dir, "--prefix", prefix])
    for rel in ("bin/modelc", "bin/modelc-opt", "lib/cmake/modelc/modelcConfig.cmake",
                "lib/cmake/modelc/modelcConfigVersion.cmake",
                "lib/cmake/modelc/ModelcAddModel.cmake"):
        check(os.path.isfile(os.path.join(prefix, rel)), f"{rel} is not installed")
    version = run([os.path.join(prefix, "bin", "modelc"), "--version"]).stdout
    check(version.startswith("modelc "), f"installed modelc --version printed {version!r}")
    # runtime_min: exactly the sources modelc embeds in bundles.
    src = os.path.join(ROOT, "runtime_min")
    dst = os.path.join(prefix, "share", "modelc", "runtime_min")
    want = sorted(f for f in os.listdir(src) if f.endswith((".h", ".cpp")) or f == "CMakeLists.txt")
    got = sorted(os.listdir(dst))
    check(got == want, f"installed runtime_min has {got}, expected {want}")
    for f in want:
        check(open(os.path.join(src, f), "rb").read() == open(os.path.join(dst, f), "rb").read(),
              f"installed runtime_min/{f} differs from the source")
    # The installed compiler works on its own: compile a model with it.
    out = os.path.join(args.work, "bundle")
    if os.path.exists(out):
        shutil.rmtree(out)
    run([os.path.join(prefix, "bin", "modelc"), os.path.join(EXAMPLES, "models", "tiny_cnn.onnx"),
         "-o", out, "--name", "tiny_cnn"])
    check(os.path.isfile(os.path.join(out, "tiny_cnn.h")), "installed modelc wrote no bundle")
    # `modelc verify`'s helper is installed where the installed binary looks for it: the
    # helper itself answers (no test data next to tiny_cnn), not "cannot find".
    helper = os.path.join(prefix, "share", "modelc", "modelc_verify.py")
    check(os.access(helper, os.X_OK), "share/modelc/modelc_verify.py is not installed")
    p = run([os.path.join(prefix, "bin", "modelc"), "verify",
             os.path.join(EXAMPLES, "models", "tiny_cnn.onnx"), "--reference", "test-data"],
            expect_ok=False)
    check(p.returncode == 1 and "there is no test_data_set_*/ next to" in p.stdout,
          f"installed modelc verify did not run its helper:\n{p.stdout}")
    print(f"installed into {prefix}: {', '.join(sorted(os.listdir(prefix)))}")


# --- classify --------------------------------------------------------------------------------

def read_pnm(path):
    data = open(path, "rb").read()
    tokens, pos = [], 0
    while len(tokens) < 4:
        while data[pos:pos + 1].isspace() or data[pos:pos + 1] == b"#":
            if data[pos:pos + 1] == b"#":
                pos = data.index(b"\n", pos)
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        tokens.append(data[pos:end])
        pos = end
    pos += 1
    w, h, maxval = int(tokens[1]), int(tokens[2]), int(tokens[3])
    c = 3 if tokens[0] == b"P6" else 1
    return np.frombuffer(data[pos:pos + w * h * c], np.uint8).reshape(h, w, c), maxval


def reference_preprocess(path, height, width):
    """The pre-processing of examples/classify/image.cpp, written independently in numpy."""
    img, maxval = read_pnm(path)
    if maxval != 255:  # rounded half away from zero, as std::lround
        img = np.floor(img.astype(np.float64) * 255.0 / maxval + 0.5)
    img = img.astype(np.float64)
    in_h, in_w, _ = img.shape
    sy = np.clip((np.arange(height) + 0.5) * in_h / height - 0.5, 0, in_h - 1)
    sx = np.clip((np.arange(width) + 0.5) * in_w / width - 0.5, 0, in_w - 1)
    y0, x0 = np.floor(sy).astype(int), np.floor(sx).astype(int)
    y1, x1 = np.minimum(y0 + 1, in_h - 1), np.minimum(x0 + 1, in_w - 1)
    wy, wx = (sy - y0)[:, None, None], (sx - x0)[None, :, None]
    top = img[y0][:, x0] * (1 - wx) + img[y0][:, x1] * wx
    bottom = img[y1][:, x0] * (1 - wx) + img[y1][:, x1] * wx
    resized = top * (1 - wy) + bottom * wy
    if resized.shape[2] == 1:
        resized = np.repeat(resized, 3, axis=2)
    mean = np.array([0.485, 0.456, 0.406])
    std = np.array([0.229, 0.224, 0.225])
    chw = ((resized / 255.0 - mean) / std).transpose(2, 0, 1)
    return chw[None].astype(np.float32)


def cmd_classify(args):
    import onnxruntime as ort
    build = os.path.join(args.work, "build")
    configure_and_build(args, os.path.join(EXAMPLES, "classify"), build)
    classify = exe(build, "classify")
    model = os.path.join(EXAMPLES, "models", "tiny_cnn.onnx")
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])

    ppm = os.path.join(EXAMPLES, "classify", "sample.ppm")
    img, _ = read_pnm(ppm)
    pgm = os.path.join(args.work, "sample_gray.pgm")
    gray = np.rint(img.astype(np.float64) @ [0.299, 0.587, 0.114]).astype(np.uint8)
    with open(pgm, "wb") as f:  # maxval 100: exercises the rescale to 0..255
        f.write(b"P5\n%d %d\n100\n" % (gray.shape[1], gray.shape[0]))
        f.write(np.rint(gray * (100 / 255)).astype(np.uint8).tobytes())

    for image in (ppm, pgm):
        probs_file = os.path.join(args.work, os.path.basename(image) + ".probs.txt")
        out = run([classify, image, "--probs", probs_file, "--top", "3"]).stdout
        print(out, end="")
        got = np.loadtxt(probs_file, dtype=np.float64)
        want = session.run(None, {"image": reference_preprocess(image, 32, 32)})[0][0]
        err = np.abs(got - want)
        print(f"{os.path.basename(image)}: max abs diff vs numpy + onnxruntime {err.max():.3g}")
        check(got.shape == want.shape, f"{got.shape} probabilities, expected {want.shape}")
        check(np.all(err <= 1e-5 + 1e-4 * np.abs(want)),
              f"{image}: probabilities differ from the reference: {got} vs {want}")
        check(int(got.argmax()) == int(want.argmax()), "top class differs from the reference")
        check(f"class {int(want.argmax())}:" in out.splitlines()[1], "top class not printed first")

    # Bad input: a truncated image is reported, not classified.
    bad = os.path.join(args.work, "truncated.ppm")
    with open(bad, "wb") as f:
        f.write(open(ppm, "rb").read()[:200])
    p = run([classify, bad], expect_ok=False)
    check(p.returncode == 1 and "truncated" in p.stdout, f"truncated image: {p.stdout!r}")


# --- digits ----------------------------------------------------------------------------------

DIGITS_MIN_ACCURACY = 0.95


def cmd_digits(args):
    build = os.path.join(args.work, "build")
    configure_and_build(args, os.path.join(EXAMPLES, "digits"), build)
    predictions_file = os.path.join(args.work, "predictions.txt")
    out = run([exe(build, "digits"), "--predictions", predictions_file]).stdout
    print(out, end="")
    reference = json.load(open(os.path.join(build, "data", "digits_reference.json")))
    m = re.search(r"accuracy ([0-9.]+) \((\d+)/(\d+) test images\)", out)
    check(m, "digits printed no accuracy line")
    correct, count = int(m.group(2)), int(m.group(3))
    predictions = [int(line) for line in open(predictions_file).read().split()]
    ort_predictions = reference["ort_predictions"]
    check(count == reference["count"] == len(predictions),
          f"{count} images classified, {reference['count']} in the test set")
    mismatches = [i for i, (a, b) in enumerate(zip(predictions, ort_predictions)) if a != b]
    print(f"modelc: {correct}/{count}, onnxruntime: {reference['ort_correct']}/{count}, "
          f"{len(mismatches)} different predictions (closest top-2 gap "
          f"{reference['min_top2_gap']:.3g})")
    check(not mismatches, f"predictions differ from onnxruntime's on images {mismatches[:10]}")
    check(correct == reference["ort_correct"], "accuracy differs from onnxruntime's")
    check(correct / count >= DIGITS_MIN_ACCURACY,
          f"accuracy {correct / count:.4f} is below {DIGITS_MIN_ACCURACY}")


# --- cuda_stream -----------------------------------------------------------------------------

def check_capturable(cu_path):
    """The device-pointer run() of a CUDA bundle must only launch kernels on `stream`: no
    allocation, copy, memset or synchronization, which would break stream capture."""
    src = open(cu_path).read()
    m = re.search(r"^mc_status Model::run\(const void \*const \*inputs, void \*const \*outputs, "
                  r"cudaStream_t stream\) \{\n(.*?)^\}", src, re.M | re.S)
    check(m, f"{cu_path}: no Model::run(inputs, outputs, stream)")
    body = m.group(1)
    launches = re.findall(r"<<<([^>]*)>>>", body)
    check(launches, "run() launches no kernel")
    for cfg in launches:
        parts = [p.strip() for p in cfg.split(",")]
        check(len(parts) == 4 and parts[3] == "stream",
              f"kernel launch <<<{cfg}>>> is not on the caller's stream")
    calls = set(re.findall(r"\b(cuda[A-Za-z]+)\s*\(", body))
    allowed = {"cudaGetLastError", "cudaGetErrorString"}
    check(calls <= allowed, f"run() calls {sorted(calls - allowed)}, which stream capture forbids "
                            "or which synchronize")
    print(f"{os.path.basename(cu_path)}: run() is {len(launches)} launches on `stream`, "
          f"CUDA calls {sorted(calls)}")


def cmd_cuda_stream(args):
    build = os.path.join(args.work, "build")
    configure_and_build(args, os.path.join(EXAMPLES, "cuda_stream"), build,
                        ["-DCMAKE_CUDA_COMPILER=" + args.nvcc])
    exe(build, "cuda_stream")
    check_capturable(os.path.join(build, "tiny_cnn_cuda_bundle", "tiny_cnn.cu"))
    print("built cuda_stream (not run: it needs a GPU)")


# --- multi -----------------------------------------------------------------------------------

def touch_newer(path, than):
    """Makes `path` newer than every file in `than` (mtime granularity safe)."""
    newest = max(os.stat(t).st_mtime for t in than)
    t = max(time.time(), newest + 1)
    os.utime(path, (t, t))


def cmd_multi(args):
    work = os.path.abspath(args.work)
    model = os.path.join(work, "tiny_cnn.onnx")
    os.makedirs(work, exist_ok=True)
    shutil.copyfile(os.path.join(EXAMPLES, "models", "tiny_cnn.onnx"), model)
    build = os.path.join(work, "build")
    configure_and_build(args, os.path.join(ROOT, "test", "examples", "multi_model"), build,
                        ["-DMODEL_ONNX=" + model])
    print(run([exe(build, "multi_model")]).stdout, end="")

    runtimes = [os.path.join(d, f) for d, _, fs in os.walk(build) for f in fs
                if f == "libmodelc_runtime_min.a"]
    check(len(runtimes) == 1, f"expected one modelc_runtime_min library, found {runtimes}")
    runner = exe(build, os.path.join("fast", "cnn_fast_runner"))
    outdir = os.path.join(work, "runner_out")
    run([runner, "--output-dir", outdir])
    probs = np.load(os.path.join(outdir, "probs.npy"))
    check(probs.shape == (1, 10) and abs(float(probs.sum()) - 1) < 1e-4,
          f"runner wrote probabilities {probs}")

    bundles = [os.path.join(build, "fast", "cnn_fast_bundle", "cnn_fast.h"),
               os.path.join(build, "reference", "bundle_O0", "cnn_ref.h")]
    for f in bundles:
        check(os.path.isfile(f), f"no {f}")
    out = build_project(args, build)
    check("modelc: compiling" not in out, "an up-to-date build ran modelc again:\n" + out)
    touch_newer(model, bundles)
    out = build_project(args, build)
    check("into cnn_fast" in out and "into cnn_ref" in out,
          "touching the .onnx did not recompile both models:\n" + out)
    if args.prefix:  # the modelc executable the package points at
        modelc = os.path.join(os.path.abspath(args.prefix), "bin", "modelc")
        touch_newer(modelc, bundles)
        out = build_project(args, build)
        check("into cnn_fast" in out and "into cnn_ref" in out,
              "a newer modelc did not recompile the models:\n" + out)
    print("rebuilds: none when up to date; both models after the .onnx"
          + (" and after modelc" if args.prefix else "") + " changed")


# --- errors ----------------------------------------------------------------------------------

ERROR_CASES = {
    "no_model": "MODEL <file.onnx> is required",
    "missing_model": "no_such_model.onnx' does not exist",
    "bad_target": "TARGET must be cpu or cuda, not 'tpu'",
    "bad_name": "NAME 'my-model' is not a C identifier",
    "reserved_option": "'--name' is set by modelc_add_model itself",
    "cuda_without_language": "TARGET cuda needs the CUDA language",
    "unknown_argument": "unknown arguments 'OPTONS;-O0'",
}


def cmd_errors(args):
    source = os.path.join(ROOT, "test", "examples", "errors")
    model = os.path.join(EXAMPLES, "models", "tiny_cnn.onnx")
    build = os.path.join(os.path.abspath(args.work), "build")
    for case, message in list(ERROR_CASES.items()) + [("ok", None)]:
        if os.path.exists(build):
            shutil.rmtree(build)
        cmd = [args.cmake, "-S", source, "-B", build, "-G", args.generator,
               "-DCASE=" + case, "-DMODEL_ONNX=" + model] + package_args(args)
        p = run(cmd, expect_ok=message is None)
        if message is None:
            continue
        flat = " ".join(p.stdout.split())  # CMake wraps long messages
        check(p.returncode != 0 and message in flat,
              f"case {case}: expected a configure error with {message!r}, got:\n{p.stdout}")
        print(f"{case}: {message}")


# --- subdir ----------------------------------------------------------------------------------

SKIP = 77  # CTest's SKIP_RETURN_CODE for this driver


def cmd_subdir(args):
    """add_subdirectory(modelc): configure only, then read the generated Ninja rules."""
    if args.generator != "Ninja":
        print(f"SKIPPED: reads build.ninja; generator is {args.generator}")
        return SKIP
    build = os.path.join(os.path.abspath(args.work), "build")
    if os.path.exists(build):
        shutil.rmtree(build)
    model = os.path.join(EXAMPLES, "models", "tiny_cnn.onnx")
    cmd = [args.cmake, "-S", os.path.join(ROOT, "test", "examples", "subdir_project"), "-B",
           build, "-G", args.generator, "-DCMAKE_BUILD_TYPE=Release",
           "-DMODELC_SOURCE_DIR=" + ROOT, "-DMODEL_ONNX=" + model]
    run(cmd)
    cache = open(os.path.join(build, "CMakeCache.txt")).read()
    check("MODELC_ENABLE_TESTS:BOOL=OFF" in cache, "a subproject modelc registered its tests")
    ninja = shutil.which("ninja") or "ninja"
    query = run([ninja, "-C", build, "-t", "query", "tiny_cnn_bundle/tiny_cnn.h"]).stdout
    inputs = query.split("outputs:")[0]
    check(model in inputs, "the bundle does not depend on the model:\n" + query)
    check(re.search(r"^\s+modelc/bin/modelc$", inputs, re.M),
          "the bundle does not depend on the subproject's modelc executable:\n" + query)
    targets = run([ninja, "-C", build, "-t", "targets", "all"]).stdout
    for t in ("libtiny_cnn.a", "tiny_cnn_runner", "app", "modelc/bin/modelc"):
        check(re.search(r"^" + re.escape(t) + r":", targets, re.M), f"no build target {t}")
    runtimes = re.findall(r"^(\S*libmodelc_runtime_min\.a): (?!phony)", targets, re.M)
    check(runtimes == ["modelc/lib/libmodelc_runtime_min.a"],
          f"expected modelc's own runtime_min, found {runtimes}")
    print("configured: tiny_cnn is generated by the subproject's modelc and links its runtime_min")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["install", "classify", "digits", "cuda-stream",
                                            "multi", "subdir", "errors"])
    parser.add_argument("--work", required=True, help="scratch directory (recreated)")
    parser.add_argument("--build-dir", help="modelc's build directory (install)")
    parser.add_argument("--prefix", help="installed modelc prefix")
    parser.add_argument("--modelc-dir", help="<modelc build>/lib/cmake/modelc")
    parser.add_argument("--cmake", default="cmake")
    parser.add_argument("--generator", default="Ninja")
    parser.add_argument("--cxx", help="C++ compiler for the projects")
    parser.add_argument("--launcher", help="compiler launcher (e.g. ccache)")
    parser.add_argument("--nvcc", default="nvcc")
    args = parser.parse_args()
    if args.command not in ("install", "subdir") and not (args.prefix or args.modelc_dir):
        parser.error("--prefix or --modelc-dir is required")
    os.makedirs(args.work, exist_ok=True)
    try:
        status = {"install": cmd_install, "classify": cmd_classify, "digits": cmd_digits,
                  "cuda-stream": cmd_cuda_stream, "multi": cmd_multi,
                  "subdir": cmd_subdir, "errors": cmd_errors}[args.command](args)
    except Failure as e:
        print(f"FAILED: {e}")
        return 1
    if status:
        return status
    print(f"{args.command}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
