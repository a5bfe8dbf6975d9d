#!/usr/bin/env bash
#===- scripts/check-ptx.sh - Every test model's PTX assembles on every chip ===#
#
# Part of the AMK project.
#
# For every checkpoint in test/models and every chip (sm_80, sm_90a, sm_100a,
# sm_120a): --import-hf -> --amk-compile -> --amk-lower-megakernel ->
# --to-ptx -> `ptxas -arch=CHIP -v`. Fails on any error, on any spill, when
# the kernel's shared memory (ptxas's static smem plus the manifest's
# dynamic_smem) exceeds the chip's limit per block, and when one block's
# registers (per thread, rounded up to 8, times the block size) exceed the
# chip's register file, so the launch could not fit. The limits, the dynamic
# shared memory and the block size come from the `// amk-` header --to-ptx
# writes. Prints ptxas's resource line per model and chip.
#
# usage: scripts/check-ptx.sh [BUILD_DIR]   (env: PTXAS, default
#        /usr/local/cuda/bin/ptxas; CHIPS, default all four; MODELS, names
#        of test/models directories, default all; KEEP=DIR keeps the PTX and
#        manifests there; REQUIRE_PTXAS=0 only generates the PTX when ptxas
#        is missing, saying so; SCHEDULES, JSON schedules (e.g. the paper
#        tool's fixtures in test/Target/JSON/paper/Inputs) imported with
#        --import-amk-json and compiled for each chip the same way, after
#        the models; MODELS= with SCHEDULES checks only the schedules;
#        LOWER_OPTS, --amk-lower-megakernel options, e.g. stage-weights=true)
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build}/bin"
ptxas="${PTXAS:-/usr/local/cuda/bin/ptxas}"
read -r -a chips <<< "${CHIPS:-sm_80 sm_90a sm_100a sm_120a}"
assemble=1
if [ ! -x "$ptxas" ]; then
  if [ "${REQUIRE_PTXAS:-1}" = 1 ]; then
    echo "check-ptx: ptxas not found at $ptxas (install the CUDA toolkit or set PTXAS)" >&2
    exit 1
  fi
  assemble=0
  echo "check-ptx: NOTE: ptxas not found at $ptxas: PTX is generated but NOT assembled (no register/spill check)"
fi
for tool in amk-translate amk-opt; do
  if [ ! -x "$bin/$tool" ]; then
    echo "check-ptx: $bin/$tool is missing (build it first)" >&2
    exit 1
  fi
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="${KEEP:-$tmp}"
mkdir -p "$out"

# Prints `$2` of the `// amk-$1: VALUE` header line of PTX file `$2`.
header() { sed -n "s|^// amk-$1: \\([0-9]*\\).*|\\1|p" "$2" | head -1; }

runs=0 fails=0
fail() { fails=$((fails + 1)); echo "FAIL $1"; [ -f "$2" ] && sed 's/^/  /' "$2" | head -20; return 0; }
models=()
if [ -n "${MODELS+set}" ]; then
  for name in $MODELS; do models+=("$root/test/models/$name/"); done
else
  models=("$root"/test/models/*/)
fi
read -r -a schedules <<< "${SCHEDULES:-}"
models+=("${schedules[@]}")
for model in "${models[@]}"; do
  import=(--import-hf "$model")
  name="$(basename "$model")"
  if [[ "$model" == *.json ]]; then
    import=(--import-amk-json "$model")
    name="$(basename "$model" .json)"
  elif [ ! -f "$model/config.json" ]; then
    [ -n "${MODELS:-}" ] && fail "$(basename "$model"): no config.json in $model" /dev/null
    continue
  fi
  if ! "$bin/amk-translate" "${import[@]}" > "$tmp/$name.mlir" 2> "$tmp/err"; then
    fail "$name: ${import[0]}" "$tmp/err"; continue
  fi
  for chip in "${chips[@]}"; do
    runs=$((runs + 1))
    stem="$out/$name-$chip"
    if ! "$bin/amk-opt" "$tmp/$name.mlir" --amk-compile="chip=$chip" \
         --amk-lower-megakernel="${LOWER_OPTS:-}" -o "$tmp/$name-$chip.mlir" 2> "$tmp/err"; then
      fail "$name $chip: --amk-compile / --amk-lower-megakernel" "$tmp/err"; continue
    fi
    if ! "$bin/amk-translate" "$tmp/$name-$chip.mlir" --to-ptx -o "$stem.ptx" 2> "$tmp/err"; then
      fail "$name $chip: --to-ptx" "$tmp/err"; continue
    fi
    if [ "$assemble" = 0 ]; then
      grep -q "^.entry amk_megakernel\|^.visible .entry amk_megakernel" "$stem.ptx" ||
        fail "$name $chip: no amk_megakernel entry in the PTX" /dev/null
      continue
    fi
    if ! "$ptxas" -arch="$chip" -v "$stem.ptx" -o "$tmp/$name-$chip.cubin" > "$tmp/ptxas" 2>&1; then
      fail "$name $chip: ptxas" "$tmp/ptxas"; continue
    fi
    usage="$(grep -o 'Used [0-9]* registers.*' "$tmp/ptxas" | head -1)"
    spills="$(grep -o '[0-9]* bytes spill stores, [0-9]* bytes spill loads' "$tmp/ptxas" | head -1)"
    static="$(echo "$usage" | grep -o '[0-9]* bytes smem' | grep -o '^[0-9]*' || true)"
    static="${static:-0}"
    limit="$(header smem-limit "$stem.ptx")"
    dynamic="$(header dynamic-smem "$stem.ptx")"
    regfile="$(header registers-per-sm "$stem.ptx")"
    block="$(header block "$stem.ptx")"
    regs="$(echo "$usage" | sed -n 's/^Used \([0-9]*\) registers.*/\1/p')"
    if [ -z "$usage" ] || [ -z "$spills" ] || [ -z "$limit" ] || [ -z "$dynamic" ] ||
       [ -z "$regfile" ] || [ -z "$block" ] || [ -z "$regs" ]; then
      fail "$name $chip: cannot read ptxas's report or the PTX header" "$tmp/ptxas"; continue
    fi
    blockregs=$(( (regs + 7) / 8 * 8 * block ))
    printf '%-16s %-8s %3d registers x %4d threads = %5d of %d; smem %d + %d of %d; %s; %d bytes PTX\n' \
      "$name" "$chip" "$regs" "$block" "$blockregs" "$regfile" "$static" "$dynamic" "$limit" \
      "$spills" "$(wc -c < "$stem.ptx")"
    if ! echo "$spills" | grep -q '^0 bytes spill stores, 0 bytes spill loads$'; then
      fail "$name $chip: spills ($spills)" /dev/null
    elif [ $((static + dynamic)) -gt "$limit" ]; then
      fail "$name $chip: shared memory $((static + dynamic)) > $limit" /dev/null
    elif [ "$blockregs" -gt "$regfile" ]; then
      fail "$name $chip: registers $blockregs per block > $regfile" /dev/null
    fi
  done
done
echo "check-ptx: $runs kernels, $fails failed$([ "$assemble" = 1 ] || echo ' (generated only: ptxas missing)')"
[ "$fails" -eq 0 ]
