//===- Bodies.h - Shared helpers of the op bodies ---------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Internal to the op bodies (BodyPatterns.cpp dispatches, one file per op
// family emits): the run-time view of an op's arguments, the helpers every
// family uses and each family's entry points.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_AMKTOGPU_BODIES_H
#define AMK_CONVERSION_AMKTOGPU_BODIES_H

#include "BodyPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>

namespace mlir {
namespace amk {
namespace bodies {

/// Element type, shape and size of buffer value \p buffer.
inline Type elementTypeOf(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getElementType();
}
inline ArrayRef<int64_t> shapeOf(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getShape();
}
inline int64_t sizeOf(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getNumElements();
}

/// The run-time view of one op's arguments: buffer pointers and integers.
struct Args {
  KernelBuilder &kb;
  Operation *op;
  /// Global pointer of buffer operand `i`.
  Value buffer(unsigned i) { return kb.argBuffer(i); }
  /// Integer argument `k` (after the buffer operands).
  Value integer(unsigned k) { return kb.argInt(op->getNumOperands() + k); }
  /// Element type of buffer operand `i`.
  Type type(unsigned i) { return elementTypeOf(op->getOperand(i)); }
};

/// The decode position read from a position buffer, plus the step of the
/// launch when it runs several (step s decodes position pos + s).
inline Value positionOf(KernelBuilder &kb, Value buffer) {
  Value pos = kb.loadIndex(buffer, kb.i64(0));
  return kb.step ? kb.add(pos, kb.step) : pos;
}

inline Value toF32(KernelBuilder &kb, Value i64) {
  return arith::SIToFPOp::create(kb.b, kb.loc, kb.b.getF32Type(), i64);
}

inline Value negInf(KernelBuilder &kb) {
  return kb.f32(-std::numeric_limits<float>::infinity());
}

//===----------------------------------------------------------------------===//
// Entry points of the families
//===----------------------------------------------------------------------===//

// GemvBodies.cpp: register GEMV and the paged weight ring.
void lowerGemv(KernelBuilder &kb, GemvOp op, Args a, bool prologueIssued);

// AttentionBodies.cpp.
void lowerAttention(KernelBuilder &kb, AttentionOp op, Args a);
void lowerAttentionCombine(KernelBuilder &kb, AttentionCombineOp op, Args a);
void lowerAttentionMerge(KernelBuilder &kb, AttentionMergeOp op, Args a);

// NormBodies.cpp: norms, rope, KV append and elementwise ops.
void lowerRMSNorm(KernelBuilder &kb, RMSNormOp op, Args a);
void lowerRope(KernelBuilder &kb, RopeOp op, Args a);
void lowerKVAppend(KernelBuilder &kb, KVAppendOp op, Args a);
void lowerSiluMul(KernelBuilder &kb, SiluMulOp op, Args a);
void lowerAdd(KernelBuilder &kb, AddOp op, Args a);

// ArgmaxBodies.cpp: argmax, embedding and copy.
void lowerEmbed(KernelBuilder &kb, EmbedOp op, Args a);
void lowerArgmax(KernelBuilder &kb, ArgmaxOp op, Args a);
void lowerArgmaxPartial(KernelBuilder &kb, ArgmaxPartialOp op, Args a);
void lowerArgmaxReduce(KernelBuilder &kb, ArgmaxReduceOp op, Args a);
void lowerCopy(KernelBuilder &kb, CopyOp op, Args a);

} // namespace bodies
} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_AMKTOGPU_BODIES_H
