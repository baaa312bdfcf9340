#!/usr/bin/env python3
"""The Python half of `modelc verify`: reference outputs and the comparison.

modelc verify runs this script twice around running the bundle:

    modelc_verify.py prepare --model M --work W [--per-node] [--input NAME=FILE]...
                             [--input-shape NAME=AxB]... [--freeze NAME=FILE]... [--seed N]
                             [--reference auto|onnxruntime|test-data]
    modelc_verify.py compare --work W [--rtol R] [--atol A]

`prepare` picks the reference (onnxruntime when its Python package imports, else the model's
ONNX backend test data, test_data_set_*/ next to the model), writes the input tensors the
bundle's runner reads and the reference outputs as .npy under W, and W/manifest.json. With
--per-node it first rewrites the model so that every intermediate floating-point tensor is
also a graph output (W/per_node.onnx, which modelc then compiles) and records the nodes in
topological order. `compare` reads the runner's outputs (W/out/<set>/<output>.npy) and prints
the max abs / max rel error per output, and with --per-node the first node whose output is
outside the tolerance. An element passes when |out - ref| <= atol + rtol * |ref| (NaN equals
NaN, infinities must match); integers and bools must be equal. Exit code: 0 within tolerance,
1 outside it or on any error.

Installed with modelc as share/modelc/modelc_verify.py.
"""
import argparse
import glob
import json
import os
import re
import sys


def fail(message):
    print(f"modelc verify: error: {message}", file=sys.stderr)
    sys.exit(1)


try:
    import numpy as np
except ImportError:
    fail("the Python package numpy is missing (pip install numpy)")
try:
    import onnx
    from onnx import numpy_helper
except ImportError:
    fail("the Python package onnx is missing (pip install onnx)")

FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16,
               onnx.TensorProto.BFLOAT16}


def output_file_name(name):
    """The runner's file name for an output (runtime_min/mc_runner.cpp)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name) + ".npy"


def describe(array):
    return f"{array.dtype}[{','.join(str(d) for d in array.shape)}]"


def read_tensor(path):
    if path.endswith(".npy"):
        return np.load(path)
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def parse_pairs(items, what):
    pairs = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            fail(f"bad {what} '{item}' (expected NAME=VALUE)")
        pairs[name] = value
    return pairs


def graph_inputs(model):
    """The graph's runtime inputs (not initializers), in order."""
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def value_type(value_info):
    """The type an input/output holds: an optional's element type, else its own. modelc
    compiles an optional as present (NAME=none: empty)."""
    t = value_info.type
    return t.optional_type.elem_type if t.HasField("optional_type") else t


def is_sequence(value_info):
    """A sequence(tensor) input/output: the bundle has one per element, NAME[k]."""
    t = value_type(value_info)
    return t.HasField("sequence_type") and t.sequence_type.elem_type.HasField("tensor_type")


def tensor_type(value_info):
    t = value_type(value_info)
    return t.sequence_type.elem_type.tensor_type if is_sequence(value_info) else t.tensor_type


def element_name(name, k):
    return f"{name}[{k}]"


def parse_dims(text):
    text = text.strip()
    if text in ("", "scalar"):
        return []
    return [int(d) for d in re.split(r"[x,]", text)]


def sequence_shapes(value_info, pinned):
    """The element shapes of a sequence input, from its --input-shape NAME=[AxB;C] pin."""
    pin = pinned.get(value_info.name, "")
    if not (pin.startswith("[") and pin.endswith("]")):
        fail(f"input '{value_info.name}' is a sequence; pin its element shapes with "
             f"--input-shape {value_info.name}=[AxB;CxD]")
    body = pin[1:-1].strip()
    return [parse_dims(part) for part in body.split(";")] if body else []


def input_shape(value_info, pinned):
    if value_info.name in pinned:
        return parse_dims(pinned[value_info.name])
    dims = []
    for d in tensor_type(value_info).shape.dim:
        if not d.HasField("dim_value"):
            fail(f"input '{value_info.name}' has a symbolic dimension "
                 f"'{d.dim_param or '?'}'; pin it with --input-shape "
                 f"{value_info.name}=...")
        dims.append(d.dim_value)
    return dims


def random_input(value_info, shape, rng):
    """Floats uniform in [-1, 1), signed integers in [-5, 5], unsigned in [0, 10], bools 0/1."""
    elem = tensor_type(value_info).elem_type
    dtype = onnx.helper.tensor_dtype_to_np_dtype(elem)
    if elem in FLOAT_TYPES:
        return rng.uniform(-1, 1, size=shape).astype(dtype)
    if elem == onnx.TensorProto.BOOL:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if np.issubdtype(dtype, np.unsignedinteger):
        return rng.integers(0, 11, size=shape).astype(dtype)
    return rng.integers(-5, 6, size=shape).astype(dtype)


def topological_nodes(graph):
    """The graph's nodes in a topological order (ONNX requires one; a model may not keep it)."""
    produced = {}
    for index, node in enumerate(graph.node):
        for out in node.output:
            if out:
                produced[out] = index
    order, state = [], {}

    def visit(index):
        stack = [(index, False)]
        while stack:
            i, done = stack.pop()
            if done:
                state[i] = 2
                order.append(i)
                continue
            if state.get(i):
                continue
            state[i] = 1
            stack.append((i, True))
            for name in graph.node[i].input:
                j = produced.get(name)
                if j is not None and not state.get(j):
                    stack.append((j, False))

    for i in range(len(graph.node)):
        if not state.get(i):
            visit(i)
    return [graph.node[i] for i in order]


def rewrite_per_node(model):
    """Adds every intermediate floating-point tensor as a graph output; returns the new model
    and the compared nodes [(name, op_type, [tensors])] in topological order."""
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception as e:  # shape inference is best effort; untyped tensors are skipped
        print(f"modelc verify: warning: shape inference failed ({e}); tensors without a type "
              "are not compared", file=sys.stderr)
        inferred = model
    types = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + \
            list(inferred.graph.input):
        types[vi.name] = vi
    existing = {o.name for o in model.graph.output}
    constant = {i.name for i in model.graph.initializer}
    rewritten = onnx.ModelProto()
    rewritten.CopyFrom(model)
    nodes = []
    for index, node in enumerate(topological_nodes(model.graph)):
        inputs = [i for i in node.input if i]
        # Constants and subgraphs of constants fold at compile time; nothing to compare.
        if node.op_type == "Constant" or (inputs and all(i in constant for i in inputs)):
            constant.update(o for o in node.output if o)
            continue
        tensors = []
        for out in node.output:
            vi = types.get(out)
            if not out or vi is None or not vi.type.HasField("tensor_type") or \
                    vi.type.tensor_type.elem_type not in FLOAT_TYPES:
                continue
            if out not in existing:
                rewritten.graph.output.append(vi)
                existing.add(out)
            tensors.append(out)
        if tensors:
            nodes.append({"name": node.name or f"<node {index}>", "op_type": node.op_type,
                          "outputs": tensors})
    return rewritten, nodes


def test_data_sets(model_path):
    return sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(model_path)),
                                         "test_data_set_*")))


def load_set(directory, infos, kind, work_dir):
    """Tensors kind_0.pb, kind_1.pb, ... mapped to the value infos by name or position. A
    sequence (SequenceProto) becomes its elements NAME[k], each written to work_dir."""
    names = [i.name for i in infos]
    files = sorted(glob.glob(os.path.join(directory, f"{kind}_*.pb")),
                   key=lambda p: int(re.search(r"_(\d+)\.pb$", p).group(1)))
    result = {}
    for position, path in enumerate(files):
        with open(path, "rb") as f:
            data = f.read()
        info = infos[position] if position < len(infos) else None
        if info is not None and info.type.HasField("optional_type"):
            optional = onnx.OptionalProto()
            optional.ParseFromString(data)
            if optional.HasField("tensor_value"):  # the runner reads a plain TensorProto
                element = os.path.join(work_dir, f"{kind}_{position}.pb")
                os.makedirs(work_dir, exist_ok=True)
                with open(element, "wb") as f:
                    f.write(optional.tensor_value.SerializeToString())
                result[names[position]] = (element,
                                           numpy_helper.to_array(optional.tensor_value))
                continue
            if not optional.HasField("sequence_value"):
                continue  # an empty optional: nothing to feed or compare
            data = optional.sequence_value.SerializeToString()
        if info is not None and is_sequence(info):
            sequence = onnx.SequenceProto()
            sequence.ParseFromString(data)
            os.makedirs(work_dir, exist_ok=True)
            for k, tensor in enumerate(sequence.tensor_values):
                element = os.path.join(work_dir, f"{kind}_{position}_{k}.pb")
                with open(element, "wb") as f:
                    f.write(tensor.SerializeToString())
                result[element_name(names[position], k)] = (element,
                                                            numpy_helper.to_array(tensor))
            continue
        tensor = onnx.TensorProto()
        tensor.ParseFromString(data)
        name = tensor.name if tensor.name in names else (
            names[position] if position < len(names) else None)
        if name is None:
            fail(f"{path}: more {kind}s than the model has")
        result[name] = (path, numpy_helper.to_array(tensor))
    return result


def prepare(args):
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    try:
        model = onnx.load(args.model)
    except Exception as e:
        fail(f"cannot read '{args.model}' as ONNX: {e}")
    given = parse_pairs(args.input, "--input")
    pinned = parse_pairs(args.input_shape, "--input-shape")
    frozen = parse_pairs(args.freeze, "--freeze-input")
    inputs = graph_inputs(model)
    input_names = [i.name for i in inputs]
    for name in list(given) + list(frozen):
        if name not in input_names:
            fail(f"'{name}' is not an input of the model (inputs: {', '.join(input_names)})")

    reference = args.reference
    ort = None
    if reference in ("auto", "onnxruntime"):
        try:
            import onnxruntime as ort
        except ImportError:
            if reference == "onnxruntime":
                fail("the Python package onnxruntime is missing (pip install onnxruntime)")
    sets_found = test_data_sets(args.model)
    if reference == "auto":
        reference = "onnxruntime" if ort else "test-data"
    if reference == "test-data":
        if args.per_node:
            fail("--per-node compares every intermediate tensor, which needs onnxruntime "
                 "(pip install onnxruntime); test data sets hold only the model's outputs")
        if not sets_found and args.reference == "auto":
            fail("no reference: onnxruntime is not importable (pip install onnxruntime) and "
                 f"there is no test_data_set_*/ next to '{args.model}'")
        if not sets_found:
            fail(f"--reference test-data: there is no test_data_set_*/ next to '{args.model}'")
        if given:
            fail("--input is used with onnxruntime; the test data sets bring their own inputs")

    bundle_model = os.path.abspath(args.model)
    nodes = []
    if args.per_node:
        rewritten, nodes = rewrite_per_node(model)
        bundle_model = os.path.join(work, "per_node.onnx")
        onnx.save(rewritten, bundle_model)
        model = rewritten
    output_names = [o.name for o in model.graph.output]

    sets = []
    if reference == "onnxruntime":
        rng = np.random.default_rng(args.seed)
        feeds, runner_inputs = {}, {}
        set_dir = os.path.join(work, "sets", "0")
        os.makedirs(os.path.join(set_dir, "inputs"), exist_ok=True)
        for index, vi in enumerate(inputs):
            if vi.name in frozen:
                feeds[vi.name] = read_tensor(frozen[vi.name])
                continue
            if pinned.get(vi.name) == "none":
                if not vi.type.HasField("optional_type"):
                    fail(f"--input-shape {vi.name}=none: input '{vi.name}' is not optional")
                feeds[vi.name] = None  # compiled out of the bundle
                continue
            if vi.name in given:
                feeds[vi.name] = read_tensor(given[vi.name])
                runner_inputs[vi.name] = os.path.abspath(given[vi.name])
                continue
            if is_sequence(vi):
                feeds[vi.name] = []
                for k, shape in enumerate(sequence_shapes(vi, pinned)):
                    value = random_input(vi, shape, rng)
                    path = os.path.join(set_dir, "inputs", f"input_{index}_{k}.npy")
                    np.save(path, value)
                    feeds[vi.name].append(value)
                    runner_inputs[element_name(vi.name, k)] = path
                continue
            value = random_input(vi, input_shape(vi, pinned), rng)
            path = os.path.join(set_dir, "inputs", f"input_{index}.npy")
            np.save(path, value)
            feeds[vi.name] = value
            runner_inputs[vi.name] = path
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            session = ort.InferenceSession(model.SerializeToString(), options,
                                           providers=["CPUExecutionProvider"])
            results = session.run(output_names, feeds)
        except Exception as e:
            fail(f"onnxruntime cannot run the model: {e}")
        refs = {}
        os.makedirs(os.path.join(set_dir, "reference"), exist_ok=True)
        for i, (name, value) in enumerate(zip(output_names, results)):
            if value is None:  # an empty optional: the bundle has no such output
                continue
            if isinstance(value, list):  # a sequence: one bundle output per element
                for k, element in enumerate(value):
                    path = os.path.join(set_dir, "reference", f"output_{i}_{k}.npy")
                    np.save(path, element)
                    refs[element_name(name, k)] = path
                continue
            path = os.path.join(set_dir, "reference", f"output_{i}.npy")
            np.save(path, value)
            refs[name] = path
        label = "given and random inputs" if given else "random inputs"
        sets.append({"name": "random" if not given else "given", "inputs": runner_inputs,
                     "reference": refs, "description": f"{label}, seed {args.seed}"})
        reference_text = f"onnxruntime {ort.__version__}"
    else:
        for directory in sets_found:
            name = os.path.basename(directory)
            set_dir = os.path.join(work, "sets", str(len(sets)))
            ins = load_set(directory, inputs, "input", set_dir)
            outs = load_set(directory, list(model.graph.output), "output", set_dir)
            os.makedirs(set_dir, exist_ok=True)
            refs = {}
            for i, (out, (_, value)) in enumerate(outs.items()):
                path = os.path.join(set_dir, f"output_{i}.npy")
                np.save(path, value)
                refs[out] = path
            sets.append({"name": name,
                         "inputs": {k: p for k, (p, _) in ins.items()
                                    if k.partition("[")[0] not in frozen},
                         "reference": refs, "description": directory})
        reference_text = "the model's test data"

    # The model's own outputs (not the --per-node extras) that have a reference: a sequence
    # as its elements, an empty optional not at all.
    outputs = []
    for o in onnx.load(args.model, load_external_data=False).graph.output:
        for s in sets:
            for ref in s["reference"]:
                if (ref == o.name or ref.startswith(o.name + "[")) and ref not in outputs:
                    outputs.append(ref)
    manifest = {"reference": reference_text, "bundle_model": bundle_model, "sets": sets,
                "outputs": outputs,
                "per_node": bool(args.per_node), "nodes": nodes}
    with open(os.path.join(work, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return 0


def compare_arrays(out, ref, rtol, atol):
    """(max_abs, max_rel, elements outside tolerance, problem or None)."""
    if out.shape != ref.shape:
        return None, None, None, f"shape {describe(out)}, reference {describe(ref)}"
    if ref.size == 0:
        return 0.0, 0.0, 0, None
    if ref.dtype.kind in "iub" or out.dtype.kind in "iub":
        diff = np.abs(out.astype(np.float64) - ref.astype(np.float64))
        bad = int(np.count_nonzero(diff != 0))
    else:
        o, r = out.astype(np.float64), ref.astype(np.float64)
        both_nan = np.isnan(o) & np.isnan(r)
        same_inf = np.isinf(o) & np.isinf(r) & (np.sign(o) == np.sign(r))
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.where(both_nan | same_inf, 0.0, np.abs(o - r))
        diff = np.where(np.isnan(diff), np.inf, diff)
        bad = int(np.count_nonzero(diff > atol + rtol * np.abs(np.where(np.isfinite(r), r, 0))))
    nonzero = np.abs(ref.astype(np.float64)) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = diff[nonzero] / np.abs(ref.astype(np.float64)[nonzero])
    max_rel = float(rel.max()) if rel.size else 0.0
    return float(diff.max()), max_rel, bad, None


def compare(args):
    work = os.path.abspath(args.work)
    with open(os.path.join(work, "manifest.json")) as f:
        manifest = json.load(f)
    rtol, atol = args.rtol, args.atol
    print(f"reference: {manifest['reference']}; tolerance |out - ref| <= {atol:g} + {rtol:g} * "
          "|ref|")
    results = {}  # tensor -> worst (max_abs, max_rel, bad, size, problem) over the sets
    for index, s in enumerate(manifest["sets"]):
        out_dir = os.path.join(work, "out", str(index))
        for name, ref_path in s["reference"].items():
            ref = np.load(ref_path)
            path = os.path.join(out_dir, output_file_name(name))
            if not os.path.exists(path):
                result = (None, None, None, ref.size, "the bundle wrote no output")
            else:
                max_abs, max_rel, bad, problem = compare_arrays(np.load(path), ref, rtol, atol)
                result = (max_abs, max_rel, bad, ref.size, problem)
            key = (name, describe(ref))
            old = results.get(key)
            if old is None or _worse(result, old):
                results[key] = result

    def ok(r):
        return r[3] is not None and r[4] is None and r[2] == 0

    def text(r):
        if r[4]:
            return r[4]
        return f"max_abs={r[0]:.3e} max_rel={r[1]:.3e}, {r[2]}/{r[3]} elements outside"

    outputs = manifest["outputs"]
    print(f"sets: {', '.join(s['name'] + ' (' + s['description'] + ')' for s in manifest['sets'])}")
    width = max([len(n) for n in outputs] + [6])
    print(f"  {'output':<{width}}  {'tensor':<20}  {'max_abs':>10}  {'max_rel':>10}  "
          f"{'outside':>14}  result")
    failed = 0
    for (name, shape), r in results.items():
        if name not in outputs:
            continue
        status = "ok" if ok(r) else "FAIL"
        failed += status != "ok"
        if r[4]:
            print(f"  {name:<{width}}  {shape:<20}  {r[4]}  FAIL")
            continue
        print(f"  {name:<{width}}  {shape:<20}  {r[0]:>10.3e}  {r[1]:>10.3e}  "
              f"{str(r[2]) + '/' + str(r[3]):>14}  {status}")

    if manifest["per_node"]:
        by_tensor = {name: r for (name, _), r in results.items()}
        nodes = manifest["nodes"]
        compared = sum(len(n["outputs"]) for n in nodes)
        print(f"per-node: {len(nodes)} nodes, {compared} tensors compared in topological order")
        divergent = []
        for node in nodes:
            worst = None
            for tensor in node["outputs"]:
                r = by_tensor.get(tensor)
                if r is not None and not ok(r):
                    worst = (tensor, r)
                    break
            if worst:
                divergent.append((node, worst))
        if divergent:
            node, (tensor, r) = divergent[0]
            print(f"first divergent node: '{node['name']}' ({node['op_type']}), output "
                  f"'{tensor}': {text(r)}")
            rest = divergent[1:]
            later = nodes[nodes.index(node) + 1:]
            names = ", ".join(f"'{n['name']}' ({n['op_type']})" for n, _ in rest[:8])
            more = f", ... ({len(rest) - 8} more)" if len(rest) > 8 else ""
            print(f"after it: {len(rest)} of {len(later)} later nodes also outside tolerance"
                  + (f": {names}{more}" if rest else ""))
            failed += 1
        else:
            print("per-node: every compared tensor is within tolerance")
            if failed:
                print("note: the per-node bundle keeps every intermediate tensor, so it is fused "
                      "differently from the model's own bundle")

    if failed:
        print("verify: FAIL")
        return 1
    print(f"verify: PASS ({len(outputs)} output(s) within tolerance)")
    return 0


def _worse(a, b):
    """Whether result a is worse than b (problems first, then more elements outside)."""
    if (a[4] is not None) != (b[4] is not None):
        return a[4] is not None
    if a[4] is not None:
        return False
    return (a[2], a[0]) > (b[2], b[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--model", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--per-node", action="store_true")
    p.add_argument("--input", action="append")
    p.add_argument("--input-shape", action="append")
    p.add_argument("--freeze", action="append")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reference", choices=["auto", "onnxruntime", "test-data"], default="auto")
    c = sub.add_parser("compare")
    c.add_argument("--work", required=True)
    c.add_argument("--rtol", type=float, default=1e-3)
    c.add_argument("--atol", type=float, default=1e-5)
    args = parser.parse_args()
    return prepare(args) if args.command == "prepare" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
