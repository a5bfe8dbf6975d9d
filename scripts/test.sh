#!/usr/bin/env bash
#===- scripts/test.sh - Set up, build and run every AMK test ---------------===#
#
# The second README command and what CI runs: installs packages, builds,
# runs the lit suite (check-amk) and the Python package's pytest suite
# (python/tests), checks the golden fixtures, runs the validator benchmark
# slice and the storage-model property test, assembles every test model's
# PTX with ptxas and runs the fuzzer for a bounded time.
# FUZZ_SECONDS (default 60) bounds the fuzzing.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

step() { printf '\n=== %s\n' "$*"; }

step "setup"
./scripts/setup.sh

step "build"
./scripts/build.sh

step "lit (check-amk)"
./scripts/build.sh check-amk

step "python package (pytest: compile, validate, CPU decode, CLI, pip install)"
/usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests

step "runtime builds and runs without MLIR (AMK_RUNTIME_ONLY)"
./scripts/build-runtime-only.sh build/runtime-only

step "golden fixtures"
python3 utils/check_golden.py

step "validator benchmark slice (oracle-labelled mutations)"
./scripts/validate-bench-ci.sh build

step "storage model property test (validator, allocator, runtime, reference agree on bytes)"
python3 utils/storage_property.py --bin build/bin --count "${STORAGE_PROGRAMS:-60}"

step "scheduling property test (models x knobs x chips validate)"
./scripts/schedule-property-test.sh build

step "PTX of every test model assembles for every chip (ptxas -v: no spill, smem in limit)"
REQUIRE_PTXAS=0 SCHEDULES=test/Target/JSON/paper/Inputs/llama-bf16-pos38-h100-split.json \
  ./scripts/check-ptx.sh build
REQUIRE_PTXAS=0 LOWER_OPTS=stage-weights=true MODELS="llama3-bf16 qwen3-f32 smollm-f32" \
  ./scripts/check-ptx.sh build

step "generated reference docs are up to date"
./scripts/gen-docs.sh --check

step "fuzz (${FUZZ_SECONDS:-60} s)"
fuzz/run.sh "${FUZZ_SECONDS:-60}"

step "all tests passed"
