#!/usr/bin/env bash
#===- scripts/setup.sh - Install every Debian package AMK needs -----------===#
#
# Idempotent: installs the LLVM/MLIR 22 toolchain, lit/FileCheck, ninja, cmake,
# the header-only JSON library, pytest and pip for the Python package
# (python/), and FastAPI, uvicorn and httpx for its server (python -m amk
# serve) and that server's test. Safe to run again; does nothing when all
# packages are present.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

PKGS=(
  cmake ninja-build g++ python3 ccache
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22
  libclang-rt-22-dev nlohmann-json3-dev
  python3-pytest python3-pip
  python3-fastapi python3-uvicorn python3-httpx
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
