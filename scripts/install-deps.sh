#!/usr/bin/env bash
# install-deps.sh: installs what building and testing modelc needs, and nothing already present.
# Idempotent: Debian packages are checked with dpkg first, Python packages with pip's import test.
set -euo pipefail

debs=(llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools libprotobuf-dev protobuf-compiler
      libonnx-dev libfmt-dev libcli11-dev libgtest-dev ninja-build cmake g++ clang
      libclang-rt-14-dev)  # clang's sanitizer and libFuzzer runtimes (scripts/test-sanitize.sh)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
# scikit-learn: its bundled digits data set trains examples/digits (nothing is downloaded).
if ! "$PY" -c "import onnx, onnxruntime, numpy, sklearn, jsonschema" 2>/dev/null; then
  "$PY" -m pip install -q onnx onnxruntime numpy scikit-learn jsonschema
fi
echo "install-deps: ok"
