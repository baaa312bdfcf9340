#!/usr/bin/env bash
# run-example.sh - the main job: installs dependencies, builds modelc, then builds the
# downstream example project examples/classify against modelc's build tree package
# (find_package(modelc) + modelc_add_model, which compiles examples/models/tiny_cnn.onnx at
# build time) and classifies the sample image (or the image given as $1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target modelc
out=build/examples/classify
rm -rf "$out"
cmake -S examples/classify -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -Dmodelc_DIR="$root/build/lib/cmake/modelc"
cmake --build "$out"
"$out/classify" "${1:-examples/classify/sample.ppm}"
