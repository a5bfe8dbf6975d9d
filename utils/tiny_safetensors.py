"""Writes small fp32 safetensors files for test checkpoints (standard
library only, so CI needs no numpy or safetensors package)."""
import json
import struct


def write_f32(path, tensors):
    """tensors: name -> (shape, flat list of floats), written in order."""
    header, data = {}, b""
    for name, (shape, values) in tensors.items():
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)
