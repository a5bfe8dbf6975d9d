//===- AttentionBodies.cpp - Attention bodies -----------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Decode attention over the KV cache (whole or split-KV partials, packed or
// with separate statistics), the combine of split partials and the merge of
// packed partials.
//
//===----------------------------------------------------------------------===//

#include "Bodies.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::bodies;

/// The KV rows attention reads at run time: `kv` (bounds relative to the
/// position where flagged) capped at the position, above `pos - window`.
static std::pair<Value, Value> attendedRows(KernelBuilder &kb, AttentionOp op,
                                            Args a, Value pos) {
  Value flags = a.integer(4);
  auto bound = [&](Value value, int64_t bit) {
    Value set = kb.cmp(arith::CmpIPredicate::ne,
                       arith::AndIOp::create(kb.b, kb.loc, flags, kb.i64(bit)),
                       kb.i64(0));
    return kb.select(set, kb.add(value, pos), value);
  };
  Value lo = bound(a.integer(2), 1);
  Value hi = kb.min(bound(a.integer(3), 2), kb.add(pos, kb.i64(1)));
  if (std::optional<uint64_t> window = op.getWindow())
    lo = kb.max(lo, kb.add(kb.sub(pos, kb.i64(int64_t(*window))), kb.i64(1)));
  return {kb.min(lo, hi), hi};
}

/// Stores element `d` of query head `head` of a packed partial (the paper
/// tool's split-KV shard): per head, `head_dim` unnormalized values, then the
/// running max and sum, at `head * (head_dim + 2)`.
static void storePackedHead(KernelBuilder &kb, Args a, Value head,
                            int64_t dim, Value d, Value acc, Value max,
                            Value sum) {
  Value out = a.buffer(4);
  Value base = kb.mul(head, kb.i64(dim + 2));
  kb.storeF32(out, a.type(4), kb.add(base, d), acc);
  kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, d, kb.i64(0)), [&] {
    kb.storeF32(out, a.type(4), kb.add(base, kb.i64(dim)), max);
    kb.storeF32(out, a.type(4), kb.add(base, kb.i64(dim + 1)), sum);
  });
}

void bodies::lowerAttention(KernelBuilder &kb, AttentionOp op, Args a) {
  ArrayRef<int64_t> cache = shapeOf(op.getKeyCache());
  int64_t kvHeads = cache[1], dim = cache[2];
  int64_t heads = sizeOf(op.getQuery()) / dim, group = heads / kvHeads;
  int64_t perLane = (dim + 31) / 32, stride = dim + 2;
  bool partial = bool(op.getStats());
  int64_t width = shapeOf(op.getOutput()).back();
  float scale = float(op.getScale().convertToDouble());
  Value query = a.buffer(0), keys = a.buffer(1), values = a.buffer(2);
  Value out = a.buffer(4), stats = partial ? a.buffer(5) : Value();
  Value pos = positionOf(kb, a.buffer(3));
  auto [lo, hi] = attendedRows(kb, op, a, pos);
  Value slot = a.integer(5);

  // Element `j` of this lane: dimension lane + 32 j, clamped in bounds.
  SmallVector<Value> dims, inRange;
  for (int64_t j = 0; j < perLane; ++j) {
    Value d = kb.add(kb.lane, kb.i64(32 * j));
    inRange.push_back(kb.cmp(arith::CmpIPredicate::slt, d, kb.i64(dim)));
    dims.push_back(kb.min(d, kb.i64(dim - 1)));
  }
  kb.loop(a.integer(0), a.integer(1), kb.i64(1), [&](Value head) {
    Value kvHead = arith::DivSIOp::create(kb.b, kb.loc, head, kb.i64(group));
    SmallVector<Value> q;
    for (int64_t j = 0; j < perLane; ++j)
      q.push_back(kb.select(
          inRange[j],
          kb.loadF32(query, a.type(0), kb.add(kb.mul(head, kb.i64(dim)), dims[j])),
          kb.f32(0)));
    // Online softmax over this warp's rows: (max, sum, acc...).
    SmallVector<Value> init = {negInf(kb), kb.f32(0)};
    init.append(perLane, kb.f32(0));
    SmallVector<Value> state = kb.loop(
        kb.add(lo, kb.warp), hi, kb.i64(kb.numWarps()), init,
        [&](Value row, ValueRange s) -> SmallVector<Value> {
          Value base = kb.mul(kb.add(kb.mul(row, kb.i64(kvHeads)), kvHead),
                              kb.i64(dim));
          Value dot = kb.f32(0);
          for (int64_t j = 0; j < perLane; ++j)
            dot = kb.fadd(dot, kb.fmul(q[j], kb.loadF32(keys, a.type(1),
                                                        kb.add(base, dims[j]))));
          Value score = kb.fmul(kb.warpSum(dot), kb.f32(scale));
          Value max = kb.fmax(s[0], score);
          Value correction =
              kb.exp(arith::SubFOp::create(kb.b, kb.loc, s[0], max));
          Value p = kb.exp(arith::SubFOp::create(kb.b, kb.loc, score, max));
          SmallVector<Value> next = {max,
                                     kb.fadd(kb.fmul(s[1], correction), p)};
          for (int64_t j = 0; j < perLane; ++j)
            next.push_back(kb.fadd(
                kb.fmul(s[2 + j], correction),
                kb.fmul(p, kb.loadF32(values, a.type(2),
                                      kb.add(base, dims[j])))));
          return next;
        });
    // Per-warp results to shared memory: [max, sum, acc[dim]] per warp.
    Value warpBase = kb.mul(kb.warp, kb.i64(stride));
    kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.lane, kb.i64(0)), [&] {
      kb.storeShared(warpBase, state[0]);
      kb.storeShared(kb.add(warpBase, kb.i64(1)), state[1]);
    });
    for (int64_t j = 0; j < perLane; ++j)
      kb.ifThen(inRange[j], [&] {
        kb.storeShared(kb.add(warpBase, kb.add(dims[j], kb.i64(2))),
                       state[2 + j]);
      });
    kb.barrier();
    kb.forEachThread(kb.i64(0), kb.i64(dim), [&](Value d) {
      Value max = negInf(kb);
      for (int64_t w = 0; w < kb.numWarps(); ++w)
        max = kb.fmax(max, kb.loadShared(kb.i64(w * stride)));
      Value sum = kb.f32(0), acc = kb.f32(0);
      for (int64_t w = 0; w < kb.numWarps(); ++w) {
        Value m = kb.loadShared(kb.i64(w * stride));
        Value empty = arith::CmpFOp::create(kb.b, kb.loc,
                                            arith::CmpFPredicate::OEQ, m,
                                            negInf(kb));
        Value weight = kb.select(
            empty, kb.f32(0),
            kb.exp(arith::SubFOp::create(kb.b, kb.loc, m, max)));
        sum = kb.fadd(sum,
                      kb.fmul(weight, kb.loadShared(kb.i64(w * stride + 1))));
        acc = kb.fadd(acc, kb.fmul(weight, kb.loadShared(kb.add(
                                               d, kb.i64(w * stride + 2)))));
      }
      if (op.getPacked())
        return storePackedHead(kb, a, head, dim, d, acc, max, sum);
      Value at = kb.add(kb.mul(head, kb.i64(dim)), d);
      if (!partial) {
        kb.storeF32(out, a.type(4), at,
                    arith::DivFOp::create(kb.b, kb.loc, acc, sum));
        return;
      }
      kb.storeF32(out, a.type(4), kb.add(kb.mul(slot, kb.i64(width)), at), acc);
      kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, d, kb.i64(0)), [&] {
        Value entry = kb.mul(kb.add(kb.mul(slot, kb.i64(heads)), head),
                             kb.i64(2));
        kb.storeF32(stats, a.type(5), entry, max);
        kb.storeF32(stats, a.type(5), kb.add(entry, kb.i64(1)), sum);
      });
    });
    kb.barrier();
  });
}

void bodies::lowerAttentionCombine(KernelBuilder &kb, AttentionCombineOp op,
                                   Args a) {
  ArrayRef<int64_t> statShape = shapeOf(op.getStats());
  int64_t splits = statShape[0], heads = statShape[1];
  int64_t width = shapeOf(op.getPartial()).back(), dim = width / heads;
  Value partial = a.buffer(0), stats = a.buffer(1), out = a.buffer(2);
  Value lo = a.integer(0), hi = a.integer(1);
  kb.forEachThread(kb.i64(0), kb.mul(kb.sub(hi, lo), kb.i64(dim)),
                   [&](Value idx) {
    Value head =
        kb.add(lo, arith::DivSIOp::create(kb.b, kb.loc, idx, kb.i64(dim)));
    Value d = arith::RemSIOp::create(kb.b, kb.loc, idx, kb.i64(dim));
    auto entry = [&](Value split) {
      return kb.mul(kb.add(kb.mul(split, kb.i64(heads)), head), kb.i64(2));
    };
    Value max = kb.loop(kb.i64(0), kb.i64(splits), kb.i64(1), {negInf(kb)},
                        [&](Value j, ValueRange m) -> SmallVector<Value> {
                          return {kb.fmax(m[0], kb.loadF32(stats, a.type(1),
                                                           entry(j)))};
                        })[0];
    SmallVector<Value> sums = kb.loop(
        kb.i64(0), kb.i64(splits), kb.i64(1), {kb.f32(0), kb.f32(0)},
        [&](Value j, ValueRange s) -> SmallVector<Value> {
          Value m = kb.loadF32(stats, a.type(1), entry(j));
          Value empty = arith::CmpFOp::create(
              kb.b, kb.loc, arith::CmpFPredicate::OEQ, m, negInf(kb));
          Value weight = kb.select(
              empty, kb.f32(0),
              kb.exp(arith::SubFOp::create(kb.b, kb.loc, m, max)));
          Value l = kb.loadF32(stats, a.type(1), kb.add(entry(j), kb.i64(1)));
          Value v = kb.loadF32(
              partial, a.type(0),
              kb.add(kb.mul(j, kb.i64(width)),
                     kb.add(kb.mul(head, kb.i64(dim)), d)));
          return {kb.fadd(s[0], kb.fmul(weight, l)),
                  kb.fadd(s[1], kb.fmul(weight, v))};
        });
    kb.storeF32(out, a.type(2), kb.add(kb.mul(head, kb.i64(dim)), d),
                arith::DivFOp::create(kb.b, kb.loc, sums[1], sums[0]));
  });
}

/// Merges packed partials as kernels::attentionMerge does: one thread per
/// output element; a partial with a positive sum is rescaled to the common
/// max, one with a zero sum (an empty KV range) counts for nothing, and the
/// sum is floored at 1e-20.
void bodies::lowerAttentionMerge(KernelBuilder &kb, AttentionMergeOp op,
                                 Args a) {
  int64_t width = sizeOf(op.getOutput()), dim = width / op.getNumHeads();
  unsigned numPartials = op.getPartials().size();
  auto part = [&](unsigned i, Value index) {
    return kb.loadF32(a.buffer(i), a.type(i), index);
  };
  kb.forEachThread(kb.i64(0), kb.i64(width), [&](Value idx) {
    Value head = arith::DivSIOp::create(kb.b, kb.loc, idx, kb.i64(dim));
    Value d = arith::RemSIOp::create(kb.b, kb.loc, idx, kb.i64(dim));
    Value base = kb.mul(head, kb.i64(dim + 2));
    SmallVector<Value> maxes, sums;
    Value max = negInf(kb);
    for (unsigned i = 0; i < numPartials; ++i) {
      maxes.push_back(part(i, kb.add(base, kb.i64(dim))));
      sums.push_back(part(i, kb.add(base, kb.i64(dim + 1))));
      max = kb.fmax(max, maxes.back());
    }
    Value sum = kb.f32(0), acc = kb.f32(0);
    for (unsigned i = 0; i < numPartials; ++i) {
      Value used = arith::CmpFOp::create(
          kb.b, kb.loc, arith::CmpFPredicate::OGT, sums[i], kb.f32(0));
      Value weight = kb.select(
          used, kb.exp(arith::SubFOp::create(kb.b, kb.loc, maxes[i], max)),
          kb.f32(0));
      sum = kb.fadd(sum, kb.fmul(sums[i], weight));
      acc = kb.fadd(acc, kb.fmul(part(i, kb.add(base, d)), weight));
    }
    kb.storeF32(a.buffer(numPartials), a.type(numPartials), idx,
                arith::DivFOp::create(kb.b, kb.loc, acc,
                                      kb.fmax(sum, kb.f32(1e-20))));
  });
}
