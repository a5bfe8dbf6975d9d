#!/usr/bin/env python3
"""Make AMK's committed test checkpoints and their goldens (test/models/).

For every supported architecture this writes two tiny random HuggingFace checkpoints
(`<arch>-f32`, `<arch>-bf16`) with transformers' own `save_pretrained` (config.json,
generation_config.json, one model.safetensors) and, beside each, a `golden.json`:
the fixed prompt, HF's fp32 greedy continuation, the full-vocab logits of every step,
the top-1 minus top-2 margin of every step, versions and the exact config.

Needs torch, transformers (5.x) and safetensors: it runs on the GPU machine, e.g.

    python3 utils/make_test_models.py --out test/models

The reference always runs in fp32 (bf16 checkpoints are loaded back from disk and
upcast), eager attention, TF32 off, deterministic algorithms.  Weights are drawn on the
CPU from a seeded torch.Generator, so they do not depend on the machine.  For each
architecture it tries seeds until both dtype variants have a minimum margin of at
least --target-margin (falling back to the best seed that reaches --min-margin) and a
continuation that is not a trivial repetition.

`utils/check_golden.py` (stdlib only) checks what this writes.
"""

import argparse
import copy
import hashlib
import json
import math
import os
import platform
import re
import shutil
import sys
import time

# Deterministic cuBLAS; must be set before CUDA initialises.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

GOLDEN_FORMAT = "amk-golden-v1"

# The prompt every model is run on (all ids < 256, the smallest vocab here).
PROMPT_IDS = [1, 17, 42, 99, 3, 250, 7, 128]
NUM_NEW_TOKENS = 32

# Init gains: projections get std = gain / sqrt(fan_in).
GAIN_QK = 1.5      # attention scores with std ~2: peaked, not saturated
GAIN_VO = 1.0
GAIN_GATE_UP = 1.5
GAIN_DOWN = 1.0
GAIN_LM_HEAD = 4.0  # untied lm_head: logits std ~4
EMB_STD_UNTIED = 1.0
EMB_STD_TIED = 0.5  # tied: also the lm_head, so logits std ~ 0.5 * sqrt(hidden)
NORM_STD = 0.2      # RMSNorm weights ~ N(1, 0.2)
QK_NORM_STD = 0.3   # Qwen3 q_norm / k_norm weights ~ N(1, 0.3)
BIAS_STD = 0.3      # Qwen2 q/k/v biases ~ N(0, 0.3)
# Tied models: the input embedding stays in the residual stream and, read back through
# the same matrix, makes the model repeat its input token; larger o_proj/down_proj
# outputs swamp it (seen: 2-11 distinct tokens in 32 without this, 3 of 3 tied archs).
TIED_OUT_GAIN = 3.0

# name: (model class, config class, config kwargs, tied, spelling per dtype, seed base)
# spelling "old" = post-edit config.json to the transformers-4 spelling: top-level
# rope_theta, rope_scaling {rope_type, ...} (or null), torch_dtype.
ARCHS = {
    "llama": dict(
        model="LlamaForCausalLM", config="LlamaConfig", seed_base=1000,
        kwargs=dict(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                    rms_norm_eps=1e-5, tie_word_embeddings=False,
                    rope={"rope_type": "default", "rope_theta": 10000.0}),
        spelling={"f32": "new", "bf16": "new"},
        note="Llama-2 style: default RoPE theta 1e4, untied, GQA 4 q heads / 2 kv heads, head_dim 16"),
    "llama3": dict(
        model="LlamaForCausalLM", config="LlamaConfig", seed_base=2000,
        kwargs=dict(vocab_size=384, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                    rms_norm_eps=1e-5, tie_word_embeddings=True,
                    rope={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                          "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 64}),
        spelling={"f32": "old", "bf16": "new"},
        note="Llama-3.2 style: llama3 RoPE scaling (factor 8, low 1, high 4, original max 64; "
             "theta 5e5, so head_dim-16 frequencies fall in all three bands), tied embeddings, "
             "GQA 4/2, head_dim 16"),
    "llama-mha": dict(
        model="LlamaForCausalLM", config="LlamaConfig", seed_base=3000,
        kwargs=dict(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=128,
                    rms_norm_eps=1e-6, tie_word_embeddings=False,
                    rope={"rope_type": "default", "rope_theta": 10000.0}),
        spelling={"f32": "new", "bf16": "new"},
        note="MHA: 4 q heads / 4 kv heads, head_dim 16, untied"),
    "llama-mqa": dict(
        model="LlamaForCausalLM", config="LlamaConfig", seed_base=4000,
        kwargs=dict(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=1, head_dim=24,
                    max_position_embeddings=128, rms_norm_eps=1e-5, tie_word_embeddings=False,
                    rope={"rope_type": "default", "rope_theta": 50000.0}),
        spelling={"f32": "new", "bf16": "new"},
        note="MQA: 4 q heads / 1 kv head, explicit head_dim 24 != hidden/heads (q_proj 64->96), "
             "theta 5e4, untied"),
    "mistral": dict(
        model="MistralForCausalLM", config="MistralConfig", seed_base=5000,
        kwargs=dict(vocab_size=320, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                    rms_norm_eps=1e-5, tie_word_embeddings=False, sliding_window=96,
                    rope={"rope_type": "default", "rope_theta": 1000000.0}),
        spelling={"f32": "new", "bf16": "new"},
        note="Mistral: sliding_window 96 (> the 40 positions tested), theta 1e6, GQA 4/2, untied"),
    "qwen2": dict(
        model="Qwen2ForCausalLM", config="Qwen2Config", seed_base=6000,
        kwargs=dict(vocab_size=384, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                    rms_norm_eps=1e-6, tie_word_embeddings=True, use_sliding_window=False,
                    rope={"rope_type": "default", "rope_theta": 1000000.0}),
        spelling={"f32": "old", "bf16": "old"},
        note="Qwen2.5-0.5B style: q/k/v biases (random, non-zero), tied, theta 1e6, GQA 4/2"),
    "qwen3": dict(
        model="Qwen3ForCausalLM", config="Qwen3Config", seed_base=7000,
        kwargs=dict(vocab_size=384, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, head_dim=32,
                    max_position_embeddings=128, rms_norm_eps=1e-6, tie_word_embeddings=False,
                    attention_bias=False, use_sliding_window=False,
                    rope={"rope_type": "default", "rope_theta": 1000000.0}),
        spelling={"f32": "new", "bf16": "new"},
        note="Qwen3: per-head q_norm/k_norm (random weights ~N(1,0.3)), explicit head_dim 32 != "
             "hidden/heads (q_proj 64->128), no bias, untied, theta 1e6, GQA 4/2"),
    "smollm": dict(
        model="LlamaForCausalLM", config="LlamaConfig", seed_base=8000,
        kwargs=dict(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=128,
                    rms_norm_eps=1e-5, tie_word_embeddings=True,
                    rope={"rope_type": "default", "rope_theta": 10000.0}),
        spelling={"f32": "old", "bf16": "old"},
        note="SmolLM style: LlamaForCausalLM, tied embeddings, MHA 4/4, theta 1e4, old config "
             "spelling (top-level rope_theta, rope_scaling null)"),
}

DTYPES = ("f32", "bf16")


def log(*a):
    print(*a, flush=True)


def fmt6(x):
    """A float rounded to 6 significant digits, as JSON text."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite logit {x}")
    t = f"{x:.6g}"
    return "0" if t == "-0" else t


def round6(x):
    return float(fmt6(x))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def setup_torch(device):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    torch.set_float32_matmul_precision("highest")
    try:
        torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
        torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = False
    except Exception:
        pass
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.set_grad_enabled(False)
    return torch


def make_config(transformers, spec):
    kw = dict(spec["kwargs"])
    rope = dict(kw.pop("rope"))
    cfg_cls = getattr(transformers, spec["config"])
    kw.setdefault("bos_token_id", 1)
    kw.setdefault("eos_token_id", 2)
    try:
        cfg = cfg_cls(rope_parameters=rope, **kw)
    except TypeError:
        # Pre-v5 transformers: old spelling.
        theta = rope.pop("rope_theta")
        scaling = None if rope.get("rope_type") == "default" else rope
        cfg = cfg_cls(rope_theta=theta, rope_scaling=scaling, **kw)
    return cfg


def init_weights(torch, model, seed, tied):
    """Draw every parameter from a seeded CPU generator (larger-than-default init)."""
    g = torch.Generator(device="cpu").manual_seed(seed)
    names = sorted(n for n, _ in model.named_parameters())
    params = dict(model.named_parameters())
    for name in names:
        p = params[name]
        shape = tuple(p.shape)
        base = name.rsplit(".", 1)[0]
        if name.endswith("embed_tokens.weight"):
            std = EMB_STD_TIED if tied else EMB_STD_UNTIED
            val = torch.randn(shape, generator=g) * std
        elif name.endswith("lm_head.weight"):
            val = torch.randn(shape, generator=g) * (GAIN_LM_HEAD / math.sqrt(shape[1]))
        elif name.endswith("q_norm.weight") or name.endswith("k_norm.weight"):
            val = 1.0 + torch.randn(shape, generator=g) * QK_NORM_STD
        elif "norm" in base.rsplit(".", 1)[-1] and name.endswith(".weight"):
            val = 1.0 + torch.randn(shape, generator=g) * NORM_STD
        elif name.endswith(".bias"):
            val = torch.randn(shape, generator=g) * BIAS_STD
        elif name.endswith("_proj.weight"):
            fan_in = shape[1]
            leaf = base.rsplit(".", 1)[-1]
            gain = {"q_proj": GAIN_QK, "k_proj": GAIN_QK, "v_proj": GAIN_VO, "o_proj": GAIN_VO,
                    "gate_proj": GAIN_GATE_UP, "up_proj": GAIN_GATE_UP,
                    "down_proj": GAIN_DOWN}.get(leaf)
            if gain is None:
                raise RuntimeError(f"no init rule for {name}")
            if tied and leaf in ("o_proj", "down_proj"):
                gain *= TIED_OUT_GAIN
            val = torch.randn(shape, generator=g) * (gain / math.sqrt(fan_in))
        else:
            raise RuntimeError(f"no init rule for parameter {name} {shape}")
        with torch.no_grad():
            p.copy_(val.to(p.dtype))
    return names


def round_params_to_bf16(torch, model):
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.copy_(p.to(torch.bfloat16).to(p.dtype))


def greedy(torch, model, prompt, n, device):
    """HF forward with its KV cache, greedy, EOS ignored.  Returns (tokens, fp32 logits rows)."""
    ids = torch.tensor([prompt], dtype=torch.long, device=device)
    out = model(input_ids=ids, use_cache=True)
    past = out.past_key_values
    rows = []
    toks = []
    row = out.logits[0, -1].float()
    for i in range(n):
        rows.append(row.detach().cpu().double())
        t = int(torch.argmax(row).item())
        toks.append(t)
        if i == n - 1:
            break
        out = model(input_ids=torch.tensor([[t]], dtype=torch.long, device=device),
                    past_key_values=past, use_cache=True)
        past = out.past_key_values
        row = out.logits[0, -1].float()
    return toks, rows


def margins_of(rows):
    ms = []
    for r in rows:
        top = r.topk(2).values
        ms.append(float(top[0] - top[1]))
    return ms


def trial(torch, model, device):
    toks, rows = greedy(torch, model, PROMPT_IDS, NUM_NEW_TOKENS, device)
    ms = margins_of(rows)
    return toks, rows, ms


def old_spelling(cfg):
    """Rewrite a transformers-5 config dict into the transformers-4 spelling."""
    d = dict(cfg)
    rp = d.pop("rope_parameters", None)
    if rp is None:
        raise RuntimeError("config has no rope_parameters to rewrite")
    if "rope_type" not in rp:
        raise RuntimeError(f"nested rope_parameters not handled: {rp}")
    rp = dict(rp)
    theta = rp.pop("rope_theta")
    new = {}
    for k, v in d.items():
        if k == "dtype":
            new["torch_dtype"] = v
        else:
            new[k] = v
    new["rope_theta"] = theta
    new["rope_scaling"] = None if (rp.get("rope_type") == "default" and len(rp) == 1) else rp
    return dict(sorted(new.items()))


def rope_summary(cfg):
    if "rope_parameters" in cfg and cfg["rope_parameters"] is not None:
        rp = dict(cfg["rope_parameters"])
    else:
        rp = dict(cfg.get("rope_scaling") or {"rope_type": "default"})
        rp["rope_theta"] = cfg.get("rope_theta")
    return rp


def write_golden(path, golden):
    """JSON with one logits row per line (diff-friendly, compact)."""
    rows = golden.pop("logits")
    text = json.dumps(golden, indent=1, sort_keys=False)
    # Lists of numbers on one line.
    text = re.sub(r"\[\s*(-?[0-9][-0-9.eE+]*(?:,\s*-?[0-9][-0-9.eE+]*)*)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)
    assert text.endswith("}")
    body = ",\n".join("  [" + ",".join(fmt6(x) for x in r) + "]" for r in rows)
    text = text[:-1].rstrip() + ',\n "logits": [\n' + body + "\n ]\n}\n"
    with open(path, "w") as f:
        f.write(text)
    json.loads(text)  # must parse
    golden["logits"] = rows


def dir_size(d):
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))


def make_arch(args, arch, torch, transformers, device, dev_name, versions, manifest):
    spec = ARCHS[arch]
    tied = spec["kwargs"]["tie_word_embeddings"]
    model_cls = getattr(transformers, spec["model"])
    cfg = make_config(transformers, spec)
    try:
        cfg._attn_implementation = "eager"
    except Exception as e:
        log(f"  could not set eager on the config: {e}")

    # ---- seed search -------------------------------------------------------------
    best = None
    chosen = None
    t0 = time.time()
    for k in range(args.max_seeds):
        seed = spec["seed_base"] + k
        torch.manual_seed(seed)
        m32 = model_cls(copy.deepcopy(cfg)).float().eval()
        init_weights(torch, m32, seed, tied)
        if tied:
            assert m32.lm_head.weight.data_ptr() == m32.model.embed_tokens.weight.data_ptr(), \
                "tied lm_head not tied"
        mb = copy.deepcopy(m32)
        round_params_to_bf16(torch, mb)
        res = {}
        for dt, m in (("f32", m32), ("bf16", mb)):
            m.to(device)
            toks, rows, ms = trial(torch, m, device)
            res[dt] = (toks, ms)
            m.to("cpu")
        mm = min(min(res[d][1]) for d in DTYPES)
        distinct = min(len(set(res[d][0])) for d in DTYPES)
        log(f"  {arch} seed {seed}: min margin f32 {min(res['f32'][1]):.4f} "
            f"bf16 {min(res['bf16'][1]):.4f} distinct {distinct} "
            f"same tokens f32/bf16 {res['f32'][0] == res['bf16'][0]}")
        score = (mm >= args.min_margin, distinct >= args.min_distinct, mm)
        if best is None or score > best[0]:
            best = (score, seed, m32, res)
        if mm >= args.target_margin and distinct >= args.min_distinct:
            chosen = (seed, m32, res)
            break
    if chosen is None:
        if best is None or not best[0][0]:
            raise SystemExit(f"{arch}: no seed reached min margin {args.min_margin}")
        chosen = (best[1], best[2], best[3])
    seed, m32, trial_res = chosen
    log(f"{arch}: seed {seed} ({time.time() - t0:.1f}s), attn {m32.config._attn_implementation}")

    # ---- write and check both dtype variants -------------------------------------
    for dt in DTYPES:
        name = f"{arch}-{dt}"
        d = os.path.join(args.out, name)
        if os.path.isdir(d):
            shutil.rmtree(d)
        m = copy.deepcopy(m32)
        if dt == "bf16":
            m = m.to(torch.bfloat16)
        m.config._attn_implementation = "eager"
        m.save_pretrained(d)
        files = sorted(os.listdir(d))
        st = [f for f in files if f.endswith(".safetensors")]
        assert st == ["model.safetensors"], f"{name}: expected one safetensors file, got {files}"
        cfg_path = os.path.join(d, "config.json")
        with open(cfg_path) as f:
            cfg_v5 = json.load(f)
        for key in ("_attn_implementation", "_attn_implementation_internal"):
            cfg_v5.pop(key, None)
        spelling = spec["spelling"][dt]
        cfg_written = old_spelling(cfg_v5) if spelling == "old" else cfg_v5
        with open(cfg_path, "w") as f:
            json.dump(cfg_written, f, indent=2, sort_keys=True)
            f.write("\n")

        # Reference: load back from disk in fp32 (bf16 weights upcast), eager attention.
        ref = model_cls.from_pretrained(d, dtype=torch.float32, attn_implementation="eager")
        ref = ref.to(device).eval()
        assert ref.config._attn_implementation == "eager", ref.config._attn_implementation
        # Weights on disk are exactly what was intended.
        want = copy.deepcopy(m32)
        if dt == "bf16":
            round_params_to_bf16(torch, want)
        want_sd = want.state_dict()
        ref_sd = ref.state_dict()
        exact = True
        for key, v in want_sd.items():
            if key not in ref_sd:
                raise SystemExit(f"{name}: {key} missing after reload")
            if not torch.equal(ref_sd[key].cpu().float(), v.float()):
                if "inv_freq" in key:
                    continue  # checked below against the in-memory rotary embedding
                exact = False
                log(f"  {name}: MISMATCH {key}")
        assert exact, f"{name}: reloaded weights differ"
        # The (possibly old-spelling) config gives the same RoPE as the in-memory one.
        inv_ref = ref.model.rotary_emb.inv_freq.float().cpu()
        inv_want = want.model.rotary_emb.inv_freq.float().cpu()
        assert inv_ref.shape == inv_want.shape and torch.allclose(inv_ref, inv_want, rtol=1e-6, atol=0), \
            f"{name}: inv_freq differs after reload: {inv_ref} vs {inv_want}"
        att_ref = float(getattr(ref.model.rotary_emb, "attention_scaling", 1.0))
        att_want = float(getattr(want.model.rotary_emb, "attention_scaling", 1.0))
        assert att_ref == att_want, f"{name}: rope attention_scaling differs"
        if arch == "qwen2":
            assert ref.model.layers[0].self_attn.q_proj.bias is not None, "qwen2 without bias"
        if arch == "qwen3":
            assert hasattr(ref.model.layers[0].self_attn, "q_norm"), "qwen3 without q_norm"
        if tied:
            assert "lm_head.weight" not in _safetensors_keys(os.path.join(d, "model.safetensors")), \
                f"{name}: tied model stores lm_head.weight"

        toks, rows = greedy(torch, ref, PROMPT_IDS, NUM_NEW_TOKENS, device)
        ms = margins_of(rows)
        if toks != trial_res[dt][0]:
            log(f"  WARNING {name}: tokens differ from the seed-search run {trial_res[dt][0]}")
        assert min(ms) >= args.min_margin, f"{name}: min margin {min(ms)} < {args.min_margin}"
        # Cross-checks: one full forward (no cache), and HF generate().
        full_ids = torch.tensor([PROMPT_IDS + toks[:-1]], dtype=torch.long, device=device)
        full = ref(input_ids=full_ids, use_cache=False).logits[0, len(PROMPT_IDS) - 1:].double().cpu()
        full_diff = max(float((full[i] - rows[i]).abs().max()) for i in range(len(rows)))
        try:
            gen = ref.generate(torch.tensor([PROMPT_IDS], device=device),
                               attention_mask=torch.ones(1, len(PROMPT_IDS), dtype=torch.long, device=device),
                               do_sample=False, max_new_tokens=NUM_NEW_TOKENS, pad_token_id=0)
            gen = gen[0, len(PROMPT_IDS):].tolist()
            gen_ok = gen == toks[:len(gen)]
            gen_note = f"generate() gave {len(gen)} tokens, prefix of the golden: {gen_ok}"
        except Exception as e:  # pragma: no cover - informational only
            gen_ok = None
            gen_note = f"generate() failed: {type(e).__name__}: {e}"
        log(f"  {name}: {gen_note}; full-forward max |diff| {full_diff:.3g}")
        assert gen_ok is not False, f"{name}: generate() disagrees with the greedy loop"

        rows_r = [[round6(x) for x in r.tolist()] for r in rows]
        vocab = cfg_written["vocab_size"]
        assert all(len(r) == vocab for r in rows_r)
        for i, r in enumerate(rows_r):
            assert max(range(vocab), key=lambda j: r[j]) == toks[i], f"{name}: rounded argmax"
        stds = [float(r.std()) for r in rows]
        p1 = [float(torch.softmax(r, 0).max()) for r in rows]
        mmin = min(ms)
        golden = {
            "format": GOLDEN_FORMAT,
            "name": name,
            "arch": arch,
            "description": spec["note"],
            "architectures": cfg_written.get("architectures"),
            "model_type": cfg_written.get("model_type"),
            "checkpoint_dtype": "float32" if dt == "f32" else "bfloat16",
            "reference_dtype": "float32",
            "reference_device": f"{device} ({dev_name})",
            "tf32": False,
            "attn_implementation": "eager",
            "config_spelling": spelling,
            "versions": versions,
            "seed": seed,
            "init": {"gain_qk": GAIN_QK, "gain_vo": GAIN_VO, "gain_gate_up": GAIN_GATE_UP,
                     "gain_down": GAIN_DOWN, "gain_lm_head": GAIN_LM_HEAD,
                     "tied_out_gain": TIED_OUT_GAIN if tied else 1.0,
                     "emb_std": EMB_STD_TIED if tied else EMB_STD_UNTIED,
                     "norm_std": NORM_STD, "qk_norm_std": QK_NORM_STD, "bias_std": BIAS_STD,
                     "rule": "projection std = gain/sqrt(fan_in) (o/down x tied_out_gain); norms ~ N(1, std); "
                             "biases ~ N(0, std); CPU torch.Generator(seed), params in name order"},
            "vocab_size": vocab,
            "rope": rope_summary(cfg_written),
            "prompt_ids": list(PROMPT_IDS),
            "num_new_tokens": NUM_NEW_TOKENS,
            "new_tokens": toks,
            "eos_ignored": True,
            "logits_layout": "row i = fp32 next-token logits whose argmax is new_tokens[i]; "
                             "row 0 is the prefill's last position, row i>0 the decode step "
                             "that fed new_tokens[i-1] at position len(prompt)+i-1",
            "logits_rounding": "6 significant digits",
            "margins": [round6(x) for x in ms],
            "min_margin": round6(mmin),
            "min_margin_step": ms.index(mmin),
            "logits_std_mean": round6(sum(stds) / len(stds)),
            "top1_prob_mean": round6(sum(p1) / len(p1)),
            "checks": {
                "reloaded_weights_exact": True,
                "rope_inv_freq_matches_in_memory_config": True,
                "full_forward_max_abs_diff": float(f"{full_diff:.3g}"),
                "generate": gen_note,
            },
            "files": {f: sha256(os.path.join(d, f)) for f in sorted(os.listdir(d))},
            "config": cfg_written,
            "logits": rows_r,
        }
        write_golden(os.path.join(d, "golden.json"), golden)
        size = dir_size(d)
        log(f"{name}: tokens {toks}")
        log(f"{name}: min margin {mmin:.4f} at step {ms.index(mmin)}, logits std {golden['logits_std_mean']}, "
            f"top1 p {golden['top1_prob_mean']}, distinct {len(set(toks))}, size {size / 1024:.1f} KiB, "
            f"spelling {spelling}")
        manifest.append({
            "name": name, "arch": arch, "architectures": cfg_written.get("architectures"),
            "checkpoint_dtype": golden["checkpoint_dtype"], "config_spelling": spelling,
            "tied": tied, "hidden_size": cfg_written["hidden_size"],
            "num_attention_heads": cfg_written["num_attention_heads"],
            "num_key_value_heads": cfg_written["num_key_value_heads"],
            "head_dim": cfg_written.get("head_dim"), "vocab_size": vocab,
            "intermediate_size": cfg_written["intermediate_size"],
            "rope": golden["rope"], "seed": seed, "min_margin": golden["min_margin"],
            "distinct_new_tokens": len(set(toks)), "bytes": size,
            "description": spec["note"],
        })
        del ref
        if device == "cuda":
            torch.cuda.empty_cache()



def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="test/models")
    ap.add_argument("--device", default=None, help="cuda or cpu (default: cuda if available)")
    ap.add_argument("--arch", action="append", help="only these architectures")
    ap.add_argument("--min-margin", type=float, default=0.05)
    ap.add_argument("--target-margin", type=float, default=0.15)
    ap.add_argument("--min-distinct", type=int, default=12,
                    help="wanted distinct tokens in each continuation")
    ap.add_argument("--max-seeds", type=int, default=24)
    args = ap.parse_args()

    t_start = time.time()
    import torch  # noqa: E402
    import transformers  # noqa: E402
    import safetensors  # noqa: E402
    setup_torch(torch)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    dev_name = torch.cuda.get_device_name(0) if device == "cuda" else platform.processor() or "cpu"
    versions = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "safetensors": getattr(safetensors, "__version__", "?"),
        "cuda": torch.version.cuda,
    }
    log("versions", versions, "device", device, dev_name)

    os.makedirs(args.out, exist_ok=True)
    archs = args.arch or list(ARCHS)
    manifest = []

    failed = []
    for arch in archs:
        try:
            make_arch(args, arch, torch, transformers, device, dev_name, versions, manifest)
        except (Exception, SystemExit, AssertionError) as e:
            import traceback
            traceback.print_exc()
            log(f"FAILED {arch}: {type(e).__name__}: {e}")
            failed.append(arch)

    if args.arch is None:
        with open(os.path.join(args.out, "MANIFEST.json"), "w") as f:
            json.dump({"format": GOLDEN_FORMAT, "generator": "utils/make_test_models.py",
                       "versions": versions, "prompt_ids": PROMPT_IDS,
                       "num_new_tokens": NUM_NEW_TOKENS, "models": manifest}, f, indent=1)
            f.write("\n")
    total = 0
    for e in manifest:
        total += e["bytes"]
        log(f"{e['name']:16s} {e['bytes'] / 1024:8.1f} KiB  min margin {e['min_margin']:.4f}  "
            f"seed {e['seed']}  {e['config_spelling']}")
    log(f"total {total / 1024 / 1024:.2f} MiB, {time.time() - t_start:.1f}s")
    if failed:
        log(f"FAILED: {failed}")
        sys.exit(1)


def _safetensors_keys(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        hdr = json.loads(f.read(n))
    return [k for k in hdr if k != "__metadata__"]


if __name__ == "__main__":
    main()
