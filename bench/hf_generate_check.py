#!/usr/bin/env python3
"""amk.hf against transformers on one checkpoint (the GPU machine, where
transformers and torch are installed).

    python3 bench/hf_generate_check.py MODEL [--chip sm_90a] [--cpu] \
        [--prompt-ids 1,17,42] [--max-new-tokens 32]

1. greedy: ``amk.hf.from_pretrained(MODEL).generate`` equals
   ``AutoModelForCausalLM`` (fp32, eager) ``generate`` on the same weights
   and prompt (end of sequence honoured by both, as generate does);
2. sampling through generate's logits processors (do_sample, temperature,
   top_k, top_p, a seed) gives ``max_new_tokens`` in-vocabulary tokens;
3. with the checkpoint's tokenizer, ``TextStreamer`` prints the text.
A bf16 checkpoint's bf16 KV cache can flip a near tie against HF's fp32
cache (docs/reference-executor.md): ``--kv-dtype f32`` compares exactly.
Prints one JSON object; exit 0 when the greedy outputs are equal, 1 when
they differ, 2 when something could not run.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--chip", default="sm_90a")
    parser.add_argument("--cpu", action="store_true")
    parser.add_argument("--prompt-ids", default="")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--kv-dtype", help="KV cache element type of the "
                        "kernel (e.g. f32)")
    args = parser.parse_args()
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer, \
            TextStreamer
    except ImportError as e:
        print("needs transformers and torch: %s" % e, file=sys.stderr)
        return 2
    import amk.hf
    from amk import reference
    ids = ([int(t) for t in args.prompt_ids.split(",") if t.strip()]
           or reference.default_prompt(args.model))
    prompt = torch.tensor([ids])
    hf = AutoModelForCausalLM.from_pretrained(
        args.model, torch_dtype=torch.float32,
        attn_implementation="eager").float().eval()
    with torch.no_grad():
        want = hf.generate(prompt, do_sample=False,
                           max_new_tokens=args.max_new_tokens,
                           attention_mask=torch.ones_like(prompt))
    want = want[0, len(ids):].tolist()
    del hf
    model = amk.hf.from_pretrained(args.model, chip=args.chip,
                                   device="cpu" if args.cpu else "cuda",
                                   kv_dtype=args.kv_dtype)
    try:
        got = model.generate(prompt, do_sample=False,
                             max_new_tokens=args.max_new_tokens)
        got = got[0, len(ids):].tolist()
        torch.manual_seed(0)
        sampled = model.generate(prompt, do_sample=True, temperature=0.8,
                                 top_k=50, top_p=0.95,
                                 max_new_tokens=args.max_new_tokens)
        sampled = sampled[0, len(ids):].tolist()
        streamed = None
        if os.path.isfile(os.path.join(args.model, "tokenizer.json")):
            tok = AutoTokenizer.from_pretrained(args.model)
            text = tok("The capital of France is", return_tensors="pt")
            out = model.generate(text.input_ids, max_new_tokens=16,
                                 streamer=TextStreamer(tok))
            streamed = tok.decode(out[0, text.input_ids.shape[1]:])
        result = {"model": args.model, "prompt_ids": ids,
                  "transformers": want, "amk": got, "equal": got == want,
                  "sampled": sampled, "streamed_text": streamed,
                  "median_step_ms": model.megakernel.latency_ms}
    finally:
        model.close()
    print(json.dumps(result, indent=1))
    return 0 if result["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
