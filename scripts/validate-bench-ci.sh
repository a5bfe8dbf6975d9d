#!/usr/bin/env bash
#===- scripts/validate-bench-ci.sh - CI slice of the validator benchmark --===#
#
# Imports every tiny checkpoint of test/models as a seed and runs a 2,000-case
# slice of amk-validate-bench. Fails when the validator accepts a case the
# oracle finds unsafe or rejects an unmutated lowering.
#
# usage: scripts/validate-bench-ci.sh [BUILD_DIR] (env: CASES, SEED, DUMP: a
# directory for misjudged cases, VALIDATE_OPTIONS: amk-validate options such
# as "partial-waits=strict"; the default is exact)
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for model in "$root"/test/models/*/; do
  [ -f "$model/config.json" ] || continue
  "$build/bin/amk-translate" --import-hf "$model" > "$tmp/$(basename "$model").mlir"
done
"$build/bin/amk-validate-bench" --cases "${CASES:-2000}" --seed "${SEED:-1}" \
  ${DUMP:+--dump-dir "$DUMP"} \
  ${VALIDATE_OPTIONS:+--validate-options "$VALIDATE_OPTIONS"} "$tmp"/*.mlir
