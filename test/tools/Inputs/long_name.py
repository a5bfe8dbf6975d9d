"""Prints an amk.program whose input buffer has a 1 MiB name, read by N tasks.

long_name.py N
A tool that copies the name per access (the oracle's findings text once
did) needs N MiB; one that keeps the name once needs about 1.
"""
import sys

count = int(sys.argv[1])
print("amk.program @p {")
print('  %%x = amk.buffer "%s" input : memref<64xf32>' % ("n" * (1 << 20)))
print('  %e = amk.event "e"')
for i in range(count):
    print('  %%y%d = amk.buffer "y%d" output : memref<64xf32>' % (i, i))
    print('  amk.task "t%d" signals %%e worker %d queue 0 {' % (i, i))
    print("    amk.copy %%x -> %%y%d : memref<64xf32>, memref<64xf32>" % i)
    print("  }")
print("}")
