//===- Model.cpp - A concrete, flattened view of an amk.program -----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Oracle/Model.h"

#include "AMK/Kernels/Numeric.h"
#include "AMK/Support/StorageModel.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::oracle;

namespace {
/// Builds a Model op by op; keeps the maps from IR values to indices.
class ModelBuilder {
public:
  ModelBuilder(ProgramOp program, int64_t position) : program(program) {
    model.position = position;
  }
  Model build();

private:
  void addStorages();
  void addTask(TaskOp task);
  void addBarrier(BarrierOp barrier);
  void checkWorker(const TaskInfo &task);
  SmallVector<ByteRange, 4> ownReads(const Footprint &read,
                                     ArrayRef<Footprint> earlier,
                                     StringRef task);
  void noteAppend(const Footprint &write);
  void checkValues(Operation *op, StringRef task);
  std::optional<int64_t> maxIndex(Value buffer, unsigned depth);
  void checkOwnAccesses(Operation *op, ArrayRef<Footprint> footprints,
                        ArrayRef<OpOperand *> operands, StringRef task);
  std::optional<Footprint> flatten(const Access &access, StringRef task);
  void report(StringRef kind, const Twine &message) {
    model.staticFindings.push_back({kind.str(), message.str()});
  }

  ProgramOp program;
  Model model;
  DenseMap<Value, unsigned> bufferIndex, eventIndex;
  SmallVector<Value> bufferValues;
  std::optional<int64_t> sms;
};
} // namespace

/// The largest buffer whose bytes the oracle tracks one by one.
static constexpr int64_t kMaxTrackedBytes = int64_t(1) << 30;

/// The storage layout (amk::storage) of a buffer of `type`; std::nullopt
/// when its size is absurd.
static std::optional<::amk::storage::BufferLayout> layoutOf(MemRefType type) {
  ArrayRef<int64_t> shape = type.getShape();
  std::optional<int64_t> elements =
      ::amk::storage::checkedProduct(shape.data(), shape.size());
  if (!elements)
    return std::nullopt;
  ::amk::storage::BufferLayout layout{type.getElementTypeBitWidth(),
                                      *elements};
  if (!layout.bytes())
    return std::nullopt;
  return layout;
}

/// `ranges` minus every range in `minus`.
static SmallVector<ByteRange, 4> subtract(ArrayRef<ByteRange> ranges,
                                          ArrayRef<ByteRange> minus) {
  SmallVector<ByteRange, 4> result(ranges.begin(), ranges.end());
  for (ByteRange cut : minus) {
    SmallVector<ByteRange, 4> next;
    for (ByteRange r : result) {
      if (cut.hi <= r.lo || r.hi <= cut.lo) {
        next.push_back(r);
        continue;
      }
      if (r.lo < cut.lo)
        next.push_back({r.lo, cut.lo});
      if (cut.hi < r.hi)
        next.push_back({cut.hi, r.hi});
    }
    result = std::move(next);
  }
  return result;
}

void ModelBuilder::addStorages() {
  DenseMap<Value, unsigned> pageStorage;
  for (PageOp page : program.getBody()->getOps<PageOp>()) {
    pageStorage[page.getResult()] = model.storageBytes.size();
    model.storageBytes.push_back(page.getBytes());
  }
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>()) {
    MemRefType type = buffer.getType();
    std::optional<::amk::storage::BufferLayout> layout = layoutOf(type);
    if (!layout)
      report("too-large", "buffer '" + buffer.getName() +
                              "' is larger than the storage model allows");
    if (layout && *layout->bytes() > kMaxTrackedBytes) {
      report("too-large", "buffer '" + buffer.getName() + "' has " +
                              Twine(*layout->bytes()) +
                              " bytes, more than the oracle tracks");
      layout.reset();
    }
    BufferInfo info{buffer.getName().str(), buffer.getKind(), 0,
                    layout ? *layout->bytes() : 0};
    info.elementBits = type.getElementTypeBitWidth();
    info.valid = layout.has_value();
    if (buffer.getKind() == BufferKind::KVCache) {
      info.kvRows = type.getDimSize(0);
      if (model.position >= info.kvRows)
        report("out-of-bounds", "position " + Twine(model.position) +
                                    " is outside KV cache '" + info.name +
                                    "' of " + Twine(info.kvRows) + " rows");
      info.rowBytes = info.bytes / info.kvRows;
    }
    if (Value page = buffer.getPage()) {
      info.storage = pageStorage.lookup(page);
      int64_t &pageBytes = model.storageBytes[info.storage];
      if (info.bytes > pageBytes)
        report("out-of-bounds", "buffer '" + info.name + "' (" +
                                    Twine(info.bytes) +
                                    " bytes) does not fit its page");
      pageBytes = std::max(pageBytes, info.bytes);
    } else {
      info.storage = model.storageBytes.size();
      model.storageBytes.push_back(info.bytes);
    }
    bufferIndex[buffer.getResult()] = model.buffers.size();
    bufferValues.push_back(buffer.getResult());
    model.buffers.push_back(std::move(info));
  }
}

/// Appends to `out` the byte ranges of the box `[lo, hi)` of `shape`
/// (row-major, `bits` bits per element, from dimension `dim` on, starting
/// at bit `base`); a range of sub-byte elements covers every byte it
/// touches.
static void appendRanges(ArrayRef<int64_t> shape, ArrayRef<int64_t> lo,
                         ArrayRef<int64_t> hi, int64_t bits, unsigned dim,
                         int64_t base, SmallVectorImpl<ByteRange> &out) {
  int64_t stride = bits;
  for (int64_t extent : shape.drop_front(dim + 1))
    stride *= extent;
  if (dim + 1 == shape.size()) {
    ByteRange range{(base + lo[dim] * stride) / 8,
                    (base + hi[dim] * stride + 7) / 8};
    if (!out.empty() && out.back().hi >= range.lo)
      out.back().hi = std::max(out.back().hi, range.hi);
    else
      out.push_back(range);
    return;
  }
  for (int64_t i = lo[dim]; i < hi[dim]; ++i)
    appendRanges(shape, lo, hi, bits, dim + 1, base + i * stride, out);
}

std::optional<Footprint> ModelBuilder::flatten(const Access &access,
                                            StringRef task) {
  unsigned buffer = bufferIndex.lookup(access.buffer);
  if (!model.buffers[buffer].valid)
    return std::nullopt;
  auto type = cast<MemRefType>(access.buffer.getType());
  Footprint region{buffer, access.isWrite(), {}, {}};
  SmallVector<int64_t, 4> lo, hi;
  bool empty = false, outside = false;
  for (auto [interval, extent] : llvm::zip(access.box, type.getShape())) {
    auto [l, h] = interval.at(model.position);
    region.box.emplace_back(l, h);
    outside |= l < 0 || h > extent;
    lo.push_back(std::clamp<int64_t>(l, 0, extent));
    hi.push_back(std::clamp<int64_t>(h, 0, extent));
    empty |= lo.back() >= hi.back();
  }
  if (outside)
    report("out-of-bounds", "task '" + task + "' " +
                                (access.isWrite() ? "writes " : "reads ") +
                                model.describe(region) +
                                " outside the buffer's shape at pos " +
                                Twine(model.position));
  if (empty)
    return std::nullopt;
  appendRanges(type.getShape(), lo, hi, model.buffers[buffer].elementBits, 0,
               ::amk::storage::kOffsetOnPage * 8, region.ranges);
  return region;
}

std::string Model::describe(const Footprint &footprint) const {
  std::string text = "'" + buffers[footprint.buffer].name + "'";
  for (auto [lo, hi] : footprint.box)
    text += "[" + std::to_string(lo) + ", " + std::to_string(hi) + ")";
  return text;
}

/// True when `a` and `b` share a byte.
static bool sharesByte(ArrayRef<ByteRange> a, ArrayRef<ByteRange> b) {
  for (ByteRange x : a)
    for (ByteRange y : b)
      if (x.lo < y.hi && y.lo < x.hi)
        return true;
  return false;
}

/// An op's threads run concurrently: two accesses of one storage by one op,
/// at least one a write, race unless they are a read and a write the op
/// computes in place through their operands and both are the same bytes.
void ModelBuilder::checkOwnAccesses(Operation *op,
                                    ArrayRef<Footprint> footprints,
                                    ArrayRef<OpOperand *> operands,
                                    StringRef task) {
  auto access = cast<AccessOpInterface>(op);
  for (auto [w, write] : llvm::enumerate(footprints)) {
    if (!write.write)
      continue;
    for (auto [r, read] : llvm::enumerate(footprints)) {
      const BufferInfo &x = model.buffers[read.buffer];
      const BufferInfo &y = model.buffers[write.buffer];
      if (r == w || (read.write && r < w) || x.storage != y.storage ||
          !sharesByte(read.ranges, write.ranges))
        continue;
      bool same =
          x.elementBits == y.elementBits &&
          llvm::equal(read.ranges, write.ranges, [](ByteRange a, ByteRange b) {
            return a.lo == b.lo && a.hi == b.hi;
          });
      if (!read.write && same && operands[r] && operands[w] &&
          access.allowsInPlace(*operands[r], *operands[w]))
        continue;
      report("race", "'" + op->getName().getStringRef() + "' in task '" + task +
                         "' " + (read.write ? "writes " : "reads ") +
                         model.describe(read) + " and writes " +
                         model.describe(write) + ", which share memory");
    }
  }
}

/// The value a copy into `output` leaves from the integer `value`, as the
/// runtime's kernels convert it (through fp32, then kernels::roundTo the
/// output's type), or std::nullopt when it is not finite, does not fit the
/// output's integer type or the type is not one the kernels know.
static std::optional<int64_t> copiedIndex(int64_t value, Value output) {
  Type type = cast<MemRefType>(output.getType()).getElementType();
  namespace kernels = ::amk::kernels;
  std::optional<kernels::DType> dtype;
  if (type.isF32())
    dtype = kernels::DType::F32;
  else if (type.isF16())
    dtype = kernels::DType::F16;
  else if (type.isBF16())
    dtype = kernels::DType::BF16;
  else if (type.isInteger(32))
    dtype = kernels::DType::I32;
  if (!dtype)
    return std::nullopt;
  float converted = kernels::roundTo(*dtype, float(value));
  if (!std::isfinite(converted) ||
      (*dtype == kernels::DType::I32 && std::fabs(converted) >= 2147483648.0f))
    return std::nullopt;
  return int64_t(converted);
}

/// The largest value any writer of the i32 `buffer` in the program can
/// leave in it, when every writer is an index producer (argmax ops, copy).
std::optional<int64_t> ModelBuilder::maxIndex(Value buffer, unsigned depth) {
  std::optional<int64_t> result;
  if (depth > 8)
    return std::nullopt;
  for (Operation *user : buffer.getUsers()) {
    SmallVector<Access> accesses;
    cast<AccessOpInterface>(user).getAccesses(accesses);
    if (llvm::none_of(accesses, [&](const Access &a) {
          return a.isWrite() && a.buffer == buffer;
        }))
      continue;
    std::optional<int64_t> value =
        llvm::TypeSwitch<Operation *, std::optional<int64_t>>(user)
            .Case([](ArgmaxOp op) -> std::optional<int64_t> {
              return cast<MemRefType>(op.getLogits().getType())
                         .getNumElements() -
                     1;
            })
            .Case([](ArgmaxPartialOp op) -> std::optional<int64_t> {
              if (IntervalAttr cols = op.getColsAttr())
                return cols.getHi() - 1;
              return cast<MemRefType>(op.getLogits().getType())
                         .getNumElements() -
                     1;
            })
            .Case([&](ArgmaxReduceOp op) {
              return maxIndex(op.getIndices(), depth + 1);
            })
            .Case([&](CopyOp op) -> std::optional<int64_t> {
              std::optional<int64_t> source =
                  maxIndex(op.getSource(), depth + 1);
              return source ? copiedIndex(*source, op.getOutput())
                            : std::nullopt;
            })
            .Default([](Operation *) { return std::nullopt; });
    if (!value)
      return std::nullopt;
    result = std::max(result.value_or(0), *value);
  }
  return result;
}

/// Values that pick memory: the position operand of rope, kv_append and
/// attention is the `pos` input the runtime sets (every `pos` bound means
/// it); a token written in the step must select a row of the table.
void ModelBuilder::checkValues(Operation *op, StringRef task) {
  Value position = llvm::TypeSwitch<Operation *, Value>(op)
                       .Case<RopeOp, KVAppendOp, AttentionOp>(
                           [](auto op) { return op.getPosition(); })
                       .Default([](Operation *) { return Value(); });
  if (position) {
    auto buffer = position.getDefiningOp<BufferOp>();
    if (buffer.getKind() != BufferKind::Input || buffer.getName() != "pos")
      report("position-operand", "'" + op->getName().getStringRef() +
                                     "' in task '" + task +
                                     "' reads the position from '" +
                                     buffer.getName() + "', not 'pos'");
  }
  auto embed = dyn_cast<EmbedOp>(op);
  if (!embed)
    return;
  auto token = embed.getToken().getDefiningOp<BufferOp>();
  // The host writes the step's token into the input that an embedding of
  // a read-only table looks up, and the position into 'pos': one buffer
  // cannot hold both.
  auto table = embed.getTable().getDefiningOp<BufferOp>();
  if (token.getKind() == BufferKind::Input && token.getName() == "pos" &&
      table.isReadOnly() && table.getKind() != BufferKind::Input)
    report("aliased-role", "'amk.embed' in task '" + task +
                               "' looks its token up in 'pos', where the "
                               "host writes the position");
  if (token.isReadOnly())
    return;
  std::optional<int64_t> index = maxIndex(embed.getToken(), 0);
  int64_t rows = cast<MemRefType>(embed.getTable().getType()).getDimSize(0);
  if (!index || *index >= rows)
    report("index-out-of-table",
           "'amk.embed' in task '" + task + "' selects a row of '" +
               embed.getTable().getDefiningOp<BufferOp>().getName() +
               "' by '" + token.getName() + "', which may hold " +
               (index ? Twine(*index) : Twine("any value")) + " (" +
               Twine(rows) + " rows)");
}

/// Records the bytes of a KV row that a write at the position's row
/// appends (earlier steps appended the same bytes of their rows).
void ModelBuilder::noteAppend(const Footprint &write) {
  BufferInfo &buffer = model.buffers[write.buffer];
  if (buffer.kind != BufferKind::KVCache || !buffer.rowBytes)
    return;
  int64_t rowLo = model.position * buffer.rowBytes;
  for (ByteRange range : write.ranges) {
    int64_t lo = std::max(range.lo, rowLo);
    int64_t hi = std::min(range.hi, rowLo + buffer.rowBytes);
    if (lo < hi)
      buffer.appendedInRow.push_back({lo - rowLo, hi - rowLo});
  }
}

/// The part of `read` that earlier ops of the same task did not write (to
/// be checked against other tasks when the task starts). Bytes whose last
/// earlier write in the task went through another buffer of the storage
/// are garbage: the task clobbered its own page.
SmallVector<ByteRange, 4> ModelBuilder::ownReads(const Footprint &read,
                                                 ArrayRef<Footprint> earlier,
                                                 StringRef task) {
  SmallVector<ByteRange, 4> remaining(read.ranges.begin(), read.ranges.end());
  for (const Footprint &write : llvm::reverse(earlier)) {
    SmallVector<ByteRange, 4> rest = subtract(remaining, write.ranges);
    bool covered = llvm::any_of(remaining, [&](ByteRange r) {
      return llvm::any_of(write.ranges, [&](ByteRange w) {
        return w.lo < r.hi && r.lo < w.hi;
      });
    });
    if (covered && write.buffer != read.buffer)
      report("garbage-read", "task '" + task + "' reads " +
                                 model.describe(read) + " after writing " +
                                 model.describe(write) +
                                 " over it on the same page");
    remaining = std::move(rest);
  }
  return remaining;
}

void ModelBuilder::checkWorker(const TaskInfo &task) {
  if (task.worker && sms && *task.worker >= *sms)
    report("worker-out-of-grid", "task '" + task.name + "' runs on worker " +
                                     Twine(*task.worker) + " but the target has " +
                                     Twine(*sms) + " SMs");
}

void ModelBuilder::addTask(TaskOp op) {
  TaskInfo task;
  task.name = op.getName().str();
  task.worker = op.getWorker();
  task.queue = op.getQueue();
  for (auto [event, threshold] : llvm::zip(op.getWaits(), op.getThresholds()))
    task.waits.push_back({eventIndex.lookup(event), threshold});
  task.signal = eventIndex.lookup(op.getSignal());
  checkWorker(task);
  if (task.worker)
    model.gridSize = std::max(model.gridSize, *task.worker + 1);
  // Earlier writes of this task, in order, per storage.
  DenseMap<unsigned, SmallVector<Footprint, 4>> ownWrites;
  for (Operation &body : op.getBodyBlock()) {
    SmallVector<Access> accesses;
    cast<AccessOpInterface>(body).getAccesses(accesses);
    SmallVector<Footprint> writes, footprints;
    SmallVector<OpOperand *> operands;
    for (const Access &access : accesses) {
      std::optional<Footprint> region = flatten(access, task.name);
      if (!region)
        continue;
      const BufferInfo &buffer = model.buffers[region->buffer];
      if (region->write && (buffer.kind == BufferKind::Weight ||
                            buffer.kind == BufferKind::Const ||
                            buffer.kind == BufferKind::Input))
        report("readonly-write", "task '" + task.name + "' writes " +
                                     model.describe(*region) + " of a " +
                                     stringifyBufferKind(buffer.kind) +
                                     " buffer");
      if (!region->write) {
        Footprint external = *region;
        external.ranges = ownReads(external, ownWrites[buffer.storage],
                                   task.name);
        if (!external.ranges.empty())
          task.externalReads.push_back(std::move(external));
      } else {
        writes.push_back(*region);
        noteAppend(*region);
      }
      footprints.push_back(*region);
      operands.push_back(access.operand);
      task.accesses.push_back(std::move(*region));
    }
    checkOwnAccesses(&body, footprints, operands, task.name);
    checkValues(&body, task.name);
    for (Footprint &write : writes)
      ownWrites[model.buffers[write.buffer].storage].push_back(write);
  }
  model.tasks.push_back(std::move(task));
}

void ModelBuilder::addBarrier(BarrierOp op) {
  BarrierInfo barrier{op.getName().str(), {}};
  llvm::append_range(barrier.slots, op.getSlots());
  model.gridSize = std::max<int64_t>(model.gridSize, barrier.slots.size());
  model.barriers.push_back(std::move(barrier));
}

Model ModelBuilder::build() {
  if (TargetAttr target = program.getTargetAttr())
    sms = target.getSmCount();
  addStorages();
  for (EventOp event : program.getBody()->getOps<EventOp>()) {
    eventIndex[event.getResult()] = model.events.size();
    model.events.push_back({event.getName().str(), int64_t(event.getInit())});
  }
  for (Operation &op : program.getBody()->getOperations()) {
    if (auto task = dyn_cast<TaskOp>(op))
      addTask(task);
    else if (auto barrier = dyn_cast<BarrierOp>(op))
      addBarrier(barrier);
  }
  model.assigned = model.gridSize > 0;
  if (sms && model.gridSize > *sms)
    report("worker-out-of-grid", "the schedule needs " +
                                     Twine(model.gridSize) +
                                     " workers but the target has " +
                                     Twine(*sms) + " SMs");
  return std::move(model);
}

Model oracle::buildModel(ProgramOp program, int64_t position) {
  return ModelBuilder(program, position).build();
}

/// Adds to `positions` the positions inside `[0, rows)` at which a row
/// bound of a KV-cache access meets another: `pos + a` (a relative bound,
/// or the cap at `pos + 1`, or a window's start) against a constant `c`,
/// and their neighbours.
static void addRowCrossings(ProgramOp program, int64_t rows,
                            SmallVectorImpl<int64_t> &positions) {
  SmallVector<int64_t> relative, constant{0, rows};
  program.walk([&](AccessOpInterface op) {
    SmallVector<Access> accesses;
    op.getAccesses(accesses);
    for (const Access &access : accesses) {
      auto buffer = access.buffer.getDefiningOp<BufferOp>();
      if (!buffer || buffer.getKind() != BufferKind::KVCache)
        continue;
      const Interval &row = access.box.front();
      for (const Bound &bound : {row.lo, row.hi})
        (bound.relative ? relative : constant).push_back(bound.offset);
      if (row.capAtPosition)
        relative.push_back(1);
      if (row.window)
        relative.push_back(1 - row.window);
    }
  });
  for (int64_t a : relative)
    for (int64_t c : constant)
      for (int64_t pos : {c - a - 1, c - a, c - a + 1})
        if (pos >= 0 && pos < rows)
          positions.push_back(pos);
}

SmallVector<int64_t, 4> oracle::positionsToTry(ProgramOp program,
                                               int64_t everyPositionRows) {
  if (std::optional<int64_t> position = program.getPosition())
    return {*position};
  int64_t rows = 0;
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>())
    if (buffer.getKind() == BufferKind::KVCache)
      rows = rows ? std::min(rows, buffer.getType().getDimSize(0))
                  : buffer.getType().getDimSize(0);
  SmallVector<int64_t, 4> positions{0};
  if (rows <= everyPositionRows) {
    for (int64_t pos = 1; pos < rows; ++pos)
      positions.push_back(pos);
    return positions;
  }
  positions.append({1, rows - 1});
  addRowCrossings(program, rows, positions);
  llvm::sort(positions);
  positions.erase(std::unique(positions.begin(), positions.end()),
                  positions.end());
  return positions;
}
