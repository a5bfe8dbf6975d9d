"""amk.Megakernel on the CPU path: tokens against HF goldens, steps, errors."""
import os
import sys
import types

import pytest

import amk
from conftest import LLAMA, MODELS, REPO

RUNTIME_INPUTS = os.path.join(REPO, "test", "Runtime", "Inputs")


def test_generate_matches_the_golden(llama_kernel, golden):
    with amk.Megakernel(llama_kernel, LLAMA, device="cpu") as mk:
        tokens = mk.generate(golden["prompt_ids"], golden["num_new_tokens"])
        assert tokens == golden["new_tokens"]
        assert mk.latency_ms > 0
        assert mk.vocab_size == golden["vocab_size"]


def test_steps_match_generate(llama_kernel, golden):
    prompt, expected = golden["prompt_ids"], golden["new_tokens"][:6]
    with amk.Megakernel(llama_kernel, LLAMA, device="cpu") as mk:
        for token in prompt[:-1]:
            mk.step(token)
        token, logits = mk.step(prompt[-1], logits=True)
        assert len(logits) == golden["vocab_size"]
        assert logits.index(max(logits)) == token
        got = [token]
        while len(got) < len(expected):
            got.append(mk.step(got[-1]))
        assert got == expected
        assert mk.position == len(prompt) + len(expected) - 1
        # generate starts again from a fresh KV cache.
        assert mk.generate(prompt, 3) == expected[:3]


def test_steps_per_launch_beyond_the_kernel_is_refused(llama_kernel, golden):
    # The default lowering runs one step per launch.
    with amk.Megakernel(llama_kernel, LLAMA, device="cpu") as mk:
        with pytest.raises(amk.RunError, match=r"--steps-per-launch 4 is not in \[1, 1\]"):
            mk.generate(golden["prompt_ids"], 4, steps_per_launch=4)
        assert mk.generate(golden["prompt_ids"], 4, steps_per_launch=1) == \
            golden["new_tokens"][:4]


def test_max_seq_is_capped_at_the_compiled_rows(llama_kernel):
    rows = max(b["shape"][0] for b in llama_kernel.manifest["buffers"]
               if b["kind"] == "kv_cache")
    with amk.Megakernel(llama_kernel, LLAMA, device="cpu") as mk:
        assert mk.max_seq == rows < 4096
    with amk.Megakernel(llama_kernel, LLAMA, max_seq=4,
                        device="cpu") as mk:
        with pytest.raises(amk.RunError, match="past --max-seq 4") as info:
            mk.generate([1, 2, 3], 5)
        assert info.value.code == 2


def test_bad_token_and_closed_session(llama_kernel, golden):
    mk = amk.Megakernel(llama_kernel, LLAMA, device="cpu")
    with pytest.raises(amk.RunError) as info:
        mk.step(100000)
    assert info.value.code == 2 and "100000" in str(info.value)
    assert mk.generate(golden["prompt_ids"], 2) == golden["new_tokens"][:2]
    mk.close()
    mk.close()
    with pytest.raises(amk.AmkError, match="session is closed"):
        mk.step(1)


def test_checkpoint_of_another_dtype(llama_kernel):
    with pytest.raises(amk.RunError) as info:
        amk.Megakernel(llama_kernel, os.path.join(MODELS, "llama-bf16"),
                       device="cpu")
    assert info.value.code == 2
    assert "is BF16" in str(info.value) and "is f32" in str(info.value)


def test_deadlock_is_code_3():
    kernel = os.path.join(RUNTIME_INPUTS, "deadlock.ptx")
    model = os.path.join(RUNTIME_INPUTS, "model")
    with amk.Megakernel(kernel, model, device="cpu") as mk:
        with pytest.raises(amk.RunError) as info:
            mk.generate([6], 1)
    assert info.value.code == 3
    assert ('deadlock: task "head" on worker 1 waited on event "embed" '
            '(count 1 < threshold 2)') in str(info.value)


def test_bad_device(llama_kernel):
    with pytest.raises(amk.AmkError, match="device must be 'cuda' or 'cpu'"):
        amk.Megakernel(llama_kernel, LLAMA, device="tpu")


def test_text_needs_a_tokenizer(llama_kernel):
    with amk.Megakernel(llama_kernel, LLAMA, device="cpu") as mk:
        with pytest.raises(amk.AmkError, match="has no tokenizer.json"):
            mk.generate_text("hello", 4)


def _model_with_tokenizer(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    for name in ("config.json", "model.safetensors"):
        os.symlink(os.path.join(LLAMA, name), str(model / name))
    (model / "tokenizer.json").write_text("{}")
    return str(model)


def test_text_needs_the_tokenizers_package(llama_kernel, tmp_path,
                                           monkeypatch):
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    model = _model_with_tokenizer(tmp_path)
    with amk.Megakernel(llama_kernel, model, device="cpu") as mk:
        with pytest.raises(amk.AmkError,
                           match="'tokenizers' package is not installed"):
            mk.generate_text("hello", 4)


def test_text_in_text_out(llama_kernel, golden, tmp_path, monkeypatch):
    """generate_text encodes with the model's tokenizer.json, generates and
    decodes the new tokens (a stand-in `tokenizers` module maps words to
    ids)."""
    prompt = golden["prompt_ids"]

    class Tokenizer:
        @staticmethod
        def from_file(path):
            assert path.endswith("tokenizer.json")
            return Tokenizer()

        def encode(self, text):
            return types.SimpleNamespace(ids=[int(w) for w in text.split()])

        def decode(self, ids):
            return " ".join("w%d" % i for i in ids)

    monkeypatch.setitem(sys.modules, "tokenizers",
                        types.SimpleNamespace(Tokenizer=Tokenizer))
    model = _model_with_tokenizer(tmp_path)
    with amk.Megakernel(llama_kernel, model, device="cpu") as mk:
        text = mk.generate_text(" ".join(str(i) for i in prompt), 3)
    assert text == " ".join("w%d" % i for i in golden["new_tokens"][:3])
