//===- BodyPatterns.h - Block-level code for each amk compute op -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_AMKTOGPU_BODYPATTERNS_H
#define AMK_CONVERSION_AMKTOGPU_BODYPATTERNS_H

#include "KernelBuilder.h"

#include "AMK/Dialect/AMK/IR/AMKOps.h"

namespace mlir {
namespace amk {

/// Emits the block-level code of compute op \p op at the builder's insertion
/// point. `kb.argBase` must point at the op's first argument. Fails with a
/// diagnostic on ops that have no GPU lowering.
LogicalResult lowerComputeOp(KernelBuilder &kb, Operation *op);

/// Shared-memory f32 words the code of \p op needs with \p numWarps warps.
int64_t sharedWordsFor(Operation *op, int64_t numWarps);

} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_AMKTOGPU_BODYPATTERNS_H
