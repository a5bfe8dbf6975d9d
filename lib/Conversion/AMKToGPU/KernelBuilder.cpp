//===- KernelBuilder.cpp - Block-level building blocks of the megakernel --===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "AMK/Support/StorageModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::amk;

Value KernelBuilder::i64(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), value);
}
Value KernelBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
}
Value KernelBuilder::f32(double value) {
  return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                        APFloat(float(value)));
}
Value KernelBuilder::i1(bool value) {
  return arith::ConstantIntOp::create(b, loc, b.getI1Type(), value);
}

Value KernelBuilder::add(Value a, Value c) {
  return arith::AddIOp::create(b, loc, a, c);
}
Value KernelBuilder::sub(Value a, Value c) {
  return arith::SubIOp::create(b, loc, a, c);
}
Value KernelBuilder::mul(Value a, Value c) {
  return arith::MulIOp::create(b, loc, a, c);
}
Value KernelBuilder::min(Value a, Value c) {
  return arith::MinSIOp::create(b, loc, a, c);
}
Value KernelBuilder::max(Value a, Value c) {
  return arith::MaxSIOp::create(b, loc, a, c);
}
Value KernelBuilder::fadd(Value a, Value c) {
  return arith::AddFOp::create(b, loc, a, c);
}
Value KernelBuilder::fmul(Value a, Value c) {
  return arith::MulFOp::create(b, loc, a, c);
}
Value KernelBuilder::fmax(Value a, Value c) {
  return arith::MaximumFOp::create(b, loc, a, c);
}
Value KernelBuilder::cmp(arith::CmpIPredicate pred, Value a, Value c) {
  return arith::CmpIOp::create(b, loc, pred, a, c);
}
Value KernelBuilder::select(Value cond, Value a, Value c) {
  return arith::SelectOp::create(b, loc, cond, a, c);
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

Value KernelBuilder::gep(Value base, Type elementType, Value index) {
  return LLVM::GEPOp::create(b, loc, base.getType(), elementType, base,
                             ValueRange{index});
}

namespace {
/// The arithmetic of storage::addressOf on i64 IR values.
struct AddressOps {
  KernelBuilder &kb;
  Value mul(Value x, int64_t c) { return c == 1 ? x : kb.mul(x, kb.i64(c)); }
  Value add(Value x, int64_t c) { return c == 0 ? x : kb.add(x, kb.i64(c)); }
  Value shr(Value x, int64_t c) {
    return arith::ShRUIOp::create(kb.b, kb.loc, x, kb.i64(c));
  }
  Value mask(Value x, int64_t c) {
    return arith::AndIOp::create(kb.b, kb.loc, x, kb.i64(c));
  }
};
} // namespace

/// The packed sub-byte integer type `type` is, or null.
static IntegerType packedInteger(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  if (integer && ::amk::storage::isPacked(integer.getWidth()))
    return integer;
  return nullptr;
}

Value KernelBuilder::integerBitsToF32(Value raw, IntegerType type) {
  int64_t bits = type.getWidth();
  if (::amk::storage::integerRange(bits).lo == 0)
    return arith::UIToFPOp::create(b, loc, b.getF32Type(), raw);
  // Two's complement of the low `bits` bits: (raw ^ sign) - sign.
  Value sign = i32(int64_t(1) << (bits - 1));
  Value value = arith::SubIOp::create(
      b, loc, arith::XOrIOp::create(b, loc, raw, sign), sign);
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), value);
}

Value KernelBuilder::f32ToSaturatedI32(Value value, IntegerType type) {
  ::amk::storage::IntegerRange range =
      ::amk::storage::integerRange(std::min<int64_t>(type.getWidth(), 32));
  // maxnumf(NaN, lo) = lo; the bounds are integers, so clamping before the
  // truncation toward zero equals clamping after it.
  Value clamped = arith::MinNumFOp::create(
      b, loc, arith::MaxNumFOp::create(b, loc, value, f32(double(range.lo))),
      f32(double(range.hi)));
  return arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
}

Value KernelBuilder::loadF32(Value base, Type type, Value index) {
  if (IntegerType packed = packedInteger(type)) {
    AddressOps ops{*this};
    auto at = ::amk::storage::addressOf(ops, index, packed.getWidth());
    Value byte = LLVM::LoadOp::create(b, loc, b.getI8Type(),
                                      gep(base, b.getI8Type(), at.byte));
    Value word = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
    Value shift = arith::TruncIOp::create(b, loc, b.getI32Type(), at.shift);
    Value raw = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, word, shift),
        i32(::amk::storage::elementMask(packed.getWidth())));
    return integerBitsToF32(raw, packed);
  }
  Value value = LLVM::LoadOp::create(b, loc, type, gep(base, type, index));
  if (type.isF32())
    return value;
  if (isa<FloatType>(type))
    return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), value);
}

void KernelBuilder::storeF32(Value base, Type type, Value index, Value value) {
  assert(!packedInteger(type) && "packed elements are stored by storeEachF32");
  if (isa<FloatType>(type) && !type.isF32())
    value = arith::TruncFOp::create(b, loc, type, value);
  else if (auto integer = dyn_cast<IntegerType>(type)) {
    value = f32ToSaturatedI32(value, integer);
    if (integer.getWidth() < 32)
      value = arith::TruncIOp::create(b, loc, integer, value);
    else if (integer.getWidth() > 32)
      value = arith::ExtSIOp::create(b, loc, integer, value);
  }
  LLVM::StoreOp::create(b, loc, value, gep(base, type, index));
}

void KernelBuilder::storeEachF32(Value base, Type type, Value lo, Value hi,
                                 function_ref<Value(Value)> valueAt) {
  IntegerType packed = packedInteger(type);
  if (!packed) {
    forEachThread(lo, hi, [&](Value e) { storeF32(base, type, e, valueAt(e)); });
    return;
  }
  int64_t bits = packed.getWidth();
  int64_t perByte = ::amk::storage::elementsPerByte(bits);
  // Byte group g holds elements [g * perByte, (g + 1) * perByte).
  Value first = arith::DivUIOp::create(b, loc, lo, i64(perByte));
  Value last = arith::DivUIOp::create(b, loc, add(hi, i64(perByte - 1)),
                                      i64(perByte));
  AddressOps ops{*this};
  forEachThread(first, last, [&](Value g) {
    Value head = mul(g, i64(perByte));
    Value address = gep(base, b.getI8Type(),
                        ::amk::storage::addressOf(ops, head, bits).byte);
    Value byte = arith::ExtUIOp::create(
        b, loc, b.getI32Type(),
        LLVM::LoadOp::create(b, loc, b.getI8Type(), address));
    for (int64_t j = 0; j < perByte; ++j) {
      Value e = add(head, i64(j));
      Value fromLo = cmp(arith::CmpIPredicate::sge, e, lo);
      Value belowHi = cmp(arith::CmpIPredicate::slt, e, hi);
      Value inside = arith::AndIOp::create(b, loc, fromLo, belowHi);
      // Elements outside [lo, hi) are neither computed nor changed.
      Value raw = f32ToSaturatedI32(valueAt(min(max(e, lo), sub(hi, i64(1)))),
                                    packed);
      Value shift = arith::TruncIOp::create(
          b, loc, b.getI32Type(), ::amk::storage::addressOf(ops, e, bits).shift);
      Value mask = arith::ShLIOp::create(
          b, loc, i32(::amk::storage::elementMask(bits)), shift);
      Value merged = arith::OrIOp::create(
          b, loc,
          arith::AndIOp::create(b, loc, byte,
                                arith::XOrIOp::create(b, loc, mask, i32(-1))),
          arith::AndIOp::create(b, loc,
                                arith::ShLIOp::create(b, loc, raw, shift), mask));
      byte = select(inside, merged, byte);
    }
    LLVM::StoreOp::create(
        b, loc, arith::TruncIOp::create(b, loc, b.getI8Type(), byte), address);
  });
}

Value KernelBuilder::loadIndex(Value base, Value index) {
  Value value =
      LLVM::LoadOp::create(b, loc, b.getI32Type(),
                           gep(base, b.getI32Type(), index));
  return arith::ExtSIOp::create(b, loc, b.getI64Type(), value);
}

void KernelBuilder::storeIndex(Value base, Value index, Value value) {
  Value narrow = arith::TruncIOp::create(b, loc, b.getI32Type(), value);
  LLVM::StoreOp::create(b, loc, narrow, gep(base, b.getI32Type(), index));
}

Value KernelBuilder::loadVectorF32(Value base, Type type, Value index,
                                   int64_t width) {
  auto vectorType = VectorType::get({width}, type);
  unsigned bytes = unsigned(width * type.getIntOrFloatBitWidth() / 8);
  Value value = LLVM::LoadOp::create(b, loc, vectorType,
                                     gep(base, type, index), bytes);
  if (type.isF32())
    return value;
  return arith::ExtFOp::create(b, loc, VectorType::get({width}, b.getF32Type()),
                               value);
}

Value KernelBuilder::loadShared(Value index) {
  return LLVM::LoadOp::create(b, loc, b.getF32Type(),
                              gep(smem, b.getF32Type(), index));
}

void KernelBuilder::storeShared(Value index, Value value) {
  LLVM::StoreOp::create(b, loc, value, gep(smem, b.getF32Type(), index));
}

Value KernelBuilder::argInt(int64_t k) {
  return LLVM::LoadOp::create(b, loc, b.getI64Type(),
                              gep(argSlots, b.getI64Type(), i64(argSlot + k)));
}

Value KernelBuilder::argBuffer(int64_t k) {
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), kGlobalSpace),
      argInt(k));
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

SmallVector<Value>
KernelBuilder::loop(Value lo, Value hi, Value step, ValueRange inits,
                    function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto forOp = scf::ForOp::create(
      b, loc, lo, hi, step, inits,
      [&](OpBuilder &nested, Location, Value iv, ValueRange iters) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(),
                            nested.getInsertionPoint());
        SmallVector<Value> results = body(iv, iters);
        scf::YieldOp::create(b, loc, results);
      });
  return SmallVector<Value>(forOp.getResults());
}

void KernelBuilder::loop(Value lo, Value hi, Value step,
                         function_ref<void(Value)> body) {
  loop(lo, hi, step, {}, [&](Value iv, ValueRange) {
    body(iv);
    return SmallVector<Value>();
  });
}

void KernelBuilder::forEachThread(Value lo, Value hi,
                                  function_ref<void(Value)> body) {
  loop(add(lo, tid), hi, i64(blockSize), body);
}

void KernelBuilder::forEachWarp(Value lo, Value hi,
                                function_ref<void(Value)> body) {
  loop(add(lo, warp), hi, i64(numWarps()), body);
}

void KernelBuilder::ifThen(Value cond, function_ref<void()> then) {
  auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  then();
}

SmallVector<Value>
KernelBuilder::ifThenElse(Value cond, TypeRange types,
                          function_ref<SmallVector<Value>()> then,
                          function_ref<SmallVector<Value>()> otherwise) {
  auto ifOp = scf::IfOp::create(b, loc, types, cond, /*withElseRegion=*/true);
  auto fill = [&](Block *block, function_ref<SmallVector<Value>()> fn) {
    OpBuilder::InsertionGuard guard(b);
    if (block->mightHaveTerminator())
      block->getTerminator()->erase();
    b.setInsertionPointToEnd(block);
    scf::YieldOp::create(b, loc, fn());
  };
  fill(ifOp.thenBlock(), then);
  fill(ifOp.elseBlock(), otherwise);
  return SmallVector<Value>(ifOp.getResults());
}

void KernelBuilder::barrier() { gpu::BarrierOp::create(b, loc); }

void KernelBuilder::barrierOfWarpsAfterFirst() {
  NVVM::BarrierOp::create(b, loc, /*res=*/Type(), /*barrierId=*/i32(1),
                          /*numberOfThreads=*/i32(blockSize - 32),
                          /*reductionOp=*/nullptr,
                          /*reductionPredicate=*/Value());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

Value KernelBuilder::shuffleXor(Value value, int64_t offset) {
  return gpu::ShuffleOp::create(b, loc, value, int32_t(offset), 32,
                                gpu::ShuffleMode::XOR)
      .getShuffleResult();
}

Value KernelBuilder::warpSum(Value value) {
  for (int64_t offset = 16; offset > 0; offset /= 2)
    value = fadd(value, shuffleXor(value, offset));
  return value;
}

Value KernelBuilder::warpMax(Value value) {
  for (int64_t offset = 16; offset > 0; offset /= 2)
    value = fmax(value, shuffleXor(value, offset));
  return value;
}

Value KernelBuilder::blockSum(Value value) {
  Value partial = warpSum(value);
  ifThen(cmp(arith::CmpIPredicate::eq, lane, i64(0)),
         [&] { storeShared(warp, partial); });
  barrier();
  Value total = f32(0);
  for (int64_t w = 0; w < numWarps(); ++w)
    total = fadd(total, loadShared(i64(w)));
  barrier();
  return total;
}

/// Picks the better of two (value, index) candidates: the larger value, the
/// lower index on ties. A NaN candidate never wins.
static std::pair<Value, Value> better(KernelBuilder &kb, Value v1, Value i1,
                                      Value v2, Value i2) {
  Value greater = arith::CmpFOp::create(kb.b, kb.loc, arith::CmpFPredicate::OGT,
                                        v2, v1);
  Value equal = arith::CmpFOp::create(kb.b, kb.loc, arith::CmpFPredicate::OEQ,
                                      v2, v1);
  Value lower = kb.cmp(arith::CmpIPredicate::slt, i2, i1);
  Value take = arith::OrIOp::create(
      kb.b, kb.loc, greater, arith::AndIOp::create(kb.b, kb.loc, equal, lower));
  return {kb.select(take, v2, v1), kb.select(take, i2, i1)};
}

std::pair<Value, Value> KernelBuilder::warpArgmax(Value value, Value index) {
  for (int64_t offset = 16; offset > 0; offset /= 2) {
    Value otherValue = shuffleXor(value, offset);
    Value otherIndex = arith::ExtSIOp::create(
        b, loc, b.getI64Type(),
        shuffleXor(arith::TruncIOp::create(b, loc, b.getI32Type(), index),
                   offset));
    std::tie(value, index) = better(*this, value, index, otherValue, otherIndex);
  }
  return {value, index};
}

std::pair<Value, Value> KernelBuilder::blockArgmax(Value value, Value index) {
  auto [warpValue, warpIndex] = warpArgmax(value, index);
  ifThen(cmp(arith::CmpIPredicate::eq, lane, i64(0)), [&] {
    storeShared(mul(warp, i64(2)), warpValue);
    Value asFloat = arith::BitcastOp::create(
        b, loc, b.getF32Type(),
        arith::TruncIOp::create(b, loc, b.getI32Type(), warpIndex));
    storeShared(add(mul(warp, i64(2)), i64(1)), asFloat);
  });
  barrier();
  Value bestValue = loadShared(i64(0));
  Value bestIndex = i64(std::numeric_limits<int32_t>::max());
  for (int64_t w = 0; w < numWarps(); ++w) {
    Value v = loadShared(i64(2 * w));
    Value idx = arith::ExtSIOp::create(
        b, loc, b.getI64Type(),
        arith::BitcastOp::create(b, loc, b.getI32Type(),
                                 loadShared(i64(2 * w + 1))));
    std::tie(bestValue, bestIndex) = better(*this, bestValue, bestIndex, v, idx);
  }
  barrier();
  return {bestValue, bestIndex};
}

Value KernelBuilder::exp(Value x) { return math::ExpOp::create(b, loc, x); }
Value KernelBuilder::rsqrt(Value x) {
  // IEEE square root and division, as the reference executor computes it.
  return arith::DivFOp::create(b, loc, f32(1), math::SqrtOp::create(b, loc, x));
}

std::pair<Value, Value> KernelBuilder::sinCos(Value x) {
  // Reduce to r in [-pi/4, pi/4] and a quadrant in f64 (exact enough for any
  // f32 angle), then Cephes' single-precision minimax polynomials.
  Type f64Type = b.getF64Type();
  auto f64 = [&](double v) {
    return arith::ConstantFloatOp::create(b, loc, cast<FloatType>(f64Type),
                                          APFloat(v))
        .getResult();
  };
  Value wide = arith::ExtFOp::create(b, loc, f64Type, x);
  Value quarters = math::FloorOp::create(
      b, loc,
      arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, wide, f64(0.63661977236758134)),
          f64(0.5)));
  Value reduced = arith::SubFOp::create(
      b, loc,
      arith::SubFOp::create(
          b, loc, wide,
          arith::MulFOp::create(b, loc, quarters, f64(1.5707963267948966))),
      arith::MulFOp::create(b, loc, quarters, f64(6.123233995736766e-17)));
  Value r = arith::TruncFOp::create(b, loc, b.getF32Type(), reduced);
  Value z = fmul(r, r);
  auto poly = [&](ArrayRef<double> coefficients) {
    Value acc = f32(coefficients.front());
    for (double c : coefficients.drop_front())
      acc = fadd(fmul(acc, z), f32(c));
    return acc;
  };
  Value sinR = fadd(r, fmul(fmul(r, z),
                            poly({-1.9515295891e-4, 8.3321608736e-3,
                                  -1.6666654611e-1})));
  Value cosR = fadd(arith::SubFOp::create(b, loc, f32(1), fmul(f32(0.5), z)),
                    fmul(fmul(z, z), poly({2.443315711809948e-5,
                                           -1.388731625493765e-3,
                                           4.166664568298827e-2})));
  Value quadrant = arith::AndIOp::create(
      b, loc, arith::FPToSIOp::create(b, loc, b.getI64Type(), quarters),
      i64(3));
  auto is = [&](int64_t q) {
    return cmp(arith::CmpIPredicate::eq, quadrant, i64(q));
  };
  auto neg = [&](Value v) { return arith::NegFOp::create(b, loc, v); };
  // Quadrants 0..3: (sin, cos) = (s, c), (c, -s), (-s, -c), (-c, s).
  Value sinX = select(is(0), sinR,
                      select(is(1), cosR, select(is(2), neg(sinR), neg(cosR))));
  Value cosX = select(is(0), cosR,
                      select(is(1), neg(sinR), select(is(2), neg(cosR), sinR)));
  return {sinX, cosX};
}
