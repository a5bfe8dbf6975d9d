//===- Model.h - A concrete, flattened view of an amk.program --*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The oracle's own reading of an amk.program at one concrete decode
// position: storages (a buffer, or a scratch page several buffers share) as
// byte arrays, every access as byte ranges of a storage, tasks with their
// waits, signal and queue slot, and barriers. Built from the dialect ops and
// AccessOpInterface only; shares nothing with the validator.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ORACLE_MODEL_H
#define AMK_ORACLE_MODEL_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace amk {
namespace oracle {

/// The half-open byte range `[lo, hi)` of a storage.
struct ByteRange {
  int64_t lo, hi;
};

/// A buffer as the oracle sees it.
struct BufferInfo {
  std::string name;
  BufferKind kind;
  /// Index of the storage (own bytes or its page) the buffer lives in.
  unsigned storage;
  int64_t bytes;
  /// Bits of one element (amk::storage: sub-byte elements are packed).
  int64_t elementBits = 0;
  /// False when the buffer is too large to model (reported); its accesses
  /// are ignored.
  bool valid = true;
  /// Rows of a KV cache (its first dimension), 0 for other kinds.
  int64_t kvRows = 0;
  /// Bytes of one KV-cache row.
  int64_t rowBytes = 0;
  /// Byte ranges inside a KV row that this step appends at the position's
  /// row (so earlier steps wrote them in theirs).
  llvm::SmallVector<ByteRange, 2> appendedInRow;
};

/// One access of a task, flattened to byte ranges of its buffer's storage.
struct Footprint {
  unsigned buffer;
  bool write;
  llvm::SmallVector<ByteRange, 4> ranges;
  /// The index box accessed, `[lo, hi)` per dimension as written in the IR.
  /// A finding's text is built from it when reported (Model::describe): a
  /// copy of the buffer's name per access would multiply a long name.
  llvm::SmallVector<std::pair<int64_t, int64_t>, 4> box;
};

/// A task with everything its execution depends on.
struct TaskInfo {
  std::string name;
  std::optional<int64_t> worker, queue;
  /// `(event index, threshold)` pairs.
  llvm::SmallVector<std::pair<unsigned, int64_t>, 4> waits;
  unsigned signal;
  /// Every access (for conflicts between tasks).
  std::vector<Footprint> accesses;
  /// Reads not covered by an earlier write of the same task (for garbage).
  std::vector<Footprint> externalReads;
};

/// A monotonic counter.
struct EventInfo {
  std::string name;
  int64_t init;
};

/// A grid-wide barrier: `slots[w]` is its queue position on worker `w`.
struct BarrierInfo {
  std::string name;
  llvm::SmallVector<int64_t, 8> slots;
};

/// A violation visible without running the program (bounds, read-only
/// writes, workers outside the grid).
struct StaticFinding {
  std::string kind, message;
};

/// An amk.program at one decode position.
struct Model {
  int64_t position;
  /// Number of workers the kernel is launched with.
  int64_t gridSize = 0;
  /// True when some task or barrier has a worker: then a task without one
  /// is never run.
  bool assigned = false;
  std::vector<int64_t> storageBytes;
  std::vector<BufferInfo> buffers;
  std::vector<EventInfo> events;
  std::vector<TaskInfo> tasks;
  std::vector<BarrierInfo> barriers;
  std::vector<StaticFinding> staticFindings;

  /// The access \p footprint as written in the IR, e.g. `'q'[0, 8)`.
  std::string describe(const Footprint &footprint) const;
};

/// Builds the model of `program` at decode position `position`.
Model buildModel(ProgramOp program, int64_t position);

/// The decode positions worth running `program` at: its `position`
/// attribute, else every row of its KV caches when the smallest has at most
/// `everyPositionRows` rows, else 0, 1, its last row and the positions
/// where a row bound of a KV access that follows the position meets a
/// constant one (and their neighbours).
llvm::SmallVector<int64_t, 4> positionsToTry(ProgramOp program,
                                             int64_t everyPositionRows);

} // namespace oracle
} // namespace amk
} // namespace mlir

#endif // AMK_ORACLE_MODEL_H
