//===- RebalanceWaits.cpp - Keep all-join waits all-join ------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The wait rewrite of RebalanceWaits.h: after a pass changed the number of
// producers of existing events (tiling), every non-trivial wait on such an
// event moves by that change, so a wait for all producers still waits for
// all of them, and never drops to or below the event's init.
//
//===----------------------------------------------------------------------===//

#include "AMK/Transforms/RebalanceWaits.h"

#include "AMK/Analysis/ScheduleModel.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::amk;

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
