#!/usr/bin/env python3
"""Writes a real-size HF checkpoint whose tensor data is a sparse hole.

config.json plus sharded safetensors files with exact headers; the data
section is created with truncate(), so a 16 GB Llama-3-8B takes no disk
space and no time. Used to measure import and compile time at real size.

  make-fake-checkpoint.py {llama3-8b,llama3.2-1b,smollm2-135m} OUT_DIR
"""
import argparse
import json
import os
import struct

SHAPES = {
    "llama3-8b": dict(hidden_size=4096, intermediate_size=14336,
                      num_hidden_layers=32, num_attention_heads=32,
                      num_key_value_heads=8, vocab_size=128256,
                      max_position_embeddings=8192, tie_word_embeddings=False,
                      rope_theta=500000.0, rope_scaling=None, shards=4),
    "llama3.2-1b": dict(hidden_size=2048, intermediate_size=8192,
                        num_hidden_layers=16, num_attention_heads=32,
                        num_key_value_heads=8, vocab_size=128256,
                        max_position_embeddings=131072,
                        tie_word_embeddings=True, rope_theta=500000.0,
                        rope_scaling={"rope_type": "llama3", "factor": 32.0,
                                      "low_freq_factor": 1.0,
                                      "high_freq_factor": 4.0,
                                      "original_max_position_embeddings": 8192},
                        shards=1),
    "smollm2-135m": dict(hidden_size=576, intermediate_size=1536,
                         num_hidden_layers=30, num_attention_heads=9,
                         num_key_value_heads=3, vocab_size=49152,
                         max_position_embeddings=8192,
                         tie_word_embeddings=True, rope_theta=100000.0,
                         rope_scaling=None, shards=1),
}


def tensors(c):
    h, i, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    d = h // c["num_attention_heads"]
    q, kv = c["num_attention_heads"] * d, c["num_key_value_heads"] * d
    out = [("model.embed_tokens.weight", [v, h])]
    for l in range(c["num_hidden_layers"]):
        p = f"model.layers.{l}."
        out += [(p + "input_layernorm.weight", [h]),
                (p + "self_attn.q_proj.weight", [q, h]),
                (p + "self_attn.k_proj.weight", [kv, h]),
                (p + "self_attn.v_proj.weight", [kv, h]),
                (p + "self_attn.o_proj.weight", [h, q]),
                (p + "post_attention_layernorm.weight", [h]),
                (p + "mlp.gate_proj.weight", [i, h]),
                (p + "mlp.up_proj.weight", [i, h]),
                (p + "mlp.down_proj.weight", [h, i])]
    out.append(("model.norm.weight", [h]))
    if not c["tie_word_embeddings"]:
        out.append(("lm_head.weight", [v, h]))
    return out


def write_shard(path, entries):
    header, offset = {}, 0
    for name, shape in entries:
        size = 2
        for dim in shape:
            size *= dim
        header[name] = {"dtype": "BF16", "shape": shape,
                        "data_offsets": [offset, offset + size]}
        offset += size
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        f.truncate(8 + len(blob) + offset)
    return offset


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shape", choices=sorted(SHAPES))
    parser.add_argument("out")
    args = parser.parse_args()
    c = dict(SHAPES[args.shape])
    shards = c.pop("shards")
    os.makedirs(args.out, exist_ok=True)
    config = dict(c, architectures=["LlamaForCausalLM"], model_type="llama",
                  hidden_act="silu", rms_norm_eps=1e-5, torch_dtype="bfloat16")
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    entries = tensors(c)
    per = -(-len(entries) // shards)
    if shards == 1:
        total = write_shard(os.path.join(args.out, "model.safetensors"),
                            entries)
    else:
        total, weight_map = 0, {}
        for s in range(shards):
            name = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            chunk = entries[s * per:(s + 1) * per]
            total += write_shard(os.path.join(args.out, name), chunk)
            weight_map.update({t: name for t, _ in chunk})
        with open(os.path.join(args.out, "model.safetensors.index.json"),
                  "w") as f:
            json.dump({"metadata": {"total_size": total},
                       "weight_map": weight_map}, f, indent=2)
    print(f"{args.shape}: {len(entries)} tensors, {total / 1e9:.2f} GB "
          f"(sparse) in {args.out}")


if __name__ == "__main__":
    main()
