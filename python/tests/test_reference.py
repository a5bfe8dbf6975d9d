"""References made on the spot (amk.reference): the CPU reference executor
on the naive program, the cache, the refusals, and check / bench --check /
tune on a checkpoint without golden.json."""
import json
import os
import subprocess
import sys

import pytest

from conftest import HERE, LLAMA, model_copy

from amk import AmkError, reference, tune

CPU_LABEL = "the CPU reference executor (amk-ref-run, naive program)"


def amk_cli(*args, env=None):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE), **(env or {}))
    return subprocess.run([sys.executable, "-m", "amk"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env, timeout=300)


def test_cpu_reference_equals_hf_golden_and_is_cached(golden, tmp_path):
    """The naive program on amk-ref-run gives HF's 32 greedy tokens and its
    logits within the fp32 tolerance; the second request is the cached
    file."""
    made = reference.make(LLAMA, str(tmp_path), prompt=golden["prompt_ids"],
                          steps=32, source="cpu")
    assert made.source == "cpu" and not made.cached
    assert made.tokens == golden["new_tokens"]
    assert os.path.dirname(made.path) == str(tmp_path)
    with open(made.path, encoding="utf-8") as f:
        data = json.load(f)
    assert data["reference"] == CPU_LABEL
    for ours, hf in zip(data["logits"], golden["logits"]):
        scale = max(abs(v) for v in hf)
        assert max(abs(a - b) for a, b in zip(ours, hf)) <= 1e-4 * scale
    again = reference.make(LLAMA, str(tmp_path), prompt=golden["prompt_ids"],
                           steps=32, source="cpu")
    assert again.cached and again.path == made.path
    assert "cached" in reference.describe(again)
    # Another prompt or step count is another file; no work files are left.
    other = reference.make(LLAMA, str(tmp_path), steps=3, source="cpu")
    assert other.path != made.path and len(other.tokens) == 3
    assert other.prompt == reference.default_prompt(LLAMA)
    assert sorted(os.listdir(str(tmp_path))) == sorted(
        os.path.basename(p) for p in (made.path, other.path))


def test_sources_and_refusals(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "transformers_available", lambda: False)
    assert reference.resolve("auto") == "cpu"
    monkeypatch.setattr(reference, "transformers_available", lambda: True)
    assert reference.resolve("auto") == "transformers"
    with pytest.raises(AmkError, match="reference must be one of"):
        reference.resolve("golden")
    # transformers asked for but absent: the reason, not a traceback.
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(AmkError, match="transformers .with torch. is not "
                       "installed"):
        reference.make(LLAMA, str(tmp_path), steps=2, source="transformers")
    # A checkpoint the CPU reference executor cannot run: no weights.
    broken = model_copy(str(tmp_path / "broken"), names=("config.json",))
    with pytest.raises(AmkError, match="no reference: the CPU reference "
                       "executor cannot run .*broken"):
        reference.make(broken, str(tmp_path / "cache"), steps=2,
                       source="cpu")
    with pytest.raises(AmkError, match="no config.json"):
        reference.make(str(tmp_path), str(tmp_path / "cache"), source="cpu")
    with pytest.raises(AmkError, match="not a golden.json"):
        (tmp_path / "bad.json").write_text("{}")
        reference.given(str(tmp_path / "bad.json"))


def test_check_and_bench_without_golden(llama_kernel, tmp_path):
    model = model_copy(str(tmp_path / "mine"))
    cache = str(tmp_path / "cache")
    common = ["--model", model, "--kernel", llama_kernel.ptx, "--cpu",
              "--work-dir", cache, "--progress"]
    done = amk_cli("check", *common, "--max-new-tokens", "6")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok: 6 tokens match %s\n" % CPU_LABEL
    assert "reference: %s (8 prompt ids, 6 tokens)" % CPU_LABEL in done.stderr
    assert len(os.listdir(cache)) == 1
    done = amk_cli("check", *common, "--max-new-tokens", "6")
    assert done.returncode == 0 and "6 tokens), cached" not in done.stderr
    assert ", cached (8 prompt ids, 6 tokens)" in done.stderr
    done = amk_cli("bench", *common, "--check", "--steps", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 32 tokens match " + CPU_LABEL)
    assert "tokens/s: " in done.stdout
    # A checkpoint the reference cannot run: exit 2 with the reason.
    broken = model_copy(str(tmp_path / "broken"), names=("config.json",))
    done = amk_cli("check", "--model", broken, "--kernel", llama_kernel.ptx,
                   "--cpu", "--work-dir", cache)
    assert done.returncode == 2
    assert "error: no reference: the CPU reference executor cannot run" \
        in done.stderr and "Traceback" not in done.stderr


def test_tune_without_golden_makes_its_reference(tmp_path):
    model = model_copy(str(tmp_path / "mine"))
    work = str(tmp_path / "work")
    summary, records = tune.tune(model, budget=0, work_dir=work,
                                 reference_source="cpu", cpu_steps=4)
    assert summary["reference"] == CPU_LABEL
    assert os.path.dirname(summary["reference_file"]) == work
    assert [r["verdict"] for r in records] == ["predicted"]
    assert records[0]["check"]["cpu"]["exit"] == 0
    # The command line names the reference in its summary.
    done = amk_cli("tune", model, "--budget", "0", "--work-dir", work,
                   "--cpu-steps", "4")
    assert done.returncode == 0, done.stderr
    assert "reference: %s\n" % CPU_LABEL in done.stdout
    # A given golden still works and is named.
    summary, _ = tune.tune(model, budget=0, work_dir=work, cpu_steps=4,
                           golden=os.path.join(LLAMA, "golden.json"))
    assert summary["reference"].startswith("a given golden ")


class T:
    """Nested lists standing in for a torch tensor: [i, a:b] indexing,
    tolist, float, cpu."""

    def __init__(self, data):
        self.data = data

    def __getitem__(self, index):
        def pick(data, idx):
            if not idx:
                return data
            sub = data[idx[0]]
            if isinstance(idx[0], slice):
                return [pick(x, idx[1:]) for x in sub]
            return pick(sub, idx[1:])
        out = pick(self.data, index if isinstance(index, tuple) else
                   (index,))
        return T(out) if isinstance(out, list) else out

    def tolist(self):
        return self.data

    def float(self):
        return self

    def cpu(self):
        return self


def test_transformers_source_with_stand_in_modules(golden, tmp_path,
                                                   monkeypatch):
    """The transformers path (fp32 load, greedy generate, one forward over
    prompt + tokens) writes HF's tokens and the logits of the right
    positions; its errors are refusals with the reason. (transformers is
    not installed here: the real one runs on the GPU machine.)"""
    import contextlib
    import types
    prompt, tokens = golden["prompt_ids"], golden["new_tokens"][:5]
    rows = golden["logits"][:5]
    calls = {}

    class Model:
        def float(self):
            calls["float"] = True
            return self

        def eval(self):
            return self

        def to(self, device):
            calls["device"] = device

        def generate(self, ids, **kwargs):
            calls["generate"] = kwargs
            return T([ids.data[0] + tokens])

        def __call__(self, full):
            # Row i: the logits after position i; only the generated
            # positions matter.
            n = len(full.data[0])
            assert full.data[0] == prompt + tokens[:-1]
            zero = [0.0] * len(rows[0])
            out = [zero] * (len(prompt) - 1) + rows
            assert len(out) == n
            return types.SimpleNamespace(logits=T([out]))

    def from_pretrained(path, **kwargs):
        calls["load"] = kwargs
        if "broken" in path:
            raise ValueError("unsupported architecture")
        return Model()

    torch = types.ModuleType("torch")
    torch.float32 = "float32"
    torch.backends = types.SimpleNamespace(
        cuda=types.SimpleNamespace(matmul=types.SimpleNamespace()),
        cudnn=types.SimpleNamespace())
    torch.cuda = types.SimpleNamespace(is_available=lambda: False)
    torch.no_grad = contextlib.nullcontext
    torch.tensor = lambda data, device=None: T(data)
    torch.ones_like = lambda t: T([[1] * len(t.data[0])])
    transformers = types.ModuleType("transformers")
    transformers.AutoModelForCausalLM = types.SimpleNamespace(
        from_pretrained=from_pretrained)
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "transformers", transformers)
    made = reference.make(LLAMA, str(tmp_path), prompt=prompt, steps=5,
                          source="transformers")
    assert made.source == "transformers" and made.tokens == tokens
    assert made.label == "transformers (fp32)"
    with open(made.path, encoding="utf-8") as f:
        assert json.load(f)["logits"] == rows
    assert calls["load"] == {"torch_dtype": "float32",
                             "attn_implementation": "eager"}
    assert calls["float"] and calls["device"] == "cpu"
    assert calls["generate"]["do_sample"] is False
    assert calls["generate"]["min_new_tokens"] == 5
    assert torch.backends.cuda.matmul.allow_tf32 is False
    broken = model_copy(str(tmp_path / "broken"))
    with pytest.raises(AmkError, match="no reference: transformers cannot "
                       "run .*broken: ValueError: unsupported architecture"):
        reference.make(broken, str(tmp_path), prompt=prompt, steps=5,
                       source="transformers")
