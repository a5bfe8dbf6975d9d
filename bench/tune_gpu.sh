#!/usr/bin/env bash
#===- bench/tune_gpu.sh - Tune the real shapes: prepare here, measure there -===#
#
# The GPU machine has no MLIR, so the tuning loop is split (docs/tuning.md):
#
#   bench/tune_gpu.sh prepare [ART]   HERE: for each shape of SHAPES, a sparse
#       fake checkpoint (scripts/make-fake-checkpoint.py), then
#       `python -m amk tune-prepare` (cost-model search, every proposal
#       certified by the validator, BUDGET candidates + our default compiled
#       to PTX + manifest, 2048 KV rows), packed as ART/<shape>.tar.gz
#       (default ART: gpu-artifacts/tune, git-ignored), with the nlohmann
#       headers for the runtime build.
#   bench/tune_gpu.sh measure [ART]   THERE (carry ART): builds the runtime
#       (cmake -DAMK_RUNTIME_ONLY=ON: amk-run + libamk_runtime.so), makes
#       random bf16 weights and HF's fp32 golden per shape
#       (utils/hf_random_golden.py, prompt 1, 64 tokens), then
#       `python -m amk tune-measure`: every candidate checked with
#       `amk-run --cpu --golden` (CPU_STEPS teacher-forced steps, JOBS at a
#       time) and `amk-run --golden` on the GPU (64 steps), timed at each of
#       CONTEXTS (median of 200 steps after 20), kept when correct and >= 1%
#       faster than the incumbent (our default first). Writes
#       bench/results/tune-<shape>-ctx<C>.json (+ .best.json), and into
#       $OUT (when set) tune-results.json (all of them) and tune-runs.jsonl.
#   bench/tune_gpu.sh collect DIR     HERE: writes bench/results/tune-*.json
#       and bench/results/tune-runs.jsonl from a measure run's $OUT folder,
#       and the table and chart docs/tuning-results.{md,svg}
#       (bench/plot_tune.py).
#
# Environment: SHAPES (default "smollm2-135m llama3.2-1b llama3-8b"), BUDGET
# (candidates besides the default; default per shape 8, 6, 4 for 135M, 1B,
# 8B), POOL (4), CHIP (sm_90a), CONTEXTS ("1 512"), JOBS (CPU checks at a
# time, default nproc/2, at most what 60% of the free memory holds: each
# check copies the weights),
# CPU_STEPS (default per shape: 8, 2, 1 for 135M, 1B, 8B: the reference
# path is single-threaded and slow at real sizes), LOG (prepare: measured
# trials that refit the cost model; default bench/results/tune-runs.jsonl),
# PREP_CONTEXT (the decode position the search ranks candidates at, default
# 1; the same candidates are measured at every context).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODE="${1:-}"
SHAPES="${SHAPES:-smollm2-135m llama3.2-1b llama3-8b}"
CHIP="${CHIP:-sm_90a}"
CONTEXTS="${CONTEXTS:-1 512}"
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"

budget() {
  if [ -n "${BUDGET:-}" ]; then echo "$BUDGET"; return; fi
  case "$1" in smollm2-135m) echo 8 ;; llama3.2-1b) echo 6 ;; *) echo 4 ;; esac
}

# jobs WEIGHTS_DIR: CPU checks at a time; each holds a copy of the weights
# in host memory, so at most 60% of the available memory is used for them.
jobs() {
  python3 - "${JOBS:-$(( $(nproc) / 2 ))}" "$1" <<'PY'
import os, sys
want, folder = int(sys.argv[1]), sys.argv[2]
size = sum(os.path.getsize(os.path.join(d, f))
           for d, _, files in os.walk(folder) for f in files)
avail = next(int(line.split()[1]) * 1024 for line in open("/proc/meminfo")
             if line.startswith("MemAvailable:"))
print(max(1, min(want, int(0.6 * avail / max(size, 1)))))
PY
}

cpu_steps() {
  if [ -n "${CPU_STEPS:-}" ]; then echo "$CPU_STEPS"; return; fi
  case "$1" in smollm2-135m) echo 8 ;; llama3.2-1b) echo 2 ;; *) echo 1 ;; esac
}

prepare() {
  local art="$1"
  ./scripts/build.sh amk-opt amk-translate >/dev/null
  mkdir -p "$art/include"
  cp -r /usr/include/nlohmann "$art/include/"
  local fake log=""
  fake="$(mktemp -d)"
  # Measured trials of earlier runs refit the cost model that ranks proposals.
  [ -f "${LOG:-bench/results/tune-runs.jsonl}" ] && log="${LOG:-bench/results/tune-runs.jsonl}"
  for shape in $SHAPES; do
    echo "== $shape: search, certify, compile (budget $(budget "$shape"))"
    # shellcheck disable=SC2086
    python3 scripts/make-fake-checkpoint.py "$shape" "$fake/$shape" >/dev/null
    rm -rf "${art:?}/$shape"
    python3 -m amk tune-prepare "$fake/$shape" --chip "$CHIP" \
      --budget "$(budget "$shape")" --pool "${POOL:-4}" --kv-rows 2048 \
      --context "${PREP_CONTEXT:-1}" --stats-at $CONTEXTS \
      -o "$art/$shape" ${log:+--log "$log"}
    tar -czf "$art/$shape.tar.gz" -C "$art" "$shape"
    rm -rf "${art:?}/$shape" "${fake:?}/$shape"
  done
  rm -rf "$fake"
  git rev-parse HEAD >"$art/commit"
  du -sh "$art"
  echo "ready: carry $art and run bench/tune_gpu.sh measure $art on the GPU machine"
}

build_runtime() {
  local art="$1" build="$2"
  [ "$(scripts/gpu-build-runtime.sh "$build" "$art/include" | sed -n 2p)" = cmake ] || {
    echo "tune_gpu: cannot build the runtime with cmake" >&2; exit 1; }
  export AMK_BIN="$build/bin" AMK_LIB="$build/lib/libamk_runtime.so"
}

measure() {
  local art work
  art="$(cd "$1" && pwd)"
  work="$(mktemp -d)"
  build_runtime "$art" "$work/build"
  export AMK_COMMIT="$(cat "$art/commit" 2>/dev/null || echo unknown)"
  mkdir -p bench/results
  for shape in $SHAPES; do
    echo "== $shape"
    tar -xzf "$art/$shape.tar.gz" -C "$work"
    if ! python3 utils/hf_random_golden.py "$work/$shape" \
         "$work/$shape-weights" --prompt-len 1 --new-tokens 64; then
      echo "warning: $shape: no weights and golden; not measured" >&2
      continue
    fi
    # shellcheck disable=SC2086
    python3 -m amk tune-measure "$work/$shape" --device cuda \
      --weights "$work/$shape-weights" --contexts $CONTEXTS \
      --golden "$work/$shape-weights/golden.json" \
      --cpu-steps "$(cpu_steps "$shape")" \
      --jobs "$(jobs "$work/$shape-weights")" \
      --baseline "bench/results/$shape-ctx{context}.json" \
      --log "bench/results/tune-runs.jsonl" \
      --out "bench/results/tune-$shape" ||
      echo "warning: $shape: no correct candidate at some context" >&2
    rm -rf "${work:?}/$shape" "${work:?}/$shape-weights"
  done
  if [ -n "${OUT:-}" ]; then
    python3 - "$OUT/tune-results.json" bench/results/tune-*-ctx*.json <<'PY'
import json, os, sys
out, paths = sys.argv[1], sys.argv[2:]
json.dump({os.path.basename(p): json.load(open(p)) for p in paths},
          open(out, "w"), indent=1, sort_keys=True)
PY
    cp bench/results/tune-runs.jsonl "$OUT/"
  fi
  rm -rf "$work"
}

collect() {
  local from="$1"
  python3 - "$from/tune-results.json" bench/results <<'PY'
import json, os, sys
results, folder = sys.argv[1:]
for name, data in json.load(open(results)).items():
    with open(os.path.join(folder, name), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    print("wrote", os.path.join(folder, name))
PY
  cp "$from/tune-runs.jsonl" bench/results/tune-runs.jsonl
  python3 bench/plot_tune.py bench/results --svg docs/tuning-results.svg \
    --md docs/tuning-results.md
}

case "$MODE" in
  prepare) prepare "${2:-gpu-artifacts/tune}" ;;
  measure) measure "${2:-gpu-artifacts/tune}" ;;
  collect) collect "${2:?collect needs the folder a measure run wrote}" ;;
  *) echo "usage: bench/tune_gpu.sh {prepare|measure} [ART] | collect DIR" >&2
     exit 1 ;;
esac
