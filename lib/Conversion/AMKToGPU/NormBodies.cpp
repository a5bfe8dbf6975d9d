//===- NormBodies.cpp - Norm and elementwise bodies -----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// RMSNorm (a block reduction, or one warp per head row), rotary embedding
// with the llama3 frequency scaling, the KV-cache append and the
// elementwise ops (SiLU-multiply, add).
//
//===----------------------------------------------------------------------===//

#include "Bodies.h"

#include "AMK/Dialect/AMK/IR/AMKAttrs.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::bodies;

/// `out[r*D + i] = w[i] * (x[r*D + i] * inv)` for one row `r` whose
/// inverse RMS is `inv`, over the indices `first, first + stride, ...`.
static void storeNormalizedRow(KernelBuilder &kb, Args a, Value row,
                               int64_t dim, Value first, int64_t stride,
                               Value inv) {
  Value in = a.buffer(0), weight = a.buffer(1), out = a.buffer(2);
  kb.loop(first, kb.i64(dim), kb.i64(stride), [&](Value i) {
    Value at = kb.add(kb.mul(row, kb.i64(dim)), i);
    Value x = kb.loadF32(in, a.type(0), at);
    Value w = kb.loadF32(weight, a.type(1), i);
    kb.storeF32(out, a.type(2), at, kb.fmul(w, kb.fmul(x, inv)));
  });
}

/// Sum of `x[r*D + i]^2` over `i = first, first + stride, ... < D`.
static Value sumOfSquares(KernelBuilder &kb, Args a, Value row, int64_t dim,
                          Value first, int64_t stride) {
  Value in = a.buffer(0);
  return kb.loop(first, kb.i64(dim), kb.i64(stride), {kb.f32(0)},
                 [&](Value i, ValueRange acc) -> SmallVector<Value> {
                   Value x = kb.loadF32(in, a.type(0),
                                        kb.add(kb.mul(row, kb.i64(dim)), i));
                   return {kb.fadd(acc[0], kb.fmul(x, x))};
                 })[0];
}

static Value inverseRMS(KernelBuilder &kb, Value squares, int64_t dim,
                        double eps) {
  Value mean = arith::DivFOp::create(kb.b, kb.loc, squares, kb.f32(dim));
  return kb.rsqrt(kb.fadd(mean, kb.f32(eps)));
}

void bodies::lowerRMSNorm(KernelBuilder &kb, RMSNormOp op, Args a) {
  double eps = op.getEps().convertToDouble();
  Value lo = a.integer(0), hi = a.integer(1);
  if (!op.getHeadDim()) {
    // The whole vector is one row: a block reduction.
    int64_t dim = sizeOf(op.getInput());
    Value row = kb.i64(0);
    Value squares =
        kb.blockSum(sumOfSquares(kb, a, row, dim, kb.tid, kb.blockSize));
    storeNormalizedRow(kb, a, row, dim, kb.tid, kb.blockSize,
                       inverseRMS(kb, squares, dim, eps));
    return;
  }
  // Per-head rows: one warp per row.
  int64_t dim = *op.getHeadDim();
  kb.forEachWarp(lo, hi, [&](Value row) {
    Value squares = kb.warpSum(sumOfSquares(kb, a, row, dim, kb.lane, 32));
    storeNormalizedRow(kb, a, row, dim, kb.lane, 32,
                       inverseRMS(kb, squares, dim, eps));
  });
}

/// transformers' inverse frequency of pair `i` (f32), with the llama3
/// scaling when given, computed as the reference executor does.
static Value inverseFrequency(KernelBuilder &kb, RopeOp op, Value i) {
  int64_t dim = op.getHeadDim();
  Value exponent = arith::DivFOp::create(
      kb.b, kb.loc, toF32(kb, kb.mul(i, kb.i64(2))), kb.f32(dim));
  Value power = math::PowFOp::create(
      kb.b, kb.loc, kb.f32(op.getTheta().convertToDouble()), exponent);
  Value freq = arith::DivFOp::create(kb.b, kb.loc, kb.f32(1), power);
  Llama3RopeAttr llama3 = op.getLlama3Attr();
  if (!llama3)
    return freq;
  double factor = llama3.getFactor().convertToDouble();
  double low = llama3.getLowFreqFactor().convertToDouble();
  double high = llama3.getHighFreqFactor().convertToDouble();
  double orig = double(llama3.getOriginalMaxPosition());
  float lowWavelen = float(orig) / float(low);
  float highWavelen = float(orig) / float(high);
  auto div = [&](Value x, Value y) {
    return arith::DivFOp::create(kb.b, kb.loc, x, y).getResult();
  };
  auto cmpf = [&](arith::CmpFPredicate pred, Value x, double y) {
    return arith::CmpFOp::create(kb.b, kb.loc, pred, x, kb.f32(y)).getResult();
  };
  Value wavelen = div(kb.f32(float(2 * M_PI)), freq);
  Value scaled = div(freq, kb.f32(factor));
  Value smooth = div(arith::SubFOp::create(kb.b, kb.loc,
                                           div(kb.f32(float(orig)), wavelen),
                                           kb.f32(low)),
                     kb.f32(float(high) - float(low)));
  Value oneMinus = arith::SubFOp::create(kb.b, kb.loc, kb.f32(1), smooth);
  Value blended = kb.fadd(div(kb.fmul(oneMinus, freq), kb.f32(factor)),
                          kb.fmul(smooth, freq));
  Value mid = kb.select(cmpf(arith::CmpFPredicate::OGE, wavelen, highWavelen),
                        blended, freq);
  return kb.select(cmpf(arith::CmpFPredicate::OGT, wavelen, lowWavelen),
                   scaled, mid);
}

void bodies::lowerRope(KernelBuilder &kb, RopeOp op, Args a) {
  int64_t dim = op.getHeadDim(), half = dim / 2;
  Value in = a.buffer(0), out = a.buffer(2);
  Value pos = toF32(kb, positionOf(kb, a.buffer(1)));
  Value lo = a.integer(0), hi = a.integer(1);
  Value count = kb.mul(kb.sub(hi, lo), kb.i64(half));
  kb.forEachThread(kb.i64(0), count, [&](Value idx) {
    Value head = kb.add(lo, arith::DivSIOp::create(kb.b, kb.loc, idx,
                                                   kb.i64(half)));
    Value i = arith::RemSIOp::create(kb.b, kb.loc, idx, kb.i64(half));
    Value angle = kb.fmul(pos, inverseFrequency(kb, op, i));
    auto [s, c] = kb.sinCos(angle);
    Value first = kb.add(kb.mul(head, kb.i64(dim)), i);
    Value second = kb.add(first, kb.i64(half));
    Value x = kb.loadF32(in, a.type(0), first);
    Value y = kb.loadF32(in, a.type(0), second);
    kb.storeF32(out, a.type(2), first,
                arith::SubFOp::create(kb.b, kb.loc, kb.fmul(x, c),
                                      kb.fmul(y, s)));
    kb.storeF32(out, a.type(2), second, kb.fadd(kb.fmul(y, c), kb.fmul(x, s)));
  });
}

void bodies::lowerKVAppend(KernelBuilder &kb, KVAppendOp op, Args a) {
  ArrayRef<int64_t> cache = shapeOf(op.getCache());
  int64_t kvHeads = cache[1], dim = cache[2];
  Value in = a.buffer(0), out = a.buffer(2);
  Value fixedRow = a.integer(2);
  Value row = kb.select(kb.cmp(arith::CmpIPredicate::slt, fixedRow, kb.i64(0)),
                        positionOf(kb, a.buffer(1)), fixedRow);
  Value lo = a.integer(0), hi = a.integer(1);
  kb.forEachThread(kb.i64(0), kb.mul(kb.sub(hi, lo), kb.i64(dim)),
                   [&](Value idx) {
                     Value head = kb.add(lo, arith::DivSIOp::create(
                                                 kb.b, kb.loc, idx, kb.i64(dim)));
                     Value d = arith::RemSIOp::create(kb.b, kb.loc, idx,
                                                      kb.i64(dim));
                     Value src = kb.add(kb.mul(head, kb.i64(dim)), d);
                     Value dst = kb.add(
                         kb.mul(kb.add(kb.mul(row, kb.i64(kvHeads)), head),
                                kb.i64(dim)),
                         d);
                     kb.storeF32(out, a.type(2), dst,
                                 kb.loadF32(in, a.type(0), src));
                   });
}

static Value silu(KernelBuilder &kb, Value x) {
  Value negated = arith::NegFOp::create(kb.b, kb.loc, x);
  Value denominator = kb.fadd(kb.f32(1), kb.exp(negated));
  return arith::DivFOp::create(kb.b, kb.loc, x, denominator);
}

template <typename OpT>
static void lowerBinary(KernelBuilder &kb, Args a,
                        function_ref<Value(Value, Value)> fn) {
  Value lhs = a.buffer(0), rhs = a.buffer(1), out = a.buffer(2);
  kb.forEachThread(a.integer(0), a.integer(1), [&](Value n) {
    kb.storeF32(out, a.type(2), n,
                fn(kb.loadF32(lhs, a.type(0), n), kb.loadF32(rhs, a.type(1), n)));
  });
}

void bodies::lowerSiluMul(KernelBuilder &kb, SiluMulOp, Args a) {
  lowerBinary<SiluMulOp>(kb, a, [&](Value x, Value y) {
    return kb.fmul(silu(kb, x), y);
  });
}

void bodies::lowerAdd(KernelBuilder &kb, AddOp, Args a) {
  lowerBinary<AddOp>(kb, a, [&](Value x, Value y) { return kb.fadd(x, y); });
}
