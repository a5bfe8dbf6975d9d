"""amk.compile and amk.validate: the compiler tools driven by subprocess.

compile: amk-translate --import-hf -> amk-opt --amk-compile (with
--amk-schedule-stats=json) -> amk-opt --amk-lower-megakernel ->
amk-translate --to-ptx, each step writing its file into the output folder.
"""
import json
import os
import re
import tempfile

from . import _tools
from .errors import AmkError, CompileError

_NO_PRINT_OP = "-mlir-print-op-on-diagnostic=false"


class Kernel:
    """A compiled megakernel: ``ptx`` (path), ``manifest_path``, ``manifest``
    (dict, docs/megakernel-abi.md), ``stats`` (the --amk-schedule-stats JSON
    object, {} when unknown), ``schedule`` (the validated schedule's .mlir
    path, or None) and ``out_dir``."""

    def __init__(self, ptx, stats=None, schedule=None):
        self.ptx = os.path.abspath(str(ptx))
        self.manifest_path = manifest_path(self.ptx)
        self.out_dir = os.path.dirname(self.ptx)
        self.stats = dict(stats or {})
        self.schedule = schedule
        try:
            with open(self.manifest_path, encoding="utf-8") as f:
                self.manifest = json.load(f)
        except OSError as e:
            raise AmkError("cannot read the manifest of %s: %s"
                           % (self.ptx, e)) from None
        except ValueError as e:
            raise AmkError("%s is not JSON: %s"
                           % (self.manifest_path, e)) from None

    @classmethod
    def load(cls, ptx):
        """The kernel at ``ptx`` (its manifest beside it), compiled earlier."""
        return cls(ptx)

    @property
    def chip(self):
        return self.manifest.get("chip")

    def __repr__(self):
        return "Kernel(%r, chip=%r, tasks=%s)" % (
            self.ptx, self.chip, self.stats.get("tasks", "?"))


def manifest_path(ptx):
    """X.manifest.json for X.ptx (the .ptx suffix replaced)."""
    ptx = str(ptx)
    base = ptx[:-4] if ptx.endswith(".ptx") else ptx
    return base + ".manifest.json"


def _knob_text(knobs):
    """key=value pairs for a pass option string; underscores become '-'."""
    parts = []
    for key, value in knobs.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        parts.append("%s=%s" % (key.replace("_", "-"), value))
    return " ".join(parts)


def _last_json_object(text):
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


def _import(model_dir, out, kv_rows=None, kv_dtype=None):
    """amk-translate --import-hf: the naive model-level program."""
    args = ["--import-hf", model_dir, "-o", out]
    if kv_rows is not None:
        args.append("--kv-rows=%d" % kv_rows)
    if kv_dtype is not None:
        args.append("--kv-dtype=%s" % kv_dtype)
    _tools.run("import", "amk-translate", args)


#: The wait cost the statistics are computed with, whatever the sync-ns knob
#: steers the assignment with, so that predictions of different
#: configurations are comparable (the knob's default).
STATS_SYNC_NS = 1000
#: The per-task cost the statistics are computed with: none, so that the
#: makespan is bytes plus waits (amk/costmodel.py fits its own per-task term).
STATS_TASK_NS = 0


def write_config(config, path):
    """Writes the knob object ``config`` (keys as in docs/scheduling.md, ``_``
    standing for ``-``) to ``path`` for ``--amk-compile="config=PATH"``."""
    if not isinstance(config, dict):
        raise AmkError("a schedule config must be a JSON object of knobs, "
                       "not %s" % type(config).__name__)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({str(k).replace("_", "-"): v for k, v in config.items()},
                  f, indent=1, sort_keys=True)
        f.write("\n")
    return path


def _config_path(config, out_dir, name):
    """The config file to pass: ``config`` itself when it is a path, else the
    object written to out_dir/NAME.config.json; None without a config."""
    if config is None:
        return None
    if isinstance(config, dict):
        return write_config(config, os.path.join(out_dir, name + ".config.json"))
    path = str(config)
    if not os.path.isfile(path):
        raise AmkError("%s: no such schedule config file" % path)
    return os.path.abspath(path)


def _stats_flag(position=None):
    """--amk-schedule-stats as the tuner reads it: JSON, the fixed wait cost,
    costs at decode ``position`` (None: the program's)."""
    flag = "--amk-schedule-stats=json sync-ns=%d task-ns=%d" % (
        STATS_SYNC_NS, STATS_TASK_NS)
    return flag if position is None else flag + " position=%d" % position


def _schedule(program, out, chip, knobs, config=None, validate=True,
              position=None):
    """amk-opt --amk-compile (which validates unless ``validate`` is False)
    with the knobs of the file ``config`` (explicit ``knobs`` win); returns
    the statistics (costs at decode ``position``)."""
    options = dict(chip=chip, **knobs)
    if config is not None:
        if any(c.isspace() for c in config):
            raise AmkError("the config path %r contains white space, which "
                           "a pass option cannot hold" % config)
        options["config"] = config
    if not validate:
        options["validate"] = False
    done = _tools.run("compile", "amk-opt", [
        program, "--amk-compile=%s" % _knob_text(options),
        _stats_flag(position), _NO_PRINT_OP, "-o", out])
    return _last_json_object(done.stderr)


def stats_of(schedule, position=None):
    """The --amk-schedule-stats JSON object of a scheduled .mlir file (costs
    at decode ``position``)."""
    done = _tools.run("stats", "amk-opt", [
        schedule, _stats_flag(position), _NO_PRINT_OP, "-o", os.devnull])
    return _last_json_object(done.stderr)


def _lower(schedule, out, block_size=None):
    """amk-opt --amk-lower-megakernel: the gpu.module with its manifest."""
    lower = "--amk-lower-megakernel"
    if block_size is not None:
        lower += "=block-size=%d" % block_size
    _tools.run("lower", "amk-opt", [schedule, lower, _NO_PRINT_OP, "-o", out])


def compile(model_dir, chip="sm_90a", out_dir=None, kv_rows=None,
            kv_dtype=None, block_size=None, name="kernel", progress=None,
            config=None, **knobs):
    """Compiles the HF checkpoint in ``model_dir`` to ``out_dir/NAME.ptx``.

    ``chip`` and ``knobs`` (``sms=``, ``qkv_cols=``, ``strategy=``, ... as in
    docs/scheduling.md; ``_`` may stand for ``-``) go to --amk-compile, as
    do the knobs of ``config`` (a dict, or the path of a JSON object such as
    the best.json of ``python -m amk tune``; explicit ``knobs`` win);
    ``kv_rows``/``kv_dtype`` to the importer, ``block_size`` to the lowering.
    ``out_dir`` defaults to a new temporary folder (kept). ``progress``: a
    callable taking one message per step. Raises CompileError with the failing
    tool's diagnostics.
    """
    model_dir = str(model_dir)
    if not os.path.isfile(os.path.join(model_dir, "config.json")):
        raise AmkError("%s is not a HuggingFace model folder (no config.json)"
                       % model_dir)
    if out_dir is None:
        out_dir = tempfile.mkdtemp(prefix="amk-")
    out_dir = str(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    say = progress or (lambda message: None)
    files = {step: os.path.join(out_dir, "%s.%s.mlir" % (name, step))
             for step in ("model", "schedule", "megakernel")}
    ptx = os.path.join(out_dir, name + ".ptx")

    say("import %s" % model_dir)
    _import(model_dir, files["model"], kv_rows, kv_dtype)
    say("schedule and validate for %s" % chip)
    stats = _schedule(files["model"], files["schedule"], chip, knobs,
                      config=_config_path(config, out_dir, name))
    say("lower to the megakernel")
    _lower(files["schedule"], files["megakernel"], block_size)
    say("emit PTX")
    _tools.run("to-ptx", "amk-translate",
               [files["megakernel"], "--to-ptx", "-o", ptx])
    say("compiled: %s (%s tasks)" % (ptx, stats.get("tasks", "?")))
    return Kernel(ptx, stats=stats, schedule=files["schedule"])


class Violation:
    """One validator error: ``message`` (with its witness: the tasks,
    events, regions or cycle), ``location`` (FILE:LINE:COL) and ``notes``."""

    def __init__(self, location, message):
        self.location = location
        self.message = message
        self.notes = []

    def __repr__(self):
        return "Violation(%r, %r)" % (self.location, self.message)

    def __str__(self):
        return "\n".join(["%s: %s" % (self.location, self.message)] +
                         ["  note: " + note for note in self.notes])


class Report:
    """The validator's verdict: ``certified``, ``violations`` (reported ones),
    ``total`` (all violations, also those cut by max_diagnostics) and the
    raw ``diagnostics``. True in a boolean context when certified."""

    def __init__(self, certified, violations, total, diagnostics):
        self.certified = certified
        self.violations = violations
        self.total = total
        self.diagnostics = diagnostics

    def __bool__(self):
        return self.certified

    def __str__(self):
        if self.certified:
            return "certified: deadlock-free and race-free"
        lines = ["rejected: %d violation(s)" % self.total]
        lines += [str(v) for v in self.violations]
        return "\n".join(lines)


_DIAGNOSTIC = re.compile(
    r"^(?P<loc>\S.*?): (?P<severity>error|warning|note|remark): (?P<msg>.*)$")
_REJECTED = re.compile(r"^schedule rejected: (\d+) violation")


def _parse_report(returncode, diagnostics, command):
    violations, total, rejected = [], 0, False
    for line in diagnostics.splitlines():
        match = _DIAGNOSTIC.match(line)
        if not match:
            continue
        message = match.group("msg")
        if match.group("severity") == "note":
            if violations:
                violations[-1].notes.append(message)
            continue
        if match.group("severity") != "error":
            continue
        summary = _REJECTED.match(message)
        if summary:
            rejected = True
            total += int(summary.group(1))
        else:
            violations.append(Violation(match.group("loc"), message))
    if returncode == 0:
        return Report(True, [], 0, diagnostics)
    if not rejected:
        raise CompileError("validate", command, returncode, diagnostics)
    return Report(False, violations, max(total, len(violations)), diagnostics)


def _schedule_source(path_or_json, folder):
    """(path, is_json) of the schedule to validate, written into folder when
    given as a dict or as text."""
    if isinstance(path_or_json, dict):
        path = os.path.join(folder, "schedule.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(path_or_json, f)
        return path, True
    text = str(path_or_json)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        path = os.path.join(folder, "schedule.json")
    elif "amk.program" in text and "\n" in text:
        path = os.path.join(folder, "schedule.mlir")
    else:
        if not os.path.isfile(text):
            raise AmkError("%s: no such schedule file" % text)
        return text, text.endswith(".json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path, path.endswith(".json")


def validate(path_or_json, partial_waits=None, max_diagnostics=None):
    """Certifies a schedule deadlock-free and race-free with --amk-validate.

    ``path_or_json``: a .mlir or .json file path, a JSON schedule as a dict or
    text (ir_version 0.x, imported with --import-amk-json), or MLIR text.
    Returns a Report; raises CompileError when the input cannot be read.
    """
    options = _knob_text({"partial-waits": partial_waits,
                          "max-diagnostics": max_diagnostics})
    flag = "--amk-validate" + ("=" + options if options else "")
    with tempfile.TemporaryDirectory(prefix="amk-validate-") as folder:
        path, is_json = _schedule_source(path_or_json, folder)
        if is_json:
            imported = os.path.join(folder, "imported.mlir")
            _tools.run("import-json", "amk-translate",
                       ["--import-amk-json", path, "-o", imported])
            path = imported
        args = [path, flag, _NO_PRINT_OP, "-o", os.devnull]
        done = _tools.run("validate", "amk-opt", args, check=False)
        return _parse_report(done.returncode, done.stderr,
                             [_tools.tool("amk-opt")] + args)
