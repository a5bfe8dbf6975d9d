//===- Numeric.cpp - Element types and buffer views of the kernels --------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Kernels/Numeric.h"
#include "AMK/Support/StorageModel.h"

#include <cmath>
#include <limits>

using namespace amk::kernels;

namespace {
struct DTypeInfo {
  DType dtype;
  const char *name;
  unsigned bits;
  bool integer;
};
/// Indexed by DType.
constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "f32", 32, false}, {DType::F16, "f16", 16, false},
    {DType::BF16, "bf16", 16, false}, {DType::I32, "i32", 32, true},
    {DType::I8, "i8", 8, true},     {DType::U8, "u8", 8, true},
    {DType::I4, "i4", 4, true},     {DType::I2, "i2", 2, true},
    {DType::I1, "i1", 1, true}};
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

unsigned amk::kernels::dtypeBits(DType dtype) {
  return kDTypes[unsigned(dtype)].bits;
}

bool amk::kernels::isInteger(DType dtype) {
  return kDTypes[unsigned(dtype)].integer;
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

/// The values an element of integer type \p dtype holds.
static ::amk::storage::IntegerRange rangeOf(DType dtype) {
  if (dtype == DType::U8)
    return {0, 255};
  return ::amk::storage::integerRange(dtypeBits(dtype));
}

/// Truncates \p value toward zero into the range of integer type \p dtype;
/// NaN gives the lowest value.
static int64_t toInteger(DType dtype, float value) {
  ::amk::storage::IntegerRange range = rangeOf(dtype);
  if (std::isnan(value))
    return range.lo;
  double truncated = std::trunc(double(value));
  if (truncated < double(range.lo))
    return range.lo;
  if (truncated > double(range.hi))
    return range.hi;
  return int64_t(truncated);
}

float amk::kernels::roundTo(DType dtype, float value) {
  switch (dtype) {
  case DType::F32:
    return value;
  case DType::BF16:
    return std::isnan(value) ? value : bf16ToFloat(floatToBF16(value));
  case DType::F16:
    return std::isnan(value) ? value : f16ToFloat(floatToF16(value));
  default:
    return float(toInteger(dtype, value));
  }
}

int64_t BufferView::size() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

/// The two's-complement value of the low \p bits of \p raw (i1 and u8 are
/// unsigned).
static int64_t fromRaw(DType dtype, uint64_t raw) {
  unsigned bits = dtypeBits(dtype);
  if (rangeOf(dtype).lo == 0 || bits >= 64)
    return int64_t(raw);
  uint64_t sign = uint64_t(1) << (bits - 1);
  return int64_t(raw ^ sign) - int64_t(sign);
}

float BufferView::getPacked(int64_t i) const {
  if (limit >= 0 && (i < 0 || i >= limit)) {
    badIndex = badIndex < 0 ? i : badIndex;
    return std::numeric_limits<float>::quiet_NaN();
  }
  unsigned bits = dtypeBits(dtype);
  auto at = ::amk::storage::addressOf(i, bits);
  const auto *bytes = static_cast<const unsigned char *>(data) + at.byte;
  if (::amk::storage::isPacked(bits))
    return float(fromRaw(dtype, (bytes[0] >> at.shift) &
                                    ::amk::storage::elementMask(bits)));
  uint32_t raw = 0;
  std::memcpy(&raw, bytes, bits / 8);
  switch (dtype) {
  case DType::F32:
    return fromBits(raw);
  case DType::F16:
    return f16ToFloat(uint16_t(raw));
  case DType::BF16:
    return bf16ToFloat(uint16_t(raw));
  default:
    return float(fromRaw(dtype, raw));
  }
}

void BufferView::setPacked(int64_t i, float value) {
  if (limit >= 0 && (i < 0 || i >= limit)) {
    badIndex = badIndex < 0 ? i : badIndex;
    return;
  }
  unsigned bits = dtypeBits(dtype);
  auto at = ::amk::storage::addressOf(i, bits);
  auto *bytes = static_cast<unsigned char *>(data) + at.byte;
  uint32_t raw;
  switch (dtype) {
  case DType::F32:
    raw = toBits(value);
    break;
  case DType::F16:
    raw = floatToF16(value);
    break;
  case DType::BF16:
    raw = floatToBF16(value);
    break;
  default:
    raw = uint32_t(toInteger(dtype, value));
    break;
  }
  if (::amk::storage::isPacked(bits)) {
    uint32_t mask = ::amk::storage::elementMask(bits) << at.shift;
    bytes[0] = uint8_t((bytes[0] & ~mask) | ((raw << at.shift) & mask));
    return;
  }
  std::memcpy(bytes, &raw, bits / 8);
}
