//===- Pipelines.h - The scheduling pipeline ----------------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `--amk-compile`: attach a target, tile, fuse, assign workers, allocate
// scratch pages and validate, on every amk.program of the module. Every knob
// is a pipeline option and can also come from a JSON file (`config=FILE`),
// so that a search tool can drive the scheduler.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TRANSFORMS_PIPELINES_H
#define AMK_TRANSFORMS_PIPELINES_H

#include "AMK/Transforms/Knobs.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace amk {

/// The knobs of `--amk-compile`. Explicit options win over the JSON config.
/// Integer knobs take their names, defaults and help from Knobs.h.
struct CompileOptions : public PassPipelineOptions<CompileOptions> {
  /// An integer option declared from its entry of the knob table.
  struct IntKnobOption : Option<int64_t> {
    IntKnobOption(PassOptions &parent, const IntKnob &knob)
        : Option<int64_t>(parent, knob.name, llvm::cl::desc(knob.description),
                          llvm::cl::init(knob.defaultValue)) {}
    using Option<int64_t>::operator=;
  };

  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("Target chip: sm_80, sm_90a, "
                                          "sm_100a or sm_120a"),
                           llvm::cl::init("sm_90a")};
  Option<std::string> product{
      *this, "product",
      llvm::cl::desc("Product of the chip's architecture (sm_80: A100-80GB, "
                     "A100-40GB; sm_90a: H100-SXM, H100-PCIe, H200; sm_100a: "
                     "B200; sm_120a: RTX-5090); empty = the architecture's "
                     "first"),
      llvm::cl::init("")};
  IntKnobOption sms{*this, knobs::kSms};
  Option<std::string> config{
      *this, "config",
      llvm::cl::desc("JSON file of knobs (keys are the option names)"),
      llvm::cl::init("")};
  IntKnobOption qkvCols{*this, knobs::kQkvCols};
  IntKnobOption oCols{*this, knobs::kOCols};
  IntKnobOption gateUpCols{*this, knobs::kGateUpCols};
  IntKnobOption downCols{*this, knobs::kDownCols};
  IntKnobOption lmHeadCols{*this, knobs::kLmHeadCols};
  IntKnobOption attnHeads{*this, knobs::kAttnHeads};
  IntKnobOption kvBlock{*this, knobs::kKvBlock};
  Option<bool> fuse{*this, "fuse", llvm::cl::desc("Run --amk-fuse"),
                    llvm::cl::init(true)};
  Option<bool> splitEvents{
      *this, "split-events",
      llvm::cl::desc("Let --amk-fuse split events by the producers each "
                     "waiter needs"),
      llvm::cl::init(true)};
  Option<AssignStrategy> strategy{
      *this, "strategy", llvm::cl::desc("Worker assignment strategy"),
      llvm::cl::init(knobs::kDefaultStrategy), strategyValues()};
  IntKnobOption syncNs{*this, knobs::kSyncNs};
  IntKnobOption taskNs{*this, knobs::kTaskNs};
  Option<bool> allocate{*this, "allocate",
                        llvm::cl::desc("Run --amk-allocate-scratch"),
                        llvm::cl::init(true)};
  Option<bool> validate{*this, "validate",
                        llvm::cl::desc("Run --amk-validate last"),
                        llvm::cl::init(true)};
  Option<bool> stats{*this, "stats",
                     llvm::cl::desc("Print --amk-schedule-stats at the end"),
                     llvm::cl::init(false)};
};

/// Fills every knob of `options` not set explicitly from the JSON object in
/// `path`; reports unknown keys, wrong types and unreadable files.
LogicalResult
applyScheduleConfig(StringRef path, CompileOptions &options,
                    function_ref<LogicalResult(const Twine &)> error);

/// Checks every knob against its allowed range; the message names the knob.
LogicalResult
verifyCompileOptions(const CompileOptions &options,
                     function_ref<LogicalResult(const Twine &)> error);

/// Appends set-target, tile, fuse, assign-workers, allocate-scratch and
/// validate (and schedule-stats on request), nested on amk.program, to the
/// module pass manager `pm`.
void buildCompilePipeline(OpPassManager &pm, const CompileOptions &options);

/// Registers `--amk-compile`.
void registerAMKPipelines();

} // namespace amk
} // namespace mlir

#endif // AMK_TRANSFORMS_PIPELINES_H
