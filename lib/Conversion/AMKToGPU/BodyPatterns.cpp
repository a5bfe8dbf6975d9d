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
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
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

/// The decode position read from a position buffer, plus the step of the
/// launch when it runs several (step s decodes position pos + s).
static Value positionOf(KernelBuilder &kb, Value buffer) {
  Value pos = kb.loadIndex(buffer, kb.i64(0));
  return kb.step ? kb.add(pos, kb.step) : pos;
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

/// Stores output row `n` of GEMV `op`: `sum` (+ bias, + residual).
static void storeGemvOutput(KernelBuilder &kb, GemvOp op, Args a, Value n,
                            Value sum) {
  unsigned next = 3;
  Value value = sum;
  if (op.getBias()) {
    value = kb.fadd(value, kb.loadF32(a.buffer(next), a.type(next), n));
    ++next;
  }
  if (op.getResidual())
    value = kb.fadd(kb.loadF32(a.buffer(next), a.type(next), n), value);
  kb.storeF32(a.buffer(2), a.type(2), n, value);
}

/// Lane 0 stores output row `n` of GEMV `op`.
static void storeGemvRow(KernelBuilder &kb, GemvOp op, Args a, Value n,
                         Value sum) {
  kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.lane, kb.i64(0)),
            [&] { storeGemvOutput(kb, op, a, n, sum); });
}

/// Bytes of one weight row of GEMV `op`.
static int64_t rowBytesOf(GemvOp op) {
  auto type = cast<MemRefType>(op.getWeight().getType());
  return type.getShape()[1] * type.getElementTypeBitWidth() / 8;
}

/// The ring byte at `offset` (i64) as `!llvm.ptr<3>`.
static Value ringByte(KernelBuilder &kb, Value offset) {
  return kb.gep(kb.ring, kb.b.getI8Type(), offset);
}

/// Slot `slot`'s data and mbarrier.
static Value slotData(KernelBuilder &kb, Value slot) {
  return ringByte(kb, kb.add(kb.i64(kRingHeader),
                             kb.mul(slot, kb.i64(kb.pageBytes))));
}
static Value slotBarrier(KernelBuilder &kb, Value slot) {
  return ringByte(kb, kb.add(kb.i64(kRingBarriers), kb.mul(slot, kb.i64(8))));
}

/// A GEMV tile streamed through the ring. Rows `[lo, hi)` of the weight are
/// `bytes` contiguous bytes from `src`, cut into `pages` pages of
/// `perPage` bytes (the last one shorter), spread over every warp's slot.
/// Page `p` is the worker's page `first + p`: it lands in slot `(first + p)
/// % P` (P slots, one per warp, so the warp that consumes a slot is the one
/// that refills it) and completes that slot's mbarrier phase `(first + p) /
/// P`. A tile takes the pages when `paged`: its rows fit the accumulators.
struct PagedTile {
  Value src, bytes, perPage, pages, first, paged, lo, hi;
};

static PagedTile pagedTile(KernelBuilder &kb, GemvOp op, Args a) {
  Value lo = a.integer(0), hi = a.integer(1);
  Value rows = kb.max(kb.sub(hi, lo), kb.i64(0));
  Value bytes = kb.mul(rows, kb.i64(rowBytesOf(op)));
  auto ceilDiv = [&](Value x, int64_t d) {
    return arith::DivSIOp::create(kb.b, kb.loc, kb.add(x, kb.i64(d - 1)),
                                  kb.i64(d));
  };
  // Whole 512-byte steps (32 lanes x 16 bytes), at most one slot.
  Value perPage = kb.min(
      kb.i64(kb.pageBytes),
      kb.max(kb.i64(512), kb.mul(ceilDiv(ceilDiv(bytes, kb.numWarps()), 512),
                                 kb.i64(512))));
  Value pages = arith::DivSIOp::create(
      kb.b, kb.loc, kb.add(bytes, kb.sub(perPage, kb.i64(1))), perPage);
  Value first = LLVM::LoadOp::create(kb.b, kb.loc, kb.b.getI64Type(),
                                     ringByte(kb, kb.i64(kRingCounter)));
  Value paged =
      kb.cmp(arith::CmpIPredicate::sle, rows, kb.i64(kRingAccRows));
  Value src = kb.gep(a.buffer(0), kb.b.getI8Type(),
                     kb.mul(lo, kb.i64(rowBytesOf(op))));
  return {src, bytes, perPage, pages, first, paged, lo, hi};
}

/// The slot of the worker's page `g`.
static Value slotOf(KernelBuilder &kb, Value g) {
  return arith::RemUIOp::create(kb.b, kb.loc, g, kb.i64(kb.numWarps()));
}

/// The calling warp issues the copy of page `p` of `tile` into its slot.
static void issuePage(KernelBuilder &kb, const PagedTile &tile, Value p) {
  Value slot = slotOf(kb, kb.add(tile.first, p));
  Value offset = kb.mul(p, tile.perPage);
  Value count = kb.min(tile.perPage, kb.sub(tile.bytes, offset));
  auto toI32 = [&](Value v) {
    return arith::TruncIOp::create(kb.b, kb.loc, kb.b.getI32Type(), v);
  };
  kb.copier->emitIssue(kb.b, kb.loc, slotData(kb, slot),
                       kb.gep(tile.src, kb.b.getI8Type(), offset),
                       toI32(count), slotBarrier(kb, slot), toI32(kb.lane),
                       32);
}

/// Adds `sum` to accumulator `row` (i64, -1: none) in shared memory.
static void flushRow(KernelBuilder &kb, Value row, Value sum) {
  kb.ifThen(kb.cmp(arith::CmpIPredicate::sge, row, kb.i64(0)), [&] {
    Value acc = kb.gep(ringByte(kb, kb.i64(kRingAccumulators)),
                       kb.b.getF32Type(), row);
    LLVM::AtomicRMWOp::create(kb.b, kb.loc, LLVM::AtomicBinOp::fadd, acc, sum,
                              LLVM::AtomicOrdering::monotonic);
  });
}

/// Vectors of 16 bytes each lane of a warp takes per loop step of a page.
constexpr int64_t kPageUnroll = 2;

/// The calling warp's dot products of page `p` of `tile` (in `data`) with
/// the input, added into the row accumulators. Lane l takes the 16-byte
/// vectors l, l + 32, ...; a vector lies in one row (rows are whole
/// vectors), and a lane adds its partial sum into the accumulator of its
/// row whenever its row changes.
static void consumePage(KernelBuilder &kb, GemvOp op, Args a,
                        const PagedTile &tile, Value p, Value data) {
  Type weightType = a.type(0), inputType = a.type(1);
  int64_t width = 128 / weightType.getIntOrFloatBitWidth();
  int64_t rowBytes = rowBytesOf(op);
  Value start = kb.mul(p, tile.perPage);
  Value count = kb.min(tile.perPage, kb.sub(tile.bytes, start));
  Value vectors = arith::DivSIOp::create(kb.b, kb.loc, count, kb.i64(16));
  Value steps = arith::DivSIOp::create(
      kb.b, kb.loc, kb.add(vectors, kb.i64(32 * kPageUnroll - 1)),
      kb.i64(32 * kPageUnroll));
  SmallVector<Value> carried = kb.loop(
      kb.i64(0), steps, kb.i64(1), ValueRange{kb.i64(-1), kb.f32(0)},
      [&](Value step, ValueRange state) -> SmallVector<Value> {
        SmallVector<Value> rows, dots, valid;
        for (int64_t u = 0; u < kPageUnroll; ++u) {
          Value v = kb.add(kb.mul(kb.add(kb.mul(step, kb.i64(kPageUnroll)),
                                         kb.i64(u)),
                                  kb.i64(32)),
                           kb.lane);
          valid.push_back(kb.cmp(arith::CmpIPredicate::slt, v, vectors));
          v = kb.min(v, kb.sub(vectors, kb.i64(1)));
          Value byte = kb.add(start, kb.mul(v, kb.i64(16)));
          Value row = arith::DivSIOp::create(kb.b, kb.loc, byte,
                                             kb.i64(rowBytes));
          Value col = arith::DivSIOp::create(
              kb.b, kb.loc,
              arith::RemSIOp::create(kb.b, kb.loc, byte, kb.i64(rowBytes)),
              kb.i64(16 / width));
          Value w = kb.loadVectorF32(data, weightType, kb.mul(v, kb.i64(width)),
                                     width);
          Value x = kb.loadVectorF32(a.buffer(1), inputType, col, width);
          rows.push_back(row);
          dots.push_back(vector::ReductionOp::create(
              kb.b, kb.loc, vector::CombiningKind::ADD,
              arith::MulFOp::create(kb.b, kb.loc, w, x)));
        }
        Value row = state[0], sum = state[1];
        for (int64_t u = 0; u < kPageUnroll; ++u) {
          Value changes = arith::AndIOp::create(
              kb.b, kb.loc, valid[u],
              kb.cmp(arith::CmpIPredicate::ne, rows[u], row));
          kb.ifThen(changes, [&] { flushRow(kb, row, sum); });
          sum = kb.select(changes, kb.f32(0), sum);
          row = kb.select(changes, rows[u], row);
          sum = kb.select(valid[u], kb.fadd(sum, dots[u]), sum);
        }
        return {row, sum};
      });
  flushRow(kb, carried[0], carried[1]);
}

/// The GEMV through the ring: each warp waits for the pages of its slot,
/// adds their dot products into the row accumulators and refills its slot
/// with the tile's page one ring ahead; after a block barrier the rows are
/// stored (and their accumulators cleared). The first page of every slot
/// was issued before the task's waits when `prologueIssued`.
static void lowerPagedGemv(KernelBuilder &kb, GemvOp op, Args a,
                           const PagedTile &tile, bool prologueIssued) {
  int64_t slots = kb.numWarps();
  // This warp's slot is its index: it takes pages p = warp - first (mod P).
  Value firstSlot = slotOf(kb, tile.first);
  Value mine = slotOf(kb, kb.add(kb.sub(kb.warp, firstSlot), kb.i64(slots)));
  if (!prologueIssued)
    kb.ifThen(kb.cmp(arith::CmpIPredicate::slt, mine, tile.pages),
              [&] { issuePage(kb, tile, mine); });
  Value data = slotData(kb, kb.warp), barrier = slotBarrier(kb, kb.warp);
  kb.loop(mine, tile.pages, kb.i64(slots), [&](Value p) {
    Value phase = arith::AndIOp::create(
        kb.b, kb.loc,
        arith::DivUIOp::create(kb.b, kb.loc, kb.add(tile.first, p),
                               kb.i64(slots)),
        kb.i64(1));
    kb.copier->emitWait(
        kb.b, kb.loc, barrier,
        arith::TruncIOp::create(kb.b, kb.loc, kb.b.getI32Type(), phase));
    consumePage(kb, op, a, tile, p, data);
    Value next = kb.add(p, kb.i64(slots));
    kb.ifThen(kb.cmp(arith::CmpIPredicate::slt, next, tile.pages), [&] {
      // The warp's reads of the slot come before the copy's writes.
      kb.copier->emitBeforeRefill(kb.b, kb.loc);
      NVVM::SyncWarpOp::create(kb.b, kb.loc, kb.i32(-1));
      issuePage(kb, tile, next);
    });
  });
  kb.barrier();
  Value acc = ringByte(kb, kb.i64(kRingAccumulators));
  kb.forEachThread(tile.lo, tile.hi, [&](Value n) {
    Value slot = kb.gep(acc, kb.b.getF32Type(), kb.sub(n, tile.lo));
    Value sum = LLVM::LoadOp::create(kb.b, kb.loc, kb.b.getF32Type(), slot);
    LLVM::StoreOp::create(kb.b, kb.loc, kb.f32(0), slot);
    storeGemvOutput(kb, op, a, n, sum);
  });
  // Every thread read the counter before the barrier; all write the same
  // new value.
  LLVM::StoreOp::create(kb.b, kb.loc, kb.add(tile.first, tile.pages),
                        ringByte(kb, kb.i64(kRingCounter)));
}

/// The GEMV with its weights loaded into registers: one row per warp.
static void lowerRegisterGemv(KernelBuilder &kb, GemvOp op, Args a) {
  int64_t k = shapeOf(op.getWeight())[1];
  kb.forEachWarp(a.integer(0), a.integer(1), [&](Value n) {
    Value sum = warpRowDot(kb, a.buffer(0), a.type(0), kb.mul(n, kb.i64(k)),
                           a.buffer(1), a.type(1), k);
    storeGemvRow(kb, op, a, n, sum);
  });
}

static void lowerGemv(KernelBuilder &kb, GemvOp op, Args a,
                      bool prologueIssued) {
  if (!stagesWeights(kb, op))
    return lowerRegisterGemv(kb, op, a);
  PagedTile tile = pagedTile(kb, op, a);
  kb.ifThenElse(
      tile.paged, {},
      [&]() -> SmallVector<Value> {
        lowerPagedGemv(kb, op, a, tile, prologueIssued);
        return {};
      },
      [&]() -> SmallVector<Value> {
        lowerRegisterGemv(kb, op, a);
        return {};
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
  Value src = a.buffer(0);
  kb.storeEachF32(a.buffer(1), a.type(1), a.integer(0), a.integer(1),
                  [&](Value n) { return kb.loadF32(src, a.type(0), n); });
}

bool amk::canStageWeights(Operation *op) {
  auto gemv = dyn_cast<GemvOp>(op);
  if (!gemv || rowBytesOf(gemv) % 16 != 0)
    return false;
  // Only a buffer nothing writes during a step (BufferOp::isReadOnly, whose
  // writes the validator rejects) may be fetched before the task's waits.
  auto buffer = gemv.getWeight().getDefiningOp<BufferOp>();
  return buffer && buffer.isReadOnly();
}

bool amk::stagesWeights(KernelBuilder &kb, Operation *op) {
  return kb.ring && canStageWeights(op);
}

void amk::emitWeightPrologue(KernelBuilder &kb, Operation *op) {
  PagedTile tile = pagedTile(kb, cast<GemvOp>(op), Args{kb, op});
  // Warps 1.. take the first page of every slot in turn.
  Value first = kb.min(tile.pages, kb.i64(kb.numWarps()));
  kb.ifThen(tile.paged, [&] {
    kb.loop(kb.sub(kb.warp, kb.i64(1)), first, kb.i64(kb.numWarps() - 1),
            [&](Value p) { issuePage(kb, tile, p); });
  });
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
