//===- JsonFields.cpp - Checked reads of JSON fields ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "JsonFields.h"

#include "AMK/Support/JSONDepth.h"

#include <climits>
#include <cmath>

using namespace amk::runtime;
using nlohmann::json;

/// A manifest or shard index of the largest model is a few MB.
static constexpr uint64_t kMaxJsonBytes = uint64_t(1) << 30;

namespace {
/// A failed field check, caught by FieldReader::run.
struct FieldError {
  std::string where, what;
};
} // namespace

Status amk::runtime::parseJsonFile(const std::string &path, const char *what,
                                   json &root) {
  std::string text;
  if (std::string error =
          support::readJSONText(path, what, kMaxJsonBytes, text);
      !error.empty())
    return Status::error(error);
  try {
    root = json::parse(text);
  } catch (const json::exception &error) {
    return Status::error(path + ": not valid JSON: " + error.what());
  }
  return Status::ok();
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

std::vector<int32_t> FieldReader::int32Array(const json &object,
                                             const char *key,
                                             const std::string &where) {
  const json &values = array(object, key, where);
  std::vector<int32_t> result;
  result.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const json &value = values[i];
    if (!value.is_number_integer() || value.get<int64_t>() < INT32_MIN ||
        value.get<int64_t>() > INT32_MAX ||
        (value.is_number_unsigned() && value.get<uint64_t>() > INT32_MAX))
      fail(join(where, key) + "[" + std::to_string(i) + "]",
           "expected a 32-bit integer, got " + value.dump());
    result.push_back(int32_t(value.get<int64_t>()));
  }
  return result;
}
