//===- Checkpoint.h - Safetensors checkpoints bound to a manifest -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Reads the headers of a checkpoint directory (`model.safetensors`, or the
// shards of `model.safetensors.index.json`) and binds every weight buffer of
// a manifest to its tensor by state-dict key, checking dtype and shape.
// Tensor bytes are read through a memory mapping of each file.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_RUNTIME_CHECKPOINT_H
#define AMK_RUNTIME_CHECKPOINT_H

#include "AMK/Runtime/Manifest.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace amk::runtime {

/// One tensor of a checkpoint.
struct TensorEntry {
  /// The safetensors dtype name (`BF16`, `F32`, ...).
  std::string dtype;
  std::vector<int64_t> shape;
  /// Index of the file holding it (Checkpoint::files).
  size_t file = 0;
  /// Byte range in that file.
  uint64_t begin = 0, end = 0;
};

/// A memory-mapped file.
class MappedFile {
public:
  ~MappedFile();
  /// Maps \p path read-only.
  static Status open(const std::string &path, std::unique_ptr<MappedFile> &out);
  const unsigned char *data() const { return bytes; }
  uint64_t size() const { return length; }
  const std::string &path() const { return name; }

private:
  MappedFile() = default;
  std::string name;
  const unsigned char *bytes = nullptr;
  uint64_t length = 0;
};

/// The tensors of one checkpoint directory.
class Checkpoint {
public:
  /// Reads the checkpoint in \p dir (single file or sharded). Every header
  /// entry is checked; with \p manifest, only the tensors its weight
  /// buffers name (and the tied-embedding fallback) are kept, so a header of
  /// millions of entries costs little more than its text.
  static Status open(const std::string &dir, Checkpoint &checkpoint,
                     const Manifest *manifest = nullptr);

  /// Calls \p bind with each weight buffer of \p manifest and its bytes
  /// (exactly `buffer.bytes`). A missing tensor, or one whose dtype or shape
  /// differs from the buffer's, is an error naming the tensor. A missing
  /// `lm_head.weight` is bound to `model.embed_tokens.weight` (tied
  /// embeddings).
  Status bind(const Manifest &manifest,
              const std::function<Status(const ManifestBuffer &,
                                         const unsigned char *)> &bind) const;

  /// The file describing the checkpoint, for diagnostics.
  const std::string &source() const { return sourcePath; }

  /// Whether the checkpoint holds tensor \p name (among those kept).
  bool has(const std::string &name) const { return tensors.count(name); }

private:
  Status readShard(const std::string &path);
  /// Whether tensor \p name is kept (see open).
  bool keeps(const std::string &name) const {
    return !wanted || wanted->count(name);
  }
  std::string sourcePath;
  /// The tensors kept; null keeps all.
  std::shared_ptr<const std::set<std::string>> wanted;
  std::vector<std::unique_ptr<MappedFile>> files;
  std::map<std::string, TensorEntry> tensors;
};

/// Compares what `DIR/config.json` states, when it exists, with what the
/// verified \p manifest was compiled for: `vocab_size` and `hidden_size`
/// (the embedding table), `num_hidden_layers` (the `model.layers.N.` weight
/// keys), `num_attention_heads` and `num_key_value_heads` (attention's
/// facts), and `tie_word_embeddings: false` with a manifest that binds
/// `lm_head.weight` to a checkpoint that lacks it (the tied fallback would
/// run an untied model with the embedding table as its head).
Status checkConfig(const std::string &dir, const Manifest &manifest,
                   const Checkpoint &checkpoint);

/// The end-of-sequence tokens of the checkpoint in \p dir:
/// `generation_config.json`'s `eos_token_id` (an id or a list of ids);
/// none when the file or the field is absent.
Status readEosTokens(const std::string &dir, std::vector<int64_t> &eos);

} // namespace amk::runtime

#endif // AMK_RUNTIME_CHECKPOINT_H
