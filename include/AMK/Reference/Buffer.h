//===- Buffer.h - Buffers of the CPU reference executor ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The reference executor keeps every buffer as fp32 values. A store rounds
// the value to the buffer's element type (bf16, f16, f32 or i32), so a bf16
// KV cache holds exactly what a bf16 cache on the GPU would hold.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_REFERENCE_BUFFER_H
#define AMK_REFERENCE_BUFFER_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>

namespace amk::reference {

/// Converts the bits of a bfloat16 to fp32.
float bf16ToFloat(uint16_t bits);

/// Converts the bits of an IEEE half to fp32.
float f16ToFloat(uint16_t bits);

/// Rounds \p value to the nearest value of \p elementType (ties to even;
/// integers truncate toward zero); NaN stays NaN.
float roundTo(mlir::Type elementType, float value);

/// One buffer as fp32 values in row-major order. Buffers on one scratch page
/// view the same storage.
struct BufferView {
  /// The buffer's name, for diagnostics.
  std::string name;
  /// Element type of the buffer; stores round to it.
  mlir::Type elementType;
  /// Dimensions, outermost first.
  llvm::SmallVector<int64_t, 4> shape;
  /// The first value; the storage outlives the view.
  float *data = nullptr;

  /// Number of elements.
  int64_t size() const;
  /// Reads element \p i.
  float get(int64_t i) const { return data[i]; }
  /// Stores \p value, rounded to the element type, at element \p i.
  void set(int64_t i, float value) { data[i] = roundTo(elementType, value); }
};

} // namespace amk::reference

#endif // AMK_REFERENCE_BUFFER_H
