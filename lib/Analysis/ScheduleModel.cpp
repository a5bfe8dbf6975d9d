//===- ScheduleModel.cpp - What the scheduling passes share ---------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleModel.h"

#include <queue>

using namespace mlir;
using namespace mlir::amk;

//===----------------------------------------------------------------------===//
// Producer counts
//===----------------------------------------------------------------------===//

llvm::DenseMap<Value, int64_t> mlir::amk::countProducers(ProgramOp program) {
  llvm::DenseMap<Value, int64_t> counts;
  for (EventOp event : program.getBodyRegion().getOps<EventOp>())
    counts[event.getResult()] = getProducers(event).size();
  return counts;
}

//===----------------------------------------------------------------------===//
// Bytes
//===----------------------------------------------------------------------===//

int64_t mlir::amk::elementBytes(Value buffer) {
  Type element = cast<MemRefType>(buffer.getType()).getElementType();
  return std::max<int64_t>(1, (element.getIntOrFloatBitWidth() + 7) / 8);
}

int64_t mlir::amk::regionBytes(const Access &access, int64_t pos) {
  int64_t elements = 1;
  for (const Interval &interval : access.box) {
    auto [lo, hi] = interval.at(pos);
    elements *= std::max<int64_t>(0, hi - lo);
  }
  return elements * elementBytes(access.buffer);
}

static bool isWeightLike(Value buffer) {
  auto op = buffer.getDefiningOp<BufferOp>();
  return op && (op.getKind() == BufferKind::Weight ||
                op.getKind() == BufferKind::Const);
}

int64_t mlir::amk::accessBytes(Operation *op, const Access &access,
                               int64_t pos) {
  int64_t size = regionBytes(access, pos);
  if (auto embed = dyn_cast<EmbedOp>(op); embed && access.buffer == embed.getTable())
    size /= std::max<int64_t>(
        1, cast<MemRefType>(access.buffer.getType()).getDimSize(0));
  return size;
}

TaskBytes mlir::amk::getTaskBytes(TaskOp task, int64_t pos) {
  TaskBytes bytes;
  task.forEachAccess([&](Operation *op, const Access &a) {
    int64_t size = accessBytes(op, a, pos);
    if (a.isWrite()) {
      bytes.written += size;
      return;
    }
    bytes.read += size;
    if (isWeightLike(a.buffer))
      bytes.weights += size;
  });
  return bytes;
}

int64_t mlir::amk::costPosition(ProgramOp program) {
  return program.getPosition().value_or(0);
}

//===----------------------------------------------------------------------===//
// Order
//===----------------------------------------------------------------------===//

FailureOr<std::vector<unsigned>>
mlir::amk::topologicalOrder(const ScheduleGraph &graph,
                            llvm::function_ref<double(unsigned)> priority) {
  size_t numTasks = graph.getNumTasks();
  ArrayRef<WaitInfo> waits = graph.getWaits();
  auto blocks = [](const WaitInfo &wait) {
    return wait.kind != WaitKind::Trivial;
  };
  // Blocking inputs per task: its non-trivial waits (each released once
  // every producer of the event ran) plus its queue predecessor.
  std::vector<unsigned> pending(numTasks, 0);
  std::vector<unsigned> eventPending(graph.getNumEvents());
  for (uint32_t e = 0; e < graph.getNumEvents(); ++e)
    eventPending[e] = graph.getProducers(e).size();
  for (const WaitInfo &wait : waits)
    pending[wait.task] += blocks(wait);
  for (uint32_t t = 0; t < numTasks; ++t)
    if (int64_t next = graph.getNextInQueue(t); next >= 0)
      ++pending[next];
  using Item = std::pair<double, unsigned>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
  for (unsigned t = 0; t < numTasks; ++t)
    if (!pending[t])
      ready.push({priority(t), t});
  auto release = [&](unsigned t) {
    if (--pending[t] == 0)
      ready.push({priority(t), t});
  };
  auto releaseEvent = [&](uint32_t e) {
    for (uint32_t w : graph.getWaitsOn(e))
      if (blocks(waits[w]))
        release(waits[w].task);
  };
  // An event without producers releases its waiters at once.
  for (uint32_t e = 0; e < graph.getNumEvents(); ++e)
    if (!eventPending[e])
      releaseEvent(e);
  std::vector<unsigned> order;
  order.reserve(numTasks);
  while (!ready.empty()) {
    unsigned t = ready.top().second;
    ready.pop();
    order.push_back(t);
    if (--eventPending[graph.getSignal(t)] == 0)
      releaseEvent(graph.getSignal(t));
    if (int64_t next = graph.getNextInQueue(t); next >= 0)
      release(next);
  }
  if (order.size() != numTasks)
    return failure();
  return order;
}

std::vector<int64_t> mlir::amk::joinDepths(const ScheduleGraph &graph,
                                           ArrayRef<unsigned> order) {
  std::vector<int64_t> depth(graph.getNumTasks(), 0);
  std::vector<int64_t> eventDepth(graph.getNumEvents(), -1);
  for (unsigned t : order) {
    for (const WaitInfo &wait : graph.getWaitsOf(t))
      if (wait.kind != WaitKind::Trivial && eventDepth[wait.event] >= 0)
        depth[t] = std::max(depth[t], eventDepth[wait.event] + 1);
    int64_t &signalled = eventDepth[graph.getSignal(t)];
    signalled = std::max(signalled, depth[t]);
  }
  return depth;
}

//===----------------------------------------------------------------------===//
// Cost model
//===----------------------------------------------------------------------===//

CostModel CostModel::forProgram(ProgramOp program, int64_t workers,
                                double syncNs, double perTaskNs) {
  CostModel cost;
  double bytesPerNs = program.getTargetAttr()
                          ? program.getTargetAttr().getBytesPerSecond() * 1e-9
                          : 1000.0;
  cost.bytesPerNs = bytesPerNs / double(std::max<int64_t>(1, workers));
  cost.syncNs = syncNs;
  cost.perTaskNs = perTaskNs;
  cost.position = costPosition(program);
  return cost;
}

Simulation mlir::amk::simulateTiming(const ScheduleGraph &graph,
                                     ArrayRef<unsigned> order,
                                     const CostModel &cost) {
  size_t numTasks = graph.getNumTasks();
  Simulation sim;
  sim.start.assign(numTasks, 0);
  sim.finish.assign(numTasks, 0);
  sim.chainPred.assign(numTasks, -1);
  sim.chainSync.assign(numTasks, false);
  std::vector<int64_t> syncs(numTasks, 0), chain(numTasks, 0),
      chainBytes(numTasks, 0);
  std::vector<double> eventTime(graph.getNumEvents(), 0);
  std::vector<int64_t> eventArg(graph.getNumEvents(), -1);
  llvm::DenseMap<int64_t, unsigned> lastOnWorker;
  for (unsigned t : order) {
    TaskOp task = graph.getTask(t);
    double ready = 0;
    int64_t from = -1, fromSyncs = 0;
    for (const WaitInfo &wait : graph.getWaitsOf(t)) {
      if (wait.kind == WaitKind::Trivial || eventArg[wait.event] < 0)
        continue;
      double at = eventTime[wait.event] + cost.syncNs;
      if (at > ready) {
        ready = at;
        from = eventArg[wait.event];
        fromSyncs = 1;
      }
    }
    int64_t worker = task.getWorker().value_or(0);
    auto last = lastOnWorker.find(worker);
    if (last != lastOnWorker.end() && sim.finish[last->second] > ready) {
      ready = sim.finish[last->second];
      from = last->second;
      fromSyncs = 0;
    }
    int64_t bytes = getTaskBytes(task, cost.position).read;
    sim.start[t] = ready;
    sim.finish[t] = ready + cost.bytesNs(bytes);
    syncs[t] = from >= 0 ? syncs[from] + fromSyncs : 0;
    chain[t] = from >= 0 ? chain[from] + 1 : 1;
    chainBytes[t] = (from >= 0 ? chainBytes[from] : 0) + bytes;
    sim.chainPred[t] = from;
    sim.chainSync[t] = fromSyncs;
    lastOnWorker[worker] = t;
    unsigned e = graph.getSignal(t);
    if (eventArg[e] < 0 || sim.finish[t] >= eventTime[e]) {
      eventTime[e] = sim.finish[t];
      eventArg[e] = t;
    }
    if (sim.finish[t] >= sim.makespan) {
      sim.makespan = sim.finish[t];
      sim.criticalSyncs = syncs[t];
      sim.criticalTasks = chain[t];
      sim.criticalBytes = chainBytes[t];
      sim.last = t;
    }
  }
  return sim;
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

FailureOr<TargetAttr> mlir::amk::requireTarget(ProgramOp program,
                                               StringRef pass) {
  if (TargetAttr target = program.getTargetAttr())
    return target;
  return emitError(program.getLoc())
         << pass << " needs a target: run --amk-set-target=\"chip=...\" "
         << "or write `target <\"sm_90a\">` on the program";
}
