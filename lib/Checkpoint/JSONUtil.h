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

/// Returns field \p key of \p object; if absent, an error
/// "<where>: missing field '<key>'".
llvm::Expected<const llvm::json::Value *>
requireField(const llvm::json::Object &object, llvm::StringRef key,
             llvm::StringRef where);

/// Parses \p text as JSON; the error says "<fileName>: not valid JSON: ...".
llvm::Expected<llvm::json::Value> parseJSON(llvm::StringRef text,
                                            llvm::StringRef fileName);

/// Parses \p text as a JSON object; errors name \p fileName.
llvm::Expected<llvm::json::Object> parseJSONObject(llvm::StringRef text,
                                                   llvm::StringRef fileName);

/// Reads the whole file at \p path; the error names the path.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readWholeFile(llvm::StringRef path);

/// Returns the keys of \p object in sorted order (for deterministic errors).
std::vector<std::string> sortedKeys(const llvm::json::Object &object);

} // namespace amk::import::detail

#endif // AMK_LIB_CHECKPOINT_JSONUTIL_H
