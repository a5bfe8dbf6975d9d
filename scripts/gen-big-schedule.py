#!/usr/bin/env python3
"""Writes a scheduled Llama-3-8B-shaped amk.program for timing the validator.

Every layer: RMSNorm, Q/K/V projection tiles, RoPE + KV append per KV head,
RoPE per query head, attention per head, O projection tiles (residual),
RMSNorm, gate/up/SiLU tiles, down projection tiles (residual); then the final
norm, LM-head tiles with argmax partials and the argmax reduce. Activations
are reused across layers (the hardest case for the conflict sweep); each stage
signals its own event and the next stage joins all its producers. Tasks are
dealt round-robin onto the workers in program order, which is a valid
schedule. Usage: gen-big-schedule.py [--layers 32] [--workers 132] > big.mlir
"""

import argparse
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=32)
    parser.add_argument("--workers", type=int, default=132)
    parser.add_argument("--hidden", type=int, default=4096)
    parser.add_argument("--intermediate", type=int, default=14336)
    parser.add_argument("--heads", type=int, default=32)
    parser.add_argument("--kv-heads", type=int, default=8)
    parser.add_argument("--vocab", type=int, default=128256)
    parser.add_argument("--rows", type=int, default=2048)
    parser.add_argument("--tile", type=int, default=16)
    args = parser.parse_args()
    Generator(args).emit(sys.stdout)


class Generator:
    def __init__(self, args):
        self.a = args
        self.d = args.hidden // args.heads
        self.kv = args.kv_heads * self.d
        self.lines = []
        self.queues = [0] * args.workers
        self.count = 0

    def line(self, text):
        self.lines.append("  " + text)

    def buffer(self, name, kind, shape, dtype="f32", key=False):
        shape_text = "x".join(str(s) for s in shape)
        key_text = f' key "{name}"' if key else ""
        self.line(f'%{name} = amk.buffer "{name}" {kind}{key_text} : '
                  f"memref<{shape_text}x{dtype}>")

    def event(self, name):
        self.line(f'%{name} = amk.event "{name}"')
        return name

    def task(self, name, waits, signal, body):
        worker = self.count % self.a.workers
        queue = self.queues[worker]
        self.queues[worker] += 1
        self.count += 1
        wait_text = ""
        if waits:
            wait_text = " waits(" + ", ".join(
                f"%{e} >= {t}" for e, t in waits) + ")"
        self.line(f'amk.task "{name}"{wait_text} signals %{signal} '
                  f"worker {worker} queue {queue} {{")
        for op in body:
            self.line("  " + op)
        self.line("}")

    def tiles(self, prefix, width, tile, waits, signal, body):
        for i, lo in enumerate(range(0, width, tile)):
            self.task(f"{prefix}.{i}", waits, signal, body(lo, lo + tile))
        return width // tile

    def weights(self, l):
        h, f, kv = self.a.hidden, self.a.intermediate, self.kv
        for name, shape in [("wq", [h, h]), ("wk", [kv, h]), ("wv", [kv, h]),
                            ("wo", [h, h]), ("wg", [f, h]), ("wu", [f, h]),
                            ("wd", [h, f]), ("g1", [h]), ("g2", [h])]:
            self.buffer(f"{name}{l}", "weight", shape, "bf16", key=True)
        cache = [self.a.rows, self.a.kv_heads, self.d]
        self.buffer(f"kc{l}", "kv_cache", cache, "bf16")
        self.buffer(f"vc{l}", "kv_cache", cache, "bf16")

    def layer(self, l, prev):
        h, f, d, t = self.a.hidden, self.a.intermediate, self.d, self.a.tile
        V, X, XN = "memref<%dx%s>", f"memref<{h}xf32>", f"memref<{h}xf32>"
        W = lambda n, k: f"memref<{n}x{k}xbf16>"
        G = f"memref<{h}xbf16>"
        cache = f"memref<{self.a.rows}x{self.a.kv_heads}x{d}xbf16>"
        F = f"memref<{f}xf32>"
        KV = f"memref<{self.kv}xf32>"
        e = {s: self.event(f"l{l}.{s}") for s in
             ["n1", "qkv", "kv", "att", "o", "n2", "gu", "down"]}
        self.task(f"l{l}.norm1", prev, e["n1"], [
            f"amk.rmsnorm %x, %g1{l} -> %xn eps 1.0e-05 : {X}, {G}, {XN}"])
        n = self.tiles(f"l{l}.q", h, t, [(e["n1"], 1)], e["qkv"], lambda lo, hi: [
            f"amk.gemv %wq{l}, %xn -> %q cols [{lo}, {hi}) : {W(h, h)}, {XN}, {X}"])
        for name, out in [("wk", "k"), ("wv", "v")]:
            n += self.tiles(f"l{l}.{out}", self.kv, t, [(e["n1"], 1)], e["qkv"],
                            lambda lo, hi, name=name, out=out: [
                f"amk.gemv %{name}{l}, %xn -> %{out} cols [{lo}, {hi}) : "
                f"{W(self.kv, h)}, {XN}, {KV}"])
        for g in range(self.a.kv_heads):
            self.task(f"l{l}.kv.{g}", [(e["qkv"], n)], e["kv"], [
                f"amk.rope %k, %pos -> %k head_dim {d} theta 5.0e+05 heads [{g}, {g + 1}) : {KV}, memref<1xi32>, {KV}",
                f"amk.kv_append %k, %pos -> %kc{l} heads [{g}, {g + 1}) : {KV}, memref<1xi32>, {cache}",
                f"amk.kv_append %v, %pos -> %vc{l} heads [{g}, {g + 1}) : {KV}, memref<1xi32>, {cache}"])
        for q in range(self.a.heads):
            self.task(f"l{l}.ropeq.{q}", [(e["qkv"], n)], e["kv"], [
                f"amk.rope %q, %pos -> %q head_dim {d} theta 5.0e+05 heads [{q}, {q + 1}) : {X}, memref<1xi32>, {X}"])
        for q in range(self.a.heads):
            self.task(f"l{l}.att.{q}", [(e["kv"], self.a.kv_heads + self.a.heads)], e["att"], [
                f"amk.attention %q, %kc{l}, %vc{l}, %pos -> %att heads [{q}, {q + 1}) "
                f"kv [0, pos + 1) scale 8.8e-02 : {X}, {cache}, {cache}, memref<1xi32>, {X}"])
        n = self.tiles(f"l{l}.o", h, t, [(e["att"], self.a.heads)], e["o"], lambda lo, hi: [
            f"amk.gemv %wo{l}, %att -> %x cols [{lo}, {hi}) residual %x : {W(h, h)}, {X}, {X}, {X}"])
        self.task(f"l{l}.norm2", [(e["o"], n)], e["n2"], [
            f"amk.rmsnorm %x, %g2{l} -> %xn eps 1.0e-05 : {X}, {G}, {XN}"])
        n = self.tiles(f"l{l}.gu", f, 2 * t, [(e["n2"], 1)], e["gu"], lambda lo, hi: [
            f"amk.gemv %wg{l}, %xn -> %gate cols [{lo}, {hi}) : {W(f, h)}, {XN}, {F}",
            f"amk.gemv %wu{l}, %xn -> %up cols [{lo}, {hi}) : {W(f, h)}, {XN}, {F}",
            f"amk.silu_mul %gate, %up -> %act cols [{lo}, {hi}) : {F}, {F}, {F}"])
        n = self.tiles(f"l{l}.down", h, t // 2, [(e["gu"], n)], e["down"], lambda lo, hi: [
            f"amk.gemv %wd{l}, %act -> %x cols [{lo}, {hi}) residual %x : {W(h, f)}, {F}, {X}, {X}"])
        return [(e["down"], n)]

    def emit(self, out):
        a, h = self.a, self.a.hidden
        X = f"memref<{h}xf32>"
        self.buffer("embed", "weight", [a.vocab, h], "bf16", key=True)
        self.buffer("wlm", "weight", [a.vocab, h], "bf16", key=True)
        self.buffer("gf", "weight", [h], "bf16", key=True)
        for l in range(a.layers):
            self.weights(l)
        self.buffer("tok", "input", [1], "i32")
        self.buffer("pos", "input", [1], "i32")
        for name, width in [("x", h), ("xn", h), ("q", h), ("att", h),
                            ("k", self.kv), ("v", self.kv),
                            ("gate", a.intermediate), ("up", a.intermediate),
                            ("act", a.intermediate), ("logits", a.vocab)]:
            self.buffer(name, "activation", [width])
        tiles = a.vocab // 128
        self.buffer("vals", "scratch", [tiles])
        self.buffer("idx", "scratch", [tiles], "i32")
        self.buffer("next", "output", [1], "i32")
        start = self.event("embed.done")
        self.task("embed", [], start, [
            f"amk.embed %embed[%tok] -> %x : memref<{a.vocab}x{h}xbf16>, memref<1xi32>, {X}"])
        prev = [(start, 1)]
        for l in range(a.layers):
            prev = self.layer(l, prev)
        nf, lm, done = self.event("final.norm"), self.event("lm"), self.event("done")
        self.task("final.norm", prev, nf, [
            f"amk.rmsnorm %x, %gf -> %xn eps 1.0e-05 : {X}, memref<{h}xbf16>, {X}"])
        L = f"memref<{a.vocab}xf32>"
        for i in range(tiles):
            lo, hi = i * 128, (i + 1) * 128 if i + 1 < tiles else a.vocab
            self.task(f"lm.{i}", [(nf, 1)], lm, [
                f"amk.gemv %wlm, %xn -> %logits cols [{lo}, {hi}) : memref<{a.vocab}x{h}xbf16>, {X}, {L}",
                f"amk.argmax_partial %logits -> %vals, %idx slot {i} cols [{lo}, {hi}) : {L}, memref<{tiles}xf32>, memref<{tiles}xi32>"])
        self.task("argmax", [(lm, tiles)], done, [
            f"amk.argmax_reduce %vals, %idx -> %next : memref<{tiles}xf32>, memref<{tiles}xi32>, memref<1xi32>"])
        out.write(f'amk.program @big target <"sm_90a", sms = {a.workers}> {{\n')
        out.write("\n".join(self.lines))
        out.write("\n}\n")
        print(f"{self.count} tasks", file=sys.stderr)


if __name__ == "__main__":
    main()
