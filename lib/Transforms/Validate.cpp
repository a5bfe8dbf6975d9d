//===- Validate.cpp - Certify schedules deadlock- and race-free -----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The `--amk-validate` pass: runs the validator library on every amk.program
// of the module and fails on any violation.
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
/// Validates every amk.program; prints statistics on request.
struct ValidatePass : amk::impl::ValidateBase<ValidatePass> {
  using ValidateBase::ValidateBase;
  void runOnOperation() override {
    amk::ValidatorOptions options;
    options.maxDiagnostics = maxDiagnostics;
    if (partialWaits != "strict" && partialWaits != "exact") {
      getOperation().emitError()
          << "amk-validate: unknown partial-waits value '" << partialWaits
          << "': expected 'strict' or 'exact'";
      return signalPassFailure();
    }
    options.exactPartialWaits = partialWaits == "exact";
    for (amk::ProgramOp program : getOperation().getOps<amk::ProgramOp>()) {
      FailureOr<amk::ValidationStats> stats =
          amk::validateProgram(program, options);
      if (failed(stats))
        signalPassFailure();
      else if (printStats)
        amk::printStats(llvm::errs(), program, *stats);
    }
  }
};
} // namespace
