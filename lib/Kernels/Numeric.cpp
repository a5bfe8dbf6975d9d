//===- Numeric.cpp - Element types and buffer views of the kernels --------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Kernels/Numeric.h"

#include <cmath>
#include <limits>

using namespace amk::kernels;

namespace {
struct DTypeInfo {
  DType dtype;
  const char *name;
  unsigned size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "f32", 4}, {DType::F16, "f16", 2}, {DType::BF16, "bf16", 2},
    {DType::I32, "i32", 4}, {DType::I8, "i8", 1},   {DType::U8, "u8", 1}};
} // namespace

const char *amk::kernels::dtypeName(DType dtype) {
  return kDTypes[unsigned(dtype)].name;
}

std::optional<DType> amk::kernels::parseDType(const std::string &name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name)
      return info.dtype;
  return std::nullopt;
}

unsigned amk::kernels::dtypeSize(DType dtype) {
  return kDTypes[unsigned(dtype)].size;
}

static float fromBits(uint32_t word) {
  float value;
  std::memcpy(&value, &word, sizeof(value));
  return value;
}

static uint32_t toBits(float value) {
  uint32_t word;
  std::memcpy(&word, &value, sizeof(word));
  return word;
}

float amk::kernels::bf16ToFloat(uint16_t bits) {
  return fromBits(uint32_t(bits) << 16);
}

float amk::kernels::f16ToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  if (exponent == 0) {
    float magnitude = std::ldexp(float(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31)
    return fromBits(sign | 0x7f800000 | (mantissa << 13));
  return fromBits(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t amk::kernels::floatToBF16(float value) {
  uint32_t word = toBits(value);
  if (std::isnan(value))
    return uint16_t((word >> 16) | 0x40);
  word += 0x7fff + ((word >> 16) & 1);
  return uint16_t(word >> 16);
}

uint16_t amk::kernels::floatToF16(float value) {
  uint32_t word = toBits(value);
  uint16_t sign = uint16_t((word >> 16) & 0x8000);
  uint32_t magnitude = word & 0x7fffffff;
  if (magnitude > 0x7f800000)
    return sign | 0x7e00;
  // 65520 and above round to infinity.
  if (magnitude >= 0x477ff000)
    return sign | 0x7c00;
  // Normal halves (>= 2^-14): drop 13 mantissa bits, ties to even, and
  // rebias the exponent from 127 to 15.
  if (magnitude >= 0x38800000) {
    magnitude += 0xfff + ((magnitude >> 13) & 1);
    return sign | uint16_t((magnitude - 0x38000000) >> 13);
  }
  // Subnormal halves: multiples of 2^-24, rounded to nearest even (the
  // default rounding mode); 1024 is the smallest normal's encoding.
  float scaled = std::fabs(value) * 16777216.0f;
  return sign | uint16_t(std::nearbyint(scaled));
}

float amk::kernels::roundTo(DType dtype, float value) {
  switch (dtype) {
  case DType::F32:
    return value;
  case DType::BF16:
    return std::isnan(value) ? value : bf16ToFloat(floatToBF16(value));
  case DType::F16:
    return std::isnan(value) ? value : f16ToFloat(floatToF16(value));
  case DType::I32:
  case DType::I8:
  case DType::U8:
    return std::isnan(value) ? value : std::trunc(value);
  }
  return value;
}

int64_t BufferView::size() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

/// Truncates \p value toward zero into [lo, hi]; NaN gives lo.
static int64_t toInteger(float value, int64_t lo, int64_t hi) {
  if (std::isnan(value))
    return lo;
  double truncated = std::trunc(double(value));
  if (truncated < double(lo))
    return lo;
  if (truncated > double(hi))
    return hi;
  return int64_t(truncated);
}

float BufferView::getPacked(int64_t i) const {
  if (limit >= 0 && (i < 0 || i >= limit)) {
    badIndex = badIndex < 0 ? i : badIndex;
    return std::numeric_limits<float>::quiet_NaN();
  }
  const auto *bytes = static_cast<const unsigned char *>(data);
  switch (dtype) {
  case DType::F32: {
    float value;
    std::memcpy(&value, bytes + 4 * i, 4);
    return value;
  }
  case DType::F16:
  case DType::BF16: {
    uint16_t half;
    std::memcpy(&half, bytes + 2 * i, 2);
    return dtype == DType::BF16 ? bf16ToFloat(half) : f16ToFloat(half);
  }
  case DType::I32: {
    int32_t value;
    std::memcpy(&value, bytes + 4 * i, 4);
    return float(value);
  }
  case DType::I8:
    return float(static_cast<const int8_t *>(data)[i]);
  case DType::U8:
    return float(bytes[i]);
  }
  return std::numeric_limits<float>::quiet_NaN();
}

void BufferView::setPacked(int64_t i, float value) {
  if (limit >= 0 && (i < 0 || i >= limit)) {
    badIndex = badIndex < 0 ? i : badIndex;
    return;
  }
  auto *bytes = static_cast<unsigned char *>(data);
  switch (dtype) {
  case DType::F32:
    std::memcpy(bytes + 4 * i, &value, 4);
    return;
  case DType::F16:
  case DType::BF16: {
    uint16_t half = dtype == DType::BF16 ? floatToBF16(value) : floatToF16(value);
    std::memcpy(bytes + 2 * i, &half, 2);
    return;
  }
  case DType::I32: {
    auto word = int32_t(toInteger(value, std::numeric_limits<int32_t>::min(),
                                  std::numeric_limits<int32_t>::max()));
    std::memcpy(bytes + 4 * i, &word, 4);
    return;
  }
  case DType::I8:
    static_cast<int8_t *>(data)[i] = int8_t(toInteger(value, -128, 127));
    return;
  case DType::U8:
    bytes[i] = uint8_t(toInteger(value, 0, 255));
    return;
  }
}
