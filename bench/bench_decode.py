#!/usr/bin/env python3
"""Batch-1 decode benchmark of AMK megakernels on the GPU machine.

  bench_decode.py ARTIFACTS [--baseline PATH] [--stream-probe PATH]
                  [--shapes S ...] [--variants V ...] [--out DIR]

ARTIFACTS is what scripts/gpu-prepare.sh made here: `big/<shape>/` with
config.json, kernel.ptx and kernel.manifest.json per model shape. For each
shape this script, in one process on the GPU machine:

1. makes random bf16 weights and HF's fp32 teacher-forced logits with
   utils/hf_random_golden.py (the checkpoint the kernel binds);
2. checks correctness through the runtime's C API (libamk_runtime.so, built
   with cmake -DAMK_RUNTIME_ONLY=ON when --runtime-lib is not given): every
   teacher-forced step's logits within 2e-2 of HF's relative to the largest
   logit, and the same argmax wherever HF's top-2 margin exceeds 1% of it;
3. times decode steps at contexts 1 and 512 with CUDA events (the runtime's
   median over 200 steps after 20 warm-up steps; clocks left alone);
4. runs the baseline script (torch eager / CUDA graph / HF eager, same
   shapes) in the same job when --baseline is given, and the stream probe
   (--stream-probe: a one-block-per-SM cp.async.bulk ring) whose best
   `bulk_ring` row sets the floor's bandwidth (`stream_gbs`);
5. with --variants, times every lowering variant V of a shape
   (`big/<shape>/V/kernel.ptx`, made by gpu-prepare.sh's VARIANTS) on the
   same weights, one row each with `variant`;
and writes one JSON row per (model, context) to OUT (default bench/results):
model, context, ms_per_token, floor_ms, pct_of_floor, baselines and our
speedup over each, correct, device, commit. A row whose correctness check
failed carries no time. The floor is the bytes of weights one step reads
(embedding row excluded) divided by the read bandwidth the stream probe
measured in the same job (else --bandwidth, default 4.53 TB/s, the H200's).
"""
import argparse, ctypes, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE_NAMES = {"smollm2-135m": "smollm2-135m", "llama3.2-1b": "llama-3.2-1b",
                  "llama3-8b": "llama-3-8b"}


def build_runtime(work):
    build = os.path.join(work, "rt-build")
    subprocess.run([os.path.join(ROOT, "scripts", "gpu-build-runtime.sh"), build],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(build, "lib", "libamk_runtime.so")


class Runtime:
    def __init__(self, path):
        sys.path.insert(0, os.path.join(ROOT, "python"))
        from amk import capi
        self.lib = capi.load(path)

    def open(self, model_dir, kernel, max_seq):
        s = self.lib.amk_open(model_dir.encode(), kernel.encode(), max_seq, 0, 2000)
        if not s:
            raise RuntimeError(self.lib.amk_last_error().decode())
        return s

    def step(self, s, token, pos, logits=None):
        nxt = ctypes.c_int64()
        buf = None if logits is None else logits.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        rc = self.lib.amk_step(s, token, pos, ctypes.byref(nxt), buf,
                               0 if logits is None else logits.size)
        if rc:
            raise RuntimeError(self.lib.amk_last_error().decode())
        return nxt.value


def weight_bytes(manifest):
    """Bytes of weights one step reads: every weight but the embedding table,
    of which only one row is read (a tied table is read whole by the LM head)."""
    total = 0
    for b in manifest["buffers"]:
        if b["kind"] == "weight":
            total += b["bytes"]
    emb = next((b for b in manifest["buffers"] if b.get("key") == "model.embed_tokens.weight"), None)
    tied = not any(b.get("key") == "lm_head.weight" for b in manifest["buffers"])
    if emb and not tied:
        total -= emb["bytes"]
    return total


def check(rt, model_dir, kernel, golden):
    import numpy as np
    s = rt.open(model_dir, kernel, 0)
    try:
        vocab = rt.lib.amk_vocab_size(s)
        logits = np.zeros(vocab, dtype=np.float32)
        seq = golden["prompt_ids"] + golden["new_tokens"]
        first = len(golden["prompt_ids"]) - 1
        worst, agree, considered = 0.0, 0, 0
        for p in range(len(seq) - 1):
            nxt = rt.step(s, seq[p], p, logits if p >= first else None)
            if p < first:
                continue
            ref = np.asarray(golden["logits"][p - first], dtype=np.float32)
            scale = float(np.abs(ref).max())
            worst = max(worst, float(np.abs(logits - ref).max()) / scale)
            top = np.sort(ref)[-2:]
            if top[1] - top[0] > 0.01 * scale:
                considered += 1
                agree += int(nxt == int(ref.argmax()))
        return dict(max_rel_logit_diff=worst, argmax_agree=f"{agree}/{considered}",
                    correct=worst <= 2e-2 and agree == considered)
    finally:
        rt.lib.amk_close(s)


def time_context(rt, model_dir, kernel, context, steps=200):
    """Median step time at position `context` (its KV rows need not be
    meaningful: the work per step is the same). The first steps warm up; the
    median over `steps` is insensitive to them."""
    s = rt.open(model_dir, kernel, 0)
    try:
        for _ in range(steps):
            rt.step(s, 1, context)
        return rt.lib.amk_median_step_ms(s)
    finally:
        rt.lib.amk_close(s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("artifacts")
    ap.add_argument("--baseline", help="baseline script (torch eager/graph, HF eager)")
    ap.add_argument("--shapes", nargs="*", default=["smollm2-135m", "llama3.2-1b", "llama3-8b"])
    ap.add_argument("--contexts", nargs="*", type=int, default=[1, 512])
    ap.add_argument("--runtime-lib")
    ap.add_argument("--bandwidth", type=float, default=4.53e12, help="bytes/s for the floor")
    ap.add_argument("--stream-probe", help="stream probe script: its best bulk_ring row sets the bandwidth")
    ap.add_argument("--variants", nargs="*", default=[""],
                    help="lowering variants: big/<shape>/<variant>/kernel.ptx")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args()
    work = tempfile.mkdtemp()
    rt = Runtime(args.runtime_lib or build_runtime(work))
    device = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                            capture_output=True, text=True).stdout.strip().splitlines()[0]
    index = os.path.join(args.artifacts, "index.json")
    commit = json.load(open(index))["commit"] if os.path.exists(index) else "unknown"
    stream_gbs = None
    if args.stream_probe:
        subprocess.run([sys.executable, args.stream_probe], env=dict(os.environ, OUT=work),
                       check=False, stdout=sys.stderr)
        path = os.path.join(work, "stream_probe.json")
        if os.path.exists(path):
            probe = [r for r in json.load(open(path)) if r.get("kind") == "bulk_ring"]
            if probe:
                stream_gbs = max(r["gbs"] for r in probe)
                args.bandwidth = stream_gbs * 1e9
    baseline = {}
    if args.baseline:
        names = [BASELINE_NAMES[s] for s in args.shapes]
        env = dict(os.environ, OUT=work)
        subprocess.run([sys.executable, args.baseline] + names, env=env, check=False,
                       stdout=sys.stderr)
        path = os.path.join(work, "baseline.json")
        if os.path.exists(path):
            for row in json.load(open(path))["rows"]:
                baseline[(row["model"], row["ctx"])] = row
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for shape in args.shapes:
        src = os.path.join(args.artifacts, "big", shape)
        model_dir = os.path.join(work, shape)
        subprocess.run([sys.executable, os.path.join(ROOT, "utils", "hf_random_golden.py"),
                        src, model_dir, "--prompt-len", "8", "--new-tokens", "64"], check=True)
        golden = json.load(open(os.path.join(model_dir, "golden.json")))
        for variant in args.variants:
            kernel = os.path.join(src, variant, "kernel.ptx")
            manifest = json.load(open(os.path.join(src, variant, "kernel.manifest.json")))
            result = check(rt, model_dir, kernel, golden)
            floor = weight_bytes(manifest) / args.bandwidth * 1e3
            for ctx in args.contexts:
                row = dict(model=shape, context=ctx, floor_ms=floor, stream_gbs=stream_gbs,
                           device=device, commit=commit, **result)
                if variant:
                    row["variant"] = variant
                if result["correct"]:
                    ms = time_context(rt, model_dir, kernel, ctx)
                    row.update(ms_per_token=ms, pct_of_floor=100 * floor / ms)
                    base = baseline.get((BASELINE_NAMES[shape], ctx))
                    for key in ("torch_eager_ms", "cuda_graph_ms", "hf_eager_ms"):
                        if base and base.get(key):
                            row[key] = base[key]
                            row["speedup_vs_" + key[:-3]] = base[key] / ms
                rows.append(row)
                print(json.dumps(row), flush=True)
                name = f"{shape}-ctx{ctx}" + (f"-{variant}" if variant else "")
                with open(os.path.join(args.out, name + ".json"), "w") as f:
                    json.dump(row, f, indent=1)
    if os.environ.get("OUT"):
        json.dump(rows, open(os.path.join(os.environ["OUT"], "bench.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
