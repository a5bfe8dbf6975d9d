//===- JSONDepth.h - Size and nesting limits of a JSON text -----*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Header-only and free of LLVM, so that the MLIR-free libraries (lib/Kernels,
// lib/Runtime) check their JSON as the LLVM-based readers do (BoundedJSON.h)
// before handing it to a parser: the size before the file is read, the
// nesting depth (without recursion) before it is parsed.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_JSONDEPTH_H
#define AMK_SUPPORT_JSONDEPTH_H

#include "AMK/Support/RegularFile.h"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

namespace amk {
namespace support {

/// Deepest nesting of arrays and objects any AMK JSON reader accepts.
inline constexpr unsigned kMaxJSONDepth = 64;

/// The offset of the first `[` or `{` nested deeper than \p maxDepth, or
/// std::string_view::npos. Brackets inside strings do not count.
inline size_t findTooDeep(std::string_view text, unsigned maxDepth) {
  unsigned depth = 0;
  bool inString = false, escaped = false;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth)
        return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

/// "LINE:COLUMN" (1-based) of byte \p offset of \p text.
inline std::string lineAndColumn(std::string_view text, size_t offset) {
  std::string_view before = text.substr(0, offset);
  size_t line = 1;
  for (char c : before)
    line += c == '\n';
  size_t lineStart = before.rfind('\n');
  size_t column = lineStart == std::string_view::npos ? offset + 1
                                                      : offset - lineStart;
  return std::to_string(line) + ":" + std::to_string(column);
}

/// "" when \p text nests at most \p maxDepth deep, else the error
/// "<name>:LINE:COL: arrays and objects nest deeper than the N levels
/// allowed for <what>".
inline std::string checkDepth(std::string_view text, std::string_view name,
                              std::string_view what,
                              unsigned maxDepth = kMaxJSONDepth) {
  size_t offset = findTooDeep(text, maxDepth);
  if (offset == std::string_view::npos)
    return "";
  return std::string(name) + ":" + lineAndColumn(text, offset) +
         ": arrays and objects nest deeper than the " +
         std::to_string(maxDepth) + " levels allowed for " + std::string(what);
}

/// "<name>: N bytes, more than the M bytes allowed for <what>".
inline std::string tooLargeError(std::string_view name, uint64_t size,
                                 uint64_t maxBytes, std::string_view what) {
  return std::string(name) + ": " + std::to_string(size) +
         " bytes, more than the " + std::to_string(maxBytes) +
         " bytes allowed for " + std::string(what);
}

/// "" when \p text is at most \p maxBytes long and nests at most
/// kMaxJSONDepth deep, else the error (see tooLargeError and checkDepth).
inline std::string checkJSONText(std::string_view text, std::string_view name,
                                 std::string_view what, uint64_t maxBytes) {
  if (text.size() > maxBytes)
    return tooLargeError(name, text.size(), maxBytes, what);
  return checkDepth(text, name, what);
}

/// Reads the JSON file at \p path into \p text, refusing anything but a
/// regular file (RegularFile.h), one larger than \p maxBytes before reading
/// it and one nested deeper than kMaxJSONDepth.
/// Returns "" or the error, which starts with the path.
inline std::string readJSONText(const std::string &path, std::string_view what,
                                uint64_t maxBytes, std::string &text) {
  if (std::string error = readRegularFile(path, what, maxBytes, text);
      !error.empty())
    return error;
  return checkJSONText(text, path, what, maxBytes);
}
} // namespace support
} // namespace amk

#endif // AMK_SUPPORT_JSONDEPTH_H
