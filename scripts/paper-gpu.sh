#!/usr/bin/env bash
#===- scripts/paper-gpu.sh - The paper tool's schedules run on the GPU -----===#
#
# Part of the AMK project. Not run in CI.
#
# The paper tool's own schedules (test/Target/JSON/paper/Inputs), lowered as
# they were scheduled, run on the GPU against HF's goldens. Two halves:
#
#   here (MLIR):     scripts/paper-gpu.sh prepare [DIR]
#     for every fixture whose target is the GPU's chip (TARGET, default h100,
#     i.e. sm_90a for an H100/H200): --import-amk-json, the position pin
#     dropped (the tool's shard boundaries then serve every position: a
#     shard past the position is empty), --amk-lower-megakernel with the
#     tool's own SM placement (--amk-assign-workers first for a schedule
#     with no task placed), --to-ptx into DIR/NAME/kernel.ptx + manifest;
#     each table is checked once with `amk-run --cpu --golden` here.
#   GPU machine:     scripts/paper-gpu.sh check [DIR]
#     (carry DIR; no MLIR needed) builds amk-run (cmake, runtime only) unless
#     AMKRUN names one, then runs every kernel teacher-forced against its
#     model's golden (`amk-run --golden`: logits within 1e-4 for fp32 KV
#     caches, 2e-2 for bf16); prints one line per fixture, exits 1 if any
#     failed.
#
# DIR defaults to gpu-paper/ (git-ignored build output is fine anywhere).
#===----------------------------------------------------------------------===#
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODE="${1:-}"
DIR="${2:-gpu-paper}"
TARGET="${TARGET:-h100}"
FIXTURES=test/Target/JSON/paper/Inputs

# model NAME: the test model a fixture was lowered from.
model() { echo "$1" | sed 's/-pos[0-9]*-.*//'; }

prepare() {
  local bin=build/bin failed=0
  ./scripts/build.sh amk-opt amk-translate amk-run >/dev/null || exit 1
  rm -rf "$DIR" && mkdir -p "$DIR"
  for json in "$FIXTURES"/*-"$TARGET"*.json; do
    local name m
    name="$(basename "$json" .json)"
    m="$(model "$name")"
    mkdir -p "$DIR/$name"
    # A schedule with no task placed runs on SM 0 in the tool's loader:
    # AMK's --amk-assign-workers places it (the others keep the tool's SMs).
    local assign=()
    grep -q '"sm": [0-9]' "$json" || assign=(--amk-assign-workers)
    if ! "$bin/amk-translate" --import-amk-json "$json" \
         | sed -E '/^ *amk\.program /s/ position [0-9]+//' \
         | "$bin/amk-opt" "${assign[@]}" --amk-lower-megakernel \
         | "$bin/amk-translate" --to-ptx -o "$DIR/$name/kernel.ptx"; then
      echo "FAIL $name: lowering"; failed=1; continue
    fi
    echo "$m" > "$DIR/$name/model"
    if "$bin/amk-run" --cpu --model "test/models/$m" \
         --kernel "$DIR/$name/kernel.ptx" \
         --golden "test/models/$m/golden.json" > "$DIR/$name/cpu.txt" 2>&1; then
      echo "cpu  $name: $(grep '^golden:' "$DIR/$name/cpu.txt")"
    else
      echo "FAIL $name: amk-run --cpu"; tail -3 "$DIR/$name/cpu.txt"; failed=1
    fi
  done
  echo "ready: carry $DIR and run scripts/paper-gpu.sh check $DIR on the GPU machine"
  exit $failed
}

check() {
  local amkrun="${AMKRUN:-}" failed=0 runs=0
  if [ -z "$amkrun" ]; then
    amkrun="$(scripts/gpu-build-runtime.sh "$(mktemp -d)/build" | head -1)"
    [ -n "$amkrun" ] || {
      echo "paper-gpu: cannot build amk-run (set AMKRUN)" >&2; exit 1; }
  fi
  for kernel in "$DIR"/*/kernel.ptx; do
    local name m out
    name="$(basename "$(dirname "$kernel")")"
    m="$(cat "$(dirname "$kernel")/model")"
    runs=$((runs + 1))
    if out="$("$amkrun" --model "test/models/$m" --kernel "$kernel" \
               --golden "test/models/$m/golden.json" 2>&1)"; then
      echo "gpu  $name: $(echo "$out" | grep '^golden:')"
    else
      echo "FAIL $name:"; echo "$out" | tail -3; failed=$((failed + 1))
    fi
  done
  echo "paper-gpu: $runs fixtures, $failed failed"
  [ "$runs" -gt 0 ] && [ "$failed" -eq 0 ]
}

case "$MODE" in
  prepare) prepare ;;
  check) check ;;
  *) echo "usage: scripts/paper-gpu.sh prepare|check [DIR]" >&2; exit 1 ;;
esac
