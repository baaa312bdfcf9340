#!/usr/bin/env bash
# run-example.sh - the main job: installs dependencies, builds modelc, compiles the example
# model into a bundle, builds the downstream example project against it and runs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target modelc
out=build/examples/classify
rm -rf "$out" && mkdir -p "$out"
build/bin/modelc examples/models/tiny_cnn.onnx -o "$out/bundle" --name tiny_cnn
cmake -S examples/classify -B "$out/build" -G Ninja -DMODELC_BUNDLE_DIR="$root/$out/bundle"
cmake --build "$out/build"
"$out/build/classify"
