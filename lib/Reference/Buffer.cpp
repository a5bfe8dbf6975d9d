//===- Buffer.cpp - Buffers of the CPU reference executor -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Reference/Buffer.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <cstring>

using namespace amk::reference;

float amk::reference::bf16ToFloat(uint16_t bits) {
  uint32_t word = uint32_t(bits) << 16;
  float value;
  std::memcpy(&value, &word, sizeof(value));
  return value;
}

float amk::reference::f16ToFloat(uint16_t bits) {
  llvm::APFloat half(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
  return half.convertToFloat();
}

/// Rounds to bfloat16, ties to even, as torch's `.to(torch.bfloat16)`.
static float roundToBF16(float value) {
  if (std::isnan(value))
    return value;
  uint32_t word;
  std::memcpy(&word, &value, sizeof(word));
  word += 0x7fff + ((word >> 16) & 1);
  return bf16ToFloat(uint16_t(word >> 16));
}

/// Rounds to IEEE half, ties to even.
static float roundToF16(float value) {
  llvm::APFloat half(value);
  bool losesInfo;
  half.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
               &losesInfo);
  return half.convertToFloat();
}

float amk::reference::roundTo(mlir::Type elementType, float value) {
  if (elementType.isF32())
    return value;
  if (elementType.isBF16())
    return roundToBF16(value);
  if (elementType.isF16())
    return roundToF16(value);
  if (elementType.isInteger() && !std::isnan(value))
    return std::trunc(value);
  return value;
}

int64_t BufferView::size() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}
