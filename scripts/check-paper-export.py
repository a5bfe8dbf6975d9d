#!/usr/bin/env python3
"""Loads schedules with the paper tool's reader and runs its validator.

Usage: check-paper-export.py --paper-tool /tmp/amk-paper FILE.json...
For each file (e.g. what `amk-translate --export-amk-json` wrote), prints
`VALID`/`REJECTED` from the tool's `MegakernelProgram.from_json` and
`schedule.ir.validate`, with the first error, or `UNREADABLE` with the
reader's exception. Exits 1 unless every file is VALID. Not run in CI (the
tool is not part of this repository); docs/json-interop.md records a run.
"""

import argparse
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper-tool", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.paper_tool))
    from schedule import ir  # noqa: E402 (the tool's package)

    ok = True
    for path in args.files:
        try:
            prog = ir.MegakernelProgram.load(path)
        except Exception as err:  # the reader raises anything on bad input
            print(f"UNREADABLE {path}: {type(err).__name__}: {err}")
            ok = False
            continue
        result = ir.validate(prog)
        first = f": {result.errors[0]}" if result.errors else ""
        print(f"{'VALID' if result.ok else 'REJECTED'} {path}{first}")
        ok &= result.ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
