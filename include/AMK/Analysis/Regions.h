//===- Regions.h - Box arithmetic over symbolic decode positions -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Exact questions about access boxes whose bounds may follow the decode
// position `pos`: overlap, bounds, coverage by a union of boxes. Every bound
// is `c` or `pos + c` (and an end may be capped at `pos + 1`), so the answer
// to any such question only changes where `pos + a` crosses a constant `c`.
// Evaluating at those critical positions (and their neighbours) decides it
// for every position of a range.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ANALYSIS_REGIONS_H
#define AMK_ANALYSIS_REGIONS_H

#include "AMK/Dialect/AMK/IR/AMKInterfaces.h"

#include <optional>

namespace mlir {
namespace amk {

/// The decode positions `[lo, hi]` (inclusive) a schedule must be correct for.
struct PositionRange {
  int64_t lo = 0;
  int64_t hi = 0;
};

/// A box of concrete half-open ranges, one per dimension.
using ConcreteBox = llvm::SmallVector<std::pair<int64_t, int64_t>, 4>;

/// True when some bound of `box` depends on the decode position.
bool isSymbolic(llvm::ArrayRef<Interval> box);

/// The concrete box `box` denotes at decode position `pos`.
ConcreteBox concretize(llvm::ArrayRef<Interval> box, int64_t pos);

/// True when `box` holds no index.
bool isEmpty(const ConcreteBox &box);

/// True when `a` and `b` share an index.
bool overlaps(const ConcreteBox &a, const ConcreteBox &b);

/// Replaces `remaining` by `remaining \ cut` (a list of disjoint boxes).
void subtract(llvm::SmallVectorImpl<ConcreteBox> &remaining,
              const ConcreteBox &cut);

/// The positions of `range` at which the order of every pair of bounds of
/// `boxes` (and the per-dimension constants `extents` and 0) is decided: the
/// positions where `pos + a` meets a constant, their neighbours and the range
/// ends. Just `range.lo` when no box is symbolic.
llvm::SmallVector<int64_t>
criticalPositions(llvm::ArrayRef<llvm::ArrayRef<Interval>> boxes,
                  llvm::ArrayRef<int64_t> extents, PositionRange range);

/// True when `a` and `b` overlap at some position of `range`.
bool mayOverlap(llvm::ArrayRef<Interval> a, llvm::ArrayRef<Interval> b,
                PositionRange range);

/// A part of a box left uncovered at one decode position.
struct Uncovered {
  int64_t pos;
  ConcreteBox box;
};

/// The first position of `range` at which `target` is not covered by the
/// union of `covers`, with a piece left uncovered; std::nullopt when covered
/// everywhere.
std::optional<Uncovered>
findUncovered(llvm::ArrayRef<Interval> target,
              llvm::ArrayRef<llvm::ArrayRef<Interval>> covers,
              PositionRange range);

/// Prints `buffer` followed by the concrete ranges of `box`.
void printConcreteRegion(llvm::raw_ostream &os, llvm::StringRef buffer,
                         const ConcreteBox &box);

} // namespace amk
} // namespace mlir

#endif // AMK_ANALYSIS_REGIONS_H
