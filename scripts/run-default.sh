#!/usr/bin/env bash
#===- scripts/run-default.sh - The main job on the bundled default model --===#
#
# The first README command: installs packages, builds, and runs the pipeline
# as far as it goes today on the bundled default model (a tiny Llama-3-style
# checkpoint, tied embeddings and llama3 rope, like Llama 3.2):
#   import (--import-hf) -> schedule + validate (--amk-compile) -> statistics
#   -> one greedy decode of the scheduled program on the CPU reference
#   executor, checked against HF's golden tokens and logits.
# (Lowering to the GPU megakernel, PTX and the GPU runtime do not exist yet.)
# MODEL and CHIP override the model directory and the target chip.
# Outputs go to build/default/.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODEL="${MODEL:-test/models/llama3-bf16}"
CHIP="${CHIP:-sm_90a}"
OUT=build/default
BIN=build/bin

./scripts/setup.sh
./scripts/build.sh
mkdir -p "$OUT"

echo "== import $MODEL"
"$BIN/amk-translate" --import-hf "$MODEL" -o "$OUT/model.mlir"
grep -c "amk.task" "$OUT/model.mlir" | sed 's/^/naive tasks: /'

echo "== validate the naive schedule"
"$BIN/amk-opt" "$OUT/model.mlir" --amk-validate=stats -o /dev/null

echo "== schedule for $CHIP, validate, statistics"
"$BIN/amk-opt" "$OUT/model.mlir" --amk-compile="chip=$CHIP" \
  --amk-schedule-stats -o "$OUT/scheduled.mlir"
echo "scheduled program: $OUT/scheduled.mlir"

echo "== run the scheduled program on the CPU reference executor vs HF's golden"
"$BIN/amk-ref-run" "$OUT/scheduled.mlir" --weights "$MODEL" \
  --golden "$MODEL/golden.json" --shuffle 1
