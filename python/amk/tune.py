"""The tuning loop: proposals, the keep rule, the log, the best config.

``tune`` runs our default schedule, then ``budget`` proposals: each from an
external proposer command when one is given, else from ``Search``: the best
predicted of a small pool of mutations and random configurations (scheduled,
not yet validated, ranked by the cost model; schedules already tried and
those predicted far slower than the incumbent left out; one pick in five is
random among the rest, so a wrong model does not confine the search). Every
proposal is a
full trial (trial.py). A proposal is kept only when it is correct and at
least 1% faster than the incumbent: measured on the GPU, predicted by the
cost model on the CPU (verdict "predicted", never "measured"). The cost
model is refitted from the log's measured trials of the chip at the start
and after each measurement.

``prepare`` and ``measure`` split the loop for a GPU machine without the
compiler: candidates are searched, certified and compiled here into a folder
(prepare), then checked and timed there (measure), which applies the same
keep rule in the order the candidates were proposed.
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import tempfile

from . import reference, search
from .costmodel import CostModel
from .errors import AmkError
from .trial import Runner, Workspace

#: A proposal is kept when its time is at most this fraction of the
#: incumbent's (at least 1% faster).
KEEP = 0.99
#: Of the pool's picks, this fraction is random rather than best predicted.
EXPLORE = 0.2
#: Candidates predicted slower than this times the incumbent are left out of
#: the pick (unless nothing else is left).
SLACK = 1.25
FINISHED = ("measured", "predicted")


def read_log(path):
    """The records of a JSON-lines log (missing file: none). A line that is
    not a JSON object is an AmkError naming the line."""
    if not path or not os.path.exists(path):
        return []
    records = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as e:
                raise AmkError("%s:%d: not a JSON line: %s"
                               % (path, number, e)) from None
            if not isinstance(record, dict):
                raise AmkError("%s:%d: not a JSON object" % (path, number))
            records.append(record)
    return records


class Log:
    """Appends one JSON line per trial to ``path`` (None: memory only)."""

    def __init__(self, path):
        self.path = path
        self.records = []
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def append(self, record):
        self.records.append(record)
        if self.path:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, sort_keys=True) + "\n")


def time_of(record, model):
    """The time a finished trial is ranked by: measured, else predicted by
    the cost model (None when the trial is not finished)."""
    if record.get("verdict") == "measured":
        return record["measured_us"]
    if record.get("verdict") == "predicted" and record.get("stats"):
        return model.predict(record["stats"], record.get("floor_us"))
    return None


class Proposer:
    """An external proposer: ``command`` (a shell command line) gets the
    tuning state as one JSON object on stdin and prints one JSON object:
    knobs, ``{"config": {...}}``, ``{"schedule": FILE}`` or
    ``{"stop": true}``. A failure is returned as an "invalid" proposal with
    the reason."""

    def __init__(self, command, timeout_s=600):
        self.command = command
        self.timeout_s = timeout_s

    def propose(self, state):
        try:
            done = subprocess.run(self.command, shell=True,
                                  input=json.dumps(state),
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE,
                                  universal_newlines=True,
                                  timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            return {"error": "the proposer did not answer in %d s"
                    % self.timeout_s}
        if done.returncode != 0:
            return {"error": "the proposer exited %d: %s" % (
                done.returncode, done.stderr.strip()[-500:])}
        lines = [l for l in done.stdout.splitlines() if l.strip()]
        try:
            proposal = json.loads(lines[-1]) if lines else None
        except ValueError:
            proposal = None
        if not isinstance(proposal, dict):
            return {"error": "the proposer printed no JSON object: %r"
                    % done.stdout[-200:]}
        return proposal


def _state(ws, space, budget, log, incumbent, model):
    """What a proposer sees: the run, the knob space, the incumbent and the
    trials so far (configs, verdicts, reasons, times)."""
    keep = ("trial", "source", "config", "schedule", "verdict", "reason",
            "predicted_us", "model_us", "measured_us", "floor_us")
    return {"model": ws.model, "chip": ws.chip, "budget": budget,
            "trial": ws.trials + 1,
            "device": ws.runner.device_name if ws.runner else "none",
            "space": space, "defaults": search.DEFAULTS,
            "incumbent": None if incumbent is None else {
                "config": incumbent.get("config"),
                "time_us": time_of(incumbent, model)},
            "cost_model": model.constants(),
            "history": [{k: r.get(k) for k in keep} for r in log.records]}


class Search:
    """Cost-model-guided proposals. Each pick comes from a pool of ``pool``
    fresh candidates, each scheduled (``ws.screen``) and predicted; a
    candidate whose schedule equals one already tried is dropped, and so is
    one predicted more than SLACK times the incumbent's time while others
    remain. The pick is the best predicted, or one time in five a random
    member of the pool."""

    def __init__(self, ws, space, model, pool=4, seed=0, say=None):
        self.ws, self.space, self.model = ws, space, model
        self.pool = max(1, pool)
        self.rng = search.make_rng(seed)
        self.tried = set()
        self.schedules = set()
        self.say = say or (lambda message: None)

    def mark(self, config):
        """Records ``config`` (and its schedule) as tried."""
        self.tried.add(search.key(config))
        try:
            self.schedules.add(self.ws.digest(config))
        except AmkError:
            pass

    def _scored(self, base, elite):
        """[(prediction, config)] of up to ``pool`` new schedules."""
        scored = []
        for _ in range(8):
            for config in search.proposals(base, elite, self.space, self.rng,
                                           self.pool):
                k = search.key(config)
                if k in self.tried or any(c == config for _, c in scored):
                    continue
                try:
                    _, stats = self.ws.screen(config, need_file=False)
                    digest = self.ws.digest(config)
                except AmkError as e:
                    self.say("the compiler refuses %s: %s" % (
                        k, str(e).splitlines()[0]))
                    self.tried.add(k)
                    continue
                if digest in self.schedules:
                    self.tried.add(k)  # the same schedule as a tried one
                    self.ws.drop(config)
                    continue
                scored.append((self.model.predict(stats), config))
            if len(scored) >= self.pool:
                break
        return scored[:self.pool]

    def propose(self, incumbent, elite):
        base = (incumbent or {}).get("config") or {}
        scored = self._scored(base, elite)
        if not scored:
            return None, "search"
        ref = None
        if incumbent and incumbent.get("stats"):
            ref = self.model.predict(incumbent["stats"])
        plausible = [s for s in scored
                     if ref is None or s[0] <= SLACK * ref] or scored
        if self.rng.random() < EXPLORE:
            pick, source = self.rng.choice(plausible)[1], "random"
        else:
            pick, source = min(plausible, key=lambda s: s[0])[1], "search"
        for _, config in scored:
            if config is not pick:
                self.ws.drop(config)
        self.mark(pick)
        return pick, source


def _workers(ws, default):
    stats = default.get("stats") or {}
    if stats.get("workers"):
        return int(stats["workers"])
    try:
        return int(ws.screen({})[1].get("workers", 1))
    except AmkError:
        return 1


def _baseline_times(path, model, context):
    """name -> ms of the benchmark harness's baselines: a bench/results row
    (torch_eager_ms, ...) or the baseline script's {"rows": [...]} (the row
    of ``model`` at ``context``); ``{context}`` in ``path`` stands for the
    context."""
    if not path:
        return {}
    path = path.replace("{context}", str(context))
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise AmkError("--baseline %s: %s" % (path, e)) from None
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = next((r for r in data["rows"] if r.get("model") == model and
                     r.get("ctx", r.get("context")) == context), {})
    return {k[:-3]: float(v) for k, v in (data or {}).items()
            if k in ("torch_eager_ms", "cuda_graph_ms", "hf_eager_ms")
            and isinstance(v, (int, float)) and v > 0}


def summarize(records, model, default, best, baselines=None):
    """The run's summary: counts per verdict, the default's and the best's
    times, speedups vs our default and (measured only) vs the baselines."""
    counts = {}
    for record in records:
        counts[record["verdict"]] = counts.get(record["verdict"], 0) + 1
    out = {"trials": len(records), "verdicts": counts,
           "rejected_unsafe": counts.get("rejected", 0),
           "cost_model": model.constants()}
    kind = "measured" if best and best["verdict"] == "measured" else (
        "predicted" if best else None)
    out["time_kind"] = kind
    if default and default["verdict"] in FINISHED:
        out["default"] = {"trial": default["trial"],
                          "time_us": time_of(default, model)}
    if best:
        out["best"] = {"trial": best["trial"], "config": best["config"],
                       "time_us": time_of(best, model),
                       "floor_us": best.get("floor_us")}
        if "default" in out:
            out["speedup_vs_default"] = (out["default"]["time_us"] /
                                         out["best"]["time_us"])
        if kind == "measured":
            for name, ms in (baselines or {}).items():
                out["speedup_vs_" + name] = ms * 1e3 / out["best"]["time_us"]
                out[name + "_ms"] = ms
    return out


def _keep(record, incumbent, model):
    t = time_of(record, model)
    if t is None or record.get("config") is None:
        return False
    return incumbent is None or t <= KEEP * time_of(incumbent, model)


def write_best(path, best):
    """best.json: the knob object alone, for amk.compile(config=...) and
    --amk-compile="config=FILE"."""
    from .compiler import write_config
    write_config(best["config"], path)


def tune(model_dir, chip="sm_90a", budget=8, device="cpu", log_path=None,
         out=None, proposer=None, golden=None, weights=None, pool=4, seed=0,
         context=1, steps=200, warmup=20, cpu_steps=None, bandwidth=None,
         baseline=None, kv_rows=None, kv_dtype=None, work_dir=None,
         progress=None, reference_source="auto"):
    """Runs the loop; returns (summary, records). ``golden``: a golden.json;
    without one the reference is made now from ``weights`` (default: the
    model folder) by ``reference_source`` (reference.py) and cached in the
    work folder."""
    if budget < 0:
        raise AmkError("--budget must be >= 0")
    weights = weights or model_dir
    work_dir = work_dir or tempfile.mkdtemp(prefix="amk-tune-")
    ref = reference.choose(weights, golden, work_dir, reference_source,
                           progress)
    golden = ref.path
    runner = Runner(weights, golden, device=device, cpu_steps=cpu_steps,
                    bandwidth=bandwidth, steps=steps, warmup=warmup,
                    work_dir=work_dir)
    ws = Workspace(model_dir, chip, work_dir, runner=runner, kv_rows=kv_rows,
                   kv_dtype=kv_dtype, context=context, progress=progress)
    history = [r for r in read_log(log_path) if r.get("chip") == chip]
    model = CostModel().fit(history, context)
    log = Log(log_path)
    say = progress or (lambda message: None)

    default = ws.evaluate({}, "default", model)
    incumbent = default if default["verdict"] in FINISHED else None
    default["kept"] = incumbent is not None
    log.append(default)
    space = search.knob_space(search.model_shape(model_dir),
                              _workers(ws, default))
    searcher = Search(ws, space, model, pool=pool, seed=seed, say=say)
    searcher.mark({})
    outside = Proposer(proposer) if proposer else None
    elite = []
    for _ in range(budget):
        source = "proposer"
        if outside:
            proposal = outside.propose(_state(ws, space, budget, log,
                                              incumbent, model))
            if proposal.get("stop"):
                say("the proposer stopped the run")
                break
        else:
            proposal, source = searcher.propose(incumbent, elite)
            if proposal is None:
                say("the search space is exhausted")
                break
        if "error" in proposal:
            record = ws.new_record(source)
            record.update(verdict="invalid", reason=proposal["error"])
        else:
            record = ws.evaluate(proposal, source, model)
        record["kept"] = _keep(record, incumbent, model)
        if record["verdict"] == "measured":
            model.fit(history + log.records + [record], context)
        if record["verdict"] in FINISHED and record.get("config") is not None:
            elite = (elite + [record["config"]])[-4:]
        if record["kept"]:
            if incumbent is not None and incumbent is not default:
                ws.cleanup(incumbent)
            incumbent = record
        elif record is not default:
            ws.cleanup(record)
        say("trial %d (%s): %s%s" % (record["trial"], source,
                                     record["verdict"],
                                     ", kept" if record["kept"] else ""))
        log.append(record)
    summary = summarize(log.records, model, default, incumbent,
                        _baseline_times(baseline, ws.model, context))
    summary.update(model=ws.model, chip=chip, device=runner.device_name,
                   context=context, commit=ws.commit, reference=ref.label,
                   reference_file=ref.path)
    if out and incumbent:
        write_best(out, incumbent)
        summary["out"] = out
    return summary, log.records


def prepare(model_dir, chip, budget, out_dir, pool=4, seed=0, kv_rows=None,
            kv_dtype=None, log_path=None, context=1, stats_at=(),
            progress=None):
    """Searches by the cost model and compiles ``budget`` certified
    candidates (plus our default, c000) into out_dir/cNNN/kernel.ptx for
    ``measure``; every proposal, rejected ones included, goes to
    out_dir/candidates.jsonl; the search ranks by the cost at decode
    position ``context``; each candidate's statistics are also recorded at
    the positions ``stats_at`` (the contexts measure will time). Returns
    the index written to out_dir/index.json."""
    os.makedirs(out_dir, exist_ok=True)
    ws = Workspace(model_dir, chip, os.path.join(out_dir, "work"),
                   kv_rows=kv_rows, kv_dtype=kv_dtype, context=context,
                   stats_at=stats_at, progress=progress)
    model = CostModel().fit([r for r in read_log(log_path)
                             if r.get("chip") == chip], context)
    log = Log(os.path.join(out_dir, "candidates.jsonl"))
    if os.path.exists(log.path):
        os.remove(log.path)
    default = ws.evaluate({}, "default", model)
    space = search.knob_space(search.model_shape(model_dir),
                              _workers(ws, default))
    searcher = Search(ws, space, model, pool=pool, seed=seed, say=progress)
    searcher.mark({})
    candidates, record, best = [], default, None
    while True:
        if record["verdict"] == "certified":
            name = "c%03d" % len(candidates)
            folder = os.path.join(out_dir, name)
            os.makedirs(folder, exist_ok=True)
            for ext in (".ptx", ".manifest.json"):
                os.replace(record["kernel"][:-4] + ext,
                           os.path.join(folder, "kernel" + ext))
            record["kernel"] = os.path.join(name, "kernel.ptx")
            record["candidate"] = name
            candidates.append(name)
            if best is None or record["model_us"] < best["model_us"]:
                best = record
        log.append(record)
        if len(candidates) > budget or ws.trials > 4 * (budget + 1):
            break
        proposal, source = searcher.propose(best, [])
        if proposal is None:
            break
        record = ws.evaluate(proposal, source, model)
    shutil.rmtree(ws.work_dir, ignore_errors=True)
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        config_json = f.read()
    with open(os.path.join(out_dir, "config.json"), "w",
              encoding="utf-8") as f:
        f.write(config_json)
    index = {"model": ws.model, "chip": chip, "commit": ws.commit,
             "kv_rows": kv_rows, "context": context, "candidates": candidates,
             "proposals": ws.trials,
             "rejected_unsafe": sum(r["verdict"] == "rejected"
                                    for r in log.records),
             "invalid": sum(r["verdict"] == "invalid" for r in log.records)}
    with open(os.path.join(out_dir, "index.json"), "w",
              encoding="utf-8") as f:
        json.dump(index, f, indent=1)
    return index


def measure(prep_dir, weights, golden, contexts=(1,), device="cuda",
            log_path=None, out=None, steps=200, warmup=20, cpu_steps=None,
            bandwidth=None, baseline=None, jobs=1, progress=None,
            reference_source="auto"):
    """Checks and times the candidates of ``prepare`` (c000 = our default
    first) at each context, applying the keep rule in proposal order. The
    CPU checks run ``jobs`` at a time (the reference path is
    single-threaded) while the GPU checks and times one candidate at a
    time; a time counts only once both checks passed.
    Returns one summary per context (also written to OUT-ctxC.json and the
    best knobs to OUT-ctxC.best.json when ``out`` is given)."""
    say = progress or (lambda message: None)
    ref = reference.choose(weights, golden, prep_dir, reference_source,
                           progress)
    golden = ref.path
    with open(os.path.join(prep_dir, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    proposals = read_log(os.path.join(prep_dir, "candidates.jsonl"))
    prepared = {r["candidate"]: r for r in proposals if r.get("candidate")}
    work = tempfile.mkdtemp(prefix="amk-measure-")
    runner = Runner(weights, golden, device=device, cpu_steps=cpu_steps,
                    bandwidth=bandwidth, steps=steps, warmup=warmup,
                    work_dir=work)
    history = [r for r in read_log(log_path) if r.get("chip") == index["chip"]]
    log = Log(log_path)
    names = index["candidates"]
    kernels = {n: os.path.join(prep_dir, n, "kernel.ptx") for n in names}
    say("CPU reference checks of %d candidates, %d at a time, while the "
        "GPU checks and times them" % (len(names), jobs))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) \
            as pool:
        cpu = {n: pool.submit(runner.check_one, kernels[n], "cpu")
               for n in names}
        gpu = {n: _gpu_pass(runner, kernels[n], contexts, say, n)
               for n in names}
        cpu = {n: future.result() for n, future in cpu.items()}
    summaries = []
    for context in contexts:
        incumbent, default, records = None, None, []
        model = CostModel().fit(history + log.records, context)
        for n, name in enumerate(names):
            base = prepared.get(name) or {}
            record = dict(base, trial=n + 1, context=context,
                          device=runner.device_name, verdict=None,
                          reason="", measured_us=None,
                          source=base.get("source", "prepared"))
            at = (base.get("stats_at") or {}).get(str(context))
            if at:  # the statistics at the position being timed
                record.update(stats=at, stats_position=context,
                              predicted_us=at.get("predicted_us"))
            checked, times = gpu[name]
            verdict, reason, detail = cpu[name]
            if not verdict and checked:
                verdict, reason, gpu_detail = checked
                detail = dict(detail, **gpu_detail)
            runner.judge(record, kernels[name], context,
                         checked=(verdict, reason, detail),
                         timer=lambda: _value(times[context]))
            record["kept"] = _keep(record, incumbent, model)
            if record["kept"]:
                incumbent = record
            if n == 0:
                default = record
            if record["verdict"] == "measured":
                model.fit(history + log.records + [record], context)
            records.append(record)
            log.append(record)
        prior = [r for r in proposals if not r.get("candidate")]
        summary = summarize(prior + records, model, default, incumbent,
                            _baseline_times(baseline, index["model"], context))
        summary.update(model=index["model"], chip=index["chip"],
                       device=runner.device_name, context=context,
                       commit=index["commit"],
                       proposals=index.get("proposals"), reference=ref.label)
        if out:
            base = "%s-ctx%d" % (out, context)
            if incumbent:
                write_best(base + ".best.json", incumbent)
            with open(base + ".json", "w", encoding="utf-8") as f:
                json.dump(summary, f, indent=1, sort_keys=True)
        summaries.append(summary)
    return summaries


def _gpu_pass(runner, kernel, contexts, say, name):
    """(GPU check or None on the CPU, {context: µs or the AmkError}): the
    GPU half of a candidate's trial; times are taken only after the GPU
    check passed and are reported only after the CPU check passed too."""
    if runner.device != "cuda":
        return None, {}
    say("%s: GPU check" % name)
    checked = runner.check_one(kernel, "gpu")
    times = {}
    if checked[0] is None:
        for context in contexts:
            say("%s: timing at context %d" % (name, context))
            try:
                times[context] = runner.time_us(kernel, context)
            except AmkError as e:
                times[context] = e
    return checked, times


def _value(timed):
    """A time of _gpu_pass, raising the error it recorded instead."""
    if isinstance(timed, Exception):
        raise timed
    return timed
