//===- JSONText.cpp - Byte-level views of a JSON text ---------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Support/JSONText.h"
#include "AMK/Support/JSONDepth.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Regex.h"

using namespace llvm;
using namespace mlir::amk::json_text;

static constexpr size_t npos = StringRef::npos;

/// The first offset at or after `pos` that is not JSON whitespace.
static size_t skipSpace(StringRef text, size_t pos) {
  while (pos < text.size() && StringRef(" \t\r\n").contains(text[pos]))
    ++pos;
  return pos;
}

/// The offset after the string starting at `pos` (a '"'), or npos.
static size_t skipString(StringRef text, size_t pos) {
  for (size_t i = pos + 1, e = text.size(); i < e; ++i) {
    if (text[i] == '\\')
      ++i;
    else if (text[i] == '"')
      return i + 1;
  }
  return npos;
}

/// The offset after the value starting at `pos`, or npos when the text ends
/// first. Only finds the value's extent: the span is validated by parsing it.
static size_t skipValue(StringRef text, size_t pos) {
  if (pos >= text.size())
    return npos;
  char first = text[pos];
  if (first == '"')
    return skipString(text, pos);
  if (first != '[' && first != '{') {
    size_t end = pos;
    while (end < text.size() && !StringRef(",]} \t\r\n").contains(text[end]))
      ++end;
    return end == pos ? npos : end;
  }
  unsigned depth = 0;
  for (size_t i = pos, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (c == '"') {
      i = skipString(text, i);
      if (i == npos)
        return npos;
      --i;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && --depth == 0) {
      return i + 1;
    }
  }
  return npos;
}

std::optional<TextError>
mlir::amk::json_text::parseSpan(StringRef text, StringRef span,
                                   json::Value &value) {
  Expected<json::Value> parsed = json::parse(span);
  if (parsed) {
    value = std::move(*parsed);
    return std::nullopt;
  }
  // llvm::json reports "[LINE:COLUMN, byte=OFFSET]: MESSAGE".
  std::string message = toString(parsed.takeError());
  SmallVector<StringRef, 3> groups;
  size_t offset = 0;
  if (Regex("^\\[[0-9]+:[0-9]+, byte=([0-9]+)\\]: (.*)$")
          .match(message, &groups)) {
    groups[1].getAsInteger(10, offset);
    message = groups[2].str();
  }
  return TextError{size_t(span.data() - text.data()) + offset, message};
}

/// A syntax error of the glue between members and elements at `pos`.
static TextError expected(StringRef text, size_t pos, StringRef what) {
  return {pos,
          pos >= text.size() ? "Unexpected EOF" : ("Expected " + what).str()};
}

/// Splits the array at `pos` (a '[') into element spans, each checked to
/// parse; `pos` ends after the ']'.
static std::optional<TextError> splitArray(StringRef text, size_t &pos,
                                           std::vector<StringRef> &elements) {
  pos = skipSpace(text, pos + 1);
  if (pos < text.size() && text[pos] == ']') {
    ++pos;
    return std::nullopt;
  }
  while (true) {
    size_t end = skipValue(text, pos);
    if (end == npos)
      return expected(text, pos, "a value");
    StringRef element = text.slice(pos, end);
    // Checked here so that the importer can parse each element again later.
    json::Value scratch = nullptr;
    if (std::optional<TextError> error = parseSpan(text, element, scratch))
      return error;
    elements.push_back(element);
    pos = skipSpace(text, end);
    if (pos < text.size() && text[pos] == ']') {
      ++pos;
      return std::nullopt;
    }
    if (pos >= text.size() || text[pos] != ',')
      return expected(text, pos, ", or ] in array");
    pos = skipSpace(text, pos + 1);
  }
}

/// A stand-in of the kind of the value starting with `first`, for the
/// diagnostic of a document that is not an object (never parsed whole).
static json::Value kindOf(char first) {
  switch (first) {
  case '[':
    return json::Array();
  case '"':
    return "";
  case 't':
  case 'f':
    return false;
  case 'n':
    return nullptr;
  default:
    return 0;
  }
}

std::optional<TextError>
mlir::amk::json_text::forEachMember(StringRef text, MemberFn member) {
  size_t pos = skipSpace(text, 0);
  if (pos >= text.size())
    return expected(text, pos, "a value");
  if (text[pos] != '{')
    return TextError{pos, "expected an object"};
  pos = skipSpace(text, pos + 1);
  bool empty = pos < text.size() && text[pos] == '}';
  while (!empty) {
    if (pos >= text.size() || text[pos] != '"')
      return expected(text, pos, "a property name (a string)");
    size_t keyEnd = skipString(text, pos);
    if (keyEnd == npos)
      return expected(text, text.size(), "\"");
    json::Value key = nullptr;
    if (std::optional<TextError> error =
            parseSpan(text, text.slice(pos, keyEnd), key))
      return error;
    pos = skipSpace(text, keyEnd);
    if (pos >= text.size() || text[pos] != ':')
      return expected(text, pos, ": after the property name");
    pos = skipSpace(text, pos + 1);
    size_t end = skipValue(text, pos);
    if (end == npos)
      return expected(text,
                      pos < text.size() && !StringRef("[{\"").contains(text[pos])
                          ? pos
                          : text.size(),
                      "a value");
    if (std::optional<TextError> error =
            member(*key.getAsString(), text.slice(pos, end)))
      return error;
    pos = skipSpace(text, end);
    if (pos < text.size() && text[pos] == '}')
      break;
    if (pos >= text.size() || text[pos] != ',')
      return expected(text, pos, ", or } after an object property");
    pos = skipSpace(text, pos + 1);
  }
  pos = skipSpace(text, pos + 1);
  if (pos < text.size())
    return TextError{pos, "Text after end of JSON value"};
  return std::nullopt;
}

std::optional<TextError> mlir::amk::json_text::splitDocument(
    StringRef text, ArrayRef<StringRef> lazyKeys, SplitDocument &document) {
  size_t first = skipSpace(text, 0);
  if (first < text.size() && text[first] != '{') {
    document.root = kindOf(text[first]);
    return std::nullopt;
  }
  json::Object members;
  std::optional<TextError> error =
      forEachMember(text, [&](StringRef name, StringRef span) {
        if (llvm::is_contained(lazyKeys, name) && span.front() == '[') {
          std::vector<StringRef> &elements = document.lazy[name];
          elements.clear();
          members.erase(name);
          size_t pos = span.data() - text.data();
          return splitArray(text, pos, elements);
        }
        json::Value value = nullptr;
        if (std::optional<TextError> error = parseSpan(text, span, value))
          return error;
        document.lazy.erase(name);
        members[name.str()] = std::move(value);
        return std::optional<TextError>();
      });
  if (error)
    return error;
  document.root = std::move(members);
  return std::nullopt;
}

/// The steps of `path`: keys, and indices as "[N]".
static SmallVector<StringRef> pathSteps(StringRef path) {
  SmallVector<StringRef> steps;
  while (!path.empty()) {
    size_t end = path.find_first_of(".[", path.front() == '[' ? 1 : 0);
    if (path.front() == '[')
      end = path.find(']') == npos ? npos : path.find(']') + 1;
    steps.push_back(path.take_front(end));
    path = path.drop_front(std::min(end, path.size()));
    path.consume_front(".");
  }
  return steps;
}

/// The offset of the next member or element after the value at `pos` and
/// its comma, or npos when no comma follows (the container ends or is
/// malformed).
static size_t skipToNextItem(StringRef text, size_t pos) {
  pos = skipSpace(text, skipValue(text, pos));
  if (pos >= text.size() || text[pos] != ',')
    return npos;
  return skipSpace(text, pos + 1);
}

/// The offset of the value of `key` in the object at `pos`, or npos.
static size_t findMember(StringRef text, size_t pos, StringRef key) {
  pos = skipSpace(text, pos + 1);
  while (pos < text.size() && text[pos] == '"') {
    size_t keyEnd = skipString(text, pos);
    if (keyEnd == npos)
      return npos;
    Expected<json::Value> name = json::parse(text.slice(pos, keyEnd));
    bool match = name && name->getAsString() == key;
    if (!name)
      consumeError(name.takeError());
    pos = skipSpace(text, keyEnd);
    if (pos >= text.size() || text[pos] != ':')
      return npos;
    pos = skipSpace(text, pos + 1);
    if (match)
      return pos;
    pos = skipToNextItem(text, pos);
  }
  return npos;
}

/// The offset of element `index` of the array at `pos`, or npos.
static size_t findElement(StringRef text, size_t pos, size_t index) {
  pos = skipSpace(text, pos + 1);
  for (size_t i = 0; pos < text.size() && text[pos] != ']'; ++i) {
    if (i == index)
      return pos;
    pos = skipToNextItem(text, pos);
  }
  return npos;
}

size_t mlir::amk::json_text::locatePath(StringRef text, StringRef path) {
  size_t pos = skipSpace(text, 0);
  for (StringRef step : pathSteps(path)) {
    if (pos >= text.size())
      break;
    size_t next = npos, index;
    if (step.starts_with("[") && step.ends_with("]") &&
        !step.drop_front().drop_back().getAsInteger(10, index)) {
      if (text[pos] == '[')
        next = findElement(text, pos, index);
    } else if (text[pos] == '{') {
      next = findMember(text, pos, step);
    }
    if (next == npos)
      break;
    pos = next;
  }
  return std::min(pos, text.size());
}

std::pair<unsigned, unsigned>
mlir::amk::json_text::lineAndColumn(StringRef text, size_t offset) {
  StringRef before = text.take_front(offset);
  size_t lineStart = before.rfind('\n');
  return {unsigned(before.count('\n') + 1),
          unsigned(lineStart == npos ? offset + 1 : offset - lineStart)};
}

std::optional<size_t> mlir::amk::json_text::findTooDeep(StringRef text,
                                                           unsigned maxDepth) {
  size_t offset = ::amk::support::findTooDeep(text, maxDepth);
  if (offset == npos)
    return std::nullopt;
  return offset;
}
