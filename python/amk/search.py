"""The tuner's edit surface: the schedule knobs, their values for one model,
and random and mutation proposals over them.

A configuration is a JSON object of ``--amk-compile`` knobs (the keys of
docs/scheduling.md); keys left out take the compiler's defaults, so ``{}`` is
our default schedule. ``chip`` is fixed by the tuning run, and ``validate``,
``stats`` and ``config`` are the harness's business, so a proposal may not
set them.
"""
import json
import os
import random

from .errors import AmkError

#: Knob -> its default (what leaving the key out means).
DEFAULTS = {
    "sms": 0, "qkv-cols": 0, "o-cols": 0, "gate-up-cols": 0, "down-cols": 0,
    "lm-head-cols": 0, "attn-heads": 0, "kv-block": 0, "fuse": True,
    "split-events": True,
    "strategy": "phases", "sync-ns": 1000, "task-ns": 1800, "allocate": True,
}
#: Pipeline options a proposal may not set, and why.
RESERVED = {
    "chip": "the chip is fixed by the tuning run (--chip)",
    "validate": "the harness always certifies with the validator",
    "stats": "the harness always reads the schedule statistics",
    "config": "a proposal is itself the config",
}
STRATEGIES = ["phases", "critical-path", "balanced", "round-robin"]


def _pow2(lo, hi):
    out, v = [], 1
    while v <= hi:
        if v >= lo:
            out.append(v)
        v *= 2
    return out


def model_shape(model_dir):
    """The dimensions of the HF checkpoint in model_dir that bound the tile
    knobs: hidden, heads, kv_heads, head_dim, intermediate, vocab."""
    path = os.path.join(str(model_dir), "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
        hidden = int(cfg["hidden_size"])
        heads = int(cfg["num_attention_heads"])
        shape = dict(hidden=hidden, heads=heads,
                     kv_heads=int(cfg.get("num_key_value_heads") or heads),
                     head_dim=int(cfg.get("head_dim") or hidden // heads),
                     intermediate=int(cfg["intermediate_size"]),
                     vocab=int(cfg["vocab_size"]))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise AmkError("%s: cannot read the model's dimensions: %s"
                       % (path, e)) from None
    return shape


def knob_space(shape, workers):
    """Knob -> candidate values (the default first) for a model of ``shape``
    (model_shape) on ``workers`` SMs. Tile widths are powers of two (Q/K/V:
    head multiples) up to the projection's output size."""
    hd, heads = shape["head_dim"], shape["heads"]
    group = max(1, heads // max(1, shape["kv_heads"]))
    return {
        "sms": [0] + sorted({max(1, workers * k // 8) for k in (4, 6, 7)}
                            - {workers}),
        "qkv-cols": [0] + [hd * k for k in _pow2(1, heads)],
        "o-cols": [0] + _pow2(16, shape["hidden"]),
        "gate-up-cols": [0] + _pow2(16, shape["intermediate"]),
        "down-cols": [0] + _pow2(16, shape["hidden"]),
        "lm-head-cols": [0] + _pow2(64, shape["vocab"]),
        "attn-heads": [0] + [d for d in range(1, heads + 1)
                             if heads % d == 0 and (d % group == 0 or
                                                    group % d == 0)],
        "kv-block": [0, 16, 32, 64, 128, 256],
        "fuse": [True, False],
        "strategy": list(STRATEGIES),
        "sync-ns": [1000, 250, 500, 2000, 4000],
    }


def normalize(config):
    """The canonical form of a proposal: '-' keys, defaults dropped. Raises
    AmkError naming a key that is not a schedule knob."""
    if not isinstance(config, dict):
        raise AmkError("a configuration must be a JSON object of knobs, not "
                       "%s" % type(config).__name__)
    out = {}
    for key, value in config.items():
        name = str(key).replace("_", "-")
        if name in RESERVED:
            raise AmkError("'%s' is not a schedule knob: %s"
                           % (name, RESERVED[name]))
        if name not in DEFAULTS:
            raise AmkError("unknown knob '%s' (knobs: %s)"
                           % (name, ", ".join(sorted(DEFAULTS))))
        if value != DEFAULTS[name] or type(value) != type(DEFAULTS[name]):
            out[name] = value
    return out


def key(config):
    """A string identifying a normalized configuration."""
    return json.dumps(config, sort_keys=True)


def random_config(space, rng, density=0.4):
    """Each knob moved off its default with probability ``density``."""
    return normalize({name: rng.choice(values[1:])
                      for name, values in space.items()
                      if len(values) > 1 and rng.random() < density})


def mutate(config, space, rng, changes=None):
    """``config`` with one or two knobs changed: to a neighbouring value in
    the knob's list (tile widths x2 or /2) or, one time in three, any
    value."""
    out = dict(DEFAULTS, **config)
    names = [n for n in space if len(space[n]) > 1]
    for name in rng.sample(names, min(len(names), changes or
                                      rng.choice((1, 1, 2)))):
        values = space[name]
        current = out[name]
        if current in values and rng.random() < 2 / 3:
            i = values.index(current)
            step = rng.choice([-1, 1]) if 0 < i < len(values) - 1 else (
                1 if i == 0 else -1)
            out[name] = values[i + step]
        else:
            out[name] = rng.choice([v for v in values if v != current])
    return normalize(out)


def proposals(incumbent, elite, space, rng, count):
    """``count`` fresh candidates: mutations of the incumbent, of one of the
    ``elite`` configurations, and random ones (about 1/2, 1/4, 1/4)."""
    out = []
    for i in range(count):
        r = i % 4
        if r in (0, 2):
            out.append(mutate(incumbent, space, rng))
        elif r == 1 and elite:
            out.append(mutate(rng.choice(elite), space, rng))
        else:
            out.append(random_config(space, rng))
    return out


def make_rng(seed):
    """The search's random source (seeded: a run is reproducible)."""
    return random.Random(seed)
