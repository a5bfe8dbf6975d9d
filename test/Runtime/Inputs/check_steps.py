#!/usr/bin/env python3
"""N decode steps per launch give the tokens of one step per launch.

  check_steps.py BINDIR MODELS_DIR WORK_DIR [MODEL ...]
  check_steps.py --prepare BINDIR MODELS_DIR WORK_DIR   (PTX only)
  check_steps.py --gpu AMK_RUN MODELS_DIR WORK_DIR      (prepared PTX, GPU)

For every test model (default: all with a golden.json): compiles it with
--amk-lower-megakernel=steps=64 (the validator certifies the 64-step
launch), runs `amk-run --cpu` greedily for 40 tokens with
--steps-per-launch 1, 4, 16 and 64, and checks that every N gives the same
tokens and that they are HF's greedy tokens (the golden's new_tokens, as
far as the golden goes) for the fp32 models. Prints one line per model and
exits 1 on any difference.
"""
import json
import os
import subprocess
import sys

STEPS = (1, 4, 16, 64)
NEW_TOKENS = 40


def tokens_of(run):
    for line in run.stdout.splitlines():
        if line.startswith("tokens: "):
            return [int(t) for t in line[8:].split(",")]
    return None


def compile_model(bindir, directory, ptx):
    imported = subprocess.run([os.path.join(bindir, "amk-translate"), "--import-hf", directory],
                              capture_output=True, text=True, check=True).stdout
    compiled = subprocess.run([os.path.join(bindir, "amk-opt"), "--amk-compile=chip=sm_90a"],
                              input=imported, capture_output=True, text=True, check=True).stdout
    lowered = subprocess.run([os.path.join(bindir, "amk-opt"), "--amk-lower-megakernel=steps=64"],
                             input=compiled, capture_output=True, text=True)
    if lowered.returncode:
        return f"lowering with steps=64 failed: {lowered.stderr.strip()[:300]}"
    subprocess.run([os.path.join(bindir, "amk-translate"), "--to-ptx", "-o", ptx],
                   input=lowered.stdout, text=True, check=True)
    return None


def check(amk_run, cpu, directory, ptx, model):
    golden = json.load(open(os.path.join(directory, "golden.json")))
    prompt = ",".join(map(str, golden["prompt_ids"]))
    seen = {}
    for n in STEPS:
        run = subprocess.run([amk_run] + (["--cpu"] if cpu else []) + ["--model", directory,
                              "--kernel", ptx, "--prompt", prompt,
                              "--max-new-tokens", str(NEW_TOKENS), "--steps-per-launch", str(n)],
                             capture_output=True, text=True)
        seen[n] = tokens_of(run)
        if run.returncode or seen[n] is None or len(seen[n]) != NEW_TOKENS:
            return f"--steps-per-launch {n}: exit {run.returncode}: {run.stderr.strip()[:300]}"
    differ = [n for n in STEPS if seen[n] != seen[1]]
    if differ:
        return f"--steps-per-launch {differ} differ from 1: {seen[differ[0]]} vs {seen[1]}"
    expected = golden["new_tokens"][:NEW_TOKENS]
    if model.endswith("-f32") and seen[1][:len(expected)] != expected:
        return f"tokens {seen[1]} are not HF's {expected}"
    return None


def main():
    args = sys.argv[1:]
    mode = args.pop(0) if args and args[0] in ("--prepare", "--gpu") else "--cpu"
    tool, models, work = args[:3]
    names = args[3:] or sorted(
        m for m in os.listdir(models) if os.path.exists(os.path.join(models, m, "golden.json")))
    os.makedirs(work, exist_ok=True)
    failures = 0
    for model in names:
        directory, ptx = os.path.join(models, model), os.path.join(work, model + ".ptx")
        problem = None
        if mode != "--gpu":
            problem = compile_model(tool, directory, ptx)
        if problem is None and mode != "--prepare":
            amk_run = tool if mode == "--gpu" else os.path.join(tool, "amk-run")
            problem = check(amk_run, mode == "--cpu", directory, ptx, model)
        failures += problem is not None
        print(f"{model}: {problem or 'same tokens at ' + '/'.join(map(str, STEPS)) + ' steps per launch'}")
    print(f"steps per launch: {len(names)} models, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
