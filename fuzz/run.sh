#!/usr/bin/env bash
#===- fuzz/run.sh - Build and run the AMKCheckpoint fuzzer -----------------===#
#
# Part of the AMK project.
#
# Usage: fuzz/run.sh [SECONDS]   (default 60)
# Seeds: fuzz/corpus, written by test/Checkpoint/Inputs/make_inputs.py
# --fuzz-corpus fuzz/corpus; fuzz/import.dict holds format tokens.
# Builds amk-fuzz-import with clang++-22 -fsanitize=fuzzer,address,undefined
# against the shared libLLVM, then fuzzes for SECONDS from the seed corpus
# fuzz/corpus (read-only; new inputs go to a scratch directory). Exits non-zero
# on a crash, leak or sanitizer report; the reproducer is left in
# $AMK_FUZZ_WORK (default /tmp/amk-fuzz-import) as crash-*, leak-*, ...
#
#===------------------------------------------------------------------------===#
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
WORK="${AMK_FUZZ_WORK:-/tmp/amk-fuzz-import}"
LLVM_CONFIG="${LLVM_CONFIG:-llvm-config-22}"
mkdir -p "$WORK/corpus"

# -fno-rtti matches libLLVM; the vptr check needs RTTI, so it is left out.
FLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize=vptr
       -fno-sanitize-recover=all -fno-rtti -I"$ROOT/include" -I"$ROOT/lib/Checkpoint")
clang++-22 $("$LLVM_CONFIG" --cxxflags) "${FLAGS[@]}" \
  "$HERE/amk-fuzz-import.cpp" "$ROOT"/lib/Checkpoint/*.cpp "$ROOT"/lib/Support/*.cpp \
  $("$LLVM_CONFIG" --ldflags) $("$LLVM_CONFIG" --libs support) \
  -Wl,-rpath,"$("$LLVM_CONFIG" --libdir)" -o "$WORK/amk-fuzz-import"

cd "$WORK"
exec ./amk-fuzz-import -max_total_time="$SECONDS_TO_RUN" -max_len=8192 \
  -timeout=10 -rss_limit_mb=2048 -dict="$HERE/import.dict" \
  -print_final_stats=1 corpus "$HERE/corpus"
