//===- Pipelines.h - The scheduling pipeline ----------------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `--amk-compile`: attach a target, tile, fuse, assign workers, allocate
// scratch pages and validate. Every knob is a pipeline option and can also
// come from a JSON file (`config=FILE` or `--amk-schedule-config=FILE`),
// so that a search tool can drive the scheduler.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TRANSFORMS_PIPELINES_H
#define AMK_TRANSFORMS_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace amk {

/// The knobs of `--amk-compile`. Explicit options win over the JSON config.
struct CompileOptions : public PassPipelineOptions<CompileOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("Target chip: sm_80, sm_90a, "
                                          "sm_100a or sm_120a"),
                           llvm::cl::init("sm_90a")};
  Option<int64_t> sms{*this, "sms",
                      llvm::cl::desc("Workers; 0 = the chip's SM count"),
                      llvm::cl::init(0)};
  Option<std::string> config{
      *this, "config",
      llvm::cl::desc("JSON file of knobs (keys are the option names)"),
      llvm::cl::init("")};
  Option<int64_t> qkvCols{*this, "qkv-cols",
                          llvm::cl::desc("Q/K/V tile columns, 0 = derive"),
                          llvm::cl::init(0)};
  Option<int64_t> oCols{*this, "o-cols",
                        llvm::cl::desc("O tile columns, 0 = derive"),
                        llvm::cl::init(0)};
  Option<int64_t> gateUpCols{*this, "gate-up-cols",
                             llvm::cl::desc("Gate/up tile columns, 0 = derive"),
                             llvm::cl::init(0)};
  Option<int64_t> downCols{*this, "down-cols",
                           llvm::cl::desc("Down tile columns, 0 = derive"),
                           llvm::cl::init(0)};
  Option<int64_t> lmHeadCols{*this, "lm-head-cols",
                             llvm::cl::desc("LM-head tile columns, 0 = derive"),
                             llvm::cl::init(0)};
  Option<int64_t> attnHeads{*this, "attn-heads",
                            llvm::cl::desc("Query heads per attention task, "
                                           "0 = one KV head's group"),
                            llvm::cl::init(0)};
  Option<int64_t> kvBlock{*this, "kv-block",
                          llvm::cl::desc("KV rows per split, 0 = derive"),
                          llvm::cl::init(0)};
  Option<bool> fuse{*this, "fuse", llvm::cl::desc("Run --amk-fuse"),
                    llvm::cl::init(true)};
  Option<std::string> strategy{
      *this, "strategy",
      llvm::cl::desc("Worker assignment: round-robin, balanced, critical-path"),
      llvm::cl::init("critical-path")};
  Option<int64_t> syncNs{*this, "sync-ns",
                         llvm::cl::desc("Cost model: nanoseconds per wait"),
                         llvm::cl::init(1000)};
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
/// validate (and schedule-stats on request) to `pm`.
void buildCompilePipeline(OpPassManager &pm, const CompileOptions &options);

/// Registers `--amk-compile`.
void registerAMKPipelines();

} // namespace amk
} // namespace mlir

#endif // AMK_TRANSFORMS_PIPELINES_H
