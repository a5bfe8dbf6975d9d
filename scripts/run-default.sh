#!/usr/bin/env bash
#===- scripts/run-default.sh - The main job on the bundled default model --===#
#
# The first README command: installs packages, builds, and runs the pipeline
# as far as it goes today on the bundled default model (a tiny Llama-3-style
# checkpoint, tied embeddings and llama3 rope, like Llama 3.2):
#   import (--import-hf) -> schedule + validate (--amk-compile) -> statistics
#   -> one greedy decode of the scheduled program on the CPU reference
#   executor, checked against HF's golden tokens and logits.
#   -> lower to one persistent kernel (--amk-lower-megakernel) -> PTX
#   (--to-ptx, checked with ptxas) -> amk-run: on the GPU when there is one,
#   else the kernel's task table on the CPU, against the same golden.
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

echo "== lower to one persistent kernel, PTX for $CHIP"
"$BIN/amk-opt" "$OUT/scheduled.mlir" --amk-lower-megakernel -o "$OUT/lowered.mlir"
rm -f "$OUT/model.ptx" "$OUT/model.manifest.json"
if "$BIN/amk-translate" --to-ptx "$OUT/lowered.mlir" -o "$OUT/model.ptx" \
     2>"$OUT/to-ptx.log"; then
  PTXAS="$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)"
  if [ -x "$PTXAS" ]; then
    "$PTXAS" -arch="$CHIP" -v "$OUT/model.ptx" -o "$OUT/model.cubin" 2>&1 \
      | grep -E "registers|spill" || true
  fi
else
  # Until --to-ptx exists, the manifest comes from the lowered module.
  echo "no PTX ($(head -1 "$OUT/to-ptx.log")): the task table runs on the CPU"
  python3 utils/extract_manifest.py "$OUT/lowered.mlir" "$OUT/model.manifest.json"
fi

if [ -f "$OUT/model.ptx" ] && nvidia-smi -L >/dev/null 2>&1; then
  echo "== run the megakernel on the GPU vs HF's golden"
  "$BIN/amk-run" --model "$MODEL" --kernel "$OUT/model.ptx" \
    --golden "$MODEL/golden.json"
else
  echo "== run the megakernel's task table on the CPU (amk-run --cpu) vs HF's golden"
  "$BIN/amk-run" --cpu --model "$MODEL" --kernel "$OUT/model.ptx" \
    --golden "$MODEL/golden.json"
fi
