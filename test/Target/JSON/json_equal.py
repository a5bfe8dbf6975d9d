#!/usr/bin/env python3
"""Compares two JSON schedules (ir_version 0.x) semantically.

Exit status 0 when equal, 1 (with the first difference on stderr) when not.
Ignored, as documented in docs/json-interop.md:
  * key order, and int vs float spelling of the same number (1 == 1.0);
  * fields outside the format's schema in buffers, counters, tasks, waits,
    pages and the top level (the reader ignores unknown fields);
  * `pages` null vs a page table with no pages and no placements.
"""

import json
import sys

SCHEMA = {
    "top": {"ir_version", "abi_version", "meta", "target", "buffers",
            "counters", "tasks", "pages", "config"},
    "buffers": {"id", "name", "kind", "dtype", "shape", "space", "source"},
    "counters": {"id", "init", "note"},
    "tasks": {"id", "op", "inputs", "outputs", "out_counter", "waits",
              "params", "sm", "est_bytes", "est_flops", "label"},
    "waits": {"counter", "threshold"},
    "pages": {"id", "space", "nbytes", "live_start", "live_end"},
}


def pick(obj, level):
    return {k: v for k, v in obj.items() if k in SCHEMA[level]}


def normalize(doc):
    doc = pick(doc, "top")
    for level in ("buffers", "counters"):
        doc[level] = [pick(x, level) for x in doc.get(level, [])]
    tasks = []
    for task in doc.get("tasks", []):
        task = pick(task, "tasks")
        if "waits" in task:
            task["waits"] = [pick(w, "waits") for w in task["waits"]]
        tasks.append(task)
    doc["tasks"] = tasks
    pages = doc.get("pages")
    if pages is not None:
        if not pages.get("pages") and not pages.get("buffer_to_page"):
            doc["pages"] = None
        else:
            pages = dict(pages)
            pages["pages"] = [pick(p, "pages") for p in pages.get("pages", [])]
            doc["pages"] = pages
    return doc


def diff(a, b, path):
    """Returns the path of the first difference, or None."""
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else path
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return None if a == b else path
    if type(a) is not type(b):
        return path
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}"
            found = diff(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} vs {len(b)})"
        for i, (x, y) in enumerate(zip(a, b)):
            found = diff(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else path


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: json_equal.py A.json B.json")
    docs = []
    for name in sys.argv[1:]:
        with open(name) as f:
            docs.append(normalize(json.load(f)))
    found = diff(docs[0], docs[1], "$")
    if found:
        print(f"differ at {found}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
