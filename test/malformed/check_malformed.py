#!/usr/bin/env python3
"""check_malformed.py - runs modelc on every model of a directory and checks how it fails.

Usage: check_malformed.py [--modelc PATH] [--expect-exit {0,1}] [-j N] [--timeout S] DIR

For every `*.onnx` under DIR (recursively, in sorted order) it runs
`modelc FILE -o TMP/bundle` and checks that modelc
  - ended by itself: no signal (abort, segfault), no timeout;
  - exited with 0 or 1 and nothing else;
  - printed at least one `error:` line when it exited with 1;
  - printed no sanitizer report (AddressSanitizer, LeakSanitizer, UBSan `runtime error:`),
    when modelc is a sanitizer build;
  - gave the expected exit code exactly, when one is known: from DIR/expected.json (written by
    make_malformed.py: model path relative to DIR -> exit code) or, for every file, from
    --expect-exit.
Files without an expectation (e.g. a directory of models from elsewhere) only need the first
four. For each file it prints `== PATH: exit CODE` and modelc's stderr (for FileCheck), then
a summary line; the exit code is 0 iff every file passed, 1 otherwise, 2 on a usage error.

Examples
  test/malformed/make_malformed.py /tmp/m && test/malformed/check_malformed.py /tmp/m
  test/malformed/check_malformed.py --modelc build-sanitize/bin/modelc ~/fuzz-crashes/
"""

import argparse
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer")


def describe(code):
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


def check_one(modelc, path, rel, expected, timeout):
    """(report text, list of problems) for one model file."""
    with tempfile.TemporaryDirectory(prefix="modelc-malformed-") as tmp:
        cmd = [modelc, str(path), "-o", os.path.join(tmp, "bundle")]
        try:
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"== {rel}: timeout\n", [f"{rel}: no result after {timeout} s"]
    err = proc.stderr.decode(errors="replace")
    code = proc.returncode
    problems = []
    if code < 0 or code > 1:
        problems.append(f"{rel}: {describe(code)} (expected exit code 0 or 1)")
    elif expected is not None and code != expected:
        problems.append(f"{rel}: exit {code}, expected {expected}")
    if code == 1 and "error:" not in err:
        problems.append(f"{rel}: exit 1 without an 'error:' message")
    if SANITIZER_REPORT.search(err):
        problems.append(f"{rel}: sanitizer report")
    # Model paths in messages are printed relative to DIR, so reports do not depend on it.
    err = err.replace(str(path.parent) + "/", "")
    return f"== {rel}: {describe(code)}\n{err}", problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--modelc", default=str(REPO_ROOT / "build" / "bin" / "modelc"))
    ap.add_argument("--expect-exit", type=int, choices=(0, 1),
                    help="exit code every file must give (default: DIR/expected.json, if any)")
    ap.add_argument("-j", "--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args(argv)

    if not args.dir.is_dir():
        print(f"check_malformed.py: error: {args.dir} is not a directory", file=sys.stderr)
        return 2
    expected = {}
    manifest = args.dir / "expected.json"
    if manifest.is_file():
        expected = json.loads(manifest.read_text())
    files = sorted(p for p in args.dir.rglob("*.onnx") if p.is_file())
    if not files:
        print(f"check_malformed.py: error: no .onnx files under {args.dir}", file=sys.stderr)
        return 2
    missing = sorted(set(expected) - {p.relative_to(args.dir).as_posix() for p in files})
    problems = [f"{rel}: listed in expected.json but missing" for rel in missing]

    def run(path):
        rel = path.relative_to(args.dir).as_posix()
        want = args.expect_exit if args.expect_exit is not None else expected.get(rel)
        return check_one(args.modelc, path, rel, want, args.timeout)

    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for report, found in pool.map(run, files):
            sys.stdout.write(report)
            problems += found
    print(f"== checked {len(files)} models: {len(problems)} problems")
    for p in problems:
        print(f"FAIL: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
