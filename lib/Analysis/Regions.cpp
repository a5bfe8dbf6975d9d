//===- Regions.cpp - Box arithmetic over symbolic decode positions --------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/Regions.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::amk;

bool mlir::amk::isSymbolic(ArrayRef<Interval> box) {
  return llvm::any_of(box, [](const Interval &interval) {
    return interval.lo.relative || interval.hi.relative ||
           interval.capAtPosition || interval.window != 0;
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
  if (interval.window)
    relative.push_back(1 - interval.window);
}

SmallVector<int64_t>
mlir::amk::criticalPositions(ArrayRef<ArrayRef<Interval>> boxes,
                             ArrayRef<int64_t> extents, PositionRange range) {
  SmallVector<int64_t> result{range.lo};
  if (range.hi != range.lo)
    result.push_back(range.hi);
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
    // Many boxes share bounds (tiles, rows): each pair once.
    for (SmallVectorImpl<int64_t> *list : {&relative, &constant}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    // `constant` is sorted, so each (a, neighbour) gives a sorted run:
    // merged in, the result stays sorted without sorting it whole.
    for (int64_t a : relative)
      for (int64_t delta : {-1, 0, 1}) {
        size_t runStart = result.size();
        for (int64_t c : constant)
          if (int64_t pos = c - a + delta; pos >= range.lo && pos <= range.hi)
            result.push_back(pos);
        std::inplace_merge(result.begin(), result.begin() + runStart,
                           result.end());
        result.erase(std::unique(result.begin(), result.end()), result.end());
      }
  }
  return result;
}

bool mlir::amk::mayOverlap(ArrayRef<Interval> a, ArrayRef<Interval> b,
                           PositionRange range) {
  for (int64_t pos : criticalPositions({a, b}, {}, range))
    if (overlaps(concretize(a, pos), concretize(b, pos)))
      return true;
  return false;
}

namespace {
/// A list of covers split into its symbolic covers, in order, and its
/// constant boxes, indexed on one dimension (the one where their starts
/// differ most) by a max-segment tree over the ends, so that the boxes
/// overlapping a query box in that dimension are enumerated in
/// O((hits + 1) log n) instead of by a scan.
class CoverIndex {
public:
  explicit CoverIndex(ArrayRef<ArrayRef<Interval>> covers);

  /// The covers whose bounds follow the position, in their order.
  ArrayRef<ArrayRef<Interval>> getSymbolic() const { return symbolic; }

  /// Calls `fn` on every indexed box overlapping `box` in the indexed
  /// dimension (a superset of those overlapping `box`).
  void
  forEachOverlapping(const ConcreteBox &box,
                     llvm::function_ref<void(const ConcreteBox &)> fn) const;

private:
  void visit(size_t node, size_t first, size_t count, int64_t lo, size_t end,
             llvm::function_ref<void(const ConcreteBox &)> fn) const;

  size_t dim = 0, leaves = 1;
  SmallVector<ArrayRef<Interval>> symbolic;
  /// Constant boxes sorted by their start in `dim`.
  std::vector<ConcreteBox> boxes;
  /// `tree[leaves + i]` is the end of box `i` in `dim`; inner nodes hold
  /// the largest end below them.
  std::vector<int64_t> tree;
};
} // namespace

CoverIndex::CoverIndex(ArrayRef<ArrayRef<Interval>> covers) {
  for (ArrayRef<Interval> cover : covers) {
    if (isSymbolic(cover))
      symbolic.push_back(cover);
    else
      boxes.push_back(concretize(cover, 0));
  }
  if (boxes.empty())
    return;
  size_t bestDistinct = 0;
  for (size_t d = 0; d < boxes.front().size(); ++d) {
    SmallVector<int64_t> starts;
    for (const ConcreteBox &box : boxes)
      if (d < box.size())
        starts.push_back(box[d].first);
    std::sort(starts.begin(), starts.end());
    size_t distinct =
        std::unique(starts.begin(), starts.end()) - starts.begin();
    if (distinct > bestDistinct && starts.size() == boxes.size())
      bestDistinct = distinct, dim = d;
  }
  llvm::sort(boxes, [&](const ConcreteBox &a, const ConcreteBox &b) {
    return a[dim].first < b[dim].first;
  });
  while (leaves < boxes.size())
    leaves *= 2;
  tree.assign(2 * leaves, std::numeric_limits<int64_t>::min());
  for (auto [i, box] : llvm::enumerate(boxes))
    tree[leaves + i] = box[dim].second;
  for (size_t node = leaves; node-- > 1;)
    tree[node] = std::max(tree[2 * node], tree[2 * node + 1]);
}

void CoverIndex::forEachOverlapping(
    const ConcreteBox &box,
    llvm::function_ref<void(const ConcreteBox &)> fn) const {
  if (boxes.empty() || dim >= box.size())
    return;
  // Boxes starting before the query's end, those of them ending after its
  // start.
  int64_t lo = box[dim].first, hi = box[dim].second;
  size_t end =
      llvm::partition_point(
          boxes, [&](const ConcreteBox &b) { return b[dim].first < hi; }) -
      boxes.begin();
  visit(1, 0, leaves, lo, end, fn);
}

void CoverIndex::visit(size_t node, size_t first, size_t count, int64_t lo,
                       size_t end,
                       llvm::function_ref<void(const ConcreteBox &)> fn) const {
  // `node` covers the `count` boxes from `first`.
  if (first >= end || tree[node] <= lo)
    return;
  if (count == 1) {
    fn(boxes[first]);
    return;
  }
  visit(2 * node, first, count / 2, lo, end, fn);
  visit(2 * node + 1, first + count / 2, count / 2, lo, end, fn);
}

/// The smallest box containing every box of `boxes` (none empty).
static ConcreteBox boundingBox(ArrayRef<ConcreteBox> boxes) {
  ConcreteBox result = boxes.front();
  for (const ConcreteBox &box : boxes.drop_front())
    for (auto [range, other] : llvm::zip(result, box))
      range = {std::min(range.first, other.first),
               std::max(range.second, other.second)};
  return result;
}

/// `target` at `pos` minus every cover of `covers` at `pos`, in their order.
static SmallVector<ConcreteBox> uncoveredAt(ArrayRef<Interval> target,
                                            ArrayRef<ArrayRef<Interval>> covers,
                                            int64_t pos) {
  SmallVector<ConcreteBox> remaining;
  ConcreteBox box = concretize(target, pos);
  if (!isEmpty(box))
    remaining.push_back(box);
  for (ArrayRef<Interval> cover : covers) {
    if (remaining.empty())
      break;
    subtract(remaining, concretize(cover, pos));
  }
  return remaining;
}

/// True when `target` at `pos` lies inside the union of the covers of
/// `index` at `pos`: the symbolic covers first, then only the constant ones
/// that overlap what is left. A set difference does not depend on the
/// order, so this answers what `uncoveredAt` does without visiting every
/// cover.
static bool coveredAt(ArrayRef<Interval> target, const CoverIndex &index,
                      int64_t pos) {
  SmallVector<ConcreteBox> remaining;
  ConcreteBox box = concretize(target, pos);
  if (!isEmpty(box))
    remaining.push_back(box);
  for (ArrayRef<Interval> cover : index.getSymbolic()) {
    if (remaining.empty())
      return true;
    subtract(remaining, concretize(cover, pos));
  }
  if (remaining.empty())
    return true;
  // Every constant cover that overlaps what is left overlaps its bounding
  // box, which only shrinks as covers are subtracted.
  index.forEachOverlapping(boundingBox(remaining), [&](const ConcreteBox &cut) {
    if (!remaining.empty())
      subtract(remaining, cut);
  });
  return remaining.empty();
}

std::optional<Uncovered>
mlir::amk::findUncovered(ArrayRef<Interval> target,
                         ArrayRef<ArrayRef<Interval>> covers,
                         PositionRange range) {
  SmallVector<ArrayRef<Interval>> boxes{target};
  boxes.append(covers.begin(), covers.end());
  CoverIndex index(covers);
  for (int64_t pos : criticalPositions(boxes, {}, range)) {
    if (coveredAt(target, index, pos))
      continue;
    // The witness: the first piece left when the covers are subtracted in
    // their order.
    return Uncovered{pos, uncoveredAt(target, covers, pos).front()};
  }
  return std::nullopt;
}

void mlir::amk::printConcreteRegion(llvm::raw_ostream &os, StringRef buffer,
                                    const ConcreteBox &box) {
  os << "'" << buffer << "'";
  for (auto [lo, hi] : box)
    os << "[" << lo << ", " << hi << ")";
}
