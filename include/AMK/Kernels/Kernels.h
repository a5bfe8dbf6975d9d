//===- Kernels.h - fp32 semantics of the compute ops -------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// One function per compute op of the amk dialect, computing in fp32 what
// HuggingFace transformers computes for the same layer. The reference
// executor (from amk ops) and the runtime's CPU path (from the manifest's
// task table) both call these; neither has arithmetic of its own. No MLIR or
// LLVM dependency.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_KERNELS_KERNELS_H
#define AMK_KERNELS_KERNELS_H

#include "AMK/Kernels/Numeric.h"

#include <optional>
#include <vector>
#include <string>

namespace amk::kernels {

/// The outcome of a kernel: empty on success, else what went wrong.
struct [[nodiscard]] Status {
  std::string error;
  bool failed() const { return !error.empty(); }
  static Status ok() { return {}; }
};

/// An index range `[lo, hi)` whose bounds may each be relative to the
/// decode position (`pos + lo`, `pos + hi`).
struct RangeSpec {
  int64_t lo = 0, hi = 0;
  bool loRelative = false, hiRelative = false;

  /// A range of constant bounds.
  static RangeSpec of(int64_t lo, int64_t hi) { return {lo, hi, false, false}; }
};

/// A range of an op: absent means the whole extent.
using OptRange = std::optional<RangeSpec>;

/// The llama3 RoPE frequency scaling (transformers'
/// `_compute_llama3_parameters`).
struct Llama3Scaling {
  double factor, lowFreqFactor, highFreqFactor;
  int64_t originalMaxPosition;
};

/// `out[:] = table[token, :]`; the token is checked against the vocabulary.
Status embed(const BufferView &table, const BufferView &token, BufferView &out);

/// RMS normalization of the whole vector (\p headDim 0) or of rows of
/// \p headDim elements, rows \p heads, ranges resolved at \p pos.
Status rmsnorm(const BufferView &in, const BufferView &weight, BufferView &out,
               int64_t headDim, OptRange heads, double eps, int64_t pos);

/// `out[n] = residual[n] + (sum_k W[n,k] in[k] + bias[n])` over \p cols.
Status gemv(const BufferView &weight, const BufferView &in, BufferView &out,
            const BufferView *bias, const BufferView *residual, OptRange cols,
            int64_t pos);

/// Rotate-half RoPE of heads \p heads at the position read from
/// \p position.
Status rope(const BufferView &in, const BufferView &position, BufferView &out,
            int64_t headDim, double theta,
            const std::optional<Llama3Scaling> &llama3, OptRange heads,
            int64_t pos);

/// Writes heads \p heads of \p in into row \p row of \p cache (the position
/// read from \p position when absent).
Status kvAppend(const BufferView &in, const BufferView &position,
                BufferView &cache, std::optional<int64_t> row, OptRange heads,
                int64_t pos);

/// The operands and facts of one attention op.
struct AttentionArgs {
  const BufferView *query, *keyCache, *valueCache, *position;
  BufferView *output;
  /// The split-KV statistics (partial form), or null.
  BufferView *stats = nullptr;
  /// The partial form's output row.
  int64_t slot = 0;
  OptRange heads, kv;
  double scale = 1;
  /// Sliding window (rows > pos - window), or none.
  std::optional<int64_t> window;
  /// The packed partial form: per head, D unnormalized values, max, sum.
  bool packed = false;
};

/// Causal GQA attention over the KV rows \p kv (capped at the position read
/// from `position`), normalized or as a split-KV partial.
Status attention(const AttentionArgs &args);

/// Combines split-KV partials weighted by their (max, sum) statistics.
Status attentionCombine(const BufferView &partial, const BufferView &stats,
                        BufferView &out, OptRange heads, int64_t pos);

/// Merges packed partials (per head: D unnormalized values, max, sum)
/// into the normalized output; a partial with a zero sum counts for nothing.
Status attentionMerge(const std::vector<const BufferView *> &partials,
                      BufferView &out);

/// `out[n] = silu(gate[n]) * up[n]` over \p cols.
Status siluMul(const BufferView &gate, const BufferView &up, BufferView &out,
               OptRange cols, int64_t pos);

/// `out[n] = lhs[n] + rhs[n]` over \p cols.
Status add(const BufferView &lhs, const BufferView &rhs, BufferView &out,
           OptRange cols, int64_t pos);

/// `token = argmax(logits)`, lowest index on ties.
Status argmax(const BufferView &logits, BufferView &token);

/// The argmax of `logits[cols]` into slot \p slot of values and indices.
Status argmaxPartial(const BufferView &logits, BufferView &values,
                     BufferView &indices, int64_t slot, OptRange cols,
                     int64_t pos);

/// The token of the largest partial value, lowest index on ties.
Status argmaxReduce(const BufferView &values, const BufferView &indices,
                    BufferView &token);

/// `out[n] = src[n]` over \p cols.
Status copy(const BufferView &src, BufferView &out, OptRange cols,
            int64_t pos);

} // namespace amk::kernels

#endif // AMK_KERNELS_KERNELS_H
