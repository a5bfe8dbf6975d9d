//===- StorageModel.h - Where a buffer's elements live in memory -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The one storage model of AMK, shared by the scratch allocator, the
// validator, the oracle, the reference executor and the runtime, so that
// they cannot disagree about which bytes an access touches. Plain C++17 with
// no MLIR or LLVM dependency: the runtime includes it as is.
//
//  - A buffer is a row-major array of `elements` elements of `elementBits`
//    bits each (sub-byte types such as i1 or i4 are packed); element `e`
//    occupies bits `[e * elementBits, (e + 1) * elementBits)` of the buffer.
//  - A buffer takes `ceil(elements * elementBits / 8)` bytes.
//  - Every buffer on a scratch page starts at byte `kOffsetOnPage` (0) of the
//    page; a buffer must fit its page.
//  - Pages and unpaged buffers start at `kAlignment`-byte aligned addresses.
//  - Memory is written a byte at a time at best: an access of a sub-byte
//    buffer must start and end on byte boundaries (otherwise two tasks
//    writing neighbouring elements would race on their shared byte).
//  - Sizes above `kMaxBufferBytes` are refused, and every product is
//    overflow-checked.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_STORAGEMODEL_H
#define AMK_SUPPORT_STORAGEMODEL_H

#include <cstdint>
#include <optional>

namespace amk {
namespace storage {

/// Byte offset of every buffer inside its scratch page.
constexpr int64_t kOffsetOnPage = 0;
/// Alignment, in bytes, of every page and unpaged buffer.
constexpr int64_t kAlignment = 256;
/// The largest buffer or page AMK accepts (1 TiB); larger sizes are refused
/// with an error rather than risking overflow downstream.
constexpr int64_t kMaxBufferBytes = int64_t(1) << 40;

/// `a * b`, or std::nullopt when it overflows int64_t or either is
/// negative.
inline std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t result;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &result))
    return std::nullopt;
  return result;
}

/// `a + b`, or std::nullopt when it overflows int64_t or either is negative.
inline std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t result;
  if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &result))
    return std::nullopt;
  return result;
}

/// The product of `count` dimensions, or std::nullopt on overflow.
inline std::optional<int64_t> checkedProduct(const int64_t *dims,
                                             std::size_t count) {
  int64_t product = 1;
  for (std::size_t i = 0; i < count; ++i) {
    std::optional<int64_t> next = checkedMul(product, dims[i]);
    if (!next)
      return std::nullopt;
    product = *next;
  }
  return product;
}

/// The storage of one buffer: how many elements of how many bits.
struct BufferLayout {
  int64_t elementBits = 0;
  int64_t elements = 0;

  /// Bits the buffer spans, or std::nullopt when that overflows.
  std::optional<int64_t> bits() const {
    return checkedMul(elements, elementBits);
  }
  /// Bytes the buffer takes (`ceil(bits / 8)`), or std::nullopt when the
  /// size overflows or exceeds kMaxBufferBytes.
  std::optional<int64_t> bytes() const {
    std::optional<int64_t> b = bits();
    if (!b)
      return std::nullopt;
    int64_t result = *b / 8 + (*b % 8 != 0);
    if (result > kMaxBufferBytes)
      return std::nullopt;
    return result;
  }
  /// First bit of element `element` from the start of its storage (the
  /// page, when it has one). Only valid for a layout whose bits() exist.
  int64_t bitOffset(int64_t element) const {
    return kOffsetOnPage * 8 + element * elementBits;
  }
  /// True when elements `[lo, hi)` start and end on byte boundaries.
  bool byteAligned(int64_t lo, int64_t hi) const {
    return bitOffset(lo) % 8 == 0 && bitOffset(hi) % 8 == 0;
  }
};

/// True when a buffer of `bufferBytes` fits a page of `pageBytes`.
inline bool fitsPage(int64_t bufferBytes, int64_t pageBytes) {
  return kOffsetOnPage + bufferBytes <= pageBytes;
}

} // namespace storage
} // namespace amk

#endif // AMK_SUPPORT_STORAGEMODEL_H
