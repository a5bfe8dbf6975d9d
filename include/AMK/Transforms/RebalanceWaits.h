//===- RebalanceWaits.h - Keep all-join waits all-join ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// An IR rewrite the scheduling passes run after they change how many tasks
// signal an existing event (tiling splits a task into tiles that signal its
// event): the thresholds of the waits on that event follow the change in
// its number of producers. Part of AMKTransforms; it reads the producer
// counts of AMKAnalysis (ScheduleModel.h, `countProducers`).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TRANSFORMS_REBALANCEWAITS_H
#define AMK_TRANSFORMS_REBALANCEWAITS_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir {
namespace amk {

/// After tasks signalling existing events were split or merged: shifts every
/// non-trivial wait on an event of `before` by the change in its number of
/// producers, so that all-join waits stay all-join.
void rebalanceWaits(ProgramOp program,
                    const llvm::DenseMap<Value, int64_t> &before);

} // namespace amk
} // namespace mlir

#endif // AMK_TRANSFORMS_REBALANCEWAITS_H
