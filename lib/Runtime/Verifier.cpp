//===- Verifier.cpp - Verify a loaded program before any launch -----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The GPU kernel uses every index of the task table as given, so whatever is
// not checked here before a launch is a memory-safety hole. verifyManifest
// checks, in time linear in the table:
//
// - buffers: each inside its arena, sharing bytes with another only on a
//   declared page, weights with distinct keys; roles distinct io buffers of
//   the right kind and type;
// - each variant's static facts against its operands' shapes (the facts the
//   PTX was generated from): ranks, extents, element types, no zero
//   divisor;
// - queues, waits (event, producers per step), events (producers equal to
//   the descriptors that signal them) and every descriptor word;
// - every task's arguments: buffer ids bound to buffers of exactly the
//   variant's dtype and shape, integer ranges (columns, heads, KV rows,
//   slots) inside the extents, position operands that are the position
//   input, no write to an input or a weight; its prefetch entries inside
//   weight buffers;
// - the manifest against its hash.
//
//===----------------------------------------------------------------------===//

#include "AMK/Runtime/Manifest.h"

#include "JsonFields.h"

#include <algorithm>
#include <map>

using namespace amk::runtime;
namespace kernels = amk::kernels;
using amk::kernels::DType;

namespace {
using Shape = std::vector<int64_t>;

/// Most elements of one buffer (the reader's bound).
constexpr int64_t kMaxElements = int64_t(1) << 40;

int64_t elementsOf(const Shape &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

std::string str(int64_t value) { return std::to_string(value); }

bool isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

} // namespace

bool amk::runtime::writesOperand(const OpSpec &op, int i) {
  switch (op.kind) {
  case OpKind::Attention:
    return i == 4 || i == 5;
  case OpKind::AttentionMerge:
    return i == op.buffers - 1;
  case OpKind::Argmax:
  case OpKind::Copy:
    return i == 1;
  case OpKind::ArgmaxPartial:
    return i == 1 || i == 2;
  default:
    return i == 2;
  }
}

namespace {
/// The operand of \p op that must be the position input, or -1.
int positionOperand(const OpSpec &op) {
  switch (op.kind) {
  case OpKind::Rope:
  case OpKind::KVAppend:
    return 1;
  case OpKind::Attention:
    return 3;
  default:
    return -1;
  }
}

/// Verifies one manifest (see the file comment).
class Verifier : public amk::runtime::FieldReader {
public:
  Verifier(const Manifest &m, int64_t rows) : m(m), rows(rows) {}
  void verify();

private:
  // Buffers and roles.
  void checkBuffer(const ManifestBuffer &buffer, const std::string &at);
  void checkOverlaps();
  void checkRoles();
  const ManifestBuffer &roleBuffer(const char *role, int64_t id);

  // Variants: the op being checked is `op`, its path `where`.
  void checkOp();
  void checkAttention();
  void checkMerge();
  void expect(bool holds, const std::string &what);
  void fact(const char *key, int64_t derived);
  void size(int i, int64_t expected, const std::string &what);
  void rank(int i, size_t expected);
  void index(int i);
  void sameShape(int i, int j);
  void dtype(int i, DType expected);
  int64_t n(int i) const { return elementsOf(op->shapes[i]); }
  const Shape &s(int i) const { return op->shapes[i]; }

  // The table.
  void checkQueues();
  void checkWaits();
  void checkDescriptor(int64_t d);
  void checkEvents();
  void checkArguments(int64_t d, const Variant &variant);
  void checkOperand(int64_t d, const OpSpec &spec, int i, int64_t at);
  void checkIntegers(int64_t d, const OpSpec &spec, int64_t at);
  void checkAttentionIntegers(int64_t d, const OpSpec &spec, int64_t at);
  void checkPrefetch(int64_t d);
  void checkHash();
  std::string taskOf(int64_t d) const {
    return "task \"" + m.tasks[m.word(d, 5)] + "\"";
  }
  void range(int64_t d, const OpSpec &spec, int64_t at, const char *what,
             int64_t whole);
  /// Refuses a range other than `[0, whole)` (forms that cover it all).
  void whole(int64_t d, const OpSpec &spec, int64_t at, const char *what,
             int64_t whole);
  bool isBuffer(int64_t id) const {
    return id >= 0 && id < int64_t(m.bufferIndex.size()) &&
           m.bufferIndex[id] >= 0;
  }

  const Manifest &m;
  int64_t rows;
  const OpSpec *op = nullptr;
  std::string where;
};
} // namespace

//===----------------------------------------------------------------------===//
// Buffers and roles
//===----------------------------------------------------------------------===//

void Verifier::checkBuffer(const ManifestBuffer &b, const std::string &at) {
  // The reader checks these where it reads them; the verifier does not rely
  // on it (a Manifest may be built otherwise, as the fuzzer does).
  int64_t elements = 1;
  for (int64_t dim : b.shape) {
    if (dim <= 0 || dim > kMaxElements || elements > kMaxElements / dim)
      fail(at + ".shape", formatShape(b.shape) +
                              " is not positive dimensions of at most 2^40 "
                              "elements");
    elements *= dim;
  }
  if (b.shape.empty() || (b.arena == Arena::KV && b.shape.size() != 3))
    fail(at + ".shape", formatShape(b.shape) + " is not a valid shape here");
  if (b.bytes != storageBytes(b.dtype, elements))
    fail(at + ".bytes", str(b.bytes) + " is not " + str(elements) +
                            " elements of " + kernels::dtypeName(b.dtype));
  if (b.offset < 0 || b.offset % kArenaAlignment)
    fail(at + ".offset", str(b.offset) + " is not a non-negative multiple of " +
                             str(kArenaAlignment));
  int64_t arena = m.arenaBytes[int(b.arena)];
  if (b.offset + b.bytes > arena)
    fail(at, "bytes [" + str(b.offset) + ", " + str(b.offset + b.bytes) +
                 ") overflow arena '" + arenaName(b.arena) + "' of " +
                 str(arena) + " bytes");
  if (!b.page.empty() && b.kind != "activation" && b.kind != "scratch")
    fail(at + ".page", "only activation and scratch buffers live on a "
                       "page, '" +
                           b.name + "' is " + b.kind);
  if (b.arena == Arena::Weights && b.key.empty())
    fail(at + ".key", "empty");
}

void Verifier::checkOverlaps() {
  // One byte range per page (its buffers share its offset) and per buffer
  // off any page; within an arena no two may overlap.
  struct Region {
    int64_t begin, end;
    size_t buffer;
  };
  std::vector<Region> regions[kNumArenas];
  std::map<std::string, size_t> pages;
  std::map<std::string, size_t> keys;
  for (size_t i = 0; i < m.buffers.size(); ++i) {
    const ManifestBuffer &b = m.buffers[i];
    std::string at = "buffers[" + str(int64_t(i)) + "]";
    checkBuffer(b, at);
    if (b.arena == Arena::Weights) {
      auto [key, added] = keys.emplace(b.key, i);
      if (!added)
        fail(at + ".key", "\"" + b.key + "\" is also the key of '" +
                              m.buffers[key->second].name + "'");
    }
    std::vector<Region> &list = regions[int(b.arena)];
    if (b.page.empty()) {
      list.push_back({b.offset, b.offset + b.bytes, i});
      continue;
    }
    auto [it, added] = pages.emplace(b.page, list.size());
    if (added) {
      list.push_back({b.offset, b.offset + b.bytes, i});
      continue;
    }
    Region &page = list[it->second];
    if (page.begin != b.offset)
      fail(at + ".offset", str(b.offset) + ", but page '" + b.page +
                               "' is at offset " + str(page.begin) +
                               " (buffer '" + m.buffers[page.buffer].name +
                               "')");
    page.end = std::max(page.end, b.offset + b.bytes);
  }
  for (std::vector<Region> &list : regions) {
    std::sort(list.begin(), list.end(), [](const Region &a, const Region &b) {
      return a.begin < b.begin;
    });
    for (size_t i = 1; i < list.size(); ++i)
      if (list[i].begin < list[i - 1].end)
        fail("buffers[" + str(int64_t(list[i].buffer)) + "]",
             "'" + m.buffers[list[i].buffer].name + "' at bytes [" +
                 str(list[i].begin) + ", " + str(list[i].end) + ") overlaps '" +
                 m.buffers[list[i - 1].buffer].name + "' at [" +
                 str(list[i - 1].begin) + ", " + str(list[i - 1].end) +
                 ") in arena '" + arenaName(m.buffers[list[i].buffer].arena) +
                 "' (buffers share bytes only on a declared page)");
  }
}

const ManifestBuffer &Verifier::roleBuffer(const char *role, int64_t id) {
  std::string at = std::string("roles.") + role;
  if (!isBuffer(id))
    fail(at, "no buffer has id " + str(id));
  return m.buffer(id);
}

void Verifier::checkRoles() {
  struct Role {
    const char *name;
    int64_t id;
    const char *kind;
  } roles[] = {{"tokens", m.roles.tokens, "input"},
               {"position", m.roles.position, "input"},
               {"next_token", m.roles.nextToken, "output"},
               {"logits", m.roles.logits, "output"}};
  for (const Role &role : roles) {
    // Only `next_token` may be absent (-1: the host takes the argmax).
    if (&role == &roles[2] && role.id == -1)
      continue;
    std::string at = std::string("roles.") + role.name;
    const ManifestBuffer &b = roleBuffer(role.name, role.id);
    if (b.arena != Arena::IO)
      fail(at, "buffer '" + b.name + "' is not in the io arena");
    if (b.kind != role.kind)
      fail(at, "buffer '" + b.name + "' is " + b.kind + ", not " + role.kind);
    bool isLogits = std::string(role.name) == "logits";
    if (!isLogits && (b.dtype != DType::I32 || b.bytes != 4))
      fail(at, "buffer '" + b.name + "' is not one i32");
    if (isLogits && !isFloat(b.dtype))
      fail(at, "buffer '" + b.name + "' is not floating-point");
    for (const Role &other : roles)
      if (&other < &role && other.id == role.id)
        fail(at, "buffer '" + b.name + "' is also the " + other.name + " role");
  }
}

//===----------------------------------------------------------------------===//
// Variants
//===----------------------------------------------------------------------===//

void Verifier::expect(bool holds, const std::string &what) {
  if (!holds)
    fail(where, op->name + ": " + what);
}

void Verifier::fact(const char *key, int64_t derived) {
  for (const auto &[name, value] : op->extents) {
    if (name != key)
      continue;
    if (value != derived)
      fail(where + ".static." + key,
           str(value) + ", but the operands' shapes give " + str(derived));
    return;
  }
  fail(where + ".static." + key, "missing");
}

void Verifier::size(int i, int64_t expected, const std::string &what) {
  expect(n(i) == expected, "operand " + str(i) + " " + formatShape(s(i)) +
                               " has " + str(n(i)) + " elements, not " +
                               str(expected) + " (" + what + ")");
}

void Verifier::rank(int i, size_t expected) {
  expect(s(i).size() == expected, "operand " + str(i) + " " +
                                      formatShape(s(i)) + " is not of rank " +
                                      str(int64_t(expected)));
}

void Verifier::index(int i) {
  expect(n(i) == 1 && op->dtypes[i] == DType::I32,
         "operand " + str(i) + " is not one i32");
}

void Verifier::sameShape(int i, int j) {
  expect(s(i) == s(j), "operand " + str(j) + " " + formatShape(s(j)) +
                           " differs from operand " + str(i) + " " +
                           formatShape(s(i)));
}

void Verifier::dtype(int i, DType expected) {
  expect(op->dtypes[i] == expected,
         "operand " + str(i) + " is " + kernels::dtypeName(op->dtypes[i]) +
             ", not " + kernels::dtypeName(expected));
}

void Verifier::checkAttention() {
  rank(1, 3);
  sameShape(1, 2);
  index(3);
  int64_t rowsOf = s(1)[0], kvHeads = s(1)[1], dim = s(1)[2];
  expect(n(0) % dim == 0, "the query's " + str(n(0)) +
                              " elements are not a multiple of head_dim " +
                              str(dim));
  int64_t heads = n(0) / dim;
  expect(heads % kvHeads == 0, str(heads) +
                                   " query heads are not a "
                                   "multiple of " +
                                   str(kvHeads) + " KV heads");
  fact("heads", heads);
  fact("kv_heads", kvHeads);
  fact("head_dim", dim);
  fact("rows", rowsOf);
  fact("width", s(4).back());
  expect(!(op->packed && op->partial), "packed and partial at once");
  if (op->packed)
    size(4, n(0) + 2 * heads, "heads * (head_dim + 2) of the packed form");
  else if (!op->partial)
    size(4, n(0), "the query's");
  if (!op->partial) {
    fact("splits", 1);
    return;
  }
  rank(4, 2);
  int64_t splits = s(4)[0];
  expect(s(4)[1] == n(0), "the partial output " + formatShape(s(4)) +
                              " is not [splits, " + str(n(0)) + "]");
  expect(s(5) == Shape{splits, heads, 2},
         "the statistics " + formatShape(s(5)) + " are not [" + str(splits) +
             ", " + str(heads) + ", 2]");
  dtype(5, DType::F32);
  fact("splits", splits);
}

void Verifier::checkMerge() {
  int out = op->buffers - 1;
  for (int i = 1; i < out; ++i)
    sameShape(0, i);
  int64_t width = n(out), extra = n(0) - width;
  expect(extra > 0 && extra % 2 == 0 && width % (extra / 2) == 0,
         "a partial of " + str(n(0)) +
             " elements is not heads * (head_dim + 2) for an output of " +
             str(width) + " elements");
  fact("heads", extra / 2);
  fact("head_dim", width / (extra / 2));
}

void Verifier::checkOp() {
  switch (op->kind) {
  case OpKind::Embed:
    rank(0, 2);
    index(1);
    size(2, s(0)[1], "the table's hidden size");
    fact("vocab", s(0)[0]);
    fact("hidden", s(0)[1]);
    break;
  case OpKind::RMSNorm: {
    fact("len", n(0));
    size(2, n(0), "the input's");
    int64_t row = op->headDim ? op->headDim : n(0);
    expect(n(0) % row == 0, "head_dim " + str(row) +
                                " does not divide the input's " + str(n(0)) +
                                " elements");
    size(1, row, "one normalized row");
    break;
  }
  case OpKind::Gemv:
    rank(0, 2);
    fact("N", s(0)[0]);
    fact("K", s(0)[1]);
    size(1, s(0)[1], "the weight's K");
    size(2, s(0)[0], "the weight's N");
    for (int i = 3; i < op->buffers; ++i)
      size(i, s(0)[0], "the weight's N");
    break;
  case OpKind::Rope:
    fact("len", n(0));
    expect(op->headDim % 2 == 0 && n(0) % op->headDim == 0,
           "head_dim " + str(op->headDim) +
               " must be even and divide the input's " + str(n(0)) +
               " elements");
    index(1);
    size(2, n(0), "the input's");
    break;
  case OpKind::KVAppend:
    rank(2, 3);
    index(1);
    fact("rows", s(2)[0]);
    fact("kv_heads", s(2)[1]);
    fact("head_dim", s(2)[2]);
    size(0, s(2)[1] * s(2)[2], "kv_heads * head_dim of the cache");
    break;
  case OpKind::Attention:
    checkAttention();
    break;
  case OpKind::AttentionCombine: {
    rank(0, 2);
    rank(1, 3);
    dtype(1, DType::F32);
    int64_t heads = s(1)[1], width = s(0)[1];
    expect(width == n(2) && s(1)[0] == s(0)[0] && s(1)[2] == 2 &&
               width % heads == 0,
           "partial " + formatShape(s(0)) + ", statistics " +
               formatShape(s(1)) + " and output of " + str(n(2)) +
               " elements are not [splits, heads * head_dim], [splits, "
               "heads, 2] and heads * head_dim");
    fact("splits", s(0)[0]);
    fact("heads", heads);
    fact("width", width);
    fact("head_dim", width / heads);
    break;
  }
  case OpKind::AttentionMerge:
    checkMerge();
    break;
  case OpKind::SiluMul:
  case OpKind::Add:
    fact("len", s(2).back());
    for (int i = 0; i < 3; ++i)
      size(i, s(2).back(), "the output's length");
    break;
  case OpKind::Argmax:
    fact("len", s(0).back());
    size(0, s(0).back(), "a vector");
    index(1);
    break;
  case OpKind::ArgmaxPartial:
    fact("len", s(0).back());
    size(0, s(0).back(), "a vector");
    rank(1, 1);
    sameShape(1, 2);
    dtype(1, DType::F32);
    dtype(2, DType::I32);
    fact("slots", s(1)[0]);
    break;
  case OpKind::ArgmaxReduce:
    rank(0, 1);
    sameShape(0, 1);
    dtype(0, DType::F32);
    dtype(1, DType::I32);
    index(2);
    fact("slots", s(0)[0]);
    break;
  case OpKind::Copy:
    fact("len", n(0));
    if (op->cols)
      size(1, n(0), "the source's");
    else
      sameShape(0, 1);
    break;
  }
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

void Verifier::checkQueues() {
  if (int64_t(m.queues.size()) != m.grid + 1)
    fail("table.queues", str(int64_t(m.queues.size())) +
                             " offsets for a grid of " + str(m.grid) +
                             " (expected grid + 1)");
  if (m.queues.front() != 0 || m.queues.back() != m.numDescriptors())
    fail("table.queues", "offsets must run from 0 to the " +
                             str(m.numDescriptors()) + " descriptors");
  for (size_t w = 0; w + 1 < m.queues.size(); ++w)
    if (m.queues[w] > m.queues[w + 1])
      fail("table.queues[" + str(int64_t(w + 1)) + "]", "offsets decrease");
}

void Verifier::checkWaits() {
  for (size_t i = 0; i < m.waits.size(); i += kWaitWords) {
    auto at = [&] {
      return std::string("table.waits[" + str(int64_t(i / kWaitWords)) + "]");
    };
    int32_t event = m.waits[i];
    if (event < 0 || event >= int64_t(m.events.size()))
      fail(at(), "event " + str(event) + " is outside [0, " +
                     str(int64_t(m.events.size())) + ")");
    if (m.waits[i + 1] < 0)
      fail(at(), "negative threshold " + str(m.waits[i + 1]));
    if (uint32_t(m.waits[i + 2]) != m.events[event].producers)
      fail(at(), str(m.waits[i + 2]) + " producers per step, but event \"" +
                     m.events[event].name + "\" has " +
                     str(m.events[event].producers));
  }
}

void Verifier::checkEvents() {
  std::vector<uint32_t> signals(m.events.size(), 0);
  for (int64_t d = 0; d < m.numDescriptors(); ++d)
    if (m.word(d, 1) >= 0)
      ++signals[m.word(d, 1)];
  for (size_t e = 0; e < m.events.size(); ++e)
    if (signals[e] != m.events[e].producers)
      fail("events[" + str(int64_t(e)) + "].producers",
           str(m.events[e].producers) + ", but " + str(signals[e]) +
               (signals[e] == 1 ? " descriptor signals"
                                : " descriptors signal") +
               " event \"" + m.events[e].name + "\"");
}

void Verifier::checkDescriptor(int64_t d) {
  auto at = [&] { return std::string("table.descriptors[" + str(d) + "]"); };
  auto check = [&](int word, int64_t lo, int64_t hi, const char *what) {
    int64_t value = m.word(d, word);
    if (value < lo || value >= hi)
      fail(at(), (word == 5 ? std::string() : taskOf(d) + ": ") + what + " " +
                     str(value) + " is outside [" + str(lo) + ", " + str(hi) +
                     ")");
  };
  check(5, 0, int64_t(m.tasks.size()), "task id");
  check(0, -1, int64_t(m.variants.size()), "variant");
  check(1, -1, int64_t(m.events.size()), "signalled event");
  int64_t numWaits = int64_t(m.waits.size()) / kWaitWords;
  check(3, 0, numWaits + 1, "wait count");
  check(2, 0, numWaits - m.word(d, 3) + 1, "first wait");
  check(6, 0, 2, "flags");
  check(7, -1, int64_t(m.args.size()), "first prefetch entry");
  if ((m.word(d, 6) & kFlagArriveFirst) && m.word(d, 1) < 0)
    fail(at(), taskOf(d) + ": a barrier arrival (flag 1) must signal an event");
  checkPrefetch(d);
  if (m.word(d, 0) < 0)
    return;
  const Variant &variant = m.variants[m.word(d, 0)];
  check(4, 0, int64_t(m.args.size()) - variant.numArgs + 1, "first argument");
  checkArguments(d, variant);
}

void Verifier::checkPrefetch(int64_t d) {
  int64_t first = m.word(d, 7);
  if (first < 0)
    return;
  auto at = [&] { return std::string("table.args[" + str(first) + "]"); };
  int64_t count = m.args[first];
  int64_t room = (int64_t(m.args.size()) - first - 1) / kPrefetchWords;
  if (count < 1 || count > room)
    fail(at(), taskOf(d) + ": prefetch count " + str(count) +
                   " is outside [1, " + str(room) + "]");
  for (int64_t e = 0; e < count; ++e) {
    int64_t word = first + 1 + e * kPrefetchWords;
    auto entry = [&] { return std::string("table.args[" + str(word) + "]"); };
    int32_t id = m.args[word];
    if (!isBuffer(id) || m.buffer(id).arena != Arena::Weights)
      fail(entry(), taskOf(d) + ": prefetch entry " + str(e) + ": buffer " +
                        str(id) + " is not a weight buffer");
    const ManifestBuffer &b = m.buffer(id);
    int64_t offset = int64_t(uint64_t(uint32_t(m.args[word + 1])) |
                             uint64_t(uint32_t(m.args[word + 2])) << 32);
    int64_t bytes = m.args[word + 3];
    // Regions are widened to 16-byte boundaries (bulk prefetches need
    // them), inside the arena's alignment padding.
    int64_t end = (b.bytes + 15) / 16 * 16;
    if (offset < 0 || bytes <= 0 || offset % 16 || bytes % 16 ||
        offset > end - bytes)
      fail(entry(), taskOf(d) + ": prefetch entry " + str(e) + ": bytes [" +
                        str(offset) + ", " + str(offset + bytes) +
                        ") are not a 16-byte aligned range of '" + b.name +
                        "' [0, " + str(end) + ")");
  }
}

void Verifier::checkOperand(int64_t d, const OpSpec &spec, int i, int64_t at) {
  int32_t id = m.args[at];
  auto field = [&] { return std::string("table.args[" + str(at) + "]"); };
  auto what = [&] {
    return std::string(taskOf(d) + " " + spec.name + " buffer " + str(i));
  };
  if (!isBuffer(id))
    fail(field(), what() + ": no buffer has id " + str(id));
  const ManifestBuffer &b = m.buffer(id);
  if (b.dtype != spec.dtypes[i])
    fail(field(), what() + " is '" + b.name + "' of type " +
                      kernels::dtypeName(b.dtype) + ", the variant expects " +
                      kernels::dtypeName(spec.dtypes[i]));
  if (b.shape != spec.shapes[i])
    fail(field(), what() + " is '" + b.name + "' of shape " +
                      formatShape(b.shape) + ", the variant expects " +
                      formatShape(spec.shapes[i]));
  if (writesOperand(spec, i) &&
      (b.arena == Arena::Weights || b.kind == "input"))
    fail(field(), what() + " writes '" + b.name + "' (kind " + b.kind +
                      "): only kv_cache, activation, scratch and output "
                      "buffers are written");
  if (i == positionOperand(spec) && id != m.roles.position)
    fail(field(), what() + " (the position) is '" + b.name +
                      "', not the position input");
  if (spec.kind == OpKind::Embed && i == 1 && b.kind != "input")
    fail(field(), what() + " (the token) is '" + b.name + "', a " + b.kind +
                      " buffer, not an input");
}

void Verifier::range(int64_t d, const OpSpec &spec, int64_t at,
                     const char *what, int64_t whole) {
  int64_t lo = m.args[at], hi = m.args[at + 1];
  if (lo < 0 || lo > hi || hi > whole)
    fail("table.args[" + str(at) + "]",
         taskOf(d) + " " + spec.name + " " + what + " [" + str(lo) + ", " +
             str(hi) + ") is outside [0, " + str(whole) + ")");
}

void Verifier::whole(int64_t d, const OpSpec &spec, int64_t at,
                     const char *what, int64_t whole) {
  if (m.args[at] != 0 || m.args[at + 1] != whole)
    fail("table.args[" + str(at) + "]",
         taskOf(d) + " " + spec.name + " " + what + " [" + str(m.args[at]) +
             ", " + str(m.args[at + 1]) + ") is not the whole [0, " +
             str(whole) + ") of this form");
}

void Verifier::checkAttentionIntegers(int64_t d, const OpSpec &spec,
                                      int64_t at) {
  const Shape &cache = spec.shapes[1];
  int64_t heads = elementsOf(spec.shapes[0]) / cache[2];
  range(d, spec, at, "heads", heads);
  int64_t lo = m.args[at + 2], hi = m.args[at + 3], flags = m.args[at + 4];
  auto field = [&] { return std::string("table.args[" + str(at + 2) + "]"); };
  auto what = [&] {
    return std::string(taskOf(d) + " attention kv [" + str(lo) + ", " +
                       (flags & 2 ? "pos + " : "") + str(hi) + ")");
  };
  if (flags < 0 || flags > 3 || (flags & 1))
    fail("table.args[" + str(at + 4) + "]",
         taskOf(d) + " attention kv flags " + str(flags) +
             " are not 0 or 2 (the start cannot depend on the position)");
  if (lo < 0 || lo >= cache[0])
    fail(field(), what() + " starts outside the cache's [0, " + str(cache[0]) +
                      ") rows");
  if ((flags & 2) ? hi > 1 : (hi <= lo || hi > cache[0]))
    fail(field(),
         what() + ((flags & 2) ? " reaches past pos + 1"
                               : " is empty or ends past the cache's " +
                                     str(cache[0]) + " rows"));
  int64_t slot = m.args[at + 5];
  int64_t splits = spec.partial ? spec.shapes[4][0] : 0;
  if (spec.partial ? (slot < 0 || slot >= splits) : slot != -1)
    fail("table.args[" + str(at + 5) + "]",
         taskOf(d) + " attention slot " + str(slot) +
             (spec.partial ? " is outside [0, " + str(splits) + ")"
                           : " must be -1 (not the partial form)"));
}

void Verifier::checkIntegers(int64_t d, const OpSpec &spec, int64_t at) {
  const Shape &s0 = spec.shapes[0];
  int64_t len0 = elementsOf(s0);
  switch (spec.kind) {
  case OpKind::RMSNorm:
    // The whole-vector form's GPU code ignores the range, the CPU's uses it:
    // it must be the whole.
    if (spec.headDim)
      range(d, spec, at, "heads", len0 / spec.headDim);
    else
      whole(d, spec, at, "heads", 1);
    break;
  case OpKind::Gemv:
    range(d, spec, at, "cols", s0[0]);
    break;
  case OpKind::Rope:
    range(d, spec, at, "heads", len0 / spec.headDim);
    break;
  case OpKind::KVAppend: {
    const Shape &cache = spec.shapes[2];
    range(d, spec, at, "heads", cache[1]);
    int64_t row = m.args[at + 2], limit = std::min(cache[0], rows);
    if (row != -1 && (row < 0 || row >= limit))
      fail("table.args[" + str(at + 2) + "]",
           taskOf(d) + " kv_append row " + str(row) +
               " is not -1 (the position) or in [0, " + str(limit) +
               ") (the KV rows allocated: " + str(rows) + ")");
    break;
  }
  case OpKind::Attention:
    checkAttentionIntegers(d, spec, at);
    break;
  case OpKind::AttentionCombine:
    range(d, spec, at, "heads", spec.shapes[1][1]);
    break;
  case OpKind::SiluMul:
  case OpKind::Add:
    range(d, spec, at, "cols", len0);
    break;
  case OpKind::Copy:
    // The whole copy's CPU code ignores the range, the GPU's uses it.
    if (spec.cols)
      range(d, spec, at, "cols", len0);
    else
      whole(d, spec, at, "cols", len0);
    break;
  case OpKind::ArgmaxPartial: {
    int64_t slot = m.args[at], slots = spec.shapes[1][0];
    if (slot < 0 || slot >= slots)
      fail("table.args[" + str(at) + "]", taskOf(d) + " argmax_partial slot " +
                                              str(slot) + " is outside [0, " +
                                              str(slots) + ")");
    range(d, spec, at + 1, "cols", len0);
    break;
  }
  default:
    break;
  }
}

void Verifier::checkArguments(int64_t d, const Variant &variant) {
  int64_t cursor = m.word(d, 4);
  for (const OpSpec &spec : variant.ops) {
    for (int i = 0; i < spec.buffers; ++i)
      checkOperand(d, spec, i, cursor + i);
    checkIntegers(d, spec, cursor + spec.buffers);
    cursor += spec.buffers + spec.ints;
  }
}

void Verifier::checkHash() {
  if (m.contentHash != m.manifestHash)
    fail("manifest_hash",
         "\"" + m.manifestHash + "\", but the manifest hashes to \"" +
             m.contentHash +
             "\": it was edited after it was written, or pieces of two "
             "manifests were put together");
}

void Verifier::verify() {
  checkOverlaps();
  checkRoles();
  for (size_t v = 0; v < m.variants.size(); ++v)
    for (size_t j = 0; j < m.variants[v].ops.size(); ++j) {
      op = &m.variants[v].ops[j];
      where = "variants[" + str(int64_t(v)) + "].ops[" + str(int64_t(j)) + "]";
      checkOp();
    }
  checkQueues();
  checkWaits();
  for (int64_t d = 0; d < m.numDescriptors(); ++d)
    checkDescriptor(d);
  checkEvents();
  checkHash();
}

Status amk::runtime::verifyManifest(const Manifest &manifest, int64_t rows) {
  Verifier verifier(manifest, rows);
  return verifier.run(manifest.path, [&] { verifier.verify(); });
}

int64_t amk::runtime::vocabularyOf(const Manifest &m) {
  const ManifestBuffer &logits = m.buffer(m.roles.logits);
  int64_t vocab = logits.elements();
  for (int64_t d = 0; d < m.numDescriptors(); ++d) {
    if (m.word(d, 0) < 0)
      continue;
    int64_t cursor = m.word(d, 4);
    for (const OpSpec &spec : m.variants[m.word(d, 0)].ops) {
      if (spec.kind == OpKind::Embed && m.args[cursor + 1] == m.roles.tokens)
        vocab = std::min(vocab, spec.shapes[0][0]);
      cursor += spec.buffers + spec.ints;
    }
  }
  return vocab;
}
