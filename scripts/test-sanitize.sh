#!/usr/bin/env bash
# test-sanitize.sh - the test suite under AddressSanitizer + UndefinedBehaviorSanitizer, and the
# importer's fuzzer.
#
# Builds modelc with clang++ (-O1 -g, assertions on), ASan+UBSan (-fno-sanitize-recover: any
# UBSan report aborts) and the libFuzzer target, in build-sanitize/ (or $MODELC_SANITIZE_BUILD_DIR),
# then runs ctest there: lit, the unit tests, the malformed-model set, the fuzz seed corpus and a
# MODELC_FUZZ_SECONDS (default 90) fuzzing campaign, e2e_node_cpu on every
# MODELC_SANITIZE_E2E_SAMPLE-th case (default 64), e2e_node_cpu_O0 on every 256th, the default
# model tests and the concurrency test. The e2e bundles are compiled with ASan+UBSan too, so
# the generated kernels and runtime_min run sanitized. The CUDA compile
# checks, the warning checks and the TSan test are left to the normal build (scripts/test.sh).
# Sanitizer reports abort (abort_on_error), so `not modelc ...` in a lit test cannot hide one.
# Extra arguments go to ctest (e.g. -R lit).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install-deps.sh
build=${MODELC_SANITIZE_BUILD_DIR:-build-sanitize}
sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMODELC_SANITIZE=ON -DMODELC_FUZZ=ON \
  -DMODELC_E2E_SAMPLE="${MODELC_SANITIZE_E2E_SAMPLE:-64}" -DMODELC_E2E_O0_SAMPLE=256 -DMODELC_TEST_EXTRA=OFF -DMODELC_FUZZ_SECONDS="${MODELC_FUZZ_SECONDS:-90}" \
  "-DMODELC_E2E_CXXFLAGS=$sanitizers -g"
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=abort_on_error=1:halt_on_error=1:detect_leaks=1:check_initialization_order=1
export UBSAN_OPTIONS=abort_on_error=1:halt_on_error=1:print_stacktrace=1
ctest --test-dir "$build" --output-on-failure -E 'cuda|warnings|tsan|models_extra' "$@"
