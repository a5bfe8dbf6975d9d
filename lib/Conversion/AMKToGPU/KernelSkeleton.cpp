//===- KernelSkeleton.cpp - The persistent kernel's loops -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The kernel is an interpreter over the task table (TaskTable.h): block `w`
// walks worker `w`'s queue, once or once per step; per task it stages the
// arguments and issues the first weight pages while warp 0 checks the waits
// (SyncProtocol.cpp), runs the task's body variant (an scf.index_switch over
// the variants, each built by the body patterns) and signals. The next
// descriptor is loaded, and its weights prefetched into L2, one task ahead.
// Nothing is unrolled per task or per worker: the code grows with the number
// of distinct variants only.
//
//===----------------------------------------------------------------------===//

#include "KernelSkeleton.h"

#include "BodyPatterns.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::amk;

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
