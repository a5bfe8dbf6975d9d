//===- Validator.cpp - Certify a schedule deadlock- and race-free ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The checks, in three stages: structure (grid, barriers, waits, read-only
// buffers, bounds, outputs), then the happens-before graph (a cycle is a
// deadlock), then, on an acyclic graph, races and reads of unwritten data.
// Conflicts are found per buffer (or scratch page) by a sweep over the
// accesses sorted by their linearized extent, so only accesses whose extents
// overlap are compared; each comparison is an exact box test and an O(1)
// vector-clock query.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/Validator.h"

#include "AMK/Analysis/Regions.h"
#include "AMK/Analysis/Roles.h"
#include "AMK/Analysis/ScheduleGraph.h"
#include "AMK/Support/StorageModel.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>
#include <string>

using namespace mlir;
using namespace mlir::amk;
namespace storage = ::amk::storage;

namespace {

/// What the validator knows about one `amk.buffer`.
struct BufferInfo {
  /// Op handles are values; their accessors are not const.
  mutable BufferOp op;
  /// Accesses of buffers in one group may alias: the buffer itself, or the
  /// scratch page it lives on.
  uint32_t group;
  int64_t bitsPerElement;
  /// False when the buffer's size is absurd (reported); its accesses are
  /// not analysed.
  bool valid = true;
  /// True when some access of the buffer depends on the decode position.
  bool symbolic = false;
  /// Indices of the write accesses of the buffer.
  SmallVector<uint32_t> writes;
};

/// One region a compute op of a task reads or writes.
struct AccessRecord {
  uint32_t task;
  /// Program order of the compute op over the whole program.
  uint32_t ordinal;
  uint32_t buffer;
  Operation *op;
  Access access;
  bool symbolic;
  /// True when the access touches exactly its linearized extent (constant
  /// and contiguous in row-major order).
  bool linear;
  /// The linearized extent, in bits, the access may touch at any position.
  int64_t keyLo, keyHi;
};

/// What is known so far about the writers of a read that must not see
/// garbage: the part still uncovered (constant boxes), or the writers
/// (symbolic boxes, decided at the end).
struct CoverState {
  SmallVector<ConcreteBox, 1> remaining;
  SmallVector<uint32_t, 2> writers;
};

/// What a replay does with a race or a garbage read it finds.
enum class ReplaySink {
  /// Reports it as a diagnostic and goes on.
  Report,
  /// Stops the replay, which returns false.
  StopAtFirst,
};

/// One run of the validator on one program.
class Validator {
public:
  Validator(ProgramOp program, const ValidatorOptions &options)
      : program(program), options(options) {}

  FailureOr<ValidationStats> run();

private:
  /// Records a violation at `op`, once per op and message.
  void report(Operation *op, const Twine &message) {
    std::string text = message.str();
    if (reported.insert({op, text}).second)
      violations.push_back({op, std::move(text)});
  }
  std::string region(const Access &access) const;
  /// The region of `record` and the operand number it goes through.
  std::string operandRegion(const AccessRecord &record) const;
  std::string taskName(uint32_t task) const;

  void collectBuffers();
  bool checkStorage(BufferOp op, int64_t bits);
  void computePositionRange();
  bool checkGrid();
  void collectAccesses();
  bool checkAccess(const AccessRecord &record);
  bool checkBounds(const AccessRecord &record);
  void checkByteAligned(const AccessRecord &record, const ConcreteBox &box,
                        int64_t pos);
  void checkOwnAccesses();
  void checkOwnPair(const AccessRecord &x, const AccessRecord &y);
  void checkValues();
  void checkEmbedIndex(uint32_t task, EmbedOp embed);
  std::optional<int64_t> indexBound(Value buffer, unsigned depth);
  void checkCounters(const ScheduleGraph &graph);
  void checkStepStructure();
  void checkTokenFeedback(const ScheduleGraph &graph);
  void checkTokenOrder(const ScheduleGraph &graph, uint32_t tokens,
                       uint32_t next);
  void checkPageClobbers(const ScheduleGraph &graph, ArrayRef<uint32_t> group);
  void checkWaits(const ScheduleGraph &graph);
  void checkDeadlockBySimulation(const ScheduleGraph &graph);
  void checkOutputs();
  void checkConflicts(const ScheduleGraph &graph);
  void sweepGroup(const ScheduleGraph &graph, ArrayRef<uint32_t> group);
  void visitPair(const ScheduleGraph &graph, uint32_t a, uint32_t b);
  void reportIfUnordered(const ScheduleGraph &graph, uint32_t a, uint32_t b);
  void reportRace(uint32_t a, uint32_t b);
  std::vector<uint32_t> replayOrder(const ScheduleGraph &graph,
                                    ArrayRef<uint32_t> members) const;
  void replayGroup(const ScheduleGraph &graph, ArrayRef<uint32_t> group);
  bool replay(const ScheduleGraph &graph, ArrayRef<uint32_t> members,
              ArrayRef<SmallVector<std::pair<int64_t, int64_t>, 1>> runs,
              ReplaySink sink);
  bool sweepWouldBeClean(const ScheduleGraph &graph, ArrayRef<uint32_t> group);
  void reportGarbage(const AccessRecord &record, int64_t lo, int64_t hi,
                     int32_t clobber);
  bool needsWriter(const AccessRecord &record) const;
  int64_t historyBits(uint32_t buffer) const;
  void checkHistoryAppends();
  void trackCoverage(ArrayRef<uint32_t> group);
  void feedCoverage(const ScheduleGraph &graph, uint32_t read, uint32_t write);
  void checkCoverage();
  SmallVector<Interval, 4> preWritten(const AccessRecord &read) const;
  bool decidedAtEnd(const AccessRecord &read) const;
  LogicalResult finish();

  ProgramOp program;
  const ValidatorOptions &options;
  std::vector<std::pair<Operation *, std::string>> violations;
  std::set<std::pair<Operation *, std::string>> reported;
  std::vector<BufferInfo> buffers;
  llvm::DenseMap<Value, uint32_t> bufferIndex;
  std::vector<AccessRecord> accesses;
  /// Task and buffer of every access, compact for the hot loops.
  std::vector<uint32_t> accTask, accBuffer;
  /// Index into `covers` of every access, -1 when it needs no writer.
  std::vector<int32_t> coverIndex;
  std::vector<CoverState> covers;
  llvm::DenseSet<std::pair<uint32_t, uint32_t>> reportedRaces;
  /// Per chain, -1 between uses: scratch of the replays (ReadHistory).
  std::vector<int32_t> chainLatest;
  mutable SmallVector<TaskOp> taskOps;
  /// The buffers the runtime drives (findRoles, which reports ambiguities).
  ProgramRoles roles;
  PositionRange positions;
  bool assigned = false;
  int64_t workers = 0;
};

} // namespace

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string Validator::region(const Access &access) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  printRegion(os, access);
  return text;
}

std::string Validator::operandRegion(const AccessRecord &record) const {
  std::string text = region(record.access);
  if (OpOperand *operand = record.access.operand)
    text += " (operand " + std::to_string(operand->getOperandNumber()) + ")";
  return text;
}

std::string Validator::taskName(uint32_t task) const {
  return "task \"" + taskOps[task].getName().str() + "\"";
}

static StringRef kindName(const Access &access) {
  return access.isWrite() ? "write" : "read";
}

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

static bool contiguousRuns(ArrayRef<int64_t> shape, const ConcreteBox &box,
                           int64_t budget,
                           SmallVectorImpl<std::pair<int64_t, int64_t>> &runs);

/// Runs listed when checking that a sub-byte access is byte-aligned.
static constexpr int64_t kMaxAlignmentRuns = 4096;

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

void Validator::collectBuffers() {
  llvm::DenseMap<Value, uint32_t> pageGroup;
  SmallVector<BufferOp> ops(program.getBody()->getOps<BufferOp>());
  for (BufferOp op : ops) {
    uint32_t group = buffers.size();
    if (Value page = op.getPage())
      group = pageGroup.try_emplace(page, ops.size() + pageGroup.size())
                  .first->second;
    bufferIndex[op.getResult()] = buffers.size();
    int64_t bits = op.getType().getElementType().getIntOrFloatBitWidth();
    buffers.push_back(BufferInfo{op, group, bits});
    buffers.back().valid = checkStorage(op, bits);
  }
  for (PageOp page : program.getBody()->getOps<PageOp>())
    if (page.getBytesAttr().getInt() > storage::kMaxBufferBytes)
      report(page, "page '" + page.getName() + "' has " +
                       Twine(page.getBytesAttr().getInt()) +
                       " bytes, more than the " +
                       Twine(storage::kMaxBufferBytes) + " AMK accepts");
}

/// Checks that `op` has a representable size (amk::storage) and fits its
/// page; false when its size is absurd.
bool Validator::checkStorage(BufferOp op, int64_t bits) {
  ArrayRef<int64_t> shape = op.getType().getShape();
  std::optional<int64_t> elements =
      storage::checkedProduct(shape.data(), shape.size());
  std::optional<int64_t> bytes;
  if (elements)
    bytes = storage::BufferLayout{bits, *elements}.bytes();
  if (!bytes) {
    report(op, "buffer '" + op.getName() + "' is too large: " +
                   (elements ? Twine(*elements) : Twine("more than 2^63")) +
                   " elements of " + Twine(bits) + " bits exceed " +
                   Twine(storage::kMaxBufferBytes) + " bytes");
    return false;
  }
  if (Value page = op.getPage()) {
    auto pageOp = page.getDefiningOp<PageOp>();
    int64_t pageBytes = pageOp.getBytesAttr().getInt();
    if (!storage::fitsPage(*bytes, pageBytes))
      report(op, "buffer '" + op.getName() + "' takes " + Twine(*bytes) +
                     " bytes but its page '" + pageOp.getName() + "' has " +
                     Twine(pageBytes) +
                     ": the buffer would overrun the page");
  }
  return true;
}

void Validator::computePositionRange() {
  if (std::optional<int64_t> position = program.getPosition()) {
    positions = {*position, *position};
    // Every cache must hold the row the step appends and reads.
    for (const BufferInfo &buffer : buffers)
      if (buffer.op.getKind() == BufferKind::KVCache &&
          *position >= buffer.op.getType().getDimSize(0))
        report(buffer.op, "the program's position " + Twine(*position) +
                              " is outside KV cache '" + buffer.op.getName() +
                              "' of " +
                              Twine(buffer.op.getType().getDimSize(0)) +
                              " rows");
    return;
  }
  // The runtime checks `pos < rows` of every KV cache before launch.
  int64_t rows = int64_t(1) << 40;
  for (const BufferInfo &buffer : buffers)
    if (buffer.op.getKind() == BufferKind::KVCache)
      rows = std::min(rows, buffer.op.getType().getDimSize(0));
  positions = {0, rows - 1};
}

/// Checks worker assignment and barriers against the grid; returns false
/// when the queues are malformed and no graph can be built.
bool Validator::checkGrid() {
  TargetAttr target = program.getTargetAttr();
  int64_t maxWorker = -1;
  size_t violationsBefore = violations.size();
  for (TaskOp task : taskOps)
    if (std::optional<int64_t> worker = task.getWorker())
      maxWorker = std::max(maxWorker, *worker);
  for (BarrierOp barrier : program.getBody()->getOps<BarrierOp>())
    maxWorker = std::max(maxWorker, int64_t(barrier.getSlots().size()) - 1);
  assigned = maxWorker >= 0;
  workers = maxWorker + 1;
  if (!assigned)
    return true;
  for (TaskOp task : taskOps) {
    std::optional<int64_t> worker = task.getWorker();
    if (!worker)
      report(task, "task \"" + task.getName() +
                       "\" has no worker in a program whose other tasks and "
                       "barriers are assigned: no worker would run it");
    else if (target && *worker >= target.getSmCount())
      report(task, "task \"" + task.getName() + "\" runs on worker " +
                       Twine(*worker) + ", outside the grid of " +
                       Twine(target.getSmCount()) + " workers of target " +
                       target.getChip());
  }
  for (BarrierOp barrier : program.getBody()->getOps<BarrierOp>()) {
    int64_t slots = barrier.getSlots().size();
    if (slots != workers)
      report(barrier, "barrier \"" + barrier.getName() + "\" has " +
                          Twine(slots) + " slots but the grid has " +
                          Twine(workers) +
                          " workers: every worker must join a barrier");
    else if (target && slots > target.getSmCount())
      report(barrier, "barrier \"" + barrier.getName() + "\" has slots for " +
                          Twine(slots) + " workers, outside the grid of " +
                          Twine(target.getSmCount()) + " workers of target " +
                          target.getChip());
  }
  return violations.size() == violationsBefore;
}

void Validator::checkWaits(const ScheduleGraph &graph) {
  for (const WaitInfo &wait : graph.getWaits()) {
    if (wait.kind != WaitKind::Unsatisfiable && wait.kind != WaitKind::Partial)
      continue;
    if (wait.kind == WaitKind::Partial &&
        options.partialWaits == PartialWaits::Exact)
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << taskName(wait.task) << " waits for event \""
       << graph.getEventName(wait.event) << "\" >= "
       << wait.threshold << " but init " << wait.init << " + "
       << wait.producers << " producers ";
    if (wait.kind == WaitKind::Unsatisfiable)
      os << "= " << wait.init + wait.producers
         << ": the wait can never be satisfied (deadlock)";
    else
      os << "= " << wait.init + wait.producers
         << ": a partial wait on a shared event does not say which producers "
            "finished (race); wait for all of them";
    report(taskOps[wait.task], text);
  }
}

/// Stuck tasks listed in a deadlock found by simulation.
static constexpr size_t kMaxStuckListed = 8;

/// With partial waits, an acyclic graph does not prove deadlock freedom (a
/// k-of-n wait may wait for producers that are themselves stuck behind it):
/// run the schedule greedily, which is exact for any thresholds.
void Validator::checkDeadlockBySimulation(const ScheduleGraph &graph) {
  bool partial = false, unsatisfiable = false, ambiguous = false;
  for (const WaitInfo &wait : graph.getWaits()) {
    partial |= wait.kind == WaitKind::Partial ||
               wait.kind == WaitKind::OrderedPartial;
    ambiguous |= wait.kind == WaitKind::Partial;
    unsatisfiable |= wait.kind == WaitKind::Unsatisfiable;
  }
  // Unsatisfiable waits are reported already; in strict mode ambiguous
  // partial waits are rejected anyway.
  bool strict = options.partialWaits == PartialWaits::Strict;
  if (!partial || unsatisfiable || (ambiguous && strict))
    return;
  SimulationResult result = graph.simulate();
  if (!result.stuckTasks)
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "deadlock: " << result.stuckTasks << " of " << taskOps.size()
     << " tasks never run (partial waits); stuck: ";
  size_t listed = 0;
  for (const StuckWait &stuck : result.blocked) {
    if (listed == kMaxStuckListed) {
      os << "; ...";
      break;
    }
    os << (listed++ ? "; " : "") << taskName(stuck.task);
    if (stuck.worker >= 0)
      os << " on worker " << stuck.worker;
    os << " waits for event \"" << graph.getEventName(stuck.event) << "\" >= "
       << stuck.threshold << " (count " << stuck.count << ")";
  }
  if (result.blocked.empty())
    os << "every queue is blocked at a barrier";
  Operation *at = result.blocked.empty()
                      ? program.getOperation()
                      : taskOps[result.blocked.front().task].getOperation();
  report(at, text);
}

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

//===----------------------------------------------------------------------===//
// Values that pick memory, counters
//===----------------------------------------------------------------------===//

/// The operand an op takes the decode position from, or null.
static Value positionOperand(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<RopeOp, KVAppendOp, AttentionOp>(
          [](auto op) { return op.getPosition(); })
      .Default([](Operation *) { return Value(); });
}

/// Rows and positions come from run-time values: a position operand must
/// be the program's position input (every bound `pos + c` means that value),
/// and a token index computed this step must lie inside its table.
void Validator::checkValues() {
  Value positionInput = roles.position;
  for (auto [task, op] : llvm::enumerate(taskOps)) {
    for (Operation &child : op.getBodyBlock()) {
      if (auto embed = dyn_cast<EmbedOp>(child))
        checkEmbedIndex(task, embed);
      Value position = positionOperand(&child);
      if (!position || position == positionInput)
        continue;
      auto buffer = position.getDefiningOp<BufferOp>();
      report(&child, "'" + child.getName().getStringRef() + "' in " +
                         taskName(task) + " takes the decode position from '" +
                         buffer.getName() + "', " +
                         (positionInput
                              ? Twine("not from the program's position input '") +
                                    kPositionInput + "'"
                              : Twine("but the program has no position input '") +
                                    kPositionInput + "'") +
                         " (its rows and rotations would follow another value)");
    }
  }
}

/// The exclusive bound of the values a copy into `output` leaves when its
/// source holds integers in `[0, bound)` (as integers or floats), or
/// std::nullopt when some does not survive the conversion. A copy converts
/// through f32 (KernelBuilder::loadF32/storeF32, the runtime's buffer views):
/// an integer is rounded to f32, then to a narrower float type (both to
/// nearest even, monotonic, so the largest value maps to the largest one:
/// bf16 rounds 999 to 1000), and a float is truncated to an integer type,
/// which must hold it.
static std::optional<int64_t> convertedBound(int64_t bound, Value output) {
  if (bound <= 0)
    return bound;
  Type to = cast<MemRefType>(output.getType()).getElementType();
  llvm::APFloat value(llvm::APFloat::IEEEsingle());
  bool inexact = false;
  (void)value.convertFromAPInt(llvm::APInt(64, bound - 1, /*isSigned=*/true),
                               /*IsSigned=*/true,
                               llvm::APFloat::rmNearestTiesToEven);
  if (auto type = dyn_cast<FloatType>(to))
    if (value.convert(type.getFloatSemantics(),
                      llvm::APFloat::rmNearestTiesToEven, &inexact) &
        llvm::APFloat::opOverflow)
      return std::nullopt;
  if (!value.isFinite())
    return std::nullopt;
  unsigned width = isa<FloatType>(to) ? 64 : to.getIntOrFloatBitWidth();
  llvm::APSInt largest(width, /*isUnsigned=*/false);
  if (value.convertToInteger(largest, llvm::APFloat::rmTowardZero, &inexact) &
      llvm::APFloat::opInvalidOp)
    return std::nullopt;
  return largest.getExtValue() + 1;
}

/// Nesting of index producers followed by `indexBound`.
static constexpr unsigned kMaxIndexDepth = 8;

/// An exclusive upper bound of every value this step's writers can leave in
/// the i32 `buffer`, or std::nullopt when some writer is not an index
/// producer AMK can bound (argmax, argmax_partial indices, argmax_reduce,
/// copy of a bounded buffer) or nothing writes it this step.
std::optional<int64_t> Validator::indexBound(Value buffer, unsigned depth) {
  auto it = bufferIndex.find(buffer);
  if (depth > kMaxIndexDepth || it == bufferIndex.end() ||
      buffers[it->second].writes.empty())
    return std::nullopt;
  int64_t bound = 0;
  for (uint32_t write : buffers[it->second].writes) {
    std::optional<int64_t> writer =
        llvm::TypeSwitch<Operation *, std::optional<int64_t>>(
            accesses[write].op)
            .Case([&](ArgmaxOp op) -> std::optional<int64_t> {
              return getVectorLength(op.getLogits().getType());
            })
            .Case([&](ArgmaxPartialOp op) -> std::optional<int64_t> {
              if (op.getIndices() != buffer)
                return std::nullopt;
              if (IntervalAttr cols = op.getColsAttr())
                return cols.getHi();
              return getVectorLength(op.getLogits().getType());
            })
            .Case([&](ArgmaxReduceOp op) {
              return indexBound(op.getIndices(), depth + 1);
            })
            .Case([&](CopyOp op) -> std::optional<int64_t> {
              std::optional<int64_t> source =
                  indexBound(op.getSource(), depth + 1);
              if (!source)
                return std::nullopt;
              return convertedBound(*source, op.getOutput());
            })
            .Default([](Operation *) { return std::nullopt; });
    if (!writer)
      return std::nullopt;
    bound = std::max(bound, *writer);
  }
  return bound;
}

/// A token written this step (an argmax feeding the next embed) must be
/// provably inside the table; a token from outside the step is checked by
/// the runtime before launch.
void Validator::checkEmbedIndex(uint32_t task, EmbedOp embed) {
  auto it = bufferIndex.find(embed.getToken());
  if (it == bufferIndex.end() || buffers[it->second].writes.empty())
    return;
  int64_t rows = cast<MemRefType>(embed.getTable().getType()).getDimSize(0);
  std::optional<int64_t> bound = indexBound(embed.getToken(), 0);
  if (bound && *bound <= rows)
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "'amk.embed' in " << taskName(task) << " looks up the token in '"
     << buffers[it->second].op.getName() << "', written in this step, ";
  if (bound)
    os << "which can hold indices up to " << *bound - 1 << ", outside the "
       << rows << " rows of the table";
  else
    os << "by an op whose result AMK cannot bound: the row read is not "
          "provably inside the table's "
       << rows << " rows";
  report(embed, text);
}

/// Every event's counter is a u32: init plus one increment per producer and
/// step of a launch (waits count in epochs, counters are never reset) must
/// not wrap.
void Validator::checkCounters(const ScheduleGraph &graph) {
  for (uint32_t e = 0; e < graph.getNumEvents(); ++e) {
    EventOp event = graph.getEvent(e);
    int64_t init = event.getInitAttr().getInt();
    int64_t perStep = graph.getProducers(e).size();
    int64_t total = init + options.steps * perStep;
    if (total <= int64_t(std::numeric_limits<uint32_t>::max()))
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "event '" << event.getName() << "' counts up to init " << init
       << " + ";
    if (options.steps > 1)
      os << options.steps << " steps x ";
    os << perStep << " producers = " << total
       << ", past the largest value of its 32-bit counter (4294967295): it "
          "would wrap";
    report(event, text);
  }
}

//===----------------------------------------------------------------------===//
// Several steps per launch
//===----------------------------------------------------------------------===//

/// What a launch of several steps needs besides each step being certified:
/// a grid for the barrier between steps, a position that moves, rows for
/// every step, and a separator counter that does not wrap.
void Validator::checkStepStructure() {
  int64_t steps = options.steps;
  if (steps == 1)
    return;
  if (!assigned)
    report(program, "a launch of " + Twine(steps) +
                        " steps separates them by a grid barrier, but no "
                        "task has a worker (assign workers first)");
  if (std::optional<int64_t> position = program.getPosition())
    report(program, "the program is pinned to position " + Twine(*position) +
                        ", but a launch of " + Twine(steps) +
                        " steps runs positions pos to pos + " +
                        Twine(steps - 1));
  for (const BufferInfo &buffer : buffers) {
    if (buffer.op.getKind() != BufferKind::KVCache)
      continue;
    int64_t rows = buffer.op.getType().getDimSize(0);
    if (rows < steps)
      report(buffer.op, "a launch of " + Twine(steps) +
                            " steps appends a row per step, but KV cache '" +
                            buffer.op.getName() + "' has " + Twine(rows) +
                            " rows");
  }
  if (workers * steps > int64_t(std::numeric_limits<uint32_t>::max()))
    report(program, "the barrier between steps counts " + Twine(workers) +
                        " workers x " + Twine(steps) +
                        " steps arrivals, past its 32-bit counter");
}

/// Step `s + 1` reads its token from the next-token output step `s` wrote
/// (no copy: the kernel reads `next_token` where the program reads the
/// tokens input). So the value must be a row of every table it indexes,
/// and this step's reads of the token must happen before this step's
/// argmax overwrites it.
void Validator::checkTokenFeedback(const ScheduleGraph &graph) {
  if (options.steps == 1)
    return;
  Value tokens = roles.tokens, next = roles.nextToken;
  if (!tokens)
    return;
  BufferOp tokensOp = tokens.getDefiningOp<BufferOp>();
  if (!next) {
    report(tokensOp, "a launch of " + Twine(options.steps) +
                         " steps feeds each step's chosen token to the next "
                         "step's embedding, but no argmax writes an output "
                         "token");
    return;
  }
  BufferOp nextOp = next.getDefiningOp<BufferOp>();
  if (tokensOp.getType() != nextOp.getType()) {
    report(nextOp, "the next token '" + nextOp.getName() +
                       "' must have the type of the tokens input '" +
                       tokensOp.getName() + "' it replaces in the next step");
    return;
  }
  std::optional<int64_t> bound = indexBound(next, 0);
  for (Operation *user : tokens.getUsers()) {
    auto embed = dyn_cast<EmbedOp>(user);
    if (!embed || embed.getToken() != tokens)
      continue;
    int64_t rows = cast<MemRefType>(embed.getTable().getType()).getDimSize(0);
    if (!bound || *bound > rows)
      report(embed, "in a launch of " + Twine(options.steps) +
                        " steps 'amk.embed' looks up the token step s - 1 "
                        "left in '" + nextOp.getName() + "', which " +
                        (bound ? "can hold indices up to " + Twine(*bound - 1)
                               : Twine("AMK cannot bound")) +
                        ": not provably inside the table's " + Twine(rows) +
                        " rows");
  }
  checkTokenOrder(graph, bufferIndex.lookup(tokens), bufferIndex.lookup(next));
}

/// Every read of the tokens input (next_token from step 1 on) must happen
/// before every write of next_token in the same step.
void Validator::checkTokenOrder(const ScheduleGraph &graph, uint32_t tokens,
                                uint32_t next) {
  for (const AccessRecord &read : accesses) {
    if (read.buffer != tokens || read.access.isWrite())
      continue;
    for (uint32_t w : buffers[next].writes) {
      const AccessRecord &write = accesses[w];
      bool ordered = write.task == read.task
                         ? read.ordinal < write.ordinal
                         : graph.happensBefore(read.task, write.task);
      if (ordered)
        continue;
      report(read.op, taskName(read.task) + " reads " + region(read.access) +
                          ", which step s + 1 of a launch of " +
                          Twine(options.steps) + " steps takes from '" +
                          buffers[next].op.getName() + "', but " +
                          taskName(write.task) + " writes " +
                          region(write.access) +
                          " without being ordered after the read (step s + "
                          "1 could overwrite its own token first)");
    }
  }
}

//===----------------------------------------------------------------------===//
// Races and coverage
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
static bool contiguousRuns(ArrayRef<int64_t> shape, const ConcreteBox &box,
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

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult Validator::finish() {
  if (violations.empty())
    return success();
  size_t shown = std::min<size_t>(violations.size(), options.maxDiagnostics);
  for (size_t i = 0; i < shown; ++i)
    violations[i].first->emitError(violations[i].second);
  InFlightDiagnostic summary = emitError(program.getLoc())
                               << "schedule rejected: " << violations.size()
                               << " violation(s)";
  if (shown < violations.size())
    summary << ", " << shown << " shown (max-diagnostics)";
  return failure();
}

FailureOr<ValidationStats> Validator::run() {
  collectBuffers();
  (void)findRoles(program, roles,
                  [&](Operation *op, const Twine &text) { report(op, text); });
  computePositionRange();
  taskOps.assign(program.getBody()->getOps<TaskOp>().begin(),
                 program.getBody()->getOps<TaskOp>().end());
  bool queuesValid = checkGrid();
  ScheduleGraph graph(program, assigned && queuesValid);
  // Happens-before first: it decides which partial waits are ordered.
  bool acyclic = queuesValid && succeeded(graph.computeHappensBefore());
  checkWaits(graph);
  collectAccesses();
  checkOutputs();
  checkOwnAccesses();
  checkValues();
  checkCounters(graph);
  checkStepStructure();
  checkHistoryAppends();
  if (queuesValid && !acyclic)
    for (auto &[op, cycle] : graph.getCycles())
      report(op, "deadlock: cycle " + cycle);
  if (acyclic)
    checkDeadlockBySimulation(graph);
  if (acyclic) {
    checkConflicts(graph);
    checkTokenFeedback(graph);
  }
  if (failed(finish()))
    return failure();
  ValidationStats stats;
  stats.tasks = taskOps.size();
  stats.events = graph.getNumEvents();
  stats.barriers = graph.getNumBarriers();
  stats.edges = graph.getNumEdges();
  stats.accesses = accesses.size();
  stats.criticalPath = graph.getCriticalPath();
  stats.workers = workers;
  stats.chains = graph.getNumChains();
  stats.gridChecked = bool(program.getTargetAttr());
  return stats;
}

FailureOr<ValidationStats>
mlir::amk::validateProgram(ProgramOp program, const ValidatorOptions &options) {
  return Validator(program, options).run();
}

void mlir::amk::printStats(llvm::raw_ostream &os, ProgramOp program,
                           const ValidationStats &stats) {
  os << "amk-validate: @" << program.getSymName() << " certified: "
     << stats.tasks << " tasks, " << stats.events << " events, "
     << stats.barriers << " barriers, " << stats.edges << " edges, "
     << stats.accesses << " accesses, critical path " << stats.criticalPath
     << " tasks, " << stats.workers << " workers, " << stats.chains
     << " clock chains, ";
  if (stats.gridChecked)
    os << "grid checked against the target";
  else
    os << "grid not checked (no target)";
  os << "\n";
}
