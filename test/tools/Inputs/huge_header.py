"""Writes a safetensors file whose header is huge: many one-element tensors.

huge_header.py OUT --header-mb M [--base FILE] [--index]
The header lists the tensors of FILE (a safetensors file, kept byte for
byte) followed by F32 tensors of shape [1] named
"extra.layers.<i>.mlp.tiny_proj.weight" until the header reaches M MB. A
reader that holds the whole parse tree of such a header takes tens of times
its size; one that walks the entries needs little more than the tensors.
With --index, OUT is a shard: model.safetensors.index.json beside it maps
every tensor to it.
"""
import argparse
import json
import os
import struct

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--header-mb", type=float, required=True)
parser.add_argument("--base")
parser.add_argument("--index", action="store_true")
args = parser.parse_args()

header, data = {}, b""
if args.base:
    with open(args.base, "rb") as f:
        raw = f.read()
    length = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    data = raw[8 + length:]
text = json.dumps(header, separators=(",", ":"))[:-1] if header else "{"
parts, size, offset, i = [text], len(text), len(data), 0
target = int(args.header_mb * 1e6)
while size < target:
    entry = ('%s"extra.layers.%d.mlp.tiny_proj.weight":{"dtype":"F32",'
             '"shape":[1],"data_offsets":[%d,%d]}'
             % ("," if size > 1 else "", i, offset, offset + 4))
    parts.append(entry)
    size += len(entry)
    offset += 4
    i += 1
parts.append("}")
blob = "".join(parts).encode()
with open(args.out, "wb") as f:
    f.write(struct.pack("<Q", len(blob)))
    f.write(blob)
    f.write(data)
    f.write(b"\0" * (offset - len(data)))
if args.index:
    shard = os.path.basename(args.out)
    names = list(header) + ["extra.layers.%d.mlp.tiny_proj.weight" % k
                            for k in range(i)]
    with open(os.path.join(os.path.dirname(args.out) or ".",
                           "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": offset},
                   "weight_map": {n: shard for n in names}}, f)
print("%d tensors added, header %d bytes" % (i, len(blob)))
