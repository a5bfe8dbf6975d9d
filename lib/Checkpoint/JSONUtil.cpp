//===- JSONUtil.cpp - JSON helpers shared by the importers ----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "JSONUtil.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace llvm;

namespace amk::import::detail {

static StringRef kindName(const json::Value &value) {
  switch (value.kind()) {
  case json::Value::Null:
    return "null";
  case json::Value::Boolean:
    return "boolean";
  case json::Value::Number:
    return "number";
  case json::Value::String:
    return "string";
  case json::Value::Array:
    return "array";
  case json::Value::Object:
    return "object";
  }
  llvm_unreachable("unknown JSON kind");
}

std::string describe(const json::Value &value) {
  constexpr size_t kMaxShown = 40;
  if (value.kind() == json::Value::Null)
    return "null";
  std::string text = formatv("{0}", value).str();
  if (text.size() > kMaxShown)
    text = text.substr(0, kMaxShown) + "...";
  return (kindName(value) + " " + text).str();
}

std::string describeSpan(StringRef span) {
  constexpr size_t kMaxParsed = 64;
  span = span.rtrim(" \t\r\n");
  if (span.size() <= kMaxParsed) {
    Expected<json::Value> value = json::parse(span);
    if (value)
      return describe(*value);
    consumeError(value.takeError());
  }
  StringRef kind = span.starts_with("[")   ? "array"
                   : span.starts_with("\"") ? "string"
                                            : "value";
  return (kind + " " + span.take_front(40) + "...").str();
}

Expected<const json::Value *> requireField(const json::Object &object,
                                           StringRef key, StringRef where) {
  if (const json::Value *value = object.get(key))
    return value;
  return makeError(where + ": missing field '" + key + "'");
}

Expected<json::Object> parseJSONObject(StringRef text, StringRef fileName,
                                       const mlir::amk::JSONLimits &limits) {
  Expected<json::Value> value = mlir::amk::parseBoundedJSON(text, fileName, limits);
  if (!value)
    return value.takeError();
  json::Object *object = value->getAsObject();
  if (!object)
    return makeError(fileName + ": expected a JSON object at top level, found " +
                     describe(*value));
  return std::move(*object);
}

std::vector<std::string> sortedKeys(const json::Object &object) {
  std::vector<std::string> keys;
  keys.reserve(object.size());
  for (const auto &entry : object)
    keys.push_back(entry.first.str());
  std::sort(keys.begin(), keys.end());
  return keys;
}

} // namespace amk::import::detail
