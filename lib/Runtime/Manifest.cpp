//===- Manifest.cpp - The megakernel's manifest ---------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Every field is checked where it is read; an error names the file, the
// field's path (`buffers[3].dtype`) and what was expected.
//
//===----------------------------------------------------------------------===//

#include "AMK/Runtime/Manifest.h"

#include "JsonFields.h"

#include <algorithm>
#include <climits>
#include <map>

using namespace amk::runtime;
namespace kernels = amk::kernels;
using amk::kernels::DType;
using nlohmann::json;

const char *amk::runtime::arenaName(Arena arena) {
  static const char *names[] = {"weights", "kv", "scratch", "io"};
  return names[int(arena)];
}

std::string amk::runtime::manifestPathFor(const std::string &kernelPath) {
  std::string base = kernelPath;
  const std::string suffix = ".ptx";
  if (base.size() >= suffix.size() &&
      base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
    base.resize(base.size() - suffix.size());
  return base + ".manifest.json";
}

int64_t Manifest::compiledRows() const {
  int64_t rows = 0;
  for (const ManifestBuffer &buffer : buffers)
    if (buffer.arena == Arena::KV)
      rows = rows ? std::min(rows, buffer.shape[0]) : buffer.shape[0];
  return rows;
}

namespace {
/// Expected argument counts and the name of each op.
struct OpInfo {
  OpKind kind;
  const char *name;
  int buffers, ints;
};
constexpr OpInfo kOps[] = {
    {OpKind::Embed, "embed", 3, 0},
    {OpKind::RMSNorm, "rmsnorm", 3, 2},
    {OpKind::Gemv, "gemv", 3, 2},
    {OpKind::Rope, "rope", 3, 2},
    {OpKind::KVAppend, "kv_append", 3, 3},
    {OpKind::Attention, "attention", 5, 6},
    {OpKind::AttentionCombine, "attention_combine", 3, 2},
    // The partials (their count is static) and the output.
    {OpKind::AttentionMerge, "attention_merge", 1, 0},
    {OpKind::SiluMul, "silu_mul", 3, 2},
    {OpKind::Add, "add", 3, 2},
    {OpKind::Argmax, "argmax", 2, 0},
    {OpKind::ArgmaxPartial, "argmax_partial", 3, 3},
    {OpKind::ArgmaxReduce, "argmax_reduce", 3, 0},
    {OpKind::Copy, "copy", 2, 2},
};

/// Reads the manifest's fields into a Manifest.
class ManifestReader : public FieldReader {
public:
  explicit ManifestReader(Manifest &m) : m(m) {}
  void read(const json &root);

private:
  void readHeader(const json &root);
  void readBuffers(const json &root);
  void readBuffer(const json &entry, const std::string &where);
  void readRoles(const json &root);
  void readEvents(const json &root);
  void readVariants(const json &root);
  OpSpec readOp(const json &entry, const std::string &where);
  void readStatic(const json &facts, const std::string &where, OpSpec &op);
  void readTable(const json &root);
  void checkDescriptor(int64_t d);
  void checkArguments(int64_t d, const Variant &variant);

  Manifest &m;
};
} // namespace

void ManifestReader::readHeader(const json &root) {
  std::string format = string(root, "format", "");
  if (format != "amk-manifest")
    fail("format", "expected \"amk-manifest\", got \"" + format + "\"");
  int64_t version = integer(root, "version", "", 0, INT_MAX);
  if (version != 1)
    fail("version", "version " + std::to_string(version) +
                        " is not supported (this runtime reads version 1)");
  m.program = string(root, "program", "");
  if (root.contains("program_hash"))
    m.programHash = string(root, "program_hash", "");
  m.chip = string(root, "chip", "");
  if (m.chip.rfind("sm_", 0) != 0 || m.chip.size() < 5)
    fail("chip", "expected a chip name like \"sm_90a\", got \"" + m.chip + "\"");
  m.kernel = string(root, "kernel", "");
  m.grid = integer(root, "grid", "", 1, INT_MAX);
  m.block = integer(root, "block", "", 1, 1024);
  m.dynamicSmem = integer(root, "dynamic_smem", "", 0, INT_MAX);
  if (root.contains("steps"))
    m.steps = integer(root, "steps", "", 1, 65536);
  int64_t words = integer(root, "desc_words", "", 0, INT_MAX);
  if (words != kDescriptorWords)
    fail("desc_words", "expected " + std::to_string(kDescriptorWords) +
                           ", got " + std::to_string(words));
  const json &position = field(root, "position", "");
  if (!position.is_null())
    m.position = integer(root, "position", "", 0, INT_MAX);
  const json &arenas = object(root, "arenas", "");
  for (int a = 0; a < kNumArenas; ++a)
    m.arenaBytes[a] = integer(arenas, arenaName(Arena(a)), "arenas", 0,
                              INT64_MAX / 2);
}

void ManifestReader::readBuffer(const json &entry, const std::string &where) {
  ManifestBuffer b;
  b.id = integer(entry, "id", where, 0, INT_MAX - 1);
  b.name = string(entry, "name", where);
  b.kind = string(entry, "kind", where);
  std::string dtype = string(entry, "dtype", where);
  std::optional<DType> parsed = kernels::parseDType(dtype);
  if (!parsed)
    fail(where + ".dtype",
         "expected one of f32 f16 bf16 i32 i8 u8 i4 i2 i1, got \"" + dtype + "\"");
  b.dtype = *parsed;
  const json &shape = array(entry, "shape", where);
  int64_t elements = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    std::string at = where + ".shape[" + std::to_string(i) + "]";
    if (!shape[i].is_number_integer() || shape[i].get<int64_t>() <= 0 ||
        shape[i].get<int64_t>() > (int64_t(1) << 40))
      fail(at, "expected a positive integer");
    elements *= shape[i].get<int64_t>();
    if (elements > (int64_t(1) << 40))
      fail(where + ".shape", "more than 2^40 elements");
    b.shape.push_back(shape[i].get<int64_t>());
  }
  b.bytes = integer(entry, "bytes", where, 0, INT64_MAX / 2);
  // The size the compiler's storage model gives (amk::storage).
  ::amk::storage::BufferLayout layout{int64_t(kernels::dtypeBits(b.dtype)),
                                      elements};
  if (layout.bytes() != b.bytes)
    fail(where + ".bytes",
         std::to_string(b.bytes) + " is not " +
             std::to_string(layout.bytes().value_or(-1)) + " (" +
             std::to_string(elements) + " elements x " +
             std::to_string(kernels::dtypeBits(b.dtype)) + " bits)");
  std::string arena = string(entry, "arena", where);
  bool known = false;
  for (int a = 0; a < kNumArenas; ++a)
    if (arena == arenaName(Arena(a))) {
      b.arena = Arena(a);
      known = true;
    }
  if (!known)
    fail(where + ".arena", "expected one of weights kv scratch io, got \"" +
                               arena + "\"");
  b.offset = integer(entry, "offset", where, 0, INT64_MAX / 2);
  if (b.offset % kArenaAlignment)
    fail(where + ".offset", std::to_string(b.offset) +
                                " is not a multiple of " +
                                std::to_string(kArenaAlignment));
  if (b.offset + b.bytes > m.arenaBytes[int(b.arena)])
    fail(where, "bytes [" + std::to_string(b.offset) + ", " +
                    std::to_string(b.offset + b.bytes) + ") overflow arena '" +
                    arena + "' of " +
                    std::to_string(m.arenaBytes[int(b.arena)]) + " bytes");
  if (b.arena == Arena::Weights)
    b.key = string(entry, "key", where);
  if (b.arena == Arena::KV && b.shape.size() != 3)
    fail(where + ".shape", "a KV cache is [rows, kv_heads, head_dim]");
  if (int64_t(m.bufferIndex.size()) <= b.id)
    m.bufferIndex.resize(b.id + 1, -1);
  if (m.bufferIndex[b.id] >= 0)
    fail(where + ".id", "buffer id " + std::to_string(b.id) +
                            " is also buffer '" + m.buffer(b.id).name + "'");
  m.bufferIndex[b.id] = m.buffers.size();
  m.buffers.push_back(std::move(b));
}

void ManifestReader::readBuffers(const json &root) {
  const json &buffers = array(root, "buffers", "");
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::string where = "buffers[" + std::to_string(i) + "]";
    if (!buffers[i].is_object())
      fail(where, "expected an object");
    readBuffer(buffers[i], where);
  }
}

void ManifestReader::readRoles(const json &root) {
  const json &roles = object(root, "roles", "");
  struct RoleField {
    const char *name;
    int64_t *id;
    bool integer, optional;
  } fields[] = {{"tokens", &m.roles.tokens, true, false},
                {"position", &m.roles.position, true, false},
                {"next_token", &m.roles.nextToken, true, true},
                {"logits", &m.roles.logits, false, false}};
  for (const RoleField &role : fields) {
    // Without `next_token` (no argmax in the program) the host takes the
    // argmax of the logits.
    if (role.optional && !roles.contains(role.name))
      continue;
    int64_t id = integer(roles, role.name, "roles", 0, INT_MAX);
    std::string where = std::string("roles.") + role.name;
    if (id >= int64_t(m.bufferIndex.size()) || m.bufferIndex[id] < 0)
      fail(where, "no buffer has id " + std::to_string(id));
    const ManifestBuffer &buffer = m.buffer(id);
    if (buffer.arena != Arena::IO)
      fail(where, "buffer '" + buffer.name + "' is not in the io arena");
    if (role.integer && (buffer.dtype != DType::I32 || buffer.bytes != 4))
      fail(where, "buffer '" + buffer.name + "' is not one i32");
    if (!role.integer && buffer.dtype != DType::F32 &&
        buffer.dtype != DType::BF16 && buffer.dtype != DType::F16)
      fail(where, "buffer '" + buffer.name + "' is not floating-point");
    *role.id = id;
  }
  if (root.contains("token_rows"))
    m.roles.tokenRows = integer(root, "token_rows", "", 1, INT_MAX);
}

void ManifestReader::readEvents(const json &root) {
  const json &events = array(root, "events", "");
  for (size_t i = 0; i < events.size(); ++i) {
    std::string where = "events[" + std::to_string(i) + "]";
    if (!events[i].is_object())
      fail(where, "expected an object");
    ManifestEvent event;
    event.name = string(events[i], "name", where);
    event.init = uint32_t(integer(events[i], "init", where, 0, INT_MAX));
    event.producers =
        uint32_t(integer(events[i], "producers", where, 0, INT_MAX));
    m.events.push_back(std::move(event));
  }
}

void ManifestReader::readStatic(const json &facts, const std::string &where,
                                OpSpec &op) {
  switch (op.kind) {
  case OpKind::RMSNorm:
    op.eps = number(facts, "eps", where);
    op.headDim = integer(facts, "head_dim", where, 0, INT_MAX);
    break;
  case OpKind::Gemv:
    op.bias = boolean(facts, "bias", where);
    op.residual = boolean(facts, "residual", where);
    op.buffers += op.bias + op.residual;
    break;
  case OpKind::Rope: {
    op.headDim = integer(facts, "head_dim", where, 2, INT_MAX);
    op.theta = number(facts, "theta", where);
    const json &llama3 = field(facts, "llama3", where);
    if (llama3.is_null())
      break;
    std::string at = where + ".llama3";
    if (!llama3.is_object())
      fail(at, "expected null or an object");
    op.llama3 = kernels::Llama3Scaling{
        number(llama3, "factor", at), number(llama3, "low_freq_factor", at),
        number(llama3, "high_freq_factor", at),
        integer(llama3, "original_max_position", at, 1, INT_MAX)};
    break;
  }
  case OpKind::Attention:
    op.scale = number(facts, "scale", where);
    op.window = integer(facts, "window", where, 0, INT_MAX);
    op.partial = boolean(facts, "partial", where);
    op.buffers += op.partial;
    if (facts.contains("packed"))
      op.packed = boolean(facts, "packed", where);
    break;
  case OpKind::AttentionMerge:
    op.buffers += int(integer(facts, "partials", where, 1, 63));
    break;
  case OpKind::Copy:
    op.cols = boolean(facts, "cols", where);
    break;
  default:
    break;
  }
}

OpSpec ManifestReader::readOp(const json &entry, const std::string &where) {
  OpSpec op;
  op.name = string(entry, "op", where);
  const OpInfo *info = nullptr;
  for (const OpInfo &candidate : kOps)
    if (op.name == candidate.name)
      info = &candidate;
  if (!info)
    fail(where + ".op", "unknown op \"" + op.name + "\"");
  op.kind = info->kind;
  op.buffers = info->buffers;
  op.ints = info->ints;
  std::string at = where + ".static";
  const json &facts = object(entry, "static", where);
  readStatic(facts, at, op);
  int64_t buffers = integer(entry, "buffers", where, 0, 64);
  int64_t ints = integer(entry, "ints", where, 0, 64);
  if (buffers != op.buffers || ints != op.ints)
    fail(where, op.name + " takes " + std::to_string(op.buffers) +
                    " buffers and " + std::to_string(op.ints) +
                    " integers here, the manifest says " +
                    std::to_string(buffers) + " and " + std::to_string(ints));
  const json &dtypes = array(facts, "dtypes", at);
  if (int64_t(dtypes.size()) != op.buffers)
    fail(at + ".dtypes", std::to_string(dtypes.size()) +
                             " element types for " +
                             std::to_string(op.buffers) + " buffers");
  for (size_t i = 0; i < dtypes.size(); ++i) {
    std::optional<DType> dtype;
    if (dtypes[i].is_string())
      dtype = kernels::parseDType(dtypes[i].get<std::string>());
    if (!dtype)
      fail(at + ".dtypes[" + std::to_string(i) + "]",
           "expected one of f32 f16 bf16 i32 i8 u8");
    op.dtypes.push_back(*dtype);
  }
  return op;
}

void ManifestReader::readVariants(const json &root) {
  const json &variants = array(root, "variants", "");
  for (size_t i = 0; i < variants.size(); ++i) {
    std::string where = "variants[" + std::to_string(i) + "]";
    if (!variants[i].is_object())
      fail(where, "expected an object");
    if (integer(variants[i], "id", where, 0, INT_MAX) != int64_t(i))
      fail(where + ".id", "variants must be listed in id order");
    const json &ops = array(variants[i], "ops", where);
    Variant variant;
    for (size_t j = 0; j < ops.size(); ++j) {
      std::string at = where + ".ops[" + std::to_string(j) + "]";
      if (!ops[j].is_object())
        fail(at, "expected an object");
      variant.ops.push_back(readOp(ops[j], at));
      variant.numArgs += variant.ops.back().buffers + variant.ops.back().ints;
    }
    m.variants.push_back(std::move(variant));
  }
}

void ManifestReader::checkArguments(int64_t d, const Variant &variant) {
  const std::string &task = m.tasks[m.word(d, 5)];
  int64_t cursor = m.word(d, 4);
  for (size_t j = 0; j < variant.ops.size(); ++j) {
    const OpSpec &op = variant.ops[j];
    for (int i = 0; i < op.buffers; ++i, ++cursor) {
      int32_t id = m.args[cursor];
      std::string where = "table.args[" + std::to_string(cursor) + "]";
      std::string what = "task \"" + task + "\" " + op.name + " buffer " +
                         std::to_string(i);
      if (id < 0 || id >= int64_t(m.bufferIndex.size()) ||
          m.bufferIndex[id] < 0)
        fail(where, what + ": no buffer has id " + std::to_string(id));
      if (m.buffer(id).dtype != op.dtypes[i])
        fail(where, what + " is '" + m.buffer(id).name + "' of type " +
                        kernels::dtypeName(m.buffer(id).dtype) +
                        ", the variant expects " +
                        kernels::dtypeName(op.dtypes[i]));
    }
    cursor += op.ints;
  }
}

void ManifestReader::checkDescriptor(int64_t d) {
  std::string where = "table.descriptors[" + std::to_string(d) + "]";
  auto check = [&](int word, int64_t lo, int64_t hi, const char *what) {
    int64_t value = m.word(d, word);
    if (value < lo || value >= hi)
      fail(where, std::string(what) + " " + std::to_string(value) +
                      " is outside [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + ")");
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
    fail(where, "a barrier arrival (flag 1) must signal an event");
  if (m.word(d, 0) < 0)
    return;
  const Variant &variant = m.variants[m.word(d, 0)];
  check(4, 0, int64_t(m.args.size()) - variant.numArgs + 1, "first argument");
  checkArguments(d, variant);
}

void ManifestReader::readTable(const json &root) {
  const json &tasks = array(root, "tasks", "");
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!tasks[i].is_string())
      fail("tasks[" + std::to_string(i) + "]", "expected a string");
    m.tasks.push_back(tasks[i].get<std::string>());
  }
  const json &table = object(root, "table", "");
  m.descriptors = int32Array(table, "descriptors", "table");
  m.queues = int32Array(table, "queues", "table");
  m.waits = int32Array(table, "waits", "table");
  m.args = int32Array(table, "args", "table");
  if (m.descriptors.size() % kDescriptorWords)
    fail("table.descriptors", "length " + std::to_string(m.descriptors.size()) +
                                  " is not a multiple of " +
                                  std::to_string(kDescriptorWords));
  if (m.waits.size() % kWaitWords)
    fail("table.waits", "length " + std::to_string(m.waits.size()) +
                            " is not a multiple of 3");
  if (int64_t(m.queues.size()) != m.grid + 1)
    fail("table.queues", std::to_string(m.queues.size()) +
                             " offsets for a grid of " +
                             std::to_string(m.grid) + " (expected grid + 1)");
  if (m.queues.front() != 0 || m.queues.back() != m.numDescriptors())
    fail("table.queues", "offsets must run from 0 to the " +
                             std::to_string(m.numDescriptors()) +
                             " descriptors");
  for (size_t w = 0; w + 1 < m.queues.size(); ++w)
    if (m.queues[w] > m.queues[w + 1])
      fail("table.queues[" + std::to_string(w + 1) + "]", "offsets decrease");
  for (size_t i = 0; i < m.waits.size(); i += kWaitWords) {
    std::string where = "table.waits[" + std::to_string(i / kWaitWords) + "]";
    if (m.waits[i] < 0 || m.waits[i] >= int64_t(m.events.size()))
      fail(where, "event " + std::to_string(m.waits[i]) + " does not exist");
    if (m.waits[i + 1] < 0 || m.waits[i + 2] < 0)
      fail(where, "negative threshold or producer count");
  }
  for (int64_t d = 0; d < m.numDescriptors(); ++d)
    checkDescriptor(d);
}

void ManifestReader::read(const json &root) {
  if (!root.is_object())
    fail("", "expected a JSON object");
  readHeader(root);
  readBuffers(root);
  readRoles(root);
  readEvents(root);
  readVariants(root);
  readTable(root);
}

Status amk::runtime::readManifest(const std::string &path, Manifest &manifest) {
  manifest = Manifest();
  manifest.path = path;
  json root;
  if (Status status = parseJsonFile(path, "a manifest", root); status.failed())
    return status;
  ManifestReader reader(manifest);
  return reader.run(path, [&] { reader.read(root); });
}
