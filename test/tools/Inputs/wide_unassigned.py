"""Writes an unassigned amk.program of N independent tasks.

wide_unassigned.py N > FILE: task i copies input x<i> into output y<i> and
signals its own event; no task waits, so the happens-before graph is N
separate pieces (N greedy clock chains before worker assignment).
"""
import sys

n = int(sys.argv[1])
lines = ["amk.program @wide {"]
for i in range(n):
    lines.append('  %%x%d = amk.buffer "x%d" input : memref<16xf32>' % (i, i))
    lines.append('  %%y%d = amk.buffer "y%d" output : memref<16xf32>' % (i, i))
    lines.append('  %%e%d = amk.event "e%d"' % (i, i))
for i in range(n):
    lines.append('  amk.task "t%d" signals %%e%d {' % (i, i))
    lines.append("    amk.copy %%x%d -> %%y%d : memref<16xf32>, memref<16xf32>"
                 % (i, i))
    lines.append("  }")
lines.append("}")
print("\n".join(lines))
