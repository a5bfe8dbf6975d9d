//===- SafeTensors.h - Read safetensors headers ------------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Reads and validates the JSON header of `.safetensors` files and of sharded
// checkpoints (`model.safetensors.index.json`). Tensor data is never read: a
// file is opened, its size taken, and only its first 8 + N bytes are loaded.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CHECKPOINT_SAFETENSORS_H
#define AMK_CHECKPOINT_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace amk::import {

/// Element types a safetensors header may name (byte-sized types only).
enum class DType { BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32,
                   U32, F32, F64, I64, U64 };

/// Parses a safetensors dtype name such as "BF16"; std::nullopt if unknown.
std::optional<DType> parseDType(llvm::StringRef name);

/// Returns the safetensors spelling of \p dtype, e.g. "BF16".
llvm::StringRef dtypeName(DType dtype);

/// Returns the size in bytes of one element of \p dtype.
unsigned dtypeSize(DType dtype);

/// Returns true for the floating-point types weights may have: F32, F16, BF16.
bool isWeightDType(DType dtype);

/// Renders \p shape as "[d0, d1, ...]".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Largest header (the JSON part) accepted, in bytes, as in the reference
/// safetensors implementation.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

/// One tensor of a checkpoint.
struct TensorInfo {
  /// Element type.
  DType dtype;
  /// Dimensions, outermost first; empty for a scalar. Weights have one or
  /// two, held inline (a header may list millions of tensors).
  llvm::SmallVector<int64_t, 2> shape;
  /// Path of the file holding the data (as given to the reader), shared by
  /// the file's tensors (a header may list millions).
  std::shared_ptr<const std::string> file;
  /// Absolute byte offset of the first data byte in `file`
  /// (8 + header length + data_offsets[0]).
  uint64_t begin = 0;
  /// Absolute byte offset one past the last data byte in `file`.
  uint64_t end = 0;
};

/// Tensors by name, in name order.
using TensorMap = std::map<std::string, TensorInfo>;

/// The validated header of one safetensors file.
struct SafeTensorsHeader {
  /// Absolute offset of the data section (8 + header length).
  uint64_t dataStart = 0;
  /// Size of the data section in bytes (file size - dataStart).
  uint64_t dataSize = 0;
  /// The tensors; TensorInfo::file is the file name given to the parser.
  TensorMap tensors;
  /// The string entries of "__metadata__", if any.
  std::map<std::string, std::string> metadata;
};

/// Parses a safetensors header from \p bytes, the first bytes of a file whose
/// total size is \p fileSize. \p bytes must hold at least the 8-byte length and
/// the JSON header (more is ignored). Every check on the header is done here:
/// sizes, JSON structure, dtypes, shapes, offsets, overflow and overlaps.
/// Error messages start with \p fileName.
llvm::Expected<SafeTensorsHeader>
parseSafeTensorsHeader(llvm::StringRef bytes, uint64_t fileSize,
                       llvm::StringRef fileName);

/// Reads only the header of the safetensors file at \p path and parses it.
llvm::Expected<SafeTensorsHeader> readSafeTensorsHeader(llvm::StringRef path);

/// Parses the JSON text of a `model.safetensors.index.json` file and returns
/// its "weight_map" (tensor name -> shard file name). Shard names must be
/// plain file names (support::isPlainFileName: no separator, not "." and no
/// "..").
llvm::Expected<std::map<std::string, std::string>>
parseShardIndex(llvm::StringRef json, llvm::StringRef fileName);

/// All tensors of a checkpoint, single-file or sharded.
struct Checkpoint {
  /// The file that describes the checkpoint: `model.safetensors` or
  /// `model.safetensors.index.json`; used in diagnostics.
  std::string source;
  /// Every tensor of every shard.
  TensorMap tensors;
};

/// Reads the sharded checkpoint described by the index file at \p indexPath:
/// every tensor of the weight map must be in its shard, and every tensor of
/// every shard must be listed in the weight map under that shard.
llvm::Expected<Checkpoint> readShardedCheckpoint(llvm::StringRef indexPath);

/// Reads the tensors of the checkpoint directory \p dir: `model.safetensors`
/// if present, else `model.safetensors.index.json`.
llvm::Expected<Checkpoint> readCheckpoint(llvm::StringRef dir);

} // namespace amk::import

#endif // AMK_CHECKPOINT_SAFETENSORS_H
