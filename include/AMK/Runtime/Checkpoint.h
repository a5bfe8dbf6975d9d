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

} // namespace amk::runtime

#endif // AMK_RUNTIME_CHECKPOINT_H
