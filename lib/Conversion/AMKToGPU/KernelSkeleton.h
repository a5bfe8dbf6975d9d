//===- KernelSkeleton.h - The persistent kernel's emitter -------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The persistent kernel of one task table, as KernelEmitter builds it: the
// kernel parameters (docs/megakernel-abi.md), the queue and steps loops,
// argument staging, the weight ring and the L2 prefetch (KernelSkeleton.cpp)
// and the sync protocol: waits, signals and the watchdog (SyncProtocol.cpp).
// The shared-memory plan is fixed by lowerProgram (LowerMegakernel.cpp).
// Warps have one role per phase: warp 0 checks the waits while warps 1..
// stage the arguments and issue the first weight pages; then the whole
// block runs the body.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_AMKTOGPU_KERNELSKELETON_H
#define AMK_CONVERSION_AMKTOGPU_KERNELSKELETON_H

#include "KernelBuilder.h"
#include "TaskTable.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir {
namespace amk {

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

} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_AMKTOGPU_KERNELSKELETON_H
