//===- TileCopy.h - Per-generation global->shared tile copies ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The one interface the megakernel lowering uses to stream a weight tile from
// global into shared memory ahead of its use. Each copy completes on an
// mbarrier (one per ring stage), so consumers on every chip wait the same way:
// on the phase parity of the stage's barrier. Which instructions move the
// bytes is chosen from the chip's capabilities (TargetInfo.h):
//   - bulk copy (sm_90 and later): one thread arms the barrier with the byte
//     count (`mbarrier.arrive.expect_tx`) and issues one
//     `cp.async.bulk.shared::cta.global` completing on it (CopySM90.cpp);
//   - cp.async only (sm_80): the issuing threads split the tile into 16-byte
//     `cp.async.cg` copies, commit them as a group and make the barrier track
//     them (`cp.async.mbarrier.arrive.noinc`) (CopySM80.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_TILECOPY_H
#define AMK_CONVERSION_TILECOPY_H

#include "AMK/Target/TargetInfo.h"

#include "mlir/IR/Builders.h"

#include <memory>

namespace mlir {
namespace amk {

/// Emits asynchronous global -> shared copies of contiguous tiles for one
/// chip generation.
class TileCopy {
public:
  virtual ~TileCopy();

  /// Arrivals one phase of a stage barrier expects when `lanes` threads issue
  /// each copy: the count to pass to `emitInitBarrier`.
  virtual int64_t barrierArrivals(int64_t lanes) const = 0;

  /// Issues the copy of `bytes` (i32, a positive multiple of 16) bytes from
  /// global memory at `src` (`!llvm.ptr<1>`) to shared memory at `dst`
  /// (`!llvm.ptr<3>`), both 16-byte aligned, completing on the mbarrier at
  /// `barrier` (`!llvm.ptr<3>`). Every thread of the issuing group calls it;
  /// `lane` (i32) is its index in the group of `lanes` threads.
  virtual void emitIssue(OpBuilder &builder, Location loc, Value dst,
                         Value src, Value bytes, Value barrier, Value lane,
                         int64_t lanes) const = 0;

  /// Makes the stage barriers one thread just initialised visible to the
  /// copies (`fence.mbarrier_init` where the copy engine is a separate
  /// proxy); the block then passes a barrier before any copy is issued.
  virtual void emitBarriersInitialized(OpBuilder &builder,
                                       Location loc) const {}

  /// Orders the calling thread's reads of a stage before the copy that
  /// refills it (`fence.proxy.async.shared::cta` where the copy engine is a
  /// separate proxy; nothing for `cp.async`, whose writes are the thread's
  /// own).
  virtual void emitBeforeRefill(OpBuilder &builder, Location loc) const {}

  /// Blocks until the phase of `barrier` with parity `phase` (i32, 0 or 1)
  /// has completed: the tile of that phase is then in shared memory and
  /// visible to the calling thread.
  virtual void emitWait(OpBuilder &builder, Location loc, Value barrier,
                        Value phase) const = 0;
};

/// Returns the tile copier for `chip`'s capabilities, or null when the chip
/// has no asynchronous copy.
std::unique_ptr<TileCopy> createTileCopy(const ChipInfo &chip);

/// Initialises the mbarrier at `barrier` (`!llvm.ptr<3>`) for `arrivals`
/// arrivals per phase. One thread calls it; the block must pass a barrier
/// before any thread uses the mbarrier.
void emitInitBarrier(OpBuilder &builder, Location loc, Value barrier,
                     int64_t arrivals);

} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_TILECOPY_H
