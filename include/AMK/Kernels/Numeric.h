//===- Numeric.h - Element types and buffer views of the kernels -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The element types buffers may have, exact conversions between them and
// fp32, and BufferView: a buffer as the kernels see it. A view either holds
// fp32 values that every store rounds to the element type (the reference
// executor) or the element type's own bytes (the runtime's arenas, laid out
// as on the GPU). No MLIR or LLVM dependency.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_KERNELS_NUMERIC_H
#define AMK_KERNELS_NUMERIC_H

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace amk::kernels {

/// Element types of buffers. I4, I2 and I1 are packed several to a byte as
/// the storage model (AMK/Support/StorageModel.h) lays them out.
enum class DType { F32, F16, BF16, I32, I8, U8, I4, I2, I1 };

/// The manifest spelling of \p dtype (`f32`, `bf16`, ...).
const char *dtypeName(DType dtype);

/// Parses a manifest spelling; std::nullopt when unknown.
std::optional<DType> parseDType(const std::string &name);

/// Bits of one element of \p dtype.
unsigned dtypeBits(DType dtype);

/// True for the integer element types.
bool isInteger(DType dtype);

/// Converts the bits of a bfloat16 to fp32.
float bf16ToFloat(uint16_t bits);

/// Converts the bits of an IEEE half to fp32.
float f16ToFloat(uint16_t bits);

/// The bits of the bfloat16 nearest to \p value (ties to even; NaN stays NaN).
uint16_t floatToBF16(float value);

/// The bits of the IEEE half nearest to \p value (ties to even; overflow
/// gives infinity; NaN stays NaN).
uint16_t floatToF16(float value);

/// Rounds \p value to the nearest value of \p dtype (ties to even; NaN
/// stays NaN). Integers truncate toward zero and saturate to the type's
/// range (storage::integerRange; NaN gives its lowest value), as a packed
/// store does.
float roundTo(DType dtype, float value);

/// How a view's memory holds its elements.
enum class Storage {
  /// One fp32 value per element, rounded to the element type on store.
  Float,
  /// The element type's own bytes, addressed by the storage model
  /// (integers: truncated, saturated to range; sub-byte elements packed).
  Packed,
};

/// One buffer in row-major order, as the kernels read and write it.
struct BufferView {
  /// The buffer's name, for diagnostics.
  std::string name;
  /// Element type; stores round to it.
  DType dtype = DType::F32;
  /// Dimensions, outermost first.
  std::vector<int64_t> shape;
  /// The first element; the storage outlives the view.
  void *data = nullptr;
  /// What `data` points to.
  Storage storage = Storage::Float;
  /// Packed views only: the number of elements that may be accessed, or -1
  /// for unchecked. An access outside is not performed (a read gives NaN)
  /// and the first such index is kept in `badIndex`.
  int64_t limit = -1;
  /// The first refused index since it was last reset, or -1.
  mutable int64_t badIndex = -1;

  /// Number of elements.
  int64_t size() const;
  /// The fp32 values of a Storage::Float view.
  float *values() const { return static_cast<float *>(data); }
  /// Reads element \p i as fp32.
  float get(int64_t i) const {
    if (storage == Storage::Float)
      return static_cast<const float *>(data)[i];
    return getPacked(i);
  }
  /// Stores \p value, rounded to the element type, at element \p i.
  void set(int64_t i, float value) {
    if (storage == Storage::Float)
      static_cast<float *>(data)[i] = roundTo(dtype, value);
    else
      setPacked(i, value);
  }

private:
  float getPacked(int64_t i) const;
  void setPacked(int64_t i, float value);
};

} // namespace amk::kernels

#endif // AMK_KERNELS_NUMERIC_H
