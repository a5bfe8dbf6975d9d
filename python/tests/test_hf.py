"""amk.hf without transformers: the KV bookkeeping (Feed) a GenerationMixin
drives, checked with a minimal generate-like driver on the CPU path, and
the clear errors; text in and out through amk.text."""
import os
import subprocess
import sys
import types

import pytest

from conftest import HERE, LLAMA, model_copy

import amk
from amk import hf, text


class Counting:
    """A Megakernel wrapper counting the positions it is fed."""

    def __init__(self, mk):
        self.mk, self.fed = mk, []

    def __getattr__(self, name):
        return getattr(self.mk, name)

    def step(self, token, pos=None, logits=False):
        self.fed.append((token, pos))
        return self.mk.step(token, pos=pos, logits=logits)


def generate_like(feed, prompt, max_new_tokens, eos=None):
    """What GenerationMixin.generate does without a cache: the whole
    sequence every step, the argmax of the last logits (greedy), stop at
    eos."""
    ids = list(prompt)
    for _ in range(max_new_tokens):
        (row,) = feed.logits([ids])
        token = max(range(len(row)), key=lambda i: (row[i], -i))
        ids.append(token)
        if token == eos:
            break
    return ids[len(prompt):]


def test_feed_drives_generation_with_the_kv_state_in_the_session(
        llama_kernel, golden):
    prompt, expected = golden["prompt_ids"], golden["new_tokens"]
    with amk.Megakernel(llama_kernel, LLAMA, device="cpu", max_seq=64) as mk:
        session = Counting(mk)
        feed = hf.Feed(session)
        assert generate_like(feed, prompt, 12) == expected[:12]
        # Each position was fed once: the prompt, then one token a step.
        assert [p for _, p in session.fed] == list(range(len(prompt) + 11))
        # Continuing the same sequence resumes at its end: the last
        # generated token (position 19) was not fed yet.
        session.fed.clear()
        more = generate_like(feed, prompt + expected[:12], 4)
        assert more == expected[12:16]
        assert [p for _, p in session.fed] == list(range(19, 23))
        # A new sequence sharing the first 3 ids resumes at position 3;
        # its tokens equal a fresh session's.
        session.fed.clear()
        other = prompt[:3] + [5, 6]
        got = generate_like(feed, other, 3)
        assert session.fed[0] == (5, 3)
        assert got == mk.generate(other, 3)
        # generate() reopened the session: Feed starts over after reset.
        feed.reset()
        assert generate_like(feed, prompt, 2) == expected[:2]
        # eos stops; a repeated call with no new id refeeds the last one.
        assert generate_like(feed, prompt, 5, eos=expected[0]) == \
            expected[:1]
        (row,) = feed.logits([prompt])
        assert max(range(len(row)), key=row.__getitem__) == expected[0]
        with pytest.raises(amk.AmkError, match="only batch size 1"):
            feed.logits([prompt, prompt])
        with pytest.raises(amk.AmkError, match="exceed the 64 KV rows"):
            feed.logits([[1] * 65])
        # A failed step (bad token) starts over, and the next call works.
        with pytest.raises(amk.RunError, match="out of range"):
            feed.logits([prompt + [10 ** 6]])
        assert feed.fed == []
        assert generate_like(feed, prompt, 3) == expected[:3]


def test_from_pretrained_without_transformers_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(amk.AmkError, match="amk.hf needs transformers and "
                       "torch"):
        hf.from_pretrained(LLAMA, device="cpu")


def test_stream_sampling_and_limits(llama_kernel, golden):
    prompt, expected = golden["prompt_ids"], golden["new_tokens"]
    with amk.Megakernel(llama_kernel, LLAMA, device="cpu", max_seq=20) as mk:
        assert list(mk.stream(prompt, 5)) == expected[:5]
        # pick sees the logits; stop ids end the stream after the token.
        seen = []

        def pick(logits):
            seen.append(len(logits))
            return max(range(len(logits)), key=logits.__getitem__)
        assert list(mk.stream(prompt, 5, pick=pick,
                              stop_ids={expected[1]})) == expected[:2]
        assert seen == [golden["vocab_size"]] * 2
        with pytest.raises(amk.AmkError, match="exceed the 20 KV rows"):
            list(mk.stream(prompt, 14))


def test_text_and_chat_errors(llama_kernel, tmp_path, monkeypatch):
    model = model_copy(str(tmp_path / "m"))
    with pytest.raises(amk.AmkError, match="has no tokenizer.json"):
        text.load(model)
    (tmp_path / "m" / "tokenizer.json").write_text("{}")

    class Tokenizer:
        @staticmethod
        def from_file(path):
            return Tokenizer()

        def encode(self, s):
            return types.SimpleNamespace(ids=[int(w) for w in s.split()])

        def decode(self, ids):
            return " ".join("w%d" % i for i in ids)

    monkeypatch.setitem(sys.modules, "transformers", None)
    monkeypatch.setitem(sys.modules, "tokenizers",
                        types.SimpleNamespace(Tokenizer=Tokenizer))
    codec = text.load(model)
    assert codec.kind == "tokenizers" and codec.eos_ids == (2,)
    with pytest.raises(amk.AmkError, match="chat template needs the "
                       "'transformers' package"):
        codec.chat([{"role": "user", "content": "1"}])
    with amk.Megakernel(llama_kernel, model, device="cpu") as mk:
        with pytest.raises(amk.AmkError, match="chat template"):
            mk.generate_text([{"role": "user", "content": "1 17"}], 2)


def test_run_text_without_tokenizers_is_a_clear_error(llama_kernel,
                                                      tmp_path):
    model = model_copy(str(tmp_path / "m"))
    (tmp_path / "m" / "tokenizer.json").write_text("{}")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    for extra in ([], ["--chat"]):
        done = subprocess.run(
            [sys.executable, "-m", "amk", "run", "--model", model, "--kernel",
             llama_kernel.ptx, "--cpu", "--text", "hello"] + extra,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, env=env, timeout=120)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "'tokenizers' package is not installed" in done.stderr


class FakeTensor:
    """Nested lists standing in for a torch tensor (tolist, [:, None, :])."""

    def __init__(self, data, **kwargs):
        self.data = data

    def tolist(self):
        return self.data

    def __getitem__(self, index):
        assert index == (slice(None), None, slice(None))
        return FakeTensor([[row] for row in self.data])


def fake_transformers(monkeypatch):
    """Minimal torch and transformers modules: a PreTrainedModel that
    keeps its config, and a GenerationMixin.generate that is greedy over
    ``self(input_ids=...).logits[:, -1]`` with max_new_tokens and eos."""
    torch = types.ModuleType("torch")
    torch.float32 = "float32"
    torch.tensor = FakeTensor
    torch.zeros = lambda *shape: FakeTensor([0.0] * shape[0])
    torch.nn = types.SimpleNamespace(Parameter=lambda t, requires_grad: (
        types.SimpleNamespace(device="cpu", data=t)))

    class PreTrainedModel:
        def __init__(self, config):
            self.config = config

        def eval(self):
            return self

        def __call__(self, **kwargs):  # nn.Module calls forward
            return self.forward(**kwargs)

    class GenerationMixin:
        def generate(self, input_ids, max_new_tokens, eos_token_id=None):
            ids = input_ids.tolist()
            for _ in range(max_new_tokens):
                inputs = self.prepare_inputs_for_generation(
                    FakeTensor(ids), attention_mask=None)
                row = self(**inputs).logits.tolist()[0][-1]
                ids = [ids[0] + [max(range(len(row)), key=row.__getitem__)]]
                if ids[0][-1] == eos_token_id:
                    break
            return FakeTensor(ids)

    class GenerationConfig:
        @staticmethod
        def from_pretrained(path):
            raise OSError("no generation_config.json")

        @staticmethod
        def from_model_config(config):
            return types.SimpleNamespace(use_cache=True, source=config)

    transformers = types.ModuleType("transformers")
    transformers.PreTrainedModel = PreTrainedModel
    transformers.GenerationMixin = GenerationMixin
    transformers.GenerationConfig = GenerationConfig
    transformers.AutoConfig = types.SimpleNamespace(
        from_pretrained=lambda path: {"path": path})
    outputs = types.ModuleType("transformers.modeling_outputs")
    outputs.CausalLMOutputWithPast = lambda logits: types.SimpleNamespace(
        logits=logits)
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "transformers", transformers)
    monkeypatch.setitem(sys.modules, "transformers.modeling_outputs", outputs)


def test_from_pretrained_wiring_with_stand_in_transformers(
        llama_kernel, golden, monkeypatch):
    """from_pretrained opens the session on the kernel, generate's calls
    reach the megakernel through forward and Feed, the generation config
    turns transformers' cache off. (transformers itself is not installed
    here: its generate is exercised on the GPU machine only.)"""
    fake_transformers(monkeypatch)
    model = hf.from_pretrained(LLAMA, kernel=llama_kernel, device="cpu",
                               max_seq=64)
    try:
        assert model.can_generate()
        assert model.generation_config.use_cache is False
        assert model.config == {"path": LLAMA}
        out = model.generate(FakeTensor([golden["prompt_ids"]]),
                             max_new_tokens=6)
        assert out.tolist()[0][8:] == golden["new_tokens"][:6]
        assert model.feed.steps == 8 + 5
        eos = golden["new_tokens"][2]
        out = model.generate(FakeTensor([golden["prompt_ids"]]),
                             max_new_tokens=6, eos_token_id=eos)
        assert out.tolist()[0][8:] == golden["new_tokens"][:3]
        with pytest.raises(amk.AmkError, match="takes input_ids"):
            model.forward(input_ids=None)
    finally:
        model.close()
