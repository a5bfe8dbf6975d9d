"""python -m amk: help, exit codes and outputs of each subcommand."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import HERE, LLAMA, RACE, REPO

RUNTIME_INPUTS = os.path.join(REPO, "test", "Runtime", "Inputs")


def amk_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    return subprocess.run([sys.executable, "-m", "amk"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env)


@pytest.mark.parametrize("command",
                         ["compile", "validate", "run", "bench", "check",
                          "tune", "tune-prepare", "tune-measure", "serve",
                          "doctor", "mcp"])
def test_help(command):
    done = amk_cli(command, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: python -m amk " + command)


def test_bad_command_line_is_1():
    done = amk_cli("run", "--model", LLAMA, "--prompt", "1,x")
    assert done.returncode == 1
    assert "'1,x' is not a comma-separated list of token ids" in done.stderr
    assert amk_cli("frobnicate").returncode == 1


def test_validate_exit_codes(llama_kernel):
    done = amk_cli("validate", RACE)
    assert done.returncode == 1
    assert done.stdout.startswith("rejected: 2 violation(s)")
    done = amk_cli("validate", RACE, "--partial-waits", "strict")
    assert done.returncode == 1
    assert done.stdout.startswith("rejected: 3 violation(s)")
    done = amk_cli("validate", llama_kernel.schedule)
    assert done.returncode == 0 and done.stdout.startswith("certified")
    assert amk_cli("validate", "no-such.json").returncode == 1


def test_compile_error_is_1(tmp_path):
    done = amk_cli("compile", LLAMA, "--chip", "sm_91", "-o", str(tmp_path))
    assert done.returncode == 1
    assert "knob 'chip' = 'sm_91' is not one of" in done.stderr
    # Progress is off when stderr is not a terminal; --progress forces it,
    # each line with the elapsed time; --quiet wins.
    assert "amk: " not in done.stderr
    done = amk_cli("compile", LLAMA, "--chip", "sm_91", "-o", str(tmp_path),
                   "--progress")
    assert done.returncode == 1
    assert re.search(r"amk: \[ *\d+\.\ds\] import ", done.stderr)
    done = amk_cli("compile", LLAMA, "--chip", "sm_91", "-o", str(tmp_path),
                   "--progress", "--quiet")
    assert "amk: " not in done.stderr


def test_compile_json(tmp_path):
    done = amk_cli("compile", LLAMA, "-o", str(tmp_path), "--knob", "sms=8",
                   "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ptx"] == str(tmp_path / "kernel.ptx")
    assert os.path.isfile(result["ptx"]) and os.path.isfile(result["manifest"])
    assert result["stats"]["workers"] == 8


def test_run_and_check(llama_kernel, golden):
    common = ["--model", LLAMA, "--kernel", llama_kernel.ptx, "--cpu"]
    prompt = ",".join(str(t) for t in golden["prompt_ids"])
    done = amk_cli("run", *common, "--prompt", prompt,
                   "--max-new-tokens", "8")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "tokens: " + ",".join(
        str(t) for t in golden["new_tokens"][:8])
    assert lines[1].startswith("latency: median ")
    done = amk_cli("check", *common)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 32 tokens match")
    done = amk_cli("bench", *common, "--steps", "4")
    assert done.returncode == 0 and "tokens/s: " in done.stdout


def test_check_mismatch_is_4(llama_kernel, golden, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    for name in ("config.json", "model.safetensors"):
        shutil.copy(os.path.join(LLAMA, name), str(model / name))
    wrong = dict(golden, new_tokens=golden["new_tokens"][:3] + [
        (golden["new_tokens"][3] + 1) % golden["vocab_size"]])
    (tmp_path / "golden.json").write_text(json.dumps(wrong))
    done = amk_cli("check", "--model", str(model), "--kernel",
                   llama_kernel.ptx, "--cpu", "--max-new-tokens", "4",
                   "--golden", str(tmp_path / "golden.json"))
    assert done.returncode == 4
    assert done.stdout.startswith("mismatch at new token 3")


def test_run_errors():
    model = os.path.join(RUNTIME_INPUTS, "model")
    done = amk_cli("run", "--model", model, "--cpu", "--prompt", "6",
                   "--max-new-tokens", "1",
                   "--kernel", os.path.join(RUNTIME_INPUTS, "deadlock.ptx"))
    assert done.returncode == 3 and "deadlock: task \"head\"" in done.stderr
    done = amk_cli("run", "--model", model, "--cpu", "--prompt", "6",
                   "--kernel", os.path.join(RUNTIME_INPUTS, "none.ptx"))
    assert done.returncode == 2 and "cannot read the manifest" in done.stderr
