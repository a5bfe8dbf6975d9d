//===- Manifest.cpp - The megakernel's manifest ---------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Every field is checked where it is read (its type and range); an error
// names the file, the field's path (`buffers[3].dtype`) and what was
// expected. How the fields fit together is verifyManifest's (Verifier.cpp).
//
//===----------------------------------------------------------------------===//

#include "AMK/Runtime/Manifest.h"

#include "JsonFields.h"

#include "AMK/Support/JSONDepth.h"

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

std::string amk::runtime::formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

int64_t amk::runtime::storageBytes(DType dtype, int64_t elements) {
  // The size the compiler's storage model gives (amk::storage); -1 when
  // it overflows.
  ::amk::storage::BufferLayout layout{int64_t(kernels::dtypeBits(dtype)),
                                      elements};
  return layout.bytes().value_or(-1);
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
  /// Reads the manifest's text member by member, so that a key given twice
  /// is refused (at any depth) instead of the last one winning.
  void readText(std::string_view text) {
    json root = json::object();
    Int32Arrays table;
    readObject(text, root, &table, "table");
    m.contentHash = manifestHashOf(root, &table, "table");
    read(root, table);
  }

private:
  void read(const json &root, Int32Arrays &table);
  void readHeader(const json &root);
  void readBuffers(const json &root);
  void readBuffer(const json &entry, const std::string &where);
  void readRoles(const json &root);
  void readEvents(const json &root);
  void readVariants(const json &root);
  OpSpec readOp(const json &entry, const std::string &where);
  void readStatic(const json &facts, const std::string &where, OpSpec &op);
  void readShapes(const json &facts, const std::string &where, OpSpec &op);
  void readTable(const json &root, Int32Arrays &table);

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
  m.manifestHash = string(root, "manifest_hash", "");
  if (root.contains("ptx_hash"))
    m.ptxHash = string(root, "ptx_hash", "");
  m.chip = string(root, "chip", "");
  if (m.chip.rfind("sm_", 0) != 0 || m.chip.size() < 5)
    fail("chip", "expected a chip name like \"sm_90a\", got \"" + m.chip + "\"");
  m.kernel = string(root, "kernel", "");
  m.grid = integer(root, "grid", "", 1, kMaxGrid);
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

/// The buffer kinds and the arena each lives in (the compiler's arenaOf).
static const std::pair<const char *, Arena> kKinds[] = {
    {"weight", Arena::Weights}, {"const", Arena::Weights},
    {"input", Arena::IO},       {"output", Arena::IO},
    {"kv_cache", Arena::KV},    {"activation", Arena::Scratch},
    {"scratch", Arena::Scratch}};

void ManifestReader::readBuffer(const json &entry, const std::string &where) {
  ManifestBuffer b;
  // Ids are dense: bounded by the number of buffers before anything is
  // sized by them.
  b.id = integer(entry, "id", where, 0, int64_t(m.bufferIndex.size()) - 1);
  b.name = string(entry, "name", where);
  b.kind = string(entry, "kind", where);
  const std::pair<const char *, Arena> *kind = nullptr;
  for (const auto &candidate : kKinds)
    if (b.kind == candidate.first)
      kind = &candidate;
  if (!kind)
    fail(where + ".kind", "expected one of weight const input output "
                          "kv_cache activation scratch, got \"" +
                              b.kind + "\"");
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
  if (storageBytes(b.dtype, elements) != b.bytes)
    fail(where + ".bytes",
         std::to_string(b.bytes) + " is not " +
             std::to_string(storageBytes(b.dtype, elements)) + " (" +
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
  if (b.arena != kind->second)
    fail(where + ".arena", "a " + b.kind + " buffer lives in arena '" +
                               arenaName(kind->second) + "', not '" + arena +
                               "'");
  b.offset = integer(entry, "offset", where, 0, INT64_MAX / 2);
  if (b.offset % kArenaAlignment)
    fail(where + ".offset", std::to_string(b.offset) +
                                " is not a multiple of " +
                                std::to_string(kArenaAlignment));
  if (b.arena == Arena::Weights)
    b.key = string(entry, "key", where);
  if (entry.contains("page"))
    b.page = string(entry, "page", where);
  if (b.arena == Arena::KV && b.shape.size() != 3)
    fail(where + ".shape", "a KV cache is [rows, kv_heads, head_dim]");
  if (m.bufferIndex[b.id] >= 0)
    fail(where + ".id", "buffer id " + std::to_string(b.id) +
                            " is also buffer '" + m.buffer(b.id).name + "'");
  m.bufferIndex[b.id] = m.buffers.size();
  m.buffers.push_back(std::move(b));
}

void ManifestReader::readBuffers(const json &root) {
  const json &buffers = array(root, "buffers", "");
  m.bufferIndex.assign(buffers.size(), -1);
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::string where = "buffers[" + std::to_string(i) + "]";
    if (!buffers[i].is_object())
      fail(where, "expected an object");
    readBuffer(buffers[i], where);
  }
}

void ManifestReader::readRoles(const json &root) {
  const json &roles = object(root, "roles", "");
  m.roles.tokens = integer(roles, "tokens", "roles", 0, INT_MAX);
  m.roles.position = integer(roles, "position", "roles", 0, INT_MAX);
  // Without `next_token` (no argmax in the program) the host takes the
  // argmax of the logits.
  if (roles.contains("next_token"))
    m.roles.nextToken = integer(roles, "next_token", "roles", 0, INT_MAX);
  m.roles.logits = integer(roles, "logits", "roles", 0, INT_MAX);
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

void ManifestReader::readShapes(const json &facts, const std::string &where,
                                OpSpec &op) {
  const json &shapes = array(facts, "shapes", where);
  if (int64_t(shapes.size()) != op.buffers)
    fail(where + ".shapes", std::to_string(shapes.size()) + " shapes for " +
                                std::to_string(op.buffers) + " buffers");
  for (size_t i = 0; i < shapes.size(); ++i) {
    std::string at = where + ".shapes[" + std::to_string(i) + "]";
    if (!shapes[i].is_array() || shapes[i].empty() || shapes[i].size() > 8)
      fail(at, "expected an array of 1 to 8 dimensions");
    std::vector<int64_t> shape;
    int64_t elements = 1;
    for (const json &dim : shapes[i]) {
      if (!dim.is_number_integer() || dim.get<int64_t>() <= 0 ||
          dim.get<int64_t>() > (int64_t(1) << 40))
        fail(at, "expected positive integers up to 2^40");
      shape.push_back(dim.get<int64_t>());
      elements *= shape.back();
      if (elements > (int64_t(1) << 40))
        fail(at, "more than 2^40 elements");
    }
    op.shapes.push_back(std::move(shape));
  }
  for (const auto &[key, value] : facts.items())
    if (value.is_number_integer())
      op.extents.emplace_back(
          key, integer(facts, key.c_str(), where, INT_MIN, INT_MAX));
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
  readShapes(facts, at, op);
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

void ManifestReader::readTable(const json &root, Int32Arrays &table) {
  const json &tasks = array(root, "tasks", "");
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!tasks[i].is_string())
      fail("tasks[" + std::to_string(i) + "]", "expected a string");
    m.tasks.push_back(tasks[i].get<std::string>());
  }
  std::pair<const char *, std::vector<int32_t> *> arrays[] = {
      {"descriptors", &m.descriptors},
      {"queues", &m.queues},
      {"waits", &m.waits},
      {"args", &m.args}};
  for (auto &[name, words] : arrays) {
    auto it = table.find(name);
    if (it == table.end())
      fail(std::string("table.") + name, "missing");
    *words = std::move(it->second);
  }
  if (m.descriptors.size() % kDescriptorWords)
    fail("table.descriptors", "length " + std::to_string(m.descriptors.size()) +
                                  " is not a multiple of " +
                                  std::to_string(kDescriptorWords));
  if (m.waits.size() % kWaitWords)
    fail("table.waits", "length " + std::to_string(m.waits.size()) +
                            " is not a multiple of 3");
}

void ManifestReader::read(const json &root, Int32Arrays &table) {
  if (!root.is_object())
    fail("", "expected a JSON object");
  readHeader(root);
  readBuffers(root);
  readRoles(root);
  readEvents(root);
  readVariants(root);
  readTable(root, table);
}

Status amk::runtime::parseManifest(std::string_view text,
                                   const std::string &path,
                                   Manifest &manifest) {
  manifest = Manifest();
  manifest.path = path;
  if (std::string error =
          support::checkJSONText(text, path, "a manifest", kMaxJsonBytes);
      !error.empty())
    return Status::error(error);
  ManifestReader reader(manifest);
  return reader.run(path, [&] { reader.readText(text); });
}

Status amk::runtime::readManifest(const std::string &path, Manifest &manifest) {
  std::string text;
  if (Status status = readJsonFile(path, "a manifest", text); status.failed())
    return status;
  return parseManifest(text, path, manifest);
}
