//===- Validator.h - Certify a schedule deadlock- and race-free --*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The static validator of docs/design.md §3, as a library: the
// `--amk-validate` pass, the scheduling passes and the pipeline call
// `validateProgram`. It is exact at any size and reads regions only through
// AccessOpInterface.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ANALYSIS_VALIDATOR_H
#define AMK_ANALYSIS_VALIDATOR_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

namespace mlir {
namespace amk {

/// The most decode steps one launch may run (`ValidatorOptions::steps`).
constexpr int64_t kMaxStepsPerLaunch = int64_t(1) << 16;

/// How the validator treats a partial wait that happens-before does not
/// resolve (`--amk-validate="partial-waits=..."`, docs/validator.md).
enum class PartialWaits {
  /// Reject it (a counter does not say which producers finished): the
  /// conservative opt-in.
  Strict,
  /// Keep only the producers it determines in happens-before, so the race
  /// and coverage checks judge every access that depends on the others, and
  /// decide deadlock freedom by simulating the schedule.
  Exact,
};

/// The one default of the partial-wait mode, for `ValidatorOptions`, the
/// `--amk-validate` option and every caller that validates with defaults
/// (the lowering, `--amk-compile`); docs/validator-benchmark.md measures it.
inline constexpr PartialWaits kDefaultPartialWaits = PartialWaits::Exact;

/// Options of `validateProgram`.
struct ValidatorOptions {
  /// Report at most this many violations as diagnostics; the total is
  /// always reported.
  unsigned maxDiagnostics = 20;
  /// Whether a partial wait that does not say which producers finished is
  /// itself a violation (`Strict`) or judged by the accesses that depend on
  /// it (`Exact`).
  PartialWaits partialWaits = kDefaultPartialWaits;
  /// Decode steps one launch runs (`steps=N`). Steps are separated by a
  /// grid barrier and count their waits in epochs; step `s + 1` takes its
  /// token from where step `s`'s argmax left it (docs/validator.md,
  /// "Several steps per launch").
  int64_t steps = 1;
};

/// What the validator saw in an accepted program.
struct ValidationStats {
  int64_t tasks = 0;
  int64_t events = 0;
  int64_t barriers = 0;
  /// Queue, event and barrier edges of the happens-before graph.
  int64_t edges = 0;
  /// Accesses reported by the compute ops of all task bodies.
  int64_t accesses = 0;
  /// Longest chain of tasks ordered by happens-before.
  int64_t criticalPath = 0;
  /// Workers of the grid (0 before worker assignment).
  int64_t workers = 0;
  /// Chains of the vector clocks (the workers, or greedy chains).
  int64_t chains = 0;
  /// False when the program has no target, so workers were not checked
  /// against an SM count.
  bool gridChecked = false;
};

/// Checks `program` against the schedule semantics. On a violation, emits
/// one error per violation at the offending op (at most
/// `options.maxDiagnostics`), then an error at `program` with the total, and
/// fails.
FailureOr<ValidationStats> validateProgram(ProgramOp program,
                                           const ValidatorOptions &options = {});

/// Prints `stats` on one line, e.g. for `--amk-validate=stats`.
void printStats(llvm::raw_ostream &os, ProgramOp program,
                const ValidationStats &stats);

} // namespace amk
} // namespace mlir

#endif // AMK_ANALYSIS_VALIDATOR_H
