#!/usr/bin/env python3
"""run_onnx_tests.py - the ONNX conformance harness for modelc.

Compiles every ONNX backend test case of a suite with modelc, builds the emitted bundle with the
system compiler, runs it on the stored test data and compares each output with the reference the
way onnx.backend.test's own runner does: same shape, same dtype, then values with
assert_allclose(rtol=1e-3, atol=1e-7) semantics (NaN equals NaN, infinities must match; float16,
bfloat16 and float8 are compared in float32, bfloat16 with onnx's two-ulp rtol; integers and
bools exactly).

Suites
  node               generated from onnx.backend.test.case.node.collect_testcases() into a cache
                     dir (the pip package ships no data/node), the same layout cmd_tools.py
                     writes; regenerated when the installed onnx version changes.
  pytorch-converted, pytorch-operator, simple
                     read from the installed package's onnx/backend/test/data/<suite>/.

Per case: modelc MODEL -o BUNDLE --name NAME --target T [-O0]; for cpu, g++ links the bundle's
NAME.cpp and NAME_runner.cpp against runtime_min (built once per harness run) and the runner is
run on each test_data_set_*; for cuda, nvcc compile-checks NAME.cu (there is no GPU to run it).
--cmake N also builds N passing bundles with their own CMakeLists.txt, as a downstream user does.
--cxxflags adds flags to every compile of a CPU bundle and of runtime_min (e.g. sanitizers, or
`-Wall -Wextra -Werror`); --compile-only compiles the bundle's sources (-O2, so that g++'s
flow-based warnings fire) without linking or running them: with --cxxflags "-Wall -Wextra
-Werror" it checks that generated code is warning-free.

Statuses
  PASS   every output of every data set matches.   XPASS  listed in the xfail file, but passes.
  FAIL   something went wrong (one-line reason).   XFAIL  listed in the xfail file, and fails.
  SKIP   not run, with the reason: unsupported op, map/optional or string I/O,
         training op, ai.onnx.ml or ai.onnx.preview.training domain, no test data.

The xfail file (default test/e2e/xfail_<suite>_<target>.txt) holds lines `case_name  # reason`;
a line without a reason is an error. The last line printed is `N passed, M failed, K skipped`
(XPASS counts as passed; XFAIL as skipped, also counted on the `xfail: X` line before it). Exit
code: 0 when no case failed unexpectedly, 1 when one did, 2 for a usage or setup error.

Examples
  test/e2e/run_onnx_tests.py --ops-file test/e2e/supported_ops.txt -v
  test/e2e/run_onnx_tests.py --filter '^test_conv' --keep --report conv.json
  test/e2e/run_onnx_tests.py --suite pytorch-operator --target cuda --list
  test/e2e/run_onnx_tests.py --ops-file test/e2e/supported_ops.txt --sample 4 --compile-only \
      --cxx clang++ --cxxflags "-Wall -Wextra -Werror"
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import contextlib
import dataclasses
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PROG = "run_onnx_tests.py"
E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
SUITES = ("node", "pytorch-converted", "pytorch-operator", "simple")

# Bump when the layout of the generated node cases changes, to force a regeneration.
CACHE_FORMAT = 3
STAMP_NAME = "STAMP"

MODELC_TIMEOUT_S = 120
BUILD_TIMEOUT_S = 300
RUN_TIMEOUT_S = 60
CMAKE_TIMEOUT_S = 600
MAX_REASON_CHARS = 300

PASS, FAIL, XFAIL, XPASS, SKIP = "PASS", "FAIL", "XFAIL", "XPASS", "SKIP"
STATUS_ORDER = (PASS, XPASS, FAIL, XFAIL, SKIP)

TRAINING_OPS = frozenset({"Adagrad", "Adam", "Momentum", "Gradient"})
EXCLUDED_DOMAINS = frozenset({"ai.onnx.ml", "ai.onnx.preview.training"})
DEFAULT_DOMAINS = frozenset({"", "ai.onnx"})
# Skip reasons start with one of these; the summary counts skips per category.
SKIP_CATEGORIES = ("unsupported op", "training op", "excluded domain", "non-tensor",
                   "string tensor", "no test data", "unreadable model")

# ONNX element types compared with a tolerance; every other type is compared exactly.
FLOAT_TYPES = frozenset(value for key, value in TensorProto.DataType.items()
                        if key.startswith(("FLOAT", "DOUBLE", "BFLOAT", "COMPLEX")))


class HarnessError(Exception):
    """A usage or setup error: the run cannot start (exit code 2)."""


class CaseFailure(Exception):
    """A case failed; the message is its one-line reason."""


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    dir: Path
    num_nodes: int  # top-level graph nodes; --cmake builds the largest passing cases


@dataclasses.dataclass
class Result:
    name: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    phases: dict = dataclasses.field(default_factory=dict)  # phase name -> seconds


@dataclasses.dataclass(frozen=True)
class Config:
    """What a worker process needs to run a case (picklable)."""
    modelc: str
    target: str
    opt_level: int
    cxx: str
    cxxflags: tuple[str, ...]  # extra flags of every CPU compile (bundle and runtime_min)
    compile_only: bool  # cpu: compile the bundle's sources, do not link or run
    nvcc: str | None
    runtime_lib: str | None  # static runtime_min library linked into CPU runners
    runtime_src: str  # the repo's runtime_min/, which every bundle must carry a copy of
    work: str
    rtol: float
    atol: float
    # case name -> graph inputs compiled in as constants (modelc --freeze-input), from
    # freeze_<suite>.txt: inputs that decide shapes, which modelc needs at compile time.
    freeze: dict[str, list[str]] = dataclasses.field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Suites: generating the node cases, finding the cases of a suite
# --------------------------------------------------------------------------------------------

@contextlib.contextmanager
def file_lock(path: Path):
    """Serializes harness runs that share a case cache (e.g. CTest running cpu and cuda)."""
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def value_type(info: onnx.ValueInfoProto) -> onnx.TypeProto:
    """The type a graph input/output holds: an optional's element type, else its own."""
    return info.type.optional_type.elem_type if info.type.HasField("optional_type") else info.type


def is_tensor_sequence(info: onnx.ValueInfoProto) -> bool:
    """A sequence(tensor) (or optional of one): the bundle has one input/output per element."""
    t = value_type(info)
    return t.HasField("sequence_type") and t.sequence_type.elem_type.HasField("tensor_type")


def is_optional(info: onnx.ValueInfoProto) -> bool:
    return info.type.HasField("optional_type")


def has_supported_io(graph: onnx.GraphProto) -> bool:
    """Tensors, sequences of tensors, and optionals of either (modelc resolves an optional's
    presence at compile time)."""
    return all(value_type(v).HasField("tensor_type") or is_tensor_sequence(v)
               for v in [*graph.input, *graph.output])


def make_value_proto(value, info: onnx.ValueInfoProto):
    """The .pb message of a data set's value: TensorProto, SequenceProto or OptionalProto."""
    def sequence_proto(elements):
        sequence = onnx.SequenceProto(name=info.name, elem_type=onnx.SequenceProto.TENSOR)
        sequence.tensor_values.extend(numpy_helper.from_array(np.asarray(e)) for e in elements)
        return sequence

    if is_optional(info):
        optional = onnx.OptionalProto(name=info.name)
        if value is None:
            optional.elem_type = onnx.OptionalProto.UNDEFINED
        elif is_tensor_sequence(info):
            optional.elem_type = onnx.OptionalProto.SEQUENCE
            optional.sequence_value.CopyFrom(sequence_proto(value))
        else:
            optional.elem_type = onnx.OptionalProto.TENSOR
            optional.tensor_value.CopyFrom(numpy_helper.from_array(np.asarray(value)))
        return optional
    if is_tensor_sequence(info):
        return sequence_proto(value)
    if isinstance(value, TensorProto):
        return value
    return numpy_helper.from_array(np.asarray(value), info.name)


def write_tensors(data_set: Path, prefix: str, values, infos) -> None:
    """input_j.pb / output_j.pb, as make_value_proto writes them."""
    for j, (value, info) in enumerate(zip(values, infos)):
        (data_set / f"{prefix}_{j}.pb").write_bytes(
            make_value_proto(value, info).SerializeToString())


def read_value(pb: Path, info: onnx.ValueInfoProto) -> tuple[str, object]:
    """A data set's value as ("tensor", TensorProto), ("sequence", [TensorProto]) or
    ("none", None) for an empty optional."""
    data = pb.read_bytes()
    if is_optional(info):
        optional = onnx.OptionalProto()
        optional.ParseFromString(data)
        if optional.HasField("tensor_value"):
            return "tensor", optional.tensor_value
        if optional.HasField("sequence_value"):
            return "sequence", list(optional.sequence_value.tensor_values)
        return "none", None
    if is_tensor_sequence(info):
        sequence = onnx.SequenceProto()
        sequence.ParseFromString(data)
        return "sequence", list(sequence.tensor_values)
    tensor = onnx.TensorProto()
    tensor.ParseFromString(data)
    return "tensor", tensor


def write_node_cases(out: Path) -> int:
    """Writes model.onnx + test_data_set_i/{input,output}_j.pb per case, like cmd_tools.py.

    Cases with map inputs/outputs get their model only: the selection skips them on the
    model's types before it looks for data.
    """
    import onnx.backend.test.case.node as node_cases

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # the reference implementations overflow on purpose
        cases = node_cases.collect_testcases()
    for case in cases:
        case_dir = out / case.name
        case_dir.mkdir(parents=True)
        (case_dir / "model.onnx").write_bytes(case.model.SerializeToString())
        if not has_supported_io(case.model.graph):
            continue
        for i, (inputs, outputs) in enumerate(case.data_sets):
            data_set = case_dir / f"test_data_set_{i}"
            data_set.mkdir()
            write_tensors(data_set, "input", inputs, case.model.graph.input)
            write_tensors(data_set, "output", outputs, case.model.graph.output)
    return len(cases)


def ensure_node_cases(cache_dir: Path) -> None:
    """Generates the node cases into cache_dir unless its stamp names the installed onnx."""
    stamp_text = f"onnx {onnx.__version__} format {CACHE_FORMAT}\n"
    stamp = cache_dir / STAMP_NAME

    def up_to_date() -> bool:
        return stamp.is_file() and stamp.read_text() == stamp_text

    if up_to_date():
        return
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(cache_dir.parent / f".{cache_dir.name}.lock"):
        if up_to_date():  # another harness run generated them while we waited
            return
        print(f"generating node cases for onnx {onnx.__version__} into {cache_dir}",
              file=sys.stderr, flush=True)
        tmp = cache_dir.with_name(cache_dir.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        count = write_node_cases(tmp)
        (tmp / STAMP_NAME).write_text(stamp_text)
        shutil.rmtree(cache_dir, ignore_errors=True)
        tmp.rename(cache_dir)
        print(f"generated {count} node cases", file=sys.stderr, flush=True)


def suite_root(suite: str, cache_dir: Path) -> Path:
    if suite == "node":
        ensure_node_cases(cache_dir)
        return cache_dir
    root = Path(onnx.__file__).resolve().parent / "backend" / "test" / "data" / suite
    if not root.is_dir():
        raise HarnessError(f"the installed onnx {onnx.__version__} has no {root}")
    return root


def numbered(directory: Path, prefix: str, suffix: str = "") -> list[Path]:
    """directory/prefix<i>suffix files, in numeric order of i."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)" + re.escape(suffix) + "$")
    found = [(int(m.group(1)), p) for p in directory.iterdir() if (m := pattern.match(p.name))]
    return [p for _, p in sorted(found)]


# --------------------------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------------------------

def op_name(domain: str, op_type: str) -> str:
    """The name --ops-file lists: `Conv` for the default domain, `com.example.Foo` otherwise."""
    return op_type if domain in DEFAULT_DOMAINS else f"{domain}.{op_type}"


def model_ops(model: onnx.ModelProto) -> set[tuple[str, str]]:
    """(domain, op_type) of every node, including subgraphs and model-local function bodies
    (a call to a local function needs the ops of its body, not an op of that name)."""
    functions = {(f.domain, f.name): f for f in model.functions}
    ops: set[tuple[str, str]] = set()
    expanded: set[tuple[str, str]] = set()

    def visit(nodes) -> None:
        for node in nodes:
            key = (node.domain, node.op_type)
            if key in functions:
                if key not in expanded:
                    expanded.add(key)
                    visit(functions[key].node)
                continue
            ops.add(key)
            for attr in node.attribute:
                if attr.HasField("g"):
                    visit(attr.g.node)
                for graph in attr.graphs:
                    visit(graph.node)

    visit(model.graph.node)
    return ops


def skip_reason(model: onnx.ModelProto, case_dir: Path, supported: set[str] | None) -> str | None:
    """Why the case is not run, or None. Every reason starts with one of SKIP_CATEGORIES."""
    for label, infos in (("input", model.graph.input), ("output", model.graph.output)):
        for info in infos:
            kind = value_type(info).WhichOneof("value") or "unknown_type"
            if is_tensor_sequence(info):
                tensor_type = value_type(info).sequence_type.elem_type.tensor_type
            elif kind == "tensor_type":
                tensor_type = value_type(info).tensor_type
            else:
                return f"non-tensor {label} '{info.name}' ({kind.removesuffix('_type')})"
            if tensor_type.elem_type == TensorProto.STRING:
                return f"string tensor {label} '{info.name}'"
    ops = sorted(model_ops(model))
    for domain, op_type in ops:
        if op_type in TRAINING_OPS and domain in DEFAULT_DOMAINS | EXCLUDED_DOMAINS:
            return f"training op {op_type}"
    for domain, op_type in ops:
        if domain in EXCLUDED_DOMAINS:
            return f"excluded domain {domain} (op {op_type})"
    if supported is not None:
        missing = sorted({op_name(d, t) for d, t in ops} - supported)
        if missing:
            return "unsupported op " + ", ".join(missing)
    if not numbered(case_dir, "test_data_set_"):
        return "no test data"
    return None


def read_list_file(path: Path) -> list[tuple[int, str, str]]:
    """(line number, text before '#', text after '#') of each non-blank, non-comment line."""
    try:
        lines = path.read_text().splitlines()
    except OSError as e:
        raise HarnessError(f"cannot read {path}: {e.strerror}") from None
    entries = []
    for lineno, line in enumerate(lines, 1):
        text, _, comment = line.partition("#")
        if text.strip():
            entries.append((lineno, text.strip(), comment.strip()))
    return entries


def load_ops_file(path: Path) -> set[str]:
    ops = set()
    for lineno, text, _ in read_list_file(path):
        if len(text.split()) != 1:
            raise HarnessError(f"{path}:{lineno}: expected one op type per line, got '{text}'")
        ops.add(text)
    return ops


def load_xfail_file(path: Path) -> dict[str, str]:
    """case name -> reason. A line without a reason, or a duplicate, is an error."""
    entries: dict[str, str] = {}
    for lineno, name, reason in read_list_file(path):
        if len(name.split()) != 1:
            raise HarnessError(f"{path}:{lineno}: expected `case_name  # reason`, got '{name}'")
        if not reason:
            raise HarnessError(f"{path}:{lineno}: xfail entry '{name}' has no reason "
                               "(write `case_name  # reason`)")
        if name in entries:
            raise HarnessError(f"{path}:{lineno}: '{name}' is listed twice")
        entries[name] = reason
    return entries


def select_cases(root: Path, name_filter: re.Pattern | None,
                 supported: set[str] | None) -> tuple[list[Case], list[Result], list[str]]:
    """(cases to run, skipped results, names of all cases of the suite)."""
    all_names, cases, skipped = [], [], []
    for case_dir in sorted(p for p in root.iterdir() if (p / "model.onnx").is_file()):
        all_names.append(case_dir.name)
        if name_filter and not name_filter.search(case_dir.name):
            continue
        try:
            model = onnx.load(str(case_dir / "model.onnx"), load_external_data=False)
        except Exception as e:  # a protobuf DecodeError, an OSError, ...
            skipped.append(Result(case_dir.name, SKIP, f"unreadable model: {e}"))
            continue
        reason = skip_reason(model, case_dir, supported)
        if reason:
            skipped.append(Result(case_dir.name, SKIP, reason))
        else:
            cases.append(Case(case_dir.name, case_dir, len(model.graph.node)))
    return cases, skipped, all_names


# --------------------------------------------------------------------------------------------
# Running one case (in a worker process)
# --------------------------------------------------------------------------------------------

def run_command(cmd: list, *, timeout: float, log: Path, what: str) -> tuple[int, str]:
    """Runs cmd in its own process group (a timeout kills compilers' children too), writes the
    command and its output to log, and returns (exit code, stderr). Raises CaseFailure on a
    timeout."""
    cmd = [str(c) for c in cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as e:
        with contextlib.suppress(ProcessLookupError):  # the whole group may be gone already
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        if not isinstance(e, subprocess.TimeoutExpired):
            raise
        timed_out = True
    else:
        timed_out = False
    err_text = err.decode(errors="replace")
    log.write_text(f"$ {shlex.join(cmd)}\n{out.decode(errors='replace')}{err_text}")
    if timed_out:
        raise CaseFailure(f"{what}: timed out after {timeout:g} s (see {log})")
    return proc.returncode, err_text


def first_line(text: str, *strip_dirs: Path, prefer: str = "error") -> str:
    """The first line mentioning `prefer` (else the first line), shortened for a reason:
    paths under strip_dirs are made relative to them."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    index = next((i for i, x in enumerate(lines) if prefer in x.lower()), 0)
    line = lines[index] if lines else ""
    if line.endswith(":") and index + 1 < len(lines):  # CMake puts the message on the next line
        line = f"{line} {lines[index + 1]}"
    for directory in strip_dirs:
        line = line.replace(f"{directory}/", "")
    return line if len(line) <= MAX_REASON_CHARS else line[:MAX_REASON_CHARS - 3] + "..."


def describe_exit(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def bundle_name(case_name: str) -> str:
    """A C identifier for the bundle (generated symbols are prefixed with it)."""
    name = re.sub(r"\W", "_", case_name, flags=re.ASCII)
    return name if not name[:1].isdigit() else f"m_{name}"


def sanitize_output_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def check_bundle(bundle: Path, name: str, cfg: Config) -> None:
    ext = "cpp" if cfg.target == "cpu" else "cu"
    # The runner is host C++ in both targets (the CUDA bundle's library does the launches).
    expected = [f"{name}.h", f"{name}.{ext}", f"{name}_runner.cpp", f"{name}.weights.bin",
                "CMakeLists.txt"]
    for rel in expected:
        if not (bundle / rel).is_file():
            raise CaseFailure(f"bundle: modelc wrote no {rel}")
    for src in sorted(Path(cfg.runtime_src).iterdir()):
        if not src.is_file():
            continue
        copy = bundle / "runtime_min" / src.name
        if not copy.is_file():
            raise CaseFailure(f"bundle: modelc wrote no runtime_min/{src.name}")
        if copy.read_bytes() != src.read_bytes():
            raise CaseFailure(f"bundle: runtime_min/{src.name} differs from the repo's copy")


# modelc's hint when a graph input decides a shape (an op needs its value at compile time).
FREEZE_HINT = re.compile(r"graph input '([^']*)' decides it: compile its value in")
FROZEN_FILE = "frozen.txt"
MAX_FREEZE_ROUNDS = 4
# modelc's error when graph inputs have symbolic dimensions (ImportOptions::inputShapes).
PIN_HINT = "pin them with --input-shape"


def pinned_shapes(case: Case, all_inputs: bool) -> dict[str, str]:
    """--input-shape pins from the shapes of the test data (which must agree across data sets:
    modelc compiles one shape): NAME=none for an empty optional, NAME=[AxB;C] for a sequence,
    and with `all_inputs` NAME=AxB for the tensors with symbolic or unknown dimensions."""
    graph = onnx.load(str(case.dir / "model.onnx"), load_external_data=False).graph
    initializers = {t.name for t in graph.initializer}
    data_sets = numbered(case.dir, "test_data_set_")
    pins: dict[str, str] = {}
    # input_j belongs to graph.input[j] (see run_data_sets).
    for j, info in enumerate(graph.input):
        if info.name in initializers:
            continue
        tensor_type = value_type(info).tensor_type
        static = (value_type(info).HasField("tensor_type") and tensor_type.HasField("shape")
                  and all(d.HasField("dim_value") for d in tensor_type.shape.dim))
        if not (is_optional(info) or is_tensor_sequence(info) or (all_inputs and not static)):
            continue
        found = set()
        for data_set in data_sets:
            pb = data_set / f"input_{j}.pb"
            if not pb.is_file():
                continue
            kind, value = read_value(pb, info)
            if kind == "none":
                found.add("none")
            elif kind == "sequence":
                found.add("[" + ";".join("x".join(str(d) for d in t.dims) or "scalar"
                                         for t in value) + "]")
            elif not static:
                found.add("x".join(str(d) for d in value.dims))
        if len(found) > 1 or (not found and not static):
            raise CaseFailure(f"pin: input '{info.name}' has no single shape in the test data")
        if found and (pin := found.pop()):
            pins[info.name] = pin
    return pins


def compile_model(case: Case, name: str, work: Path, cfg: Config) -> Path:
    """Runs modelc and checks the bundle it wrote; returns the bundle dir.

    Inputs listed in freeze_<suite>.txt are compiled in from the test data. So are inputs that
    modelc reports as deciding a shape (its --freeze-input hint): modelc compiles static
    shapes, and in a node test such an input (a Reshape's shape, Slice's starts, ...) has one
    value. The frozen names are recorded in WORK/frozen.txt for the runs."""
    bundle = work / "bundle"
    names = list(cfg.freeze.get(case.name, []))
    # Optional and sequence inputs are always pinned (an optional's presence, a sequence's
    # element shapes); the other inputs only when modelc asks.
    pins = pinned_shapes(case, all_inputs=False)
    pinned_all = False
    for _ in range(MAX_FREEZE_ROUNDS):
        cmd = [cfg.modelc, case.dir / "model.onnx", "-o", bundle, "--name", name,
               "--target", cfg.target]
        for input_name, pb in frozen_inputs(case, names).items():
            cmd += ["--freeze-input", f"{input_name}={pb}"]
        for input_name, dims in pins.items():
            if input_name not in names:
                cmd += ["--input-shape", f"{input_name}={dims}"]
        if cfg.opt_level == 0:
            cmd.append("-O0")
        code, err = run_command(cmd, timeout=MODELC_TIMEOUT_S, log=work / "modelc.log",
                                what="modelc")
        hinted = [n for n in dict.fromkeys(FREEZE_HINT.findall(err)) if n not in names]
        # Symbolic input dimensions are pinned to the test data's shapes (once).
        pin = code != 0 and not pinned_all and PIN_HINT in err
        if code == 0 or not (hinted or pin):
            break
        names += hinted
        if pin:
            pinned_all = True
            more = pinned_shapes(case, all_inputs=True)
            if more == pins:
                break
            pins = more
    (work / FROZEN_FILE).write_text("".join(f"{n}\n" for n in names))
    if code != 0:
        message = first_line(err, work, case.dir.parent) or describe_exit(code)
        more = sum("error:" in line for line in err.splitlines()) - 1
        raise CaseFailure(f"modelc: {message}" + (f" (+{more} more errors)" if more > 0 else ""))
    check_bundle(bundle, name, cfg)
    return bundle


def build_cpu_runner(bundle: Path, name: str, work: Path, cfg: Config) -> Path:
    runner = work / "runner"
    cmd = [cfg.cxx, "-std=c++17", "-O1", *cfg.cxxflags, "-I", bundle, "-I", bundle / "runtime_min",
           bundle / f"{name}.cpp", bundle / f"{name}_runner.cpp",
           *([cfg.runtime_lib] if cfg.runtime_lib else []), "-lpthread", "-o", runner]
    code, err = run_command(cmd, timeout=BUILD_TIMEOUT_S, log=work / "build.log", what="build")
    if code != 0:
        raise CaseFailure(f"build: {first_line(err, work) or describe_exit(code)}")
    return runner


def compile_cpu_sources(bundle: Path, name: str, work: Path, cfg: Config) -> None:
    """--compile-only: the bundle's two sources to objects, nothing linked or run."""
    for source in (f"{name}.cpp", f"{name}_runner.cpp"):
        cmd = [cfg.cxx, "-std=c++17", "-O2", *cfg.cxxflags, "-I", bundle,
               "-I", bundle / "runtime_min", "-c", bundle / source,
               "-o", work / (Path(source).stem + ".o")]
        code, err = run_command(cmd, timeout=BUILD_TIMEOUT_S, log=work / "build.log",
                                what="build")
        if code != 0:
            raise CaseFailure(f"build: {first_line(err, work) or describe_exit(code)}")


def compile_cuda(bundle: Path, name: str, work: Path, cfg: Config) -> None:
    cmd = [cfg.nvcc, "-std=c++17", "-arch=sm_80", "-I", bundle, "-I", bundle / "runtime_min",
           "-c", bundle / f"{name}.cu", "-o", work / f"{name}.o"]
    code, err = run_command(cmd, timeout=BUILD_TIMEOUT_S, log=work / "build.log", what="nvcc")
    if code != 0:
        raise CaseFailure(f"nvcc: {first_line(err, work) or describe_exit(code)}")


def load_npy(path: Path, expected_type: int) -> np.ndarray:
    array = np.load(path, allow_pickle=False)
    if array.dtype.kind == "V":
        # .npy has no descr for bfloat16/float8: such outputs come back as raw bytes (|V2).
        np_type = helper.tensor_dtype_to_np_dtype(expected_type)
        if np_type.itemsize == array.dtype.itemsize:
            array = array.view(np_type)
    return array


def onnx_type_name(data_type: int | None) -> str:
    return TensorProto.DataType.Name(data_type).lower() if data_type is not None else "unknown"


def compare_values(label: str, actual: np.ndarray, expected: np.ndarray, data_type: int,
                   rtol: float, atol: float) -> str | None:
    """assert_allclose semantics, as onnx.backend.test's runner applies them."""
    if data_type not in FLOAT_TYPES:
        differ = actual != expected
        if not differ.any():
            return None
        index = tuple(int(i) for i in np.argwhere(differ)[0])
        return (f"{label}: {int(differ.sum())}/{differ.size} values differ, first at {index}: "
                f"{actual[index]} != expected {expected[index]}")
    if data_type == TensorProto.BFLOAT16:
        rtol = max(rtol, 2**-6)  # two bfloat16 ulps, as onnx's runner allows
    if actual.dtype.itemsize < 4 or actual.dtype.kind == "V":
        actual, expected = actual.astype(np.float32), expected.astype(np.float32)
    close = np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    bad = ~close
    wide = np.complex128 if actual.dtype.kind == "c" else np.float64
    with np.errstate(all="ignore"):  # inf - inf, x / 0
        abs_err = np.abs(actual[bad].astype(wide) - expected[bad].astype(wide))
        rel_err = abs_err / np.abs(expected[bad].astype(wide))
    finite = np.isfinite(abs_err)
    parts = [f"{label}: {int(bad.sum())}/{bad.size} values differ"]
    if finite.any():
        parts.append(f"max abs err {abs_err[finite].max():.3g}")
        rel = rel_err[finite & np.isfinite(rel_err)]
        if rel.size:
            parts.append(f"max rel err {rel.max():.3g}")
    if not finite.all():
        parts.append(f"{int((~finite).sum())} NaN/inf mismatches")
    return ", ".join(parts) + f" (rtol {rtol:g}, atol {atol:g})"


def element_name(name: str, k: int) -> str:
    """The bundle's input/output that holds element k of sequence `name` (modelc's NAME[k])."""
    return f"{name}[{k}]"


def compare_value(name: str, info: onnx.ValueInfoProto, expected_pb: Path, out_dir: Path,
                  cfg: Config) -> str | None:
    """Checks graph output `name` against output_j.pb: a tensor is one runner output, a
    sequence one per element (NAME[k]), an empty optional none at all."""
    kind, value = read_value(expected_pb, info)
    if kind == "tensor":
        return compare_tensor(name, value, out_dir, cfg)
    count = len(value) if kind == "sequence" else 0
    extra = [n for n in (name, element_name(name, count))
             if (out_dir / f"{sanitize_output_name(n)}.npy").is_file()]
    if extra:
        expected = "an empty optional" if kind == "none" else f"{count} elements"
        return f"output '{name}': the bundle wrote {extra[0]}, expected {expected}"
    problems = [p for k, tensor in enumerate(value or [])
                if (p := compare_tensor(element_name(name, k), tensor, out_dir, cfg))]
    return "; ".join(problems) or None


def compare_tensor(name: str, tensor: TensorProto, out_dir: Path, cfg: Config) -> str | None:
    """Checks one runner output against an expected tensor; returns a problem, or None."""
    label = f"output '{name}'"
    expected = numpy_helper.to_array(tensor)
    path = out_dir / f"{sanitize_output_name(name)}.npy"
    if not path.is_file():
        return f"{label}: the runner wrote no {path.name}"
    try:
        actual = load_npy(path, tensor.data_type)
    except (OSError, ValueError) as e:
        return f"{label}: unreadable {path.name}: {e}"
    if actual.shape != expected.shape:
        return f"{label}: shape {list(actual.shape)} != expected {list(expected.shape)}"
    try:
        actual_type = helper.np_dtype_to_tensor_dtype(actual.dtype)
    except KeyError:
        actual_type = None
    if actual_type != tensor.data_type:
        return (f"{label}: dtype {onnx_type_name(actual_type) if actual_type else actual.dtype}"
                f" != expected {onnx_type_name(tensor.data_type)}")
    return compare_values(label, actual, expected, tensor.data_type, cfg.rtol, cfg.atol)


def frozen_inputs(case: Case, names: list[str]) -> dict[str, Path]:
    """Input name -> the .pb of its value in the case's (single) data set."""
    if not names:
        return {}
    graph = onnx.load(str(case.dir / "model.onnx"), load_external_data=False).graph
    data_sets = numbered(case.dir, "test_data_set_")
    if len(data_sets) != 1:
        raise CaseFailure("freeze: inputs can be frozen only in cases with one data set")
    index = {v.name: j for j, v in enumerate(graph.input)}
    missing = [n for n in names if n not in index]
    if missing:
        raise CaseFailure(f"freeze: no graph input named {', '.join(missing)}")
    return {n: data_sets[0] / f"input_{index[n]}.pb" for n in names}


def load_freeze_file(path: Path) -> dict[str, list[str]]:
    """Lines `case_name input_name...  # reason`; the reason is mandatory."""
    entries: dict[str, list[str]] = {}
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        body, _, reason = line.partition("#")
        words = body.split()
        if not words:
            continue
        if len(words) < 2 or not reason.strip():
            raise HarnessError(f"{path}:{lineno}: expected `case input...  # reason`")
        entries[words[0]] = words[1:]
    return entries


def check_data_sets(case: Case, runner: Path, weights: Path, out_root: Path,
                    cfg: Config) -> None:
    """Runs the runner on every test_data_set_* and compares all outputs."""
    graph = onnx.load(str(case.dir / "model.onnx"), load_external_data=False).graph
    work = out_root.parent
    for data_set in numbered(case.dir, "test_data_set_"):
        out_dir = out_root / data_set.name
        out_dir.mkdir(parents=True)
        cmd = [runner, "--weights", weights]
        # input_j belongs to graph.input[j], as in onnx's runner (old models list initializers
        # after the real inputs).
        frozen_file = work / FROZEN_FILE
        frozen = set(frozen_file.read_text().split("\n")) if frozen_file.is_file() else set()
        for j, pb in enumerate(numbered(data_set, "input_", ".pb")):
            info = graph.input[j]
            if info.name in frozen:
                continue
            if not (is_optional(info) or is_tensor_sequence(info)):
                cmd += ["--input", f"{info.name}={pb}"]
                continue
            # An optional's tensor, or each element of a sequence, from its own .pb; an empty
            # optional is compiled out (pinned NAME=none).
            kind, value = read_value(pb, info)
            if kind == "tensor":
                elements = [(info.name, value)]
            else:
                elements = [(element_name(info.name, k), t) for k, t in enumerate(value or [])]
            for k, (input_name, tensor) in enumerate(elements):
                element_pb = out_dir / f"input_{j}_{k}.pb"
                element_pb.write_bytes(tensor.SerializeToString())
                cmd += ["--input", f"{input_name}={element_pb}"]
        cmd += ["--output-dir", out_dir]
        what = f"runner ({data_set.name})"
        code, err = run_command(cmd, timeout=RUN_TIMEOUT_S,
                                log=out_root / f"{data_set.name}.log", what=what)
        if code != 0:
            message = first_line(err, work)
            raise CaseFailure(f"{what}: {describe_exit(code)}"
                              + (f": {message}" if message else ""))
        problems = [p for j, pb in enumerate(numbered(data_set, "output_", ".pb"))
                    if (p := compare_value(graph.output[j].name, graph.output[j], pb, out_dir,
                                           cfg))]
        if problems:
            raise CaseFailure(f"{data_set.name}: " + "; ".join(problems))


def timed(result: Result, phase: str, fn, *args):
    start = time.monotonic()
    try:
        return fn(*args)
    finally:
        result.phases[phase] = round(time.monotonic() - start, 3)


def guarded(result: Result, body) -> None:
    """Runs body(); any failure becomes the result's FAIL reason."""
    try:
        body()
    except CaseFailure as e:
        result.status, result.reason = FAIL, str(e)
    except Exception as e:  # a harness bug or a malformed file fails this case, not the run
        result.status, result.reason = FAIL, f"harness: {type(e).__name__}: {e}"


def run_case(case: Case, cfg: Config) -> Result:
    """Compiles, builds, runs and checks one case in WORK/<case name>."""
    start = time.monotonic()
    result = Result(case.name, PASS)
    work = Path(cfg.work) / case.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    def body() -> None:
        name = bundle_name(case.name)
        bundle = timed(result, "modelc", compile_model, case, name, work, cfg)
        if cfg.target == "cuda":
            timed(result, "build", compile_cuda, bundle, name, work, cfg)
            return
        if cfg.compile_only:
            timed(result, "build", compile_cpu_sources, bundle, name, work, cfg)
            return
        runner = timed(result, "build", build_cpu_runner, bundle, name, work, cfg)
        weights = bundle / f"{name}.weights.bin"
        timed(result, "run", check_data_sets, case, runner, weights, work / "out", cfg)

    guarded(result, body)
    result.seconds = round(time.monotonic() - start, 3)
    return result


def run_cmake_case(case: Case, cfg: Config) -> Result:
    """Builds an already compiled bundle with its own CMakeLists.txt (Ninja, Release), as a
    downstream project does, and for cpu runs the built runner on the test data."""
    start = time.monotonic()
    result = Result(case.name, PASS)
    work = Path(cfg.work) / case.name
    bundle, name = work / "bundle", bundle_name(case.name)
    build = bundle / "build"

    def body() -> None:
        shutil.rmtree(build, ignore_errors=True)
        configure = ["cmake", "-S", bundle, "-B", build, "-G", "Ninja",
                     "-DCMAKE_BUILD_TYPE=Release"]
        if cfg.target == "cpu":
            configure += [f"-DCMAKE_CXX_COMPILER={cfg.cxx}",
                          f"-DCMAKE_CXX_FLAGS={shlex.join(cfg.cxxflags)}"]
        if cfg.target == "cuda":
            configure += [f"-DCMAKE_CUDA_COMPILER={cfg.nvcc}", "-DCMAKE_CUDA_ARCHITECTURES=80"]
        for what, cmd in (("configure", configure), ("build", ["cmake", "--build", build])):
            code, err = run_command(cmd, timeout=CMAKE_TIMEOUT_S,
                                    log=work / f"cmake_{what}.log", what=what)
            if code != 0:
                raise CaseFailure(f"{what}: {first_line(err, work) or describe_exit(code)}")
        if cfg.target == "cpu":
            check_data_sets(case, build / f"{name}_runner", bundle / f"{name}.weights.bin",
                            work / "out_cmake", cfg)

    guarded(result, body)
    if result.status == FAIL:
        result.reason = f"cmake: {result.reason}"
    result.seconds = round(time.monotonic() - start, 3)
    return result


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

def build_runtime_lib(cxx: str, cxxflags: tuple[str, ...], src: Path, out: Path,
                      jobs: int) -> Path | None:
    """Compiles runtime_min/*.cpp once into out/libmc_runtime_min.a (None: no sources yet)."""
    sources = sorted(src.glob("*.cpp"))
    if not sources:
        return None
    out.mkdir(parents=True, exist_ok=True)

    def compile_one(source: Path) -> Path:
        obj = out / f"{source.stem}.o"
        cmd = [cxx, "-std=c++17", "-O2", *cxxflags, "-I", src, "-c", source, "-o", obj]
        code, err = run_command(cmd, timeout=BUILD_TIMEOUT_S, log=out / f"{source.stem}.log",
                                what=f"runtime_min/{source.name}")
        if code != 0:
            raise HarnessError(f"building runtime_min failed: {first_line(err, out)}")
        return obj

    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
            objects = list(pool.map(compile_one, sources))
    except CaseFailure as e:  # a timeout
        raise HarnessError(f"building runtime_min failed: {e}") from None
    lib = out / "libmc_runtime_min.a"
    lib.unlink(missing_ok=True)
    code, err = run_command(["ar", "rcs", lib, *objects], timeout=BUILD_TIMEOUT_S,
                            log=out / "ar.log", what="ar")
    if code != 0:
        raise HarnessError(f"archiving runtime_min failed: {first_line(err, out)}")
    return lib


def run_parallel(fn, cases: list[Case], cfg: Config, jobs: int, verbose: bool,
                 label: str = "", xfail: dict[str, str] | None = None) -> list[Result]:
    """fn(case, cfg) for every case in a process pool; results in order of completion."""
    results = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(fn, case, cfg) for case in cases]
        try:
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                result = future.result()
                apply_xfail(result, xfail or {})
                results.append(result)
                if verbose:
                    width = len(str(len(cases)))
                    print(f"{label}[{done:>{width}}/{len(cases)}] {status_line(result)}",
                          flush=True)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


def status_line(result: Result) -> str:
    line = f"{result.status:<5} {result.name} ({result.seconds:.1f} s)"
    return f"{line}: {result.reason}" if result.reason else line


# A crash or a sanitizer report is never an expected failure.
CRASH = re.compile(r"killed by SIG|Sanitizer|runtime error:")


def apply_xfail(result: Result, xfail: dict[str, str]) -> None:
    if result.name not in xfail:
        return
    if result.status == FAIL and not CRASH.search(result.reason):
        result.status = XFAIL
    elif result.status == PASS:
        result.status, result.reason = XPASS, f"listed as xfail: {xfail[result.name]}"


def skip_category(reason: str) -> str:
    return next((c for c in SKIP_CATEGORIES if reason.startswith(c)), reason)


def print_summary(results: list[Result], suite: str, target: str, xfail_path: Path | None,
                  work: Path) -> None:
    by_status = collections.defaultdict(list)
    for r in results:
        by_status[r.status].append(r)
    print(f"\n== modelc e2e: suite {suite}, target {target}: {len(results)} cases ==")
    for status in STATUS_ORDER:
        print(f"{status:<6} {len(by_status[status])}")
    skipped = by_status[SKIP]
    for category, count in collections.Counter(skip_category(r.reason)
                                               for r in skipped).most_common():
        print(f"  skipped, {category}: {count}")
    missing = collections.Counter(op for r in skipped if r.reason.startswith("unsupported op ")
                                  for op in r.reason.removeprefix("unsupported op ").split(", "))
    if missing:
        top = ", ".join(f"{op} ({n})" for op, n in missing.most_common(15))
        print(f"  most needed unsupported ops: {top}")
    if by_status[XPASS]:
        print(f"\nXPASS: these pass now; remove them from {xfail_path}:")
        for r in sorted(by_status[XPASS], key=lambda r: r.name):
            print(f"  {r.name}")
    if by_status[FAIL]:
        print(f"\nFAILED (work dirs kept under {work}):")
        for r in sorted(by_status[FAIL], key=lambda r: r.name):
            print(f"  {r.name}: {r.reason}")
    print(f"\nxfail: {len(by_status[XFAIL])}")
    passed = len(by_status[PASS]) + len(by_status[XPASS])
    skipped_total = len(skipped) + len(by_status[XFAIL])
    print(f"{passed} passed, {len(by_status[FAIL])} failed, {skipped_total} skipped", flush=True)


def write_report(path: Path, args, results: list[Result], total_seconds: float) -> None:
    counts = collections.Counter(r.status for r in results)
    report = {
        "suite": args.suite,
        "target": args.target,
        "modelc": str(args.modelc),
        "onnx_version": onnx.__version__,
        "seconds": round(total_seconds, 3),
        "counts": {s: counts[s] for s in STATUS_ORDER},
        "cases": [dataclasses.asdict(r) for r in sorted(results, key=lambda r: r.name)],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1) + "\n")


def find_nvcc() -> str | None:
    default = Path("/usr/local/cuda/bin/nvcc")
    return str(default) if default.is_file() else shutil.which("nvcc")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG, description="ONNX conformance harness for modelc (see the module docstring).",
        epilog="examples:" + __doc__.split("Examples", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=SUITES, default="node")
    parser.add_argument("--target", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--modelc", type=Path, default=REPO_ROOT / "build" / "bin" / "modelc",
                        help="the compiler (default: %(default)s)")
    parser.add_argument("--opt-level", type=int, choices=(0, 1), default=1,
                        help="0 passes -O0 to modelc; 1 uses its default optimizations")
    parser.add_argument("--filter", metavar="REGEX", help="run cases whose name matches REGEX")
    parser.add_argument("--sample", type=int, default=1, metavar="N",
                        help="run every Nth selected case (by name) only; the rest are skipped")
    parser.add_argument("--ops-file", type=Path, metavar="FILE",
                        help="supported ONNX op types, one per line; cases using others are "
                             "skipped (default: run everything)")
    parser.add_argument("--xfail", type=Path, metavar="FILE",
                        help="expected failures, `case_name  # reason` per line "
                             "(default: test/e2e/xfail_<suite>_<target>.txt if it exists)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="cases run in parallel (default: %(default)s, the core count)")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="per-case work dirs (default: build/e2e/work/<suite>_<target>)")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="generated node cases (default: build/e2e/cases/node)")
    parser.add_argument("--keep", action="store_true", help="keep the work dirs of passing cases")
    parser.add_argument("--list", action="store_true", help="print the selected case names")
    parser.add_argument("--report", type=Path, metavar="FILE.json",
                        help="write per-case status, reason and times")
    parser.add_argument("--cmake", type=int, default=0, metavar="N",
                        help="also build N passing bundles with their CMakeLists.txt")
    parser.add_argument("--cxx", default=os.environ.get("CXX", "g++"),
                        help="C++ compiler for CPU bundles (default: $CXX or g++)")
    parser.add_argument("--cxxflags", default="", metavar="FLAGS",
                        help="extra flags for every CPU compile of bundles and runtime_min, "
                             "e.g. '-Wall -Wextra -Werror' or '-fsanitize=address,undefined'")
    parser.add_argument("--compile-only", action="store_true",
                        help="cpu: compile each bundle's sources (-O2) without linking or "
                             "running them (warning checks)")
    parser.add_argument("--nvcc", default=find_nvcc(), help="default: %(default)s")
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-7)
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each case's status line as it finishes")
    return parser.parse_args(argv)


def check_tools(args: argparse.Namespace) -> None:
    if not (args.modelc.is_file() and os.access(args.modelc, os.X_OK)):
        raise HarnessError(f"no modelc executable at {args.modelc} (build it, or pass --modelc)")
    if args.target == "cpu" and not shutil.which(args.cxx):
        raise HarnessError(f"C++ compiler '{args.cxx}' not found (pass --cxx)")
    if args.target == "cuda" and not (args.nvcc and shutil.which(args.nvcc)):
        raise HarnessError("nvcc not found (pass --nvcc)")
    if args.cmake and not (shutil.which("cmake") and shutil.which("ninja")):
        raise HarnessError("--cmake needs cmake and ninja in PATH")


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    cache_dir = args.cache_dir or REPO_ROOT / "build" / "e2e" / "cases" / "node"
    work = (args.work or REPO_ROOT / "build" / "e2e" / "work" / f"{args.suite}_{args.target}")
    work = work.resolve()
    try:
        name_filter = re.compile(args.filter) if args.filter else None
    except re.error as e:
        raise HarnessError(f"bad --filter: {e}") from None
    supported = load_ops_file(args.ops_file) if args.ops_file else None
    xfail_path = args.xfail
    default_xfail = E2E_DIR / f"xfail_{args.suite}_{args.target}.txt"
    if xfail_path is None and default_xfail.is_file():
        xfail_path = default_xfail
    xfail = load_xfail_file(xfail_path) if xfail_path else {}

    root = suite_root(args.suite, cache_dir.resolve())
    cases, skipped, all_names = select_cases(root, name_filter, supported)
    if args.sample > 1:
        # A deterministic subset for quick checks: every Nth selected case by name.
        ordered = sorted(cases, key=lambda c: c.name)
        cases = ordered[::args.sample]
        skipped += [Result(c.name, SKIP, f"not in the --sample {args.sample} subset")
                    for i, c in enumerate(ordered) if i % args.sample]
    if args.list:
        for case in cases:
            print(case.name)
        print(f"{len(cases)} selected, {len(skipped)} skipped", file=sys.stderr)
        return 0
    for name in sorted(set(xfail) - set(all_names)):
        print(f"warning: {xfail_path}: '{name}' is no case of suite {args.suite}",
              file=sys.stderr)

    check_tools(args)
    args.modelc = args.modelc.resolve()
    work.mkdir(parents=True, exist_ok=True)
    runtime_src = REPO_ROOT / "runtime_min"
    cxxflags = tuple(shlex.split(args.cxxflags))
    runtime_lib = None
    if args.target == "cpu" and cases:
        runtime_lib = build_runtime_lib(args.cxx, cxxflags, runtime_src, work / "_runtime_min",
                                        args.jobs)
    freeze_path = E2E_DIR / f"freeze_{args.suite}.txt"
    freeze = load_freeze_file(freeze_path) if freeze_path.is_file() else {}
    cfg = Config(modelc=str(args.modelc), target=args.target, opt_level=args.opt_level,
                 cxx=args.cxx, cxxflags=cxxflags, compile_only=args.compile_only,
                 nvcc=args.nvcc,
                 runtime_lib=str(runtime_lib) if runtime_lib else None,
                 runtime_src=str(runtime_src), work=str(work), rtol=args.rtol, atol=args.atol,
                 freeze=freeze)
    print(f"modelc e2e: {len(cases)} cases to run, {len(skipped)} skipped, {args.jobs} jobs, "
          f"work dir {work}", flush=True)

    results = run_parallel(run_case, cases, cfg, args.jobs, args.verbose, xfail=xfail)

    if args.cmake > 0:
        by_name = {r.name: r for r in results}
        passing = sorted((c for c in cases if by_name[c.name].status == PASS),
                         key=lambda c: (-c.num_nodes, c.name))[:args.cmake]
        if len(passing) < args.cmake:
            print(f"note: --cmake {args.cmake}: only {len(passing)} passing cases to build",
                  flush=True)
        for cmake_result in run_parallel(run_cmake_case, passing, cfg, args.jobs, args.verbose,
                                         label="cmake "):
            result = by_name[cmake_result.name]
            result.phases["cmake"] = cmake_result.seconds
            result.seconds = round(result.seconds + cmake_result.seconds, 3)
            if cmake_result.status == FAIL:
                result.status, result.reason = FAIL, cmake_result.reason

    if not args.keep:
        for result in results:
            if result.status in (PASS, XPASS):
                shutil.rmtree(work / result.name, ignore_errors=True)

    all_results = results + skipped
    if args.report:
        write_report(args.report, args, all_results, time.monotonic() - start)
    print_summary(all_results, args.suite, args.target, xfail_path, work)
    return 1 if any(r.status == FAIL for r in results) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except HarnessError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
