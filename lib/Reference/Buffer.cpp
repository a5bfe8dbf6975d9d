//===- Buffer.cpp - Buffers of the CPU reference executor -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Reference/Buffer.h"

using namespace amk;

std::optional<kernels::DType> reference::dtypeOf(mlir::Type elementType) {
  if (elementType.isF32())
    return kernels::DType::F32;
  if (elementType.isBF16())
    return kernels::DType::BF16;
  if (elementType.isF16())
    return kernels::DType::F16;
  if (!elementType.isSignlessInteger())
    return std::nullopt;
  switch (elementType.getIntOrFloatBitWidth()) {
  case 32:
    return kernels::DType::I32;
  case 8:
    return kernels::DType::I8;
  case 4:
    return kernels::DType::I4;
  case 2:
    return kernels::DType::I2;
  case 1:
    return kernels::DType::I1;
  default:
    return std::nullopt;
  }
}
