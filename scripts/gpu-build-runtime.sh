#!/usr/bin/env bash
#===- scripts/gpu-build-runtime.sh - The runtime on the GPU machine -------===#
#
# Part of the AMK project.
#
# The one way the GPU-machine scripts (gpu-check.sh, paper-gpu.sh,
# bench/tune_gpu.sh, bench/bench_decode.py) get amk-run and
# libamk_runtime.so there (no MLIR, maybe no registry): cmake with
# -DAMK_RUNTIME_ONLY=ON into BUILD_DIR; else g++ directly (amk-run only);
# else PREBUILT (a static amk-run that gpu-prepare.sh made). INCLUDE is a
# directory with the nlohmann-json headers (gpu-prepare.sh copies them into
# its artifacts) when the machine has none. Prints two lines: the amk-run
# path and how it was built (cmake, g++, prebuilt); libamk_runtime.so is
# BUILD_DIR/lib/libamk_runtime.so when cmake built it. Logs to BUILD_DIR.log.
#
# usage: scripts/gpu-build-runtime.sh BUILD_DIR [INCLUDE [PREBUILT]]
#===----------------------------------------------------------------------===#
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BUILD="$1"
INC=()
[ -n "${2:-}" ] && INC=(-isystem "$2")
mkdir -p "$(dirname "$BUILD")"
LOG="$BUILD.log"
: >"$LOG"
if command -v cmake >/dev/null &&
   cmake -S . -B "$BUILD" -DAMK_RUNTIME_ONLY=ON -DCMAKE_BUILD_TYPE=Release \
     -DCMAKE_CXX_FLAGS="${INC[*]}" >>"$LOG" 2>&1 &&
   cmake --build "$BUILD" -j "$(nproc)" >>"$LOG" 2>&1; then
  printf '%s\ncmake\n' "$BUILD/bin/amk-run"
elif mkdir -p "$BUILD/bin" &&
     g++ -std=c++17 -O2 -fexceptions -Iinclude "${INC[@]}" \
       -I/usr/local/cuda/include -DAMK_RUNTIME_HAVE_CUDA \
       lib/Kernels/*.cpp lib/Runtime/*.cpp tools/amk-run/amk-run.cpp \
       -ldl -o "$BUILD/bin/amk-run" >>"$LOG" 2>&1; then
  printf '%s\ng++\n' "$BUILD/bin/amk-run"
elif [ -n "${3:-}" ] && [ -x "$3" ]; then
  printf '%s\nprebuilt\n' "$3"
else
  echo "gpu-build-runtime: cannot build amk-run (see $LOG)" >&2
  exit 1
fi
