//===- Explorer.cpp - Run an amk.program under adversarial schedules ------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Executes the Model of a program as start and finish events. A task may
// start when its waits hold, its queue predecessors have finished and the
// barriers before it on its worker are complete; it accesses its regions
// until it finishes, when it publishes its writes and increments its event.
// Every order of starts and finishes is explored with memoization on the
// task states (counters and barriers follow from them), so a waiter passing
// a threshold sees every subset of producers; past a state cap, random
// schedules take over.
//
//===----------------------------------------------------------------------===//

#include "AMK/Oracle/Model.h"
#include "AMK/Oracle/Oracle.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <chrono>
#include <map>
#include <random>
#include <unordered_set>

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::oracle;
using llvm::BitVector;

namespace {
enum class Status : char { Idle, Running, Done };

/// One step of a run: task index, and whether it starts or finishes.
struct Step {
  unsigned task;
  bool start;
};

/// Executes one Model; collects findings keyed so that each is kept once.
class Explorer {
public:
  Explorer(const Model &model, const OracleOptions &options,
           std::map<std::string, Finding> &findings,
           std::chrono::steady_clock::time_point deadline);
  /// Explores every interleaving; false when the state cap was hit.
  bool exhaustive();
  /// Runs `runs` random schedules.
  void random(unsigned runs, uint64_t seed);
  uint64_t statesSeen() const { return visited.size(); }
  bool timedOut() const { return pastDeadline; }

private:
  void buildOrder();
  void buildConflicts();
  void reset();
  bool enabled(unsigned task) const;
  SmallVector<Step> choices() const;
  void start(unsigned task);
  void finish(unsigned task);
  void undo(Step step, size_t undoMark, const BitVector &barriersBefore);
  void updateBarriers();
  void checkGarbage(unsigned task);
  void checkTerminal();
  std::string stuckReasons() const;
  void report(std::string key, StringRef kind, const Twine &message);
  bool dfs();
  bool checkDeadline();

  const Model &model;
  const OracleOptions &options;
  std::map<std::string, Finding> &findings;
  unsigned n;
  /// Queue predecessors and preceding barriers of each task.
  std::vector<BitVector> taskPreds, taskBarriers;
  /// Tasks and barriers every worker must pass before each barrier.
  std::vector<BitVector> barrierTasks, barrierBarriers;
  /// Barriers some worker of the grid never reaches.
  BitVector barrierUnreachable;
  std::vector<BitVector> conflicts;
  /// Storages whose bytes are tracked (transient, KV cache, output).
  BitVector tracked;

  std::vector<Status> status;
  BitVector running, finished, barrierDone;
  std::vector<int64_t> count;
  /// Per tracked storage, the buffer that last wrote each byte (-1: none).
  std::vector<std::vector<int32_t>> owner;
  struct Undo {
    unsigned storage;
    int64_t lo;
    std::vector<int32_t> old;
  };
  std::vector<Undo> undoLog;
  std::vector<Step> trace;
  std::unordered_set<std::string> visited;
  bool capHit = false;
  std::chrono::steady_clock::time_point deadline;
  bool pastDeadline = false;
  unsigned deadlineChecks = 0;
};
} // namespace

Explorer::Explorer(const Model &model, const OracleOptions &options,
                   std::map<std::string, Finding> &findings,
                   std::chrono::steady_clock::time_point deadline)
    : model(model), options(options), findings(findings),
      n(model.tasks.size()), deadline(deadline) {
  buildOrder();
  buildConflicts();
  tracked.resize(model.storageBytes.size());
  for (const BufferInfo &buffer : model.buffers)
    if (buffer.kind == BufferKind::Activation ||
        buffer.kind == BufferKind::Scratch ||
        buffer.kind == BufferKind::KVCache ||
        buffer.kind == BufferKind::Output)
      tracked.set(buffer.storage);
}

void Explorer::buildOrder() {
  size_t numBarriers = model.barriers.size();
  taskPreds.assign(n, BitVector(n));
  taskBarriers.assign(n, BitVector(numBarriers));
  barrierTasks.assign(numBarriers, BitVector(n));
  barrierBarriers.assign(numBarriers, BitVector(numBarriers));
  barrierUnreachable.resize(numBarriers);
  auto slotOf = [&](unsigned b, int64_t worker) -> std::optional<int64_t> {
    const auto &slots = model.barriers[b].slots;
    if (worker < int64_t(slots.size()))
      return slots[worker];
    return std::nullopt;
  };
  for (unsigned t = 0; t < n; ++t) {
    const TaskInfo &task = model.tasks[t];
    if (!task.worker)
      continue;
    for (unsigned u = 0; u < n; ++u)
      if (model.tasks[u].worker == task.worker && *model.tasks[u].queue < *task.queue)
        taskPreds[t].set(u);
    for (unsigned b = 0; b < numBarriers; ++b) {
      std::optional<int64_t> slot = slotOf(b, *task.worker);
      if (slot && *slot < *task.queue)
        taskBarriers[t].set(b);
      else if (slot)
        barrierTasks[b].set(t);
    }
  }
  for (unsigned b = 0; b < numBarriers; ++b) {
    barrierUnreachable[b] =
        int64_t(model.barriers[b].slots.size()) < model.gridSize;
    for (unsigned c = 0; c < numBarriers; ++c)
      for (int64_t w = 0; c != b && w < model.gridSize; ++w)
        if (slotOf(b, w) && slotOf(c, w) && *slotOf(c, w) < *slotOf(b, w))
          barrierBarriers[b].set(c);
  }
}

/// True when some range of `a` overlaps some range of `b`.
static bool overlaps(const Footprint &a, const Footprint &b) {
  for (ByteRange x : a.ranges)
    for (ByteRange y : b.ranges)
      if (x.lo < y.hi && y.lo < x.hi)
        return true;
  return false;
}

/// The first conflicting pair of accesses of tasks `a` and `b`, if any.
static std::optional<std::pair<const Footprint *, const Footprint *>>
conflict(const Model &model, const TaskInfo &a, const TaskInfo &b) {
  for (const Footprint &x : a.accesses)
    for (const Footprint &y : b.accesses)
      if ((x.write || y.write) &&
          model.buffers[x.buffer].storage == model.buffers[y.buffer].storage &&
          overlaps(x, y))
        return std::make_pair(&x, &y);
  return std::nullopt;
}

void Explorer::buildConflicts() {
  conflicts.assign(n, BitVector(n));
  for (unsigned a = 0; a < n; ++a)
    for (unsigned b = a + 1; b < n; ++b)
      if (conflict(model, model.tasks[a], model.tasks[b])) {
        conflicts[a].set(b);
        conflicts[b].set(a);
      }
}

void Explorer::reset() {
  status.assign(n, Status::Idle);
  running = BitVector(n);
  finished = BitVector(n);
  barrierDone = BitVector(model.barriers.size());
  count.clear();
  for (const EventInfo &event : model.events)
    count.push_back(event.init);
  owner.assign(model.storageBytes.size(), {});
  for (unsigned s : tracked.set_bits())
    owner[s].assign(model.storageBytes[s], -1);
  for (auto [index, buffer] : llvm::enumerate(model.buffers))
    if (buffer.kind == BufferKind::KVCache) {
      // Earlier steps (the same program) appended what this step appends
      // at its row, in every row below the position.
      int64_t rows = std::min(model.position, buffer.kvRows);
      for (int64_t row = 0; row < rows; ++row)
        for (ByteRange range : buffer.appendedInRow)
          std::fill(owner[buffer.storage].begin() + row * buffer.rowBytes +
                        range.lo,
                    owner[buffer.storage].begin() + row * buffer.rowBytes +
                        range.hi,
                    int32_t(index));
    }
  undoLog.clear();
  trace.clear();
  updateBarriers();
}

void Explorer::updateBarriers() {
  for (bool changed = true; changed;) {
    changed = false;
    for (unsigned b = 0; b < model.barriers.size(); ++b) {
      if (barrierDone[b] || barrierUnreachable[b] ||
          barrierTasks[b].test(finished) || barrierBarriers[b].test(barrierDone))
        continue;
      barrierDone.set(b);
      changed = true;
    }
  }
}

bool Explorer::enabled(unsigned t) const {
  if (status[t] != Status::Idle || taskPreds[t].test(finished) ||
      taskBarriers[t].test(barrierDone) ||
      (model.assigned && !model.tasks[t].worker))
    return false;
  return llvm::all_of(model.tasks[t].waits, [&](auto wait) {
    return count[wait.first] >= wait.second;
  });
}

SmallVector<Step> Explorer::choices() const {
  SmallVector<Step> steps;
  for (unsigned t : running.set_bits())
    steps.push_back({t, false});
  for (unsigned t = 0; t < n; ++t)
    if (enabled(t))
      steps.push_back({t, true});
  return steps;
}

void Explorer::report(std::string key, StringRef kind, const Twine &message) {
  auto it = findings.find(key);
  if (it != findings.end() && it->second.trace.size() <= trace.size())
    return;
  // Keep the shortest run that shows the finding.
  Finding finding{kind.str(), message.str(), model.position, {}, true};
  for (Step step : trace)
    finding.trace.push_back((step.start ? "start " : "finish ") +
                            model.tasks[step.task].name);
  findings[key] = std::move(finding);
}

void Explorer::checkGarbage(unsigned t) {
  const TaskInfo &task = model.tasks[t];
  for (const Footprint &read : task.externalReads) {
    const BufferInfo &buffer = model.buffers[read.buffer];
    if (!tracked.test(buffer.storage))
      continue;
    const std::vector<int32_t> &bytes = owner[buffer.storage];
    for (ByteRange range : read.ranges)
      for (int64_t i = range.lo; i < range.hi; ++i) {
        if (bytes[i] == int32_t(read.buffer))
          continue;
        std::string by = bytes[i] < 0 ? std::string("never written")
                                      : "overwritten through '" +
                                            model.buffers[bytes[i]].name + "'";
        report("garbage:" + task.name + ":" + buffer.name, "garbage-read",
               "task '" + task.name + "' reads " + model.describe(read) +
                   ", byte " + Twine(i) + " of which is " + by);
        return;
      }
  }
}

void Explorer::start(unsigned t) {
  trace.push_back({t, true});
  const TaskInfo &task = model.tasks[t];
  BitVector racing = conflicts[t];
  racing &= running;
  for (unsigned other : racing.set_bits()) {
    const TaskInfo &first = model.tasks[other];
    auto [x, y] = *conflict(model, first, task);
    std::string a = std::min(first.name, task.name);
    std::string b = std::max(first.name, task.name);
    report("race:" + a + ":" + b, "race",
           "tasks '" + first.name + "' and '" + task.name +
               "' are in flight together: '" + first.name + "' " +
               (x->write ? "writes " : "reads ") + model.describe(*x) + ", '" +
               task.name + "' " + (y->write ? "writes " : "reads ") +
               model.describe(*y));
  }
  checkGarbage(t);
  status[t] = Status::Running;
  running.set(t);
}

void Explorer::finish(unsigned t) {
  trace.push_back({t, false});
  const TaskInfo &task = model.tasks[t];
  for (const Footprint &access : task.accesses) {
    unsigned storage = model.buffers[access.buffer].storage;
    if (!access.write || !tracked.test(storage))
      continue;
    for (ByteRange range : access.ranges) {
      auto first = owner[storage].begin() + range.lo;
      undoLog.push_back({storage, range.lo,
                         std::vector<int32_t>(first, first + (range.hi - range.lo))});
      std::fill(first, first + (range.hi - range.lo), int32_t(access.buffer));
    }
  }
  status[t] = Status::Done;
  running.reset(t);
  finished.set(t);
  if (++count[task.signal] > int64_t(std::numeric_limits<uint32_t>::max()))
    report("counter:" + model.events[task.signal].name, "counter-overflow",
           "event '" + model.events[task.signal].name +
               "' passes 4294967295: its 32-bit counter wraps");
  updateBarriers();
}

void Explorer::undo(Step step, size_t undoMark, const BitVector &barriersBefore) {
  trace.pop_back();
  if (step.start) {
    status[step.task] = Status::Idle;
    running.reset(step.task);
    return;
  }
  for (; undoLog.size() > undoMark; undoLog.pop_back()) {
    Undo &entry = undoLog.back();
    std::copy(entry.old.begin(), entry.old.end(),
              owner[entry.storage].begin() + entry.lo);
  }
  status[step.task] = Status::Running;
  running.set(step.task);
  finished.reset(step.task);
  --count[model.tasks[step.task].signal];
  barrierDone = barriersBefore;
}

std::string Explorer::stuckReasons() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  unsigned listed = 0;
  for (unsigned t = 0; t < n && listed < 6; ++t) {
    const TaskInfo &task = model.tasks[t];
    if (status[t] != Status::Idle)
      continue;
    if (model.assigned && !task.worker) {
      os << (listed++ ? "; " : "") << "'" << task.name
         << "' has no worker (nothing runs it)";
      continue;
    }
    for (auto [event, threshold] : task.waits)
      if (count[event] < threshold) {
        os << (listed++ ? "; " : "") << "'" << task.name << "' waits '"
           << model.events[event].name << "' >= " << threshold << " (count "
           << count[event] << ")";
        break;
      }
  }
  for (unsigned b = 0; b < model.barriers.size() && listed < 6; ++b)
    if (!barrierDone[b])
      os << (listed++ ? "; " : "") << "barrier '" << model.barriers[b].name
         << "' never completes"
         << (barrierUnreachable[b] ? " (some worker has no slot in it)" : "");
  if (!listed)
    os << "tasks wait on queue predecessors that cannot start";
  return text;
}

void Explorer::checkTerminal() {
  if (!finished.all() || !barrierDone.all()) {
    report("deadlock", "deadlock",
           Twine(n - finished.count()) + " of " + Twine(n) +
               " tasks cannot finish: " + stuckReasons());
    return;
  }
  for (auto [index, buffer] : llvm::enumerate(model.buffers)) {
    if (buffer.kind != BufferKind::Output)
      continue;
    const std::vector<int32_t> &bytes = owner[buffer.storage];
    for (int64_t i = 0; i < buffer.bytes; ++i)
      if (bytes[i] != int32_t(index)) {
        report("output:" + buffer.name, "output-unwritten",
               "output '" + buffer.name + "' byte " + Twine(i) +
                   " is not written when the step ends");
        break;
      }
  }
}

bool Explorer::dfs() {
  std::string key(status.size(), 0);
  for (unsigned t = 0; t < n; ++t)
    key[t] = char(status[t]);
  if (!visited.insert(std::move(key)).second)
    return true;
  if (visited.size() >= options.exhaustiveLimit || checkDeadline())
    return false;
  SmallVector<Step> steps = choices();
  if (steps.empty())
    checkTerminal();
  for (Step step : steps) {
    size_t undoMark = undoLog.size();
    BitVector barriersBefore = barrierDone;
    step.start ? start(step.task) : finish(step.task);
    bool complete = dfs();
    undo(step, undoMark, barriersBefore);
    if (!complete)
      return false;
  }
  return true;
}

/// True once the time limit has passed (checked on the first and every
/// 256th call).
bool Explorer::checkDeadline() {
  if (!pastDeadline && deadlineChecks++ % 256 == 0)
    pastDeadline = std::chrono::steady_clock::now() > deadline;
  return pastDeadline;
}

bool Explorer::exhaustive() {
  reset();
  return dfs();
}

void Explorer::random(unsigned runs, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (unsigned run = 0; run < runs && !checkDeadline(); ++run) {
    reset();
    for (SmallVector<Step> steps = choices(); !steps.empty(); steps = choices()) {
      if (checkDeadline())
        return;
      Step step = steps[rng() % steps.size()];
      step.start ? start(step.task) : finish(step.task);
    }
    checkTerminal();
  }
}

/// Why `model` is too large to explore under `options`, or "".
static std::string tooLarge(const Model &model, const OracleOptions &options) {
  if (model.tasks.size() > options.maxTasks)
    return (Twine(model.tasks.size()) + " tasks, more than the oracle's " +
            Twine(options.maxTasks))
        .str();
  int64_t tracked = 0;
  llvm::DenseSet<unsigned> counted;
  for (const BufferInfo &buffer : model.buffers)
    if (buffer.kind != BufferKind::Weight && buffer.kind != BufferKind::Const &&
        buffer.kind != BufferKind::Input && counted.insert(buffer.storage).second)
      tracked += model.storageBytes[buffer.storage];
  if (tracked > options.maxTrackedBytes)
    return (Twine(tracked) + " bytes of activations, scratch, KV caches and "
            "outputs, more than the oracle's " + Twine(options.maxTrackedBytes))
        .str();
  return "";
}

OracleResult oracle::runOracle(ProgramOp program,
                               const OracleOptions &options) {
  OracleResult result;
  std::map<std::string, Finding> findings;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(options.timeLimitSeconds));
  for (int64_t position : positionsToTry(program, options.everyPositionRows)) {
    Model model = buildModel(program, position);
    result.refused = tooLarge(model, options);
    if (!result.refused.empty())
      return result;
    for (const StaticFinding &found : model.staticFindings)
      findings.try_emplace(found.kind + ":" + found.message,
                           Finding{found.kind, found.message, position, {}, false});
    Explorer explorer(model, options, findings, deadline);
    if (!explorer.exhaustive()) {
      result.exhaustive = false;
      explorer.random(options.randomRuns, options.seed + position);
    }
    result.states += explorer.statesSeen();
    result.timedOut |= explorer.timedOut();
    if (result.timedOut)
      break;
  }
  for (auto &entry : findings)
    result.findings.push_back(std::move(entry.second));
  return result;
}

void oracle::printResult(llvm::raw_ostream &os, ProgramOp program,
                         const OracleResult &result) {
  if (!result.refused.empty()) {
    os << "@" << program.getSymName() << ": TOO LARGE (" << result.refused
       << "); not explored\n";
    return;
  }
  os << "@" << program.getSymName() << ": "
     << (result.isSafe() ? "SAFE" : "UNSAFE") << " ("
     << result.findings.size() << " findings, " << result.states << " states, "
     << (result.exhaustive ? "exhaustive" : "random")
     << (result.timedOut ? ", stopped short at the time limit" : "") << ")\n";
  for (const Finding &finding : result.findings) {
    os << "  " << finding.kind << " at pos " << finding.position << ": "
       << finding.message << "\n";
    if (!finding.dynamic)
      continue;
    os << "    trace:";
    for (const std::string &step : finding.trace)
      os << " " << step << ";";
    os << "\n";
  }
}
