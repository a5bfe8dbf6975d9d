//===- Validate.cpp - Certify schedules deadlock- and race-free -----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The `--amk-validate` pass: runs the validator library on an amk.program
// and fails on any violation.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/Validator.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Transforms/Passes.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_VALIDATE
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;

namespace {
/// Validates the amk.program; prints statistics on request.
struct ValidatePass : amk::impl::ValidateBase<ValidatePass> {
  using ValidateBase::ValidateBase;
  void runOnOperation() override {
    amk::ValidatorOptions options;
    options.maxDiagnostics = maxDiagnostics;
    options.partialWaits = partialWaits;
    options.steps = steps;
    amk::ProgramOp program = getOperation();
    if (options.steps < 1 || options.steps > amk::kMaxStepsPerLaunch) {
      program.emitError() << "steps=" << options.steps << " is outside [1, "
                          << amk::kMaxStepsPerLaunch
                          << "] (decode steps one launch runs)";
      return signalPassFailure();
    }
    FailureOr<amk::ValidationStats> stats =
        amk::validateProgram(program, options);
    if (failed(stats)) {
      ++numRejected;
      return signalPassFailure();
    }
    numTasks += stats->tasks;
    numAccesses += stats->accesses;
    numEdges += stats->edges;
    if (printStats)
      amk::printStats(llvm::errs(), program, *stats);
    markAllAnalysesPreserved();
  }
};
} // namespace
