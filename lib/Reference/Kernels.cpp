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

#include "Kernels.h"

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace mlir;
using namespace mlir::amk;
using namespace ::amk::reference;
using llvm::Error;
using llvm::Expected;

namespace {
/// A concrete half-open index range.
struct Range {
  int64_t lo, hi;
};
} // namespace

static Error fail(const llvm::Twine &message) {
  return llvm::createStringError(message);
}

/// The range \p attr denotes at \p pos, or `[0, whole)` when absent; an
/// error when it leaves `[0, whole)`.
static Expected<Range> rangeOf(IntervalAttr attr, int64_t whole, int64_t pos,
                               llvm::StringRef what) {
  if (!attr)
    return Range{0, whole};
  auto [lo, hi] = Interval::of(attr).at(pos);
  if (lo < 0 || hi > whole || lo > hi)
    return fail(llvm::formatv("{0} [{1}, {2}) out of bounds [0, {3})", what,
                              lo, hi, whole));
  return Range{lo, hi};
}

/// Reads element \p i of an index buffer (token or position).
static Expected<int64_t> readIndex(const BufferView &buffer, int64_t i = 0) {
  float value = buffer.get(i);
  if (std::isnan(value))
    return fail("reads garbage (NaN) from '" + buffer.name + "'");
  return int64_t(value);
}

static Error runEmbed(EmbedOp op, const StepState &s) {
  BufferView &table = s.view(op.getTable());
  BufferView &out = s.view(op.getOutput());
  Expected<int64_t> token = readIndex(s.view(op.getToken()));
  if (!token)
    return token.takeError();
  int64_t vocab = table.shape.front(), hidden = table.shape.back();
  if (*token < 0 || *token >= vocab)
    return fail(llvm::formatv("token id {0} out of range: vocab is {1}",
                              *token, vocab));
  for (int64_t i = 0; i < hidden; ++i)
    out.set(i, table.get(*token * hidden + i));
  return Error::success();
}

static Error runRMSNorm(RMSNormOp op, const StepState &s) {
  BufferView &in = s.view(op.getInput()), &w = s.view(op.getWeight());
  BufferView &out = s.view(op.getOutput());
  int64_t width = in.size();
  int64_t dim = op.getHeadDim() ? int64_t(*op.getHeadDim()) : width;
  Expected<Range> rows = rangeOf(op.getHeadsAttr(), width / dim, s.pos, "heads");
  if (!rows)
    return rows.takeError();
  float eps = float(op.getEps().convertToDouble());
  for (int64_t r = rows->lo; r < rows->hi; ++r) {
    double squares = 0;
    for (int64_t i = 0; i < dim; ++i)
      squares += double(in.get(r * dim + i)) * in.get(r * dim + i);
    float inv = 1.0f / std::sqrt(float(squares / dim) + eps);
    for (int64_t i = 0; i < dim; ++i)
      out.set(r * dim + i, w.get(i) * (in.get(r * dim + i) * inv));
  }
  return Error::success();
}

static Error runGemv(GemvOp op, const StepState &s) {
  BufferView &w = s.view(op.getWeight()), &in = s.view(op.getInput());
  BufferView &out = s.view(op.getOutput());
  int64_t rows = w.shape[0], k = w.shape[1];
  Expected<Range> cols = rangeOf(op.getColsAttr(), rows, s.pos, "cols");
  if (!cols)
    return cols.takeError();
  for (int64_t n = cols->lo; n < cols->hi; ++n) {
    double sum = 0;
    for (int64_t i = 0; i < k; ++i)
      sum += double(w.get(n * k + i)) * in.get(i);
    float value = float(sum);
    if (op.getBias())
      value += s.view(op.getBias()).get(n);
    if (op.getResidual())
      value = s.view(op.getResidual()).get(n) + value;
    out.set(n, value);
  }
  return Error::success();
}

/// transformers' default inverse frequencies `theta^(-2i/D)`, in fp32.
static std::vector<float> defaultInvFreq(double theta, int64_t dim) {
  std::vector<float> invFreq(dim / 2);
  for (int64_t i = 0; i < dim / 2; ++i)
    invFreq[i] = 1.0f / std::pow(float(theta), float(2 * i) / float(dim));
  return invFreq;
}

/// transformers' `_compute_llama3_parameters` applied to \p invFreq.
static void applyLlama3(std::vector<float> &invFreq, Llama3RopeAttr llama3) {
  float factor = float(llama3.getFactor().convertToDouble());
  float low = float(llama3.getLowFreqFactor().convertToDouble());
  float high = float(llama3.getHighFreqFactor().convertToDouble());
  float orig = float(llama3.getOriginalMaxPosition());
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

static Error runRope(RopeOp op, const StepState &s) {
  BufferView &in = s.view(op.getInput()), &out = s.view(op.getOutput());
  Expected<int64_t> pos = readIndex(s.view(op.getPosition()));
  if (!pos)
    return pos.takeError();
  int64_t dim = op.getHeadDim(), half = dim / 2;
  Expected<Range> heads =
      rangeOf(op.getHeadsAttr(), in.size() / dim, s.pos, "heads");
  if (!heads)
    return heads.takeError();
  std::vector<float> invFreq =
      defaultInvFreq(op.getTheta().convertToDouble(), dim);
  if (Llama3RopeAttr llama3 = op.getLlama3Attr())
    applyLlama3(invFreq, llama3);
  for (int64_t h = heads->lo; h < heads->hi; ++h) {
    for (int64_t i = 0; i < half; ++i) {
      float angle = float(*pos) * invFreq[i];
      float c = std::cos(angle), sn = std::sin(angle);
      float a = in.get(h * dim + i), b = in.get(h * dim + i + half);
      out.set(h * dim + i, a * c - b * sn);
      out.set(h * dim + i + half, b * c + a * sn);
    }
  }
  return Error::success();
}

static Error runKVAppend(KVAppendOp op, const StepState &s) {
  BufferView &in = s.view(op.getInput()), &cache = s.view(op.getCache());
  int64_t rows = cache.shape[0], kvHeads = cache.shape[1], dim = cache.shape[2];
  int64_t row = s.pos;
  if (op.getRow()) {
    row = int64_t(*op.getRow());
  } else {
    Expected<int64_t> pos = readIndex(s.view(op.getPosition()));
    if (!pos)
      return pos.takeError();
    row = *pos;
  }
  if (row < 0 || row >= rows)
    return fail(llvm::formatv("row {0} out of range: '{1}' has {2} rows", row,
                              cache.name, rows));
  Expected<Range> heads = rangeOf(op.getHeadsAttr(), kvHeads, s.pos, "heads");
  if (!heads)
    return heads.takeError();
  for (int64_t h = heads->lo; h < heads->hi; ++h)
    for (int64_t i = 0; i < dim; ++i)
      cache.set((row * kvHeads + h) * dim + i, in.get(h * dim + i));
  return Error::success();
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
static HeadResult attendHead(AttentionOp op, const StepState &s, int64_t head,
                             Range rows) {
  BufferView &q = s.view(op.getQuery());
  BufferView &keys = s.view(op.getKeyCache());
  BufferView &values = s.view(op.getValueCache());
  int64_t kvHeads = keys.shape[1], dim = keys.shape[2];
  int64_t group = q.size() / dim / kvHeads, kvHead = head / group;
  float scale = float(op.getScale().convertToDouble());
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
static Expected<Range> attendedRows(AttentionOp op, const StepState &s,
                                    int64_t pos) {
  int64_t rows = s.view(op.getKeyCache()).shape[0];
  Expected<Range> kv = rangeOf(op.getKvAttr(), rows, pos, "kv");
  if (!kv)
    return kv.takeError();
  kv->hi = std::min(kv->hi, pos + 1);
  if (op.getWindow())
    kv->lo = std::max(kv->lo, pos - int64_t(*op.getWindow()) + 1);
  kv->lo = std::min(kv->lo, kv->hi);
  return kv;
}

/// Stores one head's result: normalized (full form) or as a split-KV
/// partial with its (max, sum) statistics.
static void storeHead(AttentionOp op, const StepState &s, int64_t head,
                      const HeadResult &result) {
  BufferView &out = s.view(op.getOutput());
  int64_t dim = result.acc.size();
  if (!op.getStats()) {
    for (int64_t i = 0; i < dim; ++i)
      out.set(head * dim + i, result.acc[i] / result.sum);
    return;
  }
  BufferView &stats = s.view(op.getStats());
  int64_t slot = int64_t(*op.getSlot()), width = out.shape.back();
  int64_t heads = stats.shape[1];
  for (int64_t i = 0; i < dim; ++i)
    out.set(slot * width + head * dim + i, result.acc[i]);
  stats.set((slot * heads + head) * 2, result.max);
  stats.set((slot * heads + head) * 2 + 1, result.sum);
}

static Error runAttention(AttentionOp op, const StepState &s) {
  Expected<int64_t> pos = readIndex(s.view(op.getPosition()));
  if (!pos)
    return pos.takeError();
  Expected<Range> rows = attendedRows(op, s, *pos);
  if (!rows)
    return rows.takeError();
  int64_t dim = s.view(op.getKeyCache()).shape[2];
  int64_t numHeads = s.view(op.getQuery()).size() / dim;
  Expected<Range> heads = rangeOf(op.getHeadsAttr(), numHeads, *pos, "heads");
  if (!heads)
    return heads.takeError();
  for (int64_t h = heads->lo; h < heads->hi; ++h)
    storeHead(op, s, h, attendHead(op, s, h, *rows));
  return Error::success();
}

static Error runAttentionCombine(AttentionCombineOp op, const StepState &s) {
  BufferView &partial = s.view(op.getPartial());
  BufferView &stats = s.view(op.getStats());
  BufferView &out = s.view(op.getOutput());
  int64_t splits = stats.shape[0], numHeads = stats.shape[1];
  int64_t width = partial.shape.back(), dim = width / numHeads;
  Expected<Range> heads = rangeOf(op.getHeadsAttr(), numHeads, s.pos, "heads");
  if (!heads)
    return heads.takeError();
  for (int64_t h = heads->lo; h < heads->hi; ++h) {
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
  return Error::success();
}

/// Applies \p fn elementwise over the columns of a binary op.
template <typename OpT, typename Fn>
static Error runBinary(OpT op, const StepState &s, Fn fn) {
  BufferView &lhs = s.view(op.getLhs()), &rhs = s.view(op.getRhs());
  BufferView &out = s.view(op.getOutput());
  Expected<Range> cols = rangeOf(op.getColsAttr(), out.size(), s.pos, "cols");
  if (!cols)
    return cols.takeError();
  for (int64_t n = cols->lo; n < cols->hi; ++n)
    out.set(n, fn(lhs.get(n), rhs.get(n)));
  return Error::success();
}

/// Index of the largest of `logits[cols]`, lowest on ties; an error on NaN.
static Expected<int64_t> argmaxOf(const BufferView &logits, Range cols) {
  int64_t best = cols.lo;
  for (int64_t n = cols.lo; n < cols.hi; ++n) {
    if (std::isnan(logits.get(n)))
      return fail(llvm::formatv("reads garbage (NaN) from '{0}' at {1}",
                                logits.name, n));
    if (logits.get(n) > logits.get(best))
      best = n;
  }
  return best;
}

static Error runArgmax(ArgmaxOp op, const StepState &s) {
  BufferView &logits = s.view(op.getLogits());
  Expected<int64_t> best = argmaxOf(logits, Range{0, logits.size()});
  if (!best)
    return best.takeError();
  s.view(op.getToken()).set(0, float(*best));
  return Error::success();
}

static Error runArgmaxPartial(ArgmaxPartialOp op, const StepState &s) {
  BufferView &logits = s.view(op.getLogits());
  Expected<Range> cols =
      rangeOf(op.getColsAttr(), logits.size(), s.pos, "cols");
  if (!cols)
    return cols.takeError();
  Expected<int64_t> best = argmaxOf(logits, *cols);
  if (!best)
    return best.takeError();
  int64_t slot = int64_t(op.getSlot());
  s.view(op.getValues()).set(slot, logits.get(*best));
  s.view(op.getIndices()).set(slot, float(*best));
  return Error::success();
}

static Error runArgmaxReduce(ArgmaxReduceOp op, const StepState &s) {
  BufferView &values = s.view(op.getValues());
  BufferView &indices = s.view(op.getIndices());
  Expected<int64_t> best = argmaxOf(values, Range{0, values.size()});
  if (!best)
    return best.takeError();
  int64_t token = int64_t(indices.get(*best));
  for (int64_t j = 0; j < values.size(); ++j)
    if (values.get(j) == values.get(*best))
      token = std::min(token, int64_t(indices.get(j)));
  s.view(op.getToken()).set(0, float(token));
  return Error::success();
}

static Error runCopy(CopyOp op, const StepState &s) {
  BufferView &src = s.view(op.getSource()), &out = s.view(op.getOutput());
  Expected<Range> cols = rangeOf(op.getColsAttr(), out.size(), s.pos, "cols");
  if (!cols)
    return cols.takeError();
  for (int64_t n = cols->lo; n < cols->hi; ++n)
    out.set(n, src.get(n));
  return Error::success();
}

static float silu(float x) { return x / (1.0f + std::exp(-x)); }

namespace amk::reference {
Error executeComputeOp(Operation *op, const StepState &state) {
  return llvm::TypeSwitch<Operation *, Error>(op)
      .Case([&](EmbedOp o) { return runEmbed(o, state); })
      .Case([&](RMSNormOp o) { return runRMSNorm(o, state); })
      .Case([&](GemvOp o) { return runGemv(o, state); })
      .Case([&](RopeOp o) { return runRope(o, state); })
      .Case([&](KVAppendOp o) { return runKVAppend(o, state); })
      .Case([&](AttentionOp o) { return runAttention(o, state); })
      .Case([&](AttentionCombineOp o) { return runAttentionCombine(o, state); })
      .Case([&](SiluMulOp o) {
        return runBinary(o, state, [](float g, float u) { return silu(g) * u; });
      })
      .Case([&](AddOp o) {
        return runBinary(o, state, [](float a, float b) { return a + b; });
      })
      .Case([&](ArgmaxOp o) { return runArgmax(o, state); })
      .Case([&](ArgmaxPartialOp o) { return runArgmaxPartial(o, state); })
      .Case([&](ArgmaxReduceOp o) { return runArgmaxReduce(o, state); })
      .Case([&](CopyOp o) { return runCopy(o, state); })
      .Case([&](OpaqueOp o) {
        return fail("cannot execute amk.opaque \"" + o.getOpKind() + "\"");
      })
      .Default([&](Operation *other) {
        return fail("cannot execute " + other->getName().getStringRef());
      });
}
} // namespace amk::reference
