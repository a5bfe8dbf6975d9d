//===- amk-fuzz-manifest.cpp - libFuzzer target for the runtime verifier --===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Two modes, by the input's first byte:
//
// - text: the input is a manifest, given to the runtime's reader
//   (parseManifest) and verifier (verifyManifest), which must refuse bad
//   input with a Status, never crash;
// - '\x01' (edits): the rest is a list of 7-byte edits (field, index,
//   value) applied to a seed manifest already read (AMK_FUZZ_MANIFEST_SEED,
//   set by fuzz/run.sh): words of the table, buffer offsets and shapes,
//   variant shapes and facts, roles, events. Most JSON mutations break the
//   syntax; these reach the verifier's every check.
//
// A manifest the verifier accepts is then run for one decode step by the
// CPU executor with zero weights: the verifier's promise is that no kernel
// of a verified table reaches outside a buffer, so a bounds refusal of the
// executor (`is outside '...'`, `out of bounds`) aborts as a finding. The
// binding hash is not what is fuzzed: the content's own hash is accepted,
// so that the structural checks decide.
//
//===----------------------------------------------------------------------===//

#include "AMK/Runtime/Runtime.h"

#include "Backends.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

using namespace amk::runtime;

namespace {
/// How far the inputs got, printed when the fuzzer exits.
struct Counts {
  uint64_t inputs = 0, parsed = 0, verified = 0, stepped = 0;
  ~Counts() {
    std::fprintf(stderr,
                 "amk-fuzz-manifest: %llu inputs, %llu parsed, %llu "
                 "verified, %llu run for a step\n",
                 (unsigned long long)inputs, (unsigned long long)parsed,
                 (unsigned long long)verified, (unsigned long long)stepped);
  }
} counts;
} // namespace

/// Arenas larger than this are not run (the fuzzer's memory limit).
static constexpr int64_t kMaxRunBytes = int64_t(64) << 20;

/// Runs one step of verified \p m with KV caches of \p rows rows; aborts
/// when the executor refuses an access the verifier should have excluded.
static void runVerified(const Manifest &m, int64_t rows) {
  int64_t pos = m.position ? *m.position : 0;
  if (pos >= rows)
    return;
  Layout layout = layoutFor(m, rows);
  int64_t total = 0;
  for (int64_t bytes : layout.arenaBytes)
    total += bytes;
  if (total > kMaxRunBytes)
    return;
  std::unique_ptr<Backend> backend;
  if (createCpuBackend(m, layout, rows, nullptr, backend).failed())
    return;
  ++counts.stepped;
  std::vector<float> logits;
  int64_t next = 0;
  double ms = 0;
  Status status = backend->step(0, int32_t(pos), 0, &logits, next, ms);
  const std::string &why = status.message;
  if (why.find("is outside '") != std::string::npos ||
      why.find("out of bounds") != std::string::npos) {
    std::fprintf(stderr, "verified table, bounds refused: %s\n", why.c_str());
    std::abort();
  }
}

/// The seed of the edit mode (empty when AMK_FUZZ_MANIFEST_SEED is unset).
static Manifest seed;
static bool haveSeed = false;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  const char *path = std::getenv("AMK_FUZZ_MANIFEST_SEED");
  if (!path)
    return 0;
  if (Status status = readManifest(path, seed); status.failed()) {
    std::fprintf(stderr, "%s\n", status.message.c_str());
    std::abort();
  }
  haveSeed = true;
  return 0;
}

/// Sets element \p index (modulo the size) of \p values to \p value.
template <typename T>
static void edit(std::vector<T> &values, uint32_t index, int64_t value) {
  if (!values.empty())
    values[index % values.size()] = T(value);
}

/// Applies one edit: \p field picks what, \p index where, \p value the
/// new value.
static void applyEdit(Manifest &m, uint8_t field, uint32_t index,
                      int64_t value) {
  switch (field % 12) {
  case 0: return edit(m.descriptors, index, value);
  case 1: return edit(m.args, index, value);
  case 2: return edit(m.waits, index, value);
  case 3: return edit(m.queues, index, value);
  case 4:
    if (!m.buffers.empty())
      m.buffers[index % m.buffers.size()].offset = value;
    return;
  case 5:
    if (!m.buffers.empty()) {
      ManifestBuffer &b = m.buffers[index % m.buffers.size()];
      edit(b.shape, index >> 8, std::max<int64_t>(1, value & 0xffff));
      b.bytes = amk::runtime::storageBytes(b.dtype, b.elements());
    }
    return;
  case 6:
  case 7: {
    std::vector<OpSpec *> ops;
    for (Variant &variant : m.variants)
      for (OpSpec &op : variant.ops)
        ops.push_back(&op);
    if (ops.empty())
      return;
    OpSpec &op = *ops[index % ops.size()];
    if (field % 12 == 6 && !op.shapes.empty())
      edit(op.shapes[(index >> 8) % op.shapes.size()], index >> 16,
           std::max<int64_t>(1, value & 0xffff));
    else if (!op.extents.empty())
      op.extents[(index >> 8) % op.extents.size()].second = value;
    return;
  }
  case 8: {
    int64_t *roles[] = {&m.roles.tokens, &m.roles.position,
                        &m.roles.nextToken, &m.roles.logits};
    *roles[index % 4] = value;
    return;
  }
  case 9:
    if (!m.events.empty())
      m.events[index % m.events.size()].producers = uint32_t(value);
    return;
  case 10:
    m.arenaBytes[index % kNumArenas] = value;
    return;
  default:
    if (!m.buffers.empty())
      m.buffers[index % m.buffers.size()].page =
          value % 3 ? "p" + std::to_string(value % 3) : "";
    return;
  }
}

/// The manifest of input \p data: parsed text, or the seed edited.
static bool manifestOf(const uint8_t *data, size_t size, Manifest &m) {
  if (size && data[0] == 1) {
    if (!haveSeed)
      return false;
    m = seed;
    for (size_t i = 1; i + 7 <= size; i += 7) {
      uint32_t index = data[i + 1] | data[i + 2] << 8 | data[i + 3] << 16;
      // Half the edits small values (-128..127), half any 32-bit one.
      int64_t value =
          data[i] & 0x80
              ? int64_t(int8_t(data[i + 4]))
              : int64_t(int32_t(uint32_t(data[i + 4]) |
                                uint32_t(data[i + 5]) << 8 |
                                uint32_t(data[i + 6]) << 16 |
                                uint32_t(data[i + 3]) << 24));
      applyEdit(m, data[i] & 0x7f, index, value);
    }
    return true;
  }
  std::string_view text(reinterpret_cast<const char *>(data), size);
  return !parseManifest(text, "fuzz.manifest.json", m).failed();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Manifest m;
  ++counts.inputs;
  if (!manifestOf(data, size, m))
    return 0;
  ++counts.parsed;
  m.manifestHash = m.contentHash;
  int64_t compiled = m.compiledRows();
  int64_t rows = compiled ? compiled : INT32_MAX;
  if (verifyManifest(m, rows).failed())
    return 0;
  ++counts.verified;
  if (vocabularyOf(m) < 1)
    std::abort();
  runVerified(m, compiled ? rows : 1);
  return 0;
}
