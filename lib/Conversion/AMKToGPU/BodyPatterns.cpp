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
//
//===----------------------------------------------------------------------===//

#include "BodyPatterns.h"

#include "AMK/Dialect/AMK/IR/AMKAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::amk;

static Type elementTypeOf(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getElementType();
}
static ArrayRef<int64_t> shapeOf(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getShape();
}
static int64_t sizeOf(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getNumElements();
}

namespace {
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
} // namespace

/// The decode position read from a position buffer.
static Value positionOf(KernelBuilder &kb, Value buffer) {
  return kb.loadIndex(buffer, kb.i64(0));
}

static Value toF32(KernelBuilder &kb, Value i64) {
  return arith::SIToFPOp::create(kb.b, kb.loc, kb.b.getF32Type(), i64);
}

static Value negInf(KernelBuilder &kb) {
  return kb.f32(-std::numeric_limits<float>::infinity());
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

static void lowerEmbed(KernelBuilder &kb, EmbedOp op, Args a) {
  int64_t hidden = shapeOf(op.getTable()).back();
  Value table = a.buffer(0), out = a.buffer(2);
  Value token = kb.loadIndex(a.buffer(1), kb.i64(0));
  Value row = kb.mul(token, kb.i64(hidden));
  kb.forEachThread(kb.i64(0), kb.i64(hidden), [&](Value i) {
    kb.storeF32(out, a.type(2), i,
                kb.loadF32(table, a.type(0), kb.add(row, i)));
  });
}

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

static void lowerRMSNorm(KernelBuilder &kb, RMSNormOp op, Args a) {
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

/// Elements per vector load of a row of `k` elements of `type`: 16 bytes
/// when the row length allows it.
static int64_t vectorWidth(Type type, int64_t k) {
  int64_t width = 128 / type.getIntOrFloatBitWidth();
  while (width > 1 && k % width != 0)
    width /= 2;
  return width;
}

/// Vector loads per lane in flight per GEMV row. One row per warp: GEMV
/// tiles are often narrower than the block's warp count, so pairing rows
/// idles half the warps (measured slower on H200, docs/perf-notes.md).
constexpr int64_t kGemvUnroll = 8;

/// The warp's dot product of the `k`-element row at element `rowStart` of
/// `weight` (global or shared) with `input`, summed over the lanes. Lane l
/// reads vectors l, l + 32, ... of the row, `unroll` of them before any is
/// used; out-of-row vectors of a ragged last chunk load the row's last
/// vector and are masked to zero.
static Value warpRowDot(KernelBuilder &kb, Value weight, Type weightType,
                        Value rowStart, Value input, Type inputType,
                        int64_t k) {
  // Weights set the width (16-byte loads); an f32 input of bf16 weights
  // takes two 16-byte loads per weight vector.
  int64_t width = vectorWidth(weightType, k);
  auto vectorType = VectorType::get({width}, kb.b.getF32Type());
  Value zero = arith::ConstantOp::create(
      kb.b, kb.loc, vectorType,
      DenseElementsAttr::get(vectorType, kb.b.getF32FloatAttr(0)));
  int64_t vectors = k / width, perLane = (vectors + 31) / 32;
  int64_t unroll = std::min(perLane, kGemvUnroll);
  int64_t chunks = (perLane + unroll - 1) / unroll;
  bool ragged = chunks * unroll * 32 != vectors;
  SmallVector<Value> acc = kb.loop(
      kb.i64(0), kb.i64(chunks), kb.i64(1), ValueRange{zero},
      [&](Value chunk, ValueRange sums) -> SmallVector<Value> {
        Value first = kb.add(kb.mul(chunk, kb.i64(32 * unroll)), kb.lane);
        SmallVector<Value> offsets, valid, weights, inputs;
        for (int64_t u = 0; u < unroll; ++u) {
          Value v = kb.add(first, kb.i64(32 * u));
          if (ragged) {
            valid.push_back(
                kb.cmp(arith::CmpIPredicate::slt, v, kb.i64(vectors)));
            v = kb.min(v, kb.i64(vectors - 1));
          }
          offsets.push_back(kb.mul(v, kb.i64(width)));
        }
        for (Value offset : offsets)
          weights.push_back(kb.loadVectorF32(
              weight, weightType, kb.add(rowStart, offset), width));
        for (Value offset : offsets)
          inputs.push_back(kb.loadVectorF32(input, inputType, offset, width));
        Value sum = sums[0];
        for (int64_t u = 0; u < unroll; ++u) {
          Value w = weights[u];
          if (ragged)
            w = arith::SelectOp::create(kb.b, kb.loc, valid[u], w, zero);
          sum = vector::FMAOp::create(kb.b, kb.loc, w, inputs[u], sum);
        }
        return {sum};
      });
  return kb.warpSum(vector::ReductionOp::create(
      kb.b, kb.loc, vector::CombiningKind::ADD, acc[0]));
}

/// Lane 0 stores output row `n` of GEMV `op`: `sum` (+ bias, + residual).
static void storeGemvRow(KernelBuilder &kb, GemvOp op, Args a, Value n,
                         Value sum) {
  kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.lane, kb.i64(0)), [&] {
    unsigned next = 3;
    Value value = sum;
    if (op.getBias()) {
      value = kb.fadd(value, kb.loadF32(a.buffer(next), a.type(next), n));
      ++next;
    }
    if (op.getResidual())
      value = kb.fadd(kb.loadF32(a.buffer(next), a.type(next), n), value);
    kb.storeF32(a.buffer(2), a.type(2), n, value);
  });
}

/// Bytes of one weight row of GEMV `op`.
static int64_t rowBytesOf(GemvOp op) {
  auto type = cast<MemRefType>(op.getWeight().getType());
  return type.getShape()[1] * type.getElementTypeBitWidth() / 8;
}

/// Weight rows of `op` one ring stage holds; 0 when `op` is not staged (no
/// ring, a matrix the validator does not prove read-only, a row that is not
/// a whole number of 16-byte copies, or a row larger than a stage). The
/// ring's first rounds are issued before the task's waits, so only a
/// buffer nothing writes during the step (BufferOp::isReadOnly, whose
/// writes the validator rejects) may go through it: an activation written
/// by another worker would be read before its writer finished.
static int64_t stagedRows(GemvOp op, int64_t stageBytes) {
  auto type = cast<MemRefType>(op.getWeight().getType());
  if (!op.getWeight().getDefiningOp<BufferOp>().isReadOnly() ||
      type.getShape()[1] * type.getElementTypeBitWidth() % 128)
    return 0;
  return stageBytes / rowBytesOf(op);
}
static int64_t stagedRows(KernelBuilder &kb, GemvOp op) {
  return kb.ring ? stagedRows(op, kb.ringStageBytes) : 0;
}

/// The ring byte at `offset` (i64) as `!llvm.ptr<3>`.
static Value ringByte(KernelBuilder &kb, Value offset) {
  return kb.gep(kb.ring, kb.b.getI8Type(), offset);
}

/// The ring's round counter: ring rounds issued before the current op.
static Value ringCounter(KernelBuilder &kb) {
  return LLVM::LoadOp::create(kb.b, kb.loc, kb.b.getI64Type(),
                              ringByte(kb, kb.i64(kRingCounter)));
}

/// Ring round `g` (counted over the kernel's life) uses stage `g % 2`,
/// whose mbarrier completes its phase `g / 2` with parity `(g / 2) % 2`.
struct RingSlot {
  Value data, barrier, parity;
};
static RingSlot ringSlot(KernelBuilder &kb, Value g) {
  Value stage = arith::AndIOp::create(kb.b, kb.loc, g, kb.i64(1));
  Value phase = arith::AndIOp::create(
      kb.b, kb.loc, arith::ShRUIOp::create(kb.b, kb.loc, g, kb.i64(1)),
      kb.i64(1));
  return {ringByte(kb, kb.add(kb.i64(kRingHeader),
                              kb.mul(stage, kb.i64(kb.ringStageBytes)))),
          ringByte(kb, kb.mul(stage, kb.i64(kRingBarrierBytes))),
          arith::TruncIOp::create(kb.b, kb.loc, kb.b.getI32Type(), phase)};
}

/// Staged GEMV `op` of `a`: rows `[lo, hi)` go through the ring in rounds of
/// `rows` rows; round `r` is ring round `counter + r`.
struct StagedTile {
  GemvOp op;
  Args a;
  int64_t rows;
  Value lo, hi, counter, rounds;
};
static StagedTile stagedTile(KernelBuilder &kb, GemvOp op, Args a) {
  int64_t rows = stagedRows(kb, op);
  Value lo = a.integer(0), hi = a.integer(1);
  Value rounds = arith::DivSIOp::create(
      kb.b, kb.loc, kb.add(kb.max(kb.sub(hi, lo), kb.i64(0)), kb.i64(rows - 1)),
      kb.i64(rows));
  return {op, a, rows, lo, hi, ringCounter(kb), rounds};
}

/// Issues the copy of round `r` of `tile` into its stage (every thread).
static void issueRound(KernelBuilder &kb, const StagedTile &tile, Value r) {
  int64_t rowBytes = rowBytesOf(tile.op);
  Value first = kb.add(tile.lo, kb.mul(r, kb.i64(tile.rows)));
  Value count = kb.min(kb.i64(tile.rows), kb.sub(tile.hi, first));
  RingSlot slot = ringSlot(kb, kb.add(tile.counter, r));
  Value src = kb.gep(Args(tile.a).buffer(0), kb.b.getI8Type(),
                     kb.mul(first, kb.i64(rowBytes)));
  auto toI32 = [&](Value v) {
    return arith::TruncIOp::create(kb.b, kb.loc, kb.b.getI32Type(), v);
  };
  kb.copier->emitIssue(kb.b, kb.loc, slot.data, src,
                       toI32(kb.mul(count, kb.i64(rowBytes))), slot.barrier,
                       toI32(kb.tid), kb.blockSize);
}

/// Issues round `r` of `tile` when it exists.
static void issueRoundIfAny(KernelBuilder &kb, const StagedTile &tile,
                            Value r) {
  kb.ifThen(kb.cmp(arith::CmpIPredicate::slt, r, tile.rounds),
            [&] { issueRound(kb, tile, r); });
}

/// The GEMV through the ring: waits for each round's stage, each warp takes
/// rows of it, and the stage is refilled two rounds ahead once every warp
/// is done with it. Rounds 0 and 1 were issued before the task's waits when
/// `prologueIssued`.
static void lowerStagedGemv(KernelBuilder &kb, GemvOp op, Args a,
                            bool prologueIssued) {
  StagedTile tile = stagedTile(kb, op, a);
  if (!prologueIssued) {
    issueRoundIfAny(kb, tile, kb.i64(0));
    issueRoundIfAny(kb, tile, kb.i64(1));
  }
  int64_t k = shapeOf(op.getWeight())[1];
  Value input = a.buffer(1);
  kb.loop(kb.i64(0), tile.rounds, kb.i64(1), [&](Value r) {
    RingSlot slot = ringSlot(kb, kb.add(tile.counter, r));
    kb.copier->emitWait(kb.b, kb.loc, slot.barrier, slot.parity);
    Value first = kb.add(tile.lo, kb.mul(r, kb.i64(tile.rows)));
    Value count = kb.min(kb.i64(tile.rows), kb.sub(tile.hi, first));
    kb.forEachWarp(kb.i64(0), count, [&](Value i) {
      Value sum = warpRowDot(kb, slot.data, a.type(0), kb.mul(i, kb.i64(k)),
                             input, a.type(1), k);
      storeGemvRow(kb, op, a, kb.add(first, i), sum);
    });
    kb.barrier();
    issueRoundIfAny(kb, tile, kb.add(r, kb.i64(2)));
  });
  // Every thread read the counter before the first round's barrier; all
  // write the same new value.
  LLVM::StoreOp::create(kb.b, kb.loc, kb.add(tile.counter, tile.rounds),
                        ringByte(kb, kb.i64(kRingCounter)));
}

static void lowerGemv(KernelBuilder &kb, GemvOp op, Args a,
                      bool prologueIssued) {
  if (stagedRows(kb, op) > 0)
    return lowerStagedGemv(kb, op, a, prologueIssued);
  int64_t k = shapeOf(op.getWeight())[1];
  kb.forEachWarp(a.integer(0), a.integer(1), [&](Value n) {
    Value sum = warpRowDot(kb, a.buffer(0), a.type(0), kb.mul(n, kb.i64(k)),
                           a.buffer(1), a.type(1), k);
    storeGemvRow(kb, op, a, n, sum);
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

static void lowerRope(KernelBuilder &kb, RopeOp op, Args a) {
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

static void lowerKVAppend(KernelBuilder &kb, KVAppendOp op, Args a) {
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

static void lowerAttention(KernelBuilder &kb, AttentionOp op, Args a) {
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

static void lowerAttentionCombine(KernelBuilder &kb, AttentionCombineOp op,
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
static void lowerAttentionMerge(KernelBuilder &kb, AttentionMergeOp op,
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

static void lowerArgmax(KernelBuilder &kb, ArgmaxOp op, Args a) {
  auto [value, index] =
      blockArgmaxOf(kb, a.buffer(0), a.type(0), Value(), kb.i64(0),
                    kb.i64(shapeOf(op.getLogits()).back()));
  (void)value;
  kb.ifThen(isThreadZero(kb),
            [&] { kb.storeIndex(a.buffer(1), kb.i64(0), index); });
}

static void lowerArgmaxPartial(KernelBuilder &kb, ArgmaxPartialOp, Args a) {
  auto [value, index] = blockArgmaxOf(kb, a.buffer(0), a.type(0), Value(),
                                      a.integer(1), a.integer(2));
  kb.ifThen(isThreadZero(kb), [&] {
    kb.storeF32(a.buffer(1), a.type(1), a.integer(0), value);
    kb.storeIndex(a.buffer(2), a.integer(0), index);
  });
}

static void lowerArgmaxReduce(KernelBuilder &kb, ArgmaxReduceOp op, Args a) {
  auto [value, index] =
      blockArgmaxOf(kb, a.buffer(0), a.type(0), a.buffer(1), kb.i64(0),
                    kb.i64(shapeOf(op.getValues()).back()));
  (void)value;
  kb.ifThen(isThreadZero(kb),
            [&] { kb.storeIndex(a.buffer(2), kb.i64(0), index); });
}

static void lowerCopy(KernelBuilder &kb, CopyOp, Args a) {
  Value src = a.buffer(0), out = a.buffer(1);
  kb.forEachThread(a.integer(0), a.integer(1), [&](Value n) {
    kb.storeF32(out, a.type(1), n, kb.loadF32(src, a.type(0), n));
  });
}

bool amk::canStageWeights(Operation *op, int64_t stageBytes) {
  auto gemv = dyn_cast<GemvOp>(op);
  return gemv && stagedRows(gemv, stageBytes) > 0;
}

bool amk::stagesWeights(KernelBuilder &kb, Operation *op) {
  auto gemv = dyn_cast<GemvOp>(op);
  return gemv && stagedRows(kb, gemv) > 0;
}

void amk::emitWeightPrologue(KernelBuilder &kb, Operation *op) {
  StagedTile tile = stagedTile(kb, cast<GemvOp>(op), Args{kb, op});
  issueRoundIfAny(kb, tile, kb.i64(0));
  issueRoundIfAny(kb, tile, kb.i64(1));
}

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
      .Case([&](SiluMulOp) {
        lowerBinary<SiluMulOp>(kb, a, [&](Value x, Value y) {
          return kb.fmul(silu(kb, x), y);
        });
        return success();
      })
      .Case([&](AddOp) {
        lowerBinary<AddOp>(kb, a,
                           [&](Value x, Value y) { return kb.fadd(x, y); });
        return success();
      })
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
