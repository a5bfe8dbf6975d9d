#!/usr/bin/env python3
"""Property test of the storage model: every component touches the bytes
include/AMK/Support/StorageModel.h says an access touches.

Each random program puts 2-4 buffers of mixed element types (i1, i2, i4, i8,
i32, f16, bf16, f32; 64 elements each) on one 256-byte scratch page and
lets one task per buffer write a random column range of it, all at once on
different workers. This script's own model of the bytes (written from the
storage model's rule, sharing no code with AMK) decides whether the
program is safe: every range starts and ends on a byte boundary and no two
ranges share a byte. Then:

  validator  `amk-opt --amk-validate` must certify exactly the safe ones;
  allocator  the safe program with its page removed, put on pages again by
             `--amk-allocate-scratch`, must still be certified and compute
             the same;
  runtime    `amk-run --cpu` (the runtime's packed arenas) and
  reference  `amk-ref-run` (byte-exact pages, shuffled task order) must
             compute logits = x with each range replaced by its stored
             value read back (truncated, saturated integers; x is exact in
             bf16), so a store that touched a neighbour's byte shows;
  lowering   with --prepare the PTX of every safe program is written, and
             --gpu DIR runs it with amk-run on the GPU and checks the same.

  storage_property.py [--count N] [--seed S] [--bin DIR]     (CI, CPU only)
  storage_property.py --prepare DIR [--count N] [--seed S]   (+ PTX for GPU)
  storage_property.py --gpu DIR [--amk-run PATH]            (on the GPU)
"""
import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_safetensors import write_f32  # noqa: E402

N = 64
PAGE_BYTES = 256
VOCAB = 64
BITS = {"i1": 1, "i2": 2, "i4": 4, "i8": 8, "i32": 32, "f16": 16,
        "bf16": 16, "f32": 32}
FLOATS = {"f16", "bf16", "f32"}


def table_row(t):
    """x of token t: multiples of 0.25 in [-20, 20), exact in bf16 and f16,
    in and out of every integer range."""
    return [((37 * n + 11 * t) % 160) / 4.0 - 20.0 for n in range(N)]


def stored(elem, value):
    """The value an element of `elem` holds after storing `value`."""
    if elem in FLOATS:
        return value  # exact: table_row is representable
    bits = BITS[elem]
    lo, hi = (0, 1) if bits == 1 else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return float(min(max(math.trunc(value), lo), hi))


def byte_range(elem, lo, hi):
    """Bytes [first, end) elements [lo, hi) of `elem` touch, and whether
    both ends fall on byte boundaries (the storage model's rule, restated)."""
    bits = BITS[elem]
    first, end = lo * bits // 8, -(-hi * bits // 8)
    return first, end, (lo * bits) % 8 == 0 and (hi * bits) % 8 == 0


def random_case(rng):
    buffers = []
    for i in range(rng.randint(2, 4)):
        elem = rng.choice(sorted(BITS))
        per_byte = max(1, 8 // BITS[elem])
        lo, hi = sorted(rng.sample(range(N + 1), 2))
        if rng.random() < 0.75:  # mostly byte-aligned ranges
            lo, hi = lo // per_byte * per_byte, -(-hi // per_byte) * per_byte
            if lo == hi:
                hi = min(N, lo + per_byte)
                lo = hi - per_byte
        buffers.append((f"b{i}", elem, lo, hi))
    spans = [byte_range(e, lo, hi) for _, e, lo, hi in buffers]
    safe = all(aligned for _, _, aligned in spans) and all(
        a[1] <= b[0] or b[1] <= a[0]
        for i, a in enumerate(spans) for b in spans[i + 1:])
    return {"buffers": buffers, "safe": safe}


def program(case, paged=True):
    ts = f"memref<{N}xf32>"
    lines = [f"amk.program @storage target <\"sm_90a\", sms = 4> {{",
             f"  %table = amk.buffer \"table\" weight key \"model.embed_tokens.weight\" : memref<{VOCAB}x{N}xf32>",
             "  %tokens = amk.buffer \"tokens\" input : memref<1xi32>",
             "  %pos = amk.buffer \"pos\" input : memref<1xi32>",
             f"  %x = amk.buffer \"x\" activation : {ts}",
             f"  %kc = amk.buffer \"kc\" kv_cache : memref<4x1x{N}xf32>",
             f"  %y = amk.buffer \"logits\" output : {ts}"]
    if paged:
        lines.append(f"  %p = amk.page \"p\" bytes {PAGE_BYTES}")
    for name, elem, _, _ in case["buffers"]:
        page = " page %p" if paged else ""
        lines.append(f"  %{name} = amk.buffer \"{name}\" activation{page} : memref<{N}x{elem}>")
    k = len(case["buffers"])
    lines += ["  %ex = amk.event \"x\"", "  %ew = amk.event \"written\"",
              "  %ey = amk.event \"logits\"", "  %er = amk.event \"read\"",
              "  amk.task \"embed\" signals %ex worker 0 queue 0 {",
              f"    amk.embed %table[%tokens] -> %x : memref<{VOCAB}x{N}xf32>, memref<1xi32>, {ts}",
              f"    amk.kv_append %x, %pos -> %kc : {ts}, memref<1xi32>, memref<4x1x{N}xf32>",
              "  }",
              "  amk.task \"init\" waits(%ex >= 1) signals %ey worker 0 queue 1 {",
              f"    amk.copy %x -> %y : {ts}, {ts}",
              "  }"]
    for i, (name, elem, lo, hi) in enumerate(case["buffers"]):
        queue = 2 if i % 4 == 0 else 0
        lines += [f"  amk.task \"write_{name}\" waits(%ex >= 1) signals %ew worker {i % 4} queue {queue} {{",
                  f"    amk.copy %x -> %{name} cols [{lo}, {hi}) : {ts}, memref<{N}x{elem}>",
                  "  }"]
    for i, (name, elem, lo, hi) in enumerate(case["buffers"]):
        lines += [f"  amk.task \"read_{name}\" waits(%ew >= {k}, %ey >= 1) signals %er worker 0 queue {3 + i} {{",
                  f"    amk.copy %{name} -> %y cols [{lo}, {hi}) : memref<{N}x{elem}>, {ts}",
                  "  }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def expected_logits(case, token):
    y = table_row(token)
    for _, elem, lo, hi in case["buffers"]:  # read back in queue order
        for n in range(lo, hi):
            y[n] = stored(elem, table_row(token)[n])
    return y


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def check_dump(path, case, prompt):
    with open(path) as f:
        dump = json.load(f)
    token, problems = prompt, []
    for step, (logits, chosen) in enumerate(zip(dump["logits"], dump["tokens"])):
        want = expected_logits(case, token)
        wrong = [n for n in range(N) if logits[n] != want[n]]
        if wrong:
            problems.append(f"step {step}: logits[{wrong[0]}] = {logits[wrong[0]]}, "
                            f"expected {want[wrong[0]]} ({len(wrong)} wrong)")
        token = chosen
    if len(dump["logits"]) == 0:
        problems.append("no step ran")
    return problems


class Checker:
    def __init__(self, bindir, work):
        self.bin, self.work = bindir, work
        self.failures = []
        self.counts = {"safe": 0, "unsafe": 0}
        self.model = os.path.join(work, "model")
        os.makedirs(self.model, exist_ok=True)
        write_f32(os.path.join(self.model, "model.safetensors"),
                  {"model.embed_tokens.weight":
                   ([VOCAB, N], sum((table_row(t) for t in range(VOCAB)), []))})

    def tool(self, name):
        return os.path.join(self.bin, name)

    def fail(self, index, case, what):
        self.failures.append(f"case {index} {case['buffers']}: {what}")

    def compile(self, path, ptx, index, case):
        lowered = run([self.tool("amk-opt"), path, "--amk-lower-megakernel"])
        if lowered.returncode:
            return self.fail(index, case, "lowering failed: " + lowered.stderr.strip())
        made = run([self.tool("amk-translate"), "--to-ptx", "-o", ptx], input=lowered.stdout)
        if made.returncode:
            return self.fail(index, case, "--to-ptx failed: " + made.stderr.strip())
        return True

    def execute(self, index, case, path, ptx, label):
        dump = path + ".run.json"
        ran = run([self.tool("amk-run"), "--cpu", "--model", self.model, "--kernel", ptx,
                   "--prompt", "5", "--max-new-tokens", "2", "--dump-logits", dump])
        if ran.returncode:
            return self.fail(index, case, f"{label}: amk-run --cpu failed: {ran.stderr.strip()}")
        for problem in check_dump(dump, case, 5):
            self.fail(index, case, f"{label}: runtime: {problem}")
        ref = path + ".ref.json"
        ran = run([self.tool("amk-ref-run"), path, "--weights", self.model, "--prompt", "5",
                   "--steps", "2", "--shuffle", str(index), "--dump-logits", ref])
        if ran.returncode:
            return self.fail(index, case, f"{label}: amk-ref-run failed: {ran.stderr.strip()}")
        for problem in check_dump(ref, case, 5):
            self.fail(index, case, f"{label}: reference: {problem}")

    def case(self, index, case, prepare):
        path = os.path.join(self.work, f"case{index}.mlir")
        with open(path, "w") as f:
            f.write(program(case))
        verdict = run([self.tool("amk-opt"), path, "--amk-validate", "-o", os.devnull])
        certified = verdict.returncode == 0
        self.counts["safe" if case["safe"] else "unsafe"] += 1
        if certified != case["safe"]:
            return self.fail(index, case, f"validator {'certified' if certified else 'rejected'} "
                             f"a program the storage model calls {'safe' if case['safe'] else 'unsafe'}: "
                             + verdict.stderr.strip()[:400])
        if not certified:
            return
        ptx = os.path.join(prepare or self.work, f"case{index}.ptx")
        if self.compile(path, ptx, index, case):
            self.execute(index, case, path, ptx, "paged")
            if prepare:
                with open(os.path.join(prepare, f"case{index}.json"), "w") as f:
                    json.dump(case, f)
        # The allocator puts the same buffers on pages again.
        unpaged = os.path.join(self.work, f"case{index}-alloc.mlir")
        allocated = run([self.tool("amk-opt"), "--amk-allocate-scratch", "-o", unpaged],
                        input=program(case, paged=False))
        if allocated.returncode:
            return self.fail(index, case, "allocate-scratch failed: " + allocated.stderr.strip())
        verdict = run([self.tool("amk-opt"), unpaged, "--amk-validate", "-o", os.devnull])
        if verdict.returncode:
            return self.fail(index, case, "the allocated program is rejected: " + verdict.stderr.strip()[:400])
        alloc_ptx = os.path.join(self.work, f"case{index}-alloc.ptx")
        if self.compile(unpaged, alloc_ptx, index, case):
            self.execute(index, case, unpaged, alloc_ptx, "allocated")


def gpu(directory, amk_run):
    failures, ran = [], 0
    write_dir = tempfile.mkdtemp()
    model = os.path.join(write_dir, "model")
    os.makedirs(model)
    write_f32(os.path.join(model, "model.safetensors"),
              {"model.embed_tokens.weight":
               ([VOCAB, N], sum((table_row(t) for t in range(VOCAB)), []))})
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json") or name.endswith(".manifest.json"):
            continue
        with open(os.path.join(directory, name)) as f:
            case = json.load(f)
        ptx = os.path.join(directory, name[:-5] + ".ptx")
        dump = os.path.join(write_dir, name)
        out = run([amk_run, "--model", model, "--kernel", ptx, "--prompt", "5",
                   "--max-new-tokens", "2", "--dump-logits", dump])
        ran += 1
        if out.returncode:
            failures.append(f"{name}: amk-run failed: {out.stderr.strip()}")
            continue
        failures += [f"{name}: GPU: {p}" for p in check_dump(dump, case, 5)]
    shutil.rmtree(write_dir)
    for failure in failures:
        print("storage property:", failure)
    print(f"storage property (GPU): {ran} programs, {len(failures)} failures")
    return 1 if failures or ran == 0 else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin"))
    parser.add_argument("--prepare", metavar="DIR")
    parser.add_argument("--gpu", metavar="DIR")
    parser.add_argument("--amk-run", default="amk-run")
    args = parser.parse_args()
    if args.gpu:
        return gpu(args.gpu, args.amk_run)
    if args.prepare:
        os.makedirs(args.prepare, exist_ok=True)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as work:
        checker = Checker(os.path.abspath(args.bin), work)
        for index in range(args.count):
            checker.case(index, random_case(rng), args.prepare)
    for failure in checker.failures:
        print("storage property:", failure)
    print(f"storage property: {args.count} programs ({checker.counts['safe']} safe, "
          f"{checker.counts['unsafe']} unsafe), {len(checker.failures)} failures")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
