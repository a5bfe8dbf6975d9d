#!/usr/bin/env python3
"""Writes one single-point mutation of a paper-tool schedule (JSON).

Usage: mutate.py SCHEDULE.json MUTATION OUT.json. Each mutation makes the
schedule unsafe or invalid in exactly one way; the lit tests check that each
is rejected for its own reason. Tasks are found by label, so the mutations
apply to every fixture of the test models.
"""

import json
import sys


def task(prog, label):
    """The task labelled `label`."""
    return next(t for t in prog["tasks"] if t["label"] == label)


def counter_of(prog, label):
    return task(prog, label)["out_counter"]


def drop_wait(prog):
    """L0.o_proj tiles read the attention output without waiting for it."""
    attn = counter_of(prog, "L0.attention") if any(
        t["label"] == "L0.attention" for t in prog["tasks"]) else counter_of(
            prog, "L0.attention.comb")
    for t in prog["tasks"]:
        if t["label"] == "L0.o_proj[t0]":
            t["waits"] = [w for w in t["waits"] if w["counter"] != attn]


def lower_join(prog):
    """rope_q's reshape waits for 1 of the 2 q_proj tiles."""
    task(prog, "L0.rope_q.reshape")["waits"][0]["threshold"] = 1


def counter_init(prog):
    """The embedding's counter starts at 1: the first norm may run early."""
    prog["counters"][counter_of(prog, "embed")]["init"] = 1


def append_past_cache(prog):
    """L0.k_append writes row 128 of a 128-row cache."""
    task(prog, "L0.k_append")["params"]["pos"] = 128


def attention_too_far(prog):
    """L0's attention (its last shard) reads one row past the position."""
    last = [t for t in prog["tasks"]
            if t["label"].startswith("L0.attention") and t["op"] == "ATTENTION_TILE"][-1]
    last["params"]["kv_len"] += 1


def sm_outside_grid(prog):
    """The final norm runs on SM num_sms."""
    task(prog, "final_norm")["sm"] = prog["target"]["num_sms"]


def write_weight(prog):
    """The final norm writes into its own weight."""
    t = task(prog, "final_norm")
    t["outputs"] = [t["inputs"][1]]


def cycle(prog):
    """The embedding waits for the lm_head's tiles."""
    head = task(prog, "lm_head[t0]")
    n = sum(1 for t in prog["tasks"] if t["out_counter"] == head["out_counter"])
    task(prog, "embed")["waits"] = [{"counter": head["out_counter"], "threshold": n}]


MUTATIONS = {f.__name__.replace("_", "-"): f for f in (
    drop_wait, lower_join, counter_init, append_past_cache, attention_too_far,
    sm_outside_grid, write_weight, cycle)}


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in MUTATIONS:
        sys.exit(f"usage: mutate.py SCHEDULE.json ({'|'.join(MUTATIONS)}) OUT.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        prog = json.load(f)
    MUTATIONS[sys.argv[2]](prog)
    with open(sys.argv[3], "w", encoding="utf-8") as f:
        json.dump(prog, f, indent=1)


if __name__ == "__main__":
    main()
