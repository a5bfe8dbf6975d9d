//===- SafeTensors.cpp - Read safetensors headers -------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Checkpoint/SafeTensors.h"
#include "AMK/Support/JSONInteger.h"

#include "JSONUtil.h"

#include "AMK/Support/FileNames.h"
#include "AMK/Support/JSONText.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

using namespace llvm;
using namespace amk::import;
using amk::import::detail::describe;
using amk::import::detail::describeSpan;
using amk::import::detail::makeError;
using mlir::amk::readBoundedFile;
namespace json_text = mlir::amk::json_text;
using amk::import::detail::kHeaderLimits;
using amk::import::detail::kIndexLimits;
using amk::import::detail::requireField;
using amk::import::detail::sortedKeys;

//===----------------------------------------------------------------------===//
// DTypes
//===----------------------------------------------------------------------===//

namespace {
struct DTypeEntry {
  DType dtype;
  StringRef name;
  unsigned size;
};
} // namespace

static constexpr DTypeEntry kDTypes[] = {
    {DType::BOOL, "BOOL", 1},       {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},           {DType::F8_E5M2, "F8_E5M2", 1},
    {DType::F8_E4M3, "F8_E4M3", 1}, {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},         {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},         {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},         {DType::I64, "I64", 8},
    {DType::U64, "U64", 8}};

static const DTypeEntry &entryOf(DType dtype) {
  return *llvm::find_if(kDTypes,
                        [&](const DTypeEntry &e) { return e.dtype == dtype; });
}

std::optional<DType> amk::import::parseDType(StringRef name) {
  const DTypeEntry *it = llvm::find_if(
      kDTypes, [&](const DTypeEntry &e) { return e.name == name; });
  if (it == std::end(kDTypes))
    return std::nullopt;
  return it->dtype;
}

StringRef amk::import::dtypeName(DType dtype) { return entryOf(dtype).name; }

unsigned amk::import::dtypeSize(DType dtype) { return entryOf(dtype).size; }

bool amk::import::isWeightDType(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

std::string amk::import::formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  ListSeparator sep;
  for (int64_t dim : shape)
    text += (Twine(sep) + Twine(dim)).str();
  return text + "]";
}

//===----------------------------------------------------------------------===//
// One tensor entry
//===----------------------------------------------------------------------===//

static std::string formatRange(uint64_t begin, uint64_t end) {
  return ("[" + Twine(begin) + ", " + Twine(end) + ")").str();
}

static Expected<DType> parseDTypeField(const json::Object &entry,
                                       StringRef where) {
  Expected<const json::Value *> field = requireField(entry, "dtype", where);
  if (!field)
    return field.takeError();
  std::optional<StringRef> name = (*field)->getAsString();
  if (!name)
    return makeError(where + ": field 'dtype': expected a string, found " +
                     describe(**field));
  if (std::optional<DType> dtype = parseDType(*name))
    return *dtype;
  return makeError(where + ": unknown dtype '" + *name + "'");
}

static Expected<SmallVector<int64_t, 2>>
parseShapeField(const json::Object &entry, StringRef where) {
  Expected<const json::Value *> field = requireField(entry, "shape", where);
  if (!field)
    return field.takeError();
  const json::Array *dims = (*field)->getAsArray();
  if (!dims)
    return makeError(where + ": field 'shape': expected an array, found " +
                     describe(**field));
  SmallVector<int64_t, 2> shape;
  for (const json::Value &dim : *dims) {
    std::optional<int64_t> value = ::amk::support::integerOf(dim);
    if (!value || *value < 0)
      return makeError(where + ": field 'shape': entry " + Twine(shape.size()) +
                       " is " + describe(dim) +
                       ", expected a non-negative integer");
    shape.push_back(*value);
  }
  return shape;
}

/// Returns the [begin, end) pair of "data_offsets", relative to the data
/// section.
static Expected<std::pair<uint64_t, uint64_t>>
parseOffsetsField(const json::Object &entry, StringRef where) {
  Expected<const json::Value *> field =
      requireField(entry, "data_offsets", where);
  if (!field)
    return field.takeError();
  const json::Array *pair = (*field)->getAsArray();
  std::optional<uint64_t> begin, end;
  if (pair && pair->size() == 2) {
    begin = (*pair)[0].getAsUINT64();
    end = (*pair)[1].getAsUINT64();
  }
  if (!begin || !end || *begin > *end)
    return makeError(where + ": field 'data_offsets': expected [begin, end] " +
                     "with 0 <= begin <= end, found " + describe(**field));
  return std::make_pair(*begin, *end);
}

/// Returns numel(shape) * dtypeSize(dtype), or std::nullopt on overflow.
static std::optional<uint64_t> byteSize(ArrayRef<int64_t> shape, DType dtype) {
  bool overflow = false;
  uint64_t bytes = dtypeSize(dtype);
  for (int64_t dim : shape)
    bytes = SaturatingMultiply(bytes, static_cast<uint64_t>(dim), &overflow);
  if (overflow)
    return std::nullopt;
  return bytes;
}

static Expected<TensorInfo>
parseTensor(const json::Value &value, StringRef name,
            const SafeTensorsHeader &header,
            const std::shared_ptr<const std::string> &file) {
  std::string where = (*file + ": tensor '" + name + "'").str();
  const json::Object *entry = value.getAsObject();
  if (!entry)
    return makeError(where + ": expected an object, found " + describe(value));
  Expected<DType> dtype = parseDTypeField(*entry, where);
  if (!dtype)
    return dtype.takeError();
  Expected<SmallVector<int64_t, 2>> shape = parseShapeField(*entry, where);
  if (!shape)
    return shape.takeError();
  Expected<std::pair<uint64_t, uint64_t>> offsets =
      parseOffsetsField(*entry, where);
  if (!offsets)
    return offsets.takeError();
  auto [begin, end] = *offsets;
  std::optional<uint64_t> bytes = byteSize(*shape, *dtype);
  if (!bytes)
    return makeError(where + ": shape " + formatShape(*shape) + " of " +
                     dtypeName(*dtype) + " overflows 64-bit byte size");
  if (end - begin != *bytes)
    return makeError(where + ": data_offsets " + formatRange(begin, end) +
                     " hold " + Twine(end - begin) + " bytes but shape " +
                     formatShape(*shape) + " of " + dtypeName(*dtype) +
                     " needs " + Twine(*bytes));
  if (end > header.dataSize)
    return makeError(where + ": data_offsets " + formatRange(begin, end) +
                     " past end of data (" + Twine(header.dataSize) +
                     " bytes)");
  return TensorInfo{*dtype, std::move(*shape), file,
                    header.dataStart + begin, header.dataStart + end};
}

//===----------------------------------------------------------------------===//
// Whole header
//===----------------------------------------------------------------------===//

static Error parseMetadata(const json::Value &value, SafeTensorsHeader &header,
                           StringRef fileName) {
  std::string where = (fileName + ": field '__metadata__'").str();
  const json::Object *object = value.getAsObject();
  if (!object)
    return makeError(where + ": expected an object, found " + describe(value));
  for (const std::string &key : sortedKeys(*object)) {
    const json::Value &entry = *object->get(key);
    std::optional<StringRef> text = entry.getAsString();
    if (!text)
      return makeError(where + ": entry '" + key + "' is " + describe(entry) +
                       ", expected a string");
    header.metadata.emplace(key, text->str());
  }
  return Error::success();
}

/// Refuses two tensors sharing a data byte (empty tensors share none).
static Error checkOverlaps(const SafeTensorsHeader &header,
                           StringRef fileName) {
  // One pointer per tensor, reserved once: a header may list millions.
  std::vector<const TensorMap::value_type *> ranges;
  ranges.reserve(header.tensors.size());
  for (const TensorMap::value_type &entry : header.tensors)
    if (entry.second.begin != entry.second.end)
      ranges.push_back(&entry);
  llvm::sort(ranges, [](const auto *a, const auto *b) {
    return std::tie(a->second.begin, a->second.end) <
           std::tie(b->second.begin, b->second.end);
  });
  auto describeRange = [&](const TensorMap::value_type &entry) {
    return "'" + entry.first + "' " +
           formatRange(entry.second.begin - header.dataStart,
                       entry.second.end - header.dataStart);
  };
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i]->second.begin < ranges[i - 1]->second.end)
      return makeError(fileName + ": tensors " + describeRange(*ranges[i - 1]) +
                       " and " + describeRange(*ranges[i]) + " overlap");
  return Error::success();
}

/// Checks the 8-byte length prefix against the file and buffer sizes and
/// returns the header length N.
static Expected<uint64_t> checkHeaderLength(StringRef bytes, uint64_t fileSize,
                                            StringRef fileName) {
  if (fileSize < 8)
    return makeError(fileName + ": file is " + Twine(fileSize) +
                     " bytes, shorter than the 8-byte header length");
  if (bytes.size() < 8)
    return makeError(fileName + ": only " + Twine(bytes.size()) +
                     " bytes given, the header length needs 8");
  uint64_t length = llvm::support::endian::read64le(bytes.data());
  if (length > kMaxHeaderBytes)
    return makeError(fileName + ": header length " + Twine(length) +
                     " exceeds the limit of " + Twine(kMaxHeaderBytes) +
                     " bytes");
  if (length > fileSize - 8)
    return makeError(fileName + ": header length " + Twine(length) +
                     " exceeds the " + Twine(fileSize - 8) +
                     " bytes after the length field");
  if (bytes.size() - 8 < length)
    return makeError(fileName + ": only " + Twine(bytes.size() - 8) + " of " +
                     Twine(length) + " header bytes given");
  return length;
}

/// The error "FILE:LINE:COL: not valid JSON: MESSAGE" of a syntax error at
/// byte \p offset of \p document.
static Error syntaxError(StringRef document, size_t offset,
                         StringRef message, StringRef fileName) {
  auto [line, column] = json_text::lineAndColumn(document, offset);
  return makeError(fileName + ":" + Twine(line) + ":" + Twine(column) +
                   ": not valid JSON: " + message);
}

/// Parses \p span, a part of \p document (of file \p fileName).
static Expected<json::Value> parseValue(StringRef document, StringRef span,
                                        StringRef fileName) {
  json::Value value = nullptr;
  if (std::optional<json_text::TextError> error =
          json_text::parseSpan(document, span, value))
    return syntaxError(document, error->offset, error->message, fileName);
  return value;
}

/// Walks the members of the JSON object \p text, a part of \p document (of
/// file \p fileName), one at a time: \p member gets each key and the span
/// of its value, unparsed (parseValue parses it); its error is returned as
/// it is. A text that is not an object is the error "FILE: expected a JSON
/// object at top level, found ...".
static Error walkMembers(StringRef document, StringRef text,
                         StringRef fileName,
                         function_ref<Error(StringRef, StringRef)> member) {
  std::string memberError;
  std::optional<json_text::TextError> error = json_text::forEachMember(
      text, [&](StringRef key, StringRef span) {
        if (Error err = member(key, span)) {
          memberError = toString(std::move(err));
          return std::optional<json_text::TextError>({0, memberError});
        }
        return std::optional<json_text::TextError>();
      });
  if (!memberError.empty())
    return makeError(memberError);
  if (error && error->message == "expected an object")
    return makeError(fileName + ": expected a JSON object at top level, " +
                     "found " + describeSpan(text.substr(error->offset)));
  if (error)
    return syntaxError(document, text.data() - document.data() + error->offset,
                       error->message, fileName);
  return Error::success();
}

/// Reads member \p key of the header, a tensor or the metadata, into
/// \p header.
static Error readMember(StringRef key, const json::Value &value,
                        SafeTensorsHeader &header,
                        const std::shared_ptr<const std::string> &file) {
  if (key == "__metadata__")
    return parseMetadata(value, header, *file);
  Expected<TensorInfo> tensor = parseTensor(value, key, header, file);
  if (!tensor)
    return tensor.takeError();
  if (!header.tensors.emplace(key.str(), std::move(*tensor)).second)
    return makeError(*file + ": tensor '" + key + "' appears twice");
  return Error::success();
}

Expected<SafeTensorsHeader>
amk::import::parseSafeTensorsHeader(StringRef bytes, uint64_t fileSize,
                                    StringRef fileName) {
  Expected<uint64_t> length = checkHeaderLength(bytes, fileSize, fileName);
  if (!length)
    return length.takeError();
  StringRef text = bytes.substr(8, *length);
  if (Error err = mlir::amk::checkJSONLimits(text, fileName, kHeaderLimits))
    return std::move(err);
  SafeTensorsHeader header;
  header.dataStart = 8 + *length;
  header.dataSize = fileSize - header.dataStart;
  // One entry parsed at a time: the parse tree of a whole header of many
  // small tensors is 40-50x its text.
  auto file = std::make_shared<const std::string>(fileName.str());
  if (Error err = walkMembers(
          text, text, fileName, [&](StringRef key, StringRef span) -> Error {
            Expected<json::Value> value = parseValue(text, span, fileName);
            if (!value)
              return value.takeError();
            return readMember(key, *value, header, file);
          }))
    return std::move(err);
  if (Error err = checkOverlaps(header, fileName))
    return std::move(err);
  return header;
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

/// Reads the first \p size bytes of the file at \p path (mapped, not
/// copied, when large).
static Expected<std::unique_ptr<MemoryBuffer>> readPrefix(StringRef path,
                                                          uint64_t size) {
  if (size == 0)
    return MemoryBuffer::getMemBuffer("", path);
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileSlice(path, size, /*Offset=*/0);
  if (!buffer)
    return makeError(path + ": cannot read: " + buffer.getError().message());
  return std::move(*buffer);
}

Expected<SafeTensorsHeader> amk::import::readSafeTensorsHeader(StringRef path) {
  uint64_t fileSize = 0;
  if (std::error_code ec = sys::fs::file_size(path, fileSize))
    return makeError(path + ": cannot read: " + ec.message());
  Expected<std::unique_ptr<MemoryBuffer>> prefix =
      readPrefix(path, std::min<uint64_t>(fileSize, 8));
  if (!prefix)
    return prefix.takeError();
  if ((*prefix)->getBufferSize() == 8) {
    uint64_t length =
        llvm::support::endian::read64le((*prefix)->getBufferStart());
    uint64_t wanted = 8 + std::min(length, kMaxHeaderBytes);
    prefix = readPrefix(path, std::min(fileSize, wanted));
    if (!prefix)
      return prefix.takeError();
  }
  return parseSafeTensorsHeader((*prefix)->getBuffer(), fileSize, path);
}

//===----------------------------------------------------------------------===//
// Sharded checkpoints
//===----------------------------------------------------------------------===//

/// Adds weight_map entry \p tensor (its value \p value) to \p shards.
static Error readWeightMapEntry(StringRef tensor, const json::Value &value,
                                std::map<std::string, std::string> &shards,
                                StringRef fileName) {
  std::optional<StringRef> shard = value.getAsString();
  if (!shard)
    return makeError(fileName + ": weight_map entry '" + tensor + "' is " +
                     describe(value) + ", expected a shard file name");
  if (!amk::support::isPlainFileName(*shard))
    return makeError(fileName + ": weight_map entry '" + tensor + "': shard '" +
                     *shard +
                     "' is not a plain file name in the checkpoint directory");
  if (!shards.emplace(tensor.str(), shard->str()).second)
    return makeError(fileName + ": weight_map entry '" + tensor +
                     "' appears twice");
  return Error::success();
}

Expected<std::map<std::string, std::string>>
amk::import::parseShardIndex(StringRef json, StringRef fileName) {
  if (Error err = mlir::amk::checkJSONLimits(json, fileName, kIndexLimits))
    return std::move(err);
  // The weight map is walked one entry at a time, as headers are.
  std::optional<StringRef> weightMap;
  if (Error err = walkMembers(
          json, json, fileName, [&](StringRef key, StringRef span) -> Error {
            if (key == "weight_map") {
              weightMap = span;
              return Error::success();
            }
            Expected<json::Value> value = parseValue(json, span, fileName);
            return value ? Error::success() : value.takeError();
          }))
    return std::move(err);
  if (!weightMap)
    return makeError(fileName + ": missing field 'weight_map'");
  if (!weightMap->starts_with("{"))
    return makeError(fileName + ": field 'weight_map': expected an object, " +
                     "found " + describeSpan(*weightMap));
  std::map<std::string, std::string> shards;
  if (Error err = walkMembers(
          json, *weightMap, fileName,
          [&](StringRef tensor, StringRef span) -> Error {
            Expected<json::Value> value = parseValue(json, span, fileName);
            if (!value)
              return value.takeError();
            return readWeightMapEntry(tensor, *value, shards, fileName);
          }))
    return std::move(err);
  return shards;
}

/// Adds the tensors of shard \p shard to \p checkpoint, each of which must be
/// listed under that shard in \p weightMap.
static Error addShard(StringRef shard, StringRef dir,
                      const std::map<std::string, std::string> &weightMap,
                      Checkpoint &checkpoint) {
  SmallString<256> path(dir);
  sys::path::append(path, shard);
  Expected<SafeTensorsHeader> header = readSafeTensorsHeader(path);
  if (!header)
    return header.takeError();
  for (auto &[name, info] : header->tensors) {
    auto listed = weightMap.find(name);
    if (listed == weightMap.end())
      return makeError(Twine(path) + ": tensor '" + name + "' is not listed in " +
                       checkpoint.source);
    if (listed->second != shard)
      return makeError(Twine(path) + ": tensor '" + name + "' is listed in " +
                       checkpoint.source + " under shard '" + listed->second +
                       "'");
    checkpoint.tensors.emplace(name, std::move(info));
  }
  return Error::success();
}

Expected<Checkpoint> amk::import::readShardedCheckpoint(StringRef indexPath) {
  Expected<std::unique_ptr<MemoryBuffer>> text = readBoundedFile(indexPath, kIndexLimits);
  if (!text)
    return text.takeError();
  Expected<std::map<std::string, std::string>> weightMap =
      parseShardIndex((*text)->getBuffer(), indexPath);
  if (!weightMap)
    return weightMap.takeError();
  Checkpoint checkpoint{indexPath.str(), {}};
  std::set<std::string> shards;
  for (const auto &entry : *weightMap)
    shards.insert(entry.second);
  for (const std::string &shard : shards)
    if (Error err = addShard(shard, sys::path::parent_path(indexPath),
                             *weightMap, checkpoint))
      return std::move(err);
  for (const auto &[tensor, shard] : *weightMap)
    if (!checkpoint.tensors.count(tensor))
      return makeError(indexPath + ": tensor '" + tensor +
                       "' is missing from its shard '" + shard + "'");
  return checkpoint;
}

Expected<Checkpoint> amk::import::readCheckpoint(StringRef dir) {
  SmallString<256> single(dir), index(dir);
  sys::path::append(single, "model.safetensors");
  sys::path::append(index, "model.safetensors.index.json");
  if (sys::fs::exists(single)) {
    Expected<SafeTensorsHeader> header = readSafeTensorsHeader(single);
    if (!header)
      return header.takeError();
    return Checkpoint{single.str().str(), std::move(header->tensors)};
  }
  if (sys::fs::exists(index))
    return readShardedCheckpoint(index);
  return makeError(dir + ": no model.safetensors or " +
                   "model.safetensors.index.json");
}
