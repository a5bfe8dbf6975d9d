//===- Coverage.cpp - Validator: reads of unwritten data ------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Coverage: every read that must not see garbage (activations, scratch, KV
// rows, outputs read before this step writes them) needs writers ordered
// before it that cover its bits, through its own buffer; KV rows below the
// position count as written by earlier steps when every step appends them.
// Constant boxes are decided as writers are found, position-dependent ones
// at the end, at every critical position.
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;

//===----------------------------------------------------------------------===//
// Coverage
//===----------------------------------------------------------------------===//

bool Validator::needsWriter(const AccessRecord &record) const {
  BufferOp buffer = buffers[record.buffer].op;
  // An output read before this step writes it holds the previous step's
  // value: as garbage as an unwritten activation.
  return !record.access.isWrite() &&
         (buffer.isTransient() || buffer.getKind() == BufferKind::KVCache ||
          buffer.getKind() == BufferKind::Output);
}

/// Bits of KV cache `buffer` written by earlier steps at every position of
/// the range (rows below its lowest position); 0 for other buffers.
int64_t Validator::historyBits(uint32_t buffer) const {
  BufferOp op = buffers[buffer].op;
  if (op.getKind() != BufferKind::KVCache)
    return 0;
  int64_t rowElements = op.getType().getNumElements() / op.getType().getDimSize(0);
  return positions.lo * rowElements * buffers[buffer].bitsPerElement;
}

/// Rows below `pos` of a KV cache count as written by earlier steps only if
/// every step (the same program) appends at `pos` each head and element
/// that some read of the cache uses.
void Validator::checkHistoryAppends() {
  if (positions.hi == 0)
    return;
  for (const AccessRecord &read : accesses) {
    const BufferInfo &buffer = buffers[read.buffer];
    if (read.access.isWrite() || buffer.op.getKind() != BufferKind::KVCache)
      continue;
    SmallVector<Interval, 4> row(read.access.box);
    row.front() = Interval{Bound{0, true}, Bound{1, true}, false};
    SmallVector<ArrayRef<Interval>> appends;
    for (uint32_t write : buffer.writes)
      appends.push_back(accesses[write].access.box);
    // Positions where some earlier row exists.
    PositionRange later{std::max<int64_t>(positions.lo, 1), positions.hi};
    std::optional<Uncovered> gap = findUncovered(row, appends, later);
    if (!gap)
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << taskName(read.task) << " reads " << region(read.access)
       << ", whose rows below pos count as written by earlier steps only if "
          "every step appends them, but ";
    printConcreteRegion(os, buffer.op.getName(), gap->box);
    os << " is not appended at pos = " << gap->pos;
    report(read.op, text);
  }
}

void Validator::trackCoverage(ArrayRef<uint32_t> group) {
  for (uint32_t i : group) {
    const AccessRecord &record = accesses[i];
    if (!needsWriter(record))
      continue;
    coverIndex[i] = covers.size();
    CoverState &state = covers.emplace_back();
    ConcreteBox box = concretize(record.access.box, positions.lo);
    if (!decidedAtEnd(record) && !isEmpty(box))
      state.remaining.push_back(box);
  }
}

/// Reports that bits `[lo, hi)` of a read's group hold garbage: never
/// written, or last written through `clobber`, another buffer of its page.
void Validator::reportGarbage(const AccessRecord &record, int64_t lo,
                              int64_t hi, int32_t clobber) {
  const BufferInfo &buffer = buffers[record.buffer];
  ArrayRef<int64_t> shape = buffer.op.getType().getShape();
  int64_t first = lo / buffer.bitsPerElement - record.keyLo / buffer.bitsPerElement;
  int64_t last = (hi - 1) / buffer.bitsPerElement - record.keyLo / buffer.bitsPerElement;
  // Offsets inside the read's own contiguous run, as a box of the buffer.
  ConcreteBox box = concretize(record.access.box, 0);
  int64_t inner = 1;
  size_t d = shape.size();
  while (d > 1 && box[d - 1] == std::make_pair(int64_t(0), shape[d - 1]))
    inner *= shape[--d];
  if (inner == 1) {
    int64_t base = box[d - 1].first;
    box[d - 1] = {base + first, base + last + 1};
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << taskName(record.task) << " reads " << region(record.access) << " but ";
  printConcreteRegion(os, buffer.op.getName(), box);
  if (clobber >= 0)
    os << " was last written as " << region(accesses[clobber].access)
       << " by " << taskName(accesses[clobber].task)
       << ", which shares its scratch page (garbage read)";
  else
    os << " has no writer ordered before it (garbage read)";
  report(record.op, text);
}

void Validator::feedCoverage(const ScheduleGraph &graph, uint32_t read,
                             uint32_t write) {
  const AccessRecord &r = accesses[read], &w = accesses[write];
  if (coverIndex[read] < 0 || !w.access.isWrite())
    return;
  bool before = r.task == w.task ? w.ordinal < r.ordinal
                                 : graph.happensBefore(w.task, r.task);
  if (!before)
    return;
  CoverState &state = covers[coverIndex[read]];
  if (!state.remaining.empty())
    subtract(state.remaining, concretize(w.access.box, positions.lo));
  else if (decidedAtEnd(r))
    state.writers.push_back(write);
}

/// True when the coverage of `read` depends on the decode position, so its
/// writers are kept and decided at every critical position at the end.
bool Validator::decidedAtEnd(const AccessRecord &read) const {
  const BufferInfo &buffer = buffers[read.buffer];
  return buffer.symbolic || buffer.op.getKind() == BufferKind::KVCache;
}

/// The part of a read's buffer valid at step start: KV rows below the
/// decode position (written by earlier steps), nothing of other buffers.
SmallVector<Interval, 4> Validator::preWritten(const AccessRecord &read) const {
  Access whole = Access::whole(read.access.buffer, AccessKind::Write);
  if (buffers[read.buffer].op.getKind() != BufferKind::KVCache)
    whole.box.front() = Interval::of(0, 0);
  else
    whole.box.front().hi = Bound{0, true};
  return whole.box;
}

void Validator::checkCoverage() {
  for (auto [i, record] : llvm::enumerate(accesses)) {
    if (coverIndex[i] < 0)
      continue;
    CoverState &state = covers[coverIndex[i]];
    std::optional<Uncovered> gap;
    if (!state.remaining.empty()) {
      gap = Uncovered{positions.lo, state.remaining.front()};
    } else if (decidedAtEnd(record)) {
      SmallVector<Interval, 4> valid = preWritten(record);
      SmallVector<ArrayRef<Interval>> boxes{valid};
      for (uint32_t writer : state.writers)
        boxes.push_back(accesses[writer].access.box);
      gap = findUncovered(record.access.box, boxes, positions);
    }
    if (!gap)
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << taskName(record.task) << " reads " << region(record.access)
       << " but ";
    printConcreteRegion(os, buffers[record.buffer].op.getName(), gap->box);
    os << " has no writer ordered before it";
    if (record.symbolic || buffers[record.buffer].symbolic)
      os << " at pos = " << gap->pos;
    os << " (garbage read)";
    report(record.op, text);
  }
}
