#!/usr/bin/env python3
"""Makes a random-weight checkpoint of a model shape and HF's golden for it.

Runs on the GPU machine (torch + transformers + safetensors; no registry):

  hf_random_golden.py CONFIG_DIR OUT_DIR [--prompt-len P] [--new-tokens N]

CONFIG_DIR holds the config.json the megakernel was compiled from
(scripts/gpu-prepare.sh copies it next to the PTX). The model is initialized
from that config with a fixed seed, its weights rounded to bf16; OUT_DIR gets

- model.safetensors: the bf16 weights (no lm_head.weight when tied), which
  the compiled kernel binds;
- golden.json: a random prompt, HF's fp32 greedy continuation (eager
  attention, no TF32) and, per step, the fp32 logits of the teacher-forced
  sequence: the format of test/models/*/golden.json that
  `amk-run --golden` compares with.
"""
import argparse
import json
import os

import torch
from safetensors.torch import save_file
from transformers import AutoConfig, AutoModelForCausalLM


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--prompt-len", type=int, default=8)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(args.seed)
    config = AutoConfig.from_pretrained(args.config_dir)
    config.torch_dtype = torch.float32
    with torch.device("cuda"):
        model = AutoModelForCausalLM.from_config(
            config, torch_dtype=torch.float32, attn_implementation="eager")
    model.eval()
    tied = bool(getattr(config, "tie_word_embeddings", False))
    weights = {}
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if tied and name == "lm_head.weight":
                continue
            rounded = tensor.to(torch.bfloat16)
            tensor.copy_(rounded.to(torch.float32))
            weights[name] = rounded.contiguous().cpu()
    os.makedirs(args.out_dir, exist_ok=True)
    save_file(weights, os.path.join(args.out_dir, "model.safetensors"),
              metadata={"format": "pt"})
    del weights
    with open(os.path.join(args.out_dir, "config.json"), "w") as f:
        json.dump(json.load(open(os.path.join(args.config_dir, "config.json"))),
                  f, indent=1)

    vocab = config.vocab_size
    generator = torch.Generator().manual_seed(args.seed + 1)
    prompt = torch.randint(0, vocab, (args.prompt_len,), generator=generator)
    ids = prompt.tolist()
    with torch.no_grad():
        # Greedy continuation, one token at a time with HF's own KV cache.
        out = model(torch.tensor([ids], device="cuda"), use_cache=True)
        past, new = out.past_key_values, []
        for _ in range(args.new_tokens):
            token = int(out.logits[0, -1].argmax())
            new.append(token)
            out = model(torch.tensor([[token]], device="cuda"),
                        past_key_values=past, use_cache=True)
            past = out.past_key_values
        # Teacher-forced logits: one pass over prompt + continuation.
        full = torch.tensor([ids + new[:-1]], device="cuda")
        logits = model(full, use_cache=False).logits[0, len(ids) - 1:]
    rows = [[float("%.7g" % v) for v in row] for row in logits.float().cpu().tolist()]
    golden = {"prompt_ids": ids, "new_tokens": new, "logits": rows,
              "reference_dtype": "float32", "checkpoint_dtype": "bfloat16",
              "seed": args.seed}
    with open(os.path.join(args.out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)
    print("%s: prompt %d, %d new tokens, vocab %d -> %s" % (
        args.config_dir, len(ids), len(new), vocab, args.out_dir))


if __name__ == "__main__":
    main()
