"""``python -m amk mcp``: the Model Context Protocol over stdio.

JSON-RPC 2.0, one message per line on stdin and stdout (the MCP stdio
transport), written on the standard library. Methods: ``initialize``,
``notifications/initialized`` (and any other notification: no answer),
``ping``, ``tools/list`` and ``tools/call``. Tools: ``environment``,
``compile``, ``validate``, ``evaluate`` and ``tune``; each answers one JSON
object, as text content and as ``structuredContent``. A tool that cannot do
what it was asked (an unsafe or invalid proposal, a failed compile) answers
``isError: true`` with the reason in that object; protocol mistakes
(unknown method or tool, bad arguments) are JSON-RPC errors. Progress goes
to stderr, never to stdout.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from . import _tools, compiler, reference, search, trial, tune
from .errors import AmkError, CompileError

PROTOCOL_VERSIONS = ("2025-06-18", "2025-03-26", "2024-11-05")
SERVER = {"name": "amk", "version": "0.1"}
#: The largest budget the tune tool accepts (it answers in one call).
MAX_BUDGET = 32
PARSE_ERROR, INVALID_REQUEST, NO_METHOD, INVALID_PARAMS = (-32700, -32600,
                                                           -32601, -32602)

_MODEL = {"type": "string", "description": "model folder, or the name of "
          "one under the server's model root (e.g. llama-f32)"}
_CHIP = {"type": "string", "description": "target chip (default sm_90a)"}
_CONFIG = {"type": "object", "description": "schedule knobs (docs/"
           "scheduling.md), e.g. {\"qkv-cols\": 64, \"strategy\": "
           "\"balanced\"}; {} is our default"}
_DEVICE = {"type": "string", "enum": ["cpu", "cuda"],
           "description": "cpu: reference-path check, time predicted; cuda: "
           "also checked and timed on the GPU"}

TOOLS = [
    {"name": "environment",
     "description": "The chips the compiler targets, the device (GPU or "
     "not), the models found with and without golden output, the tools "
     "and the schedule knobs with their defaults.",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "compile",
     "description": "Compile a model for a chip with a schedule config to "
     "PTX + manifest; returns the paths and the schedule statistics "
     "(predicted_us, floor_us, tasks, ...).",
     "inputSchema": {"type": "object", "properties": {
         "model": _MODEL, "chip": _CHIP, "config": _CONFIG,
         "out_dir": {"type": "string"}}, "required": ["model"]}},
    {"name": "validate",
     "description": "Certify a schedule deadlock- and race-free: either "
     "'schedule' (a .mlir/.json path, JSON schedule text or MLIR text) or "
     "'model' + 'config' (scheduled, then certified). Returns certified and "
     "each violation with its witness.",
     "inputSchema": {"type": "object", "properties": {
         "schedule": {"type": "string"}, "model": _MODEL, "chip": _CHIP,
         "config": _CONFIG}}},
    {"name": "evaluate",
     "description": "One trial of a configuration: certify (an unsafe one "
     "is rejected with the validator's witness and never run), compile, "
     "check against the given golden or a reference made on the spot "
     "(transformers fp32, else the CPU reference executor), time on the "
     "GPU or predict on the CPU. 'schedule' instead of 'config' evaluates a scheduled program.",
     "inputSchema": {"type": "object", "properties": {
         "model": _MODEL, "chip": _CHIP, "config": _CONFIG,
         "schedule": {"type": "string"}, "device": _DEVICE,
         "golden": {"type": "string"}, "context": {"type": "integer"}},
         "required": ["model"]}},
    {"name": "tune",
     "description": "A bounded tuning loop from our default schedule: "
     "budget proposals (at most %d), kept when correct and >= 1%% faster; "
     "returns the summary (best config, times, speedup vs default, "
     "rejected count) and every trial." % MAX_BUDGET,
     "inputSchema": {"type": "object", "properties": {
         "model": _MODEL, "chip": _CHIP, "device": _DEVICE,
         "budget": {"type": "integer", "minimum": 0,
                    "maximum": MAX_BUDGET},
         "seed": {"type": "integer"}, "pool": {"type": "integer"},
         "log": {"type": "string"}, "out": {"type": "string"}},
         "required": ["model", "budget"]}},
]


class ToolError(Exception):
    """A tool could not do what was asked; ``payload`` is its answer."""

    def __init__(self, payload):
        super().__init__(payload.get("error", ""))
        self.payload = payload


class BadParams(Exception):
    """Arguments that do not fit the tool's schema (JSON-RPC -32602)."""


def _progress(message):
    print("amk: " + message, file=sys.stderr, flush=True)


class Server:
    """The tools over one model root; ``handle`` answers one message."""

    def __init__(self, root=None):
        self.root = root or os.path.join(_tools._REPO, "test", "models")
        self.initialized = False

    # --- arguments ---------------------------------------------------------
    def _model(self, args):
        name = args.get("model")
        if not isinstance(name, str) or not name:
            raise BadParams("'model' must be a model folder or name")
        path = name if os.path.isdir(name) else os.path.join(self.root, name)
        if not os.path.isfile(os.path.join(path, "config.json")):
            raise ToolError({"error": "model %r not found (a folder with "
                             "config.json, or a name under %s)"
                             % (name, self.root)})
        return path

    @staticmethod
    def _get(args, name, kind, default=None):
        value = args.get(name, default)
        if value is not None and not isinstance(value, kind):
            raise BadParams("'%s' must be %s" % (name, {
                str: "a string", dict: "an object", int: "an integer"}.get(
                    kind, kind.__name__)))
        if kind is int and isinstance(value, bool):
            raise BadParams("'%s' must be an integer" % name)
        return value

    def _config(self, args):
        config = self._get(args, "config", dict, {})
        try:
            return search.normalize(config)
        except AmkError as e:
            raise ToolError({"verdict": "invalid", "error": str(e)}) from None

    # --- tools ---------------------------------------------------------------
    def environment(self, args):
        chips = []
        try:
            done = subprocess.run([_tools.tool("amk-opt"), "--help"],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL,
                                  universal_newlines=True, timeout=60)
            match = re.search(r"--chip=<string> +- Architecture: ([\w, ]+)",
                              done.stdout)
            chips = [c.strip() for c in match.group(1).split(",")] if match \
                else []
        except (AmkError, OSError, subprocess.SubprocessError):
            pass
        tools = {}
        for name in ("amk-opt", "amk-translate", "amk-run"):
            try:
                tools[name] = _tools.tool(name)
            except AmkError:
                tools[name] = None
        gpu = trial.device_name("cuda") if shutil.which("nvidia-smi") else None
        models = []
        if os.path.isdir(self.root):
            for name in sorted(os.listdir(self.root)):
                path = os.path.join(self.root, name)
                if os.path.isfile(os.path.join(path, "config.json")):
                    models.append({"name": name, "path": path, "golden":
                                   os.path.isfile(os.path.join(
                                       path, "golden.json"))})
        return {"chips": chips, "device": {"cuda": gpu is not None,
                                           "name": gpu or "cpu"},
                "models": models, "model_root": self.root, "tools": tools,
                "knobs": search.DEFAULTS, "commit": trial.commit()}

    def compile(self, args):
        model = self._model(args)
        config = self._config(args)
        out_dir = self._get(args, "out_dir", str) or tempfile.mkdtemp(
            prefix="amk-mcp-")
        try:
            kernel = compiler.compile(model, chip=self._get(
                args, "chip", str, "sm_90a"), out_dir=out_dir, config=config)
        except CompileError as e:
            raise ToolError({"error": str(e), "step": e.step,
                             "diagnostics": e.diagnostics}) from None
        return {"ptx": kernel.ptx, "manifest": kernel.manifest_path,
                "schedule": kernel.schedule, "config": config,
                "stats": kernel.stats}

    def validate(self, args):
        schedule = self._get(args, "schedule", str)
        if schedule is None:
            model = self._model(args)
            config = self._config(args)
            folder = tempfile.mkdtemp(prefix="amk-mcp-")
            ws = trial.Workspace(model, self._get(args, "chip", str, "sm_90a"),
                                 folder, progress=_progress)
            try:
                schedule = ws.screen(config)[0]
            except CompileError as e:
                raise ToolError({"verdict": "invalid", "error":
                                 e.diagnostics.strip() or str(e)}) from None
        try:
            report = compiler.validate(schedule)
        except (CompileError, AmkError) as e:
            raise ToolError({"error": str(e)}) from None
        return {"certified": report.certified, "total": report.total,
                "schedule": schedule if os.path.isfile(schedule) else None,
                "violations": [{"message": v.message,
                                "location": v.location, "notes": v.notes}
                               for v in report.violations]}

    def evaluate(self, args):
        model = self._model(args)
        schedule = self._get(args, "schedule", str)
        proposal = ({"schedule": schedule} if schedule is not None
                    else self._get(args, "config", dict, {}))
        device = self._get(args, "device", str, "cpu")
        folder = tempfile.mkdtemp(prefix="amk-mcp-")
        try:
            golden = reference.choose(
                model, self._get(args, "golden", str),
                reference.default_cache_dir(), progress=_progress).path
            runner = trial.Runner(model, golden, device=device,
                                  work_dir=folder)
            ws = trial.Workspace(model, self._get(args, "chip", str,
                                                  "sm_90a"), folder,
                                 runner=runner, context=self._get(
                                     args, "context", int, 1),
                                 progress=_progress)
            record = ws.evaluate(proposal, "mcp")
        except AmkError as e:
            raise ToolError({"error": str(e)}) from None
        if record["verdict"] not in tune.FINISHED:
            raise ToolError(dict(record, error=record["reason"]))
        return record

    def tune(self, args):
        model = self._model(args)
        budget = self._get(args, "budget", int)
        if budget is None or not 0 <= budget <= MAX_BUDGET:
            raise BadParams("'budget' must be an integer in [0, %d]"
                            % MAX_BUDGET)
        try:
            summary, records = tune.tune(
                model, chip=self._get(args, "chip", str, "sm_90a"),
                budget=budget, device=self._get(args, "device", str, "cpu"),
                log_path=self._get(args, "log", str),
                out=self._get(args, "out", str),
                seed=self._get(args, "seed", int, 0),
                pool=self._get(args, "pool", int, 4), progress=_progress)
        except AmkError as e:
            raise ToolError({"error": str(e)}) from None
        keep = ("trial", "source", "config", "verdict", "reason",
                "predicted_us", "measured_us", "floor_us", "kept")
        return {"summary": summary,
                "trials": [{k: r.get(k) for k in keep} for r in records]}

    # --- JSON-RPC ------------------------------------------------------------
    def _call(self, params):
        name = params.get("name")
        args = params.get("arguments") or {}
        if name not in {t["name"] for t in TOOLS}:
            raise BadParams("unknown tool %r" % name)
        if not isinstance(args, dict):
            raise BadParams("'arguments' must be an object")
        try:
            payload, error = getattr(self, name)(args), False
        except ToolError as e:
            payload, error = e.payload, True
        except AmkError as e:
            payload, error = {"error": str(e)}, True
        return {"content": [{"type": "text",
                             "text": json.dumps(payload, sort_keys=True)}],
                "structuredContent": payload, "isError": error}

    def _result(self, method, params):
        if method == "initialize":
            asked = params.get("protocolVersion")
            self.initialized = True
            return {"protocolVersion": asked if asked in PROTOCOL_VERSIONS
                    else PROTOCOL_VERSIONS[0],
                    "capabilities": {"tools": {"listChanged": False}},
                    "serverInfo": SERVER,
                    "instructions": "Propose schedule configurations (knobs "
                    "only); evaluate certifies, checks and times them. "
                    "Call environment first."}
        if method == "ping":
            return {}
        if method == "tools/list":
            return {"tools": TOOLS}
        if method == "tools/call":
            return self._call(params)
        raise LookupError(method)

    def handle(self, message):
        """The answer to one decoded message (None for a notification)."""
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0" \
                or not isinstance(message.get("method", ""), str):
            return _error(message.get("id") if isinstance(message, dict)
                          else None, INVALID_REQUEST, "not a JSON-RPC 2.0 "
                          "request")
        if "method" not in message:
            return None  # a response to us: we send no requests
        if "id" not in message:
            return None  # notifications/initialized, cancelled, ...
        ident, params = message["id"], message.get("params") or {}
        if not isinstance(params, dict):
            return _error(ident, INVALID_PARAMS, "params must be an object")
        try:
            return {"jsonrpc": "2.0", "id": ident,
                    "result": self._result(message["method"], params)}
        except LookupError:
            return _error(ident, NO_METHOD, "method not found: %s"
                          % message["method"])
        except BadParams as e:
            return _error(ident, INVALID_PARAMS, str(e))


def _error(ident, code, message):
    return {"jsonrpc": "2.0", "id": ident,
            "error": {"code": code, "message": message}}


def serve(stdin, stdout, root=None):
    """Answers the messages of ``stdin`` on ``stdout`` until end of input;
    returns 0."""
    server = Server(root)
    for line in stdin:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError as e:
            answer = _error(None, PARSE_ERROR, "parse error: %s" % e)
        else:
            if isinstance(message, list):
                answer = [a for a in map(server.handle, message) if a] or None
            else:
                answer = server.handle(message)
        if answer:
            stdout.write(json.dumps(answer) + "\n")
            stdout.flush()
    return 0
