//===- Fuse.cpp - Merge ops into tile tasks to remove syncs ---------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `--amk-fuse`, in five phases over a tiled program (program order is kept
// a topological order of the event graph, which every added wait checks):
//  1. gate/up: gate and up tiles of the same columns and waits become one
//     task;
//  2. distribute: a whole-vector consumer that works per column or per head
//     (RoPE, q/k norm, KV append, residual add, SiLU-mul) is cloned, cut to
//     each producer tile's columns, into that tile;
//  3. argmax: each argmax partial joins the LM-head tile of its columns;
//  4. residual: `gemv -> o; add x, o -> h` in one body becomes
//     `gemv -> h residual x`;
//  5. norm: a whole-vector RMSNorm is recomputed at the start of every
//     consumer task into a scratch buffer private to that task;
//  6. split-events: an event whose waiters each need only some of its
//     producers (by their accesses) becomes one event per set of producers
//     needed by the same waiters.
// Each phase removes a task and redirects the waits on its event to the
// event of the tiles that now do its work (an all-join over them).
//
//===----------------------------------------------------------------------===//

#include "AMK/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <deque>
#include <map>

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_FUSE
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

namespace {

using Range = std::pair<int64_t, int64_t>;

//===----------------------------------------------------------------------===//
// Events through use-lists
//===----------------------------------------------------------------------===//

/// The tasks signalling the event value `event`.
SmallVector<TaskOp> producersOf(Value event) {
  return getProducers(cast<EventOp>(event.getDefiningOp()));
}

/// The tasks waiting on the event value `event`.
SmallVector<TaskOp> waitersOf(Value event) {
  return getWaiters(cast<EventOp>(event.getDefiningOp()));
}

int64_t initOf(Value event) {
  return cast<EventOp>(event.getDefiningOp()).getInit();
}

/// The threshold of an all-join over every producer of `event`.
int64_t allJoin(Value event) {
  return initOf(event) + int64_t(producersOf(event).size());
}

/// The threshold `task` waits on `event` with, or 0.
int64_t thresholdOf(TaskOp task, Value event) {
  for (auto [e, t] : llvm::zip(task.getWaits(), task.getThresholds()))
    if (e == event)
      return t;
  return 0;
}

/// Rewrites the waits of `task` with `update(event, threshold)`, which
/// returns the new event (null to drop the wait) and threshold; merges
/// duplicate events keeping the larger threshold.
void rewriteWaits(
    TaskOp task,
    llvm::function_ref<std::pair<Value, int64_t>(Value, int64_t)> update,
    ArrayRef<std::pair<Value, int64_t>> extra = {}) {
  llvm::MapVector<Value, int64_t> waits;
  auto add = [&](Value e, int64_t t) {
    if (!e)
      return;
    int64_t &slot = waits[e];
    slot = std::max(slot, t);
  };
  for (auto [e, t] : llvm::zip(task.getWaits(), task.getThresholds())) {
    auto [ne, nt] = update(e, t);
    add(ne, nt);
  }
  for (auto [e, t] : extra)
    add(e, t);
  SmallVector<Value> events;
  SmallVector<int64_t> thresholds;
  for (auto [e, t] : waits) {
    events.push_back(e);
    thresholds.push_back(t);
  }
  task.getWaitsMutable().assign(events);
  task.setThresholds(thresholds);
}

/// Makes every waiter of `from` wait on `to` (all-join) instead.
void redirectWaiters(Value from, Value to) {
  int64_t threshold = allJoin(to);
  for (TaskOp waiter : waitersOf(from))
    rewriteWaits(waiter, [&](Value e, int64_t t) -> std::pair<Value, int64_t> {
      return e == from ? std::make_pair(to, threshold) : std::make_pair(e, t);
    });
}

void eraseIfUnused(Value value) {
  if (value && value.use_empty())
    value.getDefiningOp()->erase();
}

/// The waits of `task` other than on `except`.
SmallVector<std::pair<Value, int64_t>> otherWaits(TaskOp task, Value except) {
  SmallVector<std::pair<Value, int64_t>> waits;
  for (auto [e, t] : llvm::zip(task.getWaits(), task.getThresholds()))
    if (e != except)
      waits.push_back({e, t});
  return waits;
}

/// True when adding `waits` to every task of `tasks` keeps program order
/// topological: every producer precedes the first of `tasks`.
bool waitsPrecede(ArrayRef<std::pair<Value, int64_t>> waits,
                  ArrayRef<TaskOp> tasks) {
  if (waits.empty())
    return true;
  Operation *first = tasks.front();
  for (TaskOp task : tasks)
    if (task->isBeforeInBlock(first))
      first = task;
  for (auto [event, threshold] : waits)
    for (TaskOp producer : producersOf(event))
      if (!producer->isBeforeInBlock(first))
        return false;
  return true;
}

/// The constant column range `task` writes of vector `buffer`, when it is
/// one interval.
std::optional<Range> writtenColumns(TaskOp task, Value buffer) {
  std::optional<Range> range;
  bool single = true;
  task.forEachAccess([&](Operation *, const Access &a) {
    if (!a.isWrite() || a.buffer != buffer)
      return;
    const Interval &cols = a.box.back();
    Range r{cols.lo.offset, cols.hi.offset};
    single = single && cols.isConstant() && (!range || *range == r);
    range = r;
  });
  return single ? range : std::nullopt;
}

/// Column ranges of `buffer` written by `tiles` when they partition it.
std::optional<SmallVector<Range>> partition(ArrayRef<TaskOp> tiles,
                                            Value buffer, int64_t align) {
  SmallVector<Range> ranges;
  for (TaskOp tile : tiles) {
    std::optional<Range> r = writtenColumns(tile, buffer);
    if (!r || r->first % align || r->second % align)
      return std::nullopt;
    ranges.push_back(*r);
  }
  SmallVector<Range> sorted(ranges);
  llvm::sort(sorted);
  int64_t next = 0;
  for (Range r : sorted) {
    if (r.first != next)
      return std::nullopt;
    next = r.second;
  }
  if (next != *getVectorLength(buffer.getType()))
    return std::nullopt;
  return ranges;
}

/// True when some access of `task` touches one of `buffers`.
bool touchesAny(TaskOp task, ArrayRef<Value> buffers) {
  for (Operation &op : task.getBodyBlock())
    for (Value operand : op.getOperands())
      if (llvm::is_contained(buffers, operand))
        return true;
  return false;
}

//===----------------------------------------------------------------------===//
// Phase 2: distribute per-column / per-head consumers
//===----------------------------------------------------------------------===//

/// How a whole-vector consumer splits: the vector it is split along, the
/// granule and a callback restricting a clone to a column range.
struct Splittable {
  Value vector;
  int64_t align = 1;
  std::function<void(Operation *, Range)> restrict;
};

std::optional<Splittable> asSplittable(Operation *op) {
  MLIRContext *ctx = op->getContext();
  auto heads = [ctx](int64_t d) {
    return [ctx, d](Operation *clone, Range r) {
      clone->setAttr("heads", IntervalAttr::get(ctx, r.first / d, r.second / d));
    };
  };
  auto cols = [ctx](Operation *clone, Range r) {
    clone->setAttr("cols", IntervalAttr::get(ctx, r.first, r.second));
  };
  if (auto rope = dyn_cast<RopeOp>(op); rope && !rope.getHeads())
    return Splittable{rope.getInput(), int64_t(rope.getHeadDim()),
                      heads(rope.getHeadDim())};
  if (auto norm = dyn_cast<RMSNormOp>(op);
      norm && norm.getHeadDim() && !norm.getHeads())
    return Splittable{norm.getInput(), int64_t(*norm.getHeadDim()),
                      heads(*norm.getHeadDim())};
  if (auto append = dyn_cast<KVAppendOp>(op); append && !append.getHeads()) {
    int64_t d = cast<MemRefType>(append.getCache().getType()).getDimSize(2);
    return Splittable{append.getInput(), d, heads(d)};
  }
  if (auto silu = dyn_cast<SiluMulOp>(op); silu && !silu.getCols())
    return Splittable{silu.getLhs(), 1, cols};
  return std::nullopt;
}

/// Buffers `op` writes.
SmallVector<Value> writtenBuffers(Operation *op) {
  SmallVector<Value> buffers;
  SmallVector<Access> accesses;
  if (auto access = dyn_cast<AccessOpInterface>(op))
    access.getAccesses(accesses);
  for (const Access &a : accesses)
    if (a.isWrite())
      buffers.push_back(a.buffer);
  return buffers;
}

/// Tries to distribute the single op of `consumer` along `split` into the
/// producers of one of its waited events.
bool distribute(TaskOp consumer, Operation *op, const Splittable &split) {
  Value signal = consumer.getSignal();
  if (producersOf(signal).size() != 1)
    return false;
  for (Value event : consumer.getWaits()) {
    if (thresholdOf(consumer, event) < allJoin(event))
      continue;
    SmallVector<TaskOp> tiles = producersOf(event);
    if (tiles.empty())
      continue;
    std::optional<SmallVector<Range>> ranges =
        partition(tiles, split.vector, split.align);
    if (!ranges)
      continue;
    auto extra = otherWaits(consumer, event);
    if (!waitsPrecede(extra, tiles))
      return false;
    // Tiles finish before the consumer used to start: nobody else waiting
    // on them may see what the consumer writes.
    SmallVector<Value> written = writtenBuffers(op);
    for (TaskOp other : waitersOf(event))
      if (other != consumer && touchesAny(other, written))
        return false;
    for (auto [tile, range] : llvm::zip(tiles, *ranges)) {
      OpBuilder builder = OpBuilder::atBlockEnd(&tile.getBodyBlock());
      split.restrict(builder.clone(*op), range);
      rewriteWaits(tile, [](Value e, int64_t t) { return std::make_pair(e, t); },
                   extra);
    }
    consumer.erase();
    redirectWaiters(signal, event);
    eraseIfUnused(signal);
    return true;
  }
  return false;
}

/// The residual add splits along whichever operand the tiles write.
bool distributeAdd(TaskOp consumer, AddOp add) {
  auto cols = [ctx = add.getContext()](Operation *clone, Range r) {
    clone->setAttr("cols", IntervalAttr::get(ctx, r.first, r.second));
  };
  return distribute(consumer, add, Splittable{add.getRhs(), 1, cols}) ||
         distribute(consumer, add, Splittable{add.getLhs(), 1, cols});
}

void distributePhase(ProgramOp program) {
  for (TaskOp task :
       llvm::make_early_inc_range(program.getBodyRegion().getOps<TaskOp>())) {
    Block &body = task.getBodyBlock();
    if (!llvm::hasSingleElement(body))
      continue;
    if (auto add = dyn_cast<AddOp>(body.front()); add && !add.getCols())
      distributeAdd(task, add);
    else if (std::optional<Splittable> split = asSplittable(&body.front()))
      distribute(task, &body.front(), *split);
  }
}

//===----------------------------------------------------------------------===//
// Phase 1: gate/up pairs, phase 3: argmax partials
//===----------------------------------------------------------------------===//

/// Moves the body of `from` to the end of `into`'s body and erases `from`.
void mergeBody(TaskOp from, TaskOp into) {
  Block &dst = into.getBodyBlock();
  dst.getOperations().splice(dst.end(), from.getBodyBlock().getOperations());
  from.erase();
}

/// Merges the tasks signalling `from` pairwise into those signalling `to`
/// (`partner[i]` receives `fromTasks[i]`), then redirects `from`'s waiters.
void mergeEvents(ArrayRef<TaskOp> fromTasks, ArrayRef<TaskOp> partners,
                 Value from, Value to) {
  for (auto [task, partner] : llvm::zip(fromTasks, partners))
    mergeBody(task, partner);
  redirectWaiters(from, to);
  eraseIfUnused(from);
}

/// The event whose producers write `buffer`, among the waits of `task`.
Value producerEvent(TaskOp task, Value buffer) {
  for (Value event : task.getWaits()) {
    SmallVector<TaskOp> tiles = producersOf(event);
    if (!tiles.empty() && llvm::all_of(tiles, [&](TaskOp t) {
          return writtenColumns(t, buffer).has_value();
        }))
      return event;
  }
  return {};
}

void gateUpPhase(ProgramOp program) {
  for (TaskOp task : llvm::to_vector(program.getBodyRegion().getOps<TaskOp>())) {
    auto silu = task.getSingleOp<SiluMulOp>();
    if (!silu || silu.getCols())
      continue;
    Value gate = producerEvent(task, silu.getLhs());
    Value up = producerEvent(task, silu.getRhs());
    if (!gate || !up || gate == up)
      continue;
    SmallVector<TaskOp> gates = producersOf(gate), ups = producersOf(up);
    if (gates.size() != ups.size())
      continue;
    auto byColumns = [](Value buffer) {
      return [buffer](TaskOp a, TaskOp b) {
        return *writtenColumns(a, buffer) < *writtenColumns(b, buffer);
      };
    };
    llvm::sort(gates, byColumns(silu.getLhs()));
    llvm::sort(ups, byColumns(silu.getRhs()));
    bool paired = true;
    for (auto [g, u] : llvm::zip(gates, ups))
      paired &= writtenColumns(g, silu.getLhs()) ==
                    writtenColumns(u, silu.getRhs()) &&
                g.getWaits() == u.getWaits() &&
                g.getThresholds() == u.getThresholds() &&
                g.getSingleOp<GemvOp>() && u.getSingleOp<GemvOp>();
    if (paired)
      mergeEvents(ups, gates, up, gate);
  }
}

void argmaxPhase(ProgramOp program) {
  llvm::SetVector<Value> partialEvents;
  for (TaskOp task : program.getBodyRegion().getOps<TaskOp>())
    if (auto partial = task.getSingleOp<ArgmaxPartialOp>();
        partial && partial.getCols() && task.getWaits().size() == 1)
      partialEvents.insert(task.getSignal());
  for (Value event : partialEvents) {
    SmallVector<TaskOp> partials = producersOf(event), tiles;
    Value logitsEvent;
    SmallVector<TaskOp> logitsTiles;
    llvm::DenseSet<Operation *> used;
    // Per logits buffer and column range, the producer tiles writing it, in
    // producer order; each partial takes the first one not yet taken.
    llvm::DenseMap<Value, std::map<std::optional<Range>,
                                   std::deque<TaskOp>>> byColumns;
    for (TaskOp task : partials) {
      auto partial = task.getSingleOp<ArgmaxPartialOp>();
      if (!partial || task.getWaits().size() != 1 ||
          (logitsEvent && task.getWaits()[0] != logitsEvent))
        break;
      if (!logitsEvent) {
        logitsEvent = task.getWaits()[0];
        logitsTiles = producersOf(logitsEvent);
      }
      Value logits = partial.getLogits();
      auto [entry, inserted] = byColumns.try_emplace(logits);
      if (inserted)
        for (TaskOp tile : logitsTiles)
          entry->second[writtenColumns(tile, logits)].push_back(tile);
      IntervalAttr cols = partial.getColsAttr();
      auto candidates = entry->second.find(
          std::optional<Range>(Range{cols.getLo(), cols.getHi()}));
      if (candidates == entry->second.end())
        continue;
      std::deque<TaskOp> &queue = candidates->second;
      while (!queue.empty() && used.contains(queue.front()))
        queue.pop_front();
      if (!queue.empty()) {
        used.insert(queue.front());
        tiles.push_back(queue.front());
        queue.pop_front();
      }
    }
    if (tiles.size() == partials.size() &&
        tiles.size() == logitsTiles.size())
      mergeEvents(partials, tiles, event, logitsEvent);
  }
}

//===----------------------------------------------------------------------===//
// Phase 4: residual adds into the GEMV, phase 5: RMSNorm recompute
//===----------------------------------------------------------------------===//

/// Only GEMV tiles write `buffer` and only adds read it.
bool onlyGemvThenAdd(Value buffer) {
  return llvm::all_of(buffer.getUsers(), [&](Operation *user) {
    if (auto gemv = dyn_cast<GemvOp>(user))
      return gemv.getOutput() == buffer && gemv.getInput() != buffer;
    return isa<AddOp>(user) || isa<BufferOp>(user);
  });
}

void residualPhase(ProgramOp program) {
  llvm::SetVector<Value> folded;
  for (TaskOp task : program.getBodyRegion().getOps<TaskOp>()) {
    SmallVector<GemvOp> gemvs(task.getBodyBlock().getOps<GemvOp>());
    for (AddOp add : llvm::make_early_inc_range(task.getBodyBlock().getOps<AddOp>()))
      for (GemvOp gemv : gemvs) {
        Value out = gemv.getOutput();
        bool rhs = add.getRhs() == out;
        if (gemv.getResidual() || (!rhs && add.getLhs() != out) ||
            add.getLhs() == add.getRhs() || add.getColsAttr() != gemv.getColsAttr() ||
            !onlyGemvThenAdd(out) || !gemv->isBeforeInBlock(add))
          continue;
        gemv.getResidualMutable().assign(rhs ? add.getLhs() : add.getRhs());
        gemv.getOutputMutable().assign(add.getOutput());
        folded.insert(out);
        add.erase();
        break;
      }
  }
  for (Value buffer : folded)
    if (llvm::all_of(buffer.getUsers(),
                     [](Operation *u) { return isa<BufferOp>(u); }))
      eraseIfUnused(buffer);
}

/// Recomputes the whole-vector RMSNorm of `producer` inside every waiter.
bool recomputeNorm(TaskOp producer, RMSNormOp norm) {
  Value signal = producer.getSignal(), out = norm.getOutput();
  auto outBuffer = out.getDefiningOp<BufferOp>();
  if (!outBuffer || !outBuffer.isTransient() ||
      producersOf(signal).size() != 1)
    return false;
  SmallVector<TaskOp> waiters = waitersOf(signal);
  llvm::DenseSet<Operation *> waiterSet;
  for (TaskOp waiter : waiters)
    waiterSet.insert(waiter);
  // Every reader waits on the norm; no waiter writes its input or output.
  for (Operation *user : out.getUsers())
    if (user != norm && !isa<BufferOp>(user) &&
        !waiterSet.contains(user->getParentOp()))
      return false;
  for (TaskOp waiter : waiters) {
    SmallVector<Value> written;
    for (Operation &op : waiter.getBodyBlock())
      llvm::append_range(written, writtenBuffers(&op));
    if (llvm::is_contained(written, out) ||
        llvm::is_contained(written, norm.getInput()) ||
        !touchesAny(waiter, {out}))
      return false;
  }
  auto extra = otherWaits(producer, Value());
  for (TaskOp waiter : waiters) {
    OpBuilder builder(outBuffer);
    auto scratch = BufferOp::create(
        builder, outBuffer.getLoc(), outBuffer.getType(),
        (waiter.getName() + ".norm").str(), BufferKind::Scratch, StringAttr(),
        Value());
    for (Operation &op : waiter.getBodyBlock())
      op.replaceUsesOfWith(out, scratch);
    builder.setInsertionPointToStart(&waiter.getBodyBlock());
    auto clone = cast<RMSNormOp>(builder.clone(*norm));
    clone.getOutputMutable().assign(scratch);
    rewriteWaits(
        waiter,
        [&](Value e, int64_t t) -> std::pair<Value, int64_t> {
          return e == signal ? std::make_pair(Value(), int64_t(0))
                             : std::make_pair(e, t);
        },
        extra);
  }
  producer.erase();
  eraseIfUnused(signal);
  eraseIfUnused(outBuffer.getResult());
  return true;
}

void normPhase(ProgramOp program) {
  for (TaskOp task : llvm::to_vector(program.getBodyRegion().getOps<TaskOp>()))
    if (auto norm = task.getSingleOp<RMSNormOp>(); norm && !norm.getHeadDim())
      recomputeNorm(task, norm);
}

//===----------------------------------------------------------------------===//
// Phase 6: events sized to what their waiters read
//===----------------------------------------------------------------------===//

/// True when `a` and `b` provably share no index: bounds of the same kind
/// (both constant or both `pos + c`) that do not overlap. A position cap only
/// shrinks an interval.
bool provablyDisjoint(const Interval &a, const Interval &b) {
  bool relative = a.lo.relative;
  if (a.hi.relative != relative || b.lo.relative != relative ||
      b.hi.relative != relative)
    return false;
  return a.hi.offset <= b.lo.offset || b.hi.offset <= a.lo.offset;
}

/// True when some access of `a` and some of `b`, one a write, touch one
/// buffer in boxes not provably disjoint.
bool mayConflict(ArrayRef<Access> a, ArrayRef<Access> b) {
  for (const Access &x : a)
    for (const Access &y : b)
      if (x.buffer == y.buffer && (x.isWrite() || y.isWrite()) &&
          llvm::none_of(llvm::zip(x.box, y.box), [](auto pair) {
            return provablyDisjoint(std::get<0>(pair), std::get<1>(pair));
          }))
        return true;
  return false;
}

SmallVector<Access> accessesOf(TaskOp task) {
  SmallVector<Access> accesses;
  task.forEachAccess(
      [&](Operation *, const Access &a) { accesses.push_back(a); });
  return accesses;
}

/// Splits `event`, when every waiter joins all of its producers, so that a
/// waiter joins only the producers whose accesses may conflict with its own:
/// producers needed by the same set of waiters signal one new event, and
/// each waiter joins (all-join) the new event it needs. Only when no waiter
/// needs two of them, so that no task gets more waits: an attention head
/// group then waits for its own Q/K/V tiles and appends only, while an
/// event some waiter reads whole stays one.
void splitByWaiters(EventOp event) {
  Value signal = event.getResult();
  SmallVector<TaskOp> producers = producersOf(signal),
                      waiters = waitersOf(signal);
  if (producers.size() < 2 || waiters.empty() || event.getInit() != 0)
    return;
  llvm::sort(producers, [](TaskOp a, TaskOp b) {
    return a->isBeforeInBlock(b);
  });
  int64_t join = allJoin(signal);
  for (TaskOp waiter : waiters)
    if (thresholdOf(waiter, signal) != join ||
        llvm::is_contained(producers, waiter))
      return;
  SmallVector<SmallVector<Access>> produced;
  for (TaskOp producer : producers)
    produced.push_back(accessesOf(producer));
  // needs[p][w]: waiter w may conflict with producer p.
  std::vector<std::vector<bool>> needs(producers.size(),
                                       std::vector<bool>(waiters.size()));
  for (auto [w, waiter] : llvm::enumerate(waiters)) {
    SmallVector<Access> accesses = accessesOf(waiter);
    bool all = true;
    for (auto [p, access] : llvm::enumerate(produced)) {
      needs[p][w] = mayConflict(access, accesses);
      all &= needs[p][w];
    }
    if (all)
      return;
  }
  // Producers by the waiters needing them, numbered in producer order.
  std::map<std::vector<bool>, size_t> classOf;
  SmallVector<std::pair<std::vector<bool>, SmallVector<TaskOp>>> classes;
  for (auto [p, producer] : llvm::enumerate(producers)) {
    auto [it, inserted] = classOf.try_emplace(needs[p], classes.size());
    if (inserted)
      classes.push_back({needs[p], {}});
    classes[it->second].second.push_back(producer);
  }
  for (size_t w = 0; w < waiters.size(); ++w)
    if (llvm::count_if(classes, [&](const auto &entry) {
          return entry.first[w];
        }) > 1)
      return;
  OpBuilder builder(event);
  SmallVector<SmallVector<std::pair<Value, int64_t>>> extra(waiters.size());
  for (auto [i, entry] : llvm::enumerate(classes)) {
    auto &[needed, tasks] = entry;
    Value part = EventOp::create(builder, event.getLoc(),
                                 (event.getName() + ".s" + Twine(i)).str());
    for (TaskOp task : tasks)
      task.getSignalMutable().assign(part);
    for (auto [w, need] : llvm::enumerate(needed))
      if (need)
        extra[w].push_back({part, int64_t(tasks.size())});
  }
  for (auto [waiter, waits] : llvm::zip(waiters, extra))
    rewriteWaits(
        waiter,
        [&](Value e, int64_t t) -> std::pair<Value, int64_t> {
          return e == signal ? std::make_pair(Value(), int64_t(0))
                             : std::make_pair(e, t);
        },
        waits);
  eraseIfUnused(signal);
}

void splitEventsPhase(ProgramOp program) {
  for (EventOp event :
       llvm::to_vector(program.getBodyRegion().getOps<EventOp>()))
    splitByWaiters(event);
}

struct FusePass : amk::impl::FuseBase<FusePass> {
  using FuseBase::FuseBase;

  void runOnOperation() override {
    ProgramOp program = getOperation();
    auto numTasks = [&] {
      return llvm::range_size(program.getBodyRegion().getOps<TaskOp>());
    };
    size_t tasksBefore = numTasks();
    if (gateUp)
      gateUpPhase(program);
    if (distribute)
      distributePhase(program);
    if (argmax)
      argmaxPhase(program);
    if (residual)
      residualPhase(program);
    if (norm)
      normPhase(program);
    if (splitEvents)
      splitEventsPhase(program);
    numTasksRemoved += tasksBefore - numTasks();
  }
};

} // namespace
