//===- Buffer.cpp - Buffers of the CPU reference executor -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Reference/Buffer.h"

using namespace amk;

kernels::DType reference::dtypeOf(mlir::Type elementType) {
  if (elementType.isBF16())
    return kernels::DType::BF16;
  if (elementType.isF16())
    return kernels::DType::F16;
  if (elementType.isInteger())
    return kernels::DType::I32;
  return kernels::DType::F32;
}
