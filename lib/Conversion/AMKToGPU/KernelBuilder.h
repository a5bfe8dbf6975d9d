//===- KernelBuilder.h - Block-level building blocks of the megakernel -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// A thin layer over OpBuilder for the code one thread block runs: typed
// global loads and stores that compute in f32, structured loops, warp and
// block reductions through shared memory, and access to the current task's
// arguments. Body patterns (BodyPatterns.cpp) are written against it.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_AMKTOGPU_KERNELBUILDER_H
#define AMK_CONVERSION_AMKTOGPU_KERNELBUILDER_H

#include "AMK/Conversion/TileCopy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace amk {

/// Address spaces of NVPTX.
constexpr unsigned kGlobalSpace = 1;
constexpr unsigned kSharedSpace = 3;
/// The weight pages' ring in dynamic shared memory, in bytes: the worker's
/// page counter (i64, pages issued before the current GEMV) at
/// `kRingCounter`, slot `s`'s mbarrier at `kRingBarriers + 8 * s` (one slot
/// per warp, at most 32), the GEMV row accumulators (`kRingAccRows` f32) at
/// `kRingAccumulators`, slot `s` at `kRingHeader + s * pageBytes`.
constexpr int64_t kRingCounter = 0;
constexpr int64_t kRingBarriers = 8;
constexpr int64_t kRingAccumulators = 512;
constexpr int64_t kRingAccRows = 2048;
constexpr int64_t kRingHeader = kRingAccumulators + 4 * kRingAccRows;

/// Emits block-level code inside the megakernel. All integer index values
/// are i64 unless a name says i32.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &builder, Location loc, int64_t blockSize)
      : b(builder), loc(loc), blockSize(blockSize) {}

  OpBuilder &b;
  Location loc;
  /// Threads per block (a multiple of 32).
  int64_t blockSize;
  /// Thread, lane and warp index (i64), set by the kernel skeleton.
  Value tid, lane, warp;
  /// The step of the launch being run (i64), null when a launch runs one
  /// step: positions are the loaded `pos` plus it.
  Value step;
  /// The current task's arguments staged in shared memory (`i64` words,
  /// `!llvm.ptr<3>`): integers sign-extended, buffer ids resolved to
  /// their global addresses.
  Value argSlots;
  /// Index of the current op's first argument in `argSlots`.
  int64_t argSlot = 0;
  /// Shared memory scratch (`f32` words, `!llvm.ptr<3>`).
  Value smem;
  /// The weight pages' ring in dynamic shared memory (`!llvm.ptr<3>`, laid
  /// out as `kRingHeader` says), null when weights are not staged.
  Value ring;
  /// Bytes of one page slot (a multiple of 512, 32 lanes x 16 bytes).
  int64_t pageBytes = 0;
  /// The chip's global -> shared copier (set when `ring` is).
  const TileCopy *copier = nullptr;

  int64_t numWarps() const { return blockSize / 32; }

  // Constants.
  Value i64(int64_t value);
  Value i32(int64_t value);
  Value f32(double value);
  Value i1(bool value);

  // Arithmetic shorthands on i64 / f32.
  Value add(Value a, Value c);
  Value sub(Value a, Value c);
  Value mul(Value a, Value c);
  Value min(Value a, Value c);
  Value max(Value a, Value c);
  Value fadd(Value a, Value c);
  Value fmul(Value a, Value c);
  Value fmax(Value a, Value c);
  Value cmp(arith::CmpIPredicate pred, Value a, Value c);
  Value select(Value cond, Value a, Value c);

  // Memory.
  /// `base + index * sizeof(elementType)` in the address space of `base`.
  Value gep(Value base, Type elementType, Value index);
  /// Loads element `index` of `base` (element type `type`, packed sub-byte
  /// integers included, addressed by storage::addressOf) and converts it
  /// to f32.
  Value loadF32(Value base, Type type, Value index);
  /// Converts the f32 `value` to `type` and stores it at element `index`.
  /// Integers truncate toward zero and saturate (storage::integerRange).
  /// `type` must not be packed: several threads would share a byte; use
  /// storeEachF32.
  void storeF32(Value base, Type type, Value index, Value value);
  /// Stores `valueAt(e)` at every element `e` of `[lo, hi)` of `base`
  /// across the block: one thread per element, or for a packed sub-byte
  /// `type` one thread per byte, which gathers its elements and writes the
  /// byte once (bits outside `[lo, hi)` are kept). `valueAt` is only called
  /// with elements of `[lo, hi)`.
  void storeEachF32(Value base, Type type, Value lo, Value hi,
                    function_ref<Value(Value)> valueAt);
  /// Loads the i32 element `index` of `base`, sign-extended to i64.
  Value loadIndex(Value base, Value index);
  /// Stores the i64 `value` as an i32 element.
  void storeIndex(Value base, Value index, Value value);
  /// Loads `width` consecutive elements of `type` starting at element
  /// `index` (aligned to the vector size) as a `vector<width x f32>`.
  Value loadVectorF32(Value base, Type type, Value index, int64_t width);
  /// Shared-memory word `index` (f32).
  Value loadShared(Value index);
  void storeShared(Value index, Value value);

  // Task arguments.
  /// Integer argument `k` of the current op (i64).
  Value argInt(int64_t k);
  /// Global pointer of buffer argument `k` of the current op.
  Value argBuffer(int64_t k);

  // Control flow.
  /// `for (i = lo; i < hi; i += step)` with loop-carried values.
  SmallVector<Value> loop(Value lo, Value hi, Value step, ValueRange inits,
                          function_ref<SmallVector<Value>(Value, ValueRange)>
                              body);
  /// The same without loop-carried values.
  void loop(Value lo, Value hi, Value step, function_ref<void(Value)> body);
  /// `for (i = lo + tid; i < hi; i += blockSize)`.
  void forEachThread(Value lo, Value hi, function_ref<void(Value)> body);
  /// `for (i = lo + warp; i < hi; i += numWarps)`.
  void forEachWarp(Value lo, Value hi, function_ref<void(Value)> body);
  /// `if (cond) then()`.
  void ifThen(Value cond, function_ref<void()> then);
  /// `cond ? then() : otherwise()` yielding values of `types`.
  SmallVector<Value> ifThenElse(Value cond, TypeRange types,
                                function_ref<SmallVector<Value>()> then,
                                function_ref<SmallVector<Value>()> otherwise);
  /// A block-wide barrier.
  void barrier();
  /// A barrier of the `threads` threads of warps 1.. (named barrier 1):
  /// warp 0 checks the waits meanwhile.
  void barrierOfWarpsAfterFirst();

  // Reductions (f32).
  /// Sum over the 32 lanes of a warp; every lane gets it.
  Value warpSum(Value value);
  /// Maximum over the lanes of a warp; every lane gets it.
  Value warpMax(Value value);
  /// Sum over the block; every thread gets it. Uses shared words
  /// `[0, numWarps)` and ends with a barrier.
  Value blockSum(Value value);
  /// (max value, lowest index) over the block; every thread gets it. Uses
  /// shared words `[0, 2 * numWarps)`.
  std::pair<Value, Value> blockArgmax(Value value, Value index);

  /// `exp(x)` through the math dialect.
  Value exp(Value x);
  /// `1 / sqrt(x)`, correctly rounded steps.
  Value rsqrt(Value x);
  /// `(sin(x), cos(x))` of an f32 angle, accurate to about one ulp for any
  /// angle, with no local-memory slow path.
  std::pair<Value, Value> sinCos(Value x);

private:
  Value shuffleXor(Value value, int64_t offset);
  /// The f32 value of the raw integer bits `raw` (i32, low `bits` bits set)
  /// of an element of integer `type`.
  Value integerBitsToF32(Value raw, IntegerType type);
  /// `value` truncated toward zero and saturated to the range of integer
  /// `type`, as i32 (NaN gives the lowest value).
  Value f32ToSaturatedI32(Value value, IntegerType type);
  std::pair<Value, Value> warpArgmax(Value value, Value index);
};

} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_AMKTOGPU_KERNELBUILDER_H
