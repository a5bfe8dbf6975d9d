#!/usr/bin/env python3
"""Prints the per-layer counts of `--amk-schedule-stats=json` as short lines
for FileCheck: the worst layer's stages and critical-path syncs, the byte
spread of the whole step, and every phase of one layer (bytes in KB)."""
import json
import sys


def kb(obj, key):
    return "%.0f" % (obj["bytes_per_worker_" + key] / 1000)


def bytes_line(obj):
    return "min %s mean %s max %s KB spread %.1f%%" % (
        kb(obj, "min"), kb(obj, "mean"), kb(obj, "max"),
        100 * obj["bytes_per_worker_spread"])


def main():
    layer = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    stats = json.load(sys.stdin)
    layers = stats["layers"]
    print("step: %s; critical path %d tasks, %d syncs" % (
        bytes_line(stats), stats["critical_tasks"], stats["critical_syncs"]))
    print("layers %d: stages max %d, critical syncs max %d" % (
        len(layers), max(l["stages"] for l in layers),
        max(l["critical_syncs"] for l in layers)))
    for name, entry in [("layer %d" % layer, layers[layer]),
                        ("outside", stats["outside_layers"])]:
        print("%s: %d stages, %d critical syncs; %s" % (
            name, entry["stages"], entry["critical_syncs"],
            bytes_line(entry)))
        for phase in entry["phases"]:
            print("  phase %s: %d tasks; %s" % (
                phase["events"].split("+")[0], phase["tasks"],
                bytes_line(phase)))


main()
