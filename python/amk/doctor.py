"""python -m amk doctor: what this installation found and what is missing.

Each line is ``ok``, ``missing`` or ``none`` with what it is for; the exit
code is 0 when everything needed to compile and run on the CPU path (the
four tools and the runtime library) was found, else 1. A GPU, transformers,
tokenizers, FastAPI and uvicorn are optional, each named with what it
enables.
"""
import ctypes
import importlib
import os
import shutil
import subprocess

from . import _tools, __version__
from .errors import AmkError

TOOLS = ("amk-opt", "amk-translate", "amk-run", "amk-ref-run")
OPTIONAL = (("torch", "transformers' references and generate()"),
            ("transformers", "references in fp32, amk.hf, chat templates"),
            ("tokenizers", "text prompts (tokenizer.json)"),
            ("fastapi", "python -m amk serve"),
            ("uvicorn", "python -m amk serve"))


def _where():
    if os.environ.get("AMK_BIN"):
        return "$AMK_BIN"
    folder = _tools.bin_dir()
    if folder == _tools.PACKAGED:
        return "inside the installed package"
    if folder:
        return "the checkout's build"
    return "PATH"


def _gpu():
    """(GPU line, driver line)."""
    smi = shutil.which("nvidia-smi")
    gpu = "none: nvidia-smi not found (the CPU path still works: --cpu)"
    if smi:
        try:
            done = subprocess.run(
                [smi, "--query-gpu=name,driver_version",
                 "--format=csv,noheader"], stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
            lines = done.stdout.strip().splitlines()
            gpu = ("ok: " + "; ".join(l.strip() for l in lines) if
                   done.returncode == 0 and lines else
                   "none: nvidia-smi failed: %s" % done.stderr.strip()[:200])
        except (OSError, subprocess.SubprocessError) as e:
            gpu = "none: nvidia-smi failed: %s" % e
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
        version = ctypes.c_int()
        cuda.cuDriverGetVersion(ctypes.byref(version))
        driver = "ok: libcuda.so.1, CUDA %d.%d" % (version.value // 1000,
                                                   version.value % 1000 // 10)
    except OSError:
        driver = "none: libcuda.so.1 cannot be loaded (GPU runs need the " \
                 "NVIDIA driver)"
    return gpu, driver


def report():
    """(lines, ok): the findings and whether the essentials were found."""
    lines = ["amk %s at %s" % (__version__, os.path.dirname(
        os.path.abspath(__file__)))]
    ok = True
    lines.append("tools from %s" % _where())
    for name in TOOLS:
        try:
            lines.append("  %-13s ok: %s" % (name, _tools.tool(name)))
        except AmkError as e:
            ok = False
            lines.append("  %-13s missing: %s" % (name, e))
    try:
        lines.append("  %-13s ok: %s" % ("runtime", _tools.runtime_library()))
    except AmkError as e:
        ok = False
        lines.append("  %-13s missing: %s" % ("runtime", e))
    gpu, driver = _gpu()
    lines.append("  %-13s %s" % ("GPU", gpu))
    lines.append("  %-13s %s" % ("driver", driver))
    for name, purpose in OPTIONAL:
        try:
            module = importlib.import_module(name)
            lines.append("  %-13s ok: %s" % (
                name, getattr(module, "__version__", "installed")))
        except Exception as e:  # noqa: BLE001 - a broken install counts too
            lines.append("  %-13s missing (%s): needed for %s" % (
                name, type(e).__name__, purpose))
    lines.append("essentials (tools and runtime): %s"
                 % ("found" if ok else "MISSING"))
    return lines, ok
