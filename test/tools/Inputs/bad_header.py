"""Writes DIR/<case>/model.safetensors for the header-reading tests.

bad_header.py BASE DIR
BASE is a valid safetensors file (its tensors and data are kept). Each case
changes its header text:
  array     the header is a JSON array
  truncated the header ends inside the second entry (padded with spaces)
  duplicate the first tensor is listed twice
  extra-bad an extra tensor no program needs has an unknown dtype
  extra-ok  an extra tensor no program needs, valid
and DIR/<case>/model.safetensors.index.json beside BASE as its one shard:
  index-dup     a tensor listed twice in the weight map
  index-array   the weight map is an array
  index-missing no weight map
  index-parent  a shard named "../model-1.safetensors"
  index-dot     a shard named "."
  index-dots    a shard named "model..safetensors" (".." anywhere is refused)
"""
import json
import os
import struct
import sys

base, out = sys.argv[1], sys.argv[2]
with open(base, "rb") as f:
    raw = f.read()
length = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + length])
data = raw[8 + length:]
entries = [json.dumps(k) + ": " + json.dumps(v) for k, v in header.items()]
extra = '"extra.weight": {"dtype": "%s", "shape": [0], "data_offsets": [0, 0]}'
cases = {
    "array": "[" + ", ".join(entries) + "]",
    "truncated": "{" + entries[0] + ", " + entries[1][:20],
    "duplicate": "{" + ", ".join(entries + entries[:1]) + "}",
    "extra-bad": "{" + ", ".join(entries + [extra % "F4"]) + "}",
    "extra-ok": "{" + ", ".join(entries + [extra % "F32"]) + "}",
}
shard = '"model-1.safetensors"'
names = [json.dumps(k) for k in header]
indexes = {
    "index-dup": '{"weight_map": {%s}}' % ", ".join(
        n + ": " + shard for n in names + names[:1]),
    "index-array": '{"weight_map": [%s]}' % shard,
    "index-missing": '{"metadata": {}}',
    "index-parent": '{"weight_map": {%s: "../model-1.safetensors"}}' % names[0],
    "index-dot": '{"weight_map": {%s: "."}}' % names[0],
    "index-dots": '{"weight_map": {%s: "model..safetensors"}}' % names[0],
}
for name, text in indexes.items():
    os.makedirs(os.path.join(out, name), exist_ok=True)
    with open(os.path.join(out, name, "model.safetensors.index.json"), "w") as f:
        f.write(text)
    with open(os.path.join(out, name, "model-1.safetensors"), "wb") as f:
        f.write(raw)
for name, text in cases.items():
    os.makedirs(os.path.join(out, name), exist_ok=True)
    blob = text.encode()
    with open(os.path.join(out, name, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob + data)
