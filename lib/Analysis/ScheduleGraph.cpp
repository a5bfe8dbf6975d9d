//===- ScheduleGraph.cpp - Happens-before graph of a schedule -------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleGraph.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace mlir::amk;

ScheduleGraph::ScheduleGraph(ProgramOp program, bool assigned)
    : assigned(assigned) {
  collectOps(program);
  preds.resize(numNodes());
  addEventEdges();
  if (assigned) {
    collectQueues();
    addQueueEdges();
  }
}

void ScheduleGraph::collectQueues() {
  for (TaskOp task : tasks)
    queueWorker.push_back(*task.getWorker());
  for (BarrierOp barrier : barriers)
    for (size_t w = 0; w < barrier.getSlots().size(); ++w)
      queueWorker.push_back(w);
  llvm::sort(queueWorker);
  queueWorker.erase(std::unique(queueWorker.begin(), queueWorker.end()),
                    queueWorker.end());
  numWorkers = queueWorker.size();
}

/// The queue of worker `worker` (one that a task or barrier uses).
uint32_t ScheduleGraph::queueOf(int64_t worker) const {
  return llvm::lower_bound(queueWorker, worker) - queueWorker.begin();
}

ScheduleGraph::NodeKind ScheduleGraph::kindOf(uint32_t node) const {
  if (node < tasks.size())
    return NodeKind::Task;
  if (node < tasks.size() + barriers.size())
    return NodeKind::Barrier;
  return NodeKind::Event;
}

void ScheduleGraph::addEdge(uint32_t from, uint32_t to, int32_t worker,
                            int32_t event) {
  preds[to].push_back(Pred{from, worker, event});
  ++numEdges;
}

/// Classifies a wait for `threshold` on a counter starting at `init` that
/// `producers` other tasks signal.
static WaitKind classifyWait(int64_t threshold, int64_t init,
                             int64_t producers) {
  if (threshold <= init)
    return WaitKind::Trivial;
  if (threshold > init + producers)
    return WaitKind::Unsatisfiable;
  return threshold == init + producers ? WaitKind::AllJoin : WaitKind::Partial;
}

void ScheduleGraph::collectOps(ProgramOp program) {
  for (Operation &op : program.getBody()->getOperations()) {
    if (auto task = dyn_cast<TaskOp>(op)) {
      index[task] = tasks.size();
      tasks.push_back(task);
    } else if (auto event = dyn_cast<EventOp>(op)) {
      index[event] = events.size();
      events.push_back(event);
    } else if (auto barrier = dyn_cast<BarrierOp>(op)) {
      barriers.push_back(barrier);
    }
  }
  producers.resize(events.size());
  signalOf.resize(tasks.size());
  for (auto [i, task] : llvm::enumerate(tasks)) {
    signalOf[i] = indexOf(task.getSignal().getDefiningOp());
    producers[signalOf[i]].push_back(i);
  }
  waitsOn.resize(events.size());
  waitStart.reserve(tasks.size() + 1);
  for (auto [i, task] : llvm::enumerate(tasks)) {
    waitStart.push_back(waits.size());
    for (auto [value, threshold] :
         llvm::zip(task.getWaits(), task.getThresholds())) {
      uint32_t event = indexOf(value.getDefiningOp());
      int64_t init = events[event].getInit();
      int64_t count =
          producers[event].size() - (event == signalOf[i] ? 1 : 0);
      waitsOn[event].push_back(waits.size());
      waits.push_back(WaitInfo{uint32_t(i), event, threshold, init, count,
                               classifyWait(threshold, init, count)});
    }
  }
  waitStart.push_back(waits.size());
}

void ScheduleGraph::addEventEdges() {
  for (uint32_t event = 0; event < events.size(); ++event)
    for (uint32_t producer : producers[event])
      addEdge(taskNode(producer), eventNode(event), -1, -1);
  for (const WaitInfo &wait : waits) {
    if (wait.kind != WaitKind::AllJoin)
      continue;
    bool selfProducer = wait.producers != int64_t(producers[wait.event].size());
    if (!selfProducer) {
      addEdge(eventNode(wait.event), taskNode(wait.task), -1, -1);
      continue;
    }
    // A waiter that also signals the event joins the other producers only.
    for (uint32_t producer : producers[wait.event])
      if (producer != wait.task)
        addEdge(taskNode(producer), taskNode(wait.task), -1, wait.event);
  }
}

void ScheduleGraph::addQueueEdges() {
  numChains = numWorkers;
  chainOf.assign(tasks.size(), 0);
  posOf.assign(tasks.size(), 0);
  barrierPos.assign(barriers.size(), std::vector<uint32_t>(numWorkers, 0));
  nextInQueue.assign(tasks.size(), -1);
  std::vector<std::vector<std::pair<int64_t, uint32_t>>> slots(numWorkers);
  for (auto [i, task] : llvm::enumerate(tasks))
    slots[queueOf(*task.getWorker())].push_back(
        {*task.getQueue(), taskNode(i)});
  for (auto [i, barrier] : llvm::enumerate(barriers))
    for (auto [w, slot] : llvm::enumerate(barrier.getSlots()))
      slots[queueOf(w)].push_back({slot, barrierNode(i)});
  queues.assign(numWorkers, {});
  for (auto [w, queue] : llvm::enumerate(slots)) {
    llvm::sort(queue);
    int64_t lastTask = -1;
    for (auto [pos, entry] : llvm::enumerate(queue)) {
      uint32_t node = entry.second;
      queues[w].push_back(node);
      if (kindOf(node) == NodeKind::Task) {
        chainOf[node] = w;
        posOf[node] = pos;
        if (lastTask >= 0)
          nextInQueue[lastTask] = node;
        lastTask = node;
      } else {
        barrierPos[node - tasks.size()][w] = pos;
      }
      if (pos)
        addEdge(queue[pos - 1].second, node, int32_t(queueWorker[w]), -1);
    }
  }
}

LogicalResult ScheduleGraph::computeHappensBefore() {
  if (failed(sortAndClock()))
    return failure();
  // Ordered partial waits add edges, which may order the producers of
  // other partial waits: iterate to a fixpoint (at most one round per wait).
  while (resolveOrderedPartialWaits())
    if (failed(sortAndClock()))
      return failure();
  return success();
}

/// Producers with more than this many others are not analysed: their
/// partial waits stay ambiguous (rejected), which is conservative.
static constexpr size_t kMaxOrderedProducers = 1024;

std::optional<SmallVector<uint32_t>>
ScheduleGraph::guaranteedProducers(const WaitInfo &wait) const {
  // Producers already ordered before the waiter by other edges have
  // finished when it starts; the wait only says something about the rest.
  SmallVector<uint32_t> open;
  int64_t needed = wait.threshold - wait.init;
  for (uint32_t producer : producers[wait.event]) {
    if (producer == wait.task)
      continue;
    if (happensBefore(producer, wait.task))
      --needed;
    else
      open.push_back(producer);
  }
  SmallVector<uint32_t> guaranteed;
  if (needed <= 0)
    return guaranteed;
  if (open.size() > kMaxOrderedProducers)
    return std::nullopt;
  // `p` has finished whenever `needed` open producers have iff fewer than
  // `needed` other open producers can finish without it, i.e. are not
  // happens-after `p`.
  for (uint32_t p : open) {
    int64_t independent = llvm::count_if(
        open, [&](uint32_t q) { return q != p && !happensBefore(p, q); });
    if (independent < needed)
      guaranteed.push_back(p);
  }
  if (int64_t(guaranteed.size()) != needed)
    return std::nullopt;
  return guaranteed;
}

std::vector<std::vector<uint32_t>>
ScheduleGraph::nodesByChainPosition() const {
  std::vector<std::vector<uint32_t>> chainNodes(numChains);
  auto place = [&](uint32_t chain, uint32_t pos, uint32_t node) {
    if (chainNodes[chain].size() <= pos)
      chainNodes[chain].resize(pos + 1, ~0u);
    chainNodes[chain][pos] = node;
  };
  for (uint32_t task = 0; task < tasks.size(); ++task)
    place(chainOf[task], posOf[task], taskNode(task));
  for (auto [barrier, positions] : llvm::enumerate(barrierPos))
    for (auto [chain, pos] : llvm::enumerate(positions))
      place(chain, pos, barrierNode(barrier));
  return chainNodes;
}

/// An ambiguous partial wait still orders every node that happens before
/// enough of its producers: whichever `needed` of the `open` producers
/// finish, one of them is among the `open - needed + 1` with the latest
/// clock on a chain, so the node at that order statistic's position has
/// finished. Adds an edge from it, per chain, when that says more than the
/// waiter's clock already does.
bool ScheduleGraph::addCommonAncestorEdges(
    const WaitInfo &wait,
    const std::vector<std::vector<uint32_t>> &chainNodes) {
  SmallVector<uint32_t> open;
  int64_t needed = wait.threshold - wait.init;
  for (uint32_t producer : producers[wait.event]) {
    if (producer == wait.task || happensBefore(wait.task, producer))
      continue;
    if (happensBefore(producer, wait.task))
      --needed;
    else
      open.push_back(producer);
  }
  if (needed <= 0 || int64_t(open.size()) < needed ||
      open.size() > kMaxOrderedProducers)
    return false;
  size_t rank = open.size() - needed; // 0-based, from the largest
  bool changed = false;
  SmallVector<int32_t> values(open.size());
  // The producers share the waiter's component (through the event).
  const Component &component = components[componentOf[wait.task]];
  for (uint32_t chain = component.firstChain;
       chain < component.firstChain + component.numChains; ++chain) {
    for (auto [i, producer] : llvm::enumerate(open))
      values[i] = clockAt(producer, chain);
    std::nth_element(values.begin(), values.begin() + rank, values.end(),
                     std::greater<int32_t>());
    int32_t pos = values[rank];
    if (pos < 0 || pos <= clockAt(wait.task, chain) ||
        chainNodes[chain][pos] == ~0u)
      continue;
    addEdge(chainNodes[chain][pos], taskNode(wait.task), -1, wait.event);
    changed = true;
  }
  return changed;
}

bool ScheduleGraph::resolveOrderedPartialWaits() {
  bool changed = false;
  std::vector<std::vector<uint32_t>> chainNodes = nodesByChainPosition();
  for (WaitInfo &wait : waits) {
    if (wait.kind != WaitKind::Partial)
      continue;
    std::optional<SmallVector<uint32_t>> guaranteed = guaranteedProducers(wait);
    if (!guaranteed) {
      changed = addCommonAncestorEdges(wait, chainNodes) || changed;
      continue;
    }
    wait.kind = WaitKind::OrderedPartial;
    for (uint32_t producer : *guaranteed)
      addEdge(taskNode(producer), taskNode(wait.task), -1, wait.event);
    changed = changed || !guaranteed->empty();
  }
  return changed;
}

LogicalResult ScheduleGraph::sortAndClock() {
  size_t n = numNodes();
  std::vector<uint32_t> indegree(n);
  succStart.assign(n + 1, 0);
  for (uint32_t node = 0; node < n; ++node) {
    indegree[node] = preds[node].size();
    for (const Pred &pred : preds[node])
      ++succStart[pred.node + 1];
  }
  for (size_t node = 0; node < n; ++node)
    succStart[node + 1] += succStart[node];
  succs.assign(numEdges, 0);
  std::vector<uint32_t> fill(succStart.begin(), succStart.end() - 1);
  for (uint32_t node = 0; node < n; ++node)
    for (const Pred &pred : preds[node])
      succs[fill[pred.node]++] = node;
  order.clear();
  order.reserve(n);
  for (uint32_t node = 0; node < n; ++node)
    if (!indegree[node])
      order.push_back(node);
  for (size_t head = 0; head < order.size(); ++head)
    for (uint32_t i = succStart[order[head]]; i < succStart[order[head] + 1]; ++i)
      if (!--indegree[succs[i]])
        order.push_back(succs[i]);
  if (order.size() != n)
    return failure();
  taskRank.assign(tasks.size(), 0);
  for (auto [rank, node] : llvm::enumerate(order))
    if (kindOf(node) == NodeKind::Task)
      taskRank[node] = rank;
  if (!assigned)
    assignGreedyChains();
  computeComponents();
  computeClocks();
  return success();
}

/// Splits the graph (edges and waits) into weakly connected components and
/// renumbers the greedy chains so that each component's chains are
/// consecutive (a chain follows edges, so it lies in one component).
void ScheduleGraph::computeComponents() {
  size_t n = numNodes();
  componentOf.assign(n, 0);
  if (assigned) {
    components.assign(1, Component{0, numChains});
    return;
  }
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](uint32_t x) {
    while (parent[x] != x)
      x = parent[x] = parent[parent[x]];
    return x;
  };
  for (uint32_t node = 0; node < n; ++node)
    for (const Pred &pred : preds[node])
      parent[find(node)] = find(pred.node);
  // A waiter shares its producers' component even when the wait adds no
  // edge (partial waits): their common ancestors may still order it.
  for (const WaitInfo &wait : waits)
    parent[find(taskNode(wait.task))] = find(eventNode(wait.event));
  components.clear();
  std::vector<int64_t> idOf(n, -1);
  for (uint32_t node = 0; node < n; ++node) {
    int64_t &id = idOf[find(node)];
    if (id < 0) {
      id = components.size();
      components.emplace_back();
    }
    componentOf[node] = id;
  }
  // The old id of each chain's first task, by component.
  std::vector<std::vector<uint32_t>> chainsOf(components.size());
  std::vector<bool> seen(numChains, false);
  for (uint32_t task = 0; task < tasks.size(); ++task)
    if (!seen[chainOf[task]]) {
      seen[chainOf[task]] = true;
      chainsOf[componentOf[task]].push_back(chainOf[task]);
    }
  std::vector<uint32_t> renumbered(numChains);
  uint32_t next = 0;
  for (auto [id, chains] : llvm::enumerate(chainsOf)) {
    components[id] = Component{next, uint32_t(chains.size())};
    for (uint32_t chain : chains)
      renumbered[chain] = next++;
  }
  for (uint32_t &chain : chainOf)
    chain = renumbered[chain];
}

void ScheduleGraph::assignGreedyChains() {
  chainOf.assign(tasks.size(), 0);
  posOf.assign(tasks.size(), 0);
  std::vector<uint32_t> tails;
  auto extends = [&](uint32_t task, uint32_t pred) {
    if (kindOf(pred) != NodeKind::Task || tails[chainOf[pred]] != pred)
      return false;
    chainOf[task] = chainOf[pred];
    posOf[task] = posOf[pred] + 1;
    tails[chainOf[task]] = task;
    return true;
  };
  auto extendsAny = [&](uint32_t task) {
    for (const Pred &pred : preds[task]) {
      if (extends(task, pred.node))
        return true;
      if (kindOf(pred.node) == NodeKind::Event)
        for (const Pred &producer : preds[pred.node])
          if (extends(task, producer.node))
            return true;
    }
    return false;
  };
  for (uint32_t node : order) {
    if (kindOf(node) != NodeKind::Task || extendsAny(node))
      continue;
    chainOf[node] = tails.size();
    tails.push_back(node);
  }
  numChains = tails.size();
}

void ScheduleGraph::computeClocks() {
  criticalPath = 0;
  clockStart.assign(numNodes(), 0);
  size_t total = 0;
  for (uint32_t node = 0; node < numNodes(); ++node) {
    clockStart[node] = total;
    total += components[componentOf[node]].numChains;
  }
  clocks.assign(total, -1);
  std::vector<int64_t> length(numNodes(), 0);
  for (uint32_t node : order) {
    const Component &component = components[componentOf[node]];
    size_t width = component.numChains;
    int32_t *row = clocks.data() + clockStart[node];
    for (const Pred &pred : preds[node]) {
      const int32_t *from = clocks.data() + clockStart[pred.node];
      for (size_t c = 0; c < width; ++c)
        row[c] = std::max(row[c], from[c]);
      length[node] = std::max(length[node], length[pred.node]);
    }
    if (kindOf(node) == NodeKind::Task) {
      row[chainOf[node] - component.firstChain] = posOf[node];
      criticalPath = std::max(criticalPath, ++length[node]);
    } else if (kindOf(node) == NodeKind::Barrier) {
      for (size_t w = 0; w < width; ++w)
        row[w] = barrierPos[node - tasks.size()][w];
    }
  }
}

Operation *ScheduleGraph::opOf(uint32_t node) const {
  switch (kindOf(node)) {
  case NodeKind::Task:
    return tasks[node];
  case NodeKind::Barrier:
    return barriers[node - tasks.size()];
  case NodeKind::Event:
    return events[node - tasks.size() - barriers.size()];
  }
  llvm_unreachable("unknown node kind");
}

StringRef ScheduleGraph::getEventName(uint32_t event) const {
  return cast<EventOp>(opOf(eventNode(event))).getName();
}

std::string ScheduleGraph::describeNode(uint32_t node) const {
  Operation *op = opOf(node);
  StringRef name = op->getAttrOfType<StringAttr>("name").getValue();
  StringRef kind = kindOf(node) == NodeKind::Task      ? "task"
                   : kindOf(node) == NodeKind::Barrier ? "barrier"
                                                       : "event";
  return (kind + " \"" + name + "\"").str();
}

std::string
ScheduleGraph::describeCycle(ArrayRef<std::pair<uint32_t, Pred>> cycle) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << describeNode(cycle.front().first);
  for (auto [i, entry] : llvm::enumerate(cycle)) {
    const Pred &edge = entry.second;
    if (edge.worker >= 0)
      os << " -(queue w" << edge.worker << ")-> ";
    else if (edge.event >= 0)
      os << " -> event \"" << getEventName(edge.event) << "\" -> ";
    else
      os << " -> ";
    os << describeNode(cycle[(i + 1) % cycle.size()].first);
  }
  return text;
}

SmallVector<std::pair<Operation *, std::string>>
ScheduleGraph::getCycles() const {
  size_t n = numNodes();
  // 0: ordered, 1: blocked, 2: blocked by a reported cycle.
  std::vector<uint8_t> state(n, 1);
  for (uint32_t node : order)
    state[node] = 0;
  SmallVector<std::pair<Operation *, std::string>> result;
  std::vector<int64_t> walkIndex(n, -1);
  for (uint32_t start = 0; start < n; ++start) {
    if (state[start] != 1)
      continue;
    // Every blocked node has a blocked predecessor: walk back to a repeat.
    SmallVector<std::pair<uint32_t, Pred>> walk;
    uint32_t cur = start;
    while (walkIndex[cur] < 0) {
      walkIndex[cur] = walk.size();
      const Pred *pred = llvm::find_if(
          preds[cur], [&](const Pred &p) { return state[p.node] == 1; });
      walk.push_back({cur, *pred});
      cur = pred->node;
    }
    // walk[m + 1] -> walk[m]; the repeat closes walk[j] -> walk.back().
    size_t j = walkIndex[cur];
    SmallVector<std::pair<uint32_t, Pred>> cycle;
    for (size_t m = walk.size(); m-- > j;)
      cycle.push_back({walk[m].first, m > j ? walk[m - 1].second
                                            : walk.back().second});
    for (auto &entry : walk)
      walkIndex[entry.first] = -1;
    auto first = llvm::min_element(
        cycle, [](auto &a, auto &b) { return a.first < b.first; });
    std::rotate(cycle.begin(), first, cycle.end());
    result.push_back({opOf(cycle.front().first), describeCycle(cycle)});
    // Everything the cycle blocks is explained by it.
    std::vector<uint32_t> stack;
    for (auto &entry : cycle)
      stack.push_back(entry.first);
    while (!stack.empty()) {
      uint32_t node = stack.back();
      stack.pop_back();
      if (state[node] != 1)
        continue;
      state[node] = 2;
      for (uint32_t i = succStart[node]; i < succStart[node + 1]; ++i)
        stack.push_back(succs[i]);
    }
  }
  return result;
}

SimulationResult ScheduleGraph::simulate() const {
  size_t n = tasks.size();
  std::vector<int64_t> count(events.size());
  for (auto [e, event] : llvm::enumerate(events))
    count[e] = EventOp(event).getInit();
  // Per event, its waits by threshold, and a pointer past the met ones; per
  // task, the number of unmet waits.
  std::vector<std::vector<uint32_t>> byEvent(waitsOn);
  std::vector<uint32_t> next(events.size(), 0);
  std::vector<uint32_t> unmet(n, 0);
  for (uint32_t e = 0; e < events.size(); ++e) {
    llvm::sort(byEvent[e], [&](uint32_t a, uint32_t b) {
      return waits[a].threshold < waits[b].threshold;
    });
    for (uint32_t w : byEvent[e])
      if (waits[w].threshold > count[e])
        ++unmet[waits[w].task];
      else
        ++next[e];
  }
  // Each worker's next entry in its queue.
  int64_t numQueues = assigned ? numWorkers : 0;
  std::vector<int64_t> workerOf(n, -1);
  if (assigned)
    for (auto [t, task] : llvm::enumerate(tasks))
      workerOf[t] = queueOf(*TaskOp(task).getWorker());
  std::vector<size_t> head(numQueues, 0);
  std::vector<int64_t> arrived(barriers.size(), 0);
  std::vector<uint8_t> pushed(n, 0), finished(n, 0);
  std::vector<uint32_t> ready;
  auto atHead = [&](uint32_t t) {
    int64_t w = workerOf[t];
    return w < 0 || (head[w] < queues[w].size() && queues[w][head[w]] == t);
  };
  auto tryTask = [&](uint32_t t) {
    if (!pushed[t] && !unmet[t] && atHead(t)) {
      pushed[t] = 1;
      ready.push_back(t);
    }
  };
  // Looks at the next entry of the workers in `advance`: a task may become
  // ready; a barrier is reached, and passed once every worker reached it.
  std::vector<int64_t> advance;
  auto drainAdvance = [&]() {
    while (!advance.empty()) {
      int64_t w = advance.back();
      advance.pop_back();
      if (head[w] >= queues[w].size())
        continue;
      uint32_t node = queues[w][head[w]];
      if (kindOf(node) == NodeKind::Task) {
        tryTask(node);
        continue;
      }
      uint32_t b = node - tasks.size();
      if (++arrived[b] < numQueues)
        continue;
      for (int64_t v = 0; v < numQueues; ++v) {
        ++head[v];
        advance.push_back(v);
      }
    }
  };
  if (assigned) {
    for (int64_t w = 0; w < numQueues; ++w)
      advance.push_back(w);
    drainAdvance();
  } else {
    for (uint32_t t = 0; t < n; ++t)
      tryTask(t);
  }
  size_t done = 0;
  while (!ready.empty()) {
    uint32_t t = ready.back();
    ready.pop_back();
    finished[t] = 1;
    ++done;
    uint32_t e = signalOf[t];
    ++count[e];
    for (; next[e] < byEvent[e].size() &&
           waits[byEvent[e][next[e]]].threshold <= count[e];
         ++next[e]) {
      uint32_t waiter = waits[byEvent[e][next[e]]].task;
      if (!--unmet[waiter])
        tryTask(waiter);
    }
    if (workerOf[t] >= 0) {
      ++head[workerOf[t]];
      advance.push_back(workerOf[t]);
      drainAdvance();
    }
  }
  SimulationResult result;
  result.stuckTasks = n - done;
  if (!result.stuckTasks)
    return result;
  for (const WaitInfo &wait : waits)
    if (!finished[wait.task] && atHead(wait.task) &&
        wait.threshold > count[wait.event])
      result.blocked.push_back(StuckWait{wait.task,
                                         workerOf[wait.task] < 0
                                             ? -1
                                             : queueWorker[workerOf[wait.task]],
                                         wait.event, wait.threshold,
                                         count[wait.event]});
  return result;
}
