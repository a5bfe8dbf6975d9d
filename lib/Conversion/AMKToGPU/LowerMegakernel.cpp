//===- LowerMegakernel.cpp - amk.program to one persistent kernel ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The kernel is an interpreter over the task table (TaskTable.h): block `w`
// walks worker `w`'s queue; per task it waits (a lane of warp 0 per wait
// spins on gpu-scope acquire loads with nanosleep back-off and a watchdog,
// while the other warps stage the task's arguments), runs the
// task's body variant (an scf.index_switch over the variants, each built by
// the body patterns) and signals (block barrier, release fence, atomic
// add). Nothing is unrolled per task or per worker: the code grows with the
// number of distinct variants only.
//
//===----------------------------------------------------------------------===//

#include "AMK/Conversion/Passes.h"

#include "BodyPatterns.h"
#include "KernelBuilder.h"
#include "TaskTable.h"

#include "AMK/Analysis/Roles.h"
#include "AMK/Analysis/Validator.h"
#include "AMK/Dialect/AMK/IR/AMKAttrs.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Kernels/Numeric.h"
#include "AMK/Support/StorageModel.h"
#include "AMK/Target/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_LOWERMEGAKERNEL
#include "AMK/Conversion/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

/// Kernel parameters, in ABI order (docs/megakernel-abi.md).
enum KernelParam {
  kTasks,
  kQueues,
  kWaits,
  kArgs,
  kBuffers,
  kEvents,
  kAbort,
  kEpoch,
  kTimeout,
  kTrace,
};

/// Descriptor words the task loop carries: variant, signal, first wait,
/// wait count, argument base, task id, flags.
constexpr int64_t kCarriedFields = 7;

/// Wait outcomes, as the abort record's flag writes them.
enum WaitCode { kSatisfied = 0, kTimedOut = 1, kAborted = 2 };

namespace {
/// The lowering's knobs (the pass options).
struct LoweringOptions {
  int64_t blockSize;
  bool trace, stageWeights, l2Prefetch;
  int64_t steps;
};

/// What a kernel of several steps per launch carries the token with: the
/// ids of the tokens input and of the next-token output (-1 when absent).
struct StepRoles {
  int64_t steps = 1;
  int64_t tokens = -1, nextToken = -1;
};

/// Builds the persistent kernel of one task table.
class KernelEmitter {
public:
  KernelEmitter(KernelBuilder &kb, gpu::GPUFuncOp func, const TaskTable &table,
                int64_t sharedWords, int64_t argSlotWords, bool bulkPrefetch,
                bool l2Prefetch, bool trace, StepRoles stepRoles)
      : kb(kb), func(func), table(table), sharedWords(sharedWords),
        argSlotWords(argSlotWords), bulkPrefetch(bulkPrefetch),
        l2Prefetch(l2Prefetch), trace(trace), stepRoles(stepRoles) {}

  LogicalResult emit();

private:
  Value param(KernelParam p) { return func.getArgument(p); }
  /// With several steps per launch, the steps to run (i32) and the token
  /// log (i32 per step) come before the trace buffer.
  bool multiStep() const { return stepRoles.steps > 1; }
  Value stepsParam() { return func.getArgument(kTrace); }
  Value tokenLog() { return func.getArgument(kTrace + 1); }
  Value traceParam() { return func.getArgument(kTrace + 2 * multiStep()); }
  LogicalResult emitQueue(Value begin, Value end);
  LogicalResult emitSteps(Value begin, Value end);
  Value emitTokenRedirect(Value isBuffer, Value word, Value address);
  Value word(Value base, Value index) { return kb.loadIndex(base, index); }
  Value flagSlot() { return kb.i64(sharedWords); }
  void emitSignal(Value event);
  void emitPrefetch(Value task);
  void emitStamp(Value task, int64_t which);
  Value emitWaits(Value first, Value count, Value taskId);
  Value emitSpin(Value event, Value target);
  LogicalResult emitBodies(Value variant);
  int64_t firstStagedOp(const BodyVariant &variant);
  LogicalResult emitSwitch(Value variant, ArrayRef<int64_t> cases,
                           function_ref<LogicalResult(int64_t)> emitCase);
  void emitPrologues(Value variant);
  void emitStageArguments(Value variant, Value argBase);
  SmallVector<Value> emitDescriptorLoad(Value task, Value end);
  void emitRingInit();
  Value i32(Value i64) {
    return arith::TruncIOp::create(kb.b, kb.loc, kb.b.getI32Type(), i64);
  }

  KernelBuilder &kb;
  gpu::GPUFuncOp func;
  const TaskTable &table;
  int64_t sharedWords;
  /// Words of one of the two argument slot sets (`amk_args`).
  int64_t argSlotWords;
  /// Prefetch weights into L2 with bulk prefetches (else line prefetches).
  bool bulkPrefetch;
  /// Prefetch the next task's weights into L2 at all.
  bool l2Prefetch;
  /// Stamp every descriptor's start, end of waits and end (`trace=true`).
  bool trace;
  Value worker;
  /// The two argument slot sets.
  Value argSlotsBase;
  StepRoles stepRoles;
  /// The epoch of the step being run (i32): the launch's, plus the step.
  Value epoch;
};
} // namespace

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

/// Thread 0 writes the global timer into stamp \p which of descriptor
/// \p task when tracing.
void KernelEmitter::emitStamp(Value task, int64_t which) {
  if (!trace)
    return;
  kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.tid, kb.i64(0)), [&] {
    Value now = NVVM::GlobalTimerOp::create(kb.b, kb.loc, kb.b.getI64Type());
    Value slot = kb.add(kb.mul(task, kb.i64(3)), kb.i64(which));
    LLVM::StoreOp::create(kb.b, kb.loc, now,
                          kb.gep(traceParam(), kb.b.getI64Type(), slot));
  });
}

/// Streams the weight regions of descriptor \p task (its prefetch entries
/// in the argument pool) from HBM into L2, spread over the block's threads.
/// Weights never depend on activations, so this runs ahead of any wait.
void KernelEmitter::emitPrefetch(Value task) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Value first = word(param(kTasks),
                     kb.add(kb.mul(task, kb.i64(kDescriptorWords)), kb.i64(7)));
  kb.ifThen(kb.cmp(arith::CmpIPredicate::sge, first, kb.i64(0)), [&] {
    Value args = param(kArgs);
    kb.loop(kb.i64(0), word(args, first), kb.i64(1), [&](Value e) {
      Value entry =
          kb.add(kb.add(first, kb.i64(1)), kb.mul(e, kb.i64(kPrefetchWords)));
      auto at = [&](int64_t k) { return word(args, kb.add(entry, kb.i64(k))); };
      Value low = arith::AndIOp::create(b, loc, at(1), kb.i64(0xffffffff));
      Value high = arith::ShLIOp::create(b, loc, at(2), kb.i64(32));
      Value base =
          LLVM::LoadOp::create(b, loc, b.getI64Type(),
                               kb.gep(param(kBuffers), b.getI64Type(), at(0)));
      base = kb.add(base, arith::OrIOp::create(b, loc, high, low));
      Value bytes = at(3);
      int64_t chunk = bulkPrefetch ? 16384 : 128;
      Value chunks = arith::DivSIOp::create(
          b, loc, kb.add(bytes, kb.i64(chunk - 1)), kb.i64(chunk));
      auto global = LLVM::LLVMPointerType::get(b.getContext(), kGlobalSpace);
      kb.forEachThread(kb.i64(0), chunks, [&](Value c) {
        Value offset = kb.mul(c, kb.i64(chunk));
        Value ptr =
            LLVM::IntToPtrOp::create(b, loc, global, kb.add(base, offset));
        if (!bulkPrefetch) {
          // nvvm.prefetch's intrinsic is only selectable from sm_90 in the
          // NVPTX backend, although the PTX instruction exists since sm_20.
          LLVM::InlineAsmOp::create(
              b, loc, TypeRange(), ValueRange{ptr}, "prefetch.global.L2 [$0];",
              "l", /*has_side_effects=*/true, /*is_align_stack=*/false,
              LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
          return;
        }
        Value size = i32(kb.min(kb.i64(chunk), kb.sub(bytes, offset)));
        NVVM::CpAsyncBulkPrefetchOp::create(b, loc, ptr, size, Value());
      });
    });
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

/// Index of the first op of \p variant whose weights go through the ring,
/// or -1.
int64_t KernelEmitter::firstStagedOp(const BodyVariant &variant) {
  for (auto [k, op] : llvm::enumerate(variant.ops))
    if (stagesWeights(kb, op))
      return int64_t(k);
  return -1;
}

/// Issues, before the task's waits, the first weight-ring rounds of the
/// first staged op of the task's variant (nothing for other variants).
void KernelEmitter::emitPrologues(Value variant) {
  SmallVector<int64_t> cases;
  for (auto [i, ops] : llvm::enumerate(table.variants))
    if (firstStagedOp(ops) >= 0)
      cases.push_back(int64_t(i));
  if (cases.empty())
    return;
  (void)emitSwitch(variant, cases, [&](int64_t index) {
    const BodyVariant &ops = table.variants[index];
    int64_t k = firstStagedOp(ops);
    kb.argSlot = ops.argOffsets[k];
    emitWeightPrologue(kb, ops.ops[k]);
    return success();
  });
}

/// An `scf.index_switch` on \p variant with one case per index of \p cases
/// (a variant index), filled by \p emitCase, and an empty default.
LogicalResult
KernelEmitter::emitSwitch(Value variant, ArrayRef<int64_t> cases,
                          function_ref<LogicalResult(int64_t)> emitCase) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Value selector =
      arith::IndexCastOp::create(b, loc, b.getIndexType(), variant);
  auto dispatch = scf::IndexSwitchOp::create(b, loc, TypeRange{}, selector,
                                             cases, cases.size());
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&dispatch.getDefaultRegion());
  scf::YieldOp::create(b, loc);
  for (auto [i, index] : llvm::enumerate(cases)) {
    b.createBlock(&dispatch.getCaseRegions()[i]);
    if (failed(emitCase(index)))
      return failure();
    scf::YieldOp::create(b, loc);
  }
  return success();
}

/// The first `kCarriedFields` words (i32) of descriptor \p task, or zeros when
/// \p task is not before \p end (nothing past the queue is read).
SmallVector<Value> KernelEmitter::emitDescriptorLoad(Value task, Value end) {
  OpBuilder &b = kb.b;
  Type i32Type = b.getI32Type();
  SmallVector<Type> types(kCarriedFields, i32Type);
  return kb.ifThenElse(
      kb.cmp(arith::CmpIPredicate::slt, task, end), types,
      [&]() -> SmallVector<Value> {
        Value desc = kb.mul(task, kb.i64(kDescriptorWords));
        return llvm::map_to_vector(
            llvm::seq<int64_t>(0, kCarriedFields), [&](int64_t k) -> Value {
              return LLVM::LoadOp::create(
                  b, kb.loc, i32Type,
                  kb.gep(param(kTasks), i32Type, kb.add(desc, kb.i64(k))));
            });
      },
      [&]() -> SmallVector<Value> {
        return SmallVector<Value>(kCarriedFields, kb.i32(0));
      });
}

/// Copies the arguments of the task whose variant is \p variant from the
/// pool (at \p argBase) into `kb.argSlots`, resolving buffer ids to
/// addresses: every later use is a shared-memory load, and the global
/// round trips (pool, then address table) happen once. Warp 0 does not
/// take part: its lanes check the waits meanwhile, and the barrier
/// after the waits orders the copy before any use.
void KernelEmitter::emitStageArguments(Value variant, Value argBase) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  auto cases =
      llvm::to_vector(llvm::seq<int64_t>(0, int64_t(table.variants.size())));
  Value copier = kb.sub(kb.tid, kb.i64(32));
  (void)emitSwitch(variant, cases, [&](int64_t index) {
    const BodyVariant &ops = table.variants[index];
    kb.ifThen(kb.cmp(arith::CmpIPredicate::sge, copier, kb.i64(0)), [&] {
      kb.loop(
          copier, kb.i64(ops.argWords), kb.i64(kb.blockSize - 32),
          [&](Value slot) {
            Value word = kb.loadIndex(param(kArgs), kb.add(argBase, slot));
            Value isBuffer = kb.i1(false);
            for (auto [offset, buffers] :
                 llvm::zip(ops.argOffsets, ops.bufferArgs))
              isBuffer = arith::OrIOp::create(
                  b, loc, isBuffer,
                  arith::AndIOp::create(
                      b, loc,
                      kb.cmp(arith::CmpIPredicate::sge, slot, kb.i64(offset)),
                      kb.cmp(arith::CmpIPredicate::slt, slot,
                             kb.i64(offset + buffers))));
            Value value = kb.ifThenElse(
                isBuffer, {b.getI64Type()},
                [&]() -> SmallVector<Value> {
                  return {LLVM::LoadOp::create(
                      b, loc, b.getI64Type(),
                      kb.gep(param(kBuffers), b.getI64Type(), word))};
                },
                [&]() -> SmallVector<Value> { return {word}; })[0];
            if (multiStep())
              value = emitTokenRedirect(isBuffer, word, value);
            LLVM::StoreOp::create(b, loc, value,
                                  kb.gep(kb.argSlots, b.getI64Type(), slot));
          });
    });
    return success();
  });
}

/// Thread 0 initialises the ring's slot mbarriers (one per warp) and its
/// page counter, every thread clears the row accumulators; the block then
/// synchronises before any use.
void KernelEmitter::emitRingInit() {
  if (!kb.ring)
    return;
  OpBuilder &b = kb.b;
  kb.ifThen(kb.cmp(arith::CmpIPredicate::eq, kb.tid, kb.i64(0)), [&] {
    for (int64_t slot = 0; slot < kb.numWarps(); ++slot)
      emitInitBarrier(
          b, kb.loc,
          kb.gep(kb.ring, b.getI8Type(), kb.i64(kRingBarriers + 8 * slot)),
          kb.copier->barrierArrivals(32));
    kb.copier->emitBarriersInitialized(b, kb.loc);
    LLVM::StoreOp::create(b, kb.loc, kb.i64(0),
                          kb.gep(kb.ring, b.getI8Type(), kb.i64(kRingCounter)));
  });
  Value acc = kb.gep(kb.ring, b.getI8Type(), kb.i64(kRingAccumulators));
  kb.forEachThread(kb.i64(0), kb.i64(kRingAccRows), [&](Value i) {
    LLVM::StoreOp::create(b, kb.loc, kb.f32(0),
                          kb.gep(acc, b.getF32Type(), i));
  });
  kb.barrier();
}

LogicalResult KernelEmitter::emitBodies(Value variant) {
  auto cases =
      llvm::to_vector(llvm::seq<int64_t>(0, int64_t(table.variants.size())));
  return emitSwitch(variant, cases, [&](int64_t index) -> LogicalResult {
    const BodyVariant &variantOps = table.variants[index];
    int64_t staged = firstStagedOp(variantOps);
    for (auto [k, op] : llvm::enumerate(variantOps.ops)) {
      if (k > 0)
        kb.barrier();
      kb.argSlot = variantOps.argOffsets[k];
      if (failed(lowerComputeOp(kb, op, int64_t(k) == staged)))
        return failure();
    }
    return success();
  });
}

LogicalResult KernelEmitter::emit() {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Type i64Type = b.getI64Type();
  auto toI64 = [&](Value index) {
    return arith::IndexCastOp::create(b, loc, i64Type, index).getResult();
  };
  kb.tid = toI64(gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  kb.lane = arith::AndIOp::create(b, loc, kb.tid, kb.i64(31));
  kb.warp = arith::ShRUIOp::create(b, loc, kb.tid, kb.i64(5));
  worker = toI64(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
  kb.smem = LLVM::AddressOfOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), kSharedSpace),
      "amk_smem");
  argSlotsBase = LLVM::AddressOfOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), kSharedSpace),
      "amk_args");
  Value begin = word(param(kQueues), worker);
  Value end = word(param(kQueues), kb.add(worker, kb.i64(1)));
  emitRingInit();
  if (l2Prefetch)
    kb.ifThen(kb.cmp(arith::CmpIPredicate::slt, begin, end),
              [&] { emitPrefetch(begin); });

  LogicalResult result = success();
  if (multiStep()) {
    result = emitSteps(begin, end);
  } else {
    epoch = param(kEpoch);
    result = emitQueue(begin, end);
  }
  gpu::ReturnOp::create(b, loc);
  return result;
}

/// Runs the worker's queue, tasks `[begin, end)`, once.
LogicalResult KernelEmitter::emitQueue(Value begin, Value end) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Type i64Type = b.getI64Type();
  // The loop carries the descriptor of the task it runs, loaded one task
  // ahead: the table never changes, so the next descriptor's round trip
  // overlaps the current task.
  SmallVector<Type> carried(1 + kCarriedFields, b.getI32Type());
  carried[0] = i64Type;
  SmallVector<Location> carriedLocs(carried.size(), loc);
  SmallVector<Value> inits = {begin};
  llvm::append_range(inits, emitDescriptorLoad(begin, end));
  auto loop = scf::WhileOp::create(b, loc, carried, inits);
  Block *before = b.createBlock(&loop.getBefore(), {}, carried, carriedLocs);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(before);
    Value t = before->getArgument(0);
    scf::ConditionOp::create(b, loc, kb.cmp(arith::CmpIPredicate::slt, t, end),
                             before->getArguments());
  }
  Block *after = b.createBlock(&loop.getAfter(), {}, carried, carriedLocs);
  LogicalResult result = success();
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(after);
    Value t = after->getArgument(0);
    emitStamp(t, 0);
    // Stream the next task's weights into L2 while this one waits and runs.
    Value successor = kb.add(t, kb.i64(1));
    if (l2Prefetch)
      kb.ifThen(kb.cmp(arith::CmpIPredicate::slt, successor, end),
                [&] { emitPrefetch(successor); });
    SmallVector<Value> next = emitDescriptorLoad(successor, end);
    auto field = [&](int64_t k) -> Value {
      return arith::ExtSIOp::create(b, loc, i64Type, after->getArgument(1 + k));
    };
    Value variant = field(0), signal = field(1), waitBegin = field(2);
    Value waitCount = field(3), argBase = field(4), taskId = field(5);
    Value arriveFirst = kb.cmp(
        arith::CmpIPredicate::ne,
        arith::AndIOp::create(b, loc, field(6), kb.i64(kFlagArriveFirst)),
        kb.i64(0));
    kb.ifThen(arriveFirst, [&] { emitSignal(signal); });
    // Two slot sets by task parity: the previous task's body may still read
    // its set (a task without a signal ends without a barrier).
    kb.argSlots = kb.gep(argSlotsBase, b.getI64Type(),
                         kb.mul(arith::AndIOp::create(b, loc, t, kb.i64(1)),
                                kb.i64(argSlotWords)));
    emitStageArguments(variant, argBase);
    if (kb.ring) {
      // Warps 1.. staged the arguments; they issue the first weight pages
      // from them while warp 0 checks the waits.
      kb.ifThen(kb.cmp(arith::CmpIPredicate::ne, kb.warp, kb.i64(0)), [&] {
        kb.barrierOfWarpsAfterFirst();
        emitPrologues(variant);
      });
    }
    Value stop = emitWaits(waitBegin, waitCount, taskId);
    emitStamp(t, 1);
    Value notStopped = arith::XOrIOp::create(b, loc, stop, kb.i1(true));
    kb.ifThen(notStopped, [&] {
      if (failed(emitBodies(variant)))
        result = failure();
      Value signalAfter = arith::AndIOp::create(
          b, loc, arith::XOrIOp::create(b, loc, arriveFirst, kb.i1(true)),
          kb.cmp(arith::CmpIPredicate::sge, signal, kb.i64(0)));
      kb.ifThen(signalAfter, [&] { emitSignal(signal); });
      emitStamp(t, 2);
    });
    SmallVector<Value> yielded = {kb.select(stop, end, successor)};
    llvm::append_range(yielded, next);
    scf::YieldOp::create(b, loc, yielded);
  }
  b.setInsertionPointAfter(loop);
  return result;
}

/// Runs the worker's queue once per step, for as many steps as the launch
/// asks (at most the compiled `steps`): step `s` runs at epoch `epoch + s`
/// and position `pos + s`, its queue ending in the step separator (a grid
/// barrier). The loop stops after a step whose last wait failed (the
/// watchdog's abort): that code is still in the shared flag slot.
LogicalResult KernelEmitter::emitSteps(Value begin, Value end) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Type i64Type = b.getI64Type();
  Value steps = arith::ExtSIOp::create(b, loc, i64Type, stepsParam());
  auto loop = scf::WhileOp::create(b, loc, TypeRange{i64Type, b.getI1Type()},
                                   ValueRange{kb.i64(0), kb.i1(false)});
  Block *before = b.createBlock(&loop.getBefore(), {}, {i64Type, b.getI1Type()},
                                {loc, loc});
  {
    OpBuilder::InsertionGuard guard(b);
    Value go = arith::AndIOp::create(
        b, loc,
        kb.cmp(arith::CmpIPredicate::slt, before->getArgument(0), steps),
        arith::XOrIOp::create(b, loc, before->getArgument(1), kb.i1(true)));
    scf::ConditionOp::create(b, loc, go, before->getArguments());
  }
  Block *after = b.createBlock(&loop.getAfter(), {}, {i64Type, b.getI1Type()},
                               {loc, loc});
  LogicalResult result = success();
  {
    OpBuilder::InsertionGuard guard(b);
    Value s = after->getArgument(0);
    kb.step = s;
    epoch = arith::AddIOp::create(b, loc, param(kEpoch), i32(s));
    result = emitQueue(begin, end);
    Value code = LLVM::LoadOp::create(
        b, loc, b.getI32Type(), kb.gep(kb.smem, b.getF32Type(), flagSlot()));
    Value stopped = kb.cmp(arith::CmpIPredicate::ne,
                           arith::ExtSIOp::create(b, loc, i64Type, code),
                           kb.i64(kSatisfied));
    scf::YieldOp::create(b, loc, ValueRange{kb.add(s, kb.i64(1)), stopped});
  }
  b.setInsertionPointAfter(loop);
  kb.step = Value();
  return result;
}

/// In step `s > 0` an argument that is the tokens input resolves to the
/// next-token output instead (where step `s - 1`'s argmax left the token),
/// and the staging thread records that token in the log at `s - 1`. The
/// read is ordered: after the step separator, and before this step's
/// argmax writes the next token (the validator proves every read of the
/// tokens input happens before it; the staging precedes the read).
Value KernelEmitter::emitTokenRedirect(Value isBuffer, Value word,
                                       Value address) {
  if (stepRoles.tokens < 0 || stepRoles.nextToken < 0)
    return address;
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Value isTokens =
      kb.cmp(arith::CmpIPredicate::eq, word, kb.i64(stepRoles.tokens));
  Value later = kb.cmp(arith::CmpIPredicate::sgt, kb.step, kb.i64(0));
  Value redirect = arith::AndIOp::create(
      b, loc, isBuffer, arith::AndIOp::create(b, loc, isTokens, later));
  Value next = LLVM::LoadOp::create(
      b, loc, b.getI64Type(),
      kb.gep(param(kBuffers), b.getI64Type(), kb.i64(stepRoles.nextToken)));
  kb.ifThen(redirect, [&] {
    Value token = LLVM::LoadOp::create(
        b, loc, b.getI32Type(),
        LLVM::IntToPtrOp::create(
            b, loc, LLVM::LLVMPointerType::get(b.getContext(), kGlobalSpace),
            next));
    LLVM::StoreOp::create(
        b, loc, token,
        kb.gep(tokenLog(), b.getI32Type(), kb.sub(kb.step, kb.i64(1))));
  });
  return kb.select(redirect, next, address);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// Refuses programs that are not fully worker-assigned.
static LogicalResult checkAssigned(ProgramOp program) {
  if (!program.getTargetAttr())
    return emitError(program.getLoc())
           << "amk-lower-megakernel: program '" << program.getSymName()
           << "' has no target chip: run --amk-compile or --amk-set-target";
  for (TaskOp task : program.getBody()->getOps<TaskOp>())
    if (!task.getWorker() || !task.getQueue())
      return task.emitError()
             << "amk-lower-megakernel: task '" << task.getName()
             << "' has no worker/queue: the program must be fully assigned "
                "(run --amk-compile or --amk-assign-workers)";
  return success();
}

/// Refuses buffers whose elements the kernel and the runtime cannot hold
/// (the runtime's element types, kernels::DType, are the ones that run),
/// and writes of packed sub-byte elements by an op whose body does not own
/// whole bytes (only amk.copy stores a byte per thread).
static LogicalResult checkStorage(ProgramOp program) {
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>()) {
    Type element = buffer.getType().getElementType();
    if (!::amk::kernels::parseDType(dtypeName(element)))
      return buffer.emitError()
             << "amk-lower-megakernel: buffer '" << buffer.getName()
             << "' has element type " << element
             << ", which the megakernel cannot load or store (supported: "
                "f32, f16, bf16, i32, i8, i4, i2, i1)";
  }
  WalkResult walk = program.walk([&](AccessOpInterface op) {
    if (isa<CopyOp>(op))
      return WalkResult::advance();
    SmallVector<Access> accesses;
    op.getAccesses(accesses);
    for (const Access &access : accesses) {
      auto type = cast<MemRefType>(access.buffer.getType());
      if (!access.isWrite() ||
          !::amk::storage::isPacked(type.getElementTypeBitWidth()))
        continue;
      auto buffer = access.buffer.getDefiningOp<BufferOp>();
      op->emitError() << "amk-lower-megakernel: '" << op->getName()
                      << "' writes packed " << type.getElementType()
                      << " elements into buffer '"
                      << (buffer ? buffer.getName() : StringRef("?"))
                      << "'; only amk.copy stores sub-byte elements";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

static FailureOr<gpu::GPUModuleOp>
lowerProgram(ProgramOp program, const LoweringOptions &options) {
  int64_t blockSize = options.blockSize;
  bool trace = options.trace;
  ValidatorOptions validation;
  validation.steps = options.steps;
  if (failed(checkAssigned(program)) || failed(checkStorage(program)) ||
      failed(validateProgram(program, validation)))
    return failure();
  FailureOr<TaskTable> table = buildTaskTable(program, options.steps);
  if (failed(table))
    return failure();
  MLIRContext *ctx = program.getContext();
  TargetAttr target = program.getTargetAttr();
  Location loc = program.getLoc();
  OpBuilder b(program);
  auto module = gpu::GPUModuleOp::create(
      b, loc, "amk",
      b.getArrayAttr({NVVM::NVVMTargetAttr::get(
          ctx, /*optLevel=*/3, "nvptx64-nvidia-cuda", target.getChip(),
          getChipInfo(target).ptxFeatures)}));
  b.setInsertionPointToStart(module.getBody());

  int64_t numWarps = blockSize / 32, sharedWords = 2 * numWarps;
  for (const BodyVariant &variant : table->variants)
    for (Operation *op : variant.ops)
      sharedWords = std::max(sharedWords, sharedWordsFor(op, numWarps));
  LLVM::GlobalOp::create(
      b, loc, LLVM::LLVMArrayType::get(b.getF32Type(), sharedWords + 4),
      /*isConstant=*/false, LLVM::Linkage::Internal, "amk_smem", Attribute(),
      /*alignment=*/16, kSharedSpace);
  int64_t argSlotWords = 1;
  for (const BodyVariant &variant : table->variants)
    argSlotWords = std::max(argSlotWords, variant.argWords);
  LLVM::GlobalOp::create(
      b, loc, LLVM::LLVMArrayType::get(b.getI64Type(), 2 * argSlotWords),
      /*isConstant=*/false, LLVM::Linkage::Internal, "amk_args", Attribute(),
      /*alignment=*/16, kSharedSpace);
  const ChipInfo &chip = getChipInfo(target);
  std::unique_ptr<TileCopy> copier =
      options.stageWeights ? createTileCopy(chip) : nullptr;
  if (copier && llvm::none_of(table->variants, [](const BodyVariant &variant) {
        return llvm::any_of(variant.ops, canStageWeights);
      }))
    copier.reset();
  int64_t pageBytes = 0, dynamicSmem = 0;
  if (copier) {
    // One page slot per warp in what the chip leaves after the static
    // scratch, the argument slots, the ring's header and a margin for the
    // compiler's own shared memory.
    int64_t left = chip.smemPerBlock - 4 * (sharedWords + 4) -
                   16 * argSlotWords - 1024 - kRingHeader;
    pageBytes = left / numWarps / 512 * 512;
    if (pageBytes < 512)
      copier.reset();
  }
  if (copier) {
    dynamicSmem = kRingHeader + numWarps * pageBytes;
    LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), 0),
                           /*isConstant=*/false, LLVM::Linkage::External,
                           "amk_ring", Attribute(), /*alignment=*/128,
                           kSharedSpace);
  }

  auto global = LLVM::LLVMPointerType::get(ctx, kGlobalSpace);
  SmallVector<Type> params(kEpoch, global);
  params.append({b.getI32Type(), b.getI64Type()});
  StepRoles stepRoles{options.steps};
  if (options.steps > 1) {
    params.append({b.getI32Type(), global});
    // The validator run above found the roles unambiguous.
    ProgramRoles roles;
    (void)findRoles(program, roles, [](Operation *, const Twine &) {});
    if (roles.tokens)
      stepRoles.tokens = table->buffers.lookup(roles.tokens).id;
    if (roles.nextToken)
      stepRoles.nextToken = table->buffers.lookup(roles.nextToken).id;
  }
  if (trace)
    params.push_back(global);
  auto func = gpu::GPUFuncOp::create(b, loc, "amk_megakernel",
                                     b.getFunctionType(params, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({int32_t(blockSize), 1, 1}));
  // One persistent block per SM: let ptxas use every register it may.
  func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                b.getI32IntegerAttr(1));
  b.setInsertionPointToStart(&func.getBody().front());
  KernelBuilder kb(b, loc, blockSize);
  if (copier) {
    kb.ring = LLVM::AddressOfOp::create(
        b, loc, LLVM::LLVMPointerType::get(ctx, kSharedSpace), "amk_ring");
    kb.pageBytes = pageBytes;
    kb.copier = copier.get();
  }
  KernelEmitter emitter(kb, func, *table, sharedWords, argSlotWords,
                        chip.hasBulkCopy(), options.l2Prefetch, trace,
                        stepRoles);
  if (failed(emitter.emit()))
    return failure();

  std::string manifest;
  llvm::raw_string_ostream os(manifest);
  os << llvm::json::Value(
      buildManifest(program, *table, target.getChip(), blockSize, dynamicSmem,
                    options.steps));
  module->setAttr("amk.manifest", b.getStringAttr(manifest));
  return module;
}

namespace {
struct LowerMegakernelPass
    : mlir::amk::impl::LowerMegakernelBase<LowerMegakernelPass> {
  using LowerMegakernelBase::LowerMegakernelBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (blockSize < 64 || blockSize > 1024 || blockSize % 32 != 0) {
      emitError(module.getLoc())
          << "amk-lower-megakernel: block-size " << int64_t(blockSize)
          << " must be a multiple of 32 in [64, 1024]";
      return signalPassFailure();
    }
    SmallVector<ProgramOp> programs(module.getOps<ProgramOp>());
    if (programs.size() != 1) {
      emitError(module.getLoc())
          << "amk-lower-megakernel: expected one amk.program, "
          << "found " << programs.size();
      return signalPassFailure();
    }
    if (steps < 1 || steps > 65536) {
      emitError(module.getLoc()) << "amk-lower-megakernel: steps "
                                 << int64_t(steps) << " must be in [1, 65536]";
      return signalPassFailure();
    }
    if (failed(lowerProgram(programs.front(), {blockSize, trace, stageWeights,
                                               l2Prefetch, steps})))
      return signalPassFailure();
    programs.front().erase();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(module.getContext()));
  }
};
} // namespace
