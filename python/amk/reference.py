"""References made on the spot: what ``check``, ``tune`` and ``bench --check``
compare the megakernel with when no golden.json is given.

``make(model_dir, cache_dir)`` writes a file in golden.json's format
(``prompt_ids``, ``new_tokens``, ``logits``: row i the fp32 next-token logits
whose argmax is ``new_tokens[i]``, teacher-forceable by ``amk-run --golden``)
from one of two sources:

- ``transformers``: HF transformers' ``AutoModelForCausalLM`` in fp32 (eager
  attention, TF32 off): greedy ``generate`` (end of sequence ignored), then
  one forward pass over prompt + tokens for the logits;
- ``cpu``: the CPU reference executor ``amk-ref-run`` on the naive,
  unscheduled program ``amk-translate --import-hf`` makes of the checkpoint
  (fp32 arithmetic; KV caches of the checkpoint's type, as the megakernel's).

``source="auto"`` takes transformers when it (and torch) can be imported,
else the CPU reference executor. The file is cached in ``cache_dir`` under a
key of the source, the prompt, the step count and the checkpoint's files
(names, sizes, modification times), so a second run reuses it. A checkpoint
the source cannot run is refused with an AmkError giving the reason.
"""
import collections
import hashlib
import importlib.util
import json
import os
import subprocess

from . import _tools, compiler
from .errors import AmkError, CompileError

SOURCES = ("auto", "transformers", "cpu")
#: Default decode steps of a reference.
STEPS = 32
#: Token ids after the BOS of the default prompt (taken modulo the vocabulary).
_PROMPT_TAIL = (17, 42, 99, 7, 123, 5, 64)

#: ``path``: the golden-format file; ``source``: "transformers" or "cpu";
#: ``label``: what it is, for messages; ``prompt``/``tokens``: its ids;
#: ``cached``: whether it was found in the cache.
Reference = collections.namedtuple(
    "Reference", "path source label prompt tokens cached")

_LABELS = {"transformers": "transformers (fp32)",
           "cpu": "the CPU reference executor (amk-ref-run, naive program)",
           "golden": "a given golden"}


def _config(model_dir):
    path = os.path.join(str(model_dir), "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except OSError:
        raise AmkError("no reference: %s is not a HuggingFace model folder "
                       "(no config.json)" % model_dir) from None
    except ValueError as e:
        raise AmkError("no reference: %s is not JSON: %s"
                       % (path, e)) from None
    if not isinstance(config, dict):
        raise AmkError("no reference: %s is not a JSON object" % path)
    return config


def default_prompt(model_dir):
    """Eight ids: the checkpoint's BOS (else 1), then fixed ids modulo the
    vocabulary."""
    config = _config(model_dir)
    vocab = config.get("vocab_size") or config.get(
        "text_config", {}).get("vocab_size") or 256
    bos = config.get("bos_token_id")
    bos = bos[0] if isinstance(bos, list) and bos else bos
    first = bos if isinstance(bos, int) and 0 <= bos < vocab else 1 % vocab
    return [first] + [t % vocab for t in _PROMPT_TAIL]


def transformers_available():
    """Whether transformers and torch can be imported (without importing)."""
    return all(importlib.util.find_spec(name) is not None
               for name in ("torch", "transformers"))


def resolve(source):
    """'transformers' or 'cpu' for a source of SOURCES."""
    if source not in SOURCES:
        raise AmkError("reference must be one of %s, not %r"
                       % (", ".join(SOURCES), source))
    if source == "auto":
        return "transformers" if transformers_available() else "cpu"
    return source


def _checkpoint_key(model_dir):
    """(name, size, mtime) of the files that define the checkpoint."""
    entries = []
    for name in sorted(os.listdir(str(model_dir))):
        if name == "config.json" or name.endswith(
                (".safetensors", ".safetensors.index.json")):
            st = os.stat(os.path.join(str(model_dir), name))
            entries.append([name, st.st_size, st.st_mtime_ns])
    return entries


def cache_path(model_dir, cache_dir, source, prompt, steps):
    """The file a reference of these inputs is cached in."""
    key = json.dumps({"source": source, "prompt": prompt, "steps": steps,
                      "model": os.path.abspath(str(model_dir)),
                      "files": _checkpoint_key(model_dir)}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return os.path.join(str(cache_dir), "reference-%s-%s.json"
                        % (source, digest))


def _write(path, source, prompt, tokens, logits):
    data = {"format": "amk-golden-v1", "reference": _LABELS[source],
            "prompt_ids": prompt, "num_new_tokens": len(tokens),
            "new_tokens": tokens, "logits": logits}
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(partial, path)


def _tail(text, lines=6):
    return "\n".join(text.strip().splitlines()[-lines:])


def _from_cpu(model_dir, path, prompt, steps, say):
    """The naive program on amk-ref-run: writes ``path``."""
    naive = path[:-len(".json")] + ".naive.mlir"
    trace = path[:-len(".json")] + ".trace.json"
    say("reference: import the naive program")
    try:
        compiler._import(str(model_dir), naive, kv_rows=len(prompt) + steps)
    except CompileError as e:
        raise AmkError("no reference: the CPU reference executor cannot run "
                       "%s: the import failed: %s" % (
                           model_dir, _tail(e.diagnostics) or e)) from None
    say("reference: %d steps on the CPU reference executor" % steps)
    command = [_tools.tool("amk-ref-run"), naive, "--weights", str(model_dir),
               "--prompt", ",".join(str(t) for t in prompt),
               "--steps", str(steps), "--dump-logits", trace]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True)
        if done.returncode != 0:
            raise AmkError("no reference: the CPU reference executor cannot "
                           "run %s (amk-ref-run exit %d): %s" % (
                               model_dir, done.returncode,
                               _tail(done.stdout)))
        with open(trace, encoding="utf-8") as f:
            data = json.load(f)
        _write(path, "cpu", prompt, data["tokens"], data["logits"])
    finally:
        for leftover in (naive, trace):
            if os.path.exists(leftover):
                os.remove(leftover)


def _from_transformers(model_dir, path, prompt, steps, say):
    """HF transformers in fp32: writes ``path``."""
    try:
        import torch
        from transformers import AutoModelForCausalLM
    except ImportError as e:
        raise AmkError("no reference: transformers (with torch) is not "
                       "installed (%s); use the CPU reference executor "
                       "(--reference cpu) or give --golden" % e) from None
    say("reference: load %s with transformers in fp32" % model_dir)
    try:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        model = AutoModelForCausalLM.from_pretrained(
            str(model_dir), torch_dtype=torch.float32,
            attn_implementation="eager")
        model.float().eval()  # fp32 whatever the loader made of the dtype
        device = "cuda" if torch.cuda.is_available() else "cpu"
        model.to(device)
        say("reference: %d greedy steps with transformers on %s"
            % (steps, device))
        with torch.no_grad():
            ids = torch.tensor([prompt], device=device)
            out = model.generate(ids, do_sample=False, max_new_tokens=steps,
                                 min_new_tokens=steps,
                                 attention_mask=torch.ones_like(ids),
                                 pad_token_id=0)
            tokens = out[0, len(prompt):].tolist()
            full = torch.tensor([prompt + tokens[:-1]], device=device)
            logits = model(full).logits[0, len(prompt) - 1:].float().cpu()
    except Exception as e:  # noqa: BLE001 - any refusal of transformers
        raise AmkError("no reference: transformers cannot run %s: %s: %s"
                       % (model_dir, type(e).__name__, e)) from None
    rows = [[float("%.6g" % v) for v in row] for row in logits.tolist()]
    _write(path, "transformers", prompt, tokens, rows)


def make(model_dir, cache_dir, prompt=None, steps=STEPS, source="auto",
         progress=None):
    """The Reference of ``model_dir`` for ``prompt`` (default:
    default_prompt) and ``steps`` new tokens, made now or taken from
    ``cache_dir``; AmkError with the reason when the source cannot run the
    checkpoint."""
    say = progress or (lambda message: None)
    source = resolve(source)
    if steps < 1:
        raise AmkError("a reference needs at least one step, not %d" % steps)
    prompt = [int(t) for t in (prompt or default_prompt(model_dir))]
    os.makedirs(str(cache_dir), exist_ok=True)
    path = cache_path(model_dir, cache_dir, source, prompt, steps)
    cached = os.path.isfile(path)
    if not cached:
        (_from_transformers if source == "transformers" else _from_cpu)(
            model_dir, path, prompt, steps, say)
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return Reference(path, source, _LABELS[source], data["prompt_ids"],
                     data["new_tokens"], cached)


def given(path):
    """The Reference of a golden.json file the user gave."""
    try:
        with open(str(path), encoding="utf-8") as f:
            data = json.load(f)
        prompt, tokens = data["prompt_ids"], data["new_tokens"]
    except OSError as e:
        raise AmkError("--golden %s: %s" % (path, e.strerror)) from None
    except (ValueError, KeyError, TypeError) as e:
        raise AmkError("--golden %s: not a golden.json with prompt_ids and "
                       "new_tokens: %s" % (path, e)) from None
    return Reference(str(path), "golden", "%s %s" % (_LABELS["golden"], path),
                     prompt, tokens, True)


def describe(ref):
    """One line naming the reference used, for the user."""
    return "reference: %s%s (%d prompt ids, %d tokens): %s" % (
        ref.label, ", cached" if ref.cached and ref.source != "golden" else "",
        len(ref.prompt), len(ref.tokens), ref.path)


def choose(model_dir, golden, cache_dir, source="auto", progress=None):
    """The Reference to check against: the given golden, else one made now
    from ``model_dir`` (or cached in ``cache_dir``); named through
    ``progress``."""
    if golden:
        ref = given(golden)
    else:
        ref = make(model_dir, cache_dir, source=source, progress=progress)
    if progress:
        progress(describe(ref))
    return ref


def default_cache_dir():
    """$AMK_CACHE, else $XDG_CACHE_HOME/amk, else ~/.cache/amk: where
    references of check, bench and the MCP server are kept."""
    if os.environ.get("AMK_CACHE"):
        return os.environ["AMK_CACHE"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return os.path.join(base, "amk")
