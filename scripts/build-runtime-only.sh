#!/usr/bin/env bash
#===- scripts/build-runtime-only.sh - Build the runtime without MLIR ------===#
#
# Configures and builds lib/Kernels, lib/Runtime and amk-run alone
# (-DAMK_RUNTIME_ONLY=ON) into DIR (default build/runtime-only), then checks
# that amk-run links nothing of LLVM or MLIR and decodes the hand-made table
# of test/Runtime on the CPU.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DIR="${1:-build/runtime-only}"
LAUNCHER=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "$DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$DIR" "${LAUNCHER[@]}" -DAMK_RUNTIME_ONLY=ON \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$DIR" ${JOBS:+-j "$JOBS"} amk-run amk_runtime
if ldd "$DIR/bin/amk-run" | grep -Ei 'llvm|mlir'; then
  echo "error: amk-run links LLVM/MLIR" >&2
  exit 1
fi
IN=test/Runtime/Inputs
out="$("$DIR/bin/amk-run" --cpu --model "$IN/model" --kernel "$IN/counter.ptx" \
  --prompt 3 --max-new-tokens 4)"
echo "$out"
grep -qx "tokens: 4,5,6,7" <<<"$out"
