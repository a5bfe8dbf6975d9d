#!/usr/bin/env python3
"""Imports, validates, compiles and runs every paper-tool fixture.

Usage: check_fixtures.py FIXTURE_DIR MODELS_DIR WORK_DIR AMK_TRANSLATE AMK_OPT
AMK_REF_RUN (the tools' paths). For each
`<model>-pos<P>-<target>....json` in FIXTURE_DIR:
  1. `amk-translate --import-amk-json` (imported),
  2. `amk-opt --amk-validate` certifies it (validated),
  3. `amk-opt --amk-compile` for its chip and SM count certifies it too
     (compiled),
  4. the model's own program (`--import-hf`) decodes HF's golden with the
     fixture's position run on the fixture, imported and compiled, with the
     KV cache carried in and out (`amk-ref-run --splice`): the golden must
     match at every step, and the fixture's logits must match the model
     program's at its position (run).
Prints the four counts and exits 1 if any step failed for any fixture.
"""

import json
import os
import re
import subprocess
import sys

# Chip of each target name the paper tool uses.
CHIPS = {90: "sm_90a", 80: "sm_80", 120: "sm_120a", 100: "sm_100a"}
FIRST_GOLDEN_POSITION = 7  # the prompt has 8 tokens


TOOLS = {}


def run(args, work, name):
    """Runs a command (tools by name); returns its stdout or raises with its
    stderr."""
    args = [TOOLS.get(args[0], args[0])] + args[1:]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{name}: {' '.join(args)}\n{done.stderr[-2000:]}")
    return done.stdout


def check(path, models, work, counts):
    name = os.path.basename(path)[:-len(".json")]
    model, pos = re.match(r"(.+)-pos(\d+)-", name).groups()
    pos = int(pos)
    with open(path, encoding="utf-8") as f:
        target = json.load(f)["target"]
    mlir = os.path.join(work, name + ".mlir")
    compiled = os.path.join(work, name + ".compiled.mlir")
    native = os.path.join(work, model + ".native.mlir")
    weights = os.path.join(models, model)
    run(["amk-translate", "--import-amk-json", path, "-o", mlir], work, name)
    counts["imported"] += 1
    run(["amk-opt", "--amk-validate", mlir, "-o", os.devnull], work, name)
    counts["validated"] += 1
    chip = CHIPS[target["sm_arch"]]
    run(["amk-opt", f"--amk-compile=chip={chip} sms={target['num_sms']}",
         mlir, "-o", compiled], work, name)
    counts["compiled"] += 1
    if not os.path.exists(native):
        # The tool keeps KV caches in the weights' dtype; the spliced caches
        # must have the same one (the importer's default is f32).
        kv = "bf16" if model.endswith("-bf16") else "f32"
        run(["amk-translate", "--import-hf", weights, f"--kv-dtype={kv}",
             "-o", native], work, name)
    steps = str(max(32, pos - FIRST_GOLDEN_POSITION + 1))
    for seed, program in (("1", mlir), ("2", compiled)):
        out = run(["amk-ref-run", native, "--weights", weights, "--golden",
                   os.path.join(weights, "golden.json"), "--steps", steps,
                   "--splice", program, "--shuffle", seed], work, name)
        if "golden: 32 steps match" not in out:
            raise RuntimeError(f"{name}: unexpected output\n{out}")
    counts["run"] += 1


def main():
    fixtures, models, work = sys.argv[1:4]
    TOOLS.update(zip(("amk-translate", "amk-opt", "amk-ref-run"), sys.argv[4:7]))
    os.makedirs(work, exist_ok=True)
    counts = {"fixtures": 0, "imported": 0, "validated": 0, "compiled": 0,
              "run": 0}
    failed = False
    for entry in sorted(os.listdir(fixtures)):
        if not entry.endswith(".json"):
            continue
        counts["fixtures"] += 1
        try:
            check(os.path.join(fixtures, entry), models, work, counts)
        except RuntimeError as err:
            print(f"FAILED {err}", file=sys.stderr)
            failed = True
    print(", ".join(f"{key} {value}" for key, value in counts.items()))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
