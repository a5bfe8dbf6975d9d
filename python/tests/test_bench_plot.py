"""bench/plot_bench.py: the benchmark rows as a table and a chart."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench"))

import plot_bench  # noqa: E402


def test_rows_table_and_chart(tmp_path):
    good = {"model": "llama3.2-1b", "context": 512, "floor_ms": 0.5,
            "ms_per_token": 1.0, "pct_of_floor": 50.0, "cuda_graph_ms": 2.0,
            "torch_eager_ms": 10.0, "correct": True, "device": "GPU X",
            "commit": "0123456789"}
    bad = {"model": "llama3-8b", "context": 1, "floor_ms": 3.3,
           "correct": False, "device": "GPU X", "commit": "abcdef0123"}
    for row in (good, bad):
        name = "%s-ctx%d.json" % (row["model"], row["context"])
        (tmp_path / name).write_text(json.dumps(row))
    # Tuning summaries beside the rows are not benchmark rows.
    (tmp_path / "tune-llama3.2-1b-ctx1.json").write_text("{}")
    svg, md = tmp_path / "chart.svg", tmp_path / "table.md"
    assert plot_bench.main([str(tmp_path), "--svg", str(svg), "--md",
                            str(md)]) == 0
    table = md.read_text()
    assert "| llama3.2-1b | 512 | 1.000 | 0.500 | 50% | 2.000 (2.00x) |" in table
    # A failed row is listed with no time and never drawn.
    assert "| llama3-8b | 1 | - | 3.300 | - | - |" in table and "**no**" in table
    chart = svg.read_text()
    assert "ctx 512, 50% of floor" in chart and "llama3-8b" not in chart


def test_no_rows_is_an_error(tmp_path):
    assert plot_bench.main([str(tmp_path), "--svg", str(tmp_path / "c.svg")]) == 1
