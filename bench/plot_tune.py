#!/usr/bin/env python3
"""Tuned vs default step times from bench/results/tune-*-ctx*.json.

  plot_tune.py [RESULTS_DIR] [--svg docs/tuning-results.svg] [--md FILE]

Reads the summaries `python -m amk tune-measure` wrote (one per model shape
and context; the .best.json knob files are skipped) and writes a grouped bar
chart (SVG, standard library only: default, tuned and floor per shape and
context) and a markdown table: times, speedup vs our default and vs the
benchmark's baselines, proposals and how many were rejected as unsafe.
Only measured times are drawn; a summary whose times are predictions is
listed in the table as such and left out of the chart.
"""
import glob
import json
import os
import re
import sys

from svgchart import grouped_bars, report_main

NAME = re.compile(r"tune-(.+)-ctx(\d+)\.json$")


def load(folder):
    """[(shape, context, summary)] sorted by shape then context."""
    rows = []
    for path in glob.glob(os.path.join(folder, "tune-*-ctx*.json")):
        match = NAME.search(os.path.basename(path))
        if not match or path.endswith(".best.json"):
            continue
        with open(path, encoding="utf-8") as f:
            rows.append((match.group(1), int(match.group(2)), json.load(f)))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def _ms(summary, key):
    value = (summary.get(key) or {}).get("time_us")
    return None if value is None else value / 1e3


def table(rows):
    """The markdown table of every summary."""
    lines = ["| shape | context | default ms | tuned ms | floor ms | kind | "
             "vs default | vs baselines | proposals (rejected unsafe) | "
             "tuned config |", "|---|---|---|---|---|---|---|---|---|---|"]
    for shape, context, s in rows:
        best = s.get("best") or {}
        floor = best.get("floor_us")
        base = ", ".join("%s %.2fx" % (k[len("speedup_vs_"):], v)
                         for k, v in sorted(s.items())
                         if k.startswith("speedup_vs_") and k !=
                         "speedup_vs_default") or "-"
        fmt = lambda v: "-" if v is None else "%.3f" % v
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s (%s) | `%s` |" % (
            shape, context, fmt(_ms(s, "default")), fmt(_ms(s, "best")),
            fmt(None if floor is None else floor / 1e3),
            s.get("time_kind") or "-",
            "-" if s.get("speedup_vs_default") is None
            else "%.3fx" % s["speedup_vs_default"], base,
            s.get("proposals", s.get("trials")), s.get("rejected_unsafe", 0),
            json.dumps(best.get("config"), sort_keys=True)))
    return "\n".join(lines) + "\n"


def svg(rows):
    """A grouped bar chart of the measured summaries (default, tuned, floor
    per shape and context), bars scaled per group to its largest."""
    groups = []
    for shape, context, s in rows:
        default, tuned = _ms(s, "default"), _ms(s, "best")
        if s.get("time_kind") != "measured" or not default or not tuned:
            continue
        floor = (s["best"].get("floor_us") or 0) / 1e3
        groups.append((shape, "ctx %d, %.2fx" % (context, default / tuned),
                       [default, tuned, floor]))
    return grouped_bars(
        "Decode step time, tuned vs default (ms, lower is better)",
        [("default", "#9e9e9e"), ("tuned", "#1f77b4"), ("floor", "#d62728")],
        groups)


def main(argv=None):
    return report_main(
        argv, __doc__, "tuning-results.svg", load, svg, table,
        "# Tuning results\n\nWritten by `bench/plot_tune.py` "
        "from `bench/results/tune-*.json` (docs/tuning.md).\n\n"
        "![tuned vs default](%s)\n\n",
        "no tune-*-ctx*.json in %s")


if __name__ == "__main__":
    sys.exit(main())
