//===- Kernels.h - fp32 semantics of the compute ops -------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// One function per compute op of the amk dialect, computing in fp32 what
// HuggingFace transformers computes for the same layer.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_REFERENCE_KERNELS_H
#define AMK_LIB_REFERENCE_KERNELS_H

#include "AMK/Reference/Buffer.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

namespace amk::reference {

/// What a compute op sees of the running step: the view of each buffer
/// operand and the decode position.
struct StepState {
  llvm::function_ref<BufferView &(mlir::Value)> view;
  int64_t pos;
};

/// Executes the compute op \p op (a body op of a task).
llvm::Error executeComputeOp(mlir::Operation *op, const StepState &state);

} // namespace amk::reference

#endif // AMK_LIB_REFERENCE_KERNELS_H
