//===- BoundedJSON.cpp - JSON reading with size and depth limits ----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Support/BoundedJSON.h"
#include "AMK/Support/JSONDepth.h"

#include "llvm/Support/FileSystem.h"

using namespace llvm;

static_assert(mlir::amk::JSONLimits{"", 0}.maxDepth ==
                  ::amk::support::kMaxJSONDepth,
              "one depth limit for every JSON reader");

/// The error of a document of \p size bytes over the limit.
static Error tooLarge(StringRef name, uint64_t size, const mlir::amk::JSONLimits &limits) {
  return createStringError(
      ::amk::support::tooLargeError(name, size, limits.maxBytes, limits.what));
}

Error mlir::amk::checkJSONLimits(StringRef text, StringRef name,
                           const JSONLimits &limits) {
  if (text.size() > limits.maxBytes)
    return tooLarge(name, text.size(), limits);
  std::string tooDeep =
      ::amk::support::checkDepth(text, name, limits.what, limits.maxDepth);
  if (!tooDeep.empty())
    return createStringError(tooDeep);
  return Error::success();
}

Expected<json::Value> mlir::amk::parseBoundedJSON(StringRef text, StringRef name,
                                            const JSONLimits &limits) {
  if (Error err = checkJSONLimits(text, name, limits))
    return std::move(err);
  Expected<json::Value> value = json::parse(text);
  if (!value)
    return createStringError(name + ": not valid JSON: " +
                             toString(value.takeError()));
  return value;
}

Expected<std::unique_ptr<MemoryBuffer>>
mlir::amk::readBoundedFile(StringRef path, const JSONLimits &limits) {
  sys::fs::file_status status;
  if (path != "-" && !sys::fs::status(path, status) &&
      sys::fs::is_regular_file(status) && status.getSize() > limits.maxBytes)
    return tooLarge(path, status.getSize(), limits);
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                   /*RequiresNullTerminator=*/false);
  if (!buffer)
    return createStringError(path + ": cannot read: " +
                             buffer.getError().message());
  if ((*buffer)->getBufferSize() > limits.maxBytes)
    return tooLarge(path, (*buffer)->getBufferSize(), limits);
  return std::move(*buffer);
}
