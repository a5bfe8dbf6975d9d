//===- ScheduleModel.h - What the scheduling passes share -------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// What tile, assign, allocate and stats share on top of the ScheduleGraph:
// region sizes, the cost model (bytes over a worker's share of HBM
// bandwidth plus a fixed cost per wait), prioritized topological orders and
// the timing of a schedule under the cost model. Happens-before (vector
// clocks over workers) is the graph's own. Part of AMKAnalysis; used by the
// passes of AMKTransforms.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ANALYSIS_SCHEDULEMODEL_H
#define AMK_ANALYSIS_SCHEDULEMODEL_H

#include "AMK/Analysis/ScheduleGraph.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace mlir {
namespace amk {

/// Number of producers of every event of `program`.
llvm::DenseMap<Value, int64_t> countProducers(ProgramOp program);

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

/// Returns the tasks of `graph` in a topological order that puts every task
/// after the producers of each event it waits on past its init and, when the
/// graph has queues, after the task before it in its worker's queue
/// (barriers are not ordered), taking among ready tasks the one with the
/// smallest `priority`. Fails when these constraints form a cycle.
FailureOr<std::vector<unsigned>>
topologicalOrder(const ScheduleGraph &graph,
                 llvm::function_ref<double(unsigned)> priority);

/// The join depth of every task of `graph`: the number of non-trivial waits
/// on the longest event path from the step's start to it (queue edges not
/// counted), given `order`, a `topologicalOrder` of the graph. A waiter is
/// deeper than every producer it joins, so tasks sorted by depth are in a
/// topological order of the event edges.
std::vector<int64_t> joinDepths(const ScheduleGraph &graph,
                                ArrayRef<unsigned> order);

/// The cost model of docs/design.md §5.
struct CostModel {
  /// HBM bytes per nanosecond of one worker.
  double bytesPerNs = 1;
  /// Nanoseconds of one cross-worker wait.
  double syncNs = 1000;
  /// Nanoseconds every task costs whatever it reads.
  double perTaskNs = 0;
  int64_t position = 0;

  static CostModel forProgram(ProgramOp program, int64_t workers,
                              double syncNs, double perTaskNs);
  /// Nanoseconds of a task reading `bytes`.
  double bytesNs(int64_t bytes) const {
    return perTaskNs + double(bytes) / bytesPerNs;
  }
  double taskNs(TaskOp task) const {
    return bytesNs(getTaskBytes(task, position).read);
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
  /// The task before each task on its longest chain (-1 at a chain's start),
  /// whether that link is a wait (else the worker's queue), and the task
  /// that finishes last: the critical path is `last`, `chainPred[last]`, ...
  std::vector<int64_t> chainPred;
  std::vector<bool> chainSync;
  int64_t last = -1;
};

/// Times the tasks of `graph` in `order` (a `topologicalOrder` of it): a
/// task starts once its worker is free and the events it waits on (past
/// their init) were last signalled, plus the cost of a wait.
Simulation simulateTiming(const ScheduleGraph &graph, ArrayRef<unsigned> order,
                          const CostModel &cost);

/// The target of `program`, or an error naming `pass`.
FailureOr<TargetAttr> requireTarget(ProgramOp program, StringRef pass);

} // namespace amk
} // namespace mlir

#endif // AMK_ANALYSIS_SCHEDULEMODEL_H
