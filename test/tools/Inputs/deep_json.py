"""Writes JSON documents nested N arrays deep for every JSON reader.

deep_json.py OUT_DIR N creates in OUT_DIR:
  deep.json                      N nested arrays (schedule, golden, schedule config)
  config.json                    a config.json whose model_type nests N deep
  header.safetensors             a safetensors file whose metadata nests N deep
  model.safetensors.index.json   a shard index whose weight_map nests N deep
"""
import struct
import sys
from pathlib import Path

out, depth = Path(sys.argv[1]), int(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
nested = "[" * depth + "]" * depth
(out / "deep.json").write_text(nested)
(out / "config.json").write_text('{"model_type": ' + nested + "}")
header = ('{"__metadata__": {"x": ' + nested + "}}").encode()
(out / "header.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
(out / "model.safetensors.index.json").write_text('{"weight_map": ' + nested + "}")
