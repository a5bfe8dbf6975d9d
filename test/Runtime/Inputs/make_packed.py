#!/usr/bin/env python3
"""Writes the checkpoint of packed.mlir.in (test/Runtime/packed.test) and
checks what amk-run computed with it.

  make_packed.py write DIR              writes DIR/model.safetensors
  make_packed.py check DUMP ELEM PROMPT checks amk-run's --dump-logits file

The table row of token t is x[n] = ((37 n + 11 t) mod 64) / 2, the pattern
holds values in and out of the integer ranges. The program makes
logits = x + q(pattern), q storing to ELEM as the storage model says
(truncate toward zero, saturate: i1 to [0, 1], iN to [-2^(N-1), 2^(N-1)));
if a packed store touched a byte of its neighbour `h`, logits would differ.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "utils"))
from tiny_safetensors import write_f32  # noqa: E402

V = 64
PATTERN = [-9.5, -8.0, -1.5, -0.5, 0.0, 0.7, 1.0, 2.5, 7.0, 7.9, 12.0, 1.5]


def row(t):
    return [((37 * n + 11 * t) % V) / 2.0 for n in range(V)]


def pattern():
    return [PATTERN[n % len(PATTERN)] for n in range(V)]


def write(directory):
    write_f32(os.path.join(directory, "model.safetensors"),
              {"model.embed_tokens.weight": ([V, V], sum((row(t) for t in range(V)), [])),
               "pattern": ([V], pattern())})


def stored(elem, value):
    bits = int(elem[1:])
    lo, hi = (0, 1) if bits == 1 else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return float(min(max(math.trunc(value), lo), hi))


def check(dump, elem, prompt):
    with open(dump) as f:
        result = json.load(f)
    token, failures = prompt, []
    for step, (logits, chosen) in enumerate(zip(result["logits"], result["tokens"])):
        expected = [x + stored(elem, p) for x, p in zip(row(token), pattern())]
        wrong = [n for n in range(V) if logits[n] != expected[n]]
        if wrong:
            n = wrong[0]
            failures.append("step %d: logits[%d] = %r, expected %r (%d wrong)"
                            % (step, n, logits[n], expected[n], len(wrong)))
        best = max(range(V), key=lambda n: (expected[n], -n))
        if chosen != best:
            failures.append("step %d: token %d, expected %d" % (step, chosen, best))
        token = chosen
    if not result["logits"]:
        failures.append("no steps in " + dump)
    for failure in failures:
        print("packed check:", failure)
    print("packed check: %s, %d steps" % ("FAIL" if failures else "ok", len(result["logits"])))
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3], int(sys.argv[4])))
