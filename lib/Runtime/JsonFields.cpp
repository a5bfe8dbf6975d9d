//===- JsonFields.cpp - Checked reads of JSON fields ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "JsonFields.h"

#include "AMK/Support/JSONDepth.h"
#include "AMK/Support/TableHash.h"

#include <algorithm>
#include <climits>
#include <cmath>

using namespace amk::runtime;
using nlohmann::json;

namespace {
/// A failed field check, caught by FieldReader::run.
struct FieldError {
  std::string where, what;
};
} // namespace

Status amk::runtime::readJsonFile(const std::string &path, const char *what,
                                  std::string &text) {
  if (std::string error =
          support::readJSONText(path, what, kMaxJsonBytes, text);
      !error.empty())
    return Status::error(error);
  return Status::ok();
}

namespace {
/// Builds one member's value at a time from SAX events and hands it to a
/// callback (nlohmann's own DOM builder is not public API). The members
/// walked are those of the root object or, with `within`, those of the
/// root's object member of that name (the root's other members are parsed
/// and dropped).
class MemberBuilder {
public:
  using Callback = std::function<void(const std::string &, json &)>;
  MemberBuilder(const Callback &member, const char *within,
                Int32Arrays *arrays = nullptr, const char *arraysOf = nullptr)
      : member(member), within(within), arrays(arrays), arraysOf(arraysOf) {}

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(json::number_integer_t v) { return value(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value(v); }
  bool number_float(json::number_float_t v, const json::string_t &) {
    return value(v);
  }
  bool string(json::string_t &v) { return value(std::move(v)); }
  bool binary(json::binary_t &v) { return value(std::move(v)); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() { return close(); }
  bool key(json::string_t &name) {
    if (inArrays && !stack.empty())
      return stop(std::string(arraysOf) + ": expected arrays of integers");
    if (stack.empty()) {
      memberKey = std::move(name);
      return true;
    }
    json &object = *stack.back();
    if (object.contains(name))
      return stop("key \"" + name + "\" appears twice in one object");
    slot = &object[std::move(name)];
    return true;
  }
  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &error) {
    message = "not valid JSON: " + std::string(error.what());
    return false;
  }

  /// Why the walk stopped early, or "".
  std::string message;
  /// Whether the `within` member was found (an object).
  bool sawWithin = false;
  /// Whether the `arraysOf` member was found (an object).
  bool sawArrays = false;

private:
  /// Depth of the objects walked member by member: 1 for the root's
  /// members, 2 for those of `within`.
  unsigned target() const { return within ? 2 : 1; }
  bool isWithin() const { return walked == 1 && within && memberKey == within; }

  /// Places \p v: as a whole member, an array element or an object field.
  json *place(json &&v) {
    if (stack.empty()) {
      current = std::move(v);
      return &current;
    }
    json &parent = *stack.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    *slot = std::move(v);
    return slot;
  }
  /// Hands a finished member to the callback when it is one walked.
  void finish() {
    if (walked == target())
      member(memberKey, current);
    current = nullptr;
  }
  bool stop(const std::string &why) {
    message = why;
    return false;
  }
  /// Whether the next container or value starts the `arraysOf` member.
  bool isArraysOf() const {
    return arrays && walked == 1 && stack.empty() && memberKey == arraysOf;
  }
  /// `arraysOf.KEY`, the path of the array being read.
  std::string arrayPath() const {
    return std::string(arraysOf) + "." + memberKey;
  }
  /// An element of an `arraysOf` array, or any other value inside it.
  bool arrayValue(const json &v) {
    if (!current32)
      return stop(arrayPath() + ": expected an array");
    bool fits = v.is_number_integer() &&
                (v.is_number_unsigned() ? v.get<uint64_t>() <= INT32_MAX
                                        : v.get<int64_t>() >= INT32_MIN &&
                                              v.get<int64_t>() <= INT32_MAX);
    if (!fits)
      return stop(arrayPath() + "[" + std::to_string(current32->size()) +
                  "]: expected a 32-bit integer, got " + v.dump());
    current32->push_back(int32_t(v.get<int64_t>()));
    return true;
  }
  bool openArray(bool isArray) {
    if (!isArray || current32)
      return stop(arrayPath() + ": expected an array of 32-bit integers");
    auto [it, added] = arrays->emplace(memberKey, std::vector<int32_t>());
    if (!added)
      return stop(arrayPath() + ": appears twice");
    current32 = &it->second;
    return true;
  }

  bool value(json &&v) {
    if (inArrays)
      return arrayValue(v);
    if (isArraysOf())
      return stop(std::string(arraysOf) + ": expected an object");
    if (walked == 0)
      return stop("expected a JSON object");
    if (stack.empty() && isWithin())
      return stop(memberKey + ": expected an object");
    place(std::move(v));
    if (stack.empty())
      finish();
    return true;
  }
  bool open(json &&container) {
    if (inArrays)
      return openArray(container.is_array());
    if (isArraysOf()) {
      if (!container.is_object())
        return stop(std::string(arraysOf) + ": expected an object");
      sawArrays = inArrays = true;
      ++walked;
      return true;
    }
    if (walked == 0 || (stack.empty() && isWithin())) {
      if (!container.is_object())
        return stop(walked ? memberKey + ": expected an object"
                           : "expected a JSON object");
      sawWithin = walked == 1;
      ++walked;
      return true;
    }
    stack.push_back(place(std::move(container)));
    return true;
  }
  bool close() {
    if (inArrays && current32) {
      current32 = nullptr;
      return true;
    }
    if (stack.empty()) {
      inArrays = false;
      --walked;
      return true;
    }
    stack.pop_back();
    if (stack.empty())
      finish();
    return true;
  }

  const Callback &member;
  const char *within;
  unsigned walked = 0;
  std::string memberKey;
  json current;
  std::vector<json *> stack;
  json *slot = nullptr;
  /// The `arraysOf` member's arrays, read straight into 32-bit vectors.
  Int32Arrays *arrays;
  const char *arraysOf;
  bool inArrays = false;
  std::vector<int32_t> *current32 = nullptr;
};
} // namespace

void FieldReader::forEachMember(
    std::string_view text,
    const std::function<void(const std::string &, json &)> &member,
    const char *within) {
  MemberBuilder builder(member, within);
  if (!json::sax_parse(text.begin(), text.end(), &builder))
    fail("", builder.message);
  if (within && !builder.sawWithin)
    fail(within, "missing");
}

/// Feeds \p value to \p hash; \p top leaves out the hash members.
static void hashValue(const json &value, amk::support::CanonicalHash &hash,
                      bool top) {
  switch (value.type()) {
  case json::value_t::object: {
    // nlohmann::json keeps an object's members sorted by key.
    size_t size = 0;
    for (auto it = value.begin(); it != value.end(); ++it)
      size += !(top && amk::support::isHashMember(it.key()));
    hash.object(size);
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (top && amk::support::isHashMember(it.key()))
        continue;
      hash.string(it.key());
      hashValue(it.value(), hash, false);
    }
    return;
  }
  case json::value_t::array:
    hash.array(value.size());
    for (const json &element : value)
      hashValue(element, hash, false);
    return;
  case json::value_t::string:
    hash.string(value.get_ref<const std::string &>());
    return;
  case json::value_t::boolean:
    hash.boolean(value.get<bool>());
    return;
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
  case json::value_t::number_float:
    hash.number(value.get<double>());
    return;
  default:
    hash.null();
    return;
  }
}

/// Feeds \p arrays (an object of integer arrays, members sorted) to
/// \p hash as hashValue would feed its JSON.
static void hashArrays(const Int32Arrays &arrays,
                       amk::support::CanonicalHash &hash) {
  hash.object(arrays.size());
  for (const auto &[key, values] : arrays) {
    hash.string(key);
    hash.array(values.size());
    for (int32_t value : values)
      hash.number(double(value));
  }
}

std::string amk::runtime::manifestHashOf(const json &root,
                                         const Int32Arrays *arrays,
                                         const char *arraysOf) {
  amk::support::CanonicalHash hash;
  if (!arrays) {
    hashValue(root, hash, true);
    return hash.text();
  }
  // The root's members and `arraysOf`, in key order, less the hashes.
  std::vector<std::string> keys;
  for (auto it = root.begin(); it != root.end(); ++it)
    if (!amk::support::isHashMember(it.key()))
      keys.push_back(it.key());
  keys.insert(std::lower_bound(keys.begin(), keys.end(), arraysOf), arraysOf);
  hash.object(keys.size());
  for (const std::string &key : keys) {
    hash.string(key);
    if (key == arraysOf)
      hashArrays(*arrays, hash);
    else
      hashValue(root[key], hash, false);
  }
  return hash.text();
}

void FieldReader::readObject(std::string_view text, json &root,
                             Int32Arrays *arrays, const char *arraysOf) {
  MemberBuilder::Callback member = [&](const std::string &key, json &value) {
    if (key == (arraysOf ? arraysOf : "") ||
        !root.emplace(key, std::move(value)).second)
      fail(key, "appears twice");
  };
  MemberBuilder builder(member, nullptr, arrays, arraysOf);
  if (!json::sax_parse(text.begin(), text.end(), &builder))
    fail("", builder.message);
  if (arraysOf && !builder.sawArrays)
    fail(arraysOf, "missing");
}

Status FieldReader::run(const std::string &file,
                        const std::function<void()> &body) {
  try {
    body();
  } catch (const FieldError &error) {
    return Status::error(file + ": " +
                         (error.where.empty() ? "" : error.where + ": ") +
                         error.what);
  } catch (const json::exception &error) {
    return Status::error(file + ": " + error.what());
  }
  return Status::ok();
}

void FieldReader::fail(const std::string &where, const std::string &what) {
  throw FieldError{where, what};
}

const json &FieldReader::field(const json &object, const char *key,
                               const std::string &where) {
  auto it = object.find(key);
  if (it == object.end())
    fail(join(where, key), "missing");
  return *it;
}

int64_t FieldReader::integer(const json &object, const char *key,
                             const std::string &where, int64_t lo,
                             int64_t hi) {
  const json &value = field(object, key, where);
  if (!value.is_number_integer())
    fail(join(where, key), "expected an integer, got " + value.dump());
  int64_t number = value.get<int64_t>();
  if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX))
    number = INT64_MAX;
  if (number < lo || number > hi)
    fail(join(where, key), std::to_string(number) + " is outside [" +
                               std::to_string(lo) + ", " + std::to_string(hi) +
                               "]");
  return number;
}

double FieldReader::number(const json &object, const char *key,
                           const std::string &where) {
  const json &value = field(object, key, where);
  if (!value.is_number() || !std::isfinite(value.get<double>()))
    fail(join(where, key), "expected a finite number, got " + value.dump());
  return value.get<double>();
}

bool FieldReader::boolean(const json &object, const char *key,
                          const std::string &where) {
  const json &value = field(object, key, where);
  if (!value.is_boolean())
    fail(join(where, key), "expected true or false, got " + value.dump());
  return value.get<bool>();
}

std::string FieldReader::string(const json &object, const char *key,
                                const std::string &where) {
  const json &value = field(object, key, where);
  if (!value.is_string())
    fail(join(where, key), "expected a string, got " + value.dump());
  return value.get<std::string>();
}

const json &FieldReader::array(const json &object, const char *key,
                               const std::string &where) {
  const json &value = field(object, key, where);
  if (!value.is_array())
    fail(join(where, key), "expected an array");
  return value;
}

const json &FieldReader::object(const json &parent, const char *key,
                                const std::string &where) {
  const json &value = field(parent, key, where);
  if (!value.is_object())
    fail(join(where, key), "expected an object");
  return value;
}
