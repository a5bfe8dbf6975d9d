//===- ValidatorState.h - The validator's shared state ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Analysis/Validator/: what every part of the validator shares.
// The records it builds (one per buffer, one per access, the coverage state of
// reads that need a writer) and the class `Validator`, one run on one program,
// whose members are defined by concern: the driver and helpers in
// Validator.cpp, then Structure.cpp (grid, barriers, waits, deadlock),
// Accesses.cpp (kinds, bounds, outputs, conflicts inside one op), Values.cpp
// (values that pick memory, counters), Steps.cpp (several steps per launch),
// Races.cpp (the sweep for unordered conflicts), Replay.cpp (exact replays in
// topological order) and Coverage.cpp (reads of unwritten data).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_ANALYSIS_VALIDATOR_VALIDATORSTATE_H
#define AMK_LIB_ANALYSIS_VALIDATOR_VALIDATORSTATE_H

#include "AMK/Analysis/Validator.h"

#include "AMK/Analysis/Regions.h"
#include "AMK/Analysis/Roles.h"
#include "AMK/Analysis/ScheduleGraph.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/raw_ostream.h"

#include <set>
#include <string>
#include <vector>

namespace mlir {
namespace amk {
namespace validator {

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

/// "write" or "read".
StringRef kindName(const Access &access);

/// The runs of consecutive elements a constant in-bounds `box` of a
/// row-major buffer of `shape` covers, in increasing order; false when there
/// would be more than `budget` (Replay.cpp).
bool contiguousRuns(ArrayRef<int64_t> shape, const ConcreteBox &box,
                    int64_t budget,
                    SmallVectorImpl<std::pair<int64_t, int64_t>> &runs);

} // namespace validator
} // namespace amk
} // namespace mlir

#endif // AMK_LIB_ANALYSIS_VALIDATOR_VALIDATORSTATE_H
