//===- Mutations.cpp - One-change mutations of amk.program ----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Each class changes one thing about a program at a randomly chosen site.
// Whether the result is still safe is for the oracle to say: most classes
// usually break a schedule, some (redundant waits, moved tasks, page reuse)
// often keep it safe, which measures the validator's false rejections.
//
//===----------------------------------------------------------------------===//

#include "Bench.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;
using namespace amkbench;

namespace {
/// A uniformly chosen element of `items`, or null when empty.
template <typename T>
T *pickOne(SmallVectorImpl<T> &items, Rng &rng) {
  return items.empty() ? nullptr : &items[rng() % items.size()];
}

template <typename OpTy>
SmallVector<OpTy> opsOf(ProgramOp program) {
  return llvm::to_vector(program.getBody()->getOps<OpTy>());
}

/// The number of tasks that signal `event`.
unsigned producers(Value event) {
  return getProducers(cast<EventOp>(event.getDefiningOp())).size();
}

/// Replaces the waits of `task`.
void setWaits(TaskOp task, ArrayRef<Value> events, ArrayRef<int64_t> thresholds) {
  task.getWaitsMutable().assign(events);
  task.setThresholdsAttr(DenseI64ArrayAttr::get(task.getContext(), thresholds));
}

/// A `(task, wait index)` site.
using WaitSite = std::pair<TaskOp, unsigned>;

SmallVector<WaitSite> waitSites(ProgramOp program,
                                function_ref<bool(int64_t)> filter) {
  SmallVector<WaitSite> sites;
  for (TaskOp task : program.getBody()->getOps<TaskOp>())
    for (auto [i, threshold] : llvm::enumerate(task.getThresholds()))
      if (filter(threshold))
        sites.push_back({task, unsigned(i)});
  return sites;
}

/// Sets the threshold of one wait to `update(old)`.
bool changeThreshold(ProgramOp program, Rng &rng,
                     function_ref<bool(int64_t)> filter,
                     function_ref<int64_t(int64_t)> update) {
  SmallVector<WaitSite> sites = waitSites(program, filter);
  WaitSite *site = pickOne(sites, rng);
  if (!site)
    return false;
  SmallVector<int64_t> thresholds(site->first.getThresholds());
  thresholds[site->second] = update(thresholds[site->second]);
  site->first.setThresholdsAttr(
      DenseI64ArrayAttr::get(program.getContext(), thresholds));
  return true;
}

bool dropWait(ProgramOp program, Rng &rng) {
  SmallVector<WaitSite> sites = waitSites(program, [](int64_t) { return true; });
  WaitSite *site = pickOne(sites, rng);
  if (!site)
    return false;
  auto [task, index] = *site;
  SmallVector<Value> events(task.getWaits());
  SmallVector<int64_t> thresholds(task.getThresholds());
  events.erase(events.begin() + index);
  thresholds.erase(thresholds.begin() + index);
  setWaits(task, events, thresholds);
  return true;
}

bool lowerThreshold(ProgramOp program, Rng &rng) {
  return changeThreshold(
      program, rng, [](int64_t t) { return t >= 2; },
      [&](int64_t t) { return int64_t(1 + rng() % (t - 1)); });
}

bool raiseThreshold(ProgramOp program, Rng &rng) {
  return changeThreshold(
      program, rng, [](int64_t) { return true; },
      [](int64_t t) { return t + 1; });
}

/// Adds to one task a full wait on the event of another task; a back edge
/// (a cycle) when that task depends on this one, redundant when it
/// already precedes it.
bool addWait(ProgramOp program, Rng &rng, bool backward) {
  SmallVector<TaskOp> tasks = opsOf<TaskOp>(program);
  if (tasks.size() < 2)
    return false;
  size_t a = rng() % tasks.size(), b = rng() % tasks.size();
  if (a == b)
    return false;
  if ((a < b) != backward)
    std::swap(a, b);
  Value event = tasks[b].getSignal();
  SmallVector<Value> events(tasks[a].getWaits());
  SmallVector<int64_t> thresholds(tasks[a].getThresholds());
  events.push_back(event);
  thresholds.push_back(std::max(1u, producers(event)));
  setWaits(tasks[a], events, thresholds);
  return true;
}

bool backEdge(ProgramOp program, Rng &rng) { return addWait(program, rng, true); }
bool forwardWait(ProgramOp program, Rng &rng) {
  return addWait(program, rng, false);
}

SmallVector<TaskOp> assignedTasks(ProgramOp program) {
  return llvm::to_vector(llvm::make_filter_range(
      program.getBody()->getOps<TaskOp>(),
      [](TaskOp t) { return t.getWorker().has_value(); }));
}

void place(TaskOp task, int64_t worker, int64_t queue) {
  Builder b(task.getContext());
  task.setWorkerAttr(b.getI64IntegerAttr(worker));
  task.setQueueAttr(b.getI64IntegerAttr(queue));
}

/// Exchanges the queue slots of two assigned tasks, on one worker or across
/// two.
bool swapSlots(ProgramOp program, Rng &rng, bool sameWorker) {
  SmallVector<TaskOp> tasks = assignedTasks(program);
  TaskOp *a = pickOne(tasks, rng);
  if (!a)
    return false;
  SmallVector<TaskOp> partners = llvm::to_vector(llvm::make_filter_range(
      tasks, [&](TaskOp t) {
        return t != *a && (*t.getWorker() == *a->getWorker()) == sameWorker;
      }));
  TaskOp *b = pickOne(partners, rng);
  if (!b)
    return false;
  int64_t worker = *a->getWorker(), queue = *a->getQueue();
  place(*a, *b->getWorker(), *b->getQueue());
  place(*b, worker, queue);
  return true;
}

bool swapQueue(ProgramOp program, Rng &rng) { return swapSlots(program, rng, true); }
bool swapAcrossWorkers(ProgramOp program, Rng &rng) {
  return swapSlots(program, rng, false);
}

/// Moves one task to a free slot of another worker.
bool moveTask(ProgramOp program, Rng &rng) {
  SmallVector<TaskOp> tasks = assignedTasks(program);
  TaskOp *task = pickOne(tasks, rng);
  int64_t workers = 0, last = 0;
  for (TaskOp t : tasks) {
    workers = std::max<int64_t>(workers, *t.getWorker() + 1);
    last = std::max<int64_t>(last, *t.getQueue());
  }
  if (!task || workers < 2)
    return false;
  int64_t worker = (*task->getWorker() + 1 + rng() % (workers - 1)) % workers;
  // An odd slot between the seeds' dense ones, or past the end.
  place(*task, worker, rng() % 2 ? last + 1 : 2 * (rng() % (last + 1)) + 1);
  return true;
}

/// The compute ops of task bodies, with their regions.
SmallVector<AccessOpInterface> computeOps(ProgramOp program) {
  SmallVector<AccessOpInterface> ops;
  program.walk([&](AccessOpInterface op) { ops.push_back(op); });
  return ops;
}

/// Widens the `cols` of one tile so that it overlaps its neighbour.
bool overlapTiles(ProgramOp program, Rng &rng) {
  SmallVector<std::pair<Operation *, int64_t>> sites;
  for (AccessOpInterface op : computeOps(program)) {
    auto cols = op->getAttrOfType<IntervalAttr>("cols");
    int64_t extent = isa<GemvOp>(op)
                         ? cast<MemRefType>(op->getOperand(0).getType()).getDimSize(0)
                         : *getVectorLength(op->getOperand(0).getType());
    if (cols && cols.size() < extent)
      sites.push_back({op, extent});
  }
  auto *site = pickOne(sites, rng);
  if (!site)
    return false;
  auto cols = site->first->getAttrOfType<IntervalAttr>("cols");
  int64_t lo = cols.getLo(), hi = cols.getHi();
  if (hi < site->second && (lo == 0 || rng() % 2))
    hi += 1 + rng() % (site->second - hi);
  else
    lo -= 1 + rng() % lo;
  site->first->setAttr("cols", IntervalAttr::get(program.getContext(), lo, hi));
  return true;
}

/// Places two transient buffers not sharing a page onto one new page.
bool aliasPage(ProgramOp program, Rng &rng) {
  SmallVector<BufferOp> buffers = llvm::to_vector(llvm::make_filter_range(
      program.getBody()->getOps<BufferOp>(),
      [](BufferOp b) { return b.isTransient(); }));
  BufferOp *a = pickOne(buffers, rng), *b = pickOne(buffers, rng);
  if (!a || *a == *b || (a->getPage() && a->getPage() == b->getPage()))
    return false;
  OpBuilder builder(program.getBody(), program.getBody()->begin());
  int64_t bytes = std::max(a->getType().getNumElements(),
                           b->getType().getNumElements()) * 8;
  auto page = PageOp::create(builder, program.getLoc(),
                             PageType::get(program.getContext()),
                             builder.getStringAttr("alias"),
                             builder.getI64IntegerAttr(bytes), IntervalAttr());
  a->getPageMutable().assign(page.getResult());
  b->getPageMutable().assign(page.getResult());
  return true;
}

/// Bytes a buffer takes (element bits rounded up to bytes as a whole).
int64_t bufferBytes(BufferOp buffer) {
  MemRefType type = buffer.getType();
  return (type.getNumElements() * type.getElementTypeBitWidth() + 7) / 8;
}

/// Moves one transient buffer onto an existing page of other buffers,
/// growing the page when the buffer would not fit.
bool moveToPage(ProgramOp program, Rng &rng) {
  SmallVector<PageOp> pages = opsOf<PageOp>(program);
  SmallVector<BufferOp> buffers = llvm::to_vector(llvm::make_filter_range(
      program.getBody()->getOps<BufferOp>(),
      [](BufferOp b) { return b.isTransient(); }));
  PageOp *page = pickOne(pages, rng);
  BufferOp *buffer = pickOne(buffers, rng);
  if (!page || !buffer || buffer->getPage() == page->getResult())
    return false;
  int64_t bytes = std::max<int64_t>(page->getBytesAttr().getInt(),
                                    bufferBytes(*buffer));
  page->setBytesAttr(Builder(program).getI64IntegerAttr(bytes));
  buffer->getPageMutable().assign(page->getResult());
  return true;
}

/// Shrinks one page below the size of its largest buffer.
bool shrinkPage(ProgramOp program, Rng &rng) {
  SmallVector<PageOp> pages = opsOf<PageOp>(program);
  PageOp *page = pickOne(pages, rng);
  if (!page)
    return false;
  int64_t largest = 0;
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>())
    if (buffer.getPage() == page->getResult())
      largest = std::max(largest, bufferBytes(buffer));
  if (largest < 2)
    return false;
  page->setBytesAttr(
      Builder(program).getI64IntegerAttr(1 + int64_t(rng() % (largest - 1))));
  return true;
}

/// Makes one rope, kv_append or attention read the position from another
/// one-element i32 buffer (the token input, or a new input).
bool swapPositionOperand(ProgramOp program, Rng &rng) {
  SmallVector<std::pair<Operation *, unsigned>> sites;
  program.walk([&](Operation *op) {
    Value position = llvm::TypeSwitch<Operation *, Value>(op)
                         .Case<RopeOp, KVAppendOp, AttentionOp>(
                             [](auto op) { return op.getPosition(); })
                         .Default([](Operation *) { return Value(); });
    for (OpOperand &operand : op->getOpOperands())
      if (position && operand.get() == position)
        sites.push_back({op, operand.getOperandNumber()});
  });
  auto *site = pickOne(sites, rng);
  if (!site)
    return false;
  Value current = site->first->getOperand(site->second);
  SmallVector<Value> others;
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>())
    if (buffer.getResult() != current &&
        buffer.getType() == current.getType())
      others.push_back(buffer.getResult());
  Value *other = pickOne(others, rng);
  Value replacement;
  if (other && rng() % 2) {
    replacement = *other;
  } else {
    OpBuilder builder(program.getBody(), program.getBody()->begin());
    replacement = BufferOp::create(builder, program.getLoc(), current.getType(),
                                   builder.getStringAttr("pos2"),
                                   BufferKind::Input, StringAttr(), Value());
  }
  site->first->setOperand(site->second, replacement);
  return true;
}

/// After an argmax (or argmax_reduce) writes its token, copies it and
/// embeds it with a new table whose rows may be fewer than the logits.
bool indexRange(ProgramOp program, Rng &rng) {
  SmallVector<Operation *> sites;
  program.walk([&](Operation *op) {
    if (isa<ArgmaxOp, ArgmaxReduceOp>(op))
      sites.push_back(op);
  });
  Operation **site = pickOne(sites, rng);
  if (!site)
    return false;
  Operation *argmax = *site;
  Value token = argmax->getOperands().back();
  int64_t logits = 0;
  if (auto op = dyn_cast<ArgmaxOp>(argmax))
    logits = op.getLogits().getType().getNumElements();
  else
    program.walk([&](ArgmaxPartialOp op) {
      if (IntervalAttr cols = op.getColsAttr())
        logits = std::max<int64_t>(logits, cols.getHi());
      else
        logits = std::max<int64_t>(logits,
                                   op.getLogits().getType().getNumElements());
    });
  int64_t rows = std::max<int64_t>(1, logits - int64_t(rng() % 3));
  OpBuilder builder(program.getBody(), program.getBody()->begin());
  MLIRContext *context = program.getContext();
  auto i32 = MemRefType::get({1}, IntegerType::get(context, 32));
  auto table = MemRefType::get({rows, 4}, Float32Type::get(context));
  auto row = MemRefType::get({4}, Float32Type::get(context));
  Location loc = program.getLoc();
  Value idx = BufferOp::create(builder, loc, i32, builder.getStringAttr("idx"),
                               BufferKind::Activation, StringAttr(), Value());
  Value weights = BufferOp::create(builder, loc, table,
                                   builder.getStringAttr("table2"),
                                   BufferKind::Weight, StringAttr(), Value());
  Value out = BufferOp::create(builder, loc, row, builder.getStringAttr("row2"),
                               BufferKind::Activation, StringAttr(), Value());
  builder.setInsertionPointAfter(argmax);
  CopyOp::create(builder, loc, token, idx, IntervalAttr());
  EmbedOp::create(builder, loc, weights, idx, out);
  return true;
}

/// A new buffer named `name` of `type` and `kind` at the top of `program`
/// (after its `page`, if any).
Value newBuffer(ProgramOp program, StringRef name, MemRefType type,
                BufferKind kind, Value page = Value()) {
  OpBuilder builder(program.getBody(), program.getBody()->begin());
  if (page)
    builder.setInsertionPointAfter(page.getDefiningOp());
  return BufferOp::create(builder, program.getLoc(), type,
                          builder.getStringAttr(name), kind, StringAttr(),
                          page);
}

/// Makes a read operand of one op the buffer one of its writes goes to
/// (every read operand of that type, or one): in place only where the op
/// declares that pair of operands in place (`gemv %w, %x -> %x residual
/// %x` reads its input whole while other warps store).
bool inPlaceOperand(ProgramOp program, Rng &rng) {
  SmallVector<std::pair<AccessOpInterface, OpOperand *>> writes;
  for (AccessOpInterface op : computeOps(program)) {
    SmallVector<Access> accesses;
    op.getAccesses(accesses);
    for (const Access &access : accesses)
      if (access.isWrite() && access.operand)
        writes.push_back({op, access.operand});
  }
  auto *site = pickOne(writes, rng);
  if (!site)
    return false;
  auto [op, write] = *site;
  SmallVector<Access> accesses;
  op.getAccesses(accesses);
  SmallVector<OpOperand *> reads;
  for (const Access &access : accesses)
    if (!access.isWrite() && access.operand && access.buffer != write->get() &&
        access.buffer.getType() == write->get().getType())
      reads.push_back(access.operand);
  if (reads.empty())
    return false;
  if (rng() % 2) {
    OpOperand *one = *pickOne(reads, rng);
    reads.assign(1, one);
  }
  for (OpOperand *read : reads)
    read->set(write->get());
  return true;
}

/// Adds to one task an argmax over a new input whose partial value and
/// index go to two new scratch buffers, on one page (both written over its
/// first bytes by one op: a race inside the op) or on none, then reduced.
bool partialWritesOnePage(ProgramOp program, Rng &rng) {
  SmallVector<TaskOp> tasks = opsOf<TaskOp>(program);
  TaskOp *task = pickOne(tasks, rng);
  if (!task)
    return false;
  MLIRContext *context = program.getContext();
  Type f32 = Float32Type::get(context), i32 = IntegerType::get(context, 32);
  Value page;
  if (rng() % 2) {
    OpBuilder builder(program.getBody(), program.getBody()->begin());
    page = PageOp::create(builder, program.getLoc(), PageType::get(context),
                          builder.getStringAttr("pair"),
                          builder.getI64IntegerAttr(256), IntervalAttr());
  }
  Value logits =
      newBuffer(program, "lx", MemRefType::get({8}, f32), BufferKind::Input);
  Value values = newBuffer(program, "pv", MemRefType::get({1}, f32),
                           BufferKind::Scratch, page);
  Value indices = newBuffer(program, "pi", MemRefType::get({1}, i32),
                            BufferKind::Scratch, page);
  Value token = newBuffer(program, "pt", MemRefType::get({1}, i32),
                          BufferKind::Activation);
  OpBuilder builder = OpBuilder::atBlockEnd(&task->getBodyBlock());
  ArgmaxPartialOp::create(builder, task->getLoc(), logits, values, indices,
                          builder.getI64IntegerAttr(0), IntervalAttr());
  ArgmaxReduceOp::create(builder, task->getLoc(), values, indices, token);
  return true;
}

/// Adds to one task an argmax over a new input of about a thousand logits
/// whose token is copied through a narrower type (bf16, f16 or f32) back to
/// i32 and looks up a new table of about as many rows: whether the rounded
/// index stays inside the table is the question.
bool indexRounding(ProgramOp program, Rng &rng) {
  SmallVector<TaskOp> tasks = opsOf<TaskOp>(program);
  TaskOp *task = pickOne(tasks, rng);
  if (!task)
    return false;
  MLIRContext *context = program.getContext();
  Type f32 = Float32Type::get(context), i32 = IntegerType::get(context, 32);
  Type narrow[] = {BFloat16Type::get(context), Float16Type::get(context), f32};
  int64_t logits = 990 + int64_t(rng() % 20);
  int64_t rows = logits - 2 + int64_t(rng() % 5);
  Value input = newBuffer(program, "lr", MemRefType::get({logits}, f32),
                          BufferKind::Input);
  Value index = newBuffer(program, "ri", MemRefType::get({1}, i32),
                          BufferKind::Activation);
  Value converted =
      newBuffer(program, "rf", MemRefType::get({1}, narrow[rng() % 3]),
                BufferKind::Activation);
  Value token = newBuffer(program, "rt", MemRefType::get({1}, i32),
                          BufferKind::Activation);
  Value table = newBuffer(program, "rtab", MemRefType::get({rows, 4}, f32),
                          BufferKind::Weight);
  Value row = newBuffer(program, "rrow", MemRefType::get({4}, f32),
                        BufferKind::Activation);
  OpBuilder builder = OpBuilder::atBlockEnd(&task->getBodyBlock());
  Location loc = task->getLoc();
  ArgmaxOp::create(builder, loc, input, index);
  CopyOp::create(builder, loc, index, converted, IntervalAttr());
  CopyOp::create(builder, loc, converted, token, IntervalAttr());
  EmbedOp::create(builder, loc, table, token, row);
  return true;
}

/// Makes one embedding look its token up in the position input 'pos': the
/// host writes the token, then the position, into it.
bool aliasRole(ProgramOp program, Rng &rng) {
  Value position;
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>())
    if (buffer.getKind() == BufferKind::Input && buffer.getName() == "pos")
      position = buffer.getResult();
  SmallVector<EmbedOp> embeds;
  program.walk([&](EmbedOp op) { embeds.push_back(op); });
  EmbedOp *embed = pickOne(embeds, rng);
  if (!embed || !position || embed->getToken() == position)
    return false;
  embed->getTokenMutable().set(position);
  return true;
}

/// Moves one waited-on event's init next to 2^32 (shifting its waits by
/// the same amount, capped at 2^32 - 1): safe while init + producers fits
/// 32 bits, a wrapped counter one past it.
bool counterNearWrap(ProgramOp program, Rng &rng) {
  SmallVector<EventOp> events = opsOf<EventOp>(program);
  EventOp *event = pickOne(events, rng);
  if (!event)
    return false;
  int64_t init = event->getInitAttr().getInt();
  int64_t count = producers(event->getResult());
  int64_t limit = std::numeric_limits<uint32_t>::max();
  int64_t newInit = limit - count + int64_t(rng() % 3) - 1;
  if (newInit < 0 || newInit > limit)
    return false;
  int64_t shift = newInit - init;
  SmallVector<std::pair<TaskOp, SmallVector<int64_t>>> updates;
  for (TaskOp task : program.getBody()->getOps<TaskOp>()) {
    SmallVector<int64_t> thresholds(task.getThresholds());
    bool changed = false;
    for (auto [i, wait] : llvm::enumerate(task.getWaits()))
      if (wait == event->getResult()) {
        // A 32-bit threshold cannot follow a counter past 2^32 - 1.
        thresholds[i] = std::min(thresholds[i] + shift, limit);
        changed = true;
        if (thresholds[i] < 1)
          return false;
      }
    if (changed)
      updates.push_back({task, thresholds});
  }
  if (updates.empty())
    return false;
  for (auto &[task, thresholds] : updates)
    task.setThresholdsAttr(DenseI64ArrayAttr::get(program.getContext(), thresholds));
  event->setInitAttr(Builder(program).getI64IntegerAttr(newInit));
  return true;
}

/// Adds to one task an op that writes a weight.
bool writeWeight(ProgramOp program, Rng &rng) {
  SmallVector<BufferOp> weights = llvm::to_vector(llvm::make_filter_range(
      program.getBody()->getOps<BufferOp>(),
      [](BufferOp b) { return b.isReadOnly(); }));
  SmallVector<TaskOp> tasks = opsOf<TaskOp>(program);
  BufferOp *weight = pickOne(weights, rng);
  TaskOp *task = pickOne(tasks, rng);
  if (!weight || !task)
    return false;
  OpBuilder builder = OpBuilder::atBlockEnd(&task->getBodyBlock());
  OpaqueOp::create(builder, task->getLoc(), builder.getStringAttr("NOP"),
                   ValueRange(), ValueRange{weight->getResult()},
                   DictionaryAttr());
  return true;
}

/// Fixes the decode position at or past the end of the KV cache.
bool positionOutOfBounds(ProgramOp program, Rng &rng) {
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>())
    if (buffer.getKind() == BufferKind::KVCache) {
      int64_t rows = buffer.getType().getDimSize(0);
      program.setPositionAttr(
          Builder(program).getI64IntegerAttr(rows + int64_t(rng() % 2)));
      return true;
    }
  return false;
}

/// Puts one task on the first worker past the target's SMs.
bool workerOutOfGrid(ProgramOp program, Rng &rng) {
  SmallVector<TaskOp> tasks = assignedTasks(program);
  TaskOp *task = pickOne(tasks, rng);
  TargetAttr target = program.getTargetAttr();
  if (!task || !target)
    return false;
  place(*task, target.getSmCount(), *task->getQueue());
  return true;
}

/// Removes the slot of the last worker from one barrier.
bool dropBarrierSlot(ProgramOp program, Rng &rng) {
  SmallVector<BarrierOp> barriers = opsOf<BarrierOp>(program);
  BarrierOp *barrier = pickOne(barriers, rng);
  if (!barrier || barrier->getSlots().size() < 2)
    return false;
  barrier->setSlotsAttr(DenseI64ArrayAttr::get(
      program.getContext(), barrier->getSlots().drop_back()));
  return true;
}

/// Moves one barrier's slot on one worker to after its next task.
bool shiftBarrierSlot(ProgramOp program, Rng &rng) {
  SmallVector<BarrierOp> barriers = opsOf<BarrierOp>(program);
  BarrierOp *barrier = pickOne(barriers, rng);
  if (!barrier)
    return false;
  SmallVector<int64_t> slots(barrier->getSlots());
  int64_t worker = rng() % slots.size();
  int64_t target = slots[worker] + 1;
  for (TaskOp task : program.getBody()->getOps<TaskOp>())
    if (task.getWorker() == worker && task.getQueue() == target)
      place(task, worker, slots[worker]);
  slots[worker] = target;
  barrier->setSlotsAttr(DenseI64ArrayAttr::get(program.getContext(), slots));
  return true;
}

/// Erases one compute op; when `outputs`, only one that writes an output.
bool dropOp(ProgramOp program, Rng &rng, bool outputs) {
  SmallVector<AccessOpInterface> ops = computeOps(program);
  if (outputs)
    llvm::erase_if(ops, [](AccessOpInterface op) {
      SmallVector<Access> accesses;
      op.getAccesses(accesses);
      return llvm::none_of(accesses, [](const Access &a) {
        auto buffer = a.buffer.getDefiningOp<BufferOp>();
        return a.isWrite() && buffer.getKind() == BufferKind::Output;
      });
    });
  AccessOpInterface *op = pickOne(ops, rng);
  if (!op)
    return false;
  op->erase();
  return true;
}

bool dropOutputProducer(ProgramOp program, Rng &rng) {
  return dropOp(program, rng, true);
}
bool dropComputeOp(ProgramOp program, Rng &rng) {
  return dropOp(program, rng, false);
}

/// Starts one waited-on event at 1 instead of 0.
bool nonzeroInit(ProgramOp program, Rng &rng) {
  SmallVector<EventOp> events = llvm::to_vector(llvm::make_filter_range(
      program.getBody()->getOps<EventOp>(),
      [](EventOp e) { return llvm::any_of(e->getUsers(), [&](Operation *user) {
        return llvm::is_contained(cast<TaskOp>(user).getWaits(), e.getResult());
      }); }));
  EventOp *event = pickOne(events, rng);
  if (!event)
    return false;
  event->setInitAttr(Builder(program).getI64IntegerAttr(1 + rng() % 2));
  return true;
}

/// Makes two events one: each waiter's threshold now counts only part of
/// the producers it could be credited with.
bool mergeEvents(ProgramOp program, Rng &rng) {
  SmallVector<EventOp> events = opsOf<EventOp>(program);
  EventOp *a = pickOne(events, rng), *b = pickOne(events, rng);
  if (!a || *a == *b)
    return false;
  b->getResult().replaceAllUsesWith(a->getResult());
  return true;
}

const MutationClass kClasses[] = {
    {"drop-wait", dropWait},
    {"lower-threshold", lowerThreshold},
    {"raise-threshold", raiseThreshold},
    {"back-edge", backEdge},
    {"add-forward-wait", forwardWait},
    {"swap-queue-order", swapQueue},
    {"swap-across-workers", swapAcrossWorkers},
    {"move-task", moveTask},
    {"overlap-tiles", overlapTiles},
    {"alias-page", aliasPage},
    {"move-to-page", moveToPage},
    {"shrink-page", shrinkPage},
    {"swap-position-operand", swapPositionOperand},
    {"index-range", indexRange},
    {"counter-near-wrap", counterNearWrap},
    {"write-weight", writeWeight},
    {"position-oob", positionOutOfBounds},
    {"worker-oob", workerOutOfGrid},
    {"drop-barrier-slot", dropBarrierSlot},
    {"shift-barrier-slot", shiftBarrierSlot},
    {"drop-output-producer", dropOutputProducer},
    {"drop-compute-op", dropComputeOp},
    {"nonzero-init", nonzeroInit},
    {"merge-events", mergeEvents},
    {"in-place-operand", inPlaceOperand},
    {"partial-writes-one-page", partialWritesOnePage},
    {"index-rounding", indexRounding},
    {"alias-role", aliasRole},
};
} // namespace

ArrayRef<MutationClass> amkbench::mutationClasses() { return kClasses; }
