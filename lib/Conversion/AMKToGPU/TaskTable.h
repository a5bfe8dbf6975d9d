//===- TaskTable.h - The megakernel's task table and manifest ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Encodes a worker-assigned amk.program as data: task descriptors, per-worker
// queue offsets, wait entries, an argument pool and the body variants (one
// per distinct fused op sequence with its static facts). The layout is the
// ABI of docs/megakernel-abi.md; the manifest is its JSON form.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_AMKTOGPU_TASKTABLE_H
#define AMK_CONVERSION_AMKTOGPU_TASKTABLE_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace mlir {
namespace amk {

/// Words of one task descriptor (docs/megakernel-abi.md).
constexpr int64_t kDescriptorWords = 8;
/// Words of one wait entry: event, threshold, producers per step.
constexpr int64_t kWaitWords = 3;
/// Descriptor flag: signal before waiting (a grid-barrier arrival).
constexpr int32_t kFlagArriveFirst = 1;
/// Words of one prefetch entry: buffer, byte offset (low, high), bytes.
constexpr int64_t kPrefetchWords = 4;
/// Alignment of every buffer in its arena.
constexpr int64_t kArenaAlignment = 256;

/// One body variant: the ops of the first task found with this op sequence
/// and static facts. Code generation may use anything of these ops except
/// their buffer identities and run-time ranges, which come from arguments.
struct BodyVariant {
  /// The ops of the exemplar task's body, in order.
  llvm::SmallVector<Operation *, 4> ops;
  /// Offset of each op's first argument within the task's arguments.
  llvm::SmallVector<int64_t, 4> argOffsets;
  /// Buffer arguments of each op (its first arguments; integers follow).
  llvm::SmallVector<int64_t, 4> bufferArgs;
  /// Argument words of the whole task.
  int64_t argWords = 0;
};

/// Where a buffer lives at run time.
struct BufferPlacement {
  int64_t id = 0;
  std::string arena;
  int64_t offset = 0;
  int64_t bytes = 0;
};

/// The whole program as data.
struct TaskTable {
  int64_t workers = 0;
  std::vector<int32_t> descriptors, queues, waits, args;
  std::vector<std::string> taskNames;
  std::vector<BodyVariant> variants;
  /// Buffer id and placement of every amk.buffer value.
  llvm::DenseMap<Value, BufferPlacement> buffers;
  /// Event id of every amk.event value, in program order.
  llvm::DenseMap<Value, int64_t> events;
  /// Per event id: producers per step (signals plus barrier arrivals).
  std::vector<int64_t> producers;
  /// Bytes of each arena.
  llvm::StringMap<int64_t> arenaBytes;
  /// The step separator's event id, or -1 (one step per launch).
  int64_t separator = -1;
};

/// Encodes \p program, which must be validated and fully worker-assigned.
/// Fails with a diagnostic on the program for what cannot be encoded
/// (`amk.opaque` bodies, ids beyond 32 bits).
/// Builds the task table of \p program. With \p steps > 1 every worker's
/// queue ends in an arrival at the step separator, a grid barrier on an
/// event of its own (the last event id), so that one launch can run the
/// queues \p steps times.
FailureOr<TaskTable> buildTaskTable(ProgramOp program, int64_t steps = 1);

/// Integer arguments \p op takes in the table (after its buffers); \p op
/// must be one that buildTaskTable encoded.
int64_t numIntegerArguments(Operation *op);

/// The manifest JSON of \p table for \p program (docs/megakernel-abi.md),
/// written by Manifest.cpp.
llvm::json::Object buildManifest(ProgramOp program, const TaskTable &table,
                                 llvm::StringRef chip, int64_t blockSize,
                                 int64_t dynamicSmem, int64_t steps = 1);

/// Name of the step separator's event and queue entries.
inline constexpr llvm::StringLiteral kStepSeparator = "step separator";

/// The element type name the manifest uses (`f32`, `bf16`, `i32`, ...).
std::string dtypeName(Type type);

} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_AMKTOGPU_TASKTABLE_H
