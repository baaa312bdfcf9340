#!/usr/bin/env bash
# fuzz.sh - a time-bounded libFuzzer campaign against the ONNX importer and the pass pipeline.
#
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR]     (defaults: 90, build-sanitize)
#
# Needs modelc-fuzz-import from a -DMODELC_FUZZ=ON build (scripts/test-sanitize.sh makes one).
# Starts from the seed corpus test/fuzz/corpus and the fixed crashes test/fuzz/regressions,
# grows a working corpus in BUILD_DIR/fuzz/corpus (kept between runs), and fails on the first
# crash, leak, sanitizer report, timeout (> 10 s for one input) or out-of-memory (> 2 GiB);
# the input that caused it is written to BUILD_DIR/fuzz/artifacts/. To make it a regression
# test, fix the bug, then copy the file into test/fuzz/regressions/ with a name saying what it
# checks. FUZZ_JOBS=N runs N fuzzing processes in parallel (default 1). FUZZ_SEED=N sets
# libFuzzer's random seed (default 1, so that the CI campaign explores the same inputs on every
# run and a failure reproduces; FUZZ_SEED=0 picks a new seed each run, for longer hunts).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-90}
build=${2:-build-sanitize}
fuzzer="$build/bin/modelc-fuzz-import"
if [ ! -x "$fuzzer" ]; then
  echo "fuzz.sh: no $fuzzer; build with scripts/test-sanitize.sh (or -DMODELC_FUZZ=ON)" >&2
  exit 2
fi
work="$build/fuzz"
mkdir -p "$work/corpus" "$work/artifacts"
jobs=${FUZZ_JOBS:-1}
extra=(-seed="${FUZZ_SEED:-1}")
if [ "$jobs" -gt 1 ]; then
  extra+=(-fork="$jobs")
fi
echo "fuzz.sh: fuzzing modelc's importer and pipeline for ${seconds} s (${jobs} job(s), seed ${FUZZ_SEED:-1})"
start=$(date +%s)
status=0
# libFuzzer exits non-zero on any finding; ASan/UBSan abort so that it catches them.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-abort_on_error=1:halt_on_error=1:print_stacktrace=1} \
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "${extra[@]}" \
  "$work/corpus" test/fuzz/corpus test/fuzz/regressions > "$work/log.txt" 2>&1 || status=$?
grep -E "^(stat::|Done )" "$work/log.txt" || true
if [ "$status" -ne 0 ]; then
  echo "fuzz.sh: the fuzzer found a problem (exit $status); input in $work/artifacts/:" >&2
  ls -l "$work/artifacts" >&2
  tail -n 60 "$work/log.txt" >&2
  exit 1
fi
echo "fuzz.sh: no crash in $(($(date +%s) - start)) s; corpus $(ls "$work/corpus" | wc -l) inputs"
