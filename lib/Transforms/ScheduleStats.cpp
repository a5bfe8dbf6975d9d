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

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <numeric>

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_SCHEDULESTATS
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

namespace {

/// Bytes read per worker by a group of tasks: min, mean, max over every
/// worker (those reading nothing count as 0).
struct WorkerBytes {
  int64_t min = 0, max = 0;
  double mean = 0;

  explicit WorkerBytes(ArrayRef<int64_t> perWorker);
  /// (max - min) / mean; 0 when the group reads nothing.
  double spread() const { return mean > 0 ? double(max - min) / mean : 0; }
};

WorkerBytes::WorkerBytes(ArrayRef<int64_t> perWorker) {
  if (perWorker.empty())
    return;
  min = *llvm::min_element(perWorker);
  max = *llvm::max_element(perWorker);
  int64_t total = std::accumulate(perWorker.begin(), perWorker.end(),
                                  int64_t(0));
  mean = double(total) / double(perWorker.size());
}

/// One dependent stage of a layer: its tasks at one depth of the event graph
/// (the number of joins between the step's start and the task).
struct Phase {
  /// The events its tasks signal, in program order.
  llvm::SetVector<StringRef> events;
  int64_t tasks = 0;
  std::vector<int64_t> perWorker;
};

/// The tasks of one decoder layer (`layers.<N>.` names), or of none.
struct LayerStats {
  /// Phases by depth.
  std::map<int64_t, Phase> phases;
  /// Tasks and waits of the critical path inside the layer (the wait into a
  /// task counts for the task's layer).
  int64_t criticalTasks = 0, criticalSyncs = 0;

  std::vector<int64_t> perWorker() const;
};

std::vector<int64_t> LayerStats::perWorker() const {
  std::vector<int64_t> sum;
  for (const auto &[depth, phase] : phases) {
    sum.resize(phase.perWorker.size(), 0);
    for (auto [total, bytes] : llvm::zip(sum, phase.perWorker))
      total += bytes;
  }
  return sum;
}

/// Everything `--amk-schedule-stats` prints.
struct Stats {
  int64_t tasks = 0, events = 0, waits = 0, workers = 0;
  int64_t criticalSyncs = 0, criticalTasks = 0, criticalBytes = 0;
  int64_t minBytes = 0, maxBytes = 0;
  double meanBytes = 0;
  int64_t weightBytes = 0, readBytes = 0;
  int64_t pages = 0, pageBytes = 0, transientBytes = 0;
  double floorUs = 0, makespanUs = 0, predictedUs = 0;
  /// Per decoder layer; key -1 holds the tasks outside every layer
  /// (embedding, LM head, argmax).
  std::map<int64_t, LayerStats> layers;

  double spread() const {
    return meanBytes > 0 ? double(maxBytes - minBytes) / meanBytes : 0;
  }
};

/// The decoder layer a task belongs to by the importer's naming
/// (`layers.<N>.`), or -1.
int64_t layerOf(StringRef name) {
  int64_t layer;
  if (!name.consume_front("layers.") || name.consumeInteger(10, layer) ||
      !name.starts_with("."))
    return -1;
  return layer;
}

/// Fills `stats.layers`: every task's bytes into the phase of its layer and
/// depth, and the critical path of `sim` into the layers it crosses.
void collectLayers(Stats &stats, const ScheduleGraph &graph,
                   ArrayRef<unsigned> order, const Simulation &sim,
                   ArrayRef<int64_t> taskBytes, bool assigned) {
  std::vector<int64_t> depth = joinDepths(graph, order);
  for (unsigned t = 0; t < graph.getNumTasks(); ++t) {
    TaskOp task = graph.getTask(t);
    Phase &phase = stats.layers[layerOf(task.getName())].phases[depth[t]];
    phase.perWorker.resize(stats.workers, 0);
    phase.events.insert(graph.getEventName(graph.getSignal(t)));
    ++phase.tasks;
    phase.perWorker[assigned ? *task.getWorker() : 0] += taskBytes[t];
  }
  for (int64_t t = sim.last; t >= 0; t = sim.chainPred[t]) {
    LayerStats &layer = stats.layers[layerOf(graph.getTask(t).getName())];
    ++layer.criticalTasks;
    layer.criticalSyncs += sim.chainSync[t];
  }
}

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

FailureOr<Stats> computeStats(ProgramOp program, const CostModel &base,
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
  CostModel cost = CostModel::forProgram(program, stats.workers, base.syncNs,
                                         base.perTaskNs);
  if (position >= 0)
    cost.position = position;
  Simulation sim = simulateTiming(graph, *order, cost);
  stats.tasks = graph.getNumTasks();
  stats.events = graph.getNumEvents();
  stats.criticalSyncs = sim.criticalSyncs;
  stats.criticalTasks = sim.criticalTasks;
  stats.criticalBytes = sim.criticalBytes;
  std::vector<int64_t> perWorker(stats.workers, 0), taskBytes;
  stats.waits = graph.getWaits().size();
  for (TaskOp task : tasks) {
    taskBytes.push_back(getTaskBytes(task, cost.position).read);
    stats.readBytes += taskBytes.back();
    perWorker[assigned ? *task.getWorker() : 0] += taskBytes.back();
  }
  WorkerBytes total(perWorker);
  stats.minBytes = total.min;
  stats.maxBytes = total.max;
  stats.meanBytes = total.mean;
  collectLayers(stats, graph, *order, sim, taskBytes, assigned);
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
  // The floor reads the weights once at the product's bandwidth.
  os << "  floor (weights " << s.weightBytes << " B / ";
  if (target)
    os << target.getName() << " " << target.getHbmGBps() << " GB/s";
  else
    os << "1000 GB/s assumed";
  os << "): " << llvm::format("%.3f", s.floorUs) << " us\n";
  os << "  predicted: " << llvm::format("%.3f", s.predictedUs) << " us ("
     << llvm::format("%.2f", s.predictedUs / std::max(1e-9, s.floorUs))
     << "x floor)\n";
  int64_t layers = 0, stages = 0, syncs = 0;
  for (const auto &[index, layer] : s.layers)
    if (index >= 0) {
      ++layers;
      stages = std::max<int64_t>(stages, layer.phases.size());
      syncs = std::max(syncs, layer.criticalSyncs);
    }
  os << "  layers " << layers << ": at most " << stages
     << " stages and " << syncs
     << " critical-path syncs per layer; bytes per worker spread "
     << llvm::format("%.1f", 100 * s.spread()) << "%\n";
}

/// Bytes per worker of a group as JSON fields.
void addWorkerBytes(llvm::json::Object &obj, ArrayRef<int64_t> perWorker) {
  WorkerBytes bytes(perWorker);
  obj["bytes_per_worker_min"] = bytes.min;
  obj["bytes_per_worker_mean"] = bytes.mean;
  obj["bytes_per_worker_max"] = bytes.max;
  obj["bytes_per_worker_spread"] = bytes.spread();
}

llvm::json::Object layerJSON(const LayerStats &layer) {
  llvm::json::Array phases;
  for (const auto &[depth, phase] : layer.phases) {
    llvm::json::Object obj{{"depth", depth},
                           {"events", llvm::join(phase.events, "+")},
                           {"tasks", phase.tasks}};
    addWorkerBytes(obj, phase.perWorker);
    phases.push_back(std::move(obj));
  }
  llvm::json::Object obj{{"stages", int64_t(layer.phases.size())},
                         {"critical_tasks", layer.criticalTasks},
                         {"critical_syncs", layer.criticalSyncs},
                         {"phases", std::move(phases)}};
  addWorkerBytes(obj, layer.perWorker());
  return obj;
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
      {"predicted_us", s.predictedUs},
      {"bytes_per_worker_spread", s.spread()}};
  llvm::json::Array layers;
  for (const auto &[index, layer] : s.layers) {
    llvm::json::Object entry = layerJSON(layer);
    if (index < 0) {
      obj["outside_layers"] = std::move(entry);
      continue;
    }
    entry["layer"] = index;
    layers.push_back(std::move(entry));
  }
  obj["layers"] = std::move(layers);
  os << llvm::json::Value(std::move(obj)) << "\n";
}

struct ScheduleStatsPass : amk::impl::ScheduleStatsBase<ScheduleStatsPass> {
  using ScheduleStatsBase::ScheduleStatsBase;

  void runOnOperation() override {
    ProgramOp program = getOperation();
    if (failed(checkKnob(program.getLoc(), "amk-schedule-stats", knobs::kSyncNs,
                         syncNs)) ||
        failed(checkKnob(program.getLoc(), "amk-schedule-stats", knobs::kTaskNs,
                         taskNs)))
      return signalPassFailure();
    if (position < -1 || position > limits::kMaxPosition) {
      emitError(program.getLoc())
          << "amk-schedule-stats: position = " << int64_t(position)
          << " is out of range [-1, " << limits::kMaxPosition << "]";
      return signalPassFailure();
    }
    CostModel base;
    base.syncNs = double(syncNs);
    base.perTaskNs = double(taskNs);
    FailureOr<Stats> stats = computeStats(program, base, position);
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
