//===- TableHash.h - Hashes binding a table and a PTX -----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Header-only and free of LLVM: the compiler (lib/Conversion/AMKToGPU,
// lib/Target/PTX) writes these hashes into the manifest and the runtime
// (lib/Runtime) recomputes them before it loads anything, so that a manifest
// is never run with another table or another PTX: `ptx_hash` of the PTX
// file's bytes, `manifest_hash` of every other member of the manifest (the
// task table and everything the PTX was generated from: buffers, variants
// and their static facts, events, roles). FNV-1a (64 bits): not a defence
// against a forger, who can rewrite the hash too (the verifier does not
// rely on it), but a check that the pieces were made together.
// utils/manifest_hash.py is the same hash in Python, for the tools that
// edit a manifest on purpose (utils/force_deadlock.py).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_TABLEHASH_H
#define AMK_SUPPORT_TABLEHASH_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace amk {
namespace support {

/// FNV-1a over \p size bytes at \p data, continuing from \p hash.
inline uint64_t fnv1a(const void *data, size_t size,
                      uint64_t hash = 0xcbf29ce484222325ull) {
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

/// \p hash as 16 lower-case hex digits.
inline std::string hashText(uint64_t hash) {
  static const char digits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4)
    text[i] = digits[hash & 15];
  return text;
}

/// The hash of a PTX text (every byte of the file).
inline std::string ptxHash(std::string_view ptx) {
  return hashText(fnv1a(ptx.data(), ptx.size()));
}

/// Builds the hash of a JSON value in a canonical form that every JSON
/// library of the project produces alike (llvm::json in the compiler,
/// nlohmann::json in the runtime, Python's json in the tools): a walk that
/// feeds each value with a tag byte, object members sorted by key, and
/// every number as the IEEE double it denotes (so `2`, `2.0` and `2e0` hash
/// alike, as serializers disagree on how they print them).
class CanonicalHash {
public:
  void null() { tag('n'); }
  void boolean(bool value) {
    tag('b');
    byte(value ? 1 : 0);
  }
  void number(double value) {
    uint64_t bits = 0;
    static_assert(sizeof(bits) == sizeof(value), "64-bit doubles");
    std::memcpy(&bits, &value, sizeof(bits));
    tag('d');
    word(bits);
  }
  void string(std::string_view text) {
    tag('s');
    word(text.size());
    hash = fnv1a(text.data(), text.size(), hash);
  }
  /// Starts an array of \p size elements (then each element).
  void array(size_t size) {
    tag('a');
    word(size);
  }
  /// Starts an object of \p size members (then, in key order, each key as
  /// a string and its value).
  void object(size_t size) {
    tag('o');
    word(size);
  }
  std::string text() const { return hashText(hash); }

private:
  void tag(char c) { byte(static_cast<unsigned char>(c)); }
  void byte(unsigned char value) { hash = fnv1a(&value, 1, hash); }
  void word(uint64_t value) {
    for (int i = 0; i < 8; ++i)
      byte(static_cast<unsigned char>(value >> (8 * i)));
  }
  uint64_t hash = 0xcbf29ce484222325ull;
};

/// The manifest members left out of `manifest_hash`: the hashes themselves.
inline bool isHashMember(std::string_view key) {
  return key == "manifest_hash" || key == "ptx_hash";
}

} // namespace support
} // namespace amk

#endif // AMK_SUPPORT_TABLEHASH_H
