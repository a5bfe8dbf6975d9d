"""python -m amk tune / tune-prepare / tune-measure on the CPU, the log, the
honesty rules and the cost model's refit."""
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from conftest import HERE, LLAMA

import amk
from amk import compiler, costmodel, search, trial, tune

LOG_KEYS = {"trial", "source", "model", "chip", "device", "context", "commit",
            "config", "verdict", "reason", "predicted_us", "floor_us",
            "measured_us", "kept"}


def amk_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    return subprocess.run([sys.executable, "-m", "amk"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def unsafe_schedule(schedule, out):
    """A copy of a compiled schedule with the waits of its first waiting
    tile task dropped: it reads what another task writes, unordered.
    Returns (path, task name)."""
    with open(schedule, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r'amk\.task "([^"]+\.t\d+)" (waits\([^)]*\) )signals',
                      text)
    assert match, "no waiting tile task in " + schedule
    with open(out, "w", encoding="utf-8") as f:
        f.write(text[:match.start(2)] + text[match.end(2):])
    return out, match.group(1)


def test_tune_cpu_end_to_end(tmp_path):
    log, best = str(tmp_path / "runs.jsonl"), str(tmp_path / "best.json")
    done = amk_cli("tune", LLAMA, "--budget", "2", "--pool", "2", "--log",
                   log, "--out", best, "--json", "--work-dir",
                   str(tmp_path / "work"))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["device"] == "cpu" and summary["time_kind"] == "predicted"
    assert summary["trials"] == 3 and summary["rejected_unsafe"] == 0
    records = read_lines(log)
    assert [r["trial"] for r in records] == [1, 2, 3]
    assert records[0]["source"] == "default" and records[0]["config"] == {}
    for record in records:
        assert LOG_KEYS <= set(record), LOG_KEYS - set(record)
        # On the CPU nothing is measured: checked, then ranked by prediction.
        assert record["verdict"] == "predicted", record["reason"]
        assert record["measured_us"] is None and record["correct"] is True
        assert record["check"]["cpu"]["exit"] == 0
        assert record["predicted_us"] >= record["floor_us"] > 0
        assert len(record["commit"]) == 40
    kept = [r for r in records if r["kept"]]
    assert kept[0]["trial"] == 1
    for a, b in zip(kept, kept[1:]):
        assert b["predicted_us"] <= 0.99 * a["predicted_us"]
    assert summary["best"]["config"] == kept[-1]["config"]
    # best.json is the knob object alone: --amk-compile's config takes it.
    with open(best, encoding="utf-8") as f:
        assert json.load(f) == kept[-1]["config"]
    kernel = amk.compile(LLAMA, out_dir=str(tmp_path / "best"), config=best)
    # The tuner predicts at its context (position 1).
    assert compiler.stats_of(kernel.schedule, 1)["predicted_us"] == \
        pytest.approx(summary["best"]["time_us"])


PROPOSER = textwrap.dedent("""\
    import json, sys
    state = json.load(sys.stdin)
    plan = {2: {"schedule": sys.argv[1]}, 3: {"validate": False},
            4: {"config": {"sms": 8, "strategy": "balanced"}}}
    print(json.dumps(plan.get(state["trial"], {"stop": True})))
    """)


def test_unsafe_proposal_is_rejected_with_the_witness(tmp_path, llama_kernel):
    bad, task = unsafe_schedule(llama_kernel.schedule,
                                str(tmp_path / "bad.mlir"))
    script = tmp_path / "proposer.py"
    script.write_text(PROPOSER)
    log = str(tmp_path / "runs.jsonl")
    done = amk_cli("tune", LLAMA, "--budget", "5", "--log", log,
                   "--proposer", "%s %s %s" % (sys.executable, script, bad),
                   "--progress",
                   "--work-dir", str(tmp_path / "work"))
    assert done.returncode == 0, done.stderr
    assert "rejected as unsafe: 1" in done.stdout
    assert "the proposer stopped the run" in done.stderr
    records = read_lines(log)
    assert [r["verdict"] for r in records] == [
        "predicted", "rejected", "invalid", "predicted"]
    rejected = records[1]
    assert rejected["source"] == "proposer" and rejected["schedule"] == bad
    assert 'task "%s"' % task in rejected["reason"]
    assert "not ordered by happens-before" in rejected["reason"]
    assert rejected["violations"] and not rejected["kept"]
    # Never lowered, never run, no time.
    assert "kernel" not in rejected and "check" not in rejected
    assert rejected["measured_us"] is None
    assert "'validate' is not a schedule knob" in records[2]["reason"]
    assert records[3]["config"] == {"sms": 8, "strategy": "balanced"}


def test_prepare_then_measure_on_the_cpu(tmp_path):
    prep = str(tmp_path / "prep")
    done = amk_cli("tune-prepare", LLAMA, "--budget", "1", "--pool", "2",
                   "-o", prep, "--stats-at", "1", "100")
    assert done.returncode == 0, done.stderr
    index = json.loads(done.stdout)
    assert index["candidates"] == ["c000", "c001"]
    for name in index["candidates"]:
        assert os.path.isfile(os.path.join(prep, name, "kernel.ptx"))
        assert os.path.isfile(os.path.join(prep, name,
                                           "kernel.manifest.json"))
    prepared = read_lines(os.path.join(prep, "candidates.jsonl"))
    assert prepared[0]["config"] == {} and all(
        r["verdict"] == "certified" for r in prepared if "candidate" in r)
    # Ranked at position 1; statistics also at 100, where attention reads
    # 101 KV rows.
    first = prepared[0]
    assert first["stats_position"] == 1 and list(first["stats_at"]) == ["100"]
    assert first["stats_at"]["100"]["bytes_per_worker_max"] > \
        first["stats"]["bytes_per_worker_max"]
    log = str(tmp_path / "measured.jsonl")
    done = amk_cli("tune-measure", prep, "--weights", LLAMA, "--device",
                   "cpu", "--cpu-steps", "4", "--log", log, "--out",
                   str(tmp_path / "tune-llama"))
    assert done.returncode == 0, done.stderr
    records = read_lines(log)
    assert [r["candidate"] for r in records] == ["c000", "c001"]
    assert all(r["verdict"] == "predicted" and r["correct"] for r in records)
    with open(str(tmp_path / "tune-llama-ctx1.json"), encoding="utf-8") as f:
        summary = json.load(f)
    assert summary["time_kind"] == "predicted"
    assert summary["default"]["trial"] == 1
    assert os.path.isfile(str(tmp_path / "tune-llama-ctx1.best.json"))

    # The GPU half with a scripted GPU: c001 is twice as fast at context
    # 512, 0.5% faster at context 1 (not kept: under the 1% rule).
    times = {("c000", 1): 100.0, ("c001", 1): 99.5, ("c000", 512): 120.0,
             ("c001", 512): 60.0}

    class ScriptedGpu(trial.Runner):
        def check_one(self, kernel, where):
            return None, "", {where: {"exit": 0, "output": "scripted"}}

        def time_us(self, kernel, context):
            return times[(os.path.basename(os.path.dirname(kernel)),
                          context)]

    original = tune.Runner
    tune.Runner = ScriptedGpu
    try:
        low, high = tune.measure(prep, LLAMA, None, contexts=(1, 512),
                                 device="cuda", bandwidth=1e15, jobs=2)
        # A floor above every time: all withheld, no best, no speedup.
        (withheld,) = tune.measure(prep, LLAMA, None, contexts=(1,),
                                   device="cuda", bandwidth=1.0)
    finally:
        tune.Runner = original
    assert low["time_kind"] == "measured" and low["best"]["trial"] == 1
    assert low["speedup_vs_default"] == 1.0
    assert high["best"]["trial"] == 2
    assert high["speedup_vs_default"] == pytest.approx(2.0)
    assert high["default"]["time_us"] == 120.0
    assert withheld["verdicts"] == {"withheld": 2} and "best" not in withheld


def _measured(read_us, syncs, tasks, time_us, floor_us=1.0):
    stats = {"makespan_us": read_us + syncs * 1.0, "critical_syncs": syncs,
             "critical_tasks": tasks, "floor_us": floor_us,
             "predicted_us": max(floor_us, read_us + syncs)}
    return {"verdict": "measured", "stats": stats, "measured_us": time_us}


def test_refit_recovers_constants_and_never_predicts_below_floor():
    # time = 2 x read + 0.5 us per sync + 3 us launch.
    records = [_measured(r, s, t, 2 * r + 0.5 * s + 3)
               for r, s, t in [(10, 4, 5), (20, 8, 9), (15, 2, 3),
                               (40, 10, 12), (5, 1, 2)]]
    records.append({"verdict": "predicted", "stats": records[0]["stats"],
                    "measured_us": 1e6})  # not a measurement: ignored
    model = costmodel.CostModel().fit(records)
    constants = model.constants()
    assert constants["samples"] == 5
    assert constants["bandwidth_fraction"] == pytest.approx(0.5)
    assert constants["sync_ns"] == pytest.approx(500)
    assert constants["launch_us"] == pytest.approx(3)
    stats = records[1]["stats"]
    assert model.predict(stats) == pytest.approx(2 * 20 + 0.5 * 8 + 3)
    # Measurements far below the model: the fit is small, the floor holds.
    fast = costmodel.CostModel().fit(
        [_measured(r, s, t, 0.01) for r, s, t in [(10, 4, 5), (20, 8, 9),
                                                  (30, 1, 2)]])
    assert fast.fitted
    assert fast.predict(dict(stats, floor_us=25.0)) == 25.0
    assert all(c >= 0 for c in fast.coef)
    # Too few measurements: the compiler's prediction.
    one = costmodel.CostModel().fit(records[:1])
    assert not one.fitted and one.predict(stats) == stats["predicted_us"]
    # Only measurements at the context predicted for count.
    at = [dict(r, context=512 if i < 4 else 1) for i, r in enumerate(records)]
    assert costmodel.CostModel().fit(at, 512).samples == 4
    assert not costmodel.CostModel().fit(at, 1).fitted  # one sample


class FakeRunner(trial.Runner):
    """A Runner whose check and clock are scripted."""

    def __init__(self, verdict, time_us):
        super().__init__(LLAMA, os.path.join(LLAMA, "golden.json"),
                         device="cuda", bandwidth=1e12)
        self.verdict, self.value, self.timed = verdict, time_us, False

    def check(self, kernel):
        return (self.verdict, "scripted" if self.verdict else "", {})

    def time_us(self, kernel, context):
        self.timed = True
        return self.value


@pytest.mark.parametrize("verdict, value, expect, timed", [
    ("incorrect", 5.0, "incorrect", False),
    (None, 0.5, "withheld", True),
    (None, 5.0, "measured", True)])
def test_honesty_rules(verdict, value, expect, timed):
    runner = FakeRunner(verdict, value)
    # 1 MB of weights at 1 TB/s: a 1 us floor.
    record = runner.judge({"stats": {"weight_bytes": 1e6}}, "k.ptx", 1)
    assert record["verdict"] == expect and runner.timed == timed
    assert record["floor_us"] == pytest.approx(1.0)
    if expect == "measured":
        assert record["measured_us"] == 5.0
    else:
        assert record.get("measured_us") is None
    if expect == "withheld":
        assert record["measurement_error_us"] == 0.5
        assert "below the floor" in record["reason"]


def test_speedups_vs_default_and_baselines():
    model = costmodel.CostModel()
    default = {"trial": 1, "verdict": "measured", "measured_us": 200.0,
               "config": {}}
    best = {"trial": 2, "verdict": "measured", "measured_us": 100.0,
            "config": {"sms": 8}, "floor_us": 50.0}
    summary = tune.summarize([default, best], model, default, best,
                             {"cuda_graph": 0.4})
    assert summary["speedup_vs_default"] == pytest.approx(2.0)
    assert summary["speedup_vs_cuda_graph"] == pytest.approx(4.0)
    predicted = dict(best, verdict="predicted", stats={"predicted_us": 100.0,
                                                       "floor_us": 50.0})
    summary = tune.summarize([predicted], model, None, predicted,
                             {"cuda_graph": 0.4})
    assert summary["time_kind"] == "predicted"
    assert "speedup_vs_cuda_graph" not in summary  # never vs a prediction


def test_proposals_are_normalized_knobs():
    assert search.normalize({"qkv_cols": 64, "fuse": True}) == {"qkv-cols": 64}
    for bad, message in [({"chip": "sm_80"}, "fixed by the tuning run"),
                         ({"stats": True}, "not a schedule knob"),
                         ({"frobs": 1}, "unknown knob 'frobs'")]:
        with pytest.raises(amk.AmkError, match=message):
            search.normalize(bad)
    space = search.knob_space(search.model_shape(LLAMA), 132)
    rng = search.make_rng(1)
    for _ in range(50):
        config = search.mutate({}, space, rng)
        assert config and all(config[k] in space[k] for k in config)


class FakeWorkspace:
    """Screens without the compiler: ``sync-ns`` does not change the
    schedule, and unfused schedules are predicted 70 us (others 40)."""

    def __init__(self):
        self.dropped = []

    def screen(self, config, need_file=True):
        return "schedule.mlir", {"predicted_us": 70.0 if "fuse" in config
                                 else 40.0, "floor_us": 1.0}

    def digest(self, config):
        return search.key({k: v for k, v in config.items() if k != "sync-ns"})

    def drop(self, config):
        self.dropped.append(config)


def test_search_skips_tried_schedules_and_implausible_ones():
    ws = FakeWorkspace()
    space = search.knob_space(search.model_shape(LLAMA), 132)
    searcher = tune.Search(ws, space, costmodel.CostModel(), pool=4, seed=2)
    searcher.mark({})
    incumbent = {"config": {}, "stats": {"predicted_us": 50.0,
                                         "floor_us": 1.0}}
    digests = {ws.digest({})}
    for _ in range(12):
        config, source = searcher.propose(incumbent, [])
        assert source in ("search", "random")
        # A new schedule each time (sync-ns alone is no new schedule) ...
        assert ws.digest(config) not in digests
        digests.add(ws.digest(config))
        # ... never one predicted over 1.25 x the incumbent's 50 us.
        assert "fuse" not in config
    assert ws.dropped  # the pool's other members gave their files back


def test_plot_of_measured_results(tmp_path):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                    "bench"))
    import plot_tune
    measured = {"time_kind": "measured", "default": {"time_us": 2000.0},
                "best": {"time_us": 1000.0, "floor_us": 500.0,
                         "config": {"sms": 66}},
                "speedup_vs_default": 2.0, "speedup_vs_cuda_graph": 1.5,
                "proposals": 7, "rejected_unsafe": 1}
    predicted = dict(measured, time_kind="predicted")
    for name, data in [("tune-llama3.2-1b-ctx1.json", measured),
                       ("tune-llama3.2-1b-ctx1.best.json", {"sms": 66}),
                       ("tune-smollm2-135m-ctx512.json", predicted)]:
        (tmp_path / name).write_text(json.dumps(data))
    svg, md = tmp_path / "chart.svg", tmp_path / "table.md"
    assert plot_tune.main([str(tmp_path), "--svg", str(svg), "--md",
                           str(md)]) == 0
    table = md.read_text()
    assert "| llama3.2-1b | 1 | 2.000 | 1.000 | 0.500 | measured | 2.000x |" \
        " cuda_graph 1.50x | 7 (1) |" in table
    assert "| smollm2-135m | 512 |" in table and "predicted" in table
    chart = svg.read_text()
    assert "ctx 1, 2.00x" in chart and "smollm2-135m" not in chart
