#!/usr/bin/env bash
# test.sh - runs every test: installs dependencies, builds modelc and its tests from a clean
# build directory, and runs ctest (lit, unit and end-to-end suites).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install-deps.sh
build=${MODELC_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure "$@"
