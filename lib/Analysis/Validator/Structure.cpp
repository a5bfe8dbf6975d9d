//===- Structure.cpp - Validator: grid, barriers, waits -------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The structural checks of the validator: buffers and pages of a representable
// size, the position range, workers and barriers against the grid, waits that
// can never be satisfied (or partial waits in strict mode), and deadlocks that
// only a simulation finds (partial waits on an acyclic graph).
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

#include "AMK/Support/StorageModel.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;
namespace storage = ::amk::storage;

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

void Validator::collectBuffers() {
  llvm::DenseMap<Value, uint32_t> pageGroup;
  SmallVector<BufferOp> ops(program.getBody()->getOps<BufferOp>());
  for (BufferOp op : ops) {
    uint32_t group = buffers.size();
    if (Value page = op.getPage())
      group = pageGroup.try_emplace(page, ops.size() + pageGroup.size())
                  .first->second;
    bufferIndex[op.getResult()] = buffers.size();
    int64_t bits = op.getType().getElementType().getIntOrFloatBitWidth();
    buffers.push_back(BufferInfo{op, group, bits});
    buffers.back().valid = checkStorage(op, bits);
  }
  for (PageOp page : program.getBody()->getOps<PageOp>())
    if (page.getBytesAttr().getInt() > storage::kMaxBufferBytes)
      report(page, "page '" + page.getName() + "' has " +
                       Twine(page.getBytesAttr().getInt()) +
                       " bytes, more than the " +
                       Twine(storage::kMaxBufferBytes) + " AMK accepts");
}

/// Checks that `op` has a representable size (amk::storage) and fits its
/// page; false when its size is absurd.
bool Validator::checkStorage(BufferOp op, int64_t bits) {
  ArrayRef<int64_t> shape = op.getType().getShape();
  std::optional<int64_t> elements =
      storage::checkedProduct(shape.data(), shape.size());
  std::optional<int64_t> bytes;
  if (elements)
    bytes = storage::BufferLayout{bits, *elements}.bytes();
  if (!bytes) {
    report(op, "buffer '" + op.getName() + "' is too large: " +
                   (elements ? Twine(*elements) : Twine("more than 2^63")) +
                   " elements of " + Twine(bits) + " bits exceed " +
                   Twine(storage::kMaxBufferBytes) + " bytes");
    return false;
  }
  if (Value page = op.getPage()) {
    auto pageOp = page.getDefiningOp<PageOp>();
    int64_t pageBytes = pageOp.getBytesAttr().getInt();
    if (!storage::fitsPage(*bytes, pageBytes))
      report(op, "buffer '" + op.getName() + "' takes " + Twine(*bytes) +
                     " bytes but its page '" + pageOp.getName() + "' has " +
                     Twine(pageBytes) +
                     ": the buffer would overrun the page");
  }
  return true;
}

void Validator::computePositionRange() {
  if (std::optional<int64_t> position = program.getPosition()) {
    positions = {*position, *position};
    // Every cache must hold the row the step appends and reads.
    for (const BufferInfo &buffer : buffers)
      if (buffer.op.getKind() == BufferKind::KVCache &&
          *position >= buffer.op.getType().getDimSize(0))
        report(buffer.op, "the program's position " + Twine(*position) +
                              " is outside KV cache '" + buffer.op.getName() +
                              "' of " +
                              Twine(buffer.op.getType().getDimSize(0)) +
                              " rows");
    return;
  }
  // The runtime checks `pos < rows` of every KV cache before launch.
  int64_t rows = int64_t(1) << 40;
  for (const BufferInfo &buffer : buffers)
    if (buffer.op.getKind() == BufferKind::KVCache)
      rows = std::min(rows, buffer.op.getType().getDimSize(0));
  positions = {0, rows - 1};
}

/// Checks worker assignment and barriers against the grid; returns false
/// when the queues are malformed and no graph can be built.
bool Validator::checkGrid() {
  TargetAttr target = program.getTargetAttr();
  int64_t maxWorker = -1;
  size_t violationsBefore = violations.size();
  for (TaskOp task : taskOps)
    if (std::optional<int64_t> worker = task.getWorker())
      maxWorker = std::max(maxWorker, *worker);
  for (BarrierOp barrier : program.getBody()->getOps<BarrierOp>())
    maxWorker = std::max(maxWorker, int64_t(barrier.getSlots().size()) - 1);
  assigned = maxWorker >= 0;
  workers = maxWorker + 1;
  if (!assigned)
    return true;
  for (TaskOp task : taskOps) {
    std::optional<int64_t> worker = task.getWorker();
    if (!worker)
      report(task, "task \"" + task.getName() +
                       "\" has no worker in a program whose other tasks and "
                       "barriers are assigned: no worker would run it");
    else if (target && *worker >= target.getSmCount())
      report(task, "task \"" + task.getName() + "\" runs on worker " +
                       Twine(*worker) + ", outside the grid of " +
                       Twine(target.getSmCount()) + " workers of target " +
                       target.getChip());
  }
  for (BarrierOp barrier : program.getBody()->getOps<BarrierOp>()) {
    int64_t slots = barrier.getSlots().size();
    if (slots != workers)
      report(barrier, "barrier \"" + barrier.getName() + "\" has " +
                          Twine(slots) + " slots but the grid has " +
                          Twine(workers) +
                          " workers: every worker must join a barrier");
    else if (target && slots > target.getSmCount())
      report(barrier, "barrier \"" + barrier.getName() + "\" has slots for " +
                          Twine(slots) + " workers, outside the grid of " +
                          Twine(target.getSmCount()) + " workers of target " +
                          target.getChip());
  }
  return violations.size() == violationsBefore;
}

void Validator::checkWaits(const ScheduleGraph &graph) {
  for (const WaitInfo &wait : graph.getWaits()) {
    if (wait.kind != WaitKind::Unsatisfiable && wait.kind != WaitKind::Partial)
      continue;
    if (wait.kind == WaitKind::Partial &&
        options.partialWaits == PartialWaits::Exact)
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << taskName(wait.task) << " waits for event \""
       << graph.getEventName(wait.event) << "\" >= "
       << wait.threshold << " but init " << wait.init << " + "
       << wait.producers << " producers ";
    if (wait.kind == WaitKind::Unsatisfiable)
      os << "= " << wait.init + wait.producers
         << ": the wait can never be satisfied (deadlock)";
    else
      os << "= " << wait.init + wait.producers
         << ": a partial wait on a shared event does not say which producers "
            "finished (race); wait for all of them";
    report(taskOps[wait.task], text);
  }
}

/// Stuck tasks listed in a deadlock found by simulation.
static constexpr size_t kMaxStuckListed = 8;

/// With partial waits, an acyclic graph does not prove deadlock freedom (a
/// k-of-n wait may wait for producers that are themselves stuck behind it):
/// run the schedule greedily, which is exact for any thresholds.
void Validator::checkDeadlockBySimulation(const ScheduleGraph &graph) {
  bool partial = false, unsatisfiable = false, ambiguous = false;
  for (const WaitInfo &wait : graph.getWaits()) {
    partial |= wait.kind == WaitKind::Partial ||
               wait.kind == WaitKind::OrderedPartial;
    ambiguous |= wait.kind == WaitKind::Partial;
    unsatisfiable |= wait.kind == WaitKind::Unsatisfiable;
  }
  // Unsatisfiable waits are reported already; in strict mode ambiguous
  // partial waits are rejected anyway.
  bool strict = options.partialWaits == PartialWaits::Strict;
  if (!partial || unsatisfiable || (ambiguous && strict))
    return;
  SimulationResult result = graph.simulate();
  if (!result.stuckTasks)
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "deadlock: " << result.stuckTasks << " of " << taskOps.size()
     << " tasks never run (partial waits); stuck: ";
  size_t listed = 0;
  for (const StuckWait &stuck : result.blocked) {
    if (listed == kMaxStuckListed) {
      os << "; ...";
      break;
    }
    os << (listed++ ? "; " : "") << taskName(stuck.task);
    if (stuck.worker >= 0)
      os << " on worker " << stuck.worker;
    os << " waits for event \"" << graph.getEventName(stuck.event) << "\" >= "
       << stuck.threshold << " (count " << stuck.count << ")";
  }
  if (result.blocked.empty())
    os << "every queue is blocked at a barrier";
  Operation *at = result.blocked.empty()
                      ? program.getOperation()
                      : taskOps[result.blocked.front().task].getOperation();
  report(at, text);
}
