//===- Golden.h - Greedy decoding and golden comparison ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Runs a prompt and a greedy continuation through the reference executor;
// the comparison with a `golden.json` of test/models is the kernel
// library's (AMK/Kernels/Golden.h).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_REFERENCE_GOLDEN_H
#define AMK_REFERENCE_GOLDEN_H

#include "AMK/Kernels/Golden.h"
#include "AMK/Reference/Executor.h"

#include <string>
#include <vector>

namespace amk::reference {

using kernels::compareWithGolden;
using kernels::DecodeTrace;
using kernels::describeMatch;
using kernels::Golden;
using kernels::GoldenComparison;

/// A second executor that runs one position of a decode instead of the
/// main one (e.g. a schedule fixed at that position).
struct Splice {
  Executor *executor = nullptr;
  int64_t position = -1;
  /// Largest |logit difference| from the main executor's step, relative to
  /// its largest |logit|.
  double tolerance = 1e-4;
};

/// Feeds \p prompt one step per token (positions 0, 1, ...), then generates
/// \p steps (at least 1) tokens greedily from `next_token`, feeding each
/// back; with \p forced (teacher forcing), step i > 0 is fed `forced[i - 1]`
/// instead while forced tokens remain, so that its logits stay comparable
/// after a near-tie flip. With a \p splice, its position runs on the
/// spliced executor too: it gets the KV caches, its logits must match the
/// main executor's and its KV caches (its appended rows) are carried back.
llvm::Expected<DecodeTrace> runDecode(Executor &executor,
                                      llvm::ArrayRef<int64_t> prompt,
                                      unsigned steps,
                                      llvm::ArrayRef<int64_t> forced = {},
                                      const Splice &splice = {});

/// Reads a golden.json file.
llvm::Expected<Golden> readGolden(llvm::StringRef path);

/// Writes \p trace as JSON `{"tokens": [...], "logits": [[...], ...]}`.
llvm::Error writeTrace(const DecodeTrace &trace, llvm::StringRef path);

} // namespace amk::reference

#endif // AMK_REFERENCE_GOLDEN_H
