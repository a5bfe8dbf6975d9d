//===- BodyPatterns.cpp - Block-level code for each amk compute op --------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// One pattern per compute op turns it into the code one thread block runs.
// Static facts (element types, extents, attributes) come from the op; buffer
// addresses, column/head/row ranges and the decode position come from the
// task's arguments at run time (docs/megakernel-abi.md), so one variant
// serves every task with the same op sequence and static facts.
// This file dispatches on the op; the bodies live in one file per family
// (GemvBodies, AttentionBodies, NormBodies, ArgmaxBodies; see Bodies.h).
//
//===----------------------------------------------------------------------===//

#include "Bodies.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::bodies;

LogicalResult amk::lowerComputeOp(KernelBuilder &kb, Operation *op,
                                  bool prologueIssued) {
  Args a{kb, op};
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](EmbedOp o) { return lowerEmbed(kb, o, a), success(); })
      .Case([&](RMSNormOp o) { return lowerRMSNorm(kb, o, a), success(); })
      .Case([&](GemvOp o) {
        return lowerGemv(kb, o, a, prologueIssued), success();
      })
      .Case([&](RopeOp o) { return lowerRope(kb, o, a), success(); })
      .Case([&](KVAppendOp o) { return lowerKVAppend(kb, o, a), success(); })
      .Case([&](AttentionOp o) { return lowerAttention(kb, o, a), success(); })
      .Case([&](AttentionCombineOp o) {
        return lowerAttentionCombine(kb, o, a), success();
      })
      .Case([&](AttentionMergeOp o) {
        return lowerAttentionMerge(kb, o, a), success();
      })
      .Case([&](SiluMulOp o) { return lowerSiluMul(kb, o, a), success(); })
      .Case([&](AddOp o) { return lowerAdd(kb, o, a), success(); })
      .Case([&](ArgmaxOp o) { return lowerArgmax(kb, o, a), success(); })
      .Case([&](ArgmaxPartialOp o) {
        return lowerArgmaxPartial(kb, o, a), success();
      })
      .Case([&](ArgmaxReduceOp o) {
        return lowerArgmaxReduce(kb, o, a), success();
      })
      .Case([&](CopyOp o) { return lowerCopy(kb, o, a), success(); })
      .Default([&](Operation *) {
        return op->emitError() << "amk-lower-megakernel: no GPU lowering for '"
                               << op->getName() << "'";
      });
}

int64_t amk::sharedWordsFor(Operation *op, int64_t numWarps) {
  if (auto attention = dyn_cast<AttentionOp>(op))
    return numWarps * (shapeOf(attention.getKeyCache())[2] + 2);
  return 2 * numWarps;
}
