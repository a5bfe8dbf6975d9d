"""amk.validate: certified and unsafe schedules, MLIR and JSON, bad input."""
import json
import os
import subprocess

import pytest

import amk
from amk import _tools
from conftest import RACE, REPO

TINY_JSON = os.path.join(REPO, "test", "Target", "JSON", "Inputs",
                         "tiny-decode.json")


def test_compiled_schedule_is_certified(llama_kernel):
    report = amk.validate(llama_kernel.schedule)
    assert report.certified and bool(report)
    assert report.violations == [] and report.total == 0


def test_race_is_rejected_with_witnesses():
    report = amk.validate(RACE)
    assert not report.certified
    assert report.total == 2
    messages = [v.message for v in report.violations]
    assert ("write 'h'[0, 32) in task \"t0\" and read 'h'[0, 64) in task "
            "\"use\" are not ordered by happens-before") in messages[0]
    assert "write 'h'[32, 64) in task \"t1\"" in messages[1]
    assert report.violations[0].location == RACE + ":19:5"
    assert "rejected: 2 violation(s)" in str(report)


def test_strict_partial_waits_reject_the_wait_itself():
    report = amk.validate(RACE, partial_waits="strict")
    assert not report.certified and report.total == 3
    assert report.violations[0].message.startswith(
        'task "use" waits for event "tiles" >= 1 but init 0 + 2 producers = 2')
    assert report.violations[0].location == RACE + ":18:3"
    assert amk.validate(RACE, partial_waits="exact").total == 2


def test_max_diagnostics_keeps_the_total():
    report = amk.validate(RACE, max_diagnostics=1)
    assert len(report.violations) == 1 and report.total == 2


def test_mlir_text_is_accepted():
    with open(RACE, encoding="utf-8") as f:
        report = amk.validate(f.read())
    assert not report.certified and report.total == 2


def test_json_schedule_certified(llama_kernel, tmp_path):
    # The JSON format has one op per task: export an unfused schedule.
    unfused = str(tmp_path / "unfused.mlir")
    exported = str(tmp_path / "unfused.json")
    _tools.run("compile", "amk-opt", [
        os.path.join(llama_kernel.out_dir, "kernel.model.mlir"),
        "--amk-compile=chip=sm_90a sms=8 fuse=false", "-o", unfused])
    _tools.run("export", "amk-translate",
               ["--export-amk-json", unfused, "-o", exported])
    with open(exported, encoding="utf-8") as f:
        schedule = json.load(f)
    assert amk.validate(exported).certified
    assert amk.validate(schedule).certified
    assert amk.validate(json.dumps(schedule)).certified


def test_json_schedule_rejected():
    # The tiny schedule's second final norm rewrites 'hn' while the LM-head
    # tiles read it, ordered by nothing (the tool's loader places the
    # unplaced NOP, so that is no longer the finding).
    report = amk.validate(TINY_JSON)
    assert not report.certified and report.total == 2
    for tile, violation in zip(("lm_head.t0", "lm_head.t1"), report.violations):
        assert violation.message.startswith(
            "unordered conflicting accesses: read 'hn'[0, 64) in task "
            '"%s" and write \'hn\'[0, 64) in task "final.norm2" are not '
            "ordered by happens-before" % tile)


def test_malformed_json_raises_with_diagnostics(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"ir_version": "0.2.0", "tasks": [')
    with pytest.raises(amk.CompileError) as info:
        amk.validate(str(bad))
    assert info.value.step == "import-json"
    assert info.value.returncode != 0
    assert str(bad) in info.value.diagnostics


def test_unparsable_mlir_raises(tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text("amk.program @p {\n  %e = amk.event\n}\n")
    with pytest.raises(amk.CompileError) as info:
        amk.validate(str(bad))
    assert info.value.step == "validate"
    assert "bad.mlir:2" in info.value.diagnostics


def test_missing_file():
    with pytest.raises(amk.AmkError, match="no-such.mlir: no such schedule"):
        amk.validate("no-such.mlir")
