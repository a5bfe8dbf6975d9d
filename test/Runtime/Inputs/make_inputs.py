#!/usr/bin/env python3
"""Writes the hand-made manifests and checkpoints of test/Runtime.

The model: token t embeds to the one-hot row E[t] = e_{(t+1) % 8}, is
appended to a 4-row KV cache, and lm_head W (the identity) makes the logits,
so greedy decoding counts up: 3 -> 4, 5, 6, ... With tied embeddings
(no lm_head.weight, W = E) the logits are E @ e_{t+1} = e_t: 3 -> 3, 3, ...

Two workers: worker 0 runs `embed` then a grid barrier; worker 1 the barrier
then `head` (kv_append, gemv, argmax), which also waits on `embed`.
Run from this directory: python3 make_inputs.py
"""
import copy
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "utils"))
from manifest_hash import ptx_hash, rehash  # noqa: E402

V = 8  # vocabulary = hidden size


def tensor_bytes(dtype, values):
    if dtype == "F32":
        return struct.pack("<%df" % len(values), *values)
    if dtype == "BF16":  # exact for 0 and 1
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    raise ValueError(dtype)


def write_safetensors(path, tensors, extra=None):
    """tensors: name -> (dtype, shape, values); extra: header entries added
    as given (lying ones)."""
    header, data = {}, b""
    for name, (dtype, shape, values) in tensors.items():
        raw = tensor_bytes(dtype, values)
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    header.update(extra or {})
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def embed_table():
    return [1.0 if c == (r + 1) % V else 0.0 for r in range(V) for c in range(V)]


def identity():
    return [1.0 if r == c else 0.0 for r in range(V) for c in range(V)]


def checkpoints():
    E = ("F32", [V, V], embed_table())
    W = ("F32", [V, V], identity())
    models = {
        "model": {"model.embed_tokens.weight": E, "lm_head.weight": W},
        "tied": {"model.embed_tokens.weight": E},
        "bf16": {"model.embed_tokens.weight": ("BF16", [V, V], embed_table()),
                 "lm_head.weight": W},
        "shape": {"model.embed_tokens.weight": ("F32", [V, 4], [0.0] * 32),
                  "lm_head.weight": W},
        "missing": {"lm_head.weight": W},
        # Four embedding rows: the head's 8 logits can name a token past them.
        "small-vocab": {"model.embed_tokens.weight":
                        ("F32", [4, V], embed_table()[:4 * V]),
                        "lm_head.weight": W},
        # Token 3 embeds to +inf at element 4: the head's logits go NaN.
        "inf": {"model.embed_tokens.weight":
                ("F32", [V, V], [float("inf") if i == 3 * V + 4 else v
                                 for i, v in enumerate(embed_table())]),
                "lm_head.weight": W},
        # lm_head row 4 is +inf on the one-hot of token 3: logit 4 is +inf.
        "inf-head": {"model.embed_tokens.weight": E,
                     "lm_head.weight":
                     ("F32", [V, V], [float("inf") if i == 4 * V + 4 else v
                                      for i, v in enumerate(identity())])},
    }
    for name, tensors in models.items():
        os.makedirs(name, exist_ok=True)
        write_safetensors(os.path.join(name, "model.safetensors"), tensors)
    # Headers the compiler's reader refuses: a tensor sharing the embedding
    # table's bytes, and a shape whose element count wraps 64 bits to 0
    # (2^40 x 2^40 x 2^24 = 2^104), which matched its empty data range.
    lies = {
        "overlap": {"extra": {"dtype": "F32", "shape": [2],
                              "data_offsets": [8, 16]}},
        "wrap": {"huge": {"dtype": "F32", "shape": [1 << 40, 1 << 40, 1 << 24],
                          "data_offsets": [0, 0]}},
    }
    # config.json beside a checkpoint: agreeing, lying, and untied without
    # the head (the tied fallback would use the embedding table).
    configs = {
        "config": ("model", {"vocab_size": V, "hidden_size": V,
                             "tie_word_embeddings": False}),
        "config-lie": ("model", {"vocab_size": 2 * V, "hidden_size": V}),
        "untied": ("tied", {"vocab_size": V, "tie_word_embeddings": False}),
    }
    for name, (model, config) in configs.items():
        os.makedirs(name, exist_ok=True)
        write_safetensors(os.path.join(name, "model.safetensors"),
                          models[model])
        with open(os.path.join(name, "config.json"), "w") as f:
            json.dump(config, f, indent=1)
            f.write("\n")
    for name, extra in lies.items():
        os.makedirs(name, exist_ok=True)
        write_safetensors(os.path.join(name, "model.safetensors"),
                          models["model"], extra)
    # The same model in two shards.
    os.makedirs("sharded", exist_ok=True)
    write_safetensors("sharded/model-00001-of-00002.safetensors",
                      {"model.embed_tokens.weight": E})
    write_safetensors("sharded/model-00002-of-00002.safetensors",
                      {"lm_head.weight": W})
    with open("sharded/model.safetensors.index.json", "w") as f:
        json.dump({"metadata": {}, "weight_map": {
            "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
            "lm_head.weight": "model-00002-of-00002.safetensors"}}, f, indent=1)


def buffer(id, name, kind, dtype, shape, arena, offset, key=None):
    size = {"f32": 4, "i32": 4, "bf16": 2}[dtype]
    count = 1
    for d in shape:
        count *= d
    entry = {"id": id, "name": name, "kind": kind, "dtype": dtype,
             "shape": shape, "bytes": count * size, "arena": arena,
             "offset": offset}
    if key:
        entry["key"] = key
    return entry


def manifest():
    return {
        "format": "amk-manifest", "version": 1, "program": "counter",
        "program_hash": "0", "chip": "sm_90a", "kernel": "amk_megakernel",
        "grid": 2, "block": 128, "dynamic_smem": 0, "desc_words": 8,
        "position": None,
        "buffers": [
            buffer(0, "tokens", "input", "i32", [1], "io", 0),
            buffer(1, "pos", "input", "i32", [1], "io", 256),
            buffer(2, "next_token", "output", "i32", [1], "io", 512),
            buffer(3, "logits", "output", "f32", [V], "io", 768),
            buffer(4, "model.embed_tokens.weight", "weight", "f32", [V, V],
                   "weights", 0, "model.embed_tokens.weight"),
            buffer(5, "lm_head.weight", "weight", "f32", [V, V], "weights",
                   256, "lm_head.weight"),
            buffer(6, "x", "activation", "f32", [V], "scratch", 0),
            buffer(7, "k_cache", "kv_cache", "f32", [4, 1, V], "kv", 0),
        ],
        "arenas": {"weights": 512, "kv": 256, "scratch": 256, "io": 1024},
        "roles": {"tokens": 0, "position": 1, "next_token": 2, "logits": 3},
        "events": [{"name": "embed", "init": 0, "producers": 1},
                   {"name": "barrier", "init": 0, "producers": 2},
                   {"name": "head", "init": 0, "producers": 1}],
        "variants": [
            {"id": 0, "ops": [
                {"op": "embed", "buffers": 3, "ints": 0,
                 "static": {"vocab": V, "hidden": V,
                            "dtypes": ["f32", "i32", "f32"],
                            "shapes": [[V, V], [1], [V]]}}]},
            {"id": 1, "ops": [
                {"op": "kv_append", "buffers": 3, "ints": 3,
                 "static": {"rows": 4, "kv_heads": 1, "head_dim": V,
                            "dtypes": ["f32", "i32", "f32"],
                            "shapes": [[V], [1], [4, 1, V]]}},
                {"op": "gemv", "buffers": 3, "ints": 2,
                 "static": {"N": V, "K": V, "bias": False, "residual": False,
                            "dtypes": ["f32", "f32", "f32"],
                            "shapes": [[V, V], [V], [V]]}},
                {"op": "argmax", "buffers": 2, "ints": 0,
                 "static": {"len": V, "dtypes": ["f32", "i32"],
                            "shapes": [[V], [1]]}}]},
        ],
        "tasks": ["embed", "barrier.w0", "barrier.w1", "head"],
        "table": {
            "descriptors": [0, 0, 0, 0, 0, 0, 0, -1,
                            -1, 1, 0, 1, 0, 1, 1, -1,
                            -1, 1, 0, 1, 0, 2, 1, -1,
                            1, 2, 1, 1, 3, 3, 0, -1],
            "queues": [0, 2, 4],
            "waits": [1, 2, 2, 0, 1, 1],
            "args": [4, 0, 6,
                     6, 1, 7, 0, 1, -1,
                     5, 6, 3, 0, V,
                     3, 2],
        },
    }


def mutate(edit):
    """The counter manifest edited by `edit`, hashed again (so that each
    case is refused for its edit, not for its hash)."""
    m = manifest()
    edit(m)
    return rehash(m)


def setitem(path, value):
    def edit(m):
        node = m
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


def drop(path):
    def edit(m):
        node = m
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return edit


def small_vocab(m):
    """The embedding table of 4 rows (checkpoint small-vocab)."""
    m["buffers"][4].update(shape=[4, V], bytes=4 * V * 4)
    facts = m["variants"][0]["ops"][0]["static"]
    facts.update(vocab=4, shapes=[[4, V], [1], [V]])


def big_kv(m):
    """A KV cache of 2^25 rows (1 GiB): --max-seq below it allocates less."""
    rows = 1 << 25
    m["buffers"][7].update(shape=[rows, 1, V], bytes=rows * V * 4)
    m["arenas"]["kv"] = rows * V * 4
    facts = m["variants"][1]["ops"][0]["static"]
    facts.update(rows=rows, shapes=[[V], [1], [rows, 1, V]])


def page_offsets(m):
    """`x` and a new `y` on page p0, at different offsets."""
    m["buffers"][6]["page"] = "p0"
    m["buffers"].append(buffer(8, "y", "activation", "f32", [V], "scratch",
                               256))
    m["buffers"][8]["page"] = "p0"
    m["arenas"]["scratch"] = 512


def prefetch(entry):
    """The head task prefetches `entry` (buffer, offset lo, hi, bytes)."""
    def edit(m):
        args = m["table"]["args"]
        m["table"]["descriptors"][31] = len(args)
        args += [1] + entry
    return edit


def whole_copy(lo, hi):
    """The embed task also copies `x` to a new `y` (the whole form, whose
    GPU code uses the range and CPU code ignores it) over [lo, hi)."""
    def edit(m):
        m["buffers"].append(buffer(8, "y", "activation", "f32", [V],
                                   "scratch", 256))
        m["arenas"]["scratch"] = 512
        m["variants"][0]["ops"].append(
            {"op": "copy", "buffers": 2, "ints": 2,
             "static": {"len": V, "cols": False, "dtypes": ["f32", "f32"],
                        "shapes": [[V], [V]]}})
        t = m["table"]
        t["args"] = t["args"][:3] + [6, 8, lo, hi] + t["args"][3:]
        t["descriptors"][28] += 4  # the head task's first argument
    return edit


def verifier_cases():
    """Manifests the verifier refuses (verifier.test), each one edit."""
    return {
        "overlap": setitem(["buffers", 3, "offset"], 512),
        "page-kind": setitem(["buffers", 7, "page"], "p0"),
        "page-offset": page_offsets,
        "same-role": setitem(["roles", "position"], 0),
        "same-key": setitem(["buffers", 5, "key"],
                            "model.embed_tokens.weight"),
        "bad-kind": setitem(["buffers", 6, "kind"], "activations"),
        "kind-arena": setitem(["buffers", 6, "kind"], "weight"),
        "huge-id": setitem(["buffers", 0, "id"], 2147483646),
        "huge-arena": setitem(["arenas", "scratch"], 1 << 60),
        "facts-lie": setitem(["variants", 1, "ops", 1, "static", "N"], 16),
        "zero-kv-heads": setitem(
            ["variants", 1, "ops", 0, "static", "kv_heads"], 0),
        "shape-lie": lambda m: m["variants"][1]["ops"][0]["static"].update(
            rows=8, shapes=[[V], [1], [8, 1, V]]),
        "bad-cols": setitem(["table", "args", 13], 9),
        "bad-row": setitem(["table", "args", 8], 3),
        "bad-heads": setitem(["table", "args", 7], 2),
        "prefetch-count": setitem(["table", "descriptors", 31], 0),
        "prefetch-kind": prefetch([6, 0, 0, 16]),
        "prefetch-range": prefetch([5, 0, 0, 512]),
        "position-operand": setitem(["table", "args", 4], 0),
        "write-input": setitem(["table", "args", 15], 0),
        "event-producers": lambda m: (
            setitem(["events", 0, "producers"], 2)(m),
            setitem(["table", "waits", 5], 2)(m)),
        "small-vocab": small_vocab,
        "big-kv": big_kv,
        "copy-whole": whole_copy(0, V),
        "copy-part": whole_copy(0, 4),
    }


def write_manifest(name, m):
    with open(name + ".manifest.json", "w") as f:
        json.dump(m, f, indent=1)
        f.write("\n")


def write_raw_cases():
    """Cases a dict cannot hold: keys given twice, a stale hash."""
    text = json.dumps(mutate(lambda m: None), indent=1)
    with open("dup-key.manifest.json", "w") as f:
        f.write(text.replace('"kind": "activation"',
                             '"kind": "activation", "kind": "input"'))
    with open("dup-table-key.manifest.json", "w") as f:
        f.write(text.replace('"queues": [', '"queues": [0, 2, 4],\n  "queues": [',
                             1))
    with open("dup-root-key.manifest.json", "w") as f:
        f.write(text.replace('{\n "format"', '{\n "grid": 3,\n "format"', 1))
    stale = mutate(lambda m: None)
    stale["variants"][1]["ops"][1]["static"]["bias"] = False
    stale["dynamic_smem"] = 1024
    write_manifest("edited", stale)


def manifests():
    cases = {
        # The head waits for two embeds: never satisfied.
        "deadlock": setitem(["table", "waits", 4], 2),
        # Wrong producers per step (step 1 would wait for 1 + 1 * 2 embeds):
        # refused before any step.
        "epoch": setitem(["table", "waits", 5], 2),
        "bad-version": setitem(["version"], 2),
        "bad-format": setitem(["format"], "something"),
        "bad-dtype": setitem(["buffers", 6, "dtype"], "f64"),
        "bad-offset": setitem(["buffers", 5, "offset"], 100),
        "bad-overflow": setitem(["buffers", 5, "offset"], 512),
        "bad-bytes": setitem(["buffers", 6, "bytes"], 4),
        "bad-grid": setitem(["grid"], "two"),
        "missing-grid": drop(["grid"]),
        "bad-queues": setitem(["table", "queues"], [0, 4]),
        "bad-variant": setitem(["table", "descriptors", 24], 7),
        "bad-wait-event": setitem(["table", "waits", 3], 9),
        "bad-arg-buffer": setitem(["table", "args", 0], 42),
        "bad-arg-dtype": setitem(["table", "args", 10], 0),
        "bad-op": setitem(["variants", 1, "ops", 2, "op"], "softmax"),
        "bad-op-args": setitem(["variants", 1, "ops", 1, "ints"], 3),
        "bad-static": drop(["variants", 1, "ops", 1, "static", "bias"]),
        "bad-role": setitem(["roles", "logits"], 6),
        "dup-id": setitem(["buffers", 7, "id"], 6),
        # The embedding table has fewer rows (4) than the logits (8).
        "token-rows": setitem(["token_rows"], 4),
        "bad-table-word": setitem(["table", "args", 3], 1.5),
        "bad-table-array": setitem(["table", "waits"], [[1]]),
        # `x` holds 4 elements: the 8 the embedding writes overflow it.
        "small-buffer": lambda m: (setitem(["buffers", 6, "shape"], [4])(m),
                                   setitem(["buffers", 6, "bytes"], 16)(m)),
    }
    # PTX headers only: amk-run checks the hash and `.target` against the
    # manifest before it loads the driver. ptx-mismatch.ptx is counter.ptx
    # edited after its manifest was written.
    ptx = {}
    for name, chip in (("counter", "sm_90a"), ("other-chip", "sm_80")):
        ptx[name] = ("//\n// a header without a kernel, for tests\n//\n"
                     ".version 8.6\n.target %s\n.address_size 64\n" % chip)
    ptx["ptx-mismatch"] = ptx["counter"] + "// edited\n"
    for name, text in ptx.items():
        with open(name + ".ptx", "w") as f:
            f.write(text)

    def with_ptx(name):
        return lambda m: m.update(ptx_hash=ptx_hash(ptx[name].encode()))
    cases["counter"] = with_ptx("counter")
    cases["other-chip"] = with_ptx("other-chip")
    cases["ptx-mismatch"] = with_ptx("counter")
    cases.update(verifier_cases())
    for name, edit in cases.items():
        write_manifest(name, mutate(edit))
    write_raw_cases()
    with open("not-json.manifest.json", "w") as f:
        f.write("{\"format\": \"amk-manifest\",\n")


def chain(workers, path):
    """The counter model followed by one chain of empty tasks across
    `workers` workers, each waiting on the one before, placed from the last
    worker down: the order in which a round-robin sweep of the workers
    advances one task a round. Written at test time (megabytes)."""
    m = manifest()
    d, t = m["table"]["descriptors"], m["table"]
    queues = [[] for _ in range(workers)]
    queues[0], queues[1] = [d[0:8], d[8:16]], [d[16:24], d[24:32]]
    previous = 2  # the head's event
    for i in range(workers - 2):
        event = len(m["events"])
        m["events"].append({"name": "c%d" % i, "init": 0, "producers": 1})
        queues[workers - 1 - i].append(
            [-1, event, len(t["waits"]) // 3, 1, 0, len(m["tasks"]), 0, -1])
        t["waits"] += [previous, 1, 1]
        m["tasks"].append("chain%d" % i)
        previous = event
    t["descriptors"] = [w for q in queues for desc in q for w in desc]
    t["queues"] = [0]
    for q in queues:
        t["queues"].append(t["queues"][-1] + len(q))
    m["grid"] = workers
    with open(path, "w") as f:
        json.dump(rehash(m), f)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--chain"]:
        chain(int(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    checkpoints()
    manifests()
