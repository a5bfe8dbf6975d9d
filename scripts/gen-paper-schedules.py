#!/usr/bin/env python3
"""Writes the paper tool's schedules for the test models as JSON fixtures.

The paper tool (github.com/RightNow-AI/AutoMegaKernel) is not part of this
repository: pass the path of a checkout with --paper-tool. Its `schedule`
package runs with the standard library alone. For each test model, position,
target and split-KV setting this script builds the tool's decode graph from
the model's config.json (the tool's own Llama template with HuggingFace key
names), lowers it with the tool's `schedule.lower.lower`, checks it with the
tool's `schedule.ir.validate` (every fixture must pass), and writes it with
the tool's `to_json`. Some fixtures are additionally "SM-assigned": every task
gets an SM, dealt round-robin over the task list (a placement the tool's
validator accepts). CI never runs this script; the fixtures are committed.

Usage: gen-paper-schedules.py --paper-tool /tmp/amk-paper --models test/models
           --out test/Target/JSON/paper
"""

import argparse
import json
import os
import sys

# (model, dtype name): the test models the fixtures are lowered for.
MODELS = [("llama-f32", "F32"), ("llama-bf16", "BF16")]
POSITIONS = [0, 7, 38, 40]
TARGETS = ["h100", "a100", "rtx5090"]


def model_config(ModelConfig, path):
    """The tool's ModelConfig for a test model's config.json."""
    with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
        hf = json.load(f)
    heads = hf["num_attention_heads"]
    rope = hf.get("rope_parameters") or {}
    theta = rope.get("rope_theta", hf.get("rope_theta", 10000.0))
    return ModelConfig(
        hidden=hf["hidden_size"], n_heads=heads,
        n_kv_heads=hf.get("num_key_value_heads", heads),
        head_dim=hf.get("head_dim", hf["hidden_size"] // heads),
        intermediate=hf["intermediate_size"], vocab=hf["vocab_size"],
        n_layers=hf["num_hidden_layers"], rms_eps=hf["rms_norm_eps"],
        rope_theta=float(theta), max_seq=hf["max_position_embeddings"]), \
        bool(hf.get("tie_word_embeddings", False))


def variants():
    """(position, target, split, sm_assigned) of every fixture of a model."""
    for i, pos in enumerate(POSITIONS):
        for j, split in enumerate((False, True)):
            target = TARGETS[(i + j) % len(TARGETS)]
            yield pos, target, split, False
    # Every target once more with every task placed (round-robin).
    for k, target in enumerate(TARGETS):
        yield POSITIONS[k + 1], target, k % 2 == 1, True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper-tool", required=True,
                        help="checkout of RightNow-AI/AutoMegaKernel")
    parser.add_argument("--models", required=True, help="test/models")
    parser.add_argument("--out", required=True, help="output directory")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.paper_tool))
    from schedule import graph as g  # noqa: E402 (the tool's package)
    from schedule import ir, lower  # noqa: E402

    os.makedirs(args.out, exist_ok=True)
    for model, dtype in MODELS:
        cfg, tied = model_config(g.ModelConfig, os.path.join(args.models, model))
        graph = g._build_decoder_graph(cfg, g._HFLlamaKeys(tied=tied))
        for pos, target, split, assigned in variants():
            config = ir.ScheduleConfig()
            if split:
                config.tiling["attention"] = {"n_partitions": 4}
            prog = lower.lower(graph, ir.TARGETS[target], config, pos=pos,
                               dtype=ir.DType[dtype])
            if assigned:
                sms = prog.target.num_sms
                for i, task in enumerate(prog.tasks):
                    task.sm = i % sms
            result = ir.validate(prog)
            if not result.ok:
                sys.exit(f"{model} pos {pos} {target}: the tool rejects its "
                         f"own schedule:\n{result.report()}")
            name = (f"{model}-pos{pos}-{target}"
                    f"{'-split' if split else ''}{'-sm' if assigned else ''}")
            with open(os.path.join(args.out, name + ".json"), "w",
                      encoding="utf-8") as f:
                f.write(prog.to_json(indent=1) + "\n")
            print(name, len(prog.tasks), "tasks")


if __name__ == "__main__":
    main()
