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
//  - Element `e` is addressed by `addressOf`: the byte that holds its first
//    bit and the bit's position in that byte (little-endian bit order: the
//    first element of a byte is its least significant bits). Code reads and
//    writes elements of widths that are whole bytes or divide 8
//    (`isAddressable`), so a packed element never straddles two bytes.
//  - An integer element of `bits` bits holds the values `integerRange(bits)`:
//    i1 is a boolean (0 or 1), wider integers are two's complement.
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

/// Where element `e` of a buffer lives, in the arithmetic of `Index` (an
/// integer on the host, an IR value in the lowering).
template <typename Index> struct ElementAddress {
  /// The byte, from the start of the buffer's storage, that holds the
  /// element's first bit.
  Index byte;
  /// The position of that bit in the byte (always 0 for whole-byte types).
  Index shift;
};

/// True when an element of `bits` bits is a whole number of bytes or packed
/// inside one byte (1, 2 and 4 bits): the widths that loads and stores
/// support. Other widths (i3, i12, f6, ...) straddle bytes and are refused.
constexpr bool isAddressable(int64_t bits) {
  return bits > 0 && (bits % 8 == 0 || 8 % bits == 0);
}

/// True when several elements of `bits` bits share one byte.
constexpr bool isPacked(int64_t bits) { return bits > 0 && bits < 8; }

/// Elements of `bits` bits per byte (1 for whole-byte types).
constexpr int64_t elementsPerByte(int64_t bits) {
  return isPacked(bits) ? 8 / bits : 1;
}

/// The mask of an element's bits once shifted to bit 0 (packed types).
constexpr uint32_t elementMask(int64_t bits) {
  return bits >= 32 ? 0xffffffffu : (uint32_t(1) << bits) - 1;
}

/// The one addressing rule of element `element` of `bits` bits: the first
/// bit is `kOffsetOnPage * 8 + element * bits`; its byte is that over 8 and
/// its shift that modulo 8. `ops` supplies the arithmetic so that the
/// runtime (plain integers, `HostOps`) and the lowering (IR values) apply
/// the same rule: `ops.mul(x, c)`, `ops.add(x, c)`, `ops.shr(x, c)` and
/// `ops.mask(x, c)` take an `Index` and a constant.
template <typename Ops, typename Index>
ElementAddress<Index> addressOf(Ops &ops, Index element, int64_t bits) {
  Index bit = ops.add(ops.mul(element, bits), kOffsetOnPage * 8);
  return {ops.shr(bit, 3), ops.mask(bit, 7)};
}

/// The arithmetic of `addressOf` on plain integers.
struct HostOps {
  int64_t mul(int64_t x, int64_t c) const { return x * c; }
  int64_t add(int64_t x, int64_t c) const { return x + c; }
  int64_t shr(int64_t x, int64_t c) const { return x >> c; }
  int64_t mask(int64_t x, int64_t c) const { return x & c; }
};

/// `addressOf` on the host.
inline ElementAddress<int64_t> addressOf(int64_t element, int64_t bits) {
  HostOps ops;
  return addressOf(ops, element, bits);
}

/// The values an integer element of `bits` bits holds, `[lo, hi]`: i1 is a
/// boolean, wider integers are two's complement. Stores truncate toward
/// zero and saturate to this range (NaN stores `lo`).
struct IntegerRange {
  int64_t lo;
  int64_t hi;
};
constexpr IntegerRange integerRange(int64_t bits) {
  if (bits == 1)
    return {0, 1};
  if (bits >= 64)
    return {INT64_MIN, INT64_MAX};
  return {-(int64_t(1) << (bits - 1)), (int64_t(1) << (bits - 1)) - 1};
}

/// True when a buffer of `bufferBytes` fits a page of `pageBytes`.
inline bool fitsPage(int64_t bufferBytes, int64_t pageBytes) {
  return kOffsetOnPage + bufferBytes <= pageBytes;
}

} // namespace storage
} // namespace amk

#endif // AMK_SUPPORT_STORAGEMODEL_H
