//===- Executor.h - CPU reference executor of amk.program --------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Runs the decode steps of an `amk.program` on the CPU in fp32: weights are
// bound by state-dict key, KV caches persist across steps, activations and
// scratch are NaN at the start of every step, and tasks run in an order that
// respects events, worker queues and barriers (optionally a random one).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_REFERENCE_EXECUTOR_H
#define AMK_REFERENCE_EXECUTOR_H

#include "AMK/Analysis/Roles.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Reference/Buffer.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace amk::reference {

/// How the executor picks among ready tasks.
struct ExecutorOptions {
  /// Without a seed, the first ready task in program order runs next; with
  /// one, a ready task chosen at random.
  std::optional<uint64_t> shuffleSeed;
  /// Host memory the buffers may take (4 bytes per element); a program that
  /// needs more is refused before anything is allocated.
  uint64_t maxHostBytes = uint64_t(16) << 30;
};

/// One entry of a worker's queue: a task or a barrier.
struct QueueEntry {
  bool isBarrier;
  unsigned index;
};

/// Executes decode steps of one amk.program. Buffers on one scratch page
/// share the page's bytes exactly as the storage model lays them out
/// (AMK/Support/StorageModel.h), so two buffers of different element types
/// alias the same bytes the GPU kernel and the validator say they do.
class Executor {
public:
  /// Prepares \p program: allocates every buffer and loads weights and
  /// consts from the checkpoint directory \p weightsDir.
  static llvm::Expected<std::unique_ptr<Executor>>
  create(mlir::amk::ProgramOp program, llvm::StringRef weightsDir,
         ExecutorOptions options = {});

  /// Runs one decode step feeding \p token at position \p pos.
  llvm::Error step(int64_t token, int64_t pos);

  /// The values of the output buffer named \p name.
  llvm::Expected<llvm::ArrayRef<float>> output(llvm::StringRef name) const;

  /// The token the last step chose: the next-token output, or without one
  /// the argmax of the logits (lowest index on ties).
  llvm::Expected<int64_t> nextToken() const;
  /// Copies every KV cache of \p from into this executor's KV caches, the
  /// i-th cache of one program into the i-th of the other (same shapes).
  llvm::Error copyKVCaches(Executor &from);

private:
  Executor(mlir::amk::ProgramOp program, ExecutorOptions options);
  llvm::Error allocate(llvm::StringRef weightsDir);
  void indexSchedule();
  llvm::ArrayRef<float> valuesOf(mlir::Value buffer) const;
  llvm::Expected<int64_t> argmaxOfLogits() const;
  llvm::Error checkStepInputs(int64_t token, int64_t pos);
  void resetTransients();
  llvm::Error runTasks(int64_t pos);
  llvm::Error runTask(unsigned task, int64_t pos);

  friend class StepRun;

  mlir::amk::ProgramOp program;
  std::optional<std::mt19937_64> rng;
  uint64_t maxHostBytes;
  /// Storage of every unpaged buffer, as fp32 values.
  std::vector<std::vector<float>> storage;
  /// Storage filled with NaN at the start of each step.
  std::vector<unsigned> transientStorage;
  /// The bytes of every scratch page (transient: filled with 0xff, a NaN of
  /// every float type, at the start of each step).
  std::vector<std::vector<unsigned char>> pageBytes;
  llvm::DenseMap<mlir::Value, BufferView> views;
  /// Input and output buffers by name.
  llvm::StringMap<mlir::Value> ioBuffers;
  /// The buffers each step writes its token (when some embedding looks one
  /// up) and position into and reads the next token or logits from
  /// (findRoles, as the validator and the manifest decide them).
  mlir::amk::ProgramRoles roles;
  std::vector<mlir::amk::TaskOp> tasks;
  std::vector<mlir::amk::BarrierOp> barriers;
  llvm::DenseMap<mlir::Value, unsigned> eventIds;
  std::vector<mlir::amk::EventOp> events;
  /// Queue of each worker, in order.
  std::vector<std::vector<QueueEntry>> queues;
};

} // namespace amk::reference

#endif // AMK_REFERENCE_EXECUTOR_H
