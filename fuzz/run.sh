#!/usr/bin/env bash
#===- fuzz/run.sh - Build and run the AMK fuzzers --------------------------===#
#
# Part of the AMK project.
#
# Usage: fuzz/run.sh [SECONDS]   (default 60, split between the two targets)
#
# amk-fuzz-import: the AMKCheckpoint readers (safetensors header, shard index,
#   config.json). Built with clang++-22 -fsanitize=fuzzer,address,undefined
#   from the sources. Seeds: fuzz/corpus (written by
#   test/Checkpoint/Inputs/make_inputs.py --fuzz-corpus fuzz/corpus);
#   fuzz/import.dict holds format tokens.
# amk-fuzz-schedule: the schedule pipeline (JSON import or MLIR parse, verify,
#   --amk-validate, --amk-schedule-stats, JSON export). Only the harness is
#   instrumented; it links the project's libraries from BUILD_DIR (default
#   build/, built by scripts/build.sh) and the shared libMLIR, so crashes,
#   aborts, hangs and memory blow-ups are caught but coverage guides the
#   harness only. Seeds: fuzz/corpus-schedule; fuzz/schedule.dict.
#
# Seed directories are read-only; new inputs go to scratch directories. Exits
# non-zero on a crash, leak, timeout or sanitizer report; the reproducer is
# left in $AMK_FUZZ_WORK (default /tmp/amk-fuzz) as crash-*, leak-*, ...
#
#===------------------------------------------------------------------------===#
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
WORK="${AMK_FUZZ_WORK:-/tmp/amk-fuzz}"
LLVM_CONFIG="${LLVM_CONFIG:-llvm-config-22}"
LIBDIR="$("$LLVM_CONFIG" --libdir)"
mkdir -p "$WORK/import" "$WORK/schedule"

# -fno-rtti matches libLLVM; the vptr check needs RTTI, so it is left out.
FLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize=vptr
       -fno-sanitize-recover=all -fno-rtti -I"$ROOT/include")
clang++-22 $("$LLVM_CONFIG" --cxxflags) "${FLAGS[@]}" -I"$ROOT/lib/Checkpoint" \
  "$HERE/amk-fuzz-import.cpp" "$ROOT"/lib/Checkpoint/*.cpp "$ROOT"/lib/Support/*.cpp \
  $("$LLVM_CONFIG" --ldflags) $("$LLVM_CONFIG" --libs support) \
  -Wl,-rpath,"$LIBDIR" -o "$WORK/amk-fuzz-import"
LIBS=()
for lib in AMKTargetJSON AMKTransforms AMKAnalysis AMKDialect AMKTargetInfo AMKSupport; do
  LIBS+=("$BUILD_DIR/lib/lib$lib.a")
done
clang++-22 $("$LLVM_CONFIG" --cxxflags) "${FLAGS[@]}" -I"$BUILD_DIR/include" \
  "$HERE/amk-fuzz-schedule.cpp" -Wl,--start-group "${LIBS[@]}" -Wl,--end-group \
  -L"$LIBDIR" -lMLIR -lLLVM -Wl,-rpath,"$LIBDIR" -o "$WORK/amk-fuzz-schedule"

HALF=$(( (SECONDS_TO_RUN + 1) / 2 ))
COMMON=(-max_total_time="$HALF" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1)
cd "$WORK/import"
../amk-fuzz-import "${COMMON[@]}" -max_len=8192 -dict="$HERE/import.dict" \
  . "$HERE/corpus"
# -close_fd_mask=3: the passes' diagnostics and statistics are noise here.
cd "$WORK/schedule"
../amk-fuzz-schedule "${COMMON[@]}" -max_len=16384 -close_fd_mask=3 \
  -dict="$HERE/schedule.dict" . "$HERE/corpus-schedule"
