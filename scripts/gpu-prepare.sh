#!/usr/bin/env bash
#===- scripts/gpu-prepare.sh - Make what scripts/gpu-check.sh carries -----===#
#
# Runs HERE (where MLIR is): compiles every test model to PTX + manifest for
# CHIP (default sm_90a) into ARTIFACTS (default gpu-artifacts/, git-ignored),
# likewise the SmolLM2-135M, Llama-3.2-1B and Llama-3-8B shapes (BIG_SHAPES;
# config.json + PTX + manifest, 2048 KV rows), and adds the nlohmann-json
# headers and a prebuilt amk-run, so that the GPU machine (no MLIR, no
# registry) can build or at least run the runtime.
# Then, on the GPU machine: scripts/gpu-check.sh ARTIFACTS (carry ARTIFACTS).
# LOWER_OPTS (default empty) are the --amk-lower-megakernel options of every
# kernel; VARIANTS (e.g. "registers= pages=stage-weights=true") adds, per
# big shape, one kernel per NAME=OPTIONS under big/<shape>/NAME/ for
# bench/bench_decode.py --variants.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ART="${1:-gpu-artifacts}"
CHIP="${CHIP:-sm_90a}"
BIN=build/bin

./scripts/build.sh amk-opt amk-translate amk-run >/dev/null
rm -rf "$ART" build-gpu-rt/fake
mkdir -p "$ART/include" "$ART/bin" build-gpu-rt/fake
cp -r /usr/include/nlohmann "$ART/include/"

models=()
for dir in test/models/*/; do
  model="$(basename "$dir")"
  [ -f "$dir/config.json" ] && [ -f "$dir/golden.json" ] || continue
  mkdir -p "$ART/$model"
  "$BIN/amk-translate" --import-hf "$dir" -o "$ART/$model/model.mlir"
  "$BIN/amk-opt" "$ART/$model/model.mlir" --amk-compile="chip=$CHIP" \
    | "$BIN/amk-opt" --amk-lower-megakernel="${LOWER_OPTS:-}" \
    | "$BIN/amk-translate" --to-ptx -o "$ART/$model/kernel.ptx"
  rm "$ART/$model/model.mlir"
  # The PTX must match the manifest the CPU path checks here.
  "$BIN/amk-run" --cpu --model "$dir" --kernel "$ART/$model/kernel.ptx" \
    --golden "$dir/golden.json" >/dev/null ||
    echo "warning: $model: amk-run --cpu does not match the golden" >&2
  models+=("$model")
done

# Real model shapes (sparse fake checkpoints: headers only) with 2048 KV
# rows; gpu-check.sh makes random bf16 weights for them with transformers.
for shape in ${BIG_SHAPES-smollm2-135m llama3.2-1b llama3-8b}; do
  fake="build-gpu-rt/fake/$shape"
  python3 scripts/make-fake-checkpoint.py "$shape" "$fake" >/dev/null
  mkdir -p "$ART/big/$shape"
  "$BIN/amk-translate" --import-hf "$fake" --kv-rows 2048 \
    | "$BIN/amk-opt" --amk-compile="chip=$CHIP" -o "$fake/schedule.mlir"
  "$BIN/amk-opt" "$fake/schedule.mlir" --amk-lower-megakernel="${LOWER_OPTS:-}" \
    | "$BIN/amk-translate" --to-ptx -o "$ART/big/$shape/kernel.ptx"
  for variant in ${VARIANTS:-}; do
    mkdir -p "$ART/big/$shape/${variant%%=*}"
    "$BIN/amk-opt" "$fake/schedule.mlir" --amk-lower-megakernel="${variant#*=}" \
      | "$BIN/amk-translate" --to-ptx -o "$ART/big/$shape/${variant%%=*}/kernel.ptx"
    cp "$fake/config.json" "$ART/big/$shape/${variant%%=*}/config.json"
  done
  cp "$fake/config.json" "$ART/big/$shape/config.json"
  rm -rf "$fake"
done

# Sub-byte buffers on shared pages (the storage model on the GPU): the
# packed programs of test/Runtime/packed.test and the safe random programs
# of utils/storage_property.py, as PTX for gpu-check.sh's storage stage.
mkdir -p "$ART/packed"
for spec in "i1 2 8" "i2 4 16" "i4 8 32"; do
  read -r elem split bytes <<<"$spec"
  sed "s/ELEM/$elem/g; s/SPLIT/$split/g; s/BYTES/$bytes/g" \
    test/Runtime/Inputs/packed.mlir.in \
    | "$BIN/amk-opt" --amk-lower-megakernel \
    | "$BIN/amk-translate" --to-ptx -o "$ART/packed/$elem.ptx"
done
python3 utils/storage_property.py --bin "$BIN" --prepare "$ART/storage" \
  --count "${STORAGE_PROGRAMS:-80}" >/dev/null

# Every test model with steps=64 for gpu-check.sh's steps stage.
python3 test/Runtime/Inputs/check_steps.py --prepare "$BIN" test/models \
  "$ART/steps" >/dev/null

# A fallback amk-run for a GPU machine that cannot build one (Debian 12's
# glibc is older than the GPU machine's; libstdc++ is linked statically).
cmake -S . -B build-gpu-rt -DAMK_RUNTIME_ONLY=ON -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_EXE_LINKER_FLAGS="-static-libstdc++ -static-libgcc" >/dev/null
cmake --build build-gpu-rt --target amk-run -j 2 >/dev/null
cp build-gpu-rt/bin/amk-run "$ART/bin/amk-run"

python3 - "$ART" "$CHIP" "$(git rev-parse HEAD)" "${models[@]}" <<'PY'
import json, sys
art, chip, commit, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
json.dump({"chip": chip, "commit": commit, "models": models},
          open(art + "/index.json", "w"), indent=1)
PY
du -sh "$ART"
echo "ready: carry $ART and run scripts/gpu-check.sh $ART on the GPU machine"
