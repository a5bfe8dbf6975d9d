//===- ScheduleModel.h - What the scheduling passes share -------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// What tile, fuse, assign, allocate and stats share: an index of tasks and
// events, region sizes, the cost model (bytes over a worker's share of HBM
// bandwidth plus a fixed cost per wait), topological orders and happens-
// before vector clocks over workers. Part of AMKAnalysis; used by the
// passes of AMKTransforms.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ANALYSIS_SCHEDULEMODEL_H
#define AMK_ANALYSIS_SCHEDULEMODEL_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace mlir {
namespace amk {

/// Tasks and events of a program with producers and waiters per event.
struct ProgramIndex {
  explicit ProgramIndex(ProgramOp program);

  /// Op handles are mutable so that const indexes can query them.
  mutable SmallVector<TaskOp> tasks;
  mutable SmallVector<EventOp> events;
  llvm::DenseMap<Operation *, unsigned> taskIndex;
  llvm::DenseMap<Value, unsigned> eventIndex;
  /// Producers (task indices) of every event.
  std::vector<SmallVector<unsigned, 1>> producers;
  /// Waiting tasks of every event, with the index of the wait.
  std::vector<SmallVector<std::pair<unsigned, unsigned>, 2>> waiters;

  /// True when wait `i` of `task` joins every producer of its event.
  bool isAllJoin(TaskOp task, unsigned i) const;
};

/// Number of producers of every event of `program`.
llvm::DenseMap<Value, int64_t> countProducers(ProgramOp program);

/// After tasks signalling existing events were split or merged: shifts every
/// non-trivial wait on an event of `before` by the change in its number of
/// producers, so that all-join waits stay all-join.
void rebalanceWaits(ProgramOp program,
                    const llvm::DenseMap<Value, int64_t> &before);

/// Size in bytes of one element of `buffer`.
int64_t elementBytes(Value buffer);

/// Bytes of `access` at decode position `pos`.
int64_t regionBytes(const Access &access, int64_t pos);

/// Bytes `op` really moves for `access` at position `pos`: its region, except
/// that an embedding lookup reads one row of the whole table it reports.
int64_t accessBytes(Operation *op, const Access &access, int64_t pos);

/// Bytes a task reads and writes at decode position `pos` (an embedding
/// lookup reads one row, not the whole table).
struct TaskBytes {
  int64_t read = 0, written = 0, weights = 0;
};
TaskBytes getTaskBytes(TaskOp task, int64_t pos);

/// The decode position the cost model assumes for `program`.
int64_t costPosition(ProgramOp program);

/// Returns the task indices in a topological order of the event graph
/// (plus queue edges when `withQueues`; tasks must then be assigned),
/// taking among ready tasks the one with the smallest `priority`. Fails
/// when the graph has a cycle.
FailureOr<std::vector<unsigned>>
topologicalOrder(const ProgramIndex &index, bool withQueues,
                 llvm::function_ref<double(unsigned)> priority);

/// Happens-before over assigned tasks: per-task vector clocks over workers.
class WorkerClocks {
public:
  /// `order` must be topological including queue edges.
  WorkerClocks(const ProgramIndex &index, ArrayRef<unsigned> order,
               int64_t workers);
  /// True when task `a` happens before task `b`.
  bool happensBefore(unsigned a, unsigned b) const {
    return a != b && clock(b, worker[a]) >= pos[a];
  }
  int32_t clock(unsigned task, int64_t w) const {
    return clocks[size_t(task) * numWorkers + w];
  }
  int64_t getWorker(unsigned task) const { return worker[task]; }
  int32_t getPos(unsigned task) const { return pos[task]; }
  int64_t getNumWorkers() const { return numWorkers; }

private:
  int64_t numWorkers;
  std::vector<int32_t> worker, pos, clocks;
};

/// The cost model of docs/design.md §5.
struct CostModel {
  /// HBM bytes per nanosecond of one worker.
  double bytesPerNs = 1;
  /// Nanoseconds of one cross-worker wait.
  double syncNs = 1000;
  int64_t position = 0;

  static CostModel forProgram(ProgramOp program, int64_t workers,
                              double syncNs);
  double taskNs(TaskOp task) const {
    return double(getTaskBytes(task, position).read) / bytesPerNs;
  }
};

/// Timing of a schedule under the cost model.
struct Simulation {
  std::vector<double> start, finish;
  double makespan = 0;
  /// Waits on the longest chain of the simulated schedule.
  int64_t criticalSyncs = 0;
  int64_t criticalTasks = 0;
  /// Bytes read by the tasks of that chain: with `criticalSyncs` it
  /// decomposes the makespan (bytes / bandwidth + syncs x sync cost), which
  /// lets a tuner refit both constants from measurements.
  int64_t criticalBytes = 0;
};

/// Simulates assigned tasks in `order` (topological including queue edges).
Simulation simulate(const ProgramIndex &index, ArrayRef<unsigned> order,
                    const CostModel &cost);

/// The target of `program`, or an error naming `pass`.
FailureOr<TargetAttr> requireTarget(ProgramOp program, StringRef pass);

} // namespace amk
} // namespace mlir

#endif // AMK_ANALYSIS_SCHEDULEMODEL_H
