"""Shared fixtures of the amk package tests: the repository's tools and test
models, and one kernel compiled from test/models/llama-f32."""
import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

import amk  # noqa: E402

MODELS = os.path.join(REPO, "test", "models")
LLAMA = os.path.join(MODELS, "llama-f32")
RACE = os.path.join(HERE, "data", "race.mlir")


@pytest.fixture(scope="session")
def golden():
    with open(os.path.join(LLAMA, "golden.json"), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def llama_kernel(tmp_path_factory):
    """llama-f32 compiled for sm_90a with 16 workers (every step's file kept
    in its out_dir)."""
    out = str(tmp_path_factory.mktemp("llama"))
    return amk.compile(LLAMA, out_dir=out, sms=16)


@pytest.fixture(scope="session", autouse=True)
def amk_cache(tmp_path_factory):
    """References made on the spot go to a temporary cache, not ~/.cache."""
    folder = str(tmp_path_factory.mktemp("amk-cache"))
    old = os.environ.get("AMK_CACHE")
    os.environ["AMK_CACHE"] = folder
    yield folder
    if old is None:
        os.environ.pop("AMK_CACHE", None)
    else:
        os.environ["AMK_CACHE"] = old


def model_copy(folder, source=LLAMA, names=("config.json",
                                            "model.safetensors")):
    """A checkpoint folder with only ``names`` of ``source`` (no golden)."""
    import shutil
    os.makedirs(folder, exist_ok=True)
    for name in names:
        shutil.copy(os.path.join(source, name), os.path.join(folder, name))
    return folder
