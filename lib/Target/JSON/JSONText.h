//===- JSONText.h - Byte-level views of a JSON schedule text ----*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The importer never holds the parse tree of a whole schedule (llvm::json
// takes 60-100x the text): it splits the top-level object into members, keeps
// the large arrays as the byte spans of their elements and parses one element
// at a time. The same scanner maps a JSON path of a diagnostic back to the
// line and column of the text. Every function expects a text whose nesting
// depth was already checked (BoundedJSON.h), so none recurses deeply.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_TARGET_JSON_JSONTEXT_H
#define AMK_LIB_TARGET_JSON_JSONTEXT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
namespace amk {
namespace json_interop {

/// A syntax error at byte `offset` of the text.
struct TextError {
  size_t offset;
  std::string message;
};

/// A top-level object split into its members: `root` holds the small ones,
/// parsed; `lazy` the arrays named by the caller, as the spans of their
/// elements (each already checked to parse).
struct SplitDocument {
  llvm::json::Value root = nullptr;
  llvm::StringMap<std::vector<llvm::StringRef>> lazy;
};

/// Splits `text` into members; the members named in `lazyKeys` whose value
/// is an array are kept as element spans. Returns a syntax error's offset and
/// message. A text that is not an object is not parsed: `root` is then an
/// empty value of its kind, for the diagnostic.
std::optional<TextError> splitDocument(llvm::StringRef text,
                                       llvm::ArrayRef<llvm::StringRef> lazyKeys,
                                       SplitDocument &document);

/// Parses `span`, a part of `text`, into `value`; a syntax error's offset is
/// into `text`.
std::optional<TextError> parseSpan(llvm::StringRef text, llvm::StringRef span,
                                   llvm::json::Value &value);

/// The offset in `text` of the value at `path` ("tasks[3].waits[0].counter",
/// "" for the root). Where the path leaves the text (a missing field), the
/// offset of the deepest value it reaches.
size_t locatePath(llvm::StringRef text, llvm::StringRef path);

/// The offset of the first `[` or `{` of `text` nested deeper than
/// `maxDepth`, or std::nullopt.
std::optional<size_t> findTooDeep(llvm::StringRef text, unsigned maxDepth);

/// The 1-based line and column of byte `offset` of `text`.
std::pair<unsigned, unsigned> lineAndColumn(llvm::StringRef text,
                                            size_t offset);

} // namespace json_interop
} // namespace amk
} // namespace mlir

#endif // AMK_LIB_TARGET_JSON_JSONTEXT_H
