//===- amk-fuzz-schedule.cpp - libFuzzer target for schedules -------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Feeds each input through the schedule pipeline: a JSON schedule (input
// starting with `{`) through the importer, anything else through the MLIR
// parser; then the verifier, `--amk-validate`, `--amk-schedule-stats` and the
// JSON exporter. Bad input must end in a diagnostic, never a crash. What was
// imported or parsed must also print to text that parses back (the residual
// `amk.json.*` attributes of an import included); the harness traps if not.
// fuzz/run.sh builds it against the project's libraries (built by
// scripts/build.sh) and the shared libMLIR.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Target/JSON/AMKJSON.h"
#include "AMK/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace mlir;

/// One context for every input: loading the dialect per input is slow.
static MLIRContext &context() {
  static MLIRContext *context = [] {
    auto *created = new MLIRContext(MLIRContext::Threading::DISABLED);
    created->loadDialect<amk::AMKDialect>();
    created->printOpOnDiagnostic(false);
    return created;
  }();
  return *context;
}

/// The module of \p text: imported JSON or parsed MLIR.
static OwningOpRef<ModuleOp> load(llvm::StringRef text) {
  if (text.ltrim().starts_with("{"))
    return amk::importAMKJSON(text, "fuzz.json", &context());
  return parseSourceString<ModuleOp>(text, &context(), "fuzz.mlir");
}

/// Traps unless \p module prints to text that parses back.
static void checkPrintsBack(ModuleOp module) {
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module.print(os);
  if (!parseSourceString<ModuleOp>(printed, &context(), "printed.mlir"))
    __builtin_trap();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ScopedDiagnosticHandler quiet(&context(), [](Diagnostic &) {
    return success();
  });
  // MLIR's lexer reads up to a terminating NUL, as the tools' file buffers
  // have: a copy gives the input one.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = load(text);
  if (!module || failed(verify(*module)))
    return 0;
  checkPrintsBack(*module);
  PassManager pm(&context());
  pm.addNestedPass<amk::ProgramOp>(amk::createValidate());
  amk::ScheduleStatsOptions stats;
  stats.json = true;
  pm.addNestedPass<amk::ProgramOp>(amk::createScheduleStats(stats));
  (void)pm.run(*module);
  std::string json;
  llvm::raw_string_ostream os(json);
  (void)amk::exportAMKJSON(*module, os);
  return 0;
}
