//===- Pipeline.cpp - --amk-set-target and the --amk-compile pipeline -----===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKLimits.h"
#include "AMK/Support/JSONInteger.h"
#include "AMK/Support/BoundedJSON.h"
#include "AMK/Target/TargetInfo.h"
#include "AMK/Transforms/Passes.h"
#include "AMK/Transforms/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"
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

/// A schedule config holds a dozen knobs.
static constexpr JSONLimits kConfigLimits{"a schedule config", 1 << 20};

namespace {

struct SetTargetPass : mlir::amk::impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;

  void runOnOperation() override {
    ProgramOp program = getOperation();
    if (!lookupArch(chip)) {
      emitError(program.getLoc())
          << "amk-set-target: knob 'chip' = '" << chip << "' is not one of "
          << TargetAttr::knownChips();
      return signalPassFailure();
    }
    if (std::optional<std::string> bad = checkProduct(chip, product)) {
      emitError(program.getLoc())
          << "amk-set-target: knob 'product' = " << *bad;
      return signalPassFailure();
    }
    TargetAttr target = TargetAttr::lookup(&getContext(), chip, product);
    if (failed(checkKnob(program.getLoc(), "amk-set-target", knobs::kSms, sms)))
      return signalPassFailure();
    if (sms)
      target = TargetAttr::get(&getContext(), target.getChip(),
                               target.getName(), target.getSmVersion(), sms,
                               target.getSmemPerBlock(), target.getL2Bytes(),
                               target.getHbmGBps());
    program.setTargetAttr(target);
  }
};

/// An integer knob of the table and the pipeline option that holds it.
struct IntKnobOption {
  const IntKnob *knob;
  CompileOptions::IntKnobOption CompileOptions::*member;
};

const IntKnobOption kIntKnobs[] = {
    {&knobs::kSms, &CompileOptions::sms},
    {&knobs::kQkvCols, &CompileOptions::qkvCols},
    {&knobs::kOCols, &CompileOptions::oCols},
    {&knobs::kGateUpCols, &CompileOptions::gateUpCols},
    {&knobs::kDownCols, &CompileOptions::downCols},
    {&knobs::kLmHeadCols, &CompileOptions::lmHeadCols},
    {&knobs::kAttnHeads, &CompileOptions::attnHeads},
    {&knobs::kKvBlock, &CompileOptions::kvBlock},
    {&knobs::kSyncNs, &CompileOptions::syncNs},
    {&knobs::kTaskNs, &CompileOptions::taskNs},
};

struct BoolKnob {
  const char *name;
  mlir::detail::PassOptions::Option<bool> CompileOptions::*member;
};

const BoolKnob kBoolKnobs[] = {
    {"fuse", &CompileOptions::fuse},
    {"split-events", &CompileOptions::splitEvents},
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
    {"product", &CompileOptions::product},
};

bool isKnownChip(StringRef chip) {
  SmallVector<StringRef> chips;
  std::string known = TargetAttr::knownChips();
  StringRef(known).split(chips, ", ");
  return llvm::is_contained(chips, chip);
}

/// The names an enumerated option accepts, comma-separated.
template <typename EnumT>
std::string enumValueNames(mlir::detail::PassOptions::Option<EnumT> &option) {
  std::string names;
  auto &parser = option.getParser();
  for (unsigned i = 0, e = parser.getNumOptions(); i < e; ++i)
    names += (i ? ", " : "") + parser.getOption(i).str();
  return names;
}

/// Sets the enumerated `option` to the value named `name` (with the option's
/// own parser, so the names are those of its `clEnumValN` table) unless it
/// was given explicitly.
template <typename EnumT>
LogicalResult setEnumKnob(mlir::detail::PassOptions::Option<EnumT> &option,
                          StringRef name,
                          function_ref<LogicalResult(const Twine &)> error) {
  EnumT value{};
  if (option.getParser().parse(option, option.getArgStr(), name, value))
    return error("amk-schedule-config: knob '" + option.getArgStr() + "' = '" +
                 name + "' is not one of " + enumValueNames(option));
  if (!option.hasValue())
    option = value;
  return success();
}

/// Sets one knob from a JSON value unless the option was given explicitly.
LogicalResult applyKnob(StringRef key, const llvm::json::Value &value,
                        CompileOptions &options,
                        function_ref<LogicalResult(const Twine &)> error) {
  auto wrongType = [&](StringRef type) {
    return error("amk-schedule-config: knob '" + key + "' must be " + type);
  };
  for (const IntKnobOption &knob : kIntKnobs)
    if (key == knob.knob->name) {
      std::optional<int64_t> v = ::amk::support::integerOf(value);
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
  if (key == options.strategy.getArgStr()) {
    std::optional<StringRef> v = value.getAsString();
    if (!v)
      return wrongType("a string");
    return setEnumKnob(options.strategy, *v, error);
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
  if (std::optional<std::string> bad = checkProduct(options.chip,
                                                    options.product))
    return error("amk-compile: knob 'product' = " + *bad);
  for (const IntKnobOption &knob : kIntKnobs) {
    int64_t value = options.*knob.member;
    if (value < knob.knob->min || value > knob.knob->max)
      return error("amk-compile: knob '" + Twine(knob.knob->name) +
                   "' = " + Twine(value) + " is out of range [" +
                   Twine(knob.knob->min) + ", " + Twine(knob.knob->max) + "]");
  }
  return success();
}

void mlir::amk::buildCompilePipeline(OpPassManager &modulePM,
                                     const CompileOptions &options) {
  OpPassManager &pm = modulePM.nest<ProgramOp>();
  pm.addPass(createSetTarget(
      SetTargetOptions{options.chip, options.product, options.sms}));
  TileOptions tile;
  tile.qkvCols = options.qkvCols;
  tile.oCols = options.oCols;
  tile.gateUpCols = options.gateUpCols;
  tile.downCols = options.downCols;
  tile.lmHeadCols = options.lmHeadCols;
  tile.attnHeads = options.attnHeads;
  tile.kvBlock = options.kvBlock;
  pm.addPass(createTile(tile));
  if (options.fuse) {
    FuseOptions fuse;
    fuse.splitEvents = options.splitEvents;
    pm.addPass(createFuse(fuse));
  }
  pm.addPass(createAssignWorkers(
      AssignWorkersOptions{options.strategy, options.syncNs, options.taskNs}));
  if (options.allocate)
    pm.addPass(createAllocateScratch());
  if (options.validate)
    pm.addPass(createValidate());
  if (options.stats) {
    ScheduleStatsOptions stats;
    stats.syncNs = options.syncNs;
    stats.taskNs = options.taskNs;
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
        if ((!options.config.empty() &&
             failed(applyScheduleConfig(options.config, options, error))) ||
            failed(verifyCompileOptions(options, error)))
          return failure();
        buildCompilePipeline(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> handler) {
        handler(CompileOptions());
      });
}
