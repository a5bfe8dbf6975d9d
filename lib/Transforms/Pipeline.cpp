//===- Pipeline.cpp - --amk-set-target and the --amk-compile pipeline -----===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleModel.h"
#include "AMK/Dialect/AMK/IR/AMKLimits.h"
#include "AMK/Support/BoundedJSON.h"
#include "AMK/Transforms/Passes.h"
#include "AMK/Transforms/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_SETTARGET
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

/// `--amk-schedule-config=FILE`: knobs of `--amk-compile` from JSON.
static llvm::cl::opt<std::string>
    clScheduleConfig("amk-schedule-config",
                     llvm::cl::desc("JSON file of --amk-compile knobs "
                                    "(explicit pipeline options win)"),
                     llvm::cl::value_desc("file"), llvm::cl::init(""));

static constexpr int64_t kMaxCols = int64_t(1) << 24;

/// A schedule config holds a dozen knobs.
static constexpr JSONLimits kConfigLimits{"a schedule config",
                                                 1 << 20};

namespace {

struct SetTargetPass : amk::impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = TargetAttr::lookup(&getContext(), chip);
    if (!target) {
      module.emitError() << "amk-set-target: knob 'chip' = '" << chip
                         << "' is not one of " << TargetAttr::knownChips();
      return signalPassFailure();
    }
    if (failed(checkKnobRange(module.getLoc(), "amk-set-target", "sms", sms, 0,
                              limits::kMaxSMs)))
      return signalPassFailure();
    if (sms)
      target = TargetAttr::get(&getContext(), target.getChip(),
                               target.getName(), target.getSmVersion(), sms,
                               target.getSmemPerBlock(), target.getL2Bytes(),
                               target.getHbmGBps());
    for (ProgramOp program : module.getOps<ProgramOp>())
      program.setTargetAttr(target);
  }
};

/// An integer knob with its allowed range.
struct IntKnob {
  const char *name;
  mlir::detail::PassOptions::Option<int64_t> CompileOptions::*member;
  int64_t lo, hi;
};

const IntKnob kIntKnobs[] = {
    {"sms", &CompileOptions::sms, 0, limits::kMaxSMs},
    {"qkv-cols", &CompileOptions::qkvCols, 0, kMaxCols},
    {"o-cols", &CompileOptions::oCols, 0, kMaxCols},
    {"gate-up-cols", &CompileOptions::gateUpCols, 0, kMaxCols},
    {"down-cols", &CompileOptions::downCols, 0, kMaxCols},
    {"lm-head-cols", &CompileOptions::lmHeadCols, 0, kMaxCols},
    {"attn-heads", &CompileOptions::attnHeads, 0, 4096},
    {"kv-block", &CompileOptions::kvBlock, 0, kMaxCols},
    {"sync-ns", &CompileOptions::syncNs, 0, 1000000000},
};

struct BoolKnob {
  const char *name;
  mlir::detail::PassOptions::Option<bool> CompileOptions::*member;
};

const BoolKnob kBoolKnobs[] = {
    {"fuse", &CompileOptions::fuse},
    {"allocate", &CompileOptions::allocate},
    {"validate", &CompileOptions::validate},
    {"stats", &CompileOptions::stats},
};

struct StringKnob {
  const char *name;
  mlir::detail::PassOptions::Option<std::string> CompileOptions::*member;
};

const StringKnob kStringKnobs[] = {
    {"chip", &CompileOptions::chip},
    {"strategy", &CompileOptions::strategy},
};

bool isKnownChip(StringRef chip) {
  SmallVector<StringRef> chips;
  std::string known = TargetAttr::knownChips();
  StringRef(known).split(chips, ", ");
  return llvm::is_contained(chips, chip);
}

/// Sets one knob from a JSON value unless the option was given explicitly.
LogicalResult applyKnob(StringRef key, const llvm::json::Value &value,
                        CompileOptions &options,
                        function_ref<LogicalResult(const Twine &)> error) {
  auto wrongType = [&](StringRef type) {
    return error("amk-schedule-config: knob '" + key + "' must be " + type);
  };
  for (const IntKnob &knob : kIntKnobs)
    if (key == knob.name) {
      std::optional<int64_t> v = value.getAsInteger();
      if (!v)
        return wrongType("an integer");
      if (!(options.*knob.member).hasValue())
        options.*knob.member = *v;
      return success();
    }
  for (const BoolKnob &knob : kBoolKnobs)
    if (key == knob.name) {
      std::optional<bool> v = value.getAsBoolean();
      if (!v)
        return wrongType("a boolean");
      if (!(options.*knob.member).hasValue())
        options.*knob.member = *v;
      return success();
    }
  for (const StringKnob &knob : kStringKnobs)
    if (key == knob.name) {
      std::optional<StringRef> v = value.getAsString();
      if (!v)
        return wrongType("a string");
      if (!(options.*knob.member).hasValue())
        options.*knob.member = v->str();
      return success();
    }
  return error("amk-schedule-config: unknown knob '" + key + "'");
}

} // namespace

LogicalResult
mlir::amk::applyScheduleConfig(StringRef path, CompileOptions &options,
                               function_ref<LogicalResult(const Twine &)> error) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> file =
      readBoundedFile(path, kConfigLimits);
  if (!file)
    return error("amk-schedule-config: " + llvm::toString(file.takeError()));
  llvm::Expected<llvm::json::Value> json =
      parseBoundedJSON((*file)->getBuffer(), path, kConfigLimits);
  if (!json)
    return error("amk-schedule-config: " + llvm::toString(json.takeError()));
  const llvm::json::Object *object = json->getAsObject();
  if (!object)
    return error("amk-schedule-config: '" + path + "' must hold an object");
  // Sorted keys give deterministic diagnostics.
  SmallVector<StringRef> keys;
  for (const auto &entry : *object)
    keys.push_back(entry.first);
  llvm::sort(keys);
  for (StringRef key : keys)
    if (failed(applyKnob(key, *object->get(key), options, error)))
      return failure();
  return success();
}

LogicalResult
mlir::amk::verifyCompileOptions(const CompileOptions &options,
                                function_ref<LogicalResult(const Twine &)> error) {
  if (!isKnownChip(options.chip))
    return error("amk-compile: knob 'chip' = '" + options.chip +
                 "' is not one of " + TargetAttr::knownChips());
  for (const IntKnob &knob : kIntKnobs) {
    int64_t value = options.*knob.member;
    if (value < knob.lo || value > knob.hi)
      return error("amk-compile: knob '" + Twine(knob.name) + "' = " +
                   Twine(value) + " is out of range [" + Twine(knob.lo) +
                   ", " + Twine(knob.hi) + "]");
  }
  StringRef strategy = options.strategy;
  if (strategy != "round-robin" && strategy != "balanced" &&
      strategy != "critical-path")
    return error("amk-compile: knob 'strategy' = '" + strategy +
                 "' is not one of round-robin, balanced, critical-path");
  return success();
}

void mlir::amk::buildCompilePipeline(OpPassManager &pm,
                                     const CompileOptions &options) {
  pm.addPass(createSetTarget(SetTargetOptions{options.chip, options.sms}));
  TileOptions tile;
  tile.qkvCols = options.qkvCols;
  tile.oCols = options.oCols;
  tile.gateUpCols = options.gateUpCols;
  tile.downCols = options.downCols;
  tile.lmHeadCols = options.lmHeadCols;
  tile.attnHeads = options.attnHeads;
  tile.kvBlock = options.kvBlock;
  pm.addPass(createTile(tile));
  if (options.fuse)
    pm.addPass(createFuse());
  pm.addPass(createAssignWorkers(
      AssignWorkersOptions{options.strategy, options.syncNs}));
  if (options.allocate)
    pm.addPass(createAllocateScratch());
  if (options.validate)
    pm.addPass(createValidate());
  if (options.stats) {
    ScheduleStatsOptions stats;
    stats.syncNs = options.syncNs;
    pm.addPass(createScheduleStats(stats));
  }
}

void mlir::amk::registerAMKPipelines() {
  registerPassPipeline(
      "amk-compile",
      "Schedule every amk.program for a chip: set-target, tile, fuse, "
      "assign-workers, allocate-scratch, validate",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> error) -> LogicalResult {
        CompileOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string path = options.config.hasValue() && !options.config.empty()
                               ? options.config.getValue()
                               : clScheduleConfig.getValue();
        if ((!path.empty() &&
             failed(applyScheduleConfig(path, options, error))) ||
            failed(verifyCompileOptions(options, error)))
          return failure();
        buildCompilePipeline(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> handler) {
        handler(CompileOptions());
      });
}
