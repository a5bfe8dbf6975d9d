"""The manifest's hashes (include/AMK/Support/TableHash.h) in Python.

`manifest_hash` is FNV-1a (64 bits) of a canonical walk of the manifest less
its hash members: a tag byte per value, object members sorted by key, every
number as the IEEE double it denotes, strings and containers prefixed by
their length (8 bytes, little-endian). `ptx_hash` is FNV-1a of the PTX
file's bytes. Tools that edit a manifest on purpose (utils/force_deadlock.py,
test/Runtime/Inputs/make_inputs.py) call rehash() after the edit.
"""
import struct

_MASK = (1 << 64) - 1
_HASH_MEMBERS = ("manifest_hash", "ptx_hash")


class _Hash:
    def __init__(self):
        self.value = 0xcbf29ce484222325

    def feed(self, data):
        h = self.value
        for b in data:
            h = ((h ^ b) * 0x100000001b3) & _MASK
        self.value = h

    def word(self, n):
        self.feed(struct.pack("<Q", n))

    def walk(self, value, top=False):
        if value is None:
            self.feed(b"n")
        elif isinstance(value, bool):
            self.feed(b"b" + bytes([1 if value else 0]))
        elif isinstance(value, (int, float)):
            self.feed(b"d" + struct.pack("<d", float(value)))
        elif isinstance(value, str):
            data = value.encode("utf-8")
            self.feed(b"s")
            self.word(len(data))
            self.feed(data)
        elif isinstance(value, list):
            self.feed(b"a")
            self.word(len(value))
            for element in value:
                self.walk(element)
        elif isinstance(value, dict):
            keys = sorted(k for k in value if not (top and k in _HASH_MEMBERS))
            self.feed(b"o")
            self.word(len(keys))
            for key in keys:
                self.walk(key)
                self.walk(value[key])
        else:
            raise TypeError(type(value))


def manifest_hash(manifest):
    """The `manifest_hash` the content of `manifest` (a dict) has."""
    h = _Hash()
    h.walk(manifest, top=True)
    return "%016x" % h.value


def ptx_hash(data):
    """The `ptx_hash` of the PTX file's bytes `data`."""
    h = _Hash()
    h.feed(data)
    return "%016x" % h.value


def rehash(manifest):
    """Sets `manifest_hash` to what the (edited) content hashes to."""
    manifest["manifest_hash"] = manifest_hash(manifest)
    return manifest
