//===- CpuBackend.cpp - Execute the task table on the CPU -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Runs the manifest's task table as the GPU would: the arenas hold the
// buffers' own bytes at the layout's offsets, event counters persist across
// steps with thresholds scaled by the epoch, and each worker runs its queue
// in order while its head descriptor's waits hold; a worker whose head waits
// is parked on that event until it is signalled. Workers left parked when
// none can run are a deadlock, reported as the watchdog reports it. Scratch and the io outputs are filled with 0xFF bytes (NaN,
// or -1 for integers) before every step so that a read of an unwritten
// value shows.
//
//===----------------------------------------------------------------------===//

#include "Backends.h"

#include "AMK/Support/StorageModel.h"

#include <chrono>
#include <deque>
#include <cmath>
#include <cstring>

using namespace amk::runtime;
namespace kernels = amk::kernels;
using amk::kernels::BufferView;
using amk::kernels::OptRange;
using amk::kernels::RangeSpec;

namespace {
class CpuBackend : public Backend {
public:
  /// Allocates the arenas of \p layout for KV caches of \p rows rows.
  CpuBackend(const Manifest &m, const Layout &layout, int64_t rows);
  Status bindWeights(const Checkpoint &checkpoint);
  Status step(int32_t token, int32_t pos, uint32_t epoch,
              std::vector<float> *logits, int64_t &next, double &ms) override;
  std::string device() const override { return "cpu"; }
  std::string nonFiniteOrigin() const override { return firstNonFinite; }

private:
  /// The descriptor worker \p w runs next, or -1 when its queue is done.
  int64_t head(int64_t w) const {
    int64_t d = m.queues[w] + cursor[w];
    return d < m.queues[w + 1] ? d : -1;
  }
  /// The first wait of descriptor \p d that does not hold, or -1.
  int64_t failingWait(int64_t d, uint32_t epoch) const;
  Status runBody(int64_t d, int32_t pos);
  Status runOp(const OpSpec &op, int64_t args, int32_t pos);
  void noteNonFinite(int64_t d, const OpSpec &op, int64_t args);
  /// Runs worker \p w's queue until it is done or its head waits on an
  /// event that does not hold (the worker is then parked on it).
  Status advance(int64_t w, int32_t pos, uint32_t epoch, int64_t &remaining);
  Status runQueues(int32_t pos, uint32_t epoch);
  /// Counts a signal of \p event (none when negative) and wakes the
  /// workers parked on it.
  void signal(int32_t event);

  const Manifest &m;
  std::vector<unsigned char> arenas[kNumArenas];
  /// The view of each buffer id (empty for unused ids).
  std::vector<BufferView> views;
  std::vector<uint32_t> counts;
  /// Per worker: descriptors done this step, and whether the head
  /// descriptor's early signal (flag 1) was given.
  std::vector<int64_t> cursor;
  std::vector<bool> arrived;
  /// Per event: the workers whose head waits on it; the workers to run.
  /// Each worker is in at most one of these, so a step costs time linear
  /// in the table plus the signals, not descriptors x workers.
  std::vector<std::vector<int64_t>> parked;
  std::deque<int64_t> ready;
  /// The first task of this step whose output went non-finite, or "".
  std::string firstNonFinite;
};
} // namespace

CpuBackend::CpuBackend(const Manifest &m, const Layout &layout, int64_t rows)
    : m(m), views(m.bufferIndex.size()) {
  for (int a = 0; a < kNumArenas; ++a)
    arenas[a].assign(layout.arenaBytes[a], 0);
  for (size_t i = 0; i < m.buffers.size(); ++i) {
    const ManifestBuffer &buffer = m.buffers[i];
    views[buffer.id] = BufferView{
        buffer.name, buffer.dtype, buffer.shape,
        arenas[int(buffer.arena)].data() + layout.offsets[i],
        kernels::Storage::Packed};
    // KV caches may hold fewer rows than their shape says (--max-seq).
    views[buffer.id].limit = buffer.arena == Arena::KV
                                 ? buffer.elements() / buffer.shape[0] * rows
                                 : views[buffer.id].size();
  }
  for (const ManifestEvent &event : m.events)
    counts.push_back(event.init);
}

Status CpuBackend::bindWeights(const Checkpoint &checkpoint) {
  return checkpoint.bind(
      m, [&](const ManifestBuffer &buffer, const unsigned char *bytes) {
        std::memcpy(views[buffer.id].data, bytes, buffer.bytes);
        return Status::ok();
      });
}

int64_t CpuBackend::failingWait(int64_t d, uint32_t epoch) const {
  for (int64_t i = 0; i < m.word(d, 3); ++i) {
    const int32_t *wait = &m.waits[(m.word(d, 2) + i) * kWaitWords];
    uint32_t threshold = uint32_t(wait[1]) + epoch * uint32_t(wait[2]);
    if (counts[wait[0]] < threshold)
      return m.word(d, 2) + i;
  }
  return -1;
}

/// The range of integer arguments \p lo, \p hi.
static OptRange range(int32_t lo, int32_t hi) { return RangeSpec::of(lo, hi); }

Status CpuBackend::runOp(const OpSpec &op, int64_t args, int32_t pos) {
  auto buf = [&](int i) -> BufferView & { return views[m.args[args + i]]; };
  const int32_t *ints = &m.args[args + op.buffers];
  kernels::Status status;
  switch (op.kind) {
  case OpKind::Embed:
    status = kernels::embed(buf(0), buf(1), buf(2));
    break;
  case OpKind::RMSNorm:
    status = kernels::rmsnorm(buf(0), buf(1), buf(2), op.headDim,
                              range(ints[0], ints[1]), op.eps, pos);
    break;
  case OpKind::Gemv:
    status = kernels::gemv(buf(0), buf(1), buf(2), op.bias ? &buf(3) : nullptr,
                           op.residual ? &buf(3 + op.bias) : nullptr,
                           range(ints[0], ints[1]), pos);
    break;
  case OpKind::Rope:
    status = kernels::rope(buf(0), buf(1), buf(2), op.headDim, op.theta,
                           op.llama3, range(ints[0], ints[1]), pos);
    break;
  case OpKind::KVAppend: {
    std::optional<int64_t> row;
    if (ints[2] >= 0)
      row = ints[2];
    status = kernels::kvAppend(buf(0), buf(1), buf(2), row,
                               range(ints[0], ints[1]), pos);
    break;
  }
  case OpKind::Attention: {
    kernels::AttentionArgs a{&buf(0), &buf(1), &buf(2), &buf(3), &buf(4)};
    if (op.partial)
      a.stats = &buf(5);
    a.heads = range(ints[0], ints[1]);
    a.kv = RangeSpec{ints[2], ints[3], bool(ints[4] & 1), bool(ints[4] & 2)};
    a.slot = ints[5];
    a.scale = op.scale;
    a.packed = op.packed;
    if (op.window)
      a.window = op.window;
    status = kernels::attention(a);
    break;
  }
  case OpKind::AttentionCombine:
    status = kernels::attentionCombine(buf(0), buf(1), buf(2),
                                       range(ints[0], ints[1]), pos);
    break;
  case OpKind::AttentionMerge: {
    std::vector<const BufferView *> partials;
    for (int i = 0; i + 1 < op.buffers; ++i)
      partials.push_back(&buf(i));
    status = kernels::attentionMerge(partials, buf(op.buffers - 1));
    break;
  }
  case OpKind::SiluMul:
    status = kernels::siluMul(buf(0), buf(1), buf(2), range(ints[0], ints[1]),
                              pos);
    break;
  case OpKind::Add:
    status =
        kernels::add(buf(0), buf(1), buf(2), range(ints[0], ints[1]), pos);
    break;
  case OpKind::Argmax:
    status = kernels::argmax(buf(0), buf(1));
    break;
  case OpKind::ArgmaxPartial:
    status = kernels::argmaxPartial(buf(0), buf(1), buf(2), ints[0],
                                    range(ints[1], ints[2]), pos);
    break;
  case OpKind::ArgmaxReduce:
    status = kernels::argmaxReduce(buf(0), buf(1), buf(2));
    break;
  case OpKind::Copy:
    status = kernels::copy(buf(0), buf(1),
                           op.cols ? range(ints[0], ints[1]) : OptRange(),
                           pos);
    break;
  }
  // An access outside a buffer explains any error it caused downstream.
  for (int i = 0; i < op.buffers; ++i) {
    const BufferView &view = buf(i);
    if (view.badIndex < 0)
      continue;
    int64_t index = view.badIndex;
    view.badIndex = -1;
    return Status::error("index " + std::to_string(index) + " is outside '" +
                         view.name + "' (" + std::to_string(view.limit) +
                         " elements)");
  }
  if (status.failed())
    return Status::error(status.error);
  return Status::ok();
}

/// Whether element \p i of \p view holds the 0xFF bytes scratch is filled
/// with before a step (an unwritten element, not a computed NaN).
static bool isFill(const BufferView &view, int64_t i) {
  unsigned bits = kernels::dtypeBits(view.dtype);
  auto at = ::amk::storage::addressOf(i, bits);
  const unsigned char *bytes =
      static_cast<const unsigned char *>(view.data) + at.byte;
  if (::amk::storage::isPacked(bits)) {
    uint32_t mask = ::amk::storage::elementMask(bits);
    return ((bytes[0] >> at.shift) & mask) == mask;
  }
  for (unsigned b = 0; b < bits / 8; ++b)
    if (bytes[b] != 0xff)
      return false;
  return true;
}

void CpuBackend::noteNonFinite(int64_t d, const OpSpec &op, int64_t args) {
  // The partial attention forms write -inf statistics for empty row ranges;
  // KV caches are read (and checked) through attention's output.
  if (!firstNonFinite.empty() ||
      (op.kind == OpKind::Attention && (op.partial || op.packed)))
    return;
  for (int i = 0; i < op.buffers; ++i) {
    const ManifestBuffer &buffer = m.buffer(m.args[args + i]);
    if (!writesOperand(op, i) || buffer.arena == Arena::KV ||
        (buffer.dtype != kernels::DType::F32 &&
         buffer.dtype != kernels::DType::F16 &&
         buffer.dtype != kernels::DType::BF16))
      continue;
    const BufferView &view = views[buffer.id];
    for (int64_t e = 0; e < view.limit; ++e) {
      float value = view.get(e);
      if (std::isfinite(value) || isFill(view, e))
        continue;
      firstNonFinite = "task \"" + m.tasks[m.word(d, 5)] + "\" (" + op.name +
                       ") left " + std::to_string(value) + " in '" +
                       buffer.name + "' at " + std::to_string(e);
      return;
    }
  }
}

Status CpuBackend::runBody(int64_t d, int32_t pos) {
  int32_t variant = m.word(d, 0);
  if (variant < 0)
    return Status::ok();
  int64_t args = m.word(d, 4);
  for (const OpSpec &op : m.variants[variant].ops) {
    if (Status status = runOp(op, args, pos); status.failed())
      return Status::error(
          "task \"" + m.tasks[m.word(d, 5)] + "\" (" + op.name +
          "): " + status.message +
          (firstNonFinite.empty()
               ? ""
               : "; the first non-finite value: " + firstNonFinite));
    noteNonFinite(d, op, args);
    args += op.buffers + op.ints;
  }
  return Status::ok();
}

void CpuBackend::signal(int32_t event) {
  if (event < 0)
    return;
  ++counts[event];
  for (int64_t w : parked[event])
    ready.push_back(w);
  parked[event].clear();
}

Status CpuBackend::advance(int64_t w, int32_t pos, uint32_t epoch,
                           int64_t &remaining) {
  for (int64_t d = head(w); d >= 0; d = head(w)) {
    bool arriveFirst = m.word(d, 6) & kFlagArriveFirst;
    if (arriveFirst && !arrived[w]) {
      signal(m.word(d, 1));
      arrived[w] = true;
    }
    if (int64_t wait = failingWait(d, epoch); wait >= 0) {
      parked[m.waits[wait * kWaitWords]].push_back(w);
      return Status::ok();
    }
    if (Status status = runBody(d, pos); status.failed())
      return status;
    if (!arriveFirst)
      signal(m.word(d, 1));
    ++cursor[w];
    arrived[w] = false;
    --remaining;
  }
  return Status::ok();
}

Status CpuBackend::runQueues(int32_t pos, uint32_t epoch) {
  cursor.assign(m.grid, 0);
  arrived.assign(m.grid, false);
  parked.assign(m.events.size(), {});
  ready.clear();
  for (int64_t w = 0; w < m.grid; ++w)
    ready.push_back(w);
  int64_t remaining = m.numDescriptors();
  while (!ready.empty()) {
    int64_t w = ready.front();
    ready.pop_front();
    if (Status status = advance(w, pos, epoch, remaining); status.failed())
      return status;
  }
  if (!remaining)
    return Status::ok();
  // Every unfinished worker is parked on a wait that no signal can now
  // satisfy: report the lowest-numbered one's first, as the watchdog would.
  for (int64_t w = 0; w < m.grid; ++w) {
    int64_t d = head(w);
    if (d < 0)
      continue;
    const int32_t *wait = &m.waits[failingWait(d, epoch) * kWaitWords];
    return Status::error(
        "deadlock: " +
            describeStuckWait(m, m.word(d, 5), w, wait[0], counts[wait[0]],
                              uint32_t(wait[1]) + epoch * uint32_t(wait[2])),
        ErrorCode::Watchdog);
  }
  return Status::ok();
}

Status CpuBackend::step(int32_t token, int32_t pos, uint32_t epoch,
                        std::vector<float> *logits, int64_t &next,
                        double &ms) {
  auto start = std::chrono::steady_clock::now();
  firstNonFinite.clear();
  std::fill(arenas[int(Arena::Scratch)].begin(),
            arenas[int(Arena::Scratch)].end(), 0xff);
  // Inputs the runtime does not drive (the paper tool's `reshape_id0`)
  // keep the zeros they were allocated with.
  for (const ManifestBuffer &buffer : m.buffers)
    if (buffer.arena == Arena::IO && buffer.kind == "output")
      std::memset(views[buffer.id].data, 0xff, buffer.bytes);
  views[m.roles.tokens].set(0, float(token));
  views[m.roles.position].set(0, float(pos));
  if (Status status = runQueues(pos, epoch); status.failed())
    return status;
  if (m.roles.nextToken >= 0) {
    const BufferView &chosen = views[m.roles.nextToken];
    next = int64_t(chosen.get(0));
    if (next < 0)
      return Status::error("'" + chosen.name + "' was not written");
  }
  if (logits) {
    const BufferView &values = views[m.roles.logits];
    logits->resize(values.size());
    for (int64_t i = 0; i < values.size(); ++i)
      (*logits)[i] = values.get(i);
  }
  ms = std::chrono::duration<double, std::milli>(
           std::chrono::steady_clock::now() - start)
           .count();
  return Status::ok();
}

Status amk::runtime::createCpuBackend(const Manifest &manifest,
                                      const Layout &layout, int64_t rows,
                                      const Checkpoint *checkpoint,
                                      std::unique_ptr<Backend> &out) {
  auto backend = std::make_unique<CpuBackend>(manifest, layout, rows);
  if (checkpoint)
    if (Status status = backend->bindWeights(*checkpoint); status.failed())
      return status;
  out = std::move(backend);
  return Status::ok();
}
