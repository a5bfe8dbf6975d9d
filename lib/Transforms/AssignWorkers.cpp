//===- AssignWorkers.cpp - Worker and queue order by list scheduling ------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `--amk-assign-workers`: takes tasks in a topological order of the event
// graph and appends each to a worker's queue. Every queue is then a
// subsequence of one topological order, so queue edges never close a cycle
// with event edges: no cross-queue deadlock.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleModel.h"
#include "AMK/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_ASSIGNWORKERS
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

namespace {

/// Longest cost-weighted path from each task to the end of the step.
std::vector<double> bottomLevels(const ScheduleGraph &graph,
                                 ArrayRef<unsigned> order,
                                 const CostModel &cost) {
  std::vector<double> level(graph.getNumTasks(), 0);
  std::vector<double> eventLevel(graph.getNumEvents(), 0);
  for (unsigned t : llvm::reverse(order)) {
    level[t] = cost.taskNs(graph.getTask(t)) + eventLevel[graph.getSignal(t)];
    for (const WaitInfo &wait : graph.getWaitsOf(t)) {
      double &up = eventLevel[wait.event];
      up = std::max(up, level[t] + cost.syncNs);
    }
  }
  return level;
}

/// Earliest time every wait of task `t` is satisfied under the cost model.
double readyTime(const ScheduleGraph &graph, unsigned t,
                 ArrayRef<double> eventTime, const CostModel &cost) {
  double ready = 0;
  for (const WaitInfo &wait : graph.getWaitsOf(t))
    if (wait.kind != WaitKind::Trivial)
      ready = std::max(ready, eventTime[wait.event] + cost.syncNs);
  return ready;
}

/// `order` sorted by join `depth`, then by bytes read (largest first): the
/// order `phases` places tasks in, topological by `joinDepths`.
std::vector<unsigned> phaseOrder(ArrayRef<unsigned> order,
                                 ArrayRef<int64_t> depth,
                                 ArrayRef<int64_t> bytes) {
  std::vector<unsigned> sorted(order);
  llvm::stable_sort(sorted, [&](unsigned a, unsigned b) {
    return std::make_pair(depth[a], -bytes[a]) <
           std::make_pair(depth[b], -bytes[b]);
  });
  return sorted;
}

/// Places tasks for `phases`: each on the worker that has read the fewest
/// bytes at its join depth so far, ties to the fewest bytes in the step so
/// far, then the lowest index. Every depth's tasks then share its bytes as
/// evenly as their sizes allow, and a depth's wider tiles go to the workers
/// behind over the whole step.
class PhasePlacer {
public:
  PhasePlacer(std::vector<int64_t> depth, int64_t workers)
      : depth(std::move(depth)), inPhase(workers, 0), inStep(workers, 0) {}

  /// The worker for task `t`, which reads `bytes`; tasks come in `phaseOrder`.
  int64_t place(unsigned t, int64_t bytes) {
    if (depth[t] != phase) {
      phase = depth[t];
      llvm::fill(inPhase, 0);
    }
    int64_t best = 0;
    for (int64_t w = 1, e = inPhase.size(); w < e; ++w)
      if (std::make_pair(inPhase[w], inStep[w]) <
          std::make_pair(inPhase[best], inStep[best]))
        best = w;
    inPhase[best] += bytes;
    inStep[best] += bytes;
    return best;
  }

private:
  std::vector<int64_t> depth;
  int64_t phase = -1;
  std::vector<int64_t> inPhase, inStep;
};

struct AssignWorkersPass : amk::impl::AssignWorkersBase<AssignWorkersPass> {
  using AssignWorkersBase::AssignWorkersBase;

  void runOnOperation() override {
    ProgramOp program = getOperation();
    FailureOr<TargetAttr> target = requireTarget(program, "amk-assign-workers");
    if (failed(target) ||
        failed(checkKnob(program.getLoc(), "amk-assign-workers", knobs::kSyncNs,
                         syncNs)) ||
        failed(checkKnob(program.getLoc(), "amk-assign-workers", knobs::kTaskNs,
                         taskNs)) ||
        failed(assign(program, target->getSmCount(), strategy)))
      return signalPassFailure();
  }

  LogicalResult assign(ProgramOp program, int64_t workers, AssignStrategy how);
};

LogicalResult AssignWorkersPass::assign(ProgramOp program, int64_t workers,
                                        AssignStrategy how) {
  if (!program.getBodyRegion().getOps<BarrierOp>().empty())
    return emitError(program.getLoc())
           << "amk-assign-workers: programs with amk.barrier are not supported";
  // Existing workers and queue positions are replaced: no queue edges.
  ScheduleGraph graph(program, /*assigned=*/false);
  CostModel cost =
      CostModel::forProgram(program, workers, double(syncNs), double(taskNs));
  auto byProgramOrder = [](unsigned t) { return double(t); };
  FailureOr<std::vector<unsigned>> order =
      topologicalOrder(graph, byProgramOrder);
  if (failed(order))
    return emitError(program.getLoc())
           << "amk-assign-workers: the event graph has a cycle; run "
              "--amk-validate for a witness";
  std::vector<int64_t> bytes;
  for (unsigned t = 0; t < graph.getNumTasks(); ++t)
    bytes.push_back(getTaskBytes(graph.getTask(t), cost.position).read);
  std::optional<PhasePlacer> phases;
  if (how == AssignStrategy::CriticalPath) {
    std::vector<double> level = bottomLevels(graph, *order, cost);
    order = topologicalOrder(graph, [&](unsigned t) { return -level[t]; });
  } else if (how == AssignStrategy::Phases) {
    std::vector<int64_t> depth = joinDepths(graph, *order);
    order = phaseOrder(*order, depth, bytes);
    phases.emplace(std::move(depth), workers);
  }
  std::vector<double> freeAt(workers, 0), eventTime(graph.getNumEvents(), 0);
  std::vector<int64_t> queueLength(workers, 0);
  Builder builder(program.getContext());
  for (auto [i, t] : llvm::enumerate(*order)) {
    TaskOp task = graph.getTask(t);
    double ready = readyTime(graph, t, eventTime, cost);
    int64_t worker = int64_t(i % workers);
    if (how == AssignStrategy::Phases) {
      worker = phases->place(t, bytes[t]);
    } else if (how != AssignStrategy::RoundRobin) {
      // Earliest start; among equal starts the worker that went idle last,
      // which keeps idle workers free for tasks that become ready later.
      auto startOn = [&](int64_t w) { return std::max(ready, freeAt[w]); };
      for (int64_t w = 1; w < workers; ++w)
        if (startOn(w) < startOn(worker) ||
            (startOn(w) == startOn(worker) && freeAt[w] > freeAt[worker]))
          worker = w;
    }
    double finish = std::max(ready, freeAt[worker]) + cost.bytesNs(bytes[t]);
    freeAt[worker] = finish;
    double &signalled = eventTime[graph.getSignal(t)];
    signalled = std::max(signalled, finish);
    task.setWorkerAttr(builder.getI64IntegerAttr(worker));
    task.setQueueAttr(builder.getI64IntegerAttr(queueLength[worker]++));
  }
  return success();
}

} // namespace
