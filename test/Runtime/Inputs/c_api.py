#!/usr/bin/env python3
"""Drives libamk_runtime.so through ctypes as other languages would.

Usage: c_api.py LIBRARY INPUTS_DIR. Prints what each call returned.
"""
import ctypes
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from amk import capi  # noqa: E402

lib = capi.load(sys.argv[1])
inputs = sys.argv[2]


def open_session(model, kernel="counter.ptx", max_seq=0):
    return lib.amk_open(("%s/%s" % (inputs, model)).encode(),
                        ("%s/%s" % (inputs, kernel)).encode(), max_seq, 1, 0)


session = open_session("model")
print("vocab:", lib.amk_vocab_size(session))
prompt = (ctypes.c_int64 * 2)(6, 0)
out = (ctypes.c_int64 * 3)()
print("generate:", lib.amk_generate(session, prompt, 2, 3, out), list(out))
print("median positive:", lib.amk_median_step_ms(session) > 0)
lib.amk_close(session)

session = open_session("model")
next_token = ctypes.c_int64()
logits = (ctypes.c_float * 8)()
code = lib.amk_step(session, 5, 0, ctypes.byref(next_token), logits, 8)
print("step:", code, next_token.value, list(logits))
code = lib.amk_step(session, 5, 9, ctypes.byref(next_token), None, 0)
print("step past max-seq:", code, lib.amk_last_error().decode())
code = lib.amk_step(session, 5, 1, ctypes.byref(next_token), None, 0)
print("step after a rejected input:", code, next_token.value)
lib.amk_close(session)

print("open bad:", open_session("bf16"), lib.amk_last_error().decode())
session = open_session("model", "deadlock.ptx")
print("deadlock:", lib.amk_generate(session, prompt, 1, 1, out),
      lib.amk_last_error().decode())
code = lib.amk_step(session, 1, 0, ctypes.byref(next_token), None, 0)
print("step after a failed step:", code, lib.amk_last_error().decode())
lib.amk_close(session)

session = open_session("model")
print("steps per launch past the compiled 1:",
      lib.amk_set_steps_per_launch(session, 2), lib.amk_last_error().decode())
print("steps per launch 1:", lib.amk_set_steps_per_launch(session, 1))
lib.amk_close(session)
