//===- JsonFields.h - Checked reads of JSON fields ---------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The runtime's one JSON layer (nlohmann::json): reads a field of the
// expected type and range or fails with the field's path. Failures unwind
// to FieldReader::run as exceptions and never leave this library.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_RUNTIME_JSONFIELDS_H
#define AMK_LIB_RUNTIME_JSONFIELDS_H

#include "AMK/Runtime/Status.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace amk::runtime {

/// The largest JSON file the runtime reads. The Llama-3-8B manifest is
/// 12 MB and peaks at 69 MB to read (its task table read straight into
/// 32-bit words; 119 MB as a DOM of numbers); a shard index is kilobytes.
/// 256 MiB (the compiler's index limit) bounds what a hostile file can cost
/// at about 1.2 GB (4.6x, measured at 86 MB).
constexpr uint64_t kMaxJsonBytes = uint64_t(256) << 20;

/// Reads the JSON file at \p path, which holds \p what, into \p text;
/// refuses anything but a regular file, files over kMaxJsonBytes and text
/// nested deeper than support::kMaxJSONDepth.
Status readJsonFile(const std::string &path, const char *what,
                    std::string &text);

/// Arrays of 32-bit integers by member name (FieldReader::readObject).
using Int32Arrays = std::map<std::string, std::vector<int32_t>>;

/// The canonical hash (support::CanonicalHash) of the object \p root, less
/// the hash members (support::isHashMember): the manifest's
/// `manifest_hash`. With \p arrays, the member \p arraysOf is those arrays
/// (read aside by readObject).
std::string manifestHashOf(const nlohmann::json &root,
                           const Int32Arrays *arrays = nullptr,
                           const char *arraysOf = nullptr);

/// Reads fields with checks; `where` is the path of the enclosing object
/// ("" for the root, "buffers[3]", ...).
class FieldReader {
public:
  /// Runs \p body; a failed check becomes an error `FILE: FIELD: WHAT`.
  Status run(const std::string &file, const std::function<void()> &body);

protected:
  /// Walks the JSON object \p text (already depth-checked) member by member
  /// with nlohmann::json::sax_parse, calling \p member with each key and
  /// value: only one member's value is held at a time, never the document's
  /// tree (tens of times the text); \p member may move the value away.
  /// With \p within, walks the members of
  /// the root's object member of that name instead (which must be present).
  /// A syntax error or a text of another shape fails the read.
  void forEachMember(
      std::string_view text,
      const std::function<void(const std::string &, nlohmann::json &)> &member,
      const char *within = nullptr);

  /// Parses the JSON object \p text into \p root member by member (see
  /// forEachMember); a key given twice in any object fails the read. With
  /// \p arrays, the root's member \p arraysOf (which must be present) must
  /// be an object of arrays of 32-bit integers, read straight into
  /// \p arrays: 4 bytes a number where the DOM takes 16 and more (a task
  /// table of millions of words).
  void readObject(std::string_view text, nlohmann::json &root,
                  Int32Arrays *arrays = nullptr,
                  const char *arraysOf = nullptr);

  /// Fails the read at field \p where with \p what.
  [[noreturn]] void fail(const std::string &where, const std::string &what);

  /// The field \p key of \p object (which must be present).
  const nlohmann::json &field(const nlohmann::json &object, const char *key,
                              const std::string &where);
  /// An integer field in [lo, hi].
  int64_t integer(const nlohmann::json &object, const char *key,
                  const std::string &where, int64_t lo, int64_t hi);
  /// A finite number.
  double number(const nlohmann::json &object, const char *key,
                const std::string &where);
  bool boolean(const nlohmann::json &object, const char *key,
               const std::string &where);
  std::string string(const nlohmann::json &object, const char *key,
                     const std::string &where);
  const nlohmann::json &array(const nlohmann::json &object, const char *key,
                              const std::string &where);
  const nlohmann::json &object(const nlohmann::json &object, const char *key,
                               const std::string &where);

  /// The path of field \p key inside \p where.
  static std::string join(const std::string &where, const char *key) {
    return where.empty() ? key : where + "." + key;
  }
};

} // namespace amk::runtime

#endif // AMK_LIB_RUNTIME_JSONFIELDS_H
