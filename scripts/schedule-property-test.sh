#!/usr/bin/env bash
#===- schedule-property-test.sh - Every model x knobs x chip validates ---===#
#
# Part of the AMK project.
#
# For every checkpoint in test/models, a grid of --amk-compile knobs and the
# chips sm_80, sm_90a, sm_100a, sm_120a, the scheduled program must pass
# --amk-validate (the pipeline runs it last). Usage:
#   scripts/schedule-property-test.sh [BUILD_DIR]   (default: build)
# Numerical equivalence with the naive schedule is NOT checked here: the CPU
# reference executor does not exist yet.
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build}/bin"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
knobs=(
  ""
  "sms=7 strategy=round-robin"
  "sms=16 strategy=balanced qkv-cols=8 o-cols=8 gate-up-cols=16 down-cols=8 lm-head-cols=32"
  "sms=3 fuse=false kv-block=16 attn-heads=1"
  "sms=64 kv-block=32 attn-heads=3 sync-ns=0 strategy=critical-path"
)
chips=(sm_80 sm_90a sm_100a sm_120a)
runs=0 fails=0
for model in "$root"/test/models/*/; do
  name="$(basename "$model")"
  "$bin/amk-translate" --import-hf "$model" > "$tmp/$name.mlir"
  for chip in "${chips[@]}"; do
    for knob in "${knobs[@]}"; do
      runs=$((runs + 1))
      if ! "$bin/amk-opt" "$tmp/$name.mlir" -o /dev/null \
           --amk-compile="chip=$chip $knob" 2> "$tmp/err"; then
        fails=$((fails + 1))
        echo "FAIL $name chip=$chip $knob"; head -5 "$tmp/err"
      fi
    done
  done
done
echo "schedule-property-test: $runs schedules, $fails rejected"
[ "$fails" -eq 0 ]
