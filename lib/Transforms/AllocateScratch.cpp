//===- AllocateScratch.cpp - Transient buffers onto shared pages ----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `--amk-allocate-scratch`: greedy interval colouring of activation and
// scratch buffers over a topological order of the assigned schedule. A
// buffer joins a page only when every access of the page's last buffer
// happens before every access of the new one (the ScheduleGraph's vector
// clocks over workers: the happens-before the validator certifies, not
// program order). Pages therefore hold
// chains of buffers whose lifetimes are totally ordered.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleModel.h"
#include "AMK/Support/StorageModel.h"
#include "AMK/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_ALLOCATESCRATCH
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

namespace {

/// A transient buffer and the tasks touching it.
struct Live {
  BufferOp buffer;
  int64_t bytes = 0;
  SmallVector<unsigned> accessors;
  /// First and last position of an accessor in the topological order.
  unsigned first = ~0u, last = 0;
};

/// A page: a chain of buffers with totally ordered lifetimes.
struct Page {
  int64_t bytes = 0;
  unsigned first = 0;
  SmallVector<unsigned> buffers;
};

/// Collects the unpaged transient buffers and their accessors.
std::vector<Live> collectLive(ProgramOp program, const ScheduleGraph &graph,
                              ArrayRef<unsigned> topoPos) {
  llvm::DenseMap<Value, unsigned> slot;
  std::vector<Live> live;
  for (BufferOp buffer : program.getBodyRegion().getOps<BufferOp>()) {
    if (!buffer.isTransient() || buffer.getPage())
      continue;
    slot[buffer.getResult()] = live.size();
    // Page sizes follow the storage model shared with the validator.
    MemRefType type = buffer.getType();
    ::amk::storage::BufferLayout layout{type.getElementTypeBitWidth(),
                                        type.getNumElements()};
    live.push_back({buffer, layout.bytes().value_or(0), {}});
  }
  for (unsigned t = 0; t < graph.getNumTasks(); ++t)
    graph.getTask(t).forEachAccess([&](Operation *, const Access &a) {
      auto it = slot.find(a.buffer);
      if (it == slot.end())
        return;
      Live &l = live[it->second];
      if (l.accessors.empty() || l.accessors.back() != t)
        l.accessors.push_back(t);
      l.first = std::min(l.first, topoPos[t]);
      l.last = std::max(l.last, topoPos[t]);
    });
  llvm::erase_if(live, [](const Live &l) { return l.accessors.empty(); });
  llvm::sort(live, [](const Live &a, const Live &b) {
    return a.first < b.first;
  });
  return live;
}

/// True when every access of `before` happens before every access of
/// `after` (and no task touches both).
bool orderedBefore(const Live &before, const Live &after,
                   const ScheduleGraph &graph, std::vector<unsigned> &stamp,
                   unsigned stampId) {
  if (before.last >= after.first)
    return false;
  for (unsigned c : after.accessors)
    stamp[c] = stampId;
  for (unsigned a : before.accessors)
    if (stamp[a] == stampId)
      return false;
  // The last access of `before` on each worker must be in every clock.
  llvm::SmallDenseMap<uint32_t, int32_t, 8> lastPos;
  for (unsigned a : before.accessors) {
    int32_t &pos = lastPos.try_emplace(graph.getChain(a), -1).first->second;
    pos = std::max(pos, graph.getChainPosition(a));
  }
  for (unsigned c : after.accessors)
    for (auto [chain, pos] : lastPos)
      if (graph.clockAt(c, chain) < pos)
        return false;
  return true;
}

struct AllocateScratchPass
    : mlir::amk::impl::AllocateScratchBase<AllocateScratchPass> {
  using AllocateScratchBase::AllocateScratchBase;

  void runOnOperation() override {
    if (failed(allocate(getOperation())))
      return signalPassFailure();
  }

  LogicalResult allocate(ProgramOp program);
};

LogicalResult AllocateScratchPass::allocate(ProgramOp program) {
  for (TaskOp task : program.getBodyRegion().getOps<TaskOp>())
    if (!task.getWorker())
      return task.emitError()
             << "amk-allocate-scratch needs assigned workers; run "
                "--amk-assign-workers first";
  // Happens-before is the validator's: the graph's vector clocks.
  ScheduleGraph graph(program, /*assigned=*/true);
  FailureOr<std::vector<unsigned>> order =
      topologicalOrder(graph, [](unsigned t) { return double(t); });
  if (failed(order) || failed(graph.computeHappensBefore()))
    return emitError(program.getLoc())
           << "amk-allocate-scratch: the schedule has a "
              "cycle; run --amk-validate for a witness";
  std::vector<unsigned> topoPos(graph.getNumTasks());
  for (auto [i, t] : llvm::enumerate(*order))
    topoPos[t] = i;
  std::vector<Live> live = collectLive(program, graph, topoPos);

  // Pages ordered by when their last buffer dies; first fit. Checks that
  // can only fail on the cheap test are bounded per buffer.
  std::vector<Page> pages;
  std::vector<unsigned> stamp(graph.getNumTasks(), ~0u);
  const unsigned maxChecks = 64;
  // The page a worker used last: its queue order usually makes it free.
  llvm::DenseMap<uint32_t, unsigned> workerPage;
  for (auto [b, l] : llvm::enumerate(live)) {
    int64_t chosen = -1;
    unsigned checks = 0;
    uint32_t worker = graph.getChain(l.accessors.front());
    if (auto it = workerPage.find(worker); it != workerPage.end() &&
        orderedBefore(live[pages[it->second].buffers.back()], l, graph, stamp,
                      b))
      chosen = it->second;
    for (auto [p, page] : llvm::enumerate(pages)) {
      if (chosen >= 0)
        break;
      const Live &last = live[page.buffers.back()];
      if (last.last >= l.first)
        continue;
      if (++checks > maxChecks)
        break;
      if (orderedBefore(last, l, graph, stamp, b)) {
        chosen = p;
        break;
      }
    }
    if (chosen < 0) {
      chosen = pages.size();
      pages.push_back({0, l.first, {}});
    }
    workerPage[worker] = chosen;
    Page &page = pages[chosen];
    page.bytes = std::max(page.bytes, l.bytes);
    page.buffers.push_back(b);
  }

  OpBuilder builder(&program.getBodyRegion().front(),
                    program.getBodyRegion().front().begin());
  int64_t placedBytes = 0, onPages = 0;
  for (auto [p, page] : llvm::enumerate(pages)) {
    unsigned end = live[page.buffers.back()].last + 1;
    auto op = PageOp::create(
        builder, program.getLoc(), PageType::get(program.getContext()),
        "p" + std::to_string(p), uint64_t(page.bytes),
        IntervalAttr::get(program.getContext(), page.first, end));
    onPages += page.bytes;
    for (unsigned b : page.buffers) {
      live[b].buffer.getPageMutable().assign(op.getResult());
      placedBytes += live[b].bytes;
    }
  }
  if (report)
    llvm::errs() << "amk-allocate-scratch @" << program.getSymName() << ": "
                 << live.size() << " transient buffers, " << placedBytes
                 << " bytes -> " << pages.size() << " pages, " << onPages
                 << " bytes\n";
  numBuffers += live.size();
  bufferBytes += placedBytes;
  numPages += pages.size();
  pageBytes += onPages;
  return success();
}

} // namespace
