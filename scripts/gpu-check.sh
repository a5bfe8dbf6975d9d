#!/usr/bin/env bash
#===- scripts/gpu-check.sh - The runtime's correctness run on the GPU ----===#
#
# The one script run on the GPU machine (no MLIR there). From the repository
# root, with ARTIFACTS (default gpu-artifacts/, made here by
# scripts/gpu-prepare.sh: PTX + manifest per test model, nlohmann headers, a
# prebuilt amk-run) carried along:
#   1. builds lib/Runtime + amk-run with cmake (or g++ directly) against
#      /usr/local/cuda; falls back to the prebuilt binary;
#   2. every test model (fp32 and bf16): teacher-forced against its golden
#      (logits within 1e-4 / 2e-2 of HF's, tokens except near ties) and a
#      free greedy run whose tokens must equal HF's (fp32 exactly);
#   3. a deadlock forced past the validator (utils/force_deadlock.py raises
#      a sink task's wait threshold in a copy of the manifest): the watchdog
#      must stop it, exit 3, naming that task, worker, event, count and
#      threshold;
#   4. compute-sanitizer memcheck, racecheck, synccheck on the smallest model;
#   5. storage: the packed sub-byte programs (test/Runtime/packed.test) and
#      the random mixed-type page programs of utils/storage_property.py,
#      each checked against the storage model's bytes;
#   6. steps: every test model's steps=64 kernel gives the same greedy
#      tokens at 1, 4, 16 and 64 steps per launch, HF's for the fp32 ones;
#   7. the real shapes of ARTIFACTS/big (utils/hf_random_golden.py makes
#      random bf16 weights and HF's fp32 golden there): a teacher-forced
#      64-token sequence within 2e-2 of HF's fp32 logits, and on
#      llama3.2-1b a context of 2048 positions;
# and writes $OUT/results.json and $OUT/gpu-check.log. STAGES (default
# "models deadlock sanitizer storage steps big") picks stages, so the run can be split
# across calls that each stay under the device's 10-minute limit.
#
#===----------------------------------------------------------------------===#
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ART="$(cd "${1:-gpu-artifacts}" && pwd)"
OUT="${OUT:-$ROOT/gpu-out}"
WORK="$(mktemp -d)"
mkdir -p "$OUT"
LOG="$OUT/gpu-check.log"
: >"$LOG"
log() { echo "$*" | tee -a "$LOG"; }
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
# record KEY JSON: one line of the results.
record() { printf '{"key": "%s", "value": %s}\n' "$1" "$2" >>"$RESULTS"; }

# --- 1. build --------------------------------------------------------------
built="$(scripts/gpu-build-runtime.sh "$WORK/build" "$ART/include" \
           "$ART/bin/amk-run")"
cat "$WORK/build.log" >>"$LOG" 2>/dev/null
AMKRUN="$(sed -n 1p <<<"$built")"; how="$(sed -n 2p <<<"$built")"
log "amk-run: $AMKRUN (built with $how)"
record build "\"$how\""
DEVICE="$(nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader 2>/dev/null | head -1)"
log "device: $DEVICE"
record device "\"$DEVICE\""

# run NAME CMD...: runs CMD, keeps its output in $WORK/NAME.txt, records
# the exit code and the output's last lines.
run() {
  local name="$1"; shift
  timeout 900 "$@" >"$WORK/$name.txt" 2>&1
  local rc=$?
  { echo "--- $name (exit $rc): $*"; tail -5 "$WORK/$name.txt"; } >>"$LOG"
  python3 - "$name" "$rc" "$WORK/$name.txt" >>"$RESULTS" <<'PY'
import json, sys
name, rc, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, errors="replace").read().splitlines()
print(json.dumps({"key": name, "value": {"exit": rc, "tail": lines[-4:]}}))
PY
  return $rc
}

STAGES="${STAGES:-models deadlock sanitizer storage steps big}"
stage() { [[ " $STAGES " == *" $1 "* ]]; }

# --- 2. every test model ---------------------------------------------------
stage models && for model in $(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['models']))" "$ART/index.json"); do
  dir="test/models/$model"
  kernel="$ART/$model/kernel.ptx"
  run "$model.golden" "$AMKRUN" --model "$dir" --kernel "$kernel" \
    --golden "$dir/golden.json" --max-new-tokens 32
  prompt="$(python3 -c "import json,sys; print(','.join(map(str, json.load(open(sys.argv[1]))['prompt_ids'])))" "$dir/golden.json")"
  run "$model.greedy" "$AMKRUN" --model "$dir" --kernel "$kernel" \
    --prompt "$prompt" --max-new-tokens 32
  python3 - "$model" "$dir/golden.json" "$WORK/$model.greedy.txt" >>"$RESULTS" <<'PY'
import json, re, sys
model, golden, path = sys.argv[1:]
expected = json.load(open(golden))["new_tokens"][:32]
text = open(path, errors="replace").read()
tokens = re.search(r"^tokens: ([0-9,]*)$", text, re.M)
latency = re.search(r"latency: median ([0-9.]+) ms", text)
got = [int(t) for t in tokens.group(1).split(",")] if tokens else []
first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
             None if len(got) == len(expected) else min(len(got), len(expected)))
print(json.dumps({"key": model + ".tokens", "value": {
    "equal": got == expected, "first_mismatch": first, "tokens": got,
    "median_step_ms": float(latency.group(1)) if latency else None}}))
PY
done

# --- 3. a deadlock forced past the validator ------------------------------
small="$(python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['models']; print('llama-f32' if 'llama-f32' in m else m[0])" "$ART/index.json")"
if stage deadlock; then
cp "$ART/$small/kernel.ptx" "$WORK/deadlock.ptx"
expected="$(python3 utils/force_deadlock.py "$ART/$small/kernel.manifest.json" \
  "$WORK/deadlock.manifest.json")"
log "forced deadlock: expecting $expected"
run deadlock "$AMKRUN" --model "test/models/$small" --kernel "$WORK/deadlock.ptx" \
  --prompt 1,2 --max-new-tokens 2 --timeout-ms 200
rc=$?
named=false
grep -qF "watchdog: $expected" "$WORK/deadlock.txt" && named=true
record deadlock.check "{\"exit\": $rc, \"expected\": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$expected"), \"named\": $named, \"pass\": $([ $rc -eq 3 ] && $named && echo true || echo false)}"
fi

# --- 4. compute-sanitizer ---------------------------------------------------
if ! stage sanitizer; then
  :
elif command -v compute-sanitizer >/dev/null; then
  for tool in memcheck racecheck synccheck; do
    run "sanitizer.$tool" compute-sanitizer --tool "$tool" --error-exitcode 9 \
      "$AMKRUN" --model "test/models/$small" --kernel "$ART/$small/kernel.ptx" \
      --prompt 1,17 --max-new-tokens 2 --timeout-ms 600000
  done
else
  record sanitizer '"compute-sanitizer not found"'
fi

# --- 5. the storage model on the GPU -----------------------------------------
if stage storage && [ -d "$ART/packed" ]; then
  python3 test/Runtime/Inputs/make_packed.py write "$WORK" &&
  for elem in i1 i2 i4; do
    cp "$ART/packed/$elem.ptx" "$ART/packed/$elem.manifest.json" "$WORK/"
    run "packed.$elem" "$AMKRUN" --model "$WORK" --kernel "$WORK/$elem.ptx" \
      --prompt 5 --max-new-tokens 3 --dump-logits "$WORK/$elem.json"
    run "packed.$elem.check" python3 test/Runtime/Inputs/make_packed.py check \
      "$WORK/$elem.json" "$elem" 5
  done
  run storage.property python3 utils/storage_property.py --gpu "$ART/storage" \
    --amk-run "$AMKRUN"
  run "sanitizer.racecheck.packed" compute-sanitizer --tool racecheck \
    --error-exitcode 9 "$AMKRUN" --model "$WORK" --kernel "$WORK/i1.ptx" \
    --prompt 5 --max-new-tokens 2
fi

# --- 6. several steps per launch ----------------------------------------------
if stage steps && [ -d "$ART/steps" ]; then
  run steps.equal python3 test/Runtime/Inputs/check_steps.py --gpu "$AMKRUN" \
    test/models "$ART/steps"
fi

# --- 7. real model shapes with random weights -------------------------------
# check_big NAME SHAPE PROMPT_LEN: weights + golden, then amk-run --golden.
check_big() {
  local name="$1" shape="$2" prompt="$3" dir="$WORK/big/$1"
  if ! run "$name.hf" python3 utils/hf_random_golden.py "$ART/big/$shape" \
       "$dir" --prompt-len "$prompt" --new-tokens 64; then
    return
  fi
  run "$name.golden" "$AMKRUN" --model "$dir" --kernel "$ART/big/$shape/kernel.ptx" \
    --golden "$dir/golden.json" --max-new-tokens 64
  rm -rf "$dir"
}
if stage big && [ -d "$ART/big" ]; then
  for shape in $(ls "$ART/big"); do
    check_big "big.$shape" "$shape" 8
  done
  [ -d "$ART/big/llama3.2-1b" ] && check_big big.llama3.2-1b.ctx2048 llama3.2-1b 1984
fi

# --- results ----------------------------------------------------------------
python3 - "$RESULTS" "$OUT/results.json" "$ART/index.json" <<'PY'
import json, sys
results, out, index = sys.argv[1:]
data = {"index": json.load(open(index))}
for line in open(results):
    entry = json.loads(line)
    data[entry["key"]] = entry["value"]
models = data["index"]["models"]
summary = {m: {"golden_exit": data.get(m + ".golden", {}).get("exit"),
               "greedy_equal": data.get(m + ".tokens", {}).get("equal"),
               "median_step_ms": data.get(m + ".tokens", {}).get("median_step_ms")}
           for m in models}
data["summary"] = summary
json.dump(data, open(out, "w"), indent=1)
for m, s in summary.items():
    print("%-16s golden exit %s  greedy==HF %s  median %s ms" % (
        m, s["golden_exit"], s["greedy_equal"], s["median_step_ms"]))
for key in sorted(k for k in data if k.startswith("big.") and k.endswith(".golden")):
    print("%-28s exit %s  %s" % (key, data[key]["exit"], " | ".join(data[key]["tail"][-2:])))
print("deadlock:", data.get("deadlock.check"))
for key in sorted(k for k in data if k.startswith(("packed.", "storage.", "steps."))):
    print("%-28s exit %s  %s" % (key, data[key]["exit"], " | ".join(data[key]["tail"][-1:])))
for tool in ("memcheck", "racecheck", "synccheck"):
    print(tool + ":", data.get("sanitizer." + tool, {}).get("exit"))
PY
rm -rf "$WORK"
