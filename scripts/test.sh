#!/usr/bin/env bash
# test.sh - runs every test: installs dependencies, builds modelc and its tests from a clean
# build directory, and runs ctest (lit, unit and end-to-end suites); then the sanitizer stage,
# scripts/test-sanitize.sh: a clang ASan+UBSan build in BUILD-sanitize with lit, unit and a
# sample of the end-to-end suites, the fuzzer's seed corpus and a 90 s fuzzing campaign
# (docs/Testing.md). MODELC_SKIP_SANITIZE=1 skips that stage; MODELC_TEST_FULL=1 runs the
# end-to-end suites unsampled. Arguments go to both ctest runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install-deps.sh
build=${MODELC_BUILD_DIR:-build}
# The default run is the CI subset (under ~30 minutes on 2 cores is the aim): every 4th node
# case on CPU, every 16th at -O0, every 32nd CUDA compile and warning check, the extra models' CUDA compile left
# out. MODELC_TEST_FULL=1 runs every case of every suite check (docs/Testing.md).
if [ "${MODELC_TEST_FULL:-0}" = 1 ]; then
  samples=(-DMODELC_E2E_SAMPLE=1 -DMODELC_E2E_O0_SAMPLE=1 -DMODELC_E2E_CUDA_SAMPLE=1 -DMODELC_E2E_WARNINGS_SAMPLE=1
           -DMODELC_TEST_EXTRA=ON)
  export MODELC_SANITIZE_E2E_SAMPLE=${MODELC_SANITIZE_E2E_SAMPLE:-8}
else
  samples=(-DMODELC_E2E_SAMPLE="${MODELC_E2E_SAMPLE:-4}"
           -DMODELC_E2E_O0_SAMPLE="${MODELC_E2E_O0_SAMPLE:-16}"
           -DMODELC_E2E_CUDA_SAMPLE="${MODELC_E2E_CUDA_SAMPLE:-32}"
           -DMODELC_E2E_WARNINGS_SAMPLE="${MODELC_E2E_WARNINGS_SAMPLE:-32}" -DMODELC_TEST_EXTRA=OFF)
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${samples[@]}"
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure "$@"
if [ "${MODELC_SKIP_SANITIZE:-0}" != 1 ]; then
  MODELC_SANITIZE_BUILD_DIR=${MODELC_SANITIZE_BUILD_DIR:-$build-sanitize} ./scripts/test-sanitize.sh "$@"
fi
