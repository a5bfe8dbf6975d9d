//===- Executor.cpp - CPU reference executor of amk.program ---------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// A step repeatedly runs a ready task: one whose waits hold and which, when
// assigned, is at the head of its worker's queue. A barrier at the head of a
// queue is passed once it is at the head of every worker's queue. When no
// task is ready before all have run, the step reports a deadlock.
//
//===----------------------------------------------------------------------===//

#include "AMK/Reference/Executor.h"
#include "AMK/Support/StorageModel.h"

#include "Kernels.h"
#include "Weights.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>
#include <set>

using namespace mlir;
using namespace mlir::amk;
using namespace ::amk::reference;
using llvm::Error;
using llvm::Expected;

static Error fail(const llvm::Twine &message) {
  return llvm::createStringError(message);
}

Executor::Executor(ProgramOp program, ExecutorOptions options)
    : program(program), maxHostBytes(options.maxHostBytes) {
  if (options.shuffleSeed)
    rng.emplace(*options.shuffleSeed);
}

Expected<std::unique_ptr<Executor>>
Executor::create(ProgramOp program, llvm::StringRef weightsDir,
                 ExecutorOptions options) {
  std::unique_ptr<Executor> executor(new Executor(program, options));
  if (Error err = executor->allocate(weightsDir))
    return std::move(err);
  executor->indexSchedule();
  return executor;
}

/// Number of elements of a buffer.
static int64_t numElements(BufferOp buffer) {
  return buffer.getType().getNumElements();
}

/// Bytes `buffer` takes in the shared storage model; std::nullopt when its
/// size is absurd.
static std::optional<int64_t> storageBytes(BufferOp buffer) {
  ArrayRef<int64_t> shape = buffer.getType().getShape();
  std::optional<int64_t> elements =
      ::amk::storage::checkedProduct(shape.data(), shape.size());
  if (!elements)
    return std::nullopt;
  return ::amk::storage::BufferLayout{
      buffer.getType().getElementTypeBitWidth(), *elements}
      .bytes();
}

/// Host bytes the executor's storage for `program` takes: one float per
/// element of an unpaged buffer, a page as many bytes as its largest buffer.
static uint64_t hostBytes(ProgramOp program) {
  llvm::DenseMap<Value, uint64_t> pageBytes;
  uint64_t bytes = 0;
  for (BufferOp buffer : program.getOps<BufferOp>()) {
    if (Value page = buffer.getPage()) {
      uint64_t &largest = pageBytes[page];
      largest = std::max<uint64_t>(largest, storageBytes(buffer).value_or(0));
    } else {
      bytes += numElements(buffer) * sizeof(float);
    }
  }
  for (auto [page, count] : pageBytes)
    bytes += count;
  return bytes;
}

Error Executor::allocate(llvm::StringRef weightsDir) {
  uint64_t needed = hostBytes(program);
  if (needed > maxHostBytes)
    return fail(llvm::formatv("the program's buffers need {0} bytes of host "
                              "memory, more than the limit of {1}",
                              needed, maxHostBytes));
  llvm::DenseMap<Value, unsigned> pageStorage;
  llvm::DenseMap<Value, unsigned> bufferStorage;
  for (PageOp page : program.getOps<PageOp>()) {
    pageStorage[page.getResult()] = pageBytes.size();
    pageBytes.emplace_back();
  }
  for (BufferOp buffer : program.getOps<BufferOp>()) {
    std::optional<int64_t> bytes = storageBytes(buffer);
    if (!bytes)
      return fail("buffer '" + buffer.getName() + "' is too large");
    if (Value page = buffer.getPage()) {
      auto pageOp = page.getDefiningOp<PageOp>();
      if (!::amk::storage::fitsPage(*bytes, pageOp.getBytesAttr().getInt()))
        return fail("buffer '" + buffer.getName() + "' (" + Twine(*bytes) +
                    " bytes) does not fit its page '" + pageOp.getName() +
                    "'");
      std::vector<unsigned char> &data = pageBytes[pageStorage[page]];
      data.resize(std::max<size_t>(data.size(), *bytes), 0xff);
      continue;
    }
    BufferKind kind = buffer.getKind();
    if (buffer.isTransient() || kind == BufferKind::Output)
      transientStorage.push_back(storage.size());
    bufferStorage[buffer.getResult()] = storage.size();
    storage.emplace_back(numElements(buffer), 0.0f);
  }
  Expected<WeightLoader> loader = WeightLoader::open(weightsDir);
  if (!loader)
    return loader.takeError();
  for (BufferOp buffer : program.getOps<BufferOp>()) {
    MemRefType type = buffer.getType();
    std::optional<kernels::DType> dtype = dtypeOf(type.getElementType());
    if (!dtype)
      return fail(llvm::formatv("buffer '{0}' has element type {1}, which the "
                                "reference executor cannot hold",
                                buffer.getName(), type.getElementType()));
    BufferView &view = views[buffer.getResult()];
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    if (Value page = buffer.getPage()) {
      view = BufferView{buffer.getName().str(), *dtype, std::move(shape),
                        pageBytes[pageStorage[page]].data(),
                        kernels::Storage::Packed};
      view.limit = view.size();
      continue;
    }
    view = BufferView{buffer.getName().str(), *dtype, std::move(shape),
                      storage[bufferStorage[buffer.getResult()]].data(),
                      kernels::Storage::Float};
    BufferKind kind = buffer.getKind();
    if (kind == BufferKind::Input || kind == BufferKind::Output)
      ioBuffers[buffer.getName()] = buffer.getResult();
    if (kind != BufferKind::Weight && kind != BufferKind::Const)
      continue;
    if (!buffer.getKey())
      return fail("buffer '" + buffer.getName() + "' has no state-dict key");
    if (Error err = loader->load(*buffer.getKey(), view))
      return err;
  }
  // The roles the validator certifies and the manifest hands the runtime.
  std::string ambiguity;
  if (failed(findRoles(program, roles, [&](Operation *, const Twine &text) {
        if (ambiguity.empty())
          ambiguity = text.str();
      })))
    return fail(ambiguity);
  if (!roles.position)
    return fail("the program has no input buffer 'pos'");
  return Error::success();
}

void Executor::indexSchedule() {
  for (EventOp event : program.getOps<EventOp>()) {
    eventIds[event.getResult()] = events.size();
    events.push_back(event);
  }
  llvm::append_range(tasks, program.getOps<TaskOp>());
  llvm::append_range(barriers, program.getOps<BarrierOp>());
  // (queue position, task before barrier, index) per worker, as the
  // validator orders a queue.
  std::vector<std::vector<std::tuple<int64_t, bool, unsigned>>> keyed;
  auto add = [&](int64_t worker, int64_t position, bool isBarrier,
                 unsigned index) {
    if (keyed.size() <= size_t(worker))
      keyed.resize(worker + 1);
    keyed[worker].emplace_back(position, isBarrier, index);
  };
  for (auto [i, task] : llvm::enumerate(tasks))
    if (task.getWorker())
      add(*task.getWorker(), task.getQueue().value_or(i), false, i);
  for (auto [i, barrier] : llvm::enumerate(barriers))
    for (auto [worker, slot] : llvm::enumerate(barrier.getSlots()))
      add(worker, slot, true, i);
  for (auto &queue : keyed) {
    llvm::sort(queue);
    queues.emplace_back();
    for (auto [position, isBarrier, index] : queue)
      queues.back().push_back(QueueEntry{isBarrier, index});
  }
}

Expected<llvm::ArrayRef<float>>
Executor::output(llvm::StringRef name) const {
  auto it = ioBuffers.find(name);
  if (it == ioBuffers.end())
    return fail("the program has no output buffer '" + name + "'");
  return valuesOf(it->second);
}

/// The values of `buffer`, one of the program's.
llvm::ArrayRef<float> Executor::valuesOf(Value buffer) const {
  const BufferView &view = views.find(buffer)->second;
  return llvm::ArrayRef<float>(view.values(), view.size());
}

Expected<int64_t> Executor::nextToken() const {
  if (!roles.nextToken)
    return argmaxOfLogits();
  float token = valuesOf(roles.nextToken).front();
  if (std::isnan(token))
    return fail("'" + roles.nextToken.getDefiningOp<BufferOp>().getName() +
                "' was not written (NaN)");
  return int64_t(token);
}

Expected<int64_t> Executor::argmaxOfLogits() const {
  if (!roles.logits)
    return fail("the program has neither a next token nor logits output");
  llvm::ArrayRef<float> logits = valuesOf(roles.logits);
  int64_t best = 0;
  for (auto [i, value] : llvm::enumerate(logits)) {
    if (std::isnan(value))
      return fail(
          llvm::formatv("'{0}' was not written (NaN at {1})",
                        roles.logits.getDefiningOp<BufferOp>().getName(), i));
    if (value > logits[best])
      best = i;
  }
  return best;
}

Error Executor::copyKVCaches(Executor &from) {
  auto caches = [](ProgramOp program) {
    SmallVector<BufferOp> list;
    for (BufferOp buffer : program.getOps<BufferOp>())
      if (buffer.getKind() == BufferKind::KVCache)
        list.push_back(buffer);
    return list;
  };
  SmallVector<BufferOp> mine = caches(program), theirs = caches(from.program);
  if (mine.size() != theirs.size())
    return fail(llvm::formatv("cannot carry the KV caches: {0} caches vs {1}",
                              theirs.size(), mine.size()));
  for (auto [to, source] : llvm::zip(mine, theirs)) {
    if (to.getType().getShape() != source.getType().getShape())
      return fail("cannot carry KV cache '" + source.getName() + "' into '" +
                  to.getName() + "': the shapes differ");
    BufferView &dst = views[to.getResult()];
    const BufferView &src = from.views[source.getResult()];
    for (int64_t i = 0, e = dst.size(); i < e; ++i)
      dst.set(i, src.get(i));
  }
  return Error::success();
}

Error Executor::checkStepInputs(int64_t token, int64_t pos) {
  if (std::optional<uint64_t> fixed = program.getPosition())
    if (int64_t(*fixed) != pos)
      return fail(llvm::formatv("position {0}: the program is fixed at "
                                "position {1}",
                                pos, *fixed));
  if (pos < 0)
    return fail(llvm::formatv("position {0} is negative", pos));
  for (BufferOp buffer : program.getOps<BufferOp>())
    if (buffer.getKind() == BufferKind::KVCache &&
        pos >= buffer.getType().getDimSize(0))
      return fail(llvm::formatv("position {0} out of range: KV cache '{1}' "
                                "has {2} rows",
                                pos, buffer.getName(),
                                buffer.getType().getDimSize(0)));
  if (token < 0)
    return fail(llvm::formatv("token id {0} is negative", token));
  return Error::success();
}

void Executor::resetTransients() {
  for (unsigned id : transientStorage)
    std::fill(storage[id].begin(), storage[id].end(),
              std::numeric_limits<float>::quiet_NaN());
  for (std::vector<unsigned char> &page : pageBytes)
    std::fill(page.begin(), page.end(), 0xff);
}

Error Executor::step(int64_t token, int64_t pos) {
  if (Error err = checkStepInputs(token, pos))
    return err;
  resetTransients();
  // A program that embeds no token (no token input) ignores it.
  if (roles.tokens)
    views[roles.tokens].values()[0] = float(token);
  views[roles.position].values()[0] = float(pos);
  return runTasks(pos);
}

Error Executor::runTask(unsigned index, int64_t pos) {
  TaskOp task = tasks[index];
  auto view = [&](Value buffer) -> BufferView & {
    return views.find(buffer)->second;
  };
  StepState state{view, pos};
  for (Operation &op : task.getBodyBlock())
    if (Error err = executeComputeOp(&op, state))
      return fail("task '" + task.getName() + "': " +
                  llvm::toString(std::move(err)));
  return Error::success();
}

namespace amk::reference {
/// The happens-before bookkeeping of one step: event counts, unsatisfied
/// waits, queue heads and barrier arrivals, and the set of ready tasks.
class StepRun {
public:
  explicit StepRun(Executor &executor);
  /// Runs every task, or reports the deadlock that stops it.
  Error run(int64_t pos);

private:
  void enterHead(unsigned worker);
  void advance(unsigned worker) {
    ++head[worker];
    enterHead(worker);
  }
  void maybeReady(unsigned task);
  void finish(unsigned task);
  unsigned pick();
  Error deadlock() const;
  std::string blockedReason(unsigned task) const;

  Executor &ex;
  std::vector<int64_t> counts;
  /// Per event: (task, threshold) of every wait on it.
  std::vector<std::vector<std::pair<unsigned, int64_t>>> waiters;
  std::vector<unsigned> pending;
  std::vector<bool> done;
  std::vector<size_t> head;
  std::vector<unsigned> arrived;
  std::set<unsigned> ready;
  unsigned numDone = 0;
};
} // namespace amk::reference

StepRun::StepRun(Executor &executor)
    : ex(executor), waiters(ex.events.size()), pending(ex.tasks.size(), 0),
      done(ex.tasks.size(), false), head(ex.queues.size(), 0),
      arrived(ex.barriers.size(), 0) {
  for (EventOp event : ex.events)
    counts.push_back(event.getInit());
  for (auto [i, task] : llvm::enumerate(ex.tasks)) {
    for (auto [event, threshold] :
         llvm::zip(task.getWaits(), task.getThresholds())) {
      unsigned id = ex.eventIds.lookup(event);
      waiters[id].emplace_back(i, threshold);
      pending[i] += counts[id] < threshold;
    }
    if (!task.getWorker())
      maybeReady(i);
  }
  for (unsigned worker = 0; worker < head.size(); ++worker)
    enterHead(worker);
}

void StepRun::enterHead(unsigned worker) {
  const std::vector<QueueEntry> &queue = ex.queues[worker];
  if (head[worker] >= queue.size())
    return;
  QueueEntry entry = queue[head[worker]];
  if (!entry.isBarrier)
    return maybeReady(entry.index);
  size_t slots = ex.barriers[entry.index].getSlots().size();
  if (++arrived[entry.index] < slots)
    return;
  for (unsigned w = 0; w < slots; ++w)
    advance(w);
}

void StepRun::maybeReady(unsigned task) {
  if (pending[task] || done[task])
    return;
  if (std::optional<uint64_t> worker = ex.tasks[task].getWorker()) {
    const std::vector<QueueEntry> &queue = ex.queues[*worker];
    if (head[*worker] >= queue.size() || queue[head[*worker]].isBarrier ||
        queue[head[*worker]].index != task)
      return;
  }
  ready.insert(task);
}

void StepRun::finish(unsigned task) {
  done[task] = true;
  ++numDone;
  unsigned event = ex.eventIds.lookup(ex.tasks[task].getSignal());
  ++counts[event];
  for (auto [waiter, threshold] : waiters[event])
    if (counts[event] == threshold && --pending[waiter] == 0)
      maybeReady(waiter);
  if (std::optional<uint64_t> worker = ex.tasks[task].getWorker())
    advance(*worker);
}

unsigned StepRun::pick() {
  auto it = ready.begin();
  if (ex.rng)
    std::advance(it, std::uniform_int_distribution<size_t>(
                         0, ready.size() - 1)(*ex.rng));
  unsigned task = *it;
  ready.erase(it);
  return task;
}

std::string StepRun::blockedReason(unsigned task) const {
  TaskOp op = ex.tasks[task];
  for (auto [event, threshold] : llvm::zip(op.getWaits(), op.getThresholds())) {
    unsigned id = ex.eventIds.lookup(event);
    if (counts[id] < threshold)
      return llvm::formatv("waits on event '{0}' (count {1} < threshold {2})",
                           ex.events[id].getName(), counts[id], threshold);
  }
  unsigned worker = *op.getWorker();
  QueueEntry entry = ex.queues[worker][head[worker]];
  if (entry.isBarrier)
    return llvm::formatv("is behind barrier '{0}' on worker {1} ({2} of {3} "
                         "workers arrived)",
                         ex.barriers[entry.index].getName(), worker,
                         arrived[entry.index],
                         ex.barriers[entry.index].getSlots().size());
  return llvm::formatv("is behind task '{0}' on worker {1}",
                       ex.tasks[entry.index].getName(), worker);
}

Error StepRun::deadlock() const {
  std::string message = llvm::formatv(
      "deadlock: {0} of {1} tasks ran, none of the others is ready", numDone,
      ex.tasks.size());
  unsigned shown = 0;
  for (unsigned task = 0; task < done.size() && shown < 5; ++task) {
    if (done[task])
      continue;
    message += llvm::formatv("\n  task '{0}' {1}", ex.tasks[task].getName(),
                             blockedReason(task));
    ++shown;
  }
  return fail(message);
}

Error StepRun::run(int64_t pos) {
  while (numDone < ex.tasks.size()) {
    if (ready.empty())
      return deadlock();
    unsigned task = pick();
    if (Error err = ex.runTask(task, pos))
      return err;
    finish(task);
  }
  return Error::success();
}

Error Executor::runTasks(int64_t pos) { return StepRun(*this).run(pos); }
