//===- amk-validate-bench.cpp - Measure the validator against the oracle --===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Generates cases (one mutation of a seed program each, or a random small
// program), labels each with the oracle, runs `--amk-validate` in process
// through the registered pass, and prints a confusion table per mutation
// class. Seeds themselves form the `real` row: the validator must accept
// all of them. Exits 1 when the validator accepts an unsafe case or rejects
// a real seed.
//
//===----------------------------------------------------------------------===//

#include "Bench.h"

#include "AMK/Transforms/Passes.h"
#include "AMK/Oracle/Oracle.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <chrono>
#include <map>

using namespace mlir;
using namespace amkbench;
namespace cl = llvm::cl;

static cl::list<std::string> seedFiles(cl::Positional,
                                       cl::desc("[seed.mlir ...]"));
static cl::opt<unsigned> numCases("cases", cl::init(2000),
                                  cl::desc("Number of generated cases"));
static cl::opt<uint64_t> seed("seed", cl::init(1), cl::desc("Random seed"));
static cl::opt<unsigned> exhaustiveLimit(
    "exhaustive-limit", cl::init(50000),
    cl::desc("Oracle: exhaustive search up to this many states"));
static cl::opt<unsigned> randomRuns(
    "random-runs", cl::init(100),
    cl::desc("Oracle: random schedules past the exhaustive limit"));
static cl::opt<bool> noGenerated("no-generated-seeds",
                                 cl::desc("Use only the seed files given"));
static cl::opt<std::string>
    dumpDir("dump-dir", cl::desc("Write every misjudged case here"));
static cl::opt<std::string> pipeline(
    "validator", cl::init("amk.program(amk-validate)"),
    cl::desc("Pass pipeline (on builtin.module) that accepts or rejects a "
             "module"));
static cl::opt<std::string> validateOptions(
    "validate-options", cl::init(""),
    cl::desc("Options of the default amk-validate pipeline, e.g. "
             "\"partial-waits=strict\" (ignored with --validator)"));

namespace {
/// Outcomes of one row of the table.
struct Row {
  unsigned cases = 0, oracleUnsafe = 0, unsafeAccepted = 0, safeRejected = 0;
  double seconds = 0;
};

/// Owns the context, the seeds and the validator pipeline.
class Bench {
public:
  Bench() : pm(&context, ModuleOp::getOperationName()) {
    context.loadDialect<amk::AMKDialect>();
    handler.emplace(&context, [](Diagnostic &) { return success(); });
  }
  LogicalResult setUp();
  void runSeeds();
  void runCases();
  /// Prints the table; returns false on a soundness failure.
  bool report(double seconds);

private:
  LogicalResult addSeeds(OwningOpRef<ModuleOp> module);
  OwningOpRef<ModuleOp> makeCase(unsigned index, StringRef &kind);
  void judge(ModuleOp module, StringRef kind, unsigned index);

  MLIRContext context;
  std::optional<ScopedDiagnosticHandler> handler;
  PassManager pm;
  std::vector<OwningOpRef<ModuleOp>> seeds;
  std::map<std::string, Row> rows;
  std::vector<std::string> order;
  Rng rng;
  unsigned skipped = 0;
};
} // namespace

LogicalResult Bench::addSeeds(OwningOpRef<ModuleOp> module) {
  if (!module || failed(verify(*module)))
    return failure();
  for (amk::ProgramOp program : module->getOps<amk::ProgramOp>()) {
    OpBuilder builder(&context);
    OwningOpRef<ModuleOp> one = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(one->getBody());
    builder.clone(*program);
    seeds.push_back(std::move(one));
  }
  return success();
}

LogicalResult Bench::setUp() {
  rng.seed(seed);
  std::string text = pipeline;
  if (!validateOptions.empty()) {
    if (pipeline.getNumOccurrences()) {
      llvm::errs() << "--validate-options applies to the default pipeline "
                      "only; put the options in --validator\n";
      return failure();
    }
    text = "amk.program(amk-validate{" + validateOptions + "})";
  }
  if (failed(parsePassPipeline(text, pm, llvm::errs())))
    return failure();
  for (const std::string &file : seedFiles) {
    llvm::SourceMgr sourceMgr;
    if (failed(addSeeds(parseSourceFile<ModuleOp>(file, sourceMgr, &context)))) {
      llvm::errs() << "cannot read seed programs from " << file << "\n";
      return failure();
    }
  }
  if (!noGenerated)
    for (const std::string &text : generatedSeeds())
      if (failed(addSeeds(parseSourceString<ModuleOp>(text, &context)))) {
        llvm::errs() << "a generated seed does not verify:\n" << text;
        return failure();
      }
  if (seeds.empty())
    return failure();
  order.push_back("real");
  for (const MutationClass &mutation : mutationClasses())
    order.push_back(mutation.name);
  order.push_back("random-program");
  return success();
}

void Bench::judge(ModuleOp module, StringRef kind, unsigned index) {
  auto start = std::chrono::steady_clock::now();
  amk::oracle::OracleOptions options;
  options.exhaustiveLimit = exhaustiveLimit;
  options.randomRuns = randomRuns;
  options.seed = seed + index;
  bool safe = true;
  for (amk::ProgramOp program : module.getOps<amk::ProgramOp>())
    safe &= amk::oracle::runOracle(program, options).isSafe();
  OwningOpRef<ModuleOp> copy = module.clone();
  bool accepted = succeeded(pm.run(*copy));
  Row &row = rows[kind.str()];
  ++row.cases;
  row.oracleUnsafe += !safe;
  bool wrong = safe ? !accepted : accepted;
  row.unsafeAccepted += !safe && accepted;
  row.safeRejected += safe && !accepted;
  row.seconds += std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  if (!wrong || dumpDir.empty())
    return;
  llvm::SmallString<128> path(dumpDir);
  llvm::sys::path::append(path, llvm::formatv("{0}-{1}-{2}.mlir", kind, index,
                                              safe ? "safe-rejected"
                                                   : "unsafe-accepted")
                                    .str());
  std::error_code error;
  llvm::raw_fd_ostream os(path, error);
  if (!error)
    module.print(os);
}

void Bench::runSeeds() {
  for (auto [index, module] : llvm::enumerate(seeds))
    judge(*module, "real", index);
}

OwningOpRef<ModuleOp> Bench::makeCase(unsigned index, StringRef &kind) {
  ArrayRef<MutationClass> classes = mutationClasses();
  unsigned which = index % (classes.size() + 1);
  if (which == classes.size()) {
    kind = "random-program";
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(randomProgram(rng), &context);
    return module && succeeded(verify(*module)) ? std::move(module) : nullptr;
  }
  kind = classes[which].name;
  for (unsigned attempt = 0; attempt < 32; ++attempt) {
    OwningOpRef<ModuleOp> module = seeds[rng() % seeds.size()]->clone();
    auto program = *module->getOps<amk::ProgramOp>().begin();
    if (classes[which].apply(program, rng) && succeeded(verify(*module)))
      return module;
  }
  return nullptr;
}

void Bench::runCases() {
  for (unsigned index = 0; index < numCases; ++index) {
    StringRef kind;
    OwningOpRef<ModuleOp> module = makeCase(index, kind);
    if (module)
      judge(*module, kind, index);
    else
      ++skipped;
  }
}

bool Bench::report(double seconds) {
  llvm::outs() << llvm::format("%-22s %7s %7s %9s %9s %8s %8s\n", "class",
                               "cases", "unsafe", "unsafe&ok", "safe&rej",
                               "FP rate", "ms/case");
  Row total;
  for (const std::string &name : order) {
    const Row &row = rows[name];
    unsigned safe = row.cases - row.oracleUnsafe;
    llvm::outs() << llvm::format(
        "%-22s %7u %7u %9u %9u %7.2f%% %8.2f\n", name.c_str(), row.cases,
        row.oracleUnsafe, row.unsafeAccepted, row.safeRejected,
        safe ? 100.0 * row.safeRejected / safe : 0.0,
        row.cases ? 1000 * row.seconds / row.cases : 0.0);
    total.cases += row.cases;
    total.oracleUnsafe += row.oracleUnsafe;
    total.unsafeAccepted += row.unsafeAccepted;
    total.safeRejected += row.safeRejected;
  }
  unsigned safe = total.cases - total.oracleUnsafe;
  llvm::outs() << llvm::format("%-22s %7u %7u %9u %9u %7.2f%%\n", "total",
                               total.cases, total.oracleUnsafe,
                               total.unsafeAccepted, total.safeRejected,
                               safe ? 100.0 * total.safeRejected / safe : 0.0);
  const Row &real = rows["real"];
  llvm::outs() << llvm::formatv(
      "seeds {0} (real accepted {1}/{2}), cases {3}, skipped {4}, {5:F1} s\n",
      seeds.size(), real.cases - real.safeRejected - real.oracleUnsafe,
      real.cases, numCases, skipped, seconds);
  bool sound = total.unsafeAccepted == 0 && real.safeRejected == 0 &&
               real.oracleUnsafe == 0;
  llvm::outs() << (sound ? "PASS" : "FAIL")
               << ": unsafe accepted " << total.unsafeAccepted
               << ", real rejected " << real.safeRejected + real.oracleUnsafe
               << "\n";
  return sound;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::amk::registerAMKPasses();
  cl::ParseCommandLineOptions(argc, argv, "AMK validator benchmark\n");
  auto start = std::chrono::steady_clock::now();
  Bench bench;
  if (failed(bench.setUp()))
    return 2;
  bench.runSeeds();
  bench.runCases();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return bench.report(seconds) ? 0 : 1;
}
