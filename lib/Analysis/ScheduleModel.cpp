//===- ScheduleModel.cpp - What the scheduling passes share ---------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleModel.h"

#include <map>
#include <queue>

using namespace mlir;
using namespace mlir::amk;

//===----------------------------------------------------------------------===//
// ProgramIndex
//===----------------------------------------------------------------------===//

ProgramIndex::ProgramIndex(ProgramOp program) {
  for (Operation &op : program.getBodyRegion().front()) {
    if (auto event = dyn_cast<EventOp>(op)) {
      eventIndex[event.getResult()] = events.size();
      events.push_back(event);
    } else if (auto task = dyn_cast<TaskOp>(op)) {
      taskIndex[task] = tasks.size();
      tasks.push_back(task);
    }
  }
  producers.resize(events.size());
  waiters.resize(events.size());
  for (auto [i, task] : llvm::enumerate(tasks)) {
    producers[eventIndex.lookup(task.getSignal())].push_back(i);
    for (auto [w, event] : llvm::enumerate(task.getWaits()))
      waiters[eventIndex.lookup(event)].push_back({unsigned(i), unsigned(w)});
  }
}

bool ProgramIndex::isAllJoin(TaskOp task, unsigned i) const {
  unsigned e = eventIndex.lookup(task.getWaits()[i]);
  return task.getThresholds()[i] >=
         events[e].getInit() + int64_t(producers[e].size());
}

llvm::DenseMap<Value, int64_t> mlir::amk::countProducers(ProgramOp program) {
  llvm::DenseMap<Value, int64_t> counts;
  for (EventOp event : program.getBodyRegion().getOps<EventOp>())
    counts[event.getResult()] = 0;
  for (TaskOp task : program.getBodyRegion().getOps<TaskOp>())
    ++counts[task.getSignal()];
  return counts;
}

void mlir::amk::rebalanceWaits(ProgramOp program,
                               const llvm::DenseMap<Value, int64_t> &before) {
  llvm::DenseMap<Value, int64_t> now = countProducers(program);
  for (TaskOp task : program.getBodyRegion().getOps<TaskOp>()) {
    SmallVector<int64_t> thresholds(task.getThresholds());
    bool changed = false;
    for (auto [i, event] : llvm::enumerate(task.getWaits())) {
      auto it = before.find(event);
      int64_t init = cast<EventOp>(event.getDefiningOp()).getInit();
      if (it == before.end() || thresholds[i] <= init)
        continue;
      int64_t delta = now.lookup(event) - it->second;
      if (delta) {
        thresholds[i] = std::max<int64_t>(init + 1, thresholds[i] + delta);
        changed = true;
      }
    }
    if (changed)
      task.setThresholds(thresholds);
  }
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
// Orders and clocks
//===----------------------------------------------------------------------===//

FailureOr<std::vector<unsigned>>
mlir::amk::topologicalOrder(const ProgramIndex &index, bool withQueues,
                            llvm::function_ref<double(unsigned)> priority) {
  size_t numTasks = index.tasks.size();
  // Blocking inputs per task: waited events (threshold above init) plus
  // its queue predecessor.
  std::vector<unsigned> pending(numTasks, 0);
  std::vector<unsigned> eventPending(index.events.size());
  std::vector<std::vector<unsigned>> queueNext;
  std::vector<int64_t> queueSucc(numTasks, -1);
  for (auto [e, producers] : llvm::enumerate(index.producers))
    eventPending[e] = producers.size();
  for (auto [e, waiters] : llvm::enumerate(index.waiters))
    for (auto [t, w] : waiters)
      if (index.tasks[t].getThresholds()[w] > index.events[e].getInit())
        ++pending[t];
  if (withQueues) {
    std::map<std::pair<int64_t, int64_t>, unsigned> queues;
    for (auto [t, task] : llvm::enumerate(index.tasks))
      queues[{task.getWorker().value_or(0), task.getQueue().value_or(0)}] = t;
    std::optional<std::pair<int64_t, unsigned>> prev;
    for (auto &[key, t] : queues) {
      if (prev && prev->first == key.first) {
        queueSucc[prev->second] = t;
        ++pending[t];
      }
      prev = {key.first, t};
    }
  }
  using Item = std::pair<double, unsigned>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
  for (unsigned t = 0; t < numTasks; ++t)
    if (!pending[t])
      ready.push({priority(t), t});
  // An event without producers releases its waiters at once.
  auto release = [&](unsigned t) {
    if (--pending[t] == 0)
      ready.push({priority(t), t});
  };
  auto releaseEvent = [&](unsigned e) {
    for (auto [t, w] : index.waiters[e])
      if (index.tasks[t].getThresholds()[w] > index.events[e].getInit())
        release(t);
  };
  for (unsigned e = 0; e < index.events.size(); ++e)
    if (!eventPending[e])
      releaseEvent(e);
  std::vector<unsigned> order;
  order.reserve(numTasks);
  while (!ready.empty()) {
    unsigned t = ready.top().second;
    ready.pop();
    order.push_back(t);
    unsigned e = index.eventIndex.lookup(index.tasks[t].getSignal());
    if (--eventPending[e] == 0)
      releaseEvent(e);
    if (queueSucc[t] >= 0)
      release(queueSucc[t]);
  }
  if (order.size() != numTasks)
    return failure();
  return order;
}

WorkerClocks::WorkerClocks(const ProgramIndex &index, ArrayRef<unsigned> order,
                           int64_t workers)
    : numWorkers(workers), worker(index.tasks.size()), pos(index.tasks.size()),
      clocks(index.tasks.size() * size_t(workers), -1) {
  std::vector<int32_t> eventClocks(index.events.size() * size_t(workers), -1);
  std::vector<char> eventDone(index.events.size(), 0);
  std::vector<int64_t> lastOnWorker(workers, -1);
  auto row = [&](std::vector<int32_t> &v, size_t r) {
    return MutableArrayRef<int32_t>(v.data() + r * workers, workers);
  };
  auto join = [&](MutableArrayRef<int32_t> into, ArrayRef<int32_t> from) {
    for (int64_t w = 0; w < workers; ++w)
      into[w] = std::max(into[w], from[w]);
  };
  for (unsigned t : order) {
    TaskOp task = index.tasks[t];
    worker[t] = task.getWorker().value_or(0);
    pos[t] = task.getQueue().value_or(0);
    MutableArrayRef<int32_t> mine = row(clocks, t);
    if (lastOnWorker[worker[t]] >= 0)
      join(mine, row(clocks, lastOnWorker[worker[t]]));
    for (unsigned w = 0; w < task.getWaits().size(); ++w) {
      if (!index.isAllJoin(task, w))
        continue;
      unsigned e = index.eventIndex.lookup(task.getWaits()[w]);
      if (!eventDone[e]) {
        for (unsigned p : index.producers[e])
          join(row(eventClocks, e), row(clocks, p));
        eventDone[e] = 1;
      }
      join(mine, row(eventClocks, e));
    }
    mine[worker[t]] = pos[t];
    lastOnWorker[worker[t]] = t;
  }
}

//===----------------------------------------------------------------------===//
// Cost model
//===----------------------------------------------------------------------===//

CostModel CostModel::forProgram(ProgramOp program, int64_t workers,
                                double syncNs) {
  CostModel cost;
  double bytesPerNs = program.getTargetAttr()
                          ? program.getTargetAttr().getBytesPerSecond() * 1e-9
                          : 1000.0;
  cost.bytesPerNs = bytesPerNs / double(std::max<int64_t>(1, workers));
  cost.syncNs = syncNs;
  cost.position = costPosition(program);
  return cost;
}

Simulation mlir::amk::simulate(const ProgramIndex &index,
                               ArrayRef<unsigned> order,
                               const CostModel &cost) {
  size_t numTasks = index.tasks.size();
  Simulation sim;
  sim.start.assign(numTasks, 0);
  sim.finish.assign(numTasks, 0);
  std::vector<int64_t> syncs(numTasks, 0), chain(numTasks, 0),
      chainBytes(numTasks, 0);
  std::vector<double> eventTime(index.events.size(), 0);
  std::vector<int64_t> eventArg(index.events.size(), -1);
  llvm::DenseMap<int64_t, unsigned> lastOnWorker;
  for (unsigned t : order) {
    TaskOp task = index.tasks[t];
    double ready = 0;
    int64_t from = -1, fromSyncs = 0;
    for (auto [w, event] : llvm::enumerate(task.getWaits())) {
      unsigned e = index.eventIndex.lookup(event);
      if (task.getThresholds()[w] <= index.events[e].getInit() ||
          eventArg[e] < 0)
        continue;
      double at = eventTime[e] + cost.syncNs;
      if (at > ready) {
        ready = at;
        from = eventArg[e];
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
    sim.finish[t] = ready + double(bytes) / cost.bytesPerNs;
    syncs[t] = from >= 0 ? syncs[from] + fromSyncs : 0;
    chain[t] = from >= 0 ? chain[from] + 1 : 1;
    chainBytes[t] = (from >= 0 ? chainBytes[from] : 0) + bytes;
    lastOnWorker[worker] = t;
    unsigned e = index.eventIndex.lookup(task.getSignal());
    if (eventArg[e] < 0 || sim.finish[t] >= eventTime[e]) {
      eventTime[e] = sim.finish[t];
      eventArg[e] = t;
    }
    if (sim.finish[t] >= sim.makespan) {
      sim.makespan = sim.finish[t];
      sim.criticalSyncs = syncs[t];
      sim.criticalTasks = chain[t];
      sim.criticalBytes = chainBytes[t];
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
