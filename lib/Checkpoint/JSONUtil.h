//===- JSONUtil.h - JSON helpers shared by the importers --------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Private helpers of AMKCheckpoint: error construction, JSON parsing with file
// names in diagnostics, and short descriptions of JSON values.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_CHECKPOINT_JSONUTIL_H
#define AMK_LIB_CHECKPOINT_JSONUTIL_H

#include "AMK/Checkpoint/SafeTensors.h"
#include "AMK/Support/BoundedJSON.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace amk::import::detail {

/// Returns a string error carrying \p message.
inline llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(message);
}

/// Describes \p value for a diagnostic: its kind and a compact, truncated
/// rendering, e.g. `string "abc"` or `number 2.5`.
std::string describe(const llvm::json::Value &value);

/// Describes the JSON text \p span as describe() does its value, parsing
/// it only when short (a long one is shown by its kind and first bytes).
std::string describeSpan(llvm::StringRef span);

/// Returns field \p key of \p object; if absent, an error
/// "<where>: missing field '<key>'".
llvm::Expected<const llvm::json::Value *>
requireField(const llvm::json::Object &object, llvm::StringRef key,
             llvm::StringRef where);

/// The limits of config.json, safetensors headers and shard indexes.
inline constexpr mlir::amk::JSONLimits kConfigLimits{"a config.json", 16 << 20};
inline constexpr mlir::amk::JSONLimits kHeaderLimits{"a safetensors header",
                                          kMaxHeaderBytes};
inline constexpr mlir::amk::JSONLimits kIndexLimits{"a safetensors index", 256 << 20};

/// Parses \p text as a JSON object under \p limits; errors name
/// \p fileName.
llvm::Expected<llvm::json::Object>
parseJSONObject(llvm::StringRef text, llvm::StringRef fileName,
                const mlir::amk::JSONLimits &limits);

/// Returns the keys of \p object in sorted order (for deterministic errors).
std::vector<std::string> sortedKeys(const llvm::json::Object &object);

} // namespace amk::import::detail

#endif // AMK_LIB_CHECKPOINT_JSONUTIL_H
