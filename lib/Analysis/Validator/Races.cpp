//===- Races.cpp - Validator: unordered conflicting accesses --------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The race check of the validator, per group (a buffer or a scratch page):
// groups of linear accesses are replayed exactly (Replay.cpp), groups a
// quiet replay proves clean are skipped, and the others are swept over their
// accesses sorted by linearized extent, so only overlapping extents are
// compared, each pair by an exact box test and an O(1) vector-clock query; a
// conflicting pair unordered by happens-before is a race, reported once per
// task pair.
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;

//===----------------------------------------------------------------------===//
// Races
//===----------------------------------------------------------------------===//

void Validator::checkConflicts(const ScheduleGraph &graph) {
  std::vector<std::vector<uint32_t>> groups(buffers.size() * 2);
  std::vector<bool> relevant(groups.size()), linear(groups.size(), true);
  for (auto [i, record] : llvm::enumerate(accesses)) {
    if (record.keyLo >= record.keyHi)
      continue;
    uint32_t group = buffers[record.buffer].group;
    groups[group].push_back(i);
    relevant[group] =
        relevant[group] || record.access.isWrite() || needsWriter(record);
    linear[group] = linear[group] && record.linear;
  }
  coverIndex.assign(accesses.size(), -1);
  chainLatest.assign(graph.getNumChains(), -1);
  accTask.resize(accesses.size());
  accBuffer.resize(accesses.size());
  for (auto [i, record] : llvm::enumerate(accesses)) {
    accTask[i] = record.task;
    accBuffer[i] = record.buffer;
  }
  for (auto [group, members] : llvm::enumerate(groups)) {
    if (!relevant[group])
      continue;
    if (linear[group]) {
      replayGroup(graph, members);
      continue;
    }
    // A sweep compares every pair of overlapping accesses, which is
    // quadratic on pages shared by many buffers. When the exact replay below
    // proves the group clean, the sweep would report nothing; otherwise the
    // sweep runs and reports exactly as before.
    if (sweepWouldBeClean(graph, members))
      continue;
    trackCoverage(members);
    sweepGroup(graph, members);
    checkPageClobbers(graph, members);
  }
  checkCoverage();
}

void Validator::sweepGroup(const ScheduleGraph &graph,
                           ArrayRef<uint32_t> group) {
  std::vector<uint32_t> sorted(group.begin(), group.end());
  llvm::stable_sort(sorted, [&](uint32_t a, uint32_t b) {
    return accesses[a].keyLo < accesses[b].keyLo;
  });
  // Accesses whose extent may still overlap the next one; expired entries
  // are dropped when a list is next scanned.
  std::vector<uint32_t> activeReads, activeWrites;
  auto scan = [&](std::vector<uint32_t> &active, uint32_t current) {
    int64_t lo = accesses[current].keyLo;
    llvm::erase_if(active, [&](uint32_t a) { return accesses[a].keyHi <= lo; });
    for (uint32_t other : active)
      visitPair(graph, other, current);
  };
  for (uint32_t current : sorted) {
    bool write = accesses[current].access.isWrite();
    scan(activeWrites, current);
    if (write)
      scan(activeReads, current);
    (write ? activeWrites : activeReads).push_back(current);
  }
}

void Validator::visitPair(const ScheduleGraph &graph, uint32_t a, uint32_t b) {
  const AccessRecord &x = accesses[a], &y = accesses[b];
  bool sameBuffer = x.buffer == y.buffer;
  if (sameBuffer && !mayOverlap(x.access.box, y.access.box, positions))
    return;
  if (sameBuffer) {
    feedCoverage(graph, a, b);
    feedCoverage(graph, b, a);
  }
  reportIfUnordered(graph, a, b);
}

void Validator::reportIfUnordered(const ScheduleGraph &graph, uint32_t a,
                                  uint32_t b) {
  uint32_t ta = accTask[a], tb = accTask[b];
  if (ta == tb || graph.happensBefore(ta, tb) || graph.happensBefore(tb, ta))
    return;
  reportRace(a, b);
}

/// Reports accesses `a` and `b` of different tasks unordered by HB, once per
/// task pair.
void Validator::reportRace(uint32_t a, uint32_t b) {
  const AccessRecord &x = accesses[a], &y = accesses[b];
  auto key = std::minmax(x.task, y.task);
  if (!reportedRaces.insert({key.first, key.second}).second)
    return;
  const AccessRecord &first = x.ordinal < y.ordinal ? x : y;
  const AccessRecord &second = x.ordinal < y.ordinal ? y : x;
  std::string page;
  if (x.buffer != y.buffer)
    page = " (their buffers share a scratch page)";
  report(second.op, "unordered conflicting accesses: " +
                        kindName(first.access) + " " + region(first.access) +
                        " in " + taskName(first.task) + " and " +
                        kindName(second.access) + " " +
                        region(second.access) + " in " +
                        taskName(second.task) +
                        " are not ordered by happens-before" + page);
}
