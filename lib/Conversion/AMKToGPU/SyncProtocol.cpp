//===- SyncProtocol.cpp - Waits, signals and the watchdog -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// How tasks order each other through the event counters: a signal is a
// block barrier, a release fence and an atomic add by thread 0; a wait spins
// on gpu-scope acquire loads until the counter reaches its threshold scaled
// by the epoch, with nanosleep back-off, a global-timer watchdog and the
// abort record that stops every other worker (docs/megakernel-abi.md).
//
//===----------------------------------------------------------------------===//

#include "KernelSkeleton.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::amk;

/// The block's release of its task: after a block barrier, thread 0
/// fences (release, device scope) and adds 1 to `events[event]`.
void KernelEmitter::emitSignal(Value event) {
  kb.barrier();
  kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.tid, kb.i64(0)), [&] {
    LLVM::FenceOp::create(kb.b, kb.loc, LLVM::AtomicOrdering::release,
                          "device");
    Value counter = kb.gep(param(kEvents), kb.b.getI32Type(), event);
    LLVM::AtomicRMWOp::create(kb.b, kb.loc, LLVM::AtomicBinOp::add, counter,
                              kb.i32(1), LLVM::AtomicOrdering::monotonic,
                              "device", 4);
  });
}

/// Spins until `events[event] >= target` (wrapping u32 comparison), the
/// watchdog fires, or another worker aborted. Returns a WaitCode (i32).
Value KernelEmitter::emitSpin(Value event, Value target) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Type i32Type = b.getI32Type(), i64Type = b.getI64Type();
  Value counter = kb.gep(param(kEvents), i32Type, event);
  Value abortFlag = param(kAbort);
  Value start = NVVM::GlobalTimerOp::create(b, loc, i64Type);
  auto loop =
      scf::WhileOp::create(b, loc, TypeRange{i32Type, i32Type, i32Type},
                           ValueRange{kb.i32(32), kb.i32(0), kb.i32(0)});
  Block *before = b.createBlock(&loop.getBefore(), {},
                                {i32Type, i32Type, i32Type}, {loc, loc, loc});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(before);
    Value count =
        LLVM::LoadOp::create(b, loc, i32Type, counter, 4, false, false, false,
                             false, LLVM::AtomicOrdering::acquire, "device");
    Value ahead = arith::SubIOp::create(b, loc, count, target);
    Value satisfied = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                            ahead, kb.i32(0));
    Value aborted = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne,
        LLVM::LoadOp::create(b, loc, i32Type, abortFlag, 4, false, false, false,
                             false, LLVM::AtomicOrdering::monotonic, "device"),
        kb.i32(0));
    Value elapsed = arith::SubIOp::create(
        b, loc, NVVM::GlobalTimerOp::create(b, loc, i64Type), start);
    Value timedOut = arith::AndIOp::create(
        b, loc, kb.cmp(arith::CmpIPredicate::sgt, param(kTimeout), kb.i64(0)),
        kb.cmp(arith::CmpIPredicate::sgt, elapsed, param(kTimeout)));
    Value code = kb.select(
        satisfied, kb.i32(kSatisfied),
        kb.select(aborted, kb.i32(kAborted),
                  kb.select(timedOut, kb.i32(kTimedOut), kb.i32(kSatisfied))));
    Value keepGoing = arith::AndIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, satisfied, kb.i1(true)),
        kb.cmp(arith::CmpIPredicate::eq, code, kb.i32(kSatisfied)));
    scf::ConditionOp::create(b, loc, keepGoing,
                             ValueRange{before->getArgument(0), count, code});
  }
  Block *after = b.createBlock(&loop.getAfter(), {},
                               {i32Type, i32Type, i32Type}, {loc, loc, loc});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(after);
    Value sleep = after->getArgument(0);
    NVVM::NanosleepOp::create(b, loc, sleep);
    Value longer = arith::MinUIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, sleep, kb.i32(1)), kb.i32(256));
    scf::YieldOp::create(
        b, loc,
        ValueRange{longer, after->getArgument(1), after->getArgument(2)});
  }
  b.setInsertionPointAfter(loop);
  return loop.getResult(2);
}

/// The lanes of warp 0 check the task's waits in parallel (lane l takes
/// waits l, l + 32, ...), so a task's waits cost one round trip, not one
/// each; a failed wait's code is broadcast through shared memory. Returns
/// true (i1, uniform) when the task must not run.
Value KernelEmitter::emitWaits(Value first, Value count, Value taskId) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Type i32Type = b.getI32Type();
  Value flag = kb.gep(kb.smem, b.getF32Type(), flagSlot());
  kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.warp, kb.i64(0)), [&] {
    kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.lane, kb.i64(0)),
              [&] { LLVM::StoreOp::create(b, loc, kb.i32(kSatisfied), flag); });
    NVVM::SyncWarpOp::create(b, loc, kb.i32(-1));
    Value code = kb.loop(
        kb.add(first, kb.lane), kb.add(first, count), kb.i64(32),
        {kb.i32(kSatisfied)}, [&](Value w, ValueRange s) -> SmallVector<Value> {
          Value pending =
              kb.cmp(arith::CmpIPredicate::eq, s[0], kb.i32(kSatisfied));
          return kb.ifThenElse(
              pending, {i32Type},
              [&]() -> SmallVector<Value> {
                Value entry = kb.mul(w, kb.i64(kWaitWords));
                Value event = word(param(kWaits), entry);
                Value threshold =
                    i32(word(param(kWaits), kb.add(entry, kb.i64(1))));
                Value producers =
                    i32(word(param(kWaits), kb.add(entry, kb.i64(2))));
                Value target = arith::AddIOp::create(
                    b, loc, threshold,
                    arith::MulIOp::create(b, loc, epoch, producers));
                Value result = emitSpin(event, target);
                // Claim the abort record on a timeout.
                Value timedOut =
                    kb.cmp(arith::CmpIPredicate::eq, result, kb.i32(kTimedOut));
                SmallVector<Value> claimed = kb.ifThenElse(
                    timedOut, {i32Type},
                    [&]() -> SmallVector<Value> {
                      auto cas = LLVM::AtomicCmpXchgOp::create(
                          b, loc, param(kAbort), kb.i32(0), kb.i32(kTimedOut),
                          LLVM::AtomicOrdering::monotonic,
                          LLVM::AtomicOrdering::monotonic, "device", 4);
                      Value won = LLVM::ExtractValueOp::create(b, loc, cas, 1);
                      kb.ifThen(won, [&] {
                        Value counter = kb.gep(param(kEvents), i32Type, event);
                        Value seen = LLVM::LoadOp::create(
                            b, loc, i32Type, counter, 4, false, false, false,
                            false, LLVM::AtomicOrdering::monotonic, "device");
                        Value fields[] = {i32(taskId), i32(worker),
                                          i32(event),  seen,
                                          target,      epoch};
                        for (auto [i, value] : llvm::enumerate(fields))
                          LLVM::StoreOp::create(
                              b, loc, value,
                              kb.gep(param(kAbort), i32Type, kb.i64(i + 1)));
                      });
                      return {
                          kb.select(won, kb.i32(kTimedOut), kb.i32(kAborted))};
                    },
                    [&]() -> SmallVector<Value> { return {result}; });
                return claimed;
              },
              [&]() -> SmallVector<Value> { return {s[0]}; });
        })[0];
    LLVM::FenceOp::create(b, loc, LLVM::AtomicOrdering::acquire, "device");
    // Any lane's failure stops the task; which one's code wins is moot.
    kb.ifThen(kb.cmp(arith::CmpIPredicate::ne, code, kb.i32(kSatisfied)),
              [&] { LLVM::StoreOp::create(b, loc, code, flag); });
  });
  kb.barrier();
  Value code = LLVM::LoadOp::create(b, loc, i32Type, flag);
  kb.barrier();
  return kb.cmp(arith::CmpIPredicate::ne, code, kb.i32(kSatisfied));
}
