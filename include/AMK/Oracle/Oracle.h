//===- Oracle.h - Dynamic explorer of amk.program schedules ----*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The independent oracle of docs/design.md §3: runs a small amk.program under
// adversarial interleavings (every interleaving while the state space is
// small, random schedules beyond) and reports deadlocks, conflicting
// accesses in flight together, reads of unwritten transient data, writes to
// read-only buffers, unwritten outputs, out-of-bounds regions and workers
// outside the grid, each with the trace of start/finish steps that shows it.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ORACLE_ORACLE_H
#define AMK_ORACLE_ORACLE_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mlir {
namespace amk {
namespace oracle {

/// How hard the oracle looks.
struct OracleOptions {
  /// Explore every interleaving while fewer than this many distinct states
  /// have been seen; past it, fall back to random runs.
  unsigned exhaustiveLimit = 200000;
  /// Random schedules run when the exhaustive search gives up.
  unsigned randomRuns = 200;
  uint64_t seed = 1;
  /// Programs with more tasks are refused: the explorer's state grows with
  /// the square of the task count.
  size_t maxTasks = 4096;
  /// Programs whose tracked buffers (activations, scratch, KV caches,
  /// outputs) hold more bytes are refused: the explorer keeps 4 bytes per
  /// tracked byte.
  int64_t maxTrackedBytes = int64_t(64) << 20;
  /// Exploration stops after this many seconds; the result says so.
  double timeLimitSeconds = 60;
  /// Programs whose KV caches have at most this many rows are explored at
  /// every position; larger ones at 0, 1, the last row and where the row
  /// bounds of KV accesses cross (a race at the middle positions of a
  /// `[26, 40)` shard is found either way).
  int64_t everyPositionRows = 16;
};

/// One violation with the run that exhibits it.
struct Finding {
  /// `deadlock`, `race`, `garbage-read`, `readonly-write`,
  /// `output-unwritten`, `out-of-bounds`, `worker-out-of-grid`,
  /// `aliased-role` or `too-large`.
  std::string kind;
  std::string message;
  int64_t position;
  /// The steps of the run, e.g. `start a`, `finish a`.
  std::vector<std::string> trace;
  /// False for findings visible without running (bounds, read-only writes).
  bool dynamic = true;
};

/// What the oracle found in one program.
struct OracleResult {
  std::vector<Finding> findings;
  /// True when every interleaving was explored at every position.
  bool exhaustive = true;
  /// Distinct states visited, over all positions.
  uint64_t states = 0;
  /// Why the program was not explored (too large), or empty.
  std::string refused;
  /// True when the time limit stopped the exploration.
  bool timedOut = false;

  bool isSafe() const { return findings.empty(); }
};

/// Runs `program` under adversarial interleavings.
OracleResult runOracle(ProgramOp program, const OracleOptions &options);

/// Prints `SAFE` or `UNSAFE` and every finding with its trace.
void printResult(llvm::raw_ostream &os, ProgramOp program,
                 const OracleResult &result);

} // namespace oracle
} // namespace amk
} // namespace mlir

#endif // AMK_ORACLE_ORACLE_H
