//===- amk-validate-scale.cpp - Time the validator on a program file ------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Parses an .mlir file and runs the validator library on every amk.program,
// reporting parse and validation time separately. Used with
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

using namespace mlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<input .mlir>"),
                                            llvm::cl::Required);

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
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
  double parseSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::outs() << llvm::format("parse: %.3f s\n", parseSeconds);
  bool ok = true;
  for (amk::ProgramOp program : module->getOps<amk::ProgramOp>()) {
    FailureOr<amk::ValidationStats> stats = amk::validateProgram(program);
    if (failed(stats)) {
      ok = false;
      continue;
    }
    amk::printStats(llvm::outs(), program, *stats);
  }
  return ok ? 0 : 1;
}
