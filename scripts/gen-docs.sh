#!/usr/bin/env bash
#===- scripts/gen-docs.sh - Regenerate docs/reference from ODS ------------===#
#
# Builds the mlir-doc target and copies the generated dialect, interface and
# pass references into docs/reference/. With --check, fails when the
# committed copies are stale instead of updating them.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/build.sh" mlir-doc >/dev/null
DEST="$ROOT/docs/reference"
if [ "${1:-}" = "--check" ]; then
  DEST="$(mktemp -d)"
fi
mkdir -p "$DEST"
for doc in Dialects/AMKDialect.md Dialects/AMKAttrs.md Dialects/AMKInterfaces.md \
           AMKPasses.md AMKConversionPasses.md; do
  cp "$BUILD_DIR/docs/$doc" "$DEST/$(basename "$doc")"
done
if [ "${1:-}" = "--check" ]; then
  diff -ru "$ROOT/docs/reference" "$DEST" || {
    echo "docs/reference is stale: run scripts/gen-docs.sh" >&2
    exit 1
  }
fi
