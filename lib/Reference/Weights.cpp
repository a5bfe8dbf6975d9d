//===- Weights.cpp - Load checkpoint tensors into buffers -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "Weights.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>

using namespace amk;
using namespace amk::reference;
using namespace amk::import;
using llvm::Error;
using llvm::Expected;

llvm::Expected<WeightLoader> WeightLoader::open(llvm::StringRef dir) {
  Expected<Checkpoint> checkpoint = readCheckpoint(dir);
  if (!checkpoint)
    return checkpoint.takeError();
  return WeightLoader(std::move(*checkpoint));
}

/// The safetensors dtype a buffer of \p dtype must be loaded from.
static std::optional<DType> dtypeFor(kernels::DType dtype) {
  switch (dtype) {
  case kernels::DType::BF16:
    return DType::BF16;
  case kernels::DType::F16:
    return DType::F16;
  case kernels::DType::F32:
    return DType::F32;
  default:
    return std::nullopt;
  }
}

Expected<llvm::StringRef> WeightLoader::bytesOf(const TensorInfo &tensor) {
  std::unique_ptr<llvm::MemoryBuffer> &file = files[*tensor.file];
  if (!file) {
    auto mapped = llvm::MemoryBuffer::getFile(*tensor.file);
    if (!mapped)
      return llvm::createStringError(*tensor.file + ": " +
                                     mapped.getError().message());
    file = std::move(*mapped);
  }
  if (tensor.end > file->getBufferSize())
    return llvm::createStringError(*tensor.file + ": truncated");
  return file->getBuffer().slice(tensor.begin, tensor.end);
}

/// Converts one element of \p dtype at \p bytes to fp32.
static float decode(DType dtype, const char *bytes) {
  uint16_t half;
  float value;
  if (dtype == DType::F32) {
    std::memcpy(&value, bytes, sizeof(value));
    return value;
  }
  std::memcpy(&half, bytes, sizeof(half));
  return dtype == DType::BF16 ? kernels::bf16ToFloat(half)
                             : kernels::f16ToFloat(half);
}

Error WeightLoader::load(llvm::StringRef key, BufferView &buffer) {
  auto it = checkpoint.tensors.find(key.str());
  if (it == checkpoint.tensors.end())
    return llvm::createStringError(llvm::formatv(
        "tensor '{0}' (buffer '{1}') is not in {2}", key, buffer.name,
        checkpoint.source));
  const TensorInfo &tensor = it->second;
  std::optional<DType> expected = dtypeFor(buffer.dtype);
  if (!expected || tensor.dtype != *expected ||
      llvm::ArrayRef<int64_t>(tensor.shape) != llvm::ArrayRef(buffer.shape))
    return llvm::createStringError(llvm::formatv(
        "tensor '{0}' is {1} {2} in {3}, but buffer '{4}' is {5} {6}", key,
        dtypeName(tensor.dtype), formatShape(tensor.shape), checkpoint.source,
        buffer.name, kernels::dtypeName(buffer.dtype), formatShape(buffer.shape)));
  Expected<llvm::StringRef> bytes = bytesOf(tensor);
  if (!bytes)
    return bytes.takeError();
  unsigned width = dtypeSize(tensor.dtype);
  for (int64_t i = 0, e = buffer.size(); i < e; ++i) {
    float value = decode(tensor.dtype, bytes->data() + i * width);
    if (!std::isfinite(value))
      return llvm::createStringError(llvm::formatv(
          "tensor '{0}' in {1} holds {2} at element {3} (buffer '{4}'); the "
          "checkpoint is corrupt",
          key, *tensor.file, value, i, buffer.name));
    buffer.values()[i] = value;
  }
  return Error::success();
}
