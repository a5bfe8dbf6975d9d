"""One trial of the tuner: certify, compile, check, time.

``Workspace.evaluate(proposal)`` returns the trial's log record. The steps
stop at the first failure, so that nothing unsafe is launched and no time is
reported without a correctness pass:

1. the proposal is a knob object (``search.normalize`` refuses other keys:
   verdict ``invalid``) or, from an external proposer, ``{"schedule": FILE}``
   (a scheduled program, e.g. a hand edit of one the compiler made);
2. schedule with ``--amk-compile`` (validation off: step 3 does it) and read
   the statistics (``predicted_us``, ``floor_us``); a compiler refusal is
   ``invalid``;
3. certify with the validator: a violation is ``rejected`` with the
   validator's witness as the reason; such a schedule is never lowered;
4. lower and emit PTX + manifest;
5. correctness (``Runner.check``): ``amk-run --cpu --golden`` (the task
   table on the CPU reference path) always, and ``amk-run --golden`` on the
   GPU with device cuda; any failure is ``incorrect`` (mismatch, deadlock)
   or ``failed`` (the run could not start);
6. time (device cuda): the median over many decode steps at the trial's
   context, through the runtime's C API; a time below the floor is withheld
   as a measurement error (verdict ``withheld``). With device cpu there is
   no honest time: the verdict is ``predicted`` and the trial is ranked by
   the cost model.
"""
import datetime
import hashlib
import json
import os
import shutil
import subprocess

from . import _tools, compiler, search
from .errors import AmkError, CompileError, RunError

#: Verdicts of a finished trial; "certified" is a candidate compiled for
#: measurement elsewhere (python -m amk tune-prepare).
VERDICTS = ("invalid", "rejected", "failed", "incorrect", "withheld",
            "measured", "predicted", "certified")
#: Read bandwidth (bytes/s) of devices whose floor we measured; others use
#: the chip record of the compiler. H200: bench/bench_decode.py's
#: cp.async.bulk stream.
DEVICE_BANDWIDTH = {"H200": 4.53e12}
#: Statistics copied into the log (the cost model's inputs).
STATS_KEYS = ("tasks", "waits", "workers", "critical_tasks", "critical_syncs",
              "critical_bytes", "bytes_per_worker_max", "weight_bytes",
              "makespan_us", "predicted_us", "floor_us")


def commit():
    """The commit of the checkout the tools come from ($AMK_COMMIT first)."""
    if os.environ.get("AMK_COMMIT"):
        return os.environ["AMK_COMMIT"]
    try:
        done = subprocess.run(["git", "-C", _tools._REPO, "rev-parse", "HEAD"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True, timeout=10)
        return done.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def device_name(device):
    """'cpu', or the GPU's name from nvidia-smi ('cuda' when unknown)."""
    if device == "cpu":
        return "cpu"
    try:
        done = subprocess.run(["nvidia-smi", "--query-gpu=name",
                               "--format=csv,noheader"], timeout=30,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True)
        lines = done.stdout.strip().splitlines()
        return lines[0].strip() if lines else "cuda"
    except (OSError, subprocess.SubprocessError):
        return "cuda"


def golden_steps(path):
    """The number of generated tokens of golden.json ``path``."""
    try:
        with open(path, encoding="utf-8") as f:
            return len(json.load(f)["new_tokens"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise AmkError("%s: not a golden.json with new_tokens: %s"
                       % (path, e)) from None


def short_golden(path, steps, out):
    """A copy of golden.json ``path`` cut to its first ``steps``
    teacher-forced steps (for the CPU check of large models); returns out."""
    with open(path, encoding="utf-8") as f:
        golden = json.load(f)
    for field in ("new_tokens", "logits", "margins"):
        if isinstance(golden.get(field), list):
            golden[field] = golden[field][:steps]
    golden["num_new_tokens"] = len(golden.get("new_tokens", []))
    with open(out, "w", encoding="utf-8") as f:
        json.dump(golden, f)
    return out


def _tail(text, lines=4):
    return "\n".join(l for l in text.strip().splitlines()[-lines:])


class Runner:
    """Checks and times compiled kernels; needs only amk-run and the runtime
    library (it runs on the GPU machine, where there is no compiler).

    ``weights``: the checkpoint folder; ``golden``: its golden.json;
    ``cpu_steps``: teacher-forced steps of the CPU check (None = all);
    ``bandwidth``: bytes/s for the floor (default: DEVICE_BANDWIDTH by name,
    else the compiler's floor)."""

    def __init__(self, weights, golden, device="cpu", cpu_steps=None,
                 bandwidth=None, steps=200, warmup=20, timeout_s=1800,
                 work_dir=None):
        self.weights = str(weights)
        self.golden = str(golden)
        if not os.path.isfile(self.golden):
            raise AmkError("%s does not exist: without a golden no "
                           "configuration can be checked, and none is "
                           "reported unchecked" % self.golden)
        if device not in ("cpu", "cuda"):
            raise AmkError("device must be 'cpu' or 'cuda', not %r" % device)
        self.device = device
        self.device_name = device_name(device)
        self.cpu_golden = self.golden
        if cpu_steps is not None:
            self.cpu_golden = short_golden(
                self.golden, cpu_steps,
                os.path.join(work_dir or os.path.dirname(self.golden),
                             "golden-cpu.json"))
        self.bandwidth = bandwidth or next(
            (bw for name, bw in DEVICE_BANDWIDTH.items()
             if device == "cuda" and name in self.device_name), None)
        self.steps, self.warmup, self.timeout_s = steps, warmup, timeout_s

    def floor_us(self, stats):
        """The floor for this device: the weights a step reads over the
        device's bandwidth, else the compiler's floor."""
        if self.bandwidth and stats.get("weight_bytes"):
            return stats["weight_bytes"] / self.bandwidth * 1e6
        return stats.get("floor_us")

    def _amk_run(self, kernel, cpu, golden):
        args = [_tools.tool("amk-run"), "--model", self.weights, "--kernel",
                kernel, "--golden", golden, "--max-new-tokens",
                str(golden_steps(golden))]
        if cpu:
            args.append("--cpu")
        try:
            done = subprocess.run(args, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  universal_newlines=True,
                                  timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            return 3, "amk-run did not finish in %d s" % self.timeout_s
        return done.returncode, _tail(done.stdout)

    def check_one(self, kernel, where):
        """(verdict or None when correct, reason, {where: exit and output})
        of ``amk-run --golden`` on the CPU reference path (``where`` "cpu")
        or the GPU ("gpu")."""
        cpu = where == "cpu"
        code, text = self._amk_run(kernel, cpu,
                                   self.cpu_golden if cpu else self.golden)
        detail = {where: {"exit": code, "output": text}}
        if code == 0:
            return None, "", detail
        verdict = "incorrect" if code in (3, 4) else "failed"
        return verdict, "%s check (amk-run%s --golden) exit %d: %s" % (
            where, " --cpu" if cpu else "", code, text), detail

    def check(self, kernel, cpu_result=None):
        """check_one on the CPU (``cpu_result`` when already known), then on
        the GPU with device cuda; the first failure decides."""
        verdict, reason, detail = cpu_result or self.check_one(kernel, "cpu")
        if verdict or self.device != "cuda":
            return verdict, reason, detail
        verdict, reason, gpu = self.check_one(kernel, "gpu")
        return verdict, reason, dict(detail, **gpu)

    def time_us(self, kernel, context):
        """The runtime's median step time (µs) over ``warmup`` + ``steps``
        steps at position ``context`` in a fresh session (CUDA events,
        through the runtime's C API)."""
        from .runtime import Megakernel
        with Megakernel(kernel, self.weights, device=self.device,
                        max_seq=max(context + 1, 1)) as mk:
            for _ in range(self.warmup + self.steps):
                mk.step(1, pos=context)
            return mk.latency_ms * 1e3

    def judge(self, record, kernel, context, checked=None, timer=None):
        """Fills ``record`` (with its ``stats``) with the check's and the
        timing's outcome: verdict, reason, correct, floor_us, measured_us.
        ``checked``: the result of ``check(kernel)`` when already known;
        ``timer``: a callable giving the time (µs) instead of timing now.
        Either way a time enters the record only after a correctness pass
        and only when it is not below the floor."""
        verdict, reason, detail = checked or self.check(kernel)
        record["check"] = detail
        record["correct"] = verdict is None
        stats = record.get("stats") or {}
        record["floor_us"] = self.floor_us(stats)
        if verdict:
            record.update(verdict=verdict, reason=reason)
            return record
        if self.device == "cpu":
            record.update(verdict="predicted", reason="no time on the CPU: "
                          "ranked by the cost model's prediction")
            return record
        try:
            value = timer() if timer else self.time_us(kernel, context)
        except (RunError, AmkError) as e:
            record.update(verdict="failed", reason="timing: %s" % e)
            return record
        floor = record["floor_us"]
        if floor and value < floor:
            record.update(verdict="withheld", measurement_error_us=value,
                          reason="measured %.3f us is below the floor "
                          "%.3f us: withheld as a measurement error"
                          % (value, floor))
            return record
        record.update(verdict="measured", measured_us=value)
        return record


class Workspace:
    """A model imported once for a chip, and the trials run on it.

    ``runner``: a Runner (None to compile and certify only, for
    ``tune-prepare``); ``kv_rows``/``kv_dtype`` go to the importer;
    statistics are computed at decode position ``context``, and for a
    certified schedule also at each position of ``stats_at``."""

    def __init__(self, model_dir, chip, work_dir, runner=None, kv_rows=None,
                 kv_dtype=None, context=1, stats_at=(), progress=None):
        self.model_dir = str(model_dir)
        self.model = os.path.basename(os.path.normpath(self.model_dir))
        self.chip = chip
        self.work_dir = str(work_dir)
        self.runner = runner
        self.context = context
        self.stats_at = [p for p in stats_at if p != context]
        self.say = progress or (lambda message: None)
        self.commit = commit()
        self.trials = 0
        self._screened = {}
        os.makedirs(self.work_dir, exist_ok=True)
        if not os.path.isfile(os.path.join(self.model_dir, "config.json")):
            raise AmkError("%s is not a HuggingFace model folder (no "
                           "config.json)" % self.model_dir)
        self.program = os.path.join(self.work_dir, "model.mlir")
        self.say("import %s" % self.model_dir)
        compiler._import(self.model_dir, self.program, kv_rows, kv_dtype)

    def screen(self, config, need_file=True):
        """(schedule path, stats) of a normalized config, scheduled without
        validation; cached (with ``need_file`` the file is made again after
        ``drop``). Raises CompileError when the compiler refuses."""
        k = search.key(config)
        cached = self._screened.get(k)
        if cached is None or (need_file and not os.path.isfile(cached[0])):
            folder = os.path.join(self.work_dir, "s%03d" % len(self._screened)
                                  if cached is None
                                  else os.path.dirname(cached[0]))
            os.makedirs(folder, exist_ok=True)
            path = compiler.write_config(config,
                                         os.path.join(folder, "config.json"))
            schedule = os.path.join(folder, "schedule.mlir")
            stats = compiler._schedule(self.program, schedule, self.chip, {},
                                       config=path, validate=False,
                                       position=self.context)
            with open(schedule, "rb") as f:
                digest = hashlib.sha1(f.read()).hexdigest()
            self._screened[k] = cached = (schedule, stats, digest)
        return cached[0], cached[1]

    def digest(self, config):
        """A hash of the schedule ``config`` makes: configurations with equal
        digests are the same schedule."""
        self.screen(config, need_file=False)
        return self._screened[search.key(config)][2]

    def drop(self, config):
        """Deletes the schedule file of a screened config (kept: its stats)."""
        cached = self._screened.get(search.key(config))
        if cached and os.path.isfile(cached[0]):
            os.remove(cached[0])

    def new_record(self, source):
        """A fresh log record for the next trial (numbered from 1)."""
        self.trials += 1
        return {"trial": self.trials, "time": datetime.datetime.now(
                    datetime.timezone.utc).isoformat(timespec="seconds"),
                "source": source, "model": self.model, "chip": self.chip,
                "device": self.runner.device_name if self.runner else "none",
                "context": self.context, "commit": self.commit,
                "config": None, "verdict": None, "reason": "",
                "predicted_us": None, "floor_us": None, "measured_us": None}

    def _schedule(self, record, proposal):
        """Steps 1-2: the schedule's path and stats, or None (record
        filled)."""
        if isinstance(proposal, dict) and "schedule" in proposal:
            path = str(proposal["schedule"])
            record["schedule"] = path
            if not os.path.isfile(path):
                record.update(verdict="invalid",
                              reason="%s: no such schedule file" % path)
                return None
            try:
                return path, compiler.stats_of(path, self.context)
            except CompileError as e:
                record.update(verdict="invalid", reason=str(e))
                return None
        try:
            config = search.normalize(proposal.get("config", proposal)
                                      if isinstance(proposal, dict)
                                      else proposal)
        except AmkError as e:
            record.update(verdict="invalid", reason=str(e),
                          config=proposal if isinstance(proposal, dict)
                          else None)
            return None
        record["config"] = config
        try:
            return self.screen(config)
        except CompileError as e:
            record.update(verdict="invalid", reason=e.diagnostics.strip()
                          or str(e))
            return None

    def evaluate(self, proposal, source="proposal", model=None):
        """Runs one trial of ``proposal`` (a knob object or {"schedule":
        FILE}); returns its log record. ``model``: the CostModel whose
        prediction is logged as ``model_us``."""
        record = self.new_record(source)
        scheduled = self._schedule(record, proposal)
        if scheduled is None:
            return record
        schedule, stats = scheduled
        record["stats"] = {k: stats[k] for k in STATS_KEYS if k in stats}
        record["stats_position"] = self.context
        record["predicted_us"] = stats.get("predicted_us")
        record["floor_us"] = stats.get("floor_us")
        if model is not None and stats:
            record["model_us"] = model.predict(stats)
        self.say("trial %d: certify" % record["trial"])
        report = compiler.validate(schedule)
        if not report.certified:
            record.update(verdict="rejected", reason=str(report),
                          violations=[v.message for v in report.violations])
            return record
        if self.stats_at:
            # Other positions' statistics, for measurements there to refit.
            record["stats_at"] = {str(p): {
                k: v for k, v in compiler.stats_of(schedule, p).items()
                if k in STATS_KEYS} for p in self.stats_at}
        folder = os.path.join(self.work_dir, "t%03d" % record["trial"])
        os.makedirs(folder, exist_ok=True)
        try:
            kernel = self._lower(schedule, folder)
        except CompileError as e:
            record.update(verdict="invalid", reason=str(e))
            return record
        if record["config"] is not None:
            self.drop(record["config"])  # only its stats are needed now
        record["kernel"] = kernel
        if self.runner is None:
            record.update(verdict="certified",
                          reason="compiled and certified; not yet checked")
            return record
        self.say("trial %d: check and time" % record["trial"])
        return self.runner.judge(record, kernel, self.context)

    @staticmethod
    def _lower(schedule, folder):
        """The certified schedule lowered to folder/kernel.ptx + manifest."""
        lowered = os.path.join(folder, "kernel.megakernel.mlir")
        ptx = os.path.join(folder, "kernel.ptx")
        compiler._lower(schedule, lowered)
        _tools.run("to-ptx", "amk-translate", [lowered, "--to-ptx", "-o", ptx])
        os.remove(lowered)
        return ptx

    def cleanup(self, record):
        """Removes a trial's kernel files (kept only for the incumbent)."""
        kernel = record.get("kernel")
        if kernel and os.path.dirname(kernel).startswith(self.work_dir):
            shutil.rmtree(os.path.dirname(kernel), ignore_errors=True)
