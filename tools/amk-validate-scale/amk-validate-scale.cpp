//===- amk-validate-scale.cpp - Time the validator on a program file ------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Parses an .mlir file and runs the validator library on every amk.program,
// reporting parse and validation time separately, and the peak resident
// memory of the process (the library measures neither). Used with
// scripts/gen-big-schedule.py to measure the validator at model scale
// without the rest of the pass pipeline.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/Validator.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <chrono>

#include <sys/resource.h>

using namespace mlir;

/// Seconds since `start`.
static double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Peak resident memory of this process in MiB, 0 when unknown.
static double peakMemoryMiB() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0)
    return 0;
  return double(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux.
}

/// The options of this tool; --help shows only these.
static llvm::cl::OptionCategory
    ValidateScaleCategory("amk-validate-scale options");

static llvm::cl::opt<std::string>
    inputFile(llvm::cl::Positional, llvm::cl::desc("<input .mlir>"),
              llvm::cl::Required, llvm::cl::cat(ValidateScaleCategory));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::HideUnrelatedOptions(ValidateScaleCategory);
  llvm::cl::ParseCommandLineOptions(argc, argv, "AMK validator timing\n");
  MLIRContext context;
  context.loadDialect<amk::AMKDialect>();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  auto start = std::chrono::steady_clock::now();
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, &context);
  if (!module)
    return 1;
  llvm::outs() << llvm::format("parse: %.3f s\n", secondsSince(start));
  bool ok = true;
  for (amk::ProgramOp program : module->getOps<amk::ProgramOp>()) {
    start = std::chrono::steady_clock::now();
    FailureOr<amk::ValidationStats> stats = amk::validateProgram(program);
    llvm::outs() << llvm::format("validate: %.3f s\n", secondsSince(start));
    if (failed(stats)) {
      ok = false;
      continue;
    }
    amk::printStats(llvm::outs(), program, *stats);
  }
  llvm::outs() << llvm::format("peak memory: %.1f MiB\n", peakMemoryMiB());
  return ok ? 0 : 1;
}
