//===- Regions.cpp - Box arithmetic over symbolic decode positions --------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/Regions.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::amk;

bool mlir::amk::isSymbolic(ArrayRef<Interval> box) {
  return llvm::any_of(box, [](const Interval &interval) {
    return interval.lo.relative || interval.hi.relative ||
           interval.capAtPosition;
  });
}

ConcreteBox mlir::amk::concretize(ArrayRef<Interval> box, int64_t pos) {
  ConcreteBox result;
  for (const Interval &interval : box)
    result.push_back(interval.at(pos));
  return result;
}

bool mlir::amk::isEmpty(const ConcreteBox &box) {
  return llvm::any_of(box, [](auto range) { return range.first >= range.second; });
}

bool mlir::amk::overlaps(const ConcreteBox &a, const ConcreteBox &b) {
  for (auto [x, y] : llvm::zip(a, b))
    if (std::max(x.first, y.first) >= std::min(x.second, y.second))
      return false;
  return a.size() == b.size();
}

/// Appends `box \ cut` to `out` as at most two boxes per dimension.
static void subtractOne(const ConcreteBox &box, const ConcreteBox &cut,
                        SmallVectorImpl<ConcreteBox> &out) {
  if (!overlaps(box, cut)) {
    out.push_back(box);
    return;
  }
  ConcreteBox rest = box;
  for (size_t d = 0; d < box.size(); ++d) {
    auto [lo, hi] = rest[d];
    if (lo < cut[d].first) {
      out.push_back(rest);
      out.back()[d] = {lo, cut[d].first};
    }
    if (cut[d].second < hi) {
      out.push_back(rest);
      out.back()[d] = {cut[d].second, hi};
    }
    rest[d] = {std::max(lo, cut[d].first), std::min(hi, cut[d].second)};
  }
}

void mlir::amk::subtract(SmallVectorImpl<ConcreteBox> &remaining,
                         const ConcreteBox &cut) {
  SmallVector<ConcreteBox> next;
  for (const ConcreteBox &box : remaining)
    subtractOne(box, cut, next);
  remaining.assign(next.begin(), next.end());
}

/// Adds the relative offsets (`pos + a`) and constants of `interval` to the
/// lists of one dimension.
static void collectBounds(const Interval &interval,
                          SmallVectorImpl<int64_t> &relative,
                          SmallVectorImpl<int64_t> &constant) {
  for (const Bound &bound : {interval.lo, interval.hi})
    (bound.relative ? relative : constant).push_back(bound.offset);
  if (interval.capAtPosition)
    relative.push_back(1);
}

SmallVector<int64_t>
mlir::amk::criticalPositions(ArrayRef<ArrayRef<Interval>> boxes,
                             ArrayRef<int64_t> extents, PositionRange range) {
  SmallVector<int64_t> result{range.lo, range.hi};
  if (llvm::none_of(boxes, [](ArrayRef<Interval> box) { return isSymbolic(box); }))
    return {range.lo};
  size_t rank = 0;
  for (ArrayRef<Interval> box : boxes)
    rank = std::max(rank, box.size());
  for (size_t d = 0; d < rank; ++d) {
    SmallVector<int64_t> relative, constant{0};
    if (d < extents.size())
      constant.push_back(extents[d]);
    for (ArrayRef<Interval> box : boxes)
      if (d < box.size())
        collectBounds(box[d], relative, constant);
    for (int64_t a : relative)
      for (int64_t c : constant)
        for (int64_t pos : {c - a - 1, c - a, c - a + 1})
          if (pos >= range.lo && pos <= range.hi)
            result.push_back(pos);
  }
  llvm::sort(result);
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

bool mlir::amk::mayOverlap(ArrayRef<Interval> a, ArrayRef<Interval> b,
                           PositionRange range) {
  for (int64_t pos : criticalPositions({a, b}, {}, range))
    if (overlaps(concretize(a, pos), concretize(b, pos)))
      return true;
  return false;
}

std::optional<Uncovered>
mlir::amk::findUncovered(ArrayRef<Interval> target,
                         ArrayRef<ArrayRef<Interval>> covers,
                         PositionRange range) {
  SmallVector<ArrayRef<Interval>> boxes{target};
  boxes.append(covers.begin(), covers.end());
  for (int64_t pos : criticalPositions(boxes, {}, range)) {
    SmallVector<ConcreteBox> remaining;
    ConcreteBox box = concretize(target, pos);
    if (!isEmpty(box))
      remaining.push_back(box);
    for (ArrayRef<Interval> cover : covers) {
      if (remaining.empty())
        break;
      subtract(remaining, concretize(cover, pos));
    }
    if (!remaining.empty())
      return Uncovered{pos, remaining.front()};
  }
  return std::nullopt;
}

void mlir::amk::printConcreteRegion(llvm::raw_ostream &os, StringRef buffer,
                                    const ConcreteBox &box) {
  os << "'" << buffer << "'";
  for (auto [lo, hi] : box)
    os << "[" << lo << ", " << hi << ")";
}
