"""Shared fixtures of the amk package tests: the repository's tools and test
models, and one CPU-runnable kernel of test/models/llama-f32."""
import json
import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

import amk  # noqa: E402
from amk import compiler  # noqa: E402

MODELS = os.path.join(REPO, "test", "models")
LLAMA = os.path.join(MODELS, "llama-f32")
RACE = os.path.join(HERE, "data", "race.mlir")


@pytest.fixture(scope="session")
def golden():
    with open(os.path.join(LLAMA, "golden.json"), encoding="utf-8") as f:
        return json.load(f)


def _manifest_of_lowered(path):
    """The manifest JSON the lowering attaches to its gpu.module
    (amk.manifest, MLIR string escapes \\XX decoded)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r'amk\.manifest = "((?:[^"\\]|\\.)*)"', text)
    assert match, "no amk.manifest in " + path
    raw = re.sub(rb"\\([0-9A-Fa-f]{2})",
                 lambda m: bytes([int(m.group(1), 16)]),
                 match.group(1).encode())
    return json.loads(raw.decode())


@pytest.fixture(scope="session")
def llama_kernel(tmp_path_factory):
    """llama-f32 imported, scheduled for 16 workers and lowered, with its
    manifest beside an empty kernel.ptx: enough for the CPU path, which does
    not read the PTX."""
    out = str(tmp_path_factory.mktemp("llama"))
    model = os.path.join(out, "model.mlir")
    schedule = os.path.join(out, "schedule.mlir")
    lowered = os.path.join(out, "megakernel.mlir")
    compiler._import(LLAMA, model)
    stats = compiler._schedule(model, schedule, "sm_90a", {"sms": 16})
    compiler._lower(schedule, lowered)
    with open(os.path.join(out, "kernel.manifest.json"), "w") as f:
        json.dump(_manifest_of_lowered(lowered), f)
    open(os.path.join(out, "kernel.ptx"), "w").close()
    return amk.Kernel(os.path.join(out, "kernel.ptx"), stats=stats,
                      schedule=schedule)
