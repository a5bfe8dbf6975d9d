//===- Checkpoint.cpp - Safetensors checkpoints bound to a manifest -------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Runtime/Checkpoint.h"

#include "JsonFields.h"

#include "AMK/Support/FileNames.h"
#include "AMK/Support/JSONDepth.h"
#include "AMK/Support/RegularFile.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace amk::runtime;
namespace kernels = amk::kernels;
using nlohmann::json;

/// Largest safetensors header accepted (as the reference implementation).
static constexpr uint64_t kMaxHeaderBytes = 100'000'000;

MappedFile::~MappedFile() {
  if (bytes && length)
    munmap(const_cast<unsigned char *>(bytes), length);
}

Status MappedFile::open(const std::string &path,
                        std::unique_ptr<MappedFile> &out) {
  int fd = -1;
  uint64_t size = 0;
  if (std::string error = support::openRegularFile(path, fd, size);
      !error.empty())
    return Status::error(error);
  std::unique_ptr<MappedFile> file(new MappedFile());
  file->name = path;
  file->length = size;
  if (file->length) {
    void *mapped = mmap(nullptr, file->length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
      ::close(fd);
      return Status::error(path + ": cannot map: " + std::strerror(errno));
    }
    file->bytes = static_cast<const unsigned char *>(mapped);
  }
  ::close(fd);
  out = std::move(file);
  return Status::ok();
}

/// Bytes of one element of the safetensors dtype \p name; 0 if unknown.
static unsigned elementBytes(const std::string &name) {
  static const std::pair<const char *, unsigned> sizes[] = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"F64", 8}, {"I64", 8},     {"U64", 8}};
  for (const auto &[dtype, size] : sizes)
    if (name == dtype)
      return size;
  return 0;
}

/// The safetensors spelling of a manifest element type.
static const char *safetensorsName(amk::kernels::DType dtype) {
  static const char *names[] = {"F32", "F16", "BF16", "I32", "I8", "U8"};
  return names[int(dtype)];
}

namespace {
/// Reads the JSON header of one safetensors file.
class HeaderReader : public FieldReader {
public:
  HeaderReader(std::map<std::string, TensorEntry> &tensors, size_t file,
               uint64_t dataStart, uint64_t fileSize,
               std::function<bool(const std::string &)> keep)
      : tensors(tensors), file(file), dataStart(dataStart),
        fileSize(fileSize), keep(std::move(keep)) {}

  /// Reads the header text, one tensor entry at a time.
  void read(std::string_view header) {
    forEachMember(header, [&](const std::string &name, const json &entry) {
      if (name != "__metadata__")
        readTensor(name, entry);
    });
    checkOverlaps(header);
  }

private:
  /// Refuses two tensors sharing a data byte (empty tensors share none), as
  /// the compiler's reader does. Only the ranges are kept (16 bytes per
  /// tensor); the names are looked up again for the error.
  void checkOverlaps(std::string_view header) {
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i) {
      if (ranges[i].first >= ranges[i - 1].second)
        continue;
      std::string names[2];
      forEachMember(header, [&](const std::string &name, const json &entry) {
        for (int k = 0; k < 2; ++k)
          if (rangeOf(entry) == ranges[i - 1 + k] && names[k].empty())
            names[k] = name;
      });
      fail("tensors '" + names[0] + "' " + formatRange(ranges[i - 1]) +
               " and '" + names[1] + "' " + formatRange(ranges[i]),
           "overlap");
    }
  }
  static std::pair<uint64_t, uint64_t> rangeOf(const json &entry) {
    const json *offsets = entry.is_object() && entry.contains("data_offsets")
                              ? &entry["data_offsets"]
                              : nullptr;
    if (!offsets || offsets->size() != 2)
      return {0, 0};
    return {(*offsets)[0].get<uint64_t>(), (*offsets)[1].get<uint64_t>()};
  }
  static std::string formatRange(std::pair<uint64_t, uint64_t> range) {
    return "[" + std::to_string(range.first) + ", " +
           std::to_string(range.second) + ")";
  }

  void readTensor(const std::string &name, const json &entry) {
    std::string where = "tensor '" + name + "'";
    if (!entry.is_object())
      fail(where, "expected an object");
    TensorEntry tensor;
    tensor.file = file;
    tensor.dtype = string(entry, "dtype", where);
    unsigned size = elementBytes(tensor.dtype);
    if (!size)
      fail(where + ".dtype", "unknown dtype \"" + tensor.dtype + "\"");
    const json &shape = array(entry, "shape", where);
    uint64_t elements = 1;
    for (const json &dim : shape) {
      if (!dim.is_number_integer() || dim.get<int64_t>() < 0 ||
          dim.get<int64_t>() > (int64_t(1) << 40))
        fail(where + ".shape", "expected non-negative integers");
      tensor.shape.push_back(dim.get<int64_t>());
      // Checked before the product, which could wrap (2^40 x 2^40 x 2^40).
      uint64_t extent = uint64_t(dim.get<int64_t>());
      if (extent && elements > (uint64_t(1) << 44) / extent)
        fail(where + ".shape", "more than 2^44 elements");
      elements *= extent;
    }
    const json &offsets = array(entry, "data_offsets", where);
    if (offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      fail(where + ".data_offsets", "expected [begin, end]");
    uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (begin > end || end > fileSize - dataStart)
      fail(where + ".data_offsets",
           "[" + std::to_string(begin) + ", " + std::to_string(end) +
               ") is outside the " + std::to_string(fileSize - dataStart) +
               " data bytes");
    if (end - begin != elements * size)
      fail(where, std::to_string(end - begin) + " bytes for " +
                      tensor.dtype + " " + formatShape(tensor.shape));
    tensor.begin = dataStart + begin;
    tensor.end = dataStart + end;
    if (begin != end)
      ranges.emplace_back(begin, end);
    if (!keep(name))
      return;
    auto [it, added] = tensors.emplace(name, std::move(tensor));
    if (!added)
      fail(where, it->second.file == file ? "appears twice"
                                          : "appears in two files");
  }

  std::map<std::string, TensorEntry> &tensors;
  size_t file;
  uint64_t dataStart, fileSize;
  std::function<bool(const std::string &)> keep;
  /// The data range of every non-empty tensor (relative to the data).
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
};

/// Reads the weight map of a `model.safetensors.index.json`, one entry at
/// a time, keeping the entries \p keep accepts: every entry is checked, a
/// tensor listed twice only among those kept.
class IndexReader : public FieldReader {
public:
  IndexReader(std::map<std::string, std::string> &map,
              std::function<bool(const std::string &)> keep)
      : map(map), keep(std::move(keep)) {}
  void read(std::string_view text) {
    forEachMember(
        text,
        [&](const std::string &name, const json &shard) {
          std::string where = "weight_map." + name;
          if (!shard.is_string())
            fail(where, "expected a file name");
          std::string file = shard.get<std::string>();
          if (!amk::support::isPlainFileName(file))
            fail(where, "\"" + file + "\" is not a plain file name");
          if (keep(name) && !map.emplace(name, file).second)
            fail(where, "appears twice");
        },
        "weight_map");
  }

private:
  std::map<std::string, std::string> &map;
  std::function<bool(const std::string &)> keep;
};
} // namespace

Status Checkpoint::readShard(const std::string &path) {
  std::unique_ptr<MappedFile> file;
  if (Status status = MappedFile::open(path, file); status.failed())
    return status;
  uint64_t headerBytes = 0;
  if (file->size() < 8)
    return Status::error(path + ": shorter than the 8-byte header length");
  for (int i = 7; i >= 0; --i)
    headerBytes = (headerBytes << 8) | file->data()[i];
  if (headerBytes > kMaxHeaderBytes || headerBytes > file->size() - 8)
    return Status::error(path + ": header length " +
                         std::to_string(headerBytes) + " exceeds the file");
  std::string_view text(reinterpret_cast<const char *>(file->data()) + 8,
                        headerBytes);
  if (std::string tooDeep =
          support::checkDepth(text, path, "a safetensors header");
      !tooDeep.empty())
    return Status::error(tooDeep);
  HeaderReader reader(tensors, files.size(), 8 + headerBytes, file->size(),
                      [&](const std::string &name) { return keeps(name); });
  files.push_back(std::move(file));
  return reader.run(path, [&] { reader.read(text); });
}

static bool exists(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

Status Checkpoint::open(const std::string &dir, Checkpoint &checkpoint,
                        const Manifest *manifest) {
  checkpoint = Checkpoint();
  if (manifest) {
    auto wanted = std::make_shared<std::set<std::string>>();
    wanted->insert("model.embed_tokens.weight");
    for (const ManifestBuffer &buffer : manifest->buffers)
      if (buffer.arena == Arena::Weights)
        wanted->insert(buffer.key);
    checkpoint.wanted = std::move(wanted);
  }
  std::string single = dir + "/model.safetensors";
  std::string index = dir + "/model.safetensors.index.json";
  if (exists(single)) {
    checkpoint.sourcePath = single;
    return checkpoint.readShard(single);
  }
  if (!exists(index))
    return Status::error(dir + ": no model.safetensors or "
                               "model.safetensors.index.json");
  checkpoint.sourcePath = index;
  std::string text;
  if (Status status = readJsonFile(index, "a safetensors index", text);
      status.failed())
    return status;
  std::map<std::string, std::string> weightMap;
  IndexReader reader(weightMap, [&](const std::string &name) {
    return checkpoint.keeps(name);
  });
  if (Status status = reader.run(index, [&] { reader.read(text); });
      status.failed())
    return status;
  std::set<std::string> shards;
  for (const auto &entry : weightMap)
    shards.insert(entry.second);
  for (const std::string &shard : shards)
    if (Status status = checkpoint.readShard(dir + "/" + shard);
        status.failed())
      return status;
  for (const auto &[name, shard] : weightMap) {
    auto it = checkpoint.tensors.find(name);
    if (it == checkpoint.tensors.end() ||
        checkpoint.files[it->second.file]->path() != dir + "/" + shard)
      return Status::error(index + ": tensor '" + name + "' is not in " +
                           shard);
  }
  return Status::ok();
}

Status Checkpoint::bind(
    const Manifest &manifest,
    const std::function<Status(const ManifestBuffer &, const unsigned char *)>
        &bind) const {
  for (const ManifestBuffer &buffer : manifest.buffers) {
    if (buffer.arena != Arena::Weights)
      continue;
    auto it = tensors.find(buffer.key);
    if (it == tensors.end() && buffer.key == "lm_head.weight")
      it = tensors.find("model.embed_tokens.weight");
    if (it == tensors.end())
      return Status::error("tensor '" + buffer.key + "' (buffer '" +
                           buffer.name + "') is not in " + sourcePath);
    const TensorEntry &tensor = it->second;
    if (tensor.dtype != safetensorsName(buffer.dtype) ||
        tensor.shape != buffer.shape)
      return Status::error("tensor '" + it->first + "' is " + tensor.dtype +
                           " " + formatShape(tensor.shape) + " in " +
                           files[tensor.file]->path() + ", but buffer '" +
                           buffer.name + "' is " +
                           kernels::dtypeName(buffer.dtype) + " " +
                           formatShape(buffer.shape));
    if (Status status = bind(buffer, files[tensor.file]->data() + tensor.begin);
        status.failed())
      return status;
  }
  return Status::ok();
}

namespace {
/// What a manifest was compiled for, in config.json's terms (-1: unknown).
struct ModelFacts {
  int64_t vocab = -1, hidden = -1, layers = -1, heads = -1, kvHeads = -1;
  bool bindsHead = false;
};

/// Reads the facts of a verified manifest.
ModelFacts factsOf(const Manifest &m) {
  ModelFacts facts;
  const std::string prefix = "model.layers.";
  for (const ManifestBuffer &buffer : m.buffers) {
    if (buffer.arena != Arena::Weights)
      continue;
    if (buffer.key == "model.embed_tokens.weight" && buffer.shape.size() == 2) {
      facts.vocab = buffer.shape[0];
      facts.hidden = buffer.shape[1];
    }
    facts.bindsHead |= buffer.key == "lm_head.weight";
    if (buffer.key.compare(0, prefix.size(), prefix) != 0)
      continue;
    int64_t layer = 0;
    size_t i = prefix.size();
    for (; i < buffer.key.size() && isdigit((unsigned char)buffer.key[i]) &&
           layer < (int64_t(1) << 30);
         ++i)
      layer = layer * 10 + (buffer.key[i] - '0');
    if (i > prefix.size() && i < buffer.key.size() && buffer.key[i] == '.')
      facts.layers = std::max(facts.layers, layer + 1);
  }
  for (const Variant &variant : m.variants)
    for (const OpSpec &op : variant.ops)
      if (op.kind == OpKind::Attention)
        for (const auto &[key, value] : op.extents) {
          if (key == "heads")
            facts.heads = value;
          if (key == "kv_heads")
            facts.kvHeads = value;
        }
  return facts;
}

/// Reads config.json and compares it with a manifest's facts.
class ConfigReader : public FieldReader {
public:
  ConfigReader(const ModelFacts &facts, bool hasHead)
      : facts(facts), hasHead(hasHead) {}
  void read(std::string_view text) {
    json root = json::object();
    readObject(text, root);
    compare(root, "vocab_size", facts.vocab, "the embedding table's rows");
    compare(root, "hidden_size", facts.hidden,
            "the embedding table's columns");
    compare(root, "num_hidden_layers", facts.layers,
            "the model.layers.N weights");
    compare(root, "num_attention_heads", facts.heads, "attention's heads");
    compare(root, "num_key_value_heads", facts.kvHeads,
            "attention's KV heads");
    if (root.contains("tie_word_embeddings") &&
        !boolean(root, "tie_word_embeddings", "") && facts.bindsHead &&
        !hasHead)
      fail("tie_word_embeddings",
           "false, but the checkpoint has no lm_head.weight (an untied "
           "model needs its head)");
  }

private:
  void compare(const json &root, const char *key, int64_t compiled,
               const char *what) {
    if (compiled < 0 || !root.contains(key) || root[key].is_null())
      return;
    int64_t stated = integer(root, key, "", 0, INT64_MAX);
    if (stated != compiled)
      fail(key, std::to_string(stated) + ", but the kernel was compiled for " +
                    std::to_string(compiled) + " (" + what + ")");
  }

  const ModelFacts &facts;
  bool hasHead;
};
} // namespace

/// Runs \p reader (a FieldReader with `read(text)`) over the JSON file
/// \p name of the checkpoint directory \p dir (\p what names it in
/// errors); an absent file is no error.
template <typename Reader>
static Status readOptionalJson(const std::string &dir, const char *name,
                               const char *what, Reader &reader) {
  std::string path = dir + "/" + name;
  if (!exists(path))
    return Status::ok();
  std::string text;
  if (Status status = readJsonFile(path, what, text); status.failed())
    return status;
  return reader.run(path, [&] { reader.read(text); });
}

Status amk::runtime::checkConfig(const std::string &dir,
                                 const Manifest &manifest,
                                 const Checkpoint &checkpoint) {
  ModelFacts facts = factsOf(manifest);
  ConfigReader reader(facts, checkpoint.has("lm_head.weight"));
  return readOptionalJson(dir, "config.json", "a model config", reader);
}

namespace {
/// Reads `eos_token_id` from generation_config.json.
class GenerationConfigReader : public FieldReader {
public:
  explicit GenerationConfigReader(std::vector<int64_t> &eos) : eos(eos) {}
  void read(std::string_view text) {
    json root = json::object();
    readObject(text, root);
    if (!root.contains("eos_token_id") || root["eos_token_id"].is_null())
      return;
    const json &ids = root["eos_token_id"];
    if (!ids.is_array()) {
      eos.push_back(integer(root, "eos_token_id", "", 0, INT32_MAX));
      return;
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_number_integer() || ids[i].get<int64_t>() < 0 ||
          ids[i].get<int64_t>() > INT32_MAX)
        fail("eos_token_id[" + std::to_string(i) + "]",
             "expected a token id");
      eos.push_back(ids[i].get<int64_t>());
    }
  }

private:
  std::vector<int64_t> &eos;
};
} // namespace

Status amk::runtime::readEosTokens(const std::string &dir,
                                   std::vector<int64_t> &eos) {
  eos.clear();
  GenerationConfigReader reader(eos);
  return readOptionalJson(dir, "generation_config.json",
                          "a generation config", reader);
}
