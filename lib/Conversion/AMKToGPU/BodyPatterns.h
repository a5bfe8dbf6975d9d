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
/// point. `kb.argSlot` must index the op's first argument. Fails with a
/// diagnostic on ops that have no GPU lowering. \p prologueIssued: the
/// op's first weight pages were issued by `emitWeightPrologue`.
LogicalResult lowerComputeOp(KernelBuilder &kb, Operation *op,
                             bool prologueIssued = false);

/// Whether \p op can stream its weights through the ring's pages: a GEMV
/// of a weight or const matrix whose rows are whole 16-byte vectors.
bool canStageWeights(Operation *op);

/// Whether \p op streams its weights through the ring (`kb.ring`).
bool stagesWeights(KernelBuilder &kb, Operation *op);

/// Issues the first page of every ring slot for \p op (one that
/// `stagesWeights`) before its task's waits: weights never depend on
/// activations. Warps 1.. run it (warp 0 checks the waits meanwhile);
/// `kb.argSlot` indexes the op's arguments.
void emitWeightPrologue(KernelBuilder &kb, Operation *op);

/// Shared-memory f32 words the code of \p op needs with \p numWarps warps.
int64_t sharedWordsFor(Operation *op, int64_t numWarps);

} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_AMKTOGPU_BODYPATTERNS_H
