"""The C API of libamk_runtime.so (include/AMK/Runtime/amk_runtime.h) as
ctypes signatures: the one declaration the package, the benchmark and the
C API's test use."""
import ctypes

_I64 = ctypes.c_int64
_I64P = ctypes.POINTER(ctypes.c_int64)
_P = ctypes.c_void_p

# name: (restype, argtypes), in the header's order.
SIGNATURES = {
    "amk_open": (_P, [ctypes.c_char_p, ctypes.c_char_p, _I64, ctypes.c_int, _I64]),
    "amk_step": (ctypes.c_int, [_P, _I64, _I64, _I64P, ctypes.POINTER(ctypes.c_float), _I64]),
    "amk_generate": (ctypes.c_int, [_P, _I64P, _I64, _I64, _I64P]),
    "amk_set_steps_per_launch": (ctypes.c_int, [_P, _I64]),
    "amk_vocab_size": (_I64, [_P]),
    "amk_median_step_ms": (ctypes.c_double, [_P]),
    "amk_close": (None, [_P]),
    "amk_last_error": (ctypes.c_char_p, []),
}


def declare(lib):
    """Declares every function of the C API on the loaded library `lib`
    (a ctypes.CDLL) and returns it."""
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


def load(path):
    """Loads libamk_runtime.so from `path` with its signatures declared."""
    return declare(ctypes.CDLL(path))
