#!/usr/bin/env python3
"""Forces a deadlock past the validator by editing a megakernel manifest.

Usage: force_deadlock.py IN.manifest.json OUT.manifest.json

Raises by one the threshold of the first wait of a *sink* task (one with
waits whose signalled event nobody waits on), so that this task is the only
one that ever waits forever and the watchdog (GPU) or the executor (CPU)
must name it. The kernel code is unchanged: the task table is data, so the
PTX of IN serves OUT too. The edit is deliberate, so OUT's `manifest_hash`
is recomputed (utils/manifest_hash.py); its `ptx_hash` stays IN's. Prints the report expected from amk-run:
`task "X" on worker W waited on event "E" (count c < threshold t)` at
epoch 0.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from manifest_hash import rehash  # noqa: E402


def main():
    source, target = sys.argv[1:3]
    manifest = json.load(open(source))
    table = manifest["table"]
    words, waits = table["descriptors"], table["waits"]
    count = len(words) // 8
    waited = {waits[i] for i in range(0, len(waits), 3)}
    worker = {}
    for w in range(manifest["grid"]):
        for d in range(table["queues"][w], table["queues"][w + 1]):
            worker[d] = w
    sink = next(d for d in reversed(range(count))
                if words[8 * d + 3] > 0 and words[8 * d + 1] not in waited
                and not words[8 * d + 6] & 1)
    wait = words[8 * sink + 2]
    event, threshold = waits[3 * wait], waits[3 * wait + 1]
    waits[3 * wait + 1] = threshold + 1
    json.dump(rehash(manifest), open(target, "w"))
    # At epoch 0 every producer of the event has signalled: the count is the
    # event's init plus its producers.
    seen = manifest["events"][event]["init"] + manifest["events"][event]["producers"]
    print('task "%s" on worker %d waited on event "%s" (count %d < threshold %d)'
          % (manifest["tasks"][words[8 * sink + 5]], worker[sink],
             manifest["events"][event]["name"], seen, threshold + 1))


if __name__ == "__main__":
    main()
