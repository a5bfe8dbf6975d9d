"""Writes an amk.program of constant-row KV appends and attention reads.

kv_appends.py ROWS READS > FILE: task a<k> appends row k of a ROWS-row KV
cache (`row k`, a constant row) and signals event "ap"; tasks r<j> wait for
all appends and attend over [0, pos + 1) into output o<j>. Each read's
coverage has a writer per row, decided at every position of the cache.
"""
import sys

rows, reads = int(sys.argv[1]), int(sys.argv[2])
cache = "memref<%dx1x16xbf16>" % rows
lines = ["amk.program @kv {",
         '  %x = amk.buffer "x" input : memref<16xf32>',
         '  %pos = amk.buffer "pos" input : memref<1xi32>',
         '  %%kc = amk.buffer "kc" kv_cache : %s' % cache,
         '  %ap = amk.event "ap"',
         '  %rd = amk.event "rd"']
for j in range(reads):
    lines.append('  %%o%d = amk.buffer "o%d" output : memref<16xf32>' % (j, j))
for k in range(rows):
    lines.append('  amk.task "a%d" signals %%ap {' % k)
    lines.append("    amk.kv_append %%x, %%pos -> %%kc row %d : memref<16xf32>, "
                 "memref<1xi32>, %s" % (k, cache))
    lines.append("  }")
for j in range(reads):
    lines.append('  amk.task "r%d" waits(%%ap >= %d) signals %%rd {' % (j, rows))
    lines.append("    amk.attention %%x, %%kc, %%kc, %%pos -> %%o%d kv [0, pos + 1) "
                 "scale 0.25 : memref<16xf32>, %s, %s, memref<1xi32>, "
                 "memref<16xf32>" % (j, cache, cache))
    lines.append("  }")
lines.append("}")
print("\n".join(lines))
