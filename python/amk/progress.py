"""Progress lines of long work: ``amk: [  12.3s] compile ...`` on stderr.

Shown on a terminal (stderr is a TTY), hidden in scripts (not a TTY) and
with ``--quiet``; ``--progress`` shows them anyway (logs, tests). Each line
carries the time elapsed since the command started, so a slow stage (the
import of an 8B checkpoint, PTX, a tune trial, the server's start-up) is
visible as it happens.
"""
import sys
import time


class Progress:
    """A callable taking one message; prints it with the elapsed time when
    enabled. ``enabled``: None decides by whether ``stream`` is a TTY."""

    def __init__(self, enabled=None, stream=None):
        self.stream = stream or sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.start = time.monotonic()

    def __call__(self, message):
        if self.enabled:
            print("amk: [%7.1fs] %s" % (time.monotonic() - self.start,
                                        message),
                  file=self.stream, flush=True)


def from_flags(quiet=False, progress=False):
    """The Progress of the command-line flags: --quiet wins, --progress
    forces the lines, neither decides by the terminal."""
    return Progress(False if quiet else (True if progress else None))
