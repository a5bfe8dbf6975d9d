#!/usr/bin/env python3
"""Check the committed test models and their goldens (stdlib only, for CI).

    python3 utils/check_golden.py                 # every model under test/models
    python3 utils/check_golden.py test/models/llama-f32 [...]

For each model directory (one holding golden.json) it checks: the golden's structure
(prompt, new tokens, one full-vocab logits row per new token, margins); that each row's
argmax is the recorded token and its top-1 minus top-2 is the recorded margin; the
minimum margin (>= --min-margin); that config.json is the config recorded in the golden
and is in the recorded spelling; the sha256 of every recorded file; and the
model.safetensors header (dtype, tensor names and shapes against the config, tied
lm_head absent, data section size).  It ends with 'N passed, M failed'.
"""

import argparse
import json
import math
import os
import struct
import sys

from make_test_models import sha256

FORMAT = "amk-golden-v1"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.normpath(os.path.join(HERE, "..", "test", "models"))

ST_DTYPES = {"float32": ("F32", 4), "bfloat16": ("BF16", 2)}

REQUIRED = {
    "format": str, "name": str, "arch": str, "architectures": list, "model_type": str,
    "checkpoint_dtype": str, "reference_dtype": str, "attn_implementation": str,
    "config_spelling": str, "versions": dict, "seed": int, "vocab_size": int,
    "prompt_ids": list, "num_new_tokens": int, "new_tokens": list, "logits": list,
    "margins": list, "min_margin": (int, float), "min_margin_step": int,
    "config": dict, "files": dict, "tf32": bool,
}


class Fail(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Fail(msg)


def read_safetensors_header(path):
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        raw = f.read(8)
        need(len(raw) == 8, "safetensors: short file")
        (n,) = struct.unpack("<Q", raw)
        need(0 < n <= size - 8, "safetensors: bad header length")
        hdr = json.loads(f.read(n).decode("utf-8"))
    return hdr, size - 8 - n


def expected_shapes(cfg):
    """name -> shape for a Llama/Mistral/Qwen2/Qwen3 checkpoint, from its config."""
    h = cfg["hidden_size"]
    nh = cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads") or nh
    hd = cfg.get("head_dim") or h // nh
    inter = cfg["intermediate_size"]
    vocab = cfg["vocab_size"]
    mt = cfg.get("model_type")
    qkv_bias = mt == "qwen2" or bool(cfg.get("attention_bias"))
    shapes = {"model.embed_tokens.weight": [vocab, h], "model.norm.weight": [h]}
    if not cfg.get("tie_word_embeddings", False):
        shapes["lm_head.weight"] = [vocab, h]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes.update({
            p + "input_layernorm.weight": [h],
            p + "post_attention_layernorm.weight": [h],
            p + "self_attn.q_proj.weight": [nh * hd, h],
            p + "self_attn.k_proj.weight": [nkv * hd, h],
            p + "self_attn.v_proj.weight": [nkv * hd, h],
            p + "self_attn.o_proj.weight": [h, nh * hd],
            p + "mlp.gate_proj.weight": [inter, h],
            p + "mlp.up_proj.weight": [inter, h],
            p + "mlp.down_proj.weight": [h, inter],
        })
        if qkv_bias:
            shapes.update({
                p + "self_attn.q_proj.bias": [nh * hd],
                p + "self_attn.k_proj.bias": [nkv * hd],
                p + "self_attn.v_proj.bias": [nkv * hd],
            })
        if mt == "qwen3":
            shapes.update({p + "self_attn.q_norm.weight": [hd], p + "self_attn.k_norm.weight": [hd]})
    return shapes


def check_model(d, min_margin, min_new):
    gpath = os.path.join(d, "golden.json")
    with open(gpath) as f:
        g = json.load(f)
    for k, t in REQUIRED.items():
        need(k in g, f"missing key {k}")
        need(isinstance(g[k], t) and not (t is int and isinstance(g[k], bool)),
             f"{k} has type {type(g[k]).__name__}")
    need(g["format"] == FORMAT, f"format {g['format']!r}")
    need(g["name"] == os.path.basename(os.path.normpath(d)), f"name {g['name']!r} != dir")
    need(g["checkpoint_dtype"] in ST_DTYPES, f"checkpoint_dtype {g['checkpoint_dtype']}")
    need(g["reference_dtype"] == "float32", "reference_dtype must be float32")
    need(g["attn_implementation"] == "eager", "attn_implementation must be eager")
    need(g["tf32"] is False, "tf32 must be off")
    for k in ("torch", "transformers"):
        need(isinstance(g["versions"].get(k), str), f"versions.{k} missing")

    cfg = g["config"]
    vocab = g["vocab_size"]
    need(cfg.get("vocab_size") == vocab, "vocab_size differs from config")
    need(cfg.get("architectures") == g["architectures"], "architectures differ from config")
    need(cfg.get("model_type") == g["model_type"], "model_type differs from config")

    # Tokens.
    prompt, toks, n = g["prompt_ids"], g["new_tokens"], g["num_new_tokens"]
    need(len(prompt) >= 1, "empty prompt")
    need(n >= min_new, f"num_new_tokens {n} < {min_new}")
    need(len(toks) == n, f"{len(toks)} new tokens, expected {n}")
    for t in prompt + toks:
        need(isinstance(t, int) and not isinstance(t, bool) and 0 <= t < vocab, f"bad token {t!r}")
    need(len(prompt) + n <= cfg["max_position_embeddings"], "sequence longer than max positions")

    # Logits and margins.
    rows = g["logits"]
    need(len(rows) == n, f"{len(rows)} logits rows, expected {n}")
    need(len(g["margins"]) == n, f"{len(g['margins'])} margins, expected {n}")
    stds = []
    for i, r in enumerate(rows):
        need(isinstance(r, list) and len(r) == vocab, f"logits row {i}: length {len(r)} != vocab {vocab}")
        need(all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in r),
             f"logits row {i}: non-numeric or non-finite value")
        top = max(range(vocab), key=r.__getitem__)
        need(top == toks[i], f"step {i}: argmax {top} != new token {toks[i]}")
        second = max(x for j, x in enumerate(r) if j != top)
        m = r[top] - second
        need(m > 0, f"step {i}: tie at the top")
        rec = g["margins"][i]
        need(abs(m - rec) <= 2e-4 + 1e-5 * abs(r[top]), f"step {i}: margin {rec} but logits give {m}")
        mean = sum(r) / vocab
        stds.append(math.sqrt(sum((x - mean) ** 2 for x in r) / vocab))
    need(g["min_margin"] == min(g["margins"]), "min_margin is not min(margins)")
    need(g["margins"][g["min_margin_step"]] == g["min_margin"], "min_margin_step wrong")
    need(g["min_margin"] >= min_margin, f"min margin {g['min_margin']} < {min_margin}")
    need(sum(stds) / n > 0.5, f"logits near-uniform (mean std {sum(stds) / n:.3f})")

    # config.json on disk is the recorded config, in the recorded spelling.
    with open(os.path.join(d, "config.json")) as f:
        disk_cfg = json.load(f)
    need(disk_cfg == cfg, "config.json differs from golden config")
    if g["config_spelling"] == "old":
        need("rope_parameters" not in cfg and "rope_theta" in cfg and "rope_scaling" in cfg,
             "old spelling needs top-level rope_theta + rope_scaling, no rope_parameters")
        need(cfg["rope_scaling"] is None or "rope_type" in cfg["rope_scaling"], "rope_scaling without rope_type")
    elif g["config_spelling"] == "new":
        rp = cfg.get("rope_parameters")
        need(isinstance(rp, dict) and "rope_theta" in rp and "rope_type" in rp,
             "new spelling needs rope_parameters with rope_type and rope_theta")
    else:
        raise Fail(f"config_spelling {g['config_spelling']!r}")

    # Recorded files.
    need("model.safetensors" in g["files"] and "config.json" in g["files"], "files must list config + weights")
    for fname, digest in g["files"].items():
        p = os.path.join(d, fname)
        need(os.path.isfile(p), f"missing {fname}")
        need(sha256(p) == digest, f"sha256 of {fname} differs from golden")
    extra = [f for f in os.listdir(d)
             if f.endswith(".safetensors") or f.endswith(".bin") or f.endswith(".index.json")]
    need(extra == ["model.safetensors"], f"weight files {extra}")

    # Safetensors header against the config.
    hdr, data_len = read_safetensors_header(os.path.join(d, "model.safetensors"))
    hdr.pop("__metadata__", None)
    st_dtype, esize = ST_DTYPES[g["checkpoint_dtype"]]
    want = expected_shapes(cfg)
    need(set(hdr) == set(want), f"tensor names differ: extra {sorted(set(hdr) - set(want))}, "
                                f"missing {sorted(set(want) - set(hdr))}")
    end = 0
    for name, info in hdr.items():
        need(info["dtype"] == st_dtype, f"{name}: dtype {info['dtype']} != {st_dtype}")
        need(info["shape"] == want[name], f"{name}: shape {info['shape']} != {want[name]}")
        a, b = info["data_offsets"]
        numel = 1
        for s in info["shape"]:
            numel *= s
        need(b - a == numel * esize, f"{name}: data size")
        end = max(end, b)
    need(end == data_len, "safetensors data section size")
    return g


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", help="model directories (default: every one under test/models)")
    ap.add_argument("--root", default=DEFAULT_ROOT)
    ap.add_argument("--min-margin", type=float, default=0.05)
    ap.add_argument("--min-new-tokens", type=int, default=32)
    args = ap.parse_args()

    dirs = args.dirs
    manifest = None
    if not dirs:
        dirs = sorted(os.path.join(args.root, e) for e in os.listdir(args.root)
                      if os.path.isfile(os.path.join(args.root, e, "golden.json")))
        mpath = os.path.join(args.root, "MANIFEST.json")
        if os.path.isfile(mpath):
            with open(mpath) as f:
                manifest = json.load(f)
    passed = failed = 0
    seen = {}
    for d in dirs:
        name = os.path.basename(os.path.normpath(d))
        try:
            g = check_model(d, args.min_margin, args.min_new_tokens)
            seen[name] = g
            print(f"ok   {name:16s} {g['checkpoint_dtype']:8s} {g['config_spelling']} spelling, "
                  f"{len(g['new_tokens'])} tokens, vocab {g['vocab_size']}, min margin {g['min_margin']:.4f}")
            passed += 1
        except (Fail, OSError, ValueError, KeyError, TypeError) as e:
            print(f"FAIL {name}: {type(e).__name__ if not isinstance(e, Fail) else ''}{': ' if not isinstance(e, Fail) else ''}{e}")
            failed += 1
    if manifest is not None:
        try:
            names = [m["name"] for m in manifest["models"]]
            need(sorted(names) == sorted(os.path.basename(d) for d in dirs),
                 f"MANIFEST lists {sorted(names)}, directories are {sorted(os.path.basename(d) for d in dirs)}")
            for m in manifest["models"]:
                g = seen.get(m["name"])
                if g is not None:
                    need(m["min_margin"] == g["min_margin"] and m["seed"] == g["seed"],
                         f"MANIFEST entry {m['name']} disagrees with its golden")
            print("ok   MANIFEST.json")
            passed += 1
        except (Fail, KeyError, TypeError) as e:
            print(f"FAIL MANIFEST.json: {e}")
            failed += 1
    if not dirs:
        print("no model directories found")
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
