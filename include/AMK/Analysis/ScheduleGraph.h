//===- ScheduleGraph.h - Happens-before graph of a schedule ------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The one scheduling analysis: the validator and the scheduling passes
// (assign, allocate, stats through ScheduleModel.h) reason on this graph. It
// indexes a program once: every event's producers and waits, every task's
// signal and waits, every worker's queue. One node per task, barrier and
// event; queue edges between consecutive entries of a worker's queue (a
// barrier sits in every queue), producer -> event edges, and event -> waiter
// edges for waits that join every producer. Happens-before (HB) is its transitive
// closure. Once acyclic, every task gets a vector clock over chains (the
// workers after assignment, greedy chains before), so `happensBefore` is O(1)
// and the whole structure is O(nodes x chains) in time and memory.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ANALYSIS_SCHEDULEGRAPH_H
#define AMK_ANALYSIS_SCHEDULEGRAPH_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/DenseMap.h"

#include <string>

namespace mlir {
namespace amk {

/// How a wait relates to the producers of its event.
enum class WaitKind {
  /// `threshold <= init`: satisfied at step start, orders nothing.
  Trivial,
  /// `threshold - init == producers`: joins every producer.
  AllJoin,
  /// `init < threshold < init + producers`, but happens-before decides which
  /// producers have finished when the wait passes (those ordered before the
  /// waiter anyway, and the ones that must finish first among the rest): an
  /// all-join of those.
  OrderedPartial,
  /// `init < threshold < init + producers`: some producers, not which.
  Partial,
  /// `threshold > init + producers`: never satisfied.
  Unsatisfiable,
};

/// One `(event, threshold)` wait of a task, classified.
struct WaitInfo {
  uint32_t task;
  uint32_t event;
  int64_t threshold;
  int64_t init;
  /// Producers of the event other than the waiting task itself.
  int64_t producers;
  WaitKind kind;
};

/// A task the maximal execution never runs although it is next in its queue
/// (or has no queue): one of its waits is not met.
struct StuckWait {
  uint32_t task;
  /// The task's worker, -1 before assignment.
  int64_t worker;
  uint32_t event;
  int64_t threshold;
  /// The event's count once nothing else can run.
  int64_t count;
};

/// The outcome of `ScheduleGraph::simulate`.
struct SimulationResult {
  /// Tasks that never finish (0: deadlock-free).
  size_t stuckTasks = 0;
  /// The unmet waits of the blocked tasks that are next in their queues, in
  /// task order.
  SmallVector<StuckWait> blocked;
};

/// The happens-before graph of one `amk.program`.
class ScheduleGraph {
public:
  enum class NodeKind : uint8_t { Task, Barrier, Event };

  /// An edge into a node. `worker` >= 0 for a queue edge on that worker;
  /// otherwise an event edge, through `event` when the edge bypasses the
  /// event's node (a waiter that is also a producer).
  struct Pred {
    uint32_t node;
    int32_t worker;
    int32_t event;
  };

  /// Builds the graph. `assigned` says whether tasks carry workers; when set,
  /// every task must have a worker and every barrier one slot per worker of
  /// the grid. Queues exist only for the workers tasks or barriers use, so
  /// memory does not grow with the largest worker id.
  ScheduleGraph(ProgramOp program, bool assigned);

  size_t getNumTasks() const { return tasks.size(); }
  size_t getNumEvents() const { return events.size(); }
  size_t getNumBarriers() const { return barriers.size(); }
  /// The name of event `event`.
  StringRef getEventName(uint32_t event) const;
  ArrayRef<WaitInfo> getWaits() const { return waits; }
  /// The index of the task or event op `op`.
  uint32_t indexOf(Operation *op) const { return index.lookup(op); }
  /// The op of task `task`.
  TaskOp getTask(uint32_t task) const { return tasks[task]; }
  /// The op of event `event`.
  EventOp getEvent(uint32_t event) const { return events[event]; }
  /// Tasks signalling event `event`, in program order.
  ArrayRef<uint32_t> getProducers(uint32_t event) const {
    return producers[event];
  }
  /// The waits on event `event` (indices into `getWaits()`), in program order.
  ArrayRef<uint32_t> getWaitsOn(uint32_t event) const { return waitsOn[event]; }
  /// The event task `task` signals.
  uint32_t getSignal(uint32_t task) const { return signalOf[task]; }
  /// The waits of task `task`, in operand order.
  ArrayRef<WaitInfo> getWaitsOf(uint32_t task) const {
    return ArrayRef<WaitInfo>(waits).slice(
        waitStart[task], waitStart[task + 1] - waitStart[task]);
  }
  /// The task after `task` in its worker's queue, barriers skipped; -1 when
  /// `task` is the last one or the graph has no queues.
  int64_t getNextInQueue(uint32_t task) const {
    return nextInQueue.empty() ? -1 : nextInQueue[task];
  }
  size_t getNumEdges() const { return numEdges; }

  /// Sorts the graph topologically and computes the vector clocks. Fails
  /// when the graph has a cycle (a deadlock); `getCycles` then lists them.
  LogicalResult computeHappensBefore();

  /// One cycle per deadlocked group of nodes, printed as a witness
  /// `task "a" -> event "e" -> task "b" -(queue w3)-> task "a"`, with the op
  /// to report it at.
  SmallVector<std::pair<Operation *, std::string>> getCycles() const;

  /// Runs the schedule greedily: counters only grow and finished tasks stay
  /// finished, so the maximal execution is unique and the program is
  /// deadlock-free iff it finishes every task. Exact for any thresholds
  /// (k-of-n waits included), O((tasks + waits + barriers x workers) log).
  /// Needs well-formed queues (every task assigned, barriers of full width)
  /// or none; unsatisfiable waits simply never pass.
  SimulationResult simulate() const;

  /// True when task `a` happens before task `b` (`a != b`).
  bool happensBefore(uint32_t a, uint32_t b) const {
    return a != b && clockAt(b, chainOf[a]) >= int32_t(posOf[a]);
  }
  /// The chain of task `task` and its position on it: `a` HB `b` iff
  /// `clockAt(b, getChain(a)) >= getChainPosition(a)` (`a != b`).
  uint32_t getChain(uint32_t task) const { return chainOf[task]; }
  int32_t getChainPosition(uint32_t task) const { return posOf[task]; }
  /// Entry `chain` of the vector clock of task (or node) `node`: the last
  /// position on that chain that happens before or is `node` (-1 when none;
  /// always for chains of another weakly connected component).
  int32_t clockAt(uint32_t node, uint32_t chain) const {
    const Component &component = components[componentOf[node]];
    if (chain < component.firstChain ||
        chain >= component.firstChain + component.numChains)
      return -1;
    return clocks[clockStart[node] + (chain - component.firstChain)];
  }
  /// Position of task `task` in a topological order of the graph.
  uint32_t getTopologicalRank(uint32_t task) const { return taskRank[task]; }
  /// Longest chain of tasks ordered by happens-before.
  int64_t getCriticalPath() const { return criticalPath; }
  /// Number of chains of the vector clocks.
  uint32_t getNumChains() const { return numChains; }

private:
  uint32_t taskNode(uint32_t task) const { return task; }
  uint32_t barrierNode(uint32_t barrier) const { return tasks.size() + barrier; }
  uint32_t eventNode(uint32_t event) const {
    return tasks.size() + barriers.size() + event;
  }
  size_t numNodes() const {
    return tasks.size() + barriers.size() + events.size();
  }
  NodeKind kindOf(uint32_t node) const;
  Operation *opOf(uint32_t node) const;
  void addEdge(uint32_t from, uint32_t to, int32_t worker, int32_t event);
  void collectOps(ProgramOp program);
  void addEventEdges();
  void collectQueues();
  uint32_t queueOf(int64_t worker) const;
  void addQueueEdges();
  void assignGreedyChains();
  void computeComponents();
  void computeClocks();
  LogicalResult sortAndClock();
  bool resolveOrderedPartialWaits();
  bool addCommonAncestorEdges(
      const WaitInfo &wait,
      const std::vector<std::vector<uint32_t>> &chainNodes);
  std::vector<std::vector<uint32_t>> nodesByChainPosition() const;
  /// The producers a partial wait provably joins, or std::nullopt when the
  /// wait does not determine which producers finished.
  std::optional<SmallVector<uint32_t>>
  guaranteedProducers(const WaitInfo &wait) const;
  std::string describeNode(uint32_t node) const;
  std::string describeCycle(ArrayRef<std::pair<uint32_t, Pred>> cycle) const;

  SmallVector<TaskOp> tasks;
  SmallVector<EventOp> events;
  SmallVector<BarrierOp> barriers;
  llvm::DenseMap<Operation *, uint32_t> index;
  std::vector<std::vector<uint32_t>> producers;
  /// Every task's waits, task after task; task `t`'s are
  /// `[waitStart[t], waitStart[t + 1])`.
  std::vector<WaitInfo> waits;
  std::vector<uint32_t> waitStart;
  /// The waits on every event, and the event every task signals.
  std::vector<std::vector<uint32_t>> waitsOn;
  std::vector<uint32_t> signalOf;
  /// Incoming edges of every node.
  std::vector<SmallVector<Pred, 2>> preds;
  size_t numEdges = 0;
  bool assigned;
  /// Number of queues: the distinct workers used.
  int64_t numWorkers = 0;
  /// The worker id of every queue, increasing.
  std::vector<int64_t> queueWorker;
  /// The nodes (tasks and barriers) of every queue, in order.
  std::vector<std::vector<uint32_t>> queues;
  /// The next task on its worker of every task (-1: none).
  std::vector<int64_t> nextInQueue;
  /// Nodes in topological order; shorter than numNodes() on a cycle.
  std::vector<uint32_t> order;
  /// Successors of every node, in compressed rows.
  std::vector<uint32_t> succStart, succs;
  /// Topological rank of each task.
  std::vector<uint32_t> taskRank;
  /// Chain and position of each task.
  std::vector<uint32_t> chainOf, posOf;
  uint32_t numChains = 0;
  /// Chain positions of each barrier, indexed by queue.
  std::vector<std::vector<uint32_t>> barrierPos;
  /// A weakly connected part of the graph: no node of it is ordered with a
  /// node of another, so its clocks need only its own chains, numbered
  /// `[firstChain, firstChain + numChains)`. Assigned programs are one
  /// component (barriers span every worker).
  struct Component {
    uint32_t firstChain = 0, numChains = 0;
  };
  std::vector<Component> components;
  std::vector<uint32_t> componentOf;
  /// `clocks[clockStart[node] + c - firstChain]`: the last position on chain
  /// `c` of the node's component that happens before or is `node`, -1 when
  /// none. Memory: the sum over components of nodes x chains, so it does not
  /// grow with the number of independent parts of an unassigned program.
  std::vector<size_t> clockStart;
  std::vector<int32_t> clocks;
  int64_t criticalPath = 0;
};

} // namespace amk
} // namespace mlir

#endif // AMK_ANALYSIS_SCHEDULEGRAPH_H
