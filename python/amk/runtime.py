"""amk.Megakernel: the runtime's C API (amk_runtime.h) through ctypes."""
import ctypes
import os

from . import _tools, capi
from .compiler import Kernel
from .errors import AmkError, RunError

_LIB = None


def _library():
    """libamk_runtime.so with every function's signature declared."""
    global _LIB
    if _LIB is not None:
        return _LIB
    lib = capi.load(_tools.runtime_library())
    _LIB = lib
    return lib


def _compiled_rows(manifest):
    """The KV rows the kernel was compiled for (the largest kv_cache shape's
    first dimension), or None when the manifest has no KV cache."""
    rows = [b["shape"][0] for b in manifest.get("buffers", [])
            if b.get("kind") == "kv_cache" and b.get("shape")]
    return max(rows) if rows else None


class Megakernel:
    """An open megakernel session bound to the checkpoint in ``model_dir``.

    ``kernel``: a Kernel or the path of its .ptx. ``max_seq``: KV rows to
    allocate, capped at the rows the kernel was compiled for. ``device``:
    "cuda" (the GPU, CUDA driver API) or "cpu" (the task table executed on
    the CPU; no driver needed). ``timeout_ms``: the watchdog's bound on one
    wait (0 = never). Use as a context manager or call close().
    """

    def __init__(self, kernel, model_dir, max_seq=4096, device="cuda",
                 timeout_ms=2000):
        if device not in ("cuda", "cpu"):
            raise AmkError("device must be 'cuda' or 'cpu', not %r" % device)
        self.kernel = kernel if isinstance(kernel, Kernel) else Kernel(kernel)
        self.model_dir = str(model_dir)
        self.device = device
        rows = _compiled_rows(self.kernel.manifest)
        self.max_seq = min(max_seq, rows) if rows else max_seq
        self.timeout_ms = timeout_ms
        self.position = 0
        self._used = False
        self._broken = False
        self._session = None
        self._lib = _library()
        self._open()

    def _open(self):
        self._session = self._lib.amk_open(
            self.model_dir.encode(), self.kernel.ptx.encode(), self.max_seq,
            1 if self.device == "cpu" else 0, self.timeout_ms)
        if not self._session:
            raise RunError(2, self._error())
        self.position = 0
        self._used = False
        self._broken = False

    def _error(self):
        return (self._lib.amk_last_error() or b"").decode(errors="replace")

    def _live(self):
        if not self._session:
            raise AmkError("the megakernel session is closed")
        return self._session

    @property
    def vocab_size(self):
        """The length of the logits."""
        return int(self._lib.amk_vocab_size(self._live()))

    @property
    def latency_ms(self):
        """Median time per decode step (one token) so far in milliseconds
        (CUDA events on the GPU, the wall clock on the CPU); None before the
        first step."""
        value = self._lib.amk_median_step_ms(self._live())
        return None if value < 0 else value

    def step(self, token, pos=None, logits=False):
        """Feeds ``token`` at ``pos`` (default: the next position) and returns
        the greedy next token, or (next token, list of logits) with logits."""
        session = self._live()
        pos = self.position if pos is None else pos
        next_token = ctypes.c_int64()
        buffer, length = None, 0
        self._used = True
        if logits:
            length = self.vocab_size
            buffer = (ctypes.c_float * length)()
        code = self._lib.amk_step(session, int(token), int(pos),
                                  ctypes.byref(next_token), buffer, length)
        if code != 0:
            self._broken = True
            raise RunError(code, self._error())
        self.position = pos + 1
        if logits:
            return next_token.value, list(buffer)
        return next_token.value

    def generate(self, input_ids, max_new_tokens=32, steps_per_launch=1):
        """Feeds ``input_ids`` at positions 0, 1, ... and returns the
        ``max_new_tokens`` tokens chosen greedily. Starts from a fresh KV
        cache: the session is reopened when it ran steps before (also after
        a failed step, which stops a session). ``steps_per_launch`` > 1 runs
        that many decode steps per kernel launch after the prompt, the token
        staying on the GPU (the kernel must be lowered with ``steps`` >= it:
        ``--amk-lower-megakernel=steps=N``)."""
        ids = [int(t) for t in input_ids]
        if not ids:
            raise AmkError("generate needs at least one input id")
        if max_new_tokens < 0:
            raise AmkError("max_new_tokens must be >= 0")
        self._live()
        if self._used:
            self._lib.amk_close(self._session)
            self._session = None
            self._open()
        self._used = True
        code = self._lib.amk_set_steps_per_launch(self._session,
                                                  int(steps_per_launch))
        if code != 0:
            raise RunError(code, self._error())
        prompt = (ctypes.c_int64 * len(ids))(*ids)
        out = (ctypes.c_int64 * max(max_new_tokens, 1))()
        code = self._lib.amk_generate(self._session, prompt, len(ids),
                                      max_new_tokens, out)
        self.position = len(ids) + max_new_tokens
        if code != 0:
            raise RunError(code, self._error())
        # Entries after an end-of-sequence token are -1.
        return [t for t in list(out)[:max_new_tokens] if t >= 0]

    def rewind(self):
        """Back to position 0 for a new sequence without reopening: a step
        at position p reads KV rows 0..p only, so rows a longer earlier
        sequence left are never read. A session stopped by a failed step is
        reopened."""
        self._live()
        if self._broken:
            self._lib.amk_close(self._session)
            self._session = None
            self._open()
        self.position = 0

    def stream(self, input_ids, max_new_tokens, pick=None, stop_ids=()):
        """Yields up to ``max_new_tokens`` new tokens one at a time for
        ``input_ids`` fed from position 0 (``rewind``). ``pick(logits)``
        chooses each token from the step's logits (sampling); None is the
        kernel's greedy choice (no logits copied). Stops after a token of
        ``stop_ids``. The prompt plus the new tokens must fit ``max_seq``."""
        ids = [int(t) for t in input_ids]
        if not ids:
            raise AmkError("at least one input id is needed")
        if len(ids) + max_new_tokens - 1 > self.max_seq:
            raise AmkError("%d prompt ids + %d new tokens exceed the %d KV "
                           "rows" % (len(ids), max_new_tokens, self.max_seq))
        self.rewind()
        for token in ids[:-1]:
            self.step(token)
        token = ids[-1]
        for _ in range(max_new_tokens):
            if pick is None:
                token = self.step(token)
            else:
                token = pick(self.step(token, logits=True)[1])
            yield token
            if token in stop_ids:
                return

    def generate_text(self, prompt, max_new_tokens=32):
        """Text in, text out with the model folder's tokenizer: ``prompt``
        a string, or a list of chat messages ({"role", "content"}) put
        through the checkpoint's chat template. AmkError saying what is
        missing (tokenizer.json, tokenizers, transformers) otherwise."""
        from . import text
        codec = text.load(self.model_dir)
        ids = (codec.chat(prompt) if isinstance(prompt, (list, tuple))
               else codec.encode(prompt))
        return codec.decode(self.generate(ids, max_new_tokens))

    def close(self):
        """Frees the session (idempotent)."""
        if self._session:
            self._lib.amk_close(self._session)
            self._session = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_session", None) and getattr(self, "_lib", None):
            self.close()


def load_tokenizer(model_dir):
    """The `tokenizers` Tokenizer of model_dir/tokenizer.json."""
    path = os.path.join(str(model_dir), "tokenizer.json")
    if not os.path.isfile(path):
        raise AmkError("text is not available: %s has no tokenizer.json; "
                       "pass token ids to generate() instead" % model_dir)
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise AmkError("text is not available: the 'tokenizers' package is "
                       "not installed (pip install tokenizers); pass token "
                       "ids to generate() instead") from None
    return Tokenizer.from_file(path)
