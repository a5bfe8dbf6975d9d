"""amk.compile: the pipeline's statistics and its errors."""
import os

import pytest

import amk
from conftest import LLAMA, MODELS


def test_schedule_stats(llama_kernel):
    stats = llama_kernel.stats
    assert stats["program"] == "llama-f32"
    assert stats["workers"] == 16
    assert stats["tasks"] > 0 and stats["events"] > 0
    assert stats["predicted_us"] >= stats["floor_us"] > 0


def test_compile_writes_ptx_and_manifest(llama_kernel):
    with open(llama_kernel.ptx, encoding="utf-8") as f:
        ptx = f.read()
    assert "\n.target sm_90a\n" in ptx
    assert ".entry amk_megakernel(" in ptx
    assert llama_kernel.chip == "sm_90a"
    assert llama_kernel.manifest["grid"] == 16
    assert llama_kernel.manifest_path == os.path.join(
        llama_kernel.out_dir, "kernel.manifest.json")
    for step in ("model", "schedule", "megakernel"):
        assert os.path.isfile(os.path.join(
            llama_kernel.out_dir, "kernel.%s.mlir" % step))
    assert amk.Kernel.load(llama_kernel.ptx).manifest == llama_kernel.manifest


def test_progress_and_chip(tmp_path):
    steps = []
    kernel = amk.compile(os.path.join(MODELS, "smollm-bf16"), chip="sm_100a",
                         out_dir=str(tmp_path), name="k", progress=steps.append)
    assert [s.split()[0] for s in steps] == ["import", "schedule", "lower",
                                            "emit", "compiled:"]
    assert kernel.chip == "sm_100a" and kernel.ptx.endswith("k.ptx")
    with open(kernel.ptx, encoding="utf-8") as f:
        assert "\n.target sm_100a\n" in f.read()


def test_folder_without_config(tmp_path):
    with pytest.raises(amk.AmkError, match="no config.json"):
        amk.compile(str(tmp_path))


def test_bad_chip_carries_the_diagnostic(tmp_path):
    with pytest.raises(amk.CompileError) as info:
        amk.compile(LLAMA, chip="sm_91", out_dir=str(tmp_path))
    error = info.value
    assert error.step == "compile" and error.returncode == 1
    expected = ("knob 'chip' = 'sm_91' is not one of sm_80, sm_90a, "
                "sm_100a, sm_120a")
    assert expected in error.diagnostics and expected in str(error)


def test_unknown_knob(tmp_path):
    with pytest.raises(amk.CompileError, match="no such option bogus"):
        amk.compile(LLAMA, out_dir=str(tmp_path), bogus=1)


def test_underscore_knobs_become_dashes(tmp_path):
    with pytest.raises(amk.CompileError) as info:
        amk.compile(LLAMA, out_dir=str(tmp_path), qkv_cols=-5)
    assert "qkv-cols" in info.value.diagnostics


def test_tools_not_found(monkeypatch, tmp_path):
    monkeypatch.setenv("AMK_BIN", str(tmp_path))
    with pytest.raises(amk.AmkError,
                       match="amk-translate not found in " + str(tmp_path)):
        amk.compile(LLAMA, out_dir=str(tmp_path))


def test_missing_kernel():
    with pytest.raises(amk.AmkError, match="cannot read the manifest"):
        amk.Kernel.load(os.path.join(LLAMA, "none.ptx"))
