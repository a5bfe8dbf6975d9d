//===- ArgmaxBodies.cpp - Argmax, embedding and copy bodies ---------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The token ends of the model: the embedding row lookup, the block argmax
// (whole, per slot, and the reduce of slots) and the plain copy.
//
//===----------------------------------------------------------------------===//

#include "Bodies.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::bodies;

void bodies::lowerEmbed(KernelBuilder &kb, EmbedOp op, Args a) {
  int64_t hidden = shapeOf(op.getTable()).back();
  Value table = a.buffer(0), out = a.buffer(2);
  Value token = kb.loadIndex(a.buffer(1), kb.i64(0));
  Value row = kb.mul(token, kb.i64(hidden));
  kb.forEachThread(kb.i64(0), kb.i64(hidden), [&](Value i) {
    kb.storeF32(out, a.type(2), i,
                kb.loadF32(table, a.type(0), kb.add(row, i)));
  });
}

/// The block's (largest value, lowest index) of `values[lo, hi)`; with
/// `indices`, the candidate index of slot `j` is `indices[j]`.
static std::pair<Value, Value> blockArgmaxOf(KernelBuilder &kb, Value values,
                                             Type valueType, Value indices,
                                             Value lo, Value hi) {
  SmallVector<Value> best = kb.loop(
      kb.add(lo, kb.tid), hi, kb.i64(kb.blockSize),
      {negInf(kb), kb.i64(std::numeric_limits<int32_t>::max())},
      [&](Value j, ValueRange s) -> SmallVector<Value> {
        Value v = kb.loadF32(values, valueType, j);
        Value idx = indices ? kb.loadIndex(indices, j) : j;
        Value greater = arith::CmpFOp::create(
            kb.b, kb.loc, arith::CmpFPredicate::OGT, v, s[0]);
        Value equal = arith::CmpFOp::create(kb.b, kb.loc,
                                            arith::CmpFPredicate::OEQ, v, s[0]);
        Value lower = kb.cmp(arith::CmpIPredicate::slt, idx, s[1]);
        Value take = arith::OrIOp::create(
            kb.b, kb.loc, greater,
            arith::AndIOp::create(kb.b, kb.loc, equal, lower));
        return {kb.select(take, v, s[0]), kb.select(take, idx, s[1])};
      });
  return kb.blockArgmax(best[0], best[1]);
}

static Value isThreadZero(KernelBuilder &kb) {
  return kb.cmp(arith::CmpIPredicate::eq, kb.tid, kb.i64(0));
}

void bodies::lowerArgmax(KernelBuilder &kb, ArgmaxOp op, Args a) {
  auto [value, index] =
      blockArgmaxOf(kb, a.buffer(0), a.type(0), Value(), kb.i64(0),
                    kb.i64(shapeOf(op.getLogits()).back()));
  (void)value;
  kb.ifThen(isThreadZero(kb),
            [&] { kb.storeIndex(a.buffer(1), kb.i64(0), index); });
}

void bodies::lowerArgmaxPartial(KernelBuilder &kb, ArgmaxPartialOp, Args a) {
  auto [value, index] = blockArgmaxOf(kb, a.buffer(0), a.type(0), Value(),
                                      a.integer(1), a.integer(2));
  kb.ifThen(isThreadZero(kb), [&] {
    kb.storeF32(a.buffer(1), a.type(1), a.integer(0), value);
    kb.storeIndex(a.buffer(2), a.integer(0), index);
  });
}

void bodies::lowerArgmaxReduce(KernelBuilder &kb, ArgmaxReduceOp op, Args a) {
  auto [value, index] =
      blockArgmaxOf(kb, a.buffer(0), a.type(0), a.buffer(1), kb.i64(0),
                    kb.i64(shapeOf(op.getValues()).back()));
  (void)value;
  kb.ifThen(isThreadZero(kb),
            [&] { kb.storeIndex(a.buffer(2), kb.i64(0), index); });
}

void bodies::lowerCopy(KernelBuilder &kb, CopyOp, Args a) {
  Value src = a.buffer(0);
  kb.storeEachF32(a.buffer(1), a.type(1), a.integer(0), a.integer(1),
                  [&](Value n) { return kb.loadF32(src, a.type(0), n); });
}
