#!/usr/bin/env python3
"""Feeds hostile inputs to every AMK entry point and counts what goes wrong.

hostile_sweep.py [--bin build/bin] [--work DIR] [--per-seed N] [--seed S]

Inputs are mutations of the repository's own seeds (a test model's schedule
as JSON and MLIR, its checkpoint, the runtime's test model, manifest and
shard index): truncations, byte flips, hostile numbers (2^31, 2^32, 2^63-1,
2^64, -1, 1e999) in place of integers, nesting 65 to 100,000 deep,
duplicated and deleted entries, huge strings, repeated sections, and lying
safetensors length prefixes, offsets and shapes. Whatever MLIR input the
verifier accepts is also run through every pass, the JSON export and the
oracle. The runtime also gets manifests whose program lies (table words,
integer arguments, shapes, facts, roles, offsets, pages, kinds, producers,
prefetch entries) with their hash rewritten, so that the verifier and not
the hash decides; config.json files that contradict the manifest; and
FIFOs and directories in place of every file it reads.

Each run is classified:
  crash    killed by a signal, or a crash report (stack dump, LLVM ERROR,
           assertion, sanitizer, uncaught exception) on its output
  hang     still running after --timeout seconds
  blowup   peak RSS over 600 MB + 10x the input's size
  silent   failed without saying why (non-zero exit, no output at all)
  partial  failed but left its -o output behind
  accepted succeeded on an input that must be refused (a lie the runtime
           can tell, a FIFO, a directory)
  ok       anything else: success, or a clear error and a non-zero exit
Prints a table per entry point and exits 1 when any run is not ok; the
offending inputs are kept under WORK/bad.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "utils"))
from manifest_hash import rehash  # noqa: E402
CRASH = re.compile(r"Stack dump|LLVM ERROR|PLEASE submit|Assertion .* failed|"
                   r"Sanitizer|terminate called|Segmentation fault|"
                   r"double free|corrupted", re.I)
HOSTILE_NUMBERS = ["2147483648", "4294967296", "9223372036854775807",
                   "18446744073709551616", "-1", "1e999", "-9223372036854775808",
                   "0", "1.5", "99999999999999999999999999"]
PASSES = ["--amk-validate", "--amk-schedule-stats", "--amk-compile",
          "--amk-set-target", "--amk-tile", "--amk-fuse",
          "--amk-assign-workers", "--amk-allocate-scratch",
          "--amk-lower-megakernel"]


# ----------------------------------------------------------------- mutators

def mutate_text(text, rng):
    """One random mutation of a JSON or MLIR text."""
    kind = rng.randrange(9)
    if kind == 0 and text:
        return text[:rng.randrange(len(text))]
    if kind == 1 and text:
        i = rng.randrange(len(text))
        return text[:i] + chr(rng.choice(b'{}[]",:0\\\x00\xff-')) + text[i + 1:]
    if kind in (2, 3):
        numbers = [m for m in re.finditer(r"(?<![\w.])\d+(?![\w.])", text)]
        if numbers:
            m = rng.choice(numbers)
            return text[:m.start()] + rng.choice(HOSTILE_NUMBERS) + text[m.end():]
    if kind == 4:
        depth = rng.choice([65, 1000, 100000])
        spots = [m.start() for m in re.finditer(r'(?<=: )[\d"\[]', text)]
        if spots:
            i = rng.choice(spots)
            return text[:i] + "[" * depth + "1" + "]" * depth + "," + text[i:]
    if kind == 5:
        entries = [m for m in re.finditer(r"\{[^{}]*\}", text)]
        if entries:
            m = rng.choice(entries)
            return text[:m.end()] + ", " + m.group(0) + text[m.end():]
    if kind == 6:
        keys = [m for m in re.finditer(r'"(\w+)": ', text)]
        if keys:
            m = rng.choice(keys)
            return text[:m.start()] + '"x' + m.group(1) + '": ' + text[m.end():]
    if kind == 7:
        strings = [m for m in re.finditer(r'"[\w.]+"', text)]
        if strings:
            m = rng.choice(strings)
            return (text[:m.start()] + '"' + "A" * rng.choice([1 << 16, 1 << 20])
                    + '"' + text[m.end():])
    if kind == 8:
        arrays = [m for m in re.finditer(r'"(tasks|buffers|counters)": \[', text)]
        if arrays:
            m = rng.choice(arrays)
            end = text.find("]", m.end())
            body = text[m.end():end]
            return text[:m.end()] + ", ".join([body] * 50) + text[end:]
    return text[::-1] if kind == 0 else text + "}"


def safetensors_variants(base, rng, count):
    """Mutated safetensors files (bytes) from the valid file `base`."""
    length = struct.unpack("<Q", base[:8])[0]
    header, data = base[8:8 + length].decode(), base[8 + length:]
    pack = lambda h, n=None: struct.pack("<Q", len(h) if n is None else n) + h
    fixed = [
        pack(b"", 0) + data,
        pack(header.encode(), 2 ** 63) + header.encode() + data,
        pack(header.encode(), 100_000_001) + header.encode() + data,
        pack(header.encode(), len(base)) + header.encode() + data,
        base[:5],
        base[:8 + length // 2],
        pack(b"{}") + b"{}",
    ]
    tensors = json.loads(header)
    name = next(k for k in tensors if k != "__metadata__")
    lies = [
        ("data_offsets", [8, 0]), ("data_offsets", [0, 2 ** 64]),
        ("data_offsets", [0, len(data) + 4]), ("shape", [2 ** 40, 2 ** 40]),
        ("shape", [-1]), ("dtype", "F4"), ("dtype", 7), ("shape", "x"),
        ("data_offsets", [0, 4, 8]),
    ]
    for field, value in lies:
        changed = json.loads(header)
        changed[name][field] = value
        text = json.dumps(changed).encode()
        fixed.append(pack(text) + text + data)
    overlap = json.loads(header)
    overlap["z.overlap"] = dict(overlap[name])
    text = json.dumps(overlap).encode()
    fixed.append(pack(text) + text + data)
    out = list(fixed)
    while len(out) < count:
        text = mutate_text(header, rng).encode("utf-8", "surrogateescape")
        out.append(pack(text) + text + data)
    return out[:count]


def manifest_lies(base, rng):
    """Edits of the counter manifest (a dict) that the runtime must refuse,
    hashed again: one random lie of a random class per call."""
    m = json.loads(json.dumps(base))
    table, buffers = m["table"], m["buffers"]
    ints = [13, 12, 6, 7, 8]          # gemv cols, kv_append heads and row
    kind = rng.randrange(12)
    if kind == 0:      # an integer argument past its extent
        table["args"][rng.choice(ints)] = rng.choice([9, 17, 2 ** 31 - 1])
    elif kind == 1:    # a buffer argument naming no buffer
        table["args"][rng.choice([0, 1, 2, 3, 5, 9, 10, 11, 14, 15])] = \
            rng.choice([-1, 8, 42, 2 ** 31 - 1])
    elif kind == 2:    # a descriptor word out of range
        d, w = rng.randrange(4), rng.choice([0, 1, 2, 3, 5, 6, 7])
        table["descriptors"][8 * d + w] = rng.choice([-7, 99, 2 ** 31 - 1])
    elif kind == 3:    # two roles on one buffer
        roles = list(m["roles"])
        a, b = rng.sample(roles, 2)
        m["roles"][a] = m["roles"][b]
    elif kind == 4:    # overlapping buffers in the io arena
        buffers[rng.choice([1, 2, 3])]["offset"] = 0
    elif kind == 5:    # a variant's shape or fact that its buffers contradict
        op = rng.choice([o for v in m["variants"] for o in v["ops"]])
        facts = op["static"]
        if rng.randrange(2):
            facts["shapes"][0] = [d * 2 for d in facts["shapes"][0]]
        else:
            key = rng.choice([k for k, v in facts.items()
                              if isinstance(v, int) and not isinstance(v, bool)])
            facts[key] = facts[key] * 2 + 1
    elif kind == 6:    # producers per step that no signal count gives
        if rng.randrange(2):
            table["waits"][rng.choice([2, 5])] += rng.choice([1, 7])
        else:
            m["events"][rng.randrange(3)]["producers"] += rng.choice([1, 7])
    elif kind == 7:    # an unknown kind, or a kind in the wrong arena
        buffers[rng.randrange(8)]["kind"] = rng.choice(
            ["activations", "weight", "kv_cache", "input"])
        if buffers[6]["kind"] == "activation":
            buffers[6]["kind"] = "output"
    elif kind == 8:    # a page on a buffer that cannot have one
        buffers[rng.choice([0, 3, 4, 7])]["page"] = "p0"
    elif kind == 9:    # a prefetch entry outside the weights
        table["descriptors"][31] = len(table["args"])
        table["args"] += [1, rng.choice([6, 7, 3]), 0, 0, 16]
    elif kind == 10:   # a buffer id past the buffer count
        buffers[rng.randrange(8)]["id"] = rng.choice([8, 2 ** 31 - 2])
    else:              # a position operand that is not the position
        table["args"][4] = rng.choice([0, 2])
    return rehash(m)


def config_lies(config, rng):
    """config.json texts (of the counter model) that contradict its
    manifest."""
    c = dict(config)
    key = rng.choice(["vocab_size", "hidden_size"])
    c[key] = rng.choice([1, 7, 9, 16, 2 ** 31])
    return json.dumps(c)


# ------------------------------------------------------------------ running

class Sweep:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.work = args.work
        self.counts = {}
        self.inputs = {}
        self.bad = os.path.join(self.work, "bad")
        os.makedirs(self.bad, exist_ok=True)

    def tool(self, name):
        return os.path.join(self.bin, name)

    def run(self, entry, command, input_path, output=None, must_fail=False):
        """Runs `command` and classifies it under `entry`; with `must_fail`
        a success is the verdict `accepted`."""
        if output and os.path.exists(output):
            os.remove(output)
        start = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=self.args.timeout)
            hung = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            hung = True
        rss_mb = getattr(proc, "_amk_rss_mb", 0.0)
        size = os.path.getsize(input_path) if os.path.isfile(input_path) else 0
        text = err.decode("utf-8", "replace")
        if hung:
            verdict = "hang"
        elif proc.returncode < 0 or CRASH.search(text):
            verdict = "crash"
        elif rss_mb > 600 + 10 * size / 2 ** 20:
            verdict = "blowup"
        elif proc.returncode != 0 and not (text.strip() or out.strip()):
            verdict = "silent"
        elif proc.returncode != 0 and output and os.path.exists(output):
            verdict = "partial"
        elif proc.returncode == 0 and must_fail:
            verdict = "accepted"
        else:
            verdict = "ok"
        counts = self.counts.setdefault(entry, {})
        counts[verdict] = counts.get(verdict, 0) + 1
        self.inputs.setdefault(entry, set()).add(input_path)
        if verdict != "ok":
            keep = os.path.join(self.bad, "%s-%s-%d" % (
                verdict, re.sub(r"\W", "_", entry), len(os.listdir(self.bad))))
            if os.path.isfile(input_path):
                shutil.copy(input_path, keep)
            elif os.path.isdir(input_path):
                shutil.copytree(input_path, keep)
            with open(keep + ".txt", "w") as f:
                f.write(" ".join(command) + "\n%.1f s, rc %s\n%s" % (
                    time.monotonic() - start, proc.returncode, text[-4000:]))
        return verdict, proc.returncode

    def table(self):
        lines = ["| entry point | inputs | runs | crashes | hangs | blowups | "
                 "silent | partial | accepted |",
                 "|---|---|---|---|---|---|---|---|---|"]
        for entry in sorted(self.counts):
            c = self.counts[entry]
            lines.append("| %s | %d | %d | %d | %d | %d | %d | %d | %d |" % (
                entry, len(self.inputs[entry]), sum(c.values()),
                c.get("crash", 0), c.get("hang", 0), c.get("blowup", 0),
                c.get("silent", 0), c.get("partial", 0),
                c.get("accepted", 0)))
        return "\n".join(lines)


def track_rss():
    """Makes Popen record each child's peak RSS (from its wait4 rusage)."""
    original = subprocess.Popen._try_wait

    def try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return original(self, wait_flags)
        if pid:
            self._amk_rss_mb = usage.ru_maxrss / 1024
        return pid, status
    subprocess.Popen._try_wait = try_wait


def runtime_jobs(sweep, rng, args, jobs):
    """The runtime's classes: lying programs, lying configs, special files."""
    inputs = os.path.join(ROOT, "test/Runtime/Inputs")
    run = [sweep.tool("amk-run"), "--cpu", "--prompt", "3", "--max-new-tokens",
           "2"]
    base = json.load(open(os.path.join(inputs, "counter.manifest.json")))
    for i in range(args.per_seed):
        d = os.path.join(args.work, "in", "lie%05d" % i)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "k.manifest.json")
        with open(path, "w") as f:
            json.dump(manifest_lies(base, rng), f)
        jobs.append(lambda d=d, path=path: sweep.run(
            "amk-run --cpu (program lies, rehashed)",
            run + ["--model", os.path.join(inputs, "model"), "--kernel",
                   os.path.join(d, "k.ptx")], path, must_fail=True))
    config = {"vocab_size": 8, "hidden_size": 8, "tie_word_embeddings": False}
    for i in range(args.per_seed // 4):
        d = os.path.join(args.work, "in", "config%05d" % i)
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(inputs, "model/model.safetensors"), d)
        with open(os.path.join(d, "config.json"), "w") as f:
            f.write(config_lies(config, rng))
        jobs.append(lambda d=d: sweep.run(
            "amk-run --cpu (config.json lies)",
            run + ["--model", d, "--kernel",
                   os.path.join(inputs, "counter.ptx")],
            os.path.join(d, "config.json"), must_fail=True))
    special_file_jobs(sweep, args, jobs, run, inputs)


def special_file_jobs(sweep, args, jobs, run, inputs):
    """A FIFO and a directory in place of each file amk-run reads."""
    for kind in ("fifo", "dir"):
        for target in ("manifest", "safetensors", "index", "config", "ptx",
                       "golden"):
            d = os.path.join(args.work, "in", "%s-%s" % (kind, target))
            shutil.copytree(os.path.join(inputs, "sharded" if target == "index"
                                         else "model"), d)
            shutil.copy(os.path.join(inputs, "counter.manifest.json"),
                        os.path.join(d, "k.manifest.json"))
            shutil.copy(os.path.join(inputs, "counter.ptx"),
                        os.path.join(d, "k.ptx"))
            name = {"manifest": "k.manifest.json",
                    "safetensors": "model.safetensors",
                    "index": "model.safetensors.index.json",
                    "config": "config.json", "ptx": "k.ptx",
                    "golden": "golden.json"}[target]
            path = os.path.join(d, name)
            if os.path.exists(path):
                os.remove(path)
            os.mkfifo(path) if kind == "fifo" else os.mkdir(path)
            command = list(run) + ["--model", d, "--kernel",
                                   os.path.join(d, "k.ptx")]
            if target == "ptx":
                command.remove("--cpu")
            if target == "golden":
                command += ["--golden", path]
            jobs.append(lambda command=command, path=path: sweep.run(
                "amk-run (FIFOs and directories)", command, path,
                must_fail=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--work", default=tempfile.mkdtemp(prefix="amk-sweep-"))
    parser.add_argument("--per-seed", type=int, default=60)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runtime-only", action="store_true",
                        help="skip the schedule (JSON, MLIR) seeds")
    args = parser.parse_args()
    track_rss()
    rng = random.Random(args.seed)
    sweep = Sweep(args)
    work = args.work
    model = os.path.join(ROOT, "test", "models", "llama-f32")
    tr, opt = sweep.tool("amk-translate"), sweep.tool("amk-opt")

    # Seeds: the test model imported, compiled, exported; the fixtures.
    seeds = os.path.join(work, "seeds")
    os.makedirs(seeds, exist_ok=True)
    if args.runtime_only:
        os.makedirs(os.path.join(work, "in"), exist_ok=True)
    subprocess.run([tr, "--import-hf", model, "-o", seeds + "/model.mlir"], check=True)
    subprocess.run([opt, seeds + "/model.mlir", "--amk-compile=fuse=0", "-o",
                    seeds + "/compiled.mlir"], check=True)
    subprocess.run([tr, "--export-amk-json", seeds + "/compiled.mlir", "-o",
                    seeds + "/compiled.json"], check=True)
    json_seeds = [seeds + "/compiled.json",
                  os.path.join(ROOT, "test/Target/JSON/Inputs/tiny-decode.json")]
    mlir_seeds = [seeds + "/model.mlir", seeds + "/compiled.mlir"] + [
        os.path.join(ROOT, "fuzz/corpus-schedule", f)
        for f in sorted(os.listdir(os.path.join(ROOT, "fuzz/corpus-schedule")))
        if f.endswith(".mlir")]

    if args.runtime_only:
        json_seeds, mlir_seeds = [], []
    jobs = []
    n = 0

    def write(text, suffix):
        nonlocal n
        n += 1
        path = os.path.join(work, "in", "%05d%s" % (n, suffix))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w" if isinstance(text, str) else "wb",
                  **({"errors": "surrogateescape"} if isinstance(text, str) else {})) as f:
            f.write(text)
        return path

    def pipeline(path):
        """The verifier, then (if it accepts) every pass, export, oracle."""
        out = path + ".out"
        verdict, rc = sweep.run("amk-opt (parse + verify)", [opt, path, "-o", out],
                                path, out)
        if verdict != "ok" or rc != 0:
            return
        for p in PASSES:
            sweep.run("amk-opt passes on verified IR", [opt, path, p, "-o", out],
                      path, out)
        sweep.run("amk-translate --export-amk-json", [tr, "--export-amk-json",
                  path, "-o", out], path, out)
        sweep.run("amk-oracle", [sweep.tool("amk-oracle"), "--time-limit=10",
                                 path], path)

    for seed in json_seeds:
        text = open(seed).read()
        for _ in range(args.per_seed):
            path = write(mutate_text(text, rng), ".json")
            jobs.append(lambda path=path: sweep.run(
                "amk-translate --import-amk-json",
                [tr, "--import-amk-json", path, "-o", path + ".out"], path,
                path + ".out"))
    for seed in mlir_seeds:
        text = open(seed).read()
        for _ in range(args.per_seed):
            jobs.append(lambda p=write(mutate_text(text, rng), ".mlir"): pipeline(p))

    st_seeds = [os.path.join(model, "model.safetensors"),
                os.path.join(ROOT, "test/Runtime/Inputs/model/model.safetensors")]
    for k, seed in enumerate(st_seeds):
        for blob in safetensors_variants(open(seed, "rb").read(), rng, args.per_seed):
            d = os.path.dirname(write(b"", ".dir"))
            case = os.path.join(d, "st%05d" % n)
            os.makedirs(case)
            with open(os.path.join(case, "model.safetensors"), "wb") as f:
                f.write(blob)
            st = os.path.join(case, "model.safetensors")
            jobs.append(lambda st=st: sweep.run(
                "amk-hf-inspect (safetensors)", [sweep.tool("amk-hf-inspect"), st], st))
            if k == 0:
                shutil.copy(os.path.join(model, "config.json"), case)
                jobs.append(lambda case=case: sweep.run(
                    "amk-translate --import-hf", [tr, "--import-hf", case, "-o",
                     case + "/out.mlir"], case, case + "/out.mlir"))
            else:
                jobs.append(lambda case=case: sweep.run(
                    "amk-run --cpu (safetensors)",
                    [sweep.tool("amk-run"), "--cpu", "--prompt", "1",
                     "--max-new-tokens", "1", "--model", case, "--kernel",
                     os.path.join(ROOT, "test/Runtime/Inputs/counter.ptx")], case))
    sharded = os.path.join(ROOT, "test/Runtime/Inputs/sharded")
    index = open(os.path.join(sharded, "model.safetensors.index.json")).read()
    for _ in range(args.per_seed):
        case = os.path.join(work, "in", "index%05d" % len(jobs))
        shutil.copytree(sharded, case)
        path = os.path.join(case, "model.safetensors.index.json")
        with open(path, "w", errors="surrogateescape") as f:
            f.write(mutate_text(index, rng))
        jobs.append(lambda path=path: sweep.run(
            "amk-hf-inspect (shard index)", [sweep.tool("amk-hf-inspect"), path],
            path))
        jobs.append(lambda case=case, path=path: sweep.run(
            "amk-run --cpu (shard index)",
            [sweep.tool("amk-run"), "--cpu", "--prompt", "1",
             "--max-new-tokens", "1", "--model", case, "--kernel",
             os.path.join(ROOT, "test/Runtime/Inputs/counter.ptx")], path))
    config = open(os.path.join(model, "config.json")).read()
    for _ in range(args.per_seed):
        path = write(mutate_text(config, rng), ".json")
        jobs.append(lambda path=path: sweep.run(
            "amk-hf-inspect (config.json)", [sweep.tool("amk-hf-inspect"), path], path))
    manifest = open(os.path.join(ROOT, "test/Runtime/Inputs/counter.manifest.json")).read()
    for _ in range(args.per_seed):
        d = os.path.join(work, "in", "run%05d" % len(jobs))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "k.manifest.json"), "w", errors="surrogateescape") as f:
            f.write(mutate_text(manifest, rng))
        jobs.append(lambda d=d: sweep.run(
            "amk-run --cpu (manifest)",
            [sweep.tool("amk-run"), "--cpu", "--prompt", "1", "--max-new-tokens",
             "2", "--model", os.path.join(ROOT, "test/Runtime/Inputs/model"),
             "--kernel", os.path.join(d, "k.ptx")], os.path.join(d, "k.manifest.json")))

    runtime_jobs(sweep, rng, args, jobs)
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(lambda job: job(), jobs))
    print(sweep.table())
    print("work: %s" % work)
    bad = sum(v for c in sweep.counts.values() for k, v in c.items() if k != "ok")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
