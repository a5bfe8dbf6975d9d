//===- Buffer.h - Buffers of the CPU reference executor ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The reference executor keeps every buffer as fp32 values (the kernels'
// Storage::Float views). A store rounds the value to the buffer's element
// type (bf16, f16, f32 or i32), so a bf16 KV cache holds exactly what a bf16
// cache on the GPU would hold.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_REFERENCE_BUFFER_H
#define AMK_REFERENCE_BUFFER_H

#include "AMK/Kernels/Numeric.h"

#include "mlir/IR/Types.h"

#include <optional>

namespace amk::reference {

using kernels::BufferView;

/// The kernels' element type of \p elementType (f32, f16, bf16 and the
/// signless integers i32, i8, i4, i2, i1); std::nullopt for any other,
/// which the executor refuses.
std::optional<kernels::DType> dtypeOf(mlir::Type elementType);

} // namespace amk::reference

#endif // AMK_REFERENCE_BUFFER_H
