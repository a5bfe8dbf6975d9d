//===- Golden.h - Greedy decoding and golden comparison ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Runs a prompt and a greedy continuation through the reference executor and
// compares it with a `golden.json` of test/models (HF's tokens and per-step
// fp32 logits).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_REFERENCE_GOLDEN_H
#define AMK_REFERENCE_GOLDEN_H

#include "AMK/Reference/Executor.h"

#include <string>
#include <vector>

namespace amk::reference {

/// Generated tokens and the logits each was chosen from. Row 0 is the step
/// of the last prompt token; row i > 0 the step that fed token i - 1.
struct DecodeTrace {
  std::vector<int64_t> tokens;
  std::vector<std::vector<float>> logits;
};

/// Feeds \p prompt one step per token (positions 0, 1, ...), then generates
/// \p steps (at least 1) tokens greedily from `next_token`, feeding each
/// back; with \p forced (teacher forcing), step i > 0 is fed `forced[i - 1]`
/// instead, so that its logits stay comparable after a near-tie flip.
llvm::Expected<DecodeTrace> runDecode(Executor &executor,
                                      llvm::ArrayRef<int64_t> prompt,
                                      unsigned steps,
                                      llvm::ArrayRef<int64_t> forced = {});

/// The fields of a golden.json the executor is checked against.
struct Golden {
  std::vector<int64_t> prompt;
  std::vector<int64_t> tokens;
  std::vector<std::vector<float>> logits;
};

/// Reads a golden.json file.
llvm::Expected<Golden> readGolden(llvm::StringRef path);

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

/// Writes \p trace as JSON `{"tokens": [...], "logits": [[...], ...]}`.
llvm::Error writeTrace(const DecodeTrace &trace, llvm::StringRef path);

} // namespace amk::reference

#endif // AMK_REFERENCE_GOLDEN_H
