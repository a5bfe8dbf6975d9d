"""AMK from Python: compile a HuggingFace Llama-family checkpoint into one
certified persistent GPU megakernel, validate schedules, and decode.

    import amk
    kernel = amk.compile("path/to/model", chip="sm_90a")
    with amk.Megakernel(kernel, "path/to/model", device="cpu") as mk:
        print(mk.generate([1, 17, 42], max_new_tokens=16), mk.latency_ms)

See docs/python.md.
"""
from .compiler import Kernel, Report, Violation, compile, validate
from .errors import AmkError, CompileError, RunError
from .runtime import Megakernel

__all__ = ["AmkError", "CompileError", "Kernel", "Megakernel", "Report",
           "RunError", "Violation", "compile", "validate"]
__version__ = "0.1.0"
