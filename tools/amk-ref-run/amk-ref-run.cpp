//===- amk-ref-run.cpp - Run an amk.program on the CPU --------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `amk-ref-run PROGRAM.mlir --weights DIR --prompt 1,17,42 --steps 32`
// feeds the prompt one decode step per token, generates tokens greedily and
// prints them. With `--golden FILE` the continuation is teacher-forced with
// the golden's tokens and every step's logits and token are compared with
// HF's; a mismatch exits 1. Bad input, a deadlock or a garbage read exits 2.
// With `--splice FILE` the step at the position FILE's program is fixed at
// (e.g. an imported schedule) runs on that program, with the KV caches
// carried in and out; its logits must match PROGRAM's at that step.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Reference/Golden.h"

#include "AMK/Support/ToolArgs.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>

using namespace mlir;
using namespace ::amk::reference;
namespace ir = mlir::amk;
namespace cl = llvm::cl;

/// The options of this tool; --help shows only these.
static cl::OptionCategory RefRunCategory("amk-ref-run options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<program.mlir>"), cl::Required,
                                      cl::cat(RefRunCategory));
static cl::opt<std::string> weightsDir("weights", cl::Required,
                                       cl::desc("Checkpoint directory"),
                                       cl::cat(RefRunCategory));
static cl::opt<std::string>
    promptIds("prompt",
              cl::desc("Comma-separated prompt token ids (default: "
                       "the golden's prompt)"),
              cl::cat(RefRunCategory));
static cl::opt<unsigned> steps("steps", cl::init(32),
                               cl::desc("Tokens to generate (at least 1)"),
                               cl::cat(RefRunCategory));
static cl::opt<uint64_t>
    shuffleSeed("shuffle", cl::desc("Run ready tasks in a random order"),
                cl::cat(RefRunCategory));
static cl::opt<std::string> goldenFile("golden",
                                       cl::desc("golden.json to compare with"),
                                       cl::cat(RefRunCategory));
static cl::opt<double>
    tolerance("tolerance",
              cl::desc("Logit tolerance relative to the step's largest |logit| "
                       "(default: 1e-4 with fp32 KV caches, 2e-2 otherwise)"),
              cl::cat(RefRunCategory));
static cl::opt<std::string>
    spliceFile("splice",
               cl::desc("A program fixed at one position that runs that "
                        "position's step"),
               cl::cat(RefRunCategory));
static cl::opt<std::string>
    dumpLogits("dump-logits", cl::desc("Write tokens and logits as JSON"),
               cl::cat(RefRunCategory));
static cl::opt<unsigned> maxMemoryGiB(
    "max-memory-gib", cl::init(16),
    cl::desc("Refuse a program whose buffers need more host memory (GiB)"),
    cl::cat(RefRunCategory));

/// Prints \p err and returns the exit code of bad input.
static int reportError(llvm::Error err) {
  llvm::errs() << "amk-ref-run: error: " << llvm::toString(std::move(err))
               << "\n";
  return 2;
}

static llvm::Expected<std::vector<int64_t>> parsePrompt(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> fields;
  text.split(fields, ',', -1, false);
  std::vector<int64_t> ids;
  for (llvm::StringRef field : fields) {
    int64_t id;
    if (field.trim().getAsInteger(10, id))
      return llvm::createStringError("--prompt: '" + field +
                                     "' is not a token id");
    ids.push_back(id);
  }
  return ids;
}

/// The only amk.program of \p module.
static llvm::Expected<ir::ProgramOp> onlyProgram(ModuleOp module) {
  auto programs = llvm::to_vector(module.getOps<ir::ProgramOp>());
  if (programs.size() != 1)
    return llvm::createStringError(inputFile + ": expected one amk.program, "
                                   "found " + std::to_string(programs.size()));
  return programs.front();
}

/// 1e-4 when every KV cache is fp32, else 2e-2 (bf16/f16 caches round K/V).
static double defaultTolerance(ir::ProgramOp program) {
  for (ir::BufferOp buffer : program.getOps<ir::BufferOp>())
    if (buffer.getKind() == ir::BufferKind::KVCache &&
        !buffer.getType().getElementType().isF32())
      return 2e-2;
  return 1e-4;
}

/// Compares with the golden; prints the outcome and returns the exit code.
static int checkGolden(const DecodeTrace &trace, const Golden &golden,
                       double bound) {
  GoldenComparison result = compareWithGolden(trace, golden, bound);
  if (!result.mismatch.empty()) {
    llvm::errs() << "amk-ref-run: golden mismatch: " << result.mismatch << "\n";
    return 1;
  }
  llvm::outs() << describeMatch(result, trace.tokens.size(), bound) << "\n";
  return 0;
}

/// Compares with the golden, ignoring steps past its end (a splice may
/// need them).
static int checkGoldenPrefix(DecodeTrace trace, const Golden &golden,
                             double bound) {
  size_t extra = trace.tokens.size() > golden.tokens.size()
                     ? trace.tokens.size() - golden.tokens.size()
                     : 0;
  trace.tokens.resize(trace.tokens.size() - extra);
  trace.logits.resize(trace.logits.size() - extra);
  if (extra)
    llvm::outs() << extra << " steps past the golden are not compared\n";
  return checkGolden(trace, golden, bound);
}

/// The program of --splice, fixed at a position, and its executor.
struct SplicedProgram {
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<Executor> executor;
  Splice splice;
};

static llvm::Expected<SplicedProgram>
loadSplice(MLIRContext &context, const ExecutorOptions &options,
           double tolerance) {
  SplicedProgram result;
  if (spliceFile.empty())
    return std::move(result);
  llvm::SourceMgr sourceMgr;
  result.module = parseSourceFile<ModuleOp>(spliceFile, sourceMgr, &context);
  if (!result.module)
    return llvm::createStringError(spliceFile + ": cannot be parsed");
  auto programs = llvm::to_vector(result.module->getOps<ir::ProgramOp>());
  if (programs.size() != 1 || !programs.front().getPosition())
    return llvm::createStringError(
        spliceFile + ": expected one amk.program fixed at a position");
  auto executor = Executor::create(programs.front(), weightsDir, options);
  if (!executor)
    return executor.takeError();
  result.executor = std::move(*executor);
  result.splice = Splice{result.executor.get(),
                         int64_t(*programs.front().getPosition()), tolerance};
  return std::move(result);
}

static int run(ir::ProgramOp program) {
  if (tolerance.getNumOccurrences() &&
      !(std::isfinite(tolerance) && tolerance >= 0))
    return reportError(llvm::createStringError(
        llvm::formatv("--tolerance must be a finite number >= 0, got {0}",
                      double(tolerance))
            .str()));
  std::optional<Golden> golden;
  if (!goldenFile.empty()) {
    llvm::Expected<Golden> read = readGolden(goldenFile);
    if (!read)
      return reportError(read.takeError());
    golden = std::move(*read);
  }
  std::vector<int64_t> prompt = golden ? golden->prompt : std::vector<int64_t>();
  if (!promptIds.empty()) {
    llvm::Expected<std::vector<int64_t>> parsed = parsePrompt(promptIds);
    if (!parsed)
      return reportError(parsed.takeError());
    prompt = std::move(*parsed);
  }
  ExecutorOptions options;
  if (shuffleSeed.getNumOccurrences())
    options.shuffleSeed = shuffleSeed;
  options.maxHostBytes = uint64_t(maxMemoryGiB) << 30;
  auto executor = Executor::create(program, weightsDir, options);
  if (!executor)
    return reportError(executor.takeError());
  llvm::ArrayRef<int64_t> forced;
  if (golden)
    forced = golden->tokens;
  double bound = tolerance.getNumOccurrences() ? double(tolerance)
                                               : defaultTolerance(program);
  llvm::Expected<SplicedProgram> spliced =
      loadSplice(*program->getContext(), options, bound);
  if (!spliced)
    return reportError(spliced.takeError());
  llvm::Expected<DecodeTrace> trace =
      runDecode(**executor, prompt, steps, forced, spliced->splice);
  if (!trace)
    return reportError(trace.takeError());
  llvm::outs() << "tokens: "
               << llvm::join(llvm::map_range(trace->tokens,
                                             [](int64_t t) {
                                               return std::to_string(t);
                                             }),
                             ",")
               << "\n";
  if (!dumpLogits.empty())
    if (llvm::Error err = ::amk::reference::writeTrace(*trace, dumpLogits))
      return reportError(std::move(err));
  if (!golden)
    return 0;
  return checkGoldenPrefix(*trace, *golden, bound);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::amk::installWriteErrorHandler("amk-ref-run");
  cl::HideUnrelatedOptions(RefRunCategory);
  cl::ParseCommandLineOptions(argc, argv, "AMK CPU reference executor\n");
  MLIRContext context;
  context.loadDialect<ir::AMKDialect>();
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, &context);
  if (!module)
    return 2;
  llvm::Expected<ir::ProgramOp> program = onlyProgram(*module);
  if (!program)
    return reportError(program.takeError());
  return run(*program);
}
