//===- Kernels.cpp - fp32 semantics of the compute ops --------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Formulas follow transformers' fp32 eager path (LlamaRMSNorm, rotate_half
// RoPE with `_compute_llama3_parameters`, eager attention with a causal and
// sliding-window mask, SiLU MLP). Dot products accumulate in double; every
// store rounds to the buffer's element type.
//
//===----------------------------------------------------------------------===//

#include "AMK/Kernels/Kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace amk::kernels;

namespace {
/// A concrete half-open index range.
struct Range {
  int64_t lo, hi;
};
} // namespace

static Status fail(std::string message) { return Status{std::move(message)}; }

static std::string str(int64_t value) { return std::to_string(value); }

/// The range \p spec denotes at \p pos, or `[0, whole)` when absent; an
/// error when it leaves `[0, whole)`.
static Status rangeOf(const OptRange &spec, int64_t whole, int64_t pos,
                      const char *what, Range &range) {
  if (!spec) {
    range = Range{0, whole};
    return Status::ok();
  }
  range = Range{spec->lo + (spec->loRelative ? pos : 0),
                spec->hi + (spec->hiRelative ? pos : 0)};
  if (range.lo < 0 || range.hi > whole || range.lo > range.hi)
    return fail(std::string(what) + " [" + str(range.lo) + ", " +
                str(range.hi) + ") out of bounds [0, " + str(whole) + ")");
  return Status::ok();
}

/// Reads element 0 of an index buffer (token or position).
static Status readIndex(const BufferView &buffer, int64_t &index) {
  float value = buffer.get(0);
  if (std::isnan(value))
    return fail("reads garbage (NaN) from '" + buffer.name + "'");
  index = int64_t(value);
  return Status::ok();
}

Status amk::kernels::embed(const BufferView &table, const BufferView &token,
                           BufferView &out) {
  int64_t id;
  if (Status status = readIndex(token, id); status.failed())
    return status;
  int64_t vocab = table.shape.front(), hidden = table.shape.back();
  if (id < 0 || id >= vocab)
    return fail("token id " + str(id) + " out of range: vocab is " +
                str(vocab));
  for (int64_t i = 0; i < hidden; ++i)
    out.set(i, table.get(id * hidden + i));
  return Status::ok();
}

Status amk::kernels::rmsnorm(const BufferView &in, const BufferView &w,
                             BufferView &out, int64_t headDim, OptRange heads,
                             double eps, int64_t pos) {
  int64_t width = in.size();
  int64_t dim = headDim ? headDim : width;
  Range rows;
  if (Status status = rangeOf(heads, width / dim, pos, "heads", rows);
      status.failed())
    return status;
  float epsilon = float(eps);
  for (int64_t r = rows.lo; r < rows.hi; ++r) {
    double squares = 0;
    for (int64_t i = 0; i < dim; ++i)
      squares += double(in.get(r * dim + i)) * in.get(r * dim + i);
    float inv = 1.0f / std::sqrt(float(squares / dim) + epsilon);
    for (int64_t i = 0; i < dim; ++i)
      out.set(r * dim + i, w.get(i) * (in.get(r * dim + i) * inv));
  }
  return Status::ok();
}

Status amk::kernels::gemv(const BufferView &w, const BufferView &in,
                          BufferView &out, const BufferView *bias,
                          const BufferView *residual, OptRange colsSpec,
                          int64_t pos) {
  int64_t rows = w.shape[0], k = w.shape[1];
  Range cols;
  if (Status status = rangeOf(colsSpec, rows, pos, "cols", cols);
      status.failed())
    return status;
  for (int64_t n = cols.lo; n < cols.hi; ++n) {
    double sum = 0;
    for (int64_t i = 0; i < k; ++i)
      sum += double(w.get(n * k + i)) * in.get(i);
    float value = float(sum);
    if (bias)
      value += bias->get(n);
    if (residual)
      value = residual->get(n) + value;
    out.set(n, value);
  }
  return Status::ok();
}

/// transformers' default inverse frequencies `theta^(-2i/D)`, in fp32.
static std::vector<float> defaultInvFreq(double theta, int64_t dim) {
  std::vector<float> invFreq(dim / 2);
  for (int64_t i = 0; i < dim / 2; ++i)
    invFreq[i] = 1.0f / std::pow(float(theta), float(2 * i) / float(dim));
  return invFreq;
}

/// transformers' `_compute_llama3_parameters` applied to \p invFreq.
static void applyLlama3(std::vector<float> &invFreq,
                        const Llama3Scaling &llama3) {
  float factor = float(llama3.factor);
  float low = float(llama3.lowFreqFactor);
  float high = float(llama3.highFreqFactor);
  float orig = float(llama3.originalMaxPosition);
  float lowWavelen = orig / low, highWavelen = orig / high;
  for (float &freq : invFreq) {
    float wavelen = float(2 * M_PI) / freq;
    if (wavelen > lowWavelen) {
      freq = freq / factor;
    } else if (wavelen >= highWavelen) {
      float smooth = (orig / wavelen - low) / (high - low);
      freq = (1 - smooth) * freq / factor + smooth * freq;
    }
  }
}

Status amk::kernels::rope(const BufferView &in, const BufferView &position,
                          BufferView &out, int64_t dim, double theta,
                          const std::optional<Llama3Scaling> &llama3,
                          OptRange headsSpec, int64_t stepPos) {
  int64_t pos;
  if (Status status = readIndex(position, pos); status.failed())
    return status;
  int64_t half = dim / 2;
  Range heads;
  if (Status status = rangeOf(headsSpec, in.size() / dim, stepPos, "heads",
                              heads);
      status.failed())
    return status;
  std::vector<float> invFreq = defaultInvFreq(theta, dim);
  if (llama3)
    applyLlama3(invFreq, *llama3);
  for (int64_t h = heads.lo; h < heads.hi; ++h) {
    for (int64_t i = 0; i < half; ++i) {
      float angle = float(pos) * invFreq[i];
      float c = std::cos(angle), sn = std::sin(angle);
      float a = in.get(h * dim + i), b = in.get(h * dim + i + half);
      out.set(h * dim + i, a * c - b * sn);
      out.set(h * dim + i + half, b * c + a * sn);
    }
  }
  return Status::ok();
}

Status amk::kernels::kvAppend(const BufferView &in, const BufferView &position,
                              BufferView &cache, std::optional<int64_t> fixedRow,
                              OptRange headsSpec, int64_t pos) {
  int64_t rows = cache.shape[0], kvHeads = cache.shape[1], dim = cache.shape[2];
  int64_t row;
  if (fixedRow)
    row = *fixedRow;
  else if (Status status = readIndex(position, row); status.failed())
    return status;
  if (row < 0 || row >= rows)
    return fail("row " + str(row) + " out of range: '" + cache.name +
                "' has " + str(rows) + " rows");
  Range heads;
  if (Status status = rangeOf(headsSpec, kvHeads, pos, "heads", heads);
      status.failed())
    return status;
  for (int64_t h = heads.lo; h < heads.hi; ++h)
    for (int64_t i = 0; i < dim; ++i)
      cache.set((row * kvHeads + h) * dim + i, in.get(h * dim + i));
  return Status::ok();
}

namespace {
/// Unnormalized attention of one query head over a range of KV rows.
struct HeadResult {
  /// Largest scaled score (-inf when no row was attended).
  float max = -std::numeric_limits<float>::infinity();
  /// Sum of exp(score - max).
  float sum = 0;
  /// Sum of exp(score - max) * value row.
  std::vector<float> acc;
};
} // namespace

/// Attends query head \p head over cache rows \p rows.
static HeadResult attendHead(const AttentionArgs &args, int64_t head,
                             Range rows) {
  const BufferView &q = *args.query, &keys = *args.keyCache;
  const BufferView &values = *args.valueCache;
  int64_t kvHeads = keys.shape[1], dim = keys.shape[2];
  int64_t group = q.size() / dim / kvHeads, kvHead = head / group;
  float scale = float(args.scale);
  std::vector<float> scores;
  HeadResult result;
  result.acc.assign(dim, 0.0f);
  for (int64_t r = rows.lo; r < rows.hi; ++r) {
    double dot = 0;
    for (int64_t i = 0; i < dim; ++i)
      dot += double(q.get(head * dim + i)) *
             keys.get((r * kvHeads + kvHead) * dim + i);
    scores.push_back(float(dot) * scale);
    result.max = std::max(result.max, scores.back());
  }
  for (int64_t r = rows.lo; r < rows.hi; ++r) {
    float weight = std::exp(scores[r - rows.lo] - result.max);
    result.sum += weight;
    for (int64_t i = 0; i < dim; ++i)
      result.acc[i] += weight * values.get((r * kvHeads + kvHead) * dim + i);
  }
  return result;
}

/// The KV rows attention reads: `kv` capped at the position and, with a
/// sliding window, above `pos - window`.
static Status attendedRows(const AttentionArgs &args, int64_t pos,
                           Range &kv) {
  int64_t rows = args.keyCache->shape[0];
  // A shard starting past its position-relative end (a split-KV schedule
  // run at an earlier position) is empty, as the GPU lowering reads it.
  OptRange spec = args.kv;
  if (spec && !spec->loRelative && spec->hiRelative &&
      spec->lo > spec->hi + pos && spec->lo <= rows)
    spec->hi = spec->lo - pos;
  if (Status status = rangeOf(spec, rows, pos, "kv", kv); status.failed())
    return status;
  kv.hi = std::min(kv.hi, pos + 1);
  if (args.window)
    kv.lo = std::max(kv.lo, pos - *args.window + 1);
  kv.lo = std::min(kv.lo, kv.hi);
  return Status::ok();
}

/// Stores one head's result: normalized (full form) or as a split-KV
/// partial with its (max, sum) statistics.
static void storeHead(const AttentionArgs &args, int64_t head,
                      const HeadResult &result) {
  BufferView &out = *args.output;
  int64_t dim = result.acc.size();
  if (args.packed) {
    int64_t base = head * (dim + 2);
    for (int64_t i = 0; i < dim; ++i)
      out.set(base + i, result.acc[i]);
    out.set(base + dim, result.max);
    out.set(base + dim + 1, result.sum);
    return;
  }
  if (!args.stats) {
    for (int64_t i = 0; i < dim; ++i)
      out.set(head * dim + i, result.acc[i] / result.sum);
    return;
  }
  BufferView &stats = *args.stats;
  int64_t slot = args.slot, width = out.shape.back();
  int64_t heads = stats.shape[1];
  for (int64_t i = 0; i < dim; ++i)
    out.set(slot * width + head * dim + i, result.acc[i]);
  stats.set((slot * heads + head) * 2, result.max);
  stats.set((slot * heads + head) * 2 + 1, result.sum);
}

Status amk::kernels::attention(const AttentionArgs &args) {
  int64_t pos;
  if (Status status = readIndex(*args.position, pos); status.failed())
    return status;
  Range rows, heads;
  if (Status status = attendedRows(args, pos, rows); status.failed())
    return status;
  int64_t dim = args.keyCache->shape[2];
  int64_t numHeads = args.query->size() / dim;
  if (Status status = rangeOf(args.heads, numHeads, pos, "heads", heads);
      status.failed())
    return status;
  for (int64_t h = heads.lo; h < heads.hi; ++h)
    storeHead(args, h, attendHead(args, h, rows));
  return Status::ok();
}

Status amk::kernels::attentionCombine(const BufferView &partial,
                                      const BufferView &stats, BufferView &out,
                                      OptRange headsSpec, int64_t pos) {
  int64_t splits = stats.shape[0], numHeads = stats.shape[1];
  int64_t width = partial.shape.back(), dim = width / numHeads;
  Range heads;
  if (Status status = rangeOf(headsSpec, numHeads, pos, "heads", heads);
      status.failed())
    return status;
  for (int64_t h = heads.lo; h < heads.hi; ++h) {
    float max = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < splits; ++j)
      max = std::max(max, stats.get((j * numHeads + h) * 2));
    float sum = 0;
    std::vector<float> acc(dim, 0.0f);
    for (int64_t j = 0; j < splits; ++j) {
      float splitMax = stats.get((j * numHeads + h) * 2);
      float weight = std::isinf(splitMax) && splitMax < 0
                         ? 0.0f
                         : std::exp(splitMax - max);
      sum += weight * stats.get((j * numHeads + h) * 2 + 1);
      for (int64_t i = 0; i < dim; ++i)
        acc[i] += weight * partial.get(j * width + h * dim + i);
    }
    for (int64_t i = 0; i < dim; ++i)
      out.set(h * dim + i, acc[i] / sum);
  }
  return Status::ok();
}

Status amk::kernels::attentionMerge(
    const std::vector<const BufferView *> &partials, BufferView &out) {
  int64_t width = out.size();
  int64_t heads = (partials.front()->size() - width) / 2, dim = width / heads;
  for (int64_t h = 0; h < heads; ++h) {
    int64_t base = h * (dim + 2);
    float max = -std::numeric_limits<float>::infinity();
    for (const BufferView *p : partials)
      max = std::max(max, p->get(base + dim));
    float sum = 0;
    std::vector<float> acc(dim, 0.0f);
    for (const BufferView *p : partials) {
      float splitSum = p->get(base + dim + 1);
      float weight = splitSum > 0 ? std::exp(p->get(base + dim) - max) : 0.0f;
      sum += splitSum * weight;
      for (int64_t i = 0; i < dim; ++i)
        acc[i] += p->get(base + i) * weight;
    }
    for (int64_t i = 0; i < dim; ++i)
      out.set(h * dim + i, acc[i] / std::max(sum, 1e-20f));
  }
  return Status::ok();
}

/// Applies \p fn elementwise over the columns of a binary op.
template <typename Fn>
static Status binary(const BufferView &lhs, const BufferView &rhs,
                     BufferView &out, const OptRange &colsSpec, int64_t pos,
                     Fn fn) {
  Range cols;
  if (Status status = rangeOf(colsSpec, out.size(), pos, "cols", cols);
      status.failed())
    return status;
  for (int64_t n = cols.lo; n < cols.hi; ++n)
    out.set(n, fn(lhs.get(n), rhs.get(n)));
  return Status::ok();
}

static float silu(float x) { return x / (1.0f + std::exp(-x)); }

Status amk::kernels::siluMul(const BufferView &gate, const BufferView &up,
                             BufferView &out, OptRange cols, int64_t pos) {
  return binary(gate, up, out, cols, pos,
                [](float g, float u) { return silu(g) * u; });
}

Status amk::kernels::add(const BufferView &lhs, const BufferView &rhs,
                         BufferView &out, OptRange cols, int64_t pos) {
  return binary(lhs, rhs, out, cols, pos,
                [](float a, float b) { return a + b; });
}

/// Index of the largest of `logits[cols]`, lowest on ties; an error on NaN.
static Status argmaxOf(const BufferView &logits, Range cols, int64_t &best) {
  best = cols.lo;
  for (int64_t n = cols.lo; n < cols.hi; ++n) {
    if (std::isnan(logits.get(n)))
      return fail("reads garbage (NaN) from '" + logits.name + "' at " +
                  str(n));
    if (logits.get(n) > logits.get(best))
      best = n;
  }
  return Status::ok();
}

Status amk::kernels::argmax(const BufferView &logits, BufferView &token) {
  int64_t best;
  if (Status status = argmaxOf(logits, Range{0, logits.size()}, best);
      status.failed())
    return status;
  token.set(0, float(best));
  return Status::ok();
}

Status amk::kernels::argmaxPartial(const BufferView &logits,
                                   BufferView &values, BufferView &indices,
                                   int64_t slot, OptRange colsSpec,
                                   int64_t pos) {
  Range cols;
  int64_t best;
  if (Status status = rangeOf(colsSpec, logits.size(), pos, "cols", cols);
      status.failed())
    return status;
  if (Status status = argmaxOf(logits, cols, best); status.failed())
    return status;
  values.set(slot, logits.get(best));
  indices.set(slot, float(best));
  return Status::ok();
}

Status amk::kernels::argmaxReduce(const BufferView &values,
                                  const BufferView &indices,
                                  BufferView &token) {
  int64_t best;
  if (Status status = argmaxOf(values, Range{0, values.size()}, best);
      status.failed())
    return status;
  int64_t id = int64_t(indices.get(best));
  for (int64_t j = 0; j < values.size(); ++j)
    if (values.get(j) == values.get(best))
      id = std::min(id, int64_t(indices.get(j)));
  token.set(0, float(id));
  return Status::ok();
}

Status amk::kernels::copy(const BufferView &src, BufferView &out,
                          OptRange colsSpec, int64_t pos) {
  Range cols;
  if (Status status = rangeOf(colsSpec, out.size(), pos, "cols", cols);
      status.failed())
    return status;
  for (int64_t n = cols.lo; n < cols.hi; ++n)
    out.set(n, src.get(n));
  return Status::ok();
}
