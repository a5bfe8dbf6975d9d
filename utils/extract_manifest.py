#!/usr/bin/env python3
"""Writes the manifest embedded in a lowered megakernel module.

Usage: extract_manifest.py LOWERED.mlir OUT.manifest.json

`amk-opt --amk-lower-megakernel` attaches the manifest
(docs/megakernel-abi.md) to the gpu.module as the string attribute
`amk.manifest`; `amk-translate --to-ptx -o X.ptx` writes it as
X.manifest.json. This reads it from the MLIR text instead, so the task table
can be run with `amk-run --cpu` without generating PTX.
"""
import re
import sys


def main():
    text = open(sys.argv[1]).read()
    match = re.search(r'amk\.manifest = "((?:[^"\\]|\\.)*)"', text)
    if not match:
        sys.exit("%s: no amk.manifest attribute" % sys.argv[1])
    # MLIR escapes a string's special bytes as \XX (hex).
    manifest = re.sub(r"\\([0-9A-Fa-f]{2})",
                      lambda m: chr(int(m.group(1), 16)), match.group(1))
    with open(sys.argv[2], "w") as f:
        f.write(manifest + "\n")


if __name__ == "__main__":
    main()
