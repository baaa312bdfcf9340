#!/usr/bin/env python3
"""make_corpus.py - writes the seed corpus of modelc-fuzz-import into test/fuzz/corpus/.

Usage: make_corpus.py [OUT_DIR]   (default: the corpus/ folder next to this script)

The seeds are the small valid models of the importer's lit tests (test/Inputs/make_onnx.py:
every op family, old and new opsets, typed and raw data), the malformed-model set
(test/malformed/make_malformed.py), and a few models whose external data refers to
`weights.bin`, the 4 KiB file the fuzzer places in its private model directory. Models whose
builders need files next to them (external data, symlinks) are left out except those. The
output is deterministic; rerun the script after changing the builders and commit the result.
"""

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TEST, "Inputs"))
sys.path.insert(0, os.path.join(TEST, "malformed"))

import numpy as np  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import make_malformed  # noqa: E402
import make_onnx  # noqa: E402

# make_onnx builders that read or write files next to the model, or that are duplicates
# of malformed cases.
SKIP_LIT = {"external_data", "external_escape", "external_absolute", "external_missing",
            "external_short", "external_symlink", "truncated", "garbage"}
SKIP_MALFORMED = {"external_symlink_escape", "external_directory", "external_offset_overflow",
                  "external_bad_length"}
MAX_TOTAL_BYTES = 1 << 20


def external_seeds():
    """Models reading weights.bin (4096 bytes) from the fuzzer's model directory."""
    def ext(t, offset=None, length=None):
        return make_malformed.external(t, "weights.bin", offset, length)

    w = numpy_helper.from_array(np.zeros((16, 16), np.float32), "w")
    v = numpy_helper.from_array(np.zeros((4, 2), np.float32), "v")
    yield "ext_matmul", make_malformed.matmul_with(ext(w))
    yield "ext_offset", make_malformed.matmul_with(ext(v, offset=2048, length=32), (3, 4))
    yield "ext_int64", make_malformed.model(
        [helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
        [make_malformed.vi("x", [6])], [make_malformed.vi("y", None)],
        [ext(make_malformed.tensor("s", [2], TensorProto.INT64), offset=0, length=16)])


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(HERE, "corpus")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    seeds = {}
    for name, build in sorted(make_onnx.MODELS.items()):
        if name not in SKIP_LIT:
            m = build(os.path.join(out, "unused"))
            seeds["lit_" + name] = m.SerializeToString()
    with tempfile.TemporaryDirectory() as scratch:
        for name, (build, _) in sorted(make_malformed.CASES.items()):
            if name in SKIP_MALFORMED:
                continue
            result = build(scratch)
            seeds["malformed_" + name] = (result if isinstance(result, bytes)
                                          else result.SerializeToString())
    for name, m in external_seeds():
        seeds[name] = m.SerializeToString()
    total = 0
    for name, data in sorted(seeds.items()):
        with open(os.path.join(out, name + ".onnx"), "wb") as f:
            f.write(data)
        total += len(data)
    if total > MAX_TOTAL_BYTES:
        sys.exit(f"make_corpus.py: the corpus has {total} bytes, more than {MAX_TOTAL_BYTES}")
    print(f"wrote {len(seeds)} seeds, {total} bytes, to {out}")


if __name__ == "__main__":
    main(sys.argv)
