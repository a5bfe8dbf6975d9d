"""Runs a command and fails if it takes too long or too much memory.

bounded_run.py --max-seconds S --max-rss-mb M [--expect-rc N] -- CMD...
Runs CMD (stdout and stderr pass through), then checks its exit status
(default 0), its wall time and its peak resident memory (the child's
ru_maxrss). Prints "bounded_run: <seconds> s, <MB> MB" and exits 1 when a
bound is exceeded, naming it.
"""
import argparse
import resource
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--max-seconds", type=float, required=True)
parser.add_argument("--max-rss-mb", type=float, required=True)
parser.add_argument("--expect-rc", type=int, default=0)
parser.add_argument("command", nargs=argparse.REMAINDER)
args = parser.parse_args()
command = args.command[1:] if args.command[:1] == ["--"] else args.command
start = time.monotonic()
try:
    rc = subprocess.run(command, timeout=args.max_seconds * 3).returncode
except subprocess.TimeoutExpired:
    sys.exit("bounded_run: killed after %.0f s (limit %.0f s)"
             % (args.max_seconds * 3, args.max_seconds))
seconds = time.monotonic() - start
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("bounded_run: %.2f s, %.0f MB" % (seconds, rss_mb))
if rc != args.expect_rc:
    sys.exit("bounded_run: exit status %d, expected %d" % (rc, args.expect_rc))
if seconds > args.max_seconds:
    sys.exit("bounded_run: %.2f s, more than %.0f s" % (seconds, args.max_seconds))
if rss_mb > args.max_rss_mb:
    sys.exit("bounded_run: %.0f MB, more than %.0f MB" % (rss_mb, args.max_rss_mb))
