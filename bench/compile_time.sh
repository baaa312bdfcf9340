#!/usr/bin/env bash
# compile_time.sh - how long modelc takes on a model and how long its bundle takes to build.
#
# Usage: bench/compile_time.sh MODEL.onnx [WORK_DIR] [-- extra modelc arguments]
#
# Prints modelc's wall time, CPU time and peak RSS (GNU time), the bundle's size, and the wall
# and CPU time of configuring and building the bundle with CMake + Ninja on all cores, the way a
# downstream project would. run_bench.py writes the benchmark models (e.g. resnet50.onnx) into
# its --work directory. Issue 4's targets for ResNet-50: compile <= 20 s with <= 2 GB peak RSS,
# bundle build <= 60 s on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:?usage: compile_time.sh MODEL.onnx [WORK_DIR] [-- modelc args]}
shift
work=${1:-$(mktemp -d)}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
modelc=${MODELC:-$root/build/bin/modelc}
name=$(basename "$model" .onnx)
bundle=$work/$name
rm -rf "$bundle"
mkdir -p "$work"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "modelc: %e s wall, %U s user + %S s sys, peak RSS %M KB" \
  "$modelc" "$model" -o "$bundle" --name "$name" "$@"
echo "bundle: $(du -sh "$bundle" | cut -f1) ($(du -sh "$bundle/$name.weights.bin" | cut -f1) weights)"
/usr/bin/time -f "bundle build: %e s wall, %U s user + %S s sys, peak RSS %M KB" \
  sh -c "cmake -S '$bundle' -B '$bundle/build' -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null &&
         cmake --build '$bundle/build' -j$(nproc) >/dev/null"
