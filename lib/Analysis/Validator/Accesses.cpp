//===- Accesses.cpp - Validator: accesses, bounds, outputs ----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The accesses of the validator: one record per region a compute op reads or
// writes (with its linearized extent), checked against its buffer's kind and
// bounds at every position of the range, byte alignment of sub-byte runs,
// outputs that must be written, and conflicts between the accesses of one op
// (in place only where the op declares it).
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

#include "AMK/Support/StorageModel.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;
namespace storage = ::amk::storage;

/// True when the constant `box` is one contiguous run of a row-major buffer
/// of `shape`: full trailing dimensions, one partial one, unit leading ones.
static bool isContiguous(ArrayRef<int64_t> shape, const ConcreteBox &box) {
  size_t d = shape.size();
  while (d > 0 && box[d - 1] == std::make_pair(int64_t(0), shape[d - 1]))
    --d;
  for (size_t i = 0; i + 1 < d; ++i)
    if (box[i].second - box[i].first != 1)
      return false;
  return true;
}

/// The half-open linearized extent of `box` in elements of a buffer of
/// `shape`; `symbolic` boxes get the whole buffer.
static std::pair<int64_t, int64_t> linearExtent(ArrayRef<int64_t> shape,
                                                ArrayRef<Interval> box,
                                                bool symbolic) {
  int64_t total = 1;
  for (int64_t extent : shape)
    total *= extent;
  if (symbolic || box.size() != shape.size())
    return {0, total};
  ConcreteBox concrete = concretize(box, 0);
  if (isEmpty(concrete))
    return {0, 0};
  int64_t lo = 0, last = 0, stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    lo += concrete[d].first * stride;
    last += (concrete[d].second - 1) * stride;
    stride *= shape[d];
  }
  return {lo, last + 1};
}

/// Runs listed when checking that a sub-byte access is byte-aligned.
static constexpr int64_t kMaxAlignmentRuns = 4096;

//===----------------------------------------------------------------------===//
// Accesses
//===----------------------------------------------------------------------===//

void Validator::collectAccesses() {
  uint32_t ordinal = 0;
  SmallVector<Access> found;
  for (auto [task, op] : llvm::enumerate(taskOps)) {
    for (Operation &child : op.getBodyBlock()) {
      found.clear();
      cast<AccessOpInterface>(child).getAccesses(found);
      for (Access &access : found) {
        auto it = bufferIndex.find(access.buffer);
        if (it == bufferIndex.end() || !buffers[it->second].valid)
          continue;
        BufferInfo &buffer = buffers[it->second];
        bool symbolic = isSymbolic(access.box);
        AccessRecord record{uint32_t(task), ordinal, it->second, &child,
                            std::move(access), symbolic, false, 0, 0};
        // An access out of bounds is reported and left out of the conflict
        // analysis (its extent could overflow); the program is rejected.
        if (checkAccess(record)) {
          ArrayRef<int64_t> shape = buffer.op.getType().getShape();
          auto [lo, hi] = linearExtent(shape, record.access.box, symbolic);
          record.linear = !symbolic && isContiguous(
                              shape, concretize(record.access.box, 0));
          record.keyLo = lo * buffer.bitsPerElement;
          record.keyHi = hi * buffer.bitsPerElement;
        }
        buffer.symbolic |= symbolic;
        if (record.access.isWrite())
          buffer.writes.push_back(accesses.size());
        accesses.push_back(std::move(record));
      }
      ++ordinal;
    }
  }
}

/// Checks an access against its buffer's kind and bounds; false when it is
/// out of bounds.
bool Validator::checkAccess(const AccessRecord &record) {
  BufferOp buffer = buffers[record.buffer].op;
  if (record.access.isWrite() && buffer.isReadOnly())
    report(record.op, taskName(record.task) + " writes " +
                          stringifyBufferKind(buffer.getKind()) +
                          " buffer " + region(record.access) +
                          ", which is read-only during a step");
  return checkBounds(record);
}

/// Reports an access of a sub-byte buffer whose runs do not start and end
/// on byte boundaries (amk::storage: memory is written a byte at a time).
void Validator::checkByteAligned(const AccessRecord &record,
                                 const ConcreteBox &box, int64_t pos) {
  const BufferInfo &buffer = buffers[record.buffer];
  if (buffer.bitsPerElement % 8 == 0)
    return;
  ArrayRef<int64_t> shape = buffer.op.getType().getShape();
  storage::BufferLayout layout{buffer.bitsPerElement, 0};
  SmallVector<std::pair<int64_t, int64_t>, 1> runs;
  bool aligned = true;
  if (contiguousRuns(shape, box, kMaxAlignmentRuns, runs)) {
    for (auto [lo, hi] : runs)
      aligned &= layout.byteAligned(lo, hi);
  } else {
    // Too many runs to list: every run boundary is a sum of multiples of
    // these, so requiring them aligned is enough (conservative).
    int64_t stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      aligned &= layout.byteAligned(box[d].first * stride,
                                    box[d].second * stride) &&
                 layout.byteAligned(0, stride);
      stride *= shape[d];
    }
  }
  if (aligned)
    return;
  std::string at = record.symbolic ? " at pos = " + std::to_string(pos)
                                   : std::string();
  report(record.op, taskName(record.task) + " accesses " +
                        region(record.access) + at + " of a buffer of " +
                        Twine(buffer.bitsPerElement) +
                        "-bit elements, which does not start and end on "
                        "byte boundaries (neighbouring elements share a "
                        "byte that is written whole)");
}

bool Validator::checkBounds(const AccessRecord &record) {
  ArrayRef<int64_t> shape = buffers[record.buffer].op.getType().getShape();
  ArrayRef<Interval> box = record.access.box;
  auto outOfBounds = [&](const Twine &why) {
    report(record.op, taskName(record.task) + " accesses " +
                          region(record.access) + " out of bounds of " +
                          region(Access::whole(record.access.buffer,
                                               record.access.kind)) +
                          ": " + why);
    return false;
  };
  if (box.size() != shape.size())
    return outOfBounds("the region has rank " + Twine(box.size()) +
                       ", the buffer " + Twine(shape.size()));
  for (int64_t pos : criticalPositions({box}, shape, positions)) {
    ConcreteBox concrete = concretize(box, pos);
    if (isEmpty(concrete))
      continue;
    for (auto [d, range] : llvm::enumerate(concrete)) {
      if (range.first >= 0 && range.second <= shape[d])
        continue;
      std::string at = record.symbolic ? " at pos = " + std::to_string(pos)
                                       : std::string();
      return outOfBounds("dimension " + Twine(d) + " is [" +
                         Twine(range.first) + ", " + Twine(range.second) +
                         ")" + at + ", the buffer has " + Twine(shape[d]));
    }
    checkByteAligned(record, concrete, pos);
  }
  return true;
}

void Validator::checkOutputs() {
  for (BufferInfo &buffer : buffers) {
    if (buffer.op.getKind() != BufferKind::Output)
      continue;
    Access whole = Access::whole(buffer.op.getResult(), AccessKind::Write);
    if (buffer.writes.empty()) {
      report(buffer.op, "output buffer " + region(whole) +
                            " is never written");
      continue;
    }
    SmallVector<ArrayRef<Interval>> boxes;
    for (uint32_t write : buffer.writes)
      boxes.push_back(accesses[write].access.box);
    if (std::optional<Uncovered> gap =
            findUncovered(whole.box, boxes, positions)) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "output buffer " << region(whole) << " is not fully written: ";
      printConcreteRegion(os, buffer.op.getName(), gap->box);
      os << " has no writer";
      if (buffer.symbolic)
        os << " at pos = " << gap->pos;
      report(buffer.op, text);
    }
  }
}

/// True when `a` and `b` (of one group) may share a bit: an exact box test
/// for one buffer, the linearized extents across buffers of a page.
static bool storageOverlaps(const AccessRecord &a, const AccessRecord &b,
                            PositionRange positions) {
  if (a.keyLo >= a.keyHi || b.keyLo >= b.keyHi)
    return false;
  if (a.buffer == b.buffer)
    return mayOverlap(a.access.box, b.access.box, positions);
  return a.keyLo < b.keyHi && b.keyLo < a.keyHi;
}

/// True when `read` and `write` name exactly the same elements of one
/// storage: the same box of one buffer, or the same contiguous bits of a
/// page with the same element width.
static bool sameElements(const AccessRecord &read, const AccessRecord &write,
                         ArrayRef<BufferInfo> buffers) {
  if (read.buffer == write.buffer)
    return llvm::equal(read.access.box, write.access.box,
                       [](const Interval &x, const Interval &y) {
                         return x.lo == y.lo && x.hi == y.hi &&
                                x.capAtPosition == y.capAtPosition &&
                                x.window == y.window;
                       });
  return read.linear && write.linear && read.keyLo == write.keyLo &&
         read.keyHi == write.keyHi &&
         buffers[read.buffer].bitsPerElement ==
             buffers[write.buffer].bitsPerElement;
}

/// True when `op` computes `write` from `read` in place: the op declares
/// the pair of operands in place (`AccessOpInterface::allowsInPlace`) and
/// both accesses name the same elements.
static bool inPlace(const AccessRecord &read, const AccessRecord &write,
                    ArrayRef<BufferInfo> buffers) {
  OpOperand *from = read.access.operand, *to = write.access.operand;
  return from && to &&
         cast<AccessOpInterface>(write.op).allowsInPlace(*from, *to) &&
         sameElements(read, write, buffers);
}

/// Every pair of one op's accesses over the same memory (one buffer, or two
/// buffers of one page), at least one a write, races inside the op (its
/// threads run concurrently) unless it is a read and a write the op computes
/// in place. Two writes never are: which one lands last is not defined.
void Validator::checkOwnAccesses() {
  for (size_t begin = 0, end; begin < accesses.size(); begin = end) {
    for (end = begin + 1;
         end < accesses.size() && accesses[end].op == accesses[begin].op; ++end)
      ;
    for (size_t a = begin; a < end; ++a)
      for (size_t b = a + 1; b < end; ++b)
        checkOwnPair(accesses[a], accesses[b]);
  }
}

/// Reports accesses `x` (listed first by the op) and `y` of one op when they
/// conflict inside it.
void Validator::checkOwnPair(const AccessRecord &x, const AccessRecord &y) {
  if ((!x.access.isWrite() && !y.access.isWrite()) ||
      buffers[x.buffer].group != buffers[y.buffer].group ||
      !storageOverlaps(x, y, positions))
    return;
  bool bothWrite = x.access.isWrite() && y.access.isWrite();
  const AccessRecord &read = x.access.isWrite() ? y : x;
  const AccessRecord &write = x.access.isWrite() ? x : y;
  if (!bothWrite && inPlace(read, write, buffers))
    return;
  std::string page;
  if (x.buffer != y.buffer)
    page = " (their buffers share a scratch page)";
  std::string prefix =
      "'" + x.op->getName().getStringRef().str() + "' in " + taskName(x.task);
  if (bothWrite) {
    report(x.op, prefix + " writes " + operandRegion(x) + " and " +
                     operandRegion(y) + ", which overlap" + page +
                     ": which write lands last is not defined (race inside "
                     "the op)");
    return;
  }
  report(x.op, prefix + " reads " + operandRegion(read) + " and writes " +
                   operandRegion(write) + ", which overlap" + page +
                   ": the op does not compute these elements in place "
                   "(race inside the op)");
}
