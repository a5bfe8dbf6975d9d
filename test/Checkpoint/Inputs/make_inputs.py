#!/usr/bin/env python3
#===- make_inputs.py - Generate the AMKCheckpoint lit inputs ---------------===#
#
# Part of the AMK project.
#
# Writes tiny synthetic HuggingFace checkpoints (config.json + safetensors with
# zero data), broken safetensors headers and broken configs next to this file.
# Standard library only. Run it again after editing; the outputs are committed.
#   python3 make_inputs.py [--fuzz-corpus DIR]
# With --fuzz-corpus, it also writes seed inputs for fuzz/amk-fuzz-import.
#
#===------------------------------------------------------------------------===#

import argparse
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPE_SIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F16": 2, "BF16": 2, "F32": 4,
              "I32": 4, "F64": 8, "I64": 8}


def header_json(header):
    """Compact, key-sorted JSON text of a header dict."""
    return json.dumps(header, sort_keys=True, separators=(",", ":"))


def raw_safetensors(header_text, data_len, length=None):
    """Bytes of a safetensors file: length prefix, header, zero data."""
    body = header_text.encode()
    size = len(body) if length is None else length
    return struct.pack("<Q", size) + body + bytes(data_len)


def safetensors(tensors, metadata=None):
    """Bytes of a valid file; tensors maps name -> (dtype, shape), laid out
    contiguously in name order."""
    header, offset = {}, 0
    for name in sorted(tensors):
        dtype, shape = tensors[name]
        nbytes = DTYPE_SIZE[dtype]
        for dim in shape:
            nbytes *= dim
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    if metadata is not None:
        header["__metadata__"] = metadata
    return raw_safetensors(header_json(header), offset)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def write_json(path, obj):
    write(path, json.dumps(obj, indent=1, sort_keys=True) + "\n")


#===-- Configs and their tensors -------------------------------------------===#

LLAMA = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama",
    "vocab_size": 16, "hidden_size": 8, "intermediate_size": 12,
    "num_hidden_layers": 2, "num_attention_heads": 2,
    "num_key_value_heads": 1, "max_position_embeddings": 64,
    "rms_norm_eps": 1e-5, "hidden_act": "silu", "tie_word_embeddings": False,
    "torch_dtype": "bfloat16", "rope_theta": 500000.0,
    "rope_scaling": {"rope_type": "llama3", "factor": 32.0,
                     "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 32},
}

LLAMA_TF5 = {k: v for k, v in LLAMA.items()
             if k not in ("rope_theta", "rope_scaling", "torch_dtype")}
LLAMA_TF5.update({
    "dtype": "float32", "tie_word_embeddings": True,
    "rope_parameters": dict(LLAMA["rope_scaling"], rope_theta=500000.0)})

QWEN2 = dict(LLAMA, architectures=["Qwen2ForCausalLM"], model_type="qwen2",
             rope_theta=10000.0, rope_scaling=None, use_sliding_window=False,
             sliding_window=32)
QWEN3 = dict(QWEN2, architectures=["Qwen3ForCausalLM"], model_type="qwen3",
             head_dim=8)
MISTRAL = dict(LLAMA, architectures=["MistralForCausalLM"],
               model_type="mistral", rope_theta=1000000.0, rope_scaling=None,
               sliding_window=16, head_dim=None)


def expected_tensors(cfg, dtype="BF16"):
    """The tensors of cfg (mirrors lib/Checkpoint/ModelSpec.cpp)."""
    h, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    heads = cfg["num_attention_heads"]
    hd = cfg.get("head_dim") or h // heads
    q, kv = heads * hd, cfg.get("num_key_value_heads", heads) * hd
    arch = cfg["architectures"][0]
    bias = cfg.get("attention_bias", False)
    qkv_bias = arch == "Qwen2ForCausalLM" or (bias and arch != "MistralForCausalLM")
    o_bias = bias and arch in ("LlamaForCausalLM", "Qwen3ForCausalLM")
    t = {"model.embed_tokens.weight": (dtype, [v, h]),
         "model.norm.weight": (dtype, [h])}
    if not cfg.get("tie_word_embeddings", False):
        t["lm_head.weight"] = (dtype, [v, h])
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        lin = {"self_attn.q_proj": (q, h, qkv_bias),
               "self_attn.k_proj": (kv, h, qkv_bias),
               "self_attn.v_proj": (kv, h, qkv_bias),
               "self_attn.o_proj": (h, q, o_bias),
               "mlp.gate_proj": (f, h, False), "mlp.up_proj": (f, h, False),
               "mlp.down_proj": (h, f, False)}
        for name, (out, inp, has_bias) in lin.items():
            t[p + name + ".weight"] = (dtype, [out, inp])
            if has_bias:
                t[p + name + ".bias"] = (dtype, [out])
        t[p + "input_layernorm.weight"] = (dtype, [h])
        t[p + "post_attention_layernorm.weight"] = (dtype, [h])
        if arch == "Qwen3ForCausalLM":
            t[p + "self_attn.q_norm.weight"] = (dtype, [hd])
            t[p + "self_attn.k_norm.weight"] = (dtype, [hd])
    return t


def checkpoint(name, cfg, tensors):
    """A checkpoint directory with one model.safetensors."""
    d = os.path.join(HERE, "checkpoints", name)
    write_json(os.path.join(d, "config.json"), cfg)
    write(os.path.join(d, "model.safetensors"),
          safetensors(tensors, {"format": "pt"}))


def make_checkpoints():
    llama = expected_tensors(LLAMA)
    inv = {"model.layers.0.self_attn.rotary_emb.inv_freq": ("F32", [2]),
           "model.layers.1.self_attn.rotary_emb.inv_freq": ("F32", [2])}
    checkpoint("llama", LLAMA, dict(llama, **inv))
    tf5 = expected_tensors(LLAMA_TF5, "F32")
    checkpoint("llama_tf5_tied", LLAMA_TF5, tf5)
    checkpoint("llama_tied_lm_head", LLAMA_TF5,
               dict(tf5, **{"lm_head.weight": ("F32", [16, 8])}))
    biased = dict(LLAMA, attention_bias=True)
    checkpoint("llama_attention_bias", biased, expected_tensors(biased, "F16"))
    for name, cfg in (("qwen2", QWEN2), ("qwen3", QWEN3), ("mistral", MISTRAL)):
        checkpoint(name, cfg, expected_tensors(cfg))
    bad = {
        "missing_tensor": {k: v for k, v in llama.items()
                           if k != "model.norm.weight"},
        "unexpected_tensor": dict(llama, **{
            "model.layers.0.mlp.extra.weight": ("BF16", [2])}),
        "inv_freq_bad_layer": dict(llama, **{
            "model.layers.7.self_attn.rotary_emb.inv_freq": ("F32", [2])}),
        "shape_mismatch": dict(llama, **{
            "model.layers.1.self_attn.o_proj.weight": ("BF16", [4, 8])}),
        "int_dtype": dict(llama, **{
            "model.layers.0.mlp.up_proj.weight": ("I8", [12, 8])}),
        "mixed_dtype": dict(llama, **{"model.norm.weight": ("F32", [8])}),
    }
    for name, tensors in bad.items():
        checkpoint(name, LLAMA, tensors)
    checkpoint("tied_lm_head_bad_shape", LLAMA_TF5,
               dict(tf5, **{"lm_head.weight": ("F32", [8, 16])}))
    write_json(os.path.join(HERE, "checkpoints", "no_weights", "config.json"),
               LLAMA)


#===-- Sharded checkpoints -------------------------------------------------===#

def sharded(name, shards, weight_map):
    """shards: file -> tensors; weight_map: tensor -> file."""
    d = os.path.join(HERE, "sharded", name)
    write_json(os.path.join(d, "config.json"), LLAMA)
    for fname, tensors in shards.items():
        write(os.path.join(d, fname), safetensors(tensors))
    index = weight_map if isinstance(weight_map, str) else json.dumps(
        {"metadata": {"total_size": 0}, "weight_map": weight_map},
        indent=1, sort_keys=True)
    write(os.path.join(d, "model.safetensors.index.json"), index)


def make_sharded():
    llama = expected_tensors(LLAMA)
    names = sorted(llama)
    a = "model-00001-of-00002.safetensors"
    b = "model-00002-of-00002.safetensors"
    half = len(names) // 2
    shards = {a: {n: llama[n] for n in names[:half]},
              b: {n: llama[n] for n in names[half:]}}
    wmap = {n: (a if i < half else b) for i, n in enumerate(names)}
    sharded("ok", shards, wmap)
    first, last = names[0], names[-1]
    sharded("missing_in_shard", shards,
            dict(wmap, **{"model.extra.weight": b}))
    sharded("not_listed", shards,
            {k: v for k, v in wmap.items() if k != last})
    sharded("wrong_shard", shards, dict(wmap, **{first: b}))
    sharded("escape", shards, dict(wmap, **{first: "../" + a}))
    sharded("missing_shard", shards,
            dict(wmap, **{"model.extra.weight": "model-00003-of-00003.safetensors"}))
    sharded("not_json", shards, "{\"weight_map\": ")
    sharded("weight_map_not_object", shards, json.dumps({"weight_map": [1]}))
    sharded("shard_not_string", shards, json.dumps({"weight_map": {first: 3}}))


#===-- Single headers ------------------------------------------------------===#

def entry(dtype="F32", shape=(2,), offsets=(0, 8)):
    return {"dtype": dtype, "shape": None if shape is None else list(shape),
            "data_offsets": list(offsets)}


def bad_headers():
    """name -> file bytes."""
    hj = header_json
    files = {
        "short_file": b"\x05\x00\x00\x00\x00",
        "oversized": struct.pack("<Q", 200000000) + b"{}",
        "length_past_file": raw_safetensors("{}", 0, length=1000),
        "not_json": raw_safetensors("{\"a\": ", 0),
        "top_level_array": raw_safetensors("[]", 0),
        "entry_not_object": raw_safetensors(hj({"w": 3}), 0),
        "missing_dtype": raw_safetensors(hj({"w": {"shape": [], "data_offsets": [0, 0]}}), 0),
        "dtype_not_string": raw_safetensors(hj({"w": entry(dtype=4)}), 8),
        "unknown_dtype": raw_safetensors(hj({"w": entry(dtype="F4")}), 8),
        "shape_not_array": raw_safetensors(hj({"w": entry(shape=None)}), 8),
        "negative_shape": raw_safetensors(hj({"w": entry(shape=(-2,))}), 8),
        "fractional_shape": raw_safetensors(hj({"w": entry(shape=(2.5,))}), 8),
        "offsets_one_entry": raw_safetensors(hj({"w": entry(offsets=(8,))}), 8),
        "offsets_reversed": raw_safetensors(hj({"w": entry(offsets=(8, 0))}), 8),
        "offsets_negative": raw_safetensors(hj({"w": entry(offsets=(-8, 0))}), 8),
        "size_mismatch": raw_safetensors(hj({"w": entry(shape=(3,))}), 12),
        "past_end": raw_safetensors(hj({"w": entry(shape=(4,), offsets=(0, 16))}), 12),
        "overlap": raw_safetensors(hj({"a": entry(offsets=(0, 8)),
                                       "b": entry(offsets=(4, 12))}), 12),
        "overflow": raw_safetensors(hj({"w": entry(shape=(2**40, 2**40), offsets=(0, 0))}), 0),
        "metadata_not_object": raw_safetensors(hj({"__metadata__": [1]}), 0),
        "metadata_not_string": raw_safetensors(hj({"__metadata__": {"n": 1}}), 0),
    }
    return files


def good_headers():
    return {
        "valid": safetensors({"a": ("BF16", [2, 3]), "b": ("F32", []),
                              "empty": ("I8", [0, 4])}, {"format": "pt"}),
        # Gaps and out-of-order offsets are allowed; only overlaps are not.
        "gaps": raw_safetensors(header_json({
            "x": entry(offsets=(16, 24)), "y": entry(offsets=(0, 8))}), 32),
    }


def make_headers():
    for name, data in dict(bad_headers(), **good_headers()).items():
        write(os.path.join(HERE, "headers", name + ".safetensors"), data)


#===-- Configs -------------------------------------------------------------===#

def changed(base, drop=(), **changes):
    cfg = {k: v for k, v in base.items() if k not in drop}
    cfg.update(changes)
    return cfg


def bad_configs():
    """name -> config text."""
    cfgs = {
        "no_architectures": changed(LLAMA, drop=["architectures"]),
        "architectures_string": changed(LLAMA, architectures="LlamaForCausalLM"),
        "unknown_architecture": changed(LLAMA, architectures=["GemmaForCausalLM"]),
        "moe": changed(MISTRAL, num_local_experts=8),
        "qwen_moe": changed(QWEN2, num_experts=4),
        "gelu": changed(LLAMA, hidden_act="gelu"),
        "rope_yarn": changed(QWEN3, rope_scaling={"rope_type": "yarn", "factor": 4.0}),
        "rope_linear_type_key": changed(LLAMA, rope_scaling={"type": "linear", "factor": 2.0}),
        "rope_parameters_dynamic": changed(LLAMA_TF5, rope_parameters={
            "rope_type": "dynamic", "rope_theta": 10000.0, "factor": 2.0}),
        "rope_parameters_not_object": changed(LLAMA_TF5, rope_parameters=[1]),
        "llama3_missing_factor": changed(LLAMA, rope_scaling={
            k: v for k, v in LLAMA["rope_scaling"].items() if k != "factor"}),
        "llama3_bad_freq_factors": changed(LLAMA_TF5, rope_parameters=dict(
            LLAMA_TF5["rope_parameters"], high_freq_factor=1.0)),
        "missing_hidden_size": changed(LLAMA, drop=["hidden_size"]),
        "string_hidden_size": changed(LLAMA, hidden_size="8"),
        "float_layers": changed(LLAMA, num_hidden_layers=2.5),
        # 2^63 as a double: llvm::json would convert it to int64 (UB).
        "huge_float_hidden": changed(LLAMA, hidden_size=2.0 ** 63),
        "too_many_layers": changed(LLAMA, num_hidden_layers=5000),
        "negative_intermediate": changed(LLAMA, intermediate_size=-12),
        "zero_heads": changed(LLAMA, num_attention_heads=0),
        "heads_not_divisible": changed(LLAMA, num_attention_heads=4, num_key_value_heads=3),
        "hidden_not_divisible": changed(LLAMA, num_attention_heads=3, num_key_value_heads=1),
        "mlp_bias": changed(LLAMA, mlp_bias=True),
        "string_eps": changed(LLAMA, rms_norm_eps="1e-5"),
        "negative_eps": changed(LLAMA, rms_norm_eps=-0.5),
        "string_tie": changed(LLAMA, tie_word_embeddings="true"),
        "qwen_sliding": changed(QWEN2, use_sliding_window=True),
        "bad_theta": changed(LLAMA, rope_theta=0),
    }
    texts = {name: json.dumps(cfg, indent=1, sort_keys=True) + "\n"
             for name, cfg in cfgs.items()}
    texts["not_json"] = "{\"hidden_size\": 8,,}\n"
    texts["top_level_array"] = "[1, 2]\n"
    return texts


def good_configs():
    """Configs that parse but have no checkpoint directory."""
    return {
        "float_layers_integral": changed(LLAMA, num_hidden_layers=2.0),
        "defaults": changed(LLAMA, drop=["num_key_value_heads", "rope_theta",
                                         "rope_scaling", "tie_word_embeddings",
                                         "hidden_act", "torch_dtype"]),
        "rope_default_type_key": changed(LLAMA, rope_scaling={"type": "default"}),
        "moe_zero": changed(LLAMA, num_local_experts=0, num_experts=None),
    }


def make_configs():
    for name, text in bad_configs().items():
        write(os.path.join(HERE, "configs", name + ".json"), text)
    for name, cfg in good_configs().items():
        write_json(os.path.join(HERE, "configs", name + ".json"), cfg)


#===-- Fuzz corpus ---------------------------------------------------------===#

def make_fuzz_corpus(out):
    """Seed inputs: a few headers, configs and an index."""
    os.makedirs(out, exist_ok=True)
    seeds = dict(good_headers())
    seeds.update({k: bad_headers()[k] for k in ("overlap", "past_end", "overflow")})
    seeds["llama_model"] = safetensors(expected_tensors(LLAMA))
    for name, cfg in (("llama", LLAMA), ("llama_tf5", LLAMA_TF5),
                      ("qwen3", QWEN3), ("mistral", MISTRAL)):
        seeds["config_" + name] = json.dumps(cfg, sort_keys=True).encode()
    seeds["index"] = json.dumps({"weight_map": {"a": "model-1.safetensors",
                                                "b": "../x"}}).encode()
    for name, data in seeds.items():
        write(os.path.join(out, name), data)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fuzz-corpus", metavar="DIR")
    args = parser.parse_args()
    for sub in ("checkpoints", "sharded", "headers", "configs"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    make_checkpoints()
    make_sharded()
    make_headers()
    make_configs()
    if args.fuzz_corpus:
        make_fuzz_corpus(args.fuzz_corpus)


if __name__ == "__main__":
    main()
