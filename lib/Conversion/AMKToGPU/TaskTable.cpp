//===- TaskTable.cpp - The megakernel's task table -----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Encodes a worker-assigned amk.program as the task table's words
// (docs/megakernel-abi.md); Manifest.cpp writes them out as JSON.
//
//===----------------------------------------------------------------------===//

#include "TaskTable.h"

#include "AMK/Analysis/Roles.h"
#include "AMK/Dialect/AMK/IR/AMKAttrs.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>
#include <map>

using namespace mlir;
using namespace mlir::amk;

std::string mlir::amk::dtypeName(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  if (type.isF64())
    return "f64";
  if (auto integer = dyn_cast<IntegerType>(type))
    return (integer.isUnsigned() ? "u" : "i") +
           std::to_string(integer.getWidth());
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return name;
}

/// Bytes of a buffer of type \p type in the storage model (verified
/// buffers are bounded, so the size exists).
static int64_t bufferBytes(MemRefType type) {
  return *getBoundedBufferBytes(type);
}

static int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// The arena a buffer of \p kind lives in.
static StringRef arenaOf(BufferKind kind) {
  switch (kind) {
  case BufferKind::Weight:
  case BufferKind::Const:
    return "weights";
  case BufferKind::Input:
  case BufferKind::Output:
    return "io";
  case BufferKind::KVCache:
    return "kv";
  case BufferKind::Activation:
  case BufferKind::Scratch:
    return "scratch";
  }
  llvm_unreachable("unknown buffer kind");
}

namespace {
/// The run-time part of one compute op: its buffer operands and integers.
struct OpArguments {
  SmallVector<Value, 6> buffers;
  SmallVector<int64_t, 6> ints;
};

} // namespace

static FailureOr<OpArguments> argumentsOf(Operation *op);

namespace {
/// Builds the task table of one program.
class TableBuilder {
public:
  TableBuilder(ProgramOp program, int64_t steps)
      : program(program), steps(steps) {}
  FailureOr<TaskTable> build();

private:
  void placeBuffers();
  void numberEvents();
  LogicalResult appendQueues();
  LogicalResult appendTask(TaskOp task);
  void appendBarrierArrival(StringRef name, int64_t event);
  FailureOr<int64_t> variantOf(TaskOp task);
  FailureOr<int64_t> appendPrefetch(TaskOp task);
  LogicalResult push(std::vector<int32_t> &to, int64_t value, StringRef what);

  ProgramOp program;
  int64_t steps;
  TaskTable table;
  std::map<std::vector<const void *>, int64_t> variantIds;
  llvm::DenseMap<Operation *, int64_t> barrierEvents;
};
} // namespace

LogicalResult TableBuilder::push(std::vector<int32_t> &to, int64_t value,
                                 StringRef what) {
  if (value < std::numeric_limits<int32_t>::min() ||
      value > std::numeric_limits<int32_t>::max())
    return emitError(program.getLoc())
           << "amk-lower-megakernel: " << what << " " << value
           << " does not fit the task table's "
           << "32-bit words";
  to.push_back(int32_t(value));
  return success();
}

void TableBuilder::placeBuffers() {
  llvm::DenseMap<Value, int64_t> pageOffsets;
  int64_t id = 0;
  for (Operation &op : program.getBody()->getOperations()) {
    if (auto page = dyn_cast<PageOp>(op)) {
      int64_t &end = table.arenaBytes["scratch"];
      pageOffsets[page.getResult()] = end;
      end = alignTo(end + page.getBytes(), kArenaAlignment);
      continue;
    }
    auto buffer = dyn_cast<BufferOp>(op);
    if (!buffer)
      continue;
    BufferPlacement place;
    place.id = id++;
    place.arena = arenaOf(buffer.getKind()).str();
    place.bytes = bufferBytes(buffer.getType());
    if (Value page = buffer.getPage()) {
      place.offset = pageOffsets.lookup(page);
    } else {
      int64_t &end = table.arenaBytes[place.arena];
      place.offset = end;
      end = alignTo(end + place.bytes, kArenaAlignment);
    }
    table.buffers[buffer.getResult()] = place;
  }
  for (StringRef arena : {"weights", "io", "kv", "scratch"})
    table.arenaBytes.try_emplace(arena, 0);
}

void TableBuilder::numberEvents() {
  for (EventOp event : program.getBody()->getOps<EventOp>()) {
    table.events[event.getResult()] = int64_t(table.producers.size());
    table.producers.push_back(0);
  }
  for (TaskOp task : program.getBody()->getOps<TaskOp>())
    ++table.producers[table.events.lookup(task.getSignal())];
  // Each grid barrier gets an event of its own that every worker arrives at.
  for (BarrierOp barrier : program.getBody()->getOps<BarrierOp>()) {
    barrierEvents[barrier] = int64_t(table.producers.size());
    table.producers.push_back(table.workers);
  }
  if (steps > 1) {
    table.separator = int64_t(table.producers.size());
    table.producers.push_back(table.workers);
  }
}

LogicalResult TableBuilder::appendQueues() {
  // Queue entries per worker: (position, is-barrier, op), as the validator
  // orders them (a task and a barrier at the same slot: the task first).
  std::vector<SmallVector<std::tuple<int64_t, int, Operation *>>> entries(
      table.workers);
  for (TaskOp task : program.getBody()->getOps<TaskOp>())
    entries[*task.getWorker()].push_back({*task.getQueue(), 0, task});
  for (BarrierOp barrier : program.getBody()->getOps<BarrierOp>())
    for (auto [w, slot] : llvm::enumerate(barrier.getSlots()))
      entries[w].push_back({slot, 1, barrier});
  for (int64_t w = 0; w < table.workers; ++w) {
    llvm::stable_sort(entries[w], [](const auto &a, const auto &b) {
      return std::make_pair(std::get<0>(a), std::get<1>(a)) <
             std::make_pair(std::get<0>(b), std::get<1>(b));
    });
    table.queues.push_back(
        int32_t(table.descriptors.size() / kDescriptorWords));
    for (auto &[slot, isBarrier, op] : entries[w]) {
      if (auto barrier = dyn_cast<BarrierOp>(op))
        appendBarrierArrival(("barrier " + barrier.getName()).str(),
                             barrierEvents.lookup(barrier));
      else if (failed(appendTask(cast<TaskOp>(op))))
        return failure();
    }
    if (table.separator >= 0)
      appendBarrierArrival(kStepSeparator, table.separator);
  }
  table.queues.push_back(int32_t(table.descriptors.size() / kDescriptorWords));
  return success();
}

void TableBuilder::appendBarrierArrival(StringRef name, int64_t event) {
  int64_t waitBegin = int64_t(table.waits.size()) / kWaitWords;
  table.waits.insert(table.waits.end(),
                     {int32_t(event), int32_t(table.workers),
                      int32_t(table.workers)});
  table.descriptors.insert(
      table.descriptors.end(),
      {-1, int32_t(event), int32_t(waitBegin), 1,
       int32_t(table.args.size()), int32_t(table.taskNames.size()),
       kFlagArriveFirst, -1});
  table.taskNames.push_back(name.str());
}

LogicalResult TableBuilder::appendTask(TaskOp task) {
  FailureOr<int64_t> variant = variantOf(task);
  if (failed(variant))
    return failure();
  int64_t waitBegin = int64_t(table.waits.size()) / kWaitWords;
  for (auto [event, threshold] :
       llvm::zip(task.getWaits(), task.getThresholds())) {
    int64_t id = table.events.lookup(event);
    if (failed(push(table.waits, id, "event id")) ||
        failed(push(table.waits, threshold, "wait threshold")) ||
        failed(push(table.waits, table.producers[id], "producer count")))
      return failure();
  }
  int64_t argBegin = int64_t(table.args.size());
  for (Operation &op : task.getBodyBlock()) {
    FailureOr<OpArguments> arguments = argumentsOf(&op);
    if (failed(arguments))
      return failure();
    for (Value buffer : arguments->buffers)
      table.args.push_back(int32_t(table.buffers.lookup(buffer).id));
    for (int64_t value : arguments->ints)
      if (failed(push(table.args, value, "argument")))
        return failure();
  }
  FailureOr<int64_t> prefetch = appendPrefetch(task);
  if (failed(prefetch))
    return failure();
  SmallVector<int64_t> words = {*variant,
                                table.events.lookup(task.getSignal()),
                                waitBegin,
                                int64_t(task.getWaits().size()),
                                argBegin,
                                int64_t(table.taskNames.size()),
                                0,
                                *prefetch};
  for (int64_t word : words)
    if (failed(push(table.descriptors, word, "descriptor word")))
      return failure();
  table.taskNames.push_back(task.getName().str());
  return success();
}

/// The byte range `[lo, hi)` of \p buffer that covers \p access, widened to
/// 16-byte boundaries (bulk prefetches need them; arenas are 256-aligned).
static std::pair<int64_t, int64_t> byteSpan(MemRefType type,
                                            const Access &access) {
  int64_t first = 0, last = 0, stride = 1;
  ArrayRef<int64_t> shape = type.getShape();
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    auto [lo, hi] = access.box[d].at(0);
    first += lo * stride;
    last += (hi - 1) * stride;
    stride *= shape[d];
  }
  int64_t bits = type.getElementTypeBitWidth();
  int64_t lo = first * bits / 8, hi = ((last + 1) * bits + 7) / 8;
  return {lo / 16 * 16, (hi + 15) / 16 * 16};
}

/// Appends the weight regions \p task reads as prefetch entries to the
/// argument pool: `count, (buffer, offset lo, offset hi, bytes) x count`.
/// Returns the entry's index, or -1 when the task reads no weights. The
/// embedding table is left out: the row it reads depends on the token.
FailureOr<int64_t> TableBuilder::appendPrefetch(TaskOp task) {
  TargetAttr target = program.getTargetAttr();
  int64_t prefetchCap = std::max<int64_t>(
      64 << 10, target.getL2Bytes() / std::max<int64_t>(table.workers, 1) / 16 * 16);
  SmallVector<int64_t> entries;
  task.forEachAccess([&](Operation *op, const Access &access) {
    auto buffer = cast<BufferOp>(access.buffer.getDefiningOp());
    if (access.isWrite() || isa<EmbedOp>(op) ||
        buffer.getKind() != BufferKind::Weight ||
        llvm::any_of(access.box,
                     [](const Interval &i) { return !i.isConstant(); }))
      return;
    auto [lo, hi] = byteSpan(buffer.getType(), access);
    // More than this worker's share of L2 would be evicted before use.
    hi = std::min(hi, lo + prefetchCap);
    if (hi <= lo)
      return;
    entries.append({table.buffers.lookup(access.buffer).id, lo & 0xffffffff,
                    lo >> 32, hi - lo});
  });
  if (entries.empty())
    return -1;
  int64_t at = int64_t(table.args.size());
  if (failed(push(table.args, int64_t(entries.size() / kPrefetchWords),
                  "prefetch count")))
    return failure();
  for (auto [i, value] : llvm::enumerate(entries)) {
    // The low offset word is stored as its 32-bit pattern.
    int64_t word = i % kPrefetchWords == 1 ? int64_t(int32_t(uint32_t(value)))
                                           : value;
    if (failed(push(table.args, word, "prefetch entry")))
      return failure();
  }
  return at;
}

/// Attributes whose values are run-time arguments, not part of a variant.
static bool isRunTimeAttr(StringRef name) {
  return llvm::is_contained({"cols", "heads", "kv", "slot", "row"}, name);
}

FailureOr<int64_t> TableBuilder::variantOf(TaskOp task) {
  // Attributes and types are uniqued by the context, so their storage
  // pointers identify the static facts without printing them.
  std::vector<const void *> key;
  for (Operation &op : task.getBodyBlock()) {
    if (isa<OpaqueOp>(op))
      return task.emitError()
             << "amk-lower-megakernel: task '" << task.getName()
             << "' has an amk.opaque body op ('"
             << cast<OpaqueOp>(op).getOpKind()
             << "'), which has no GPU lowering";
    key.push_back(op.getName().getAsOpaquePointer());
    // A run-time attribute's value is an argument, but whether the op has
    // it is a static fact of the variant (e.g. a copy of columns).
    for (NamedAttribute attr : op.getAttrs())
      key.insert(key.end(),
                 {attr.getName().getAsOpaquePointer(),
                  isRunTimeAttr(attr.getName())
                      ? nullptr
                      : attr.getValue().getAsOpaquePointer()});
    for (Type type : op.getOperandTypes())
      key.push_back(type.getAsOpaquePointer());
    key.push_back(nullptr);
  }
  auto [it, inserted] =
      variantIds.try_emplace(key, int64_t(table.variants.size()));
  if (inserted) {
    BodyVariant variant;
    int64_t offset = 0;
    for (Operation &op : task.getBodyBlock()) {
      variant.ops.push_back(&op);
      variant.argOffsets.push_back(offset);
      FailureOr<OpArguments> arguments = argumentsOf(&op);
      if (failed(arguments))
        return failure();
      variant.bufferArgs.push_back(int64_t(arguments->buffers.size()));
      offset += int64_t(arguments->buffers.size() + arguments->ints.size());
    }
    variant.argWords = offset;
    table.variants.push_back(std::move(variant));
  }
  return it->second;
}

/// Appends the constant interval \p attr, or `[0, whole)` when absent.
static LogicalResult appendRange(SmallVectorImpl<int64_t> &ints,
                                 IntervalAttr attr, int64_t whole,
                                 Operation *op, StringRef what) {
  if (!attr) {
    ints.append({0, whole});
    return success();
  }
  if (!attr.isConstant())
    return op->emitError() << "amk-lower-megakernel: a position-relative '"
                           << what << "' range has no lowering";
  ints.append({attr.getLo(), attr.getHi()});
  return success();
}

static int64_t lastDim(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getShape().back();
}
static int64_t numElements(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getNumElements();
}

/// The run-time arguments of \p op (docs/megakernel-abi.md).
static FailureOr<OpArguments> argumentsOf(Operation *op) {
  OpArguments a;
  a.buffers.append(op->getOperands().begin(), op->getOperands().end());
  LogicalResult ok =
      llvm::TypeSwitch<Operation *, LogicalResult>(op)
          .Case([&](RMSNormOp o) {
            int64_t len = numElements(o.getInput());
            if (!o.getHeadDim()) {
              a.ints.append({0, 1});
              return success();
            }
            return appendRange(a.ints, o.getHeadsAttr(), len / *o.getHeadDim(),
                               op, "heads");
          })
          .Case([&](GemvOp o) {
            int64_t n = cast<MemRefType>(o.getWeight().getType()).getShape()[0];
            return appendRange(a.ints, o.getColsAttr(), n, op, "cols");
          })
          .Case([&](RopeOp o) {
            return appendRange(a.ints, o.getHeadsAttr(),
                               numElements(o.getInput()) / o.getHeadDim(), op,
                               "heads");
          })
          .Case([&](KVAppendOp o) {
            auto shape = cast<MemRefType>(o.getCache().getType()).getShape();
            if (failed(appendRange(a.ints, o.getHeadsAttr(), shape[1], op,
                                   "heads")))
              return failure();
            a.ints.push_back(o.getRow() ? int64_t(*o.getRow()) : -1);
            return success();
          })
          .Case([&](AttentionOp o) {
            auto cache = cast<MemRefType>(o.getKeyCache().getType());
            int64_t heads = numElements(o.getQuery()) / cache.getShape()[2];
            if (failed(appendRange(a.ints, o.getHeadsAttr(), heads, op,
                                   "heads")))
              return failure();
            IntervalAttr kv = o.getKvAttr();
            a.ints.append({kv.getLo(), kv.getHi(),
                           int64_t(kv.getLoRelative()) |
                               (int64_t(kv.getHiRelative()) << 1),
                           o.getSlot() ? int64_t(*o.getSlot()) : -1});
            return success();
          })
          .Case([&](AttentionCombineOp o) {
            int64_t heads =
                cast<MemRefType>(o.getStats().getType()).getShape()[1];
            return appendRange(a.ints, o.getHeadsAttr(), heads, op, "heads");
          })
          .Case<SiluMulOp, AddOp>([&](auto o) {
            return appendRange(a.ints, o.getColsAttr(), lastDim(o.getOutput()),
                               op, "cols");
          })
          .Case([&](ArgmaxPartialOp o) {
            a.ints.push_back(int64_t(o.getSlot()));
            return appendRange(a.ints, o.getColsAttr(), lastDim(o.getLogits()),
                               op, "cols");
          })
          .Case([&](CopyOp o) {
            return appendRange(a.ints, o.getColsAttr(),
                               numElements(o.getSource()), op, "cols");
          })
          .Case<EmbedOp, ArgmaxOp, ArgmaxReduceOp, AttentionMergeOp>(
              [&](Operation *) { return success(); })
          .Default([&](Operation *) {
            return op->emitError() << "amk-lower-megakernel: no lowering for '"
                                   << op->getName() << "'";
          });
  if (failed(ok))
    return failure();
  return a;
}

FailureOr<TaskTable> TableBuilder::build() {
  TargetAttr target = program.getTargetAttr();
  table.workers = target ? target.getSmCount() : 0;
  for (TaskOp task : program.getBody()->getOps<TaskOp>())
    table.workers = std::max<int64_t>(table.workers, *task.getWorker() + 1);
  placeBuffers();
  numberEvents();
  if (failed(appendQueues()))
    return failure();
  return std::move(table);
}

FailureOr<TaskTable> mlir::amk::buildTaskTable(ProgramOp program,
                                              int64_t steps) {
  return TableBuilder(program, steps).build();
}

int64_t mlir::amk::numIntegerArguments(Operation *op) {
  return int64_t(argumentsOf(op)->ints.size());
}
