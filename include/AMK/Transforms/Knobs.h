//===- Knobs.h - The scheduling knobs: names, ranges, defaults --*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The one table of the scheduling knobs. The pass options (Passes.td takes
// its defaults and enum values from here), the `--amk-compile` pipeline
// options, its JSON config and the range diagnostics all read it, so a knob's
// name, range and default are written once.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TRANSFORMS_KNOBS_H
#define AMK_TRANSFORMS_KNOBS_H

#include "AMK/Analysis/Validator.h"
#include "AMK/Dialect/AMK/IR/AMKLimits.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/CommandLine.h"

#include <cstdint>

namespace mlir {
namespace amk {

/// An integer knob: its option name (also the JSON key and the name in
/// diagnostics), default and inclusive range.
struct IntKnob {
  const char *name;
  int64_t defaultValue;
  int64_t min;
  int64_t max;
  const char *description;
};

/// How `--amk-assign-workers` orders and places tasks.
enum class AssignStrategy {
  /// Program order, task `i` on worker `i mod W`.
  RoundRobin,
  /// Program order, each task on the worker where it starts first.
  Balanced,
  /// Longest cost-weighted path to the end first, placed as `Balanced`.
  CriticalPath,
  /// Join depth by join depth, each depth's tasks largest first on the
  /// worker that has read the fewest bytes at that depth (then in the step).
  Phases,
};

namespace knobs {

/// Largest tile width, in columns, of any projection.
inline constexpr int64_t kMaxCols = int64_t(1) << 24;
/// Largest worker or head count.
inline constexpr int64_t kMaxCount = 4096;

inline constexpr IntKnob kSms{
    "sms", 0, 0, limits::kMaxSMs,
    "Workers (SMs) to schedule for; 0 = the chip's SM count"};
inline constexpr IntKnob kQkvCols{
    "qkv-cols", 0, 0, kMaxCols,
    "Columns per Q/K/V projection tile (0 = derive)"};
inline constexpr IntKnob kOCols{"o-cols", 0, 0, kMaxCols,
                                "Columns per O projection tile (0 = derive)"};
inline constexpr IntKnob kGateUpCols{
    "gate-up-cols", 0, 0, kMaxCols,
    "Columns per gate/up projection tile (0 = derive)"};
inline constexpr IntKnob kDownCols{
    "down-cols", 0, 0, kMaxCols,
    "Columns per down projection tile (0 = derive)"};
inline constexpr IntKnob kLmHeadCols{"lm-head-cols", 0, 0, kMaxCols,
                                     "Columns per LM-head tile (0 = derive)"};
inline constexpr IntKnob kAttnHeads{
    "attn-heads", 0, 0, kMaxCount,
    "Query heads per attention task (0 = one KV head's group)"};
inline constexpr IntKnob kKvBlock{
    "kv-block", 0, 0, kMaxCols,
    "KV rows per attention split (0 = derive from the target)"};
inline constexpr IntKnob kSyncNs{"sync-ns", 1000, 0, 1000000000,
                                 "Cost model: nanoseconds per wait"};
/// The default is fitted on the H200 traces of docs/perf-notes.md (M4-L):
/// 4.3 us per task on SmolLM2's 184-task chain, less a 1.25 us wake-up and
/// 1.26 us of bytes per task, leaves ~1.8 us of fixed work per task.
inline constexpr IntKnob kTaskNs{
    "task-ns", 1800, 0, 1000000000,
    "Cost model: nanoseconds of fixed work per task (descriptor, argument "
    "staging, signal), on top of its bytes"};

/// The default of the `strategy` knob.
inline constexpr AssignStrategy kDefaultStrategy = AssignStrategy::Phases;

} // namespace knobs

/// The values of the `strategy` knob, for a `cl::opt<AssignStrategy>`.
inline llvm::cl::ValuesClass strategyValues() {
  return llvm::cl::values(
      clEnumValN(AssignStrategy::RoundRobin, "round-robin",
                 "Program order, task i on worker i mod W"),
      clEnumValN(AssignStrategy::Balanced, "balanced",
                 "Program order, each task where it starts first"),
      clEnumValN(AssignStrategy::CriticalPath, "critical-path",
                 "Longest remaining path first, placed as balanced"),
      clEnumValN(AssignStrategy::Phases, "phases",
                 "Join depth by depth, largest task first on the worker "
                 "with the fewest bytes"));
}

/// The values of the `partial-waits` option of `--amk-validate` (its
/// default is `kDefaultPartialWaits`, include/AMK/Analysis/Validator.h).
inline llvm::cl::ValuesClass partialWaitsValues() {
  return llvm::cl::values(
      clEnumValN(PartialWaits::Strict, "strict",
                 "Reject a partial wait unless happens-before decides which "
                 "producers finished"),
      clEnumValN(PartialWaits::Exact, "exact",
                 "Keep only the determined producers in happens-before and "
                 "decide deadlock freedom by simulation"));
}

/// Reports `knob` = `value` outside the knob's range as an error at `loc`
/// naming `pass`; succeeds when it is in range.
LogicalResult checkKnob(Location loc, StringRef pass, const IntKnob &knob,
                        int64_t value);

} // namespace amk
} // namespace mlir

#endif // AMK_TRANSFORMS_KNOBS_H
