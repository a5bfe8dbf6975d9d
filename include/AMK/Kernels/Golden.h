//===- Golden.h - Greedy decoding and golden comparison ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The decode loop (prompt fed one token per step, then a greedy or
// teacher-forced continuation) and the comparison with a `golden.json` of
// test/models (HF's tokens and per-step fp32 logits), shared by the reference
// executor and the runtime. No MLIR or LLVM dependency.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_KERNELS_GOLDEN_H
#define AMK_KERNELS_GOLDEN_H

#include "AMK/Kernels/Kernels.h"

#include <functional>
#include <string>
#include <vector>

namespace amk::kernels {

/// Generated tokens and the logits each was chosen from. Row 0 is the step
/// of the last prompt token; row i > 0 the step that fed token i - 1.
struct DecodeTrace {
  std::vector<int64_t> tokens;
  std::vector<std::vector<float>> logits;
};

/// Runs one decode step feeding \p token at \p pos. When \p logits is not
/// null, stores the step's logits there and its chosen token in \p next.
using StepFunction = std::function<Status(
    int64_t token, int64_t pos, std::vector<float> *logits, int64_t &next)>;

/// Feeds \p prompt one step per token (positions 0, 1, ...), then generates
/// \p steps (at least 1) tokens greedily, feeding each back; with \p forced
/// (teacher forcing), step i > 0 is fed `forced[i - 1]` instead while forced
/// tokens remain, so that its logits stay comparable after a near-tie flip. A failed step's error is
/// prefixed with `step at position P: `.
Status runDecode(const StepFunction &step, const std::vector<int64_t> &prompt,
                 unsigned steps, const std::vector<int64_t> &forced,
                 DecodeTrace &trace);

/// The fields of a golden.json the executors are checked against.
struct Golden {
  std::vector<int64_t> prompt;
  std::vector<int64_t> tokens;
  std::vector<std::vector<float>> logits;
};

/// Reads the golden.json file at \p path.
Status readGolden(const std::string &path, Golden &golden);

/// The outcome of comparing a trace with a golden.
struct GoldenComparison {
  /// Largest |logit - golden| over every compared step.
  double maxAbsDiff = 0;
  /// Step of that largest difference.
  unsigned maxStep = 0;
  /// Steps whose token differs on a near tie: the golden's top-2 margin is
  /// at most twice the step's largest logit difference.
  std::vector<unsigned> nearTies;
  /// Empty when everything matched; else the first mismatch.
  std::string mismatch;
};

/// Compares logits within \p tolerance times the logit scale (the largest
/// |golden logit| of the step) and tokens exactly, except on near ties.
GoldenComparison compareWithGolden(const DecodeTrace &trace,
                                   const Golden &golden, double tolerance);

/// One line summarizing a successful comparison of \p steps steps:
/// `golden: N steps match[ (near ties)]; max |logit diff| ...`.
std::string describeMatch(const GoldenComparison &result, size_t steps,
                          double tolerance);

/// Writes \p trace as JSON `{"tokens": [...], "logits": [[...], ...]}`.
Status writeTrace(const DecodeTrace &trace, const std::string &path);

} // namespace amk::kernels

#endif // AMK_KERNELS_GOLDEN_H
