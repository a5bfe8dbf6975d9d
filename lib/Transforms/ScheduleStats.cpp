//===- ScheduleStats.cpp - Shape and predicted time of a schedule ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `--amk-schedule-stats`: tasks, events, waits, syncs on the critical path,
// bytes per worker, scratch pages, the weights / bandwidth floor and the
// cost model's prediction, which is never below the floor.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleModel.h"
#include "AMK/Dialect/AMK/IR/AMKLimits.h"
#include "AMK/Transforms/Passes.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_SCHEDULESTATS
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

namespace {

/// Everything `--amk-schedule-stats` prints.
struct Stats {
  int64_t tasks = 0, events = 0, waits = 0, workers = 0;
  int64_t criticalSyncs = 0, criticalTasks = 0, criticalBytes = 0;
  int64_t minBytes = 0, maxBytes = 0;
  double meanBytes = 0;
  int64_t weightBytes = 0, readBytes = 0;
  int64_t pages = 0, pageBytes = 0, transientBytes = 0;
  double floorUs = 0, makespanUs = 0, predictedUs = 0;
};

/// Bytes of every distinct weight region read, capped at the buffer size.
int64_t uniqueWeightBytes(ProgramOp program, int64_t pos) {
  llvm::DenseMap<Value, int64_t> perBuffer;
  for (TaskOp task : program.getBodyRegion().getOps<TaskOp>())
    task.forEachAccess([&](Operation *op, const Access &a) {
      auto buffer = a.buffer.getDefiningOp<BufferOp>();
      if (a.isWrite() || !buffer || buffer.getKind() != BufferKind::Weight)
        return;
      perBuffer[a.buffer] += accessBytes(op, a, pos);
    });
  int64_t total = 0;
  for (auto [buffer, bytes] : perBuffer) {
    auto type = cast<MemRefType>(buffer.getType());
    total += std::min(bytes, type.getNumElements() * elementBytes(buffer));
  }
  return total;
}

FailureOr<Stats> computeStats(ProgramOp program, double syncNs,
                              int64_t position) {
  Stats stats;
  auto tasks = program.getBodyRegion().getOps<TaskOp>();
  bool assigned = llvm::all_of(
      tasks, [](TaskOp t) { return t.getWorker().has_value(); });
  TargetAttr target = program.getTargetAttr();
  stats.workers = assigned && target ? target.getSmCount() : 1;
  if (assigned)
    for (TaskOp task : tasks)
      stats.workers = std::max(stats.workers, int64_t(*task.getWorker()) + 1);
  ScheduleGraph graph(program, assigned);
  FailureOr<std::vector<unsigned>> order =
      topologicalOrder(graph, [](unsigned t) { return double(t); });
  if (failed(order))
    return emitError(program.getLoc())
           << "amk-schedule-stats: the schedule has a "
              "cycle; run --amk-validate for a witness";
  CostModel cost = CostModel::forProgram(program, stats.workers, syncNs);
  if (position >= 0)
    cost.position = position;
  Simulation sim = simulateTiming(graph, *order, cost);
  stats.tasks = graph.getNumTasks();
  stats.events = graph.getNumEvents();
  stats.criticalSyncs = sim.criticalSyncs;
  stats.criticalTasks = sim.criticalTasks;
  stats.criticalBytes = sim.criticalBytes;
  std::vector<int64_t> perWorker(stats.workers, 0);
  stats.waits = graph.getWaits().size();
  for (TaskOp task : tasks) {
    TaskBytes bytes = getTaskBytes(task, cost.position);
    stats.readBytes += bytes.read;
    perWorker[assigned ? *task.getWorker() : 0] += bytes.read;
  }
  stats.minBytes = *llvm::min_element(perWorker);
  stats.maxBytes = *llvm::max_element(perWorker);
  stats.meanBytes = double(stats.readBytes) / double(stats.workers);
  stats.weightBytes = uniqueWeightBytes(program, cost.position);
  for (PageOp page : program.getBodyRegion().getOps<PageOp>()) {
    ++stats.pages;
    stats.pageBytes += page.getBytes();
  }
  for (BufferOp buffer : program.getBodyRegion().getOps<BufferOp>())
    if (buffer.isTransient() && !buffer.getPage())
      stats.transientBytes +=
          buffer.getType().getNumElements() * elementBytes(buffer.getResult());
  double bytesPerNs = target ? target.getBytesPerSecond() * 1e-9 : 1000.0;
  stats.floorUs = double(stats.weightBytes) / bytesPerNs * 1e-3;
  stats.makespanUs = sim.makespan * 1e-3;
  stats.predictedUs = std::max(stats.floorUs, stats.makespanUs);
  return stats;
}

void printText(llvm::raw_ostream &os, ProgramOp program, const Stats &s) {
  TargetAttr target = program.getTargetAttr();
  os << "schedule-stats @" << program.getSymName() << " target "
     << (target ? target.getChip() : StringRef("none")) << " workers "
     << s.workers << "\n";
  os << "  tasks " << s.tasks << ", events " << s.events << ", waits "
     << s.waits << "\n";
  os << "  critical path: " << s.criticalTasks << " tasks, "
     << s.criticalSyncs << " syncs\n";
  os << "  bytes read per worker: min " << s.minBytes << ", mean "
     << llvm::format("%.0f", s.meanBytes) << ", max " << s.maxBytes
     << " (total " << s.readBytes << ")\n";
  os << "  scratch: " << s.pages << " pages, " << s.pageBytes
     << " bytes on pages, " << s.transientBytes << " bytes unpaged\n";
  os << "  floor (weights " << s.weightBytes << " B / HBM): "
     << llvm::format("%.3f", s.floorUs) << " us\n";
  os << "  predicted: " << llvm::format("%.3f", s.predictedUs) << " us ("
     << llvm::format("%.2f", s.predictedUs / std::max(1e-9, s.floorUs))
     << "x floor)\n";
}

void printJSON(llvm::raw_ostream &os, ProgramOp program, const Stats &s) {
  llvm::json::Object obj{
      {"program", program.getSymName()},
      {"tasks", s.tasks},
      {"events", s.events},
      {"waits", s.waits},
      {"workers", s.workers},
      {"critical_tasks", s.criticalTasks},
      {"critical_syncs", s.criticalSyncs},
      {"critical_bytes", s.criticalBytes},
      {"bytes_per_worker_min", s.minBytes},
      {"bytes_per_worker_mean", s.meanBytes},
      {"bytes_per_worker_max", s.maxBytes},
      {"weight_bytes", s.weightBytes},
      {"pages", s.pages},
      {"page_bytes", s.pageBytes},
      {"floor_us", s.floorUs},
      {"makespan_us", s.makespanUs},
      {"predicted_us", s.predictedUs}};
  os << llvm::json::Value(std::move(obj)) << "\n";
}

struct ScheduleStatsPass : amk::impl::ScheduleStatsBase<ScheduleStatsPass> {
  using ScheduleStatsBase::ScheduleStatsBase;

  void runOnOperation() override {
    ProgramOp program = getOperation();
    if (failed(checkKnob(program.getLoc(), "amk-schedule-stats", knobs::kSyncNs,
                         syncNs)))
      return signalPassFailure();
    if (position < -1 || position > limits::kMaxPosition) {
      emitError(program.getLoc())
          << "amk-schedule-stats: position = " << int64_t(position)
          << " is out of range [-1, " << limits::kMaxPosition << "]";
      return signalPassFailure();
    }
    FailureOr<Stats> stats = computeStats(program, double(syncNs), position);
    if (failed(stats))
      return signalPassFailure();
    if (json)
      printJSON(llvm::errs(), program, *stats);
    else
      printText(llvm::errs(), program, *stats);
    markAllAnalysesPreserved();
  }
};

} // namespace
