//===- JSONText.h - Byte-level views of a JSON text ------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The compiler-side readers of large JSON documents (schedules, safetensors
// headers) never hold the parse tree of a whole document (llvm::json takes
// 40-100x the text): they walk the top-level object member by member, keep
// large arrays as the byte spans of their elements and parse one element at
// a time. The same scanner maps a JSON path of a diagnostic back to the line
// and column of the text. Every function expects a text whose nesting depth
// was already checked (BoundedJSON.h), so none recurses deeply.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_JSONTEXT_H
#define AMK_SUPPORT_JSONTEXT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
namespace amk {
namespace json_text {

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

/// Whether a member callback goes on to the next member.
using MemberFn = llvm::function_ref<std::optional<TextError>(
    llvm::StringRef key, llvm::StringRef span)>;

/// Walks the object that `text` holds (with surrounding whitespace), calling
/// `member` with each member's key (unescaped) and the span of its value, in
/// order; the value is not parsed (parseSpan does). Stops at the first error,
/// a syntax error of the object or one `member` returns. A text that is not
/// an object is an error "expected an object", at its first byte.
std::optional<TextError> forEachMember(llvm::StringRef text, MemberFn member);

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

} // namespace json_text
} // namespace amk
} // namespace mlir

#endif // AMK_SUPPORT_JSONTEXT_H
