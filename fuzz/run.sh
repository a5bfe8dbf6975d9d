#!/usr/bin/env bash
#===- fuzz/run.sh - Build and run the AMK fuzzers --------------------------===#
#
# Part of the AMK project.
#
# Usage: fuzz/run.sh [SECONDS]   (default 60, split between the three targets)
#
# amk-fuzz-import: the AMKCheckpoint readers (safetensors header, shard index,
#   config.json). Built with clang++-22 -fsanitize=fuzzer,address,undefined
#   from the sources. Seeds: fuzz/corpus (written by
#   test/Checkpoint/Inputs/make_inputs.py --fuzz-corpus fuzz/corpus);
#   fuzz/import.dict holds format tokens.
# amk-fuzz-schedule: the schedule pipeline (JSON import or MLIR parse, verify,
#   --amk-validate, --amk-schedule-stats, JSON export). The JSON importer and
#   exporter (lib/Target/JSON), the shared readers (lib/Support) and the
#   validator (lib/Analysis) are compiled here with coverage instrumentation
#   (-fsanitize=fuzzer-no-link), so coverage guides the fuzzer through them;
#   the other project libraries come from BUILD_DIR (default build/, built by
#   scripts/build.sh, which also generates the dialect's headers) and MLIR is
#   the shared libMLIR. Seeds: fuzz/corpus-schedule; fuzz/schedule.dict.
# amk-fuzz-manifest: the runtime's manifest reader and verifier
#   (lib/Runtime, lib/Kernels: no LLVM), then one CPU step of every table the
#   verifier accepts, which must never reach outside a buffer. Built from
#   the sources with -fsanitize=fuzzer,address,undefined. Seeds:
#   fuzz/corpus-manifest (the runtime test's counter model, a lowered
#   split-KV schedule of the paper tool, a table with a page, and `edits`:
#   inputs starting with byte 1 are edits of the paper schedule's table,
#   buffers and facts, see the target); fuzz/manifest.dict.
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
mkdir -p "$WORK/import" "$WORK/schedule" "$WORK/manifest"

# -fno-rtti matches libLLVM; the vptr check needs RTTI, so it is left out.
FLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize=vptr
       -fno-sanitize-recover=all -fno-rtti -I"$ROOT/include")
clang++-22 $("$LLVM_CONFIG" --cxxflags) "${FLAGS[@]}" -I"$ROOT/lib/Checkpoint" \
  "$HERE/amk-fuzz-import.cpp" "$ROOT"/lib/Checkpoint/*.cpp "$ROOT"/lib/Support/*.cpp \
  $("$LLVM_CONFIG" --ldflags) $("$LLVM_CONFIG" --libs support) \
  -Wl,-rpath,"$LIBDIR" -o "$WORK/amk-fuzz-import"
# The runtime has no LLVM: RTTI and exceptions on (nlohmann-json).
RUNTIME_SOURCES=()
for f in "$ROOT"/lib/Runtime/*.cpp "$ROOT"/lib/Kernels/*.cpp; do
  [ "$(basename "$f")" = CApi.cpp ] || RUNTIME_SOURCES+=("$f")
done
clang++-22 -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=all -I"$ROOT/include" -I"$ROOT/lib/Runtime" \
  "$HERE/amk-fuzz-manifest.cpp" "${RUNTIME_SOURCES[@]}" -ldl \
  -o "$WORK/amk-fuzz-manifest"
# Instrumented objects of the libraries coverage should reach; their symbols
# then never pull the uninstrumented archive members of BUILD_DIR.
# Private to this run: two runs sharing WORK must not delete each other's.
OBJ="$(mktemp -d "$WORK/obj.XXXXXX")"
trap 'rm -rf "$OBJ"' EXIT
CC_OBJ=(clang++-22 $("$LLVM_CONFIG" --cxxflags) -g -O1
        -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr
        -fno-sanitize-recover=all -fno-rtti -I"$ROOT/include"
        -I"$BUILD_DIR/include" -I"$ROOT/lib/Target/JSON")
command -v ccache >/dev/null && CC_OBJ=(ccache "${CC_OBJ[@]}")
export OBJ
printf '%s\n' "$ROOT"/lib/Target/JSON/*.cpp "$ROOT"/lib/Support/*.cpp \
  "$ROOT"/lib/Analysis/*.cpp "$ROOT"/lib/Analysis/Validator/*.cpp |
  xargs -P "$(nproc)" -I{} sh -c '"$@" -c "{}" -o "$OBJ/$(basename {} .cpp).o"' \
    _ "${CC_OBJ[@]}"
LIBS=()
for lib in AMKTransforms AMKDialect AMKTargetInfo; do
  LIBS+=("$BUILD_DIR/lib/lib$lib.a")
done
clang++-22 $("$LLVM_CONFIG" --cxxflags) "${FLAGS[@]}" -I"$BUILD_DIR/include" \
  "$HERE/amk-fuzz-schedule.cpp" "$OBJ"/*.o \
  -Wl,--start-group "${LIBS[@]}" -Wl,--end-group \
  -L"$LIBDIR" -lMLIR -lLLVM -Wl,-rpath,"$LIBDIR" -o "$WORK/amk-fuzz-schedule"

HALF=$(( (SECONDS_TO_RUN + 2) / 3 ))
COMMON=(-max_total_time="$HALF" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1)
cd "$WORK/import"
../amk-fuzz-import "${COMMON[@]}" -max_len=8192 -dict="$HERE/import.dict" \
  . "$HERE/corpus"
# -close_fd_mask=3: the passes' diagnostics and statistics are noise here.
cd "$WORK/schedule"
../amk-fuzz-schedule "${COMMON[@]}" -max_len=16384 -close_fd_mask=3 \
  -dict="$HERE/schedule.dict" . "$HERE/corpus-schedule"
cd "$WORK/manifest"
AMK_FUZZ_MANIFEST_SEED="$HERE/corpus-manifest/paper-split.json" \
../amk-fuzz-manifest "${COMMON[@]}" -max_len=32768 \
  -dict="$HERE/manifest.dict" . "$HERE/corpus-manifest"
