//===- Replay.cpp - Validator: exact replays in topological order ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Replays of a group's accesses in topological order over runs of its
// linearized space, keeping per segment the last write and the reads since
// (persistent read lists with per-chain summaries): races and garbage reads
// found exactly for constant boxes, the quiet replay that lets a group skip
// the sweep (`sweepWouldBeClean`), and bits of a scratch page clobbered
// through another buffer of it (`checkPageClobbers`).
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

#include "llvm/ADT/MapVector.h"

#include <map>

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;

//===----------------------------------------------------------------------===//
// Replay
//===----------------------------------------------------------------------===//

namespace {
/// A run of a group's linearized space with the same history: the last
/// write (and its task) and the reads since, as a list of `ReadNode`s.
struct Segment {
  int64_t end;
  int32_t lastWrite;
  uint32_t lastWriteTask;
  int32_t reads;
  /// True when the last write may not have written every bit (page-clobber
  /// replay only).
  bool unknown = false;
};

/// A group's linearized space as segments keyed by their start; at first one
/// segment with no history.
class SegmentMap {
public:
  using Map = std::map<int64_t, Segment>;

  SegmentMap() {
    segments.emplace(
        0, Segment{std::numeric_limits<int64_t>::max(), -1, 0, -1});
  }

  /// The segments covering `[lo, hi)`, split so that they lie inside it.
  llvm::iterator_range<Map::iterator> cover(int64_t lo, int64_t hi) {
    Map::iterator first = split(lo);
    return llvm::make_range(first, split(hi));
  }

private:
  /// The segment starting at `at`, splitting the one containing it.
  Map::iterator split(int64_t at) {
    auto it = std::prev(segments.upper_bound(at));
    if (it->first == at)
      return it;
    Segment tail = it->second;
    it->second.end = at;
    return segments.emplace_hint(std::next(it), at, tail);
  }

  Map segments;
};

/// One read in a persistent list of the reads since a segment's last write,
/// newest first. Segments with the same history share one list, so a read
/// spanning many segments adds one node per distinct history, not one entry
/// per segment.
struct ReadNode {
  uint32_t access;
  int32_t next;
  /// The node that extends this list with read `extendedBy` (memo while one
  /// read is replayed over several segments).
  int32_t extendedTo = -1;
  uint32_t extendedBy = std::numeric_limits<uint32_t>::max();
  /// The last write checked against this list.
  uint32_t checkedBy = std::numeric_limits<uint32_t>::max();
  /// Index of the list's summary (per chain, the latest position read), or
  /// -1 before a write asks for it.
  int32_t summary = -1;
};

/// The persistent read lists of one replay, with per-chain summaries that
/// answer "does this task happen after every read of the list" in time
/// proportional to the chains the list touches.
class ReadHistory {
public:
  /// `latest` has an entry per chain, all -1, and is left so (it is shared
  /// by the groups, so a group costs nothing per chain it does not touch).
  ReadHistory(const ScheduleGraph &graph, ArrayRef<uint32_t> accTask,
              std::vector<int32_t> &latest)
      : graph(graph), accTask(accTask), latest(latest) {}

  /// The list `old` (-1: empty) extended with `read`. Lists extended with
  /// the same read share the result; `fresh` memoizes the one-read list.
  int32_t extend(int32_t old, uint32_t read, int32_t &fresh) {
    if (old < 0) {
      if (fresh < 0) {
        fresh = nodes.size();
        nodes.push_back(ReadNode{read, -1});
      }
      return fresh;
    }
    if (nodes[old].extendedBy != read) {
      int32_t extended = nodes.size();
      nodes.push_back(ReadNode{read, old});
      nodes[old].extendedBy = read;
      nodes[old].extendedTo = extended;
    }
    return nodes[old].extendedTo;
  }

  /// True the first time write `write` asks about list `head`.
  bool firstCheck(int32_t head, uint32_t write) {
    if (nodes[head].checkedBy == write)
      return false;
    nodes[head].checkedBy = write;
    return true;
  }

  /// True when `task` happens after every read of list `head`. Reads of one
  /// chain are replayed in chain order, so the latest one on each decides.
  bool afterAllReads(int32_t head, uint32_t task) {
    for (auto [chain, position] : summarize(head))
      if (graph.clockAt(task, chain) < position)
        return false;
    return true;
  }

  /// The reads of list `head`, oldest first.
  SmallVector<uint32_t, 64> reads(int32_t head) const {
    SmallVector<uint32_t, 64> list;
    for (int32_t at = head; at >= 0; at = nodes[at].next)
      list.push_back(nodes[at].access);
    std::reverse(list.begin(), list.end());
    return list;
  }

private:
  using Summary = SmallVector<std::pair<uint32_t, int32_t>, 8>;

  /// Per chain, the latest position a read of list `head` has on it; built
  /// from the nearest summarized tail plus the reads in front of it.
  ArrayRef<std::pair<uint32_t, int32_t>> summarize(int32_t head) {
    if (nodes[head].summary >= 0)
      return summaries[nodes[head].summary];
    SmallVector<uint32_t, 16> prefix;
    int32_t at = head;
    for (; at >= 0 && nodes[at].summary < 0; at = nodes[at].next)
      prefix.push_back(nodes[at].access);
    if (at >= 0)
      for (auto [chain, position] : summaries[nodes[at].summary])
        note(chain, position);
    for (uint32_t read : prefix)
      note(graph.getChain(accTask[read]),
           graph.getChainPosition(accTask[read]));
    Summary &summary = summaries.emplace_back();
    for (uint32_t chain : touched) {
      summary.push_back({chain, latest[chain]});
      latest[chain] = -1;
    }
    touched.clear();
    nodes[head].summary = summaries.size() - 1;
    return summary;
  }

  void note(uint32_t chain, int32_t position) {
    if (latest[chain] < 0)
      touched.push_back(chain);
    latest[chain] = std::max(latest[chain], position);
  }

  const ScheduleGraph &graph;
  ArrayRef<uint32_t> accTask;
  std::vector<ReadNode> nodes;
  std::vector<Summary> summaries;
  std::vector<int32_t> &latest;
  std::vector<uint32_t> touched;
};
} // namespace

/// The positions in `members` in replay order: by the topological rank of
/// the task, then the access's order in the task.
std::vector<uint32_t>
Validator::replayOrder(const ScheduleGraph &graph,
                       ArrayRef<uint32_t> members) const {
  // Sort keys copied out of the records, which are large.
  std::vector<std::tuple<uint32_t, uint32_t, bool, uint32_t>> keys;
  keys.reserve(members.size());
  for (auto [m, i] : llvm::enumerate(members)) {
    const AccessRecord &r = accesses[i];
    keys.emplace_back(graph.getTopologicalRank(r.task), r.ordinal,
                      r.access.isWrite(), uint32_t(m));
  }
  llvm::sort(keys);
  std::vector<uint32_t> order;
  order.reserve(keys.size());
  for (auto &key : keys)
    order.push_back(std::get<3>(key));
  return order;
}

void Validator::replayGroup(const ScheduleGraph &graph,
                            ArrayRef<uint32_t> group) {
  std::vector<SmallVector<std::pair<int64_t, int64_t>, 1>> runs;
  runs.reserve(group.size());
  for (uint32_t i : group)
    runs.push_back({{accesses[i].keyLo, accesses[i].keyHi}});
  replay(graph, group, runs, ReplaySink::Report);
}

/// Replays `members` (accesses of one group, each as its runs `runs[m]` of
/// the group's space) in topological order, keeping per segment of that space
/// the last write and the reads since. A write must be ordered with the
/// segment's last write and reads, a read with its last write, and a read
/// that needs a writer must find one written through its own buffer (or KV
/// history). `sink` says what a finding does: reported (the replay goes on;
/// a read's first unwritten run is reported once it is replayed), or the
/// replay stops and returns false. True when nothing was found.
bool Validator::replay(
    const ScheduleGraph &graph, ArrayRef<uint32_t> members,
    ArrayRef<SmallVector<std::pair<int64_t, int64_t>, 1>> runs,
    ReplaySink sink) {
  bool report = sink == ReplaySink::Report;
  ReadHistory history(graph, accTask, chainLatest);
  SegmentMap segments;
  // KV rows below the lowest position hold earlier steps' appends.
  int64_t historyEnd = historyBits(accBuffer[members.front()]);
  segments.cover(historyEnd, historyEnd);
  for (uint32_t m : replayOrder(graph, members)) {
    uint32_t current = members[m];
    const AccessRecord &record = accesses[current];
    bool isWrite = record.access.isWrite();
    bool mustBeWritten = !isWrite && needsWriter(record);
    uint32_t task = record.task;
    std::optional<std::pair<int64_t, int64_t>> gap;
    int32_t clobber = -1;
    // Repeated (access, access) checks are no-ops (ordered, or the task pair
    // is already reported): skip the same last write on adjacent segments.
    int32_t checkedWrite = -1;
    // The list extending the empty history with this read.
    int32_t fresh = -1;
    for (auto [lo, hi] : runs[m]) {
      for (auto &[start, segment] : segments.cover(lo, hi)) {
        if (segment.lastWrite >= 0 && segment.lastWrite != checkedWrite) {
          checkedWrite = segment.lastWrite;
          if (segment.lastWriteTask != task &&
              !graph.happensBefore(segment.lastWriteTask, task) &&
              !graph.happensBefore(task, segment.lastWriteTask)) {
            if (!report)
              return false;
            reportRace(segment.lastWrite, current);
          }
        }
        if (isWrite) {
          int32_t head = segment.reads;
          if (head >= 0 && history.firstCheck(head, current) &&
              !history.afterAllReads(head, task)) {
            if (!report)
              return false;
            // Some read is unordered with this write: replay the exact
            // checks, oldest read first.
            for (uint32_t read : history.reads(head))
              reportIfUnordered(graph, read, current);
          }
          segment.lastWrite = current;
          segment.lastWriteTask = task;
          segment.reads = -1;
          continue;
        }
        bool written = segment.lastWrite >= 0
                           ? accBuffer[segment.lastWrite] == record.buffer
                           : start < historyEnd;
        if (!gap && !written && mustBeWritten) {
          gap = {start, segment.end};
          clobber = segment.lastWrite;
        }
        segment.reads = history.extend(segment.reads, current, fresh);
      }
    }
    if (gap && !report)
      return false;
    if (gap)
      reportGarbage(record, gap->first, gap->second, clobber);
  }
  return true;
}

/// The runs of consecutive elements a constant in-bounds `box` of a
/// row-major buffer of `shape` covers, in increasing order; false when there
/// would be more than `budget`.
bool validator::contiguousRuns(ArrayRef<int64_t> shape,
                               const ConcreteBox &box,
                           int64_t budget,
                           SmallVectorImpl<std::pair<int64_t, int64_t>> &runs) {
  size_t d = shape.size();
  int64_t inner = 1;
  while (d > 0 && box[d - 1] == std::make_pair(int64_t(0), shape[d - 1]))
    inner *= shape[--d];
  if (d == 0) {
    runs.push_back({0, inner});
    return true;
  }
  int64_t first = box[d - 1].first * inner;
  int64_t length = (box[d - 1].second - box[d - 1].first) * inner;
  // Strides of the leading dimensions 0 .. d-2.
  SmallVector<int64_t, 4> stride(d, 0);
  int64_t s = inner * shape[d - 1];
  for (size_t k = d - 1; k-- > 0;) {
    stride[k] = s;
    s *= shape[k];
  }
  int64_t count = 1;
  for (size_t k = 0; k + 1 < d; ++k)
    count *= box[k].second - box[k].first;
  if (count > budget)
    return false;
  SmallVector<int64_t, 4> index(d, 0);
  for (size_t k = 0; k + 1 < d; ++k)
    index[k] = box[k].first;
  for (int64_t n = 0; n < count; ++n) {
    int64_t base = first;
    for (size_t k = 0; k + 1 < d; ++k)
      base += index[k] * stride[k];
    runs.push_back({base, base + length});
    for (size_t k = d - 1; k-- > 0;) {
      if (++index[k] < box[k].second)
        break;
      index[k] = box[k].first;
    }
  }
  return true;
}

/// True when sweeping `group` (a non-linear group) would report no race and
/// no garbage read. Decided exactly for constant in-bounds boxes outside KV
/// caches; otherwise (or when some check fails) answers false, so the sweep
/// runs. Two checks, each at least as strict as the sweep:
///  - per buffer, an exact replay over the runs of consecutive elements of
///    every box: no unordered same-buffer overlapping conflict (the sweep's
///    exact box test) and every bit of a read that needs a writer written
///    before it (the sweep's coverage, with writers HB-before it);
///  - across buffers of a page, every access of one buffer happens before
///    every access of the next, in order of their first access (the sweep
///    compares buffers of a page by linearized extent: conservative, and
///    implied by this total order).
bool Validator::sweepWouldBeClean(const ScheduleGraph &graph,
                                  ArrayRef<uint32_t> group) {
  // Elements' runs per member, bounded in total.
  int64_t budget = std::max<int64_t>(1 << 16, 64 * int64_t(group.size()));
  std::vector<SmallVector<std::pair<int64_t, int64_t>, 1>> runs(group.size());
  llvm::MapVector<uint32_t, SmallVector<uint32_t>> byBuffer;
  for (auto [m, i] : llvm::enumerate(group)) {
    const AccessRecord &record = accesses[i];
    const BufferInfo &buffer = buffers[record.buffer];
    if (record.symbolic || buffer.symbolic ||
        buffer.op.getKind() == BufferKind::KVCache)
      return false;
    ArrayRef<int64_t> shape = buffer.op.getType().getShape();
    if (record.access.box.size() != shape.size())
      return false;
    ConcreteBox box = concretize(record.access.box, 0);
    for (auto [d, range] : llvm::enumerate(box))
      if (range.first < 0 || range.second > shape[d] ||
          range.first >= range.second)
        return false;
    if (!contiguousRuns(shape, box, budget, runs[m]))
      return false;
    budget -= runs[m].size();
    byBuffer[record.buffer].push_back(m);
  }
  for (auto &[buffer, members] : byBuffer) {
    SmallVector<uint32_t> indices;
    SmallVector<SmallVector<std::pair<int64_t, int64_t>, 1>> memberRuns;
    for (uint32_t m : members) {
      indices.push_back(group[m]);
      memberRuns.push_back(std::move(runs[m]));
    }
    if (!replay(graph, indices, memberRuns, ReplaySink::StopAtFirst))
      return false;
  }
  if (byBuffer.size() < 2)
    return true;
  // Buffers in order of their first access (topological rank).
  SmallVector<std::pair<uint32_t, uint32_t>> order;
  for (auto [index, entry] : llvm::enumerate(byBuffer)) {
    uint32_t first = std::numeric_limits<uint32_t>::max();
    for (uint32_t m : entry.second)
      first = std::min(first, graph.getTopologicalRank(accTask[group[m]]));
    order.push_back({first, uint32_t(index)});
  }
  llvm::sort(order);
  std::vector<int32_t> &latest = chainLatest;
  std::vector<uint32_t> touched;
  for (size_t k = 0; k + 1 < order.size(); ++k) {
    ArrayRef<uint32_t> before = byBuffer.begin()[order[k].second].second;
    ArrayRef<uint32_t> after = byBuffer.begin()[order[k + 1].second].second;
    for (uint32_t m : before) {
      uint32_t task = accTask[group[m]];
      uint32_t chain = graph.getChain(task);
      if (latest[chain] < 0)
        touched.push_back(chain);
      latest[chain] = std::max(latest[chain], graph.getChainPosition(task));
    }
    bool ordered = true;
    for (uint32_t m : after) {
      uint32_t task = accTask[group[m]];
      for (uint32_t chain : touched)
        ordered &= graph.clockAt(task, chain) >= latest[chain];
      if (!ordered)
        break;
    }
    for (uint32_t chain : touched)
      latest[chain] = -1;
    touched.clear();
    if (!ordered)
      return false;
  }
  return true;
}

/// The sweep compares buffers of a page by their extents for races and
/// finds a read's writers in its own buffer only; this finds reads whose
/// bits were last written through another buffer of the page in between.
/// A replay in topological order over every access's exact runs of bits
/// (accesses whose bounds follow the position, or with too many runs, as
/// their whole extent, marking what they write as unknown: conservative).
/// The last write of a bit in that order is the one a read sees whenever
/// the writes are ordered, and unordered ones are races the sweep reports.
void Validator::checkPageClobbers(const ScheduleGraph &graph,
                                  ArrayRef<uint32_t> group) {
  uint32_t first = accBuffer[group.front()];
  if (llvm::all_of(group, [&](uint32_t i) { return accBuffer[i] == first; }))
    return;
  int64_t budget = std::max<int64_t>(1 << 16, 64 * int64_t(group.size()));
  SegmentMap segments;
  SmallVector<std::pair<int64_t, int64_t>, 1> runs;
  for (uint32_t m : replayOrder(graph, group)) {
    uint32_t current = group[m];
    const AccessRecord &record = accesses[current];
    const BufferInfo &buffer = buffers[record.buffer];
    runs.clear();
    bool exact = !record.symbolic &&
                 contiguousRuns(buffer.op.getType().getShape(),
                                concretize(record.access.box, 0), budget, runs);
    if (exact) {
      budget -= runs.size();
      for (auto &[lo, hi] : runs)
        lo *= buffer.bitsPerElement, hi *= buffer.bitsPerElement;
    } else {
      runs.assign(1, {record.keyLo, record.keyHi});
    }
    bool isWrite = record.access.isWrite();
    bool mustBeWritten = !isWrite && needsWriter(record);
    int32_t clobber = -1;
    for (auto [lo, hi] : runs) {
      for (auto &[start, segment] : segments.cover(lo, hi)) {
        if (isWrite) {
          // An inexact write leaves the bits unknown unless its own buffer
          // held them already.
          bool keeps = segment.lastWrite >= 0 &&
                       accBuffer[segment.lastWrite] == record.buffer &&
                       !segment.unknown;
          segment.unknown = !exact && !keeps;
          segment.lastWrite = current;
          segment.lastWriteTask = record.task;
          continue;
        }
        if (mustBeWritten && clobber < 0 && segment.lastWrite >= 0 &&
            (accBuffer[segment.lastWrite] != record.buffer || segment.unknown))
          clobber = segment.lastWrite;
      }
    }
    if (clobber < 0)
      continue;
    const AccessRecord &writer = accesses[clobber];
    report(record.op,
           taskName(record.task) + " reads " + region(record.access) +
               " but part of it was last written " +
               (writer.buffer == record.buffer ? "(maybe not in full) " : "") +
               "as " + region(writer.access) + " by " +
               taskName(writer.task) +
               ", which shares its scratch page (garbage read)");
  }
}
