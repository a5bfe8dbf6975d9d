#!/usr/bin/env python3
"""Benchmark rows (bench/results/<shape>-ctx<C>.json) as a chart and a table.

  plot_bench.py [RESULTS_DIR] [--svg docs/bench-results.svg] [--md FILE]

Reads the rows bench/bench_decode.py wrote (one per model shape and
context) and writes a grouped bar chart (ours, torch CUDA graph, the
weights/bandwidth floor, in ms per token) and a markdown table with every
baseline, percent of floor, correctness, device and commit. A row whose
correctness check failed has no time: it is listed, never drawn.
"""
import glob
import json
import os
import re
import sys

from svgchart import grouped_bars, report_main

NAME = re.compile(r"^(?!tune-)(.+)-ctx(\d+)\.json$")


def load(folder):
    """The benchmark rows of `folder`, sorted by shape then context."""
    rows = []
    for path in glob.glob(os.path.join(folder, "*-ctx*.json")):
        if NAME.match(os.path.basename(path)):
            with open(path, encoding="utf-8") as f:
                rows.append(json.load(f))
    return sorted(rows, key=lambda r: (r["model"], r["context"]))


def table(rows):
    """The markdown table of every row."""
    fmt = lambda v: "-" if v is None else "%.3f" % v
    lines = ["| shape | context | ms/token | floor ms | % of floor | "
             "CUDA graph ms (ours x) | torch eager ms | HF eager ms | correct | "
             "device | commit |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ours = r.get("ms_per_token")
        graph = r.get("cuda_graph_ms")
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["model"], r["context"], fmt(ours), fmt(r.get("floor_ms")),
            "-" if r.get("pct_of_floor") is None else "%.0f%%" % r["pct_of_floor"],
            "-" if graph is None else "%.3f (%s)" % (
                graph, "-" if ours is None else "%.2fx" % (graph / ours)),
            fmt(r.get("torch_eager_ms")), fmt(r.get("hf_eager_ms")),
            "yes" if r.get("correct") else "**no**", r.get("device", "-"),
            (r.get("commit") or "-")[:7]))
    return "\n".join(lines) + "\n"


def svg(rows):
    """Ours, CUDA graph and floor per shape and context (correct rows only)."""
    groups = [(r["model"], "ctx %d, %.0f%% of floor" % (r["context"],
                                                        r["pct_of_floor"]),
               [r["ms_per_token"], r.get("cuda_graph_ms"), r["floor_ms"]])
              for r in rows if r.get("correct") and r.get("ms_per_token")]
    return grouped_bars(
        "Batch-1 decode, ms per token (lower is better)",
        [("AMK", "#1f77b4"), ("torch CUDA graph", "#9e9e9e"),
         ("floor", "#d62728")], groups)


def main(argv=None):
    return report_main(
        argv, __doc__, "bench-results.svg", load, svg, table,
        "# Benchmark results\n\nWritten by `bench/plot_bench.py` "
        "from `bench/results/<shape>-ctx<C>.json` (rows of "
        "`bench/bench_decode.py`, run on the GPU machine).\n\n"
        "![ms per token](%s)\n\n",
        "no <shape>-ctx<C>.json rows in %s")


if __name__ == "__main__":
    sys.exit(main())
