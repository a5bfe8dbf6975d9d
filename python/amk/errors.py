"""The exceptions of the amk package."""


class AmkError(Exception):
    """Base class: a clear message naming what is wrong."""


class CompileError(AmkError):
    """A compiler tool failed.

    Attributes: ``step`` (import, compile, lower, to-ptx, validate),
    ``command`` (the argument list), ``returncode`` and ``diagnostics`` (the
    tool's complete stderr). ``str()`` shows the first diagnostics lines.
    """

    MAX_SHOWN = 20

    def __init__(self, step, command, returncode, diagnostics):
        self.step = step
        self.command = command
        self.returncode = returncode
        self.diagnostics = diagnostics
        lines = [l for l in diagnostics.splitlines() if l.strip()]
        shown = [l if len(l) <= 400 else l[:400] + " ..."
                 for l in lines[:self.MAX_SHOWN]]
        if len(lines) > self.MAX_SHOWN:
            shown.append("... (%d more lines in .diagnostics)"
                         % (len(lines) - self.MAX_SHOWN))
        how = ("exit %d" % returncode if returncode >= 0
               else "crashed with signal %d" % -returncode)
        super().__init__("%s failed (%s): %s\n%s" % (
            step, how, " ".join(command), "\n".join(shown)))


class RunError(AmkError):
    """The runtime failed; ``code`` is amk-run's exit code class (1 usage,
    2 bad input or failed step, 3 watchdog / deadlock)."""

    def __init__(self, code, message):
        self.code = code
        super().__init__(message)
