//===- BoundedJSON.h - JSON reading with size and depth limits --*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Every JSON file AMK reads (schedules, config.json, safetensors headers and
// indexes, goldens, schedule configs) goes through these: the file's size is
// checked before it is read, its nesting depth before it is parsed (without
// recursion, so 20,000 nested arrays are an error, not a stack overflow).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_BOUNDEDJSON_H
#define AMK_SUPPORT_BOUNDEDJSON_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>

namespace mlir {
namespace amk {

/// The limits one kind of JSON document is read under.
struct JSONLimits {
  /// What the document is, for diagnostics, e.g. "a schedule".
  const char *what;
  /// Largest accepted size in bytes.
  uint64_t maxBytes;
  /// Deepest accepted nesting of arrays and objects (kMaxJSONDepth of
  /// JSONDepth.h, which this header does not include: it opens the global
  /// namespace `amk`, ambiguous beside `using namespace mlir`).
  unsigned maxDepth = 64;
};

/// Fails unless \p text is at most `limits.maxBytes` long and nests arrays
/// and objects at most `limits.maxDepth` deep. Errors start with \p name and
/// give the line and column of the first bracket too deep.
llvm::Error checkJSONLimits(llvm::StringRef text, llvm::StringRef name,
                            const JSONLimits &limits);

/// Checks \p text with checkJSONLimits, then parses it; a syntax error reads
/// "<name>: not valid JSON: ...".
llvm::Expected<llvm::json::Value> parseBoundedJSON(llvm::StringRef text,
                                                   llvm::StringRef name,
                                                   const JSONLimits &limits);

/// Reads the file at \p path ("-" is stdin), refusing one larger than
/// `limits.maxBytes` before reading it. Errors name the path.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readBoundedFile(llvm::StringRef path, const JSONLimits &limits);

} // namespace amk
} // namespace mlir

#endif // AMK_SUPPORT_BOUNDEDJSON_H
