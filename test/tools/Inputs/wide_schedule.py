"""Writes a legal JSON schedule with N buffers and N COPY tasks.

wide_schedule.py N [--same-label] > FILE: buffer 2i is an input, 2i+1 an
output; task i copies one into the other on SM i % 132 and signals its own
counter. Large N checks that the importer stays linear in buffers, tasks and
counters; --same-label gives every task the label "x" and every counter the
note "c", so that the importer must make n names unique.
"""
import json
import sys

n = int(sys.argv[1])
same = "--same-label" in sys.argv[2:]
buffers, counters, tasks = [], [], []
for i in range(n):
    for j, kind in ((2 * i, "IO_INPUT"), (2 * i + 1, "IO_OUTPUT")):
        buffers.append({"id": j, "name": "b%d" % j, "kind": kind, "dtype": "F32",
                        "shape": [64], "space": "HBM", "source": None})
    counters.append({"id": i, "init": 0, "note": "c" if same else "c%d" % i})
    tasks.append({"id": i, "op": "COPY", "inputs": [2 * i], "outputs": [2 * i + 1],
                  "out_counter": i, "waits": [], "params": {}, "sm": i % 132,
                  "est_bytes": 512, "est_flops": 0, "label": "x" if same else "t%d" % i})
json.dump({"ir_version": "0.2.0", "abi_version": 2, "meta": {"model": "wide"},
           "target": {"arch": "sm_90a", "num_sms": 132}, "config": {},
           "buffers": buffers, "counters": counters, "tasks": tasks},
          sys.stdout)
