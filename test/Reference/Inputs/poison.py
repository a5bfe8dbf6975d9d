"""Copies a test checkpoint or golden with one value made non-finite.

poison.py weight SRC_DIR DST_DIR TENSOR VALUE: DST_DIR gets SRC_DIR's
config.json and model.safetensors with element 3 of TENSOR (F32) set to
VALUE (nan, inf, -inf).
poison.py golden SRC DST: DST is golden SRC with logit 5 of step 1 set to
1e300 (finite as a double, infinite as the float a logit is).
"""
import json
import shutil
import struct
import sys
from pathlib import Path


def poison_weight(src, dst, tensor, value):
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "config.json", dst / "config.json")
    data = bytearray((src / "model.safetensors").read_bytes())
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    entry = header[tensor]
    assert entry["dtype"] == "F32", entry
    offset = 8 + length + entry["data_offsets"][0] + 3 * 4
    data[offset:offset + 4] = struct.pack("<f", float(value))
    (dst / "model.safetensors").write_bytes(bytes(data))


def poison_golden(src, dst):
    golden = json.loads(src.read_text())
    golden["logits"][1][5] = 123456.5
    text = json.dumps(golden)
    assert text.count("123456.5") == 1
    dst.write_text(text.replace("123456.5", "1e300"))


if __name__ == "__main__":
    if sys.argv[1] == "weight":
        poison_weight(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        poison_golden(Path(sys.argv[2]), Path(sys.argv[3]))
