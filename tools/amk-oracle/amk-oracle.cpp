//===- amk-oracle.cpp - Explore a schedule under adversarial runs ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `amk-oracle FILE.mlir` runs every amk.program of FILE under adversarial
// interleavings and prints SAFE or UNSAFE with a trace per finding, or TOO
// LARGE for a program past --max-tasks or the tracked-bytes limit. Exits 0
// when every program is safe, 1 when one is not, 2 on unreadable input or a
// program too large to explore. --time-limit bounds the exploration.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Oracle/Oracle.h"

#include "AMK/Support/ToolArgs.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
namespace cl = llvm::cl;

/// The options of this tool; --help shows only these.
static cl::OptionCategory OracleCategory("amk-oracle options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.mlir>"),
                                      cl::Required, cl::cat(OracleCategory));
static cl::opt<unsigned> exhaustiveLimit(
    "exhaustive-limit", cl::init(200000),
    cl::desc("Explore every interleaving up to this many distinct states"),
    cl::cat(OracleCategory));
static cl::opt<unsigned>
    randomRuns("random-runs", cl::init(200),
               cl::desc("Random schedules once the exhaustive search gives up"),
               cl::cat(OracleCategory));
static cl::opt<uint64_t> seed("seed", cl::init(1),
                              cl::desc("Seed of the random schedules"),
                              cl::cat(OracleCategory));
static cl::opt<size_t> maxTasks(
    "max-tasks", cl::init(4096),
    cl::desc("Refuse a program with more tasks (state grows as tasks squared)"),
    cl::cat(OracleCategory));
static cl::opt<double> timeLimit(
    "time-limit", cl::init(60),
    cl::desc("Stop exploring after this many seconds (the output says so)"),
    cl::cat(OracleCategory));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::amk::installWriteErrorHandler("amk-oracle");
  cl::HideUnrelatedOptions(OracleCategory);
  cl::ParseCommandLineOptions(argc, argv, "AMK schedule oracle\n");
  MLIRContext context;
  context.loadDialect<amk::AMKDialect>();
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, &context);
  if (!module)
    return 2;
  amk::oracle::OracleOptions options;
  options.exhaustiveLimit = exhaustiveLimit;
  options.randomRuns = randomRuns;
  options.seed = seed;
  options.timeLimitSeconds = timeLimit;
  options.maxTasks = maxTasks;
  bool safe = true, refused = false;
  module->walk([&](amk::ProgramOp program) {
    amk::oracle::OracleResult result = amk::oracle::runOracle(program, options);
    amk::oracle::printResult(llvm::outs(), program, result);
    safe &= result.isSafe();
    refused |= !result.refused.empty();
  });
  return !safe ? 1 : refused ? 2 : 0;
}
