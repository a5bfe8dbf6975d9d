//===- GemvBodies.cpp - GEMV bodies and the weight ring -------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The GEMV body: one warp per output row, its weights read into registers
// with 16-byte loads, or streamed through the shared-memory ring of pages
// (`stage-weights=true`) by the chip's tile copier, the first pages issued
// before the task's waits.
//
//===----------------------------------------------------------------------===//

#include "Bodies.h"

#include "AMK/Dialect/AMK/IR/AMKAttrs.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::bodies;

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

void bodies::lowerGemv(KernelBuilder &kb, GemvOp op, Args a,
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
