//===- Session.cpp - Load and run a megakernel ----------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Runtime/Runtime.h"

#include "AMK/Kernels/Golden.h"
#include "Backends.h"

#include "AMK/Support/RegularFile.h"
#include "AMK/Support/TableHash.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <sstream>
#include <unistd.h>

using namespace amk::runtime;
namespace kernels = amk::kernels;

Backend::~Backend() = default;

Status Backend::launch(int32_t token, int32_t pos, uint32_t epoch,
                       int32_t steps, std::vector<int64_t> &chosen,
                       double &ms) {
  for (int32_t s = 0; s < steps; ++s) {
    int64_t next = -1;
    double stepMs = 0;
    if (Status status = step(token, pos + s, epoch + uint32_t(s), nullptr,
                             next, stepMs);
        status.failed())
      return status;
    chosen.push_back(next);
    token = int32_t(next);
    ms += stepMs;
  }
  return Status::ok();
}

std::string amk::runtime::describeStuckWait(const Manifest &m, int64_t task,
                                            int64_t worker, int64_t event,
                                            uint32_t count,
                                            uint32_t threshold) {
  std::string taskName = task >= 0 && task < int64_t(m.tasks.size())
                             ? m.tasks[task]
                             : "#" + std::to_string(task);
  std::string eventName = event >= 0 && event < int64_t(m.events.size())
                              ? m.events[event].name
                              : "#" + std::to_string(event);
  return "task \"" + taskName + "\" on worker " + std::to_string(worker) +
         " waited on event \"" + eventName + "\" (count " +
         std::to_string(count) + " < threshold " + std::to_string(threshold) +
         ")";
}

static int64_t alignUp(int64_t value) {
  return (value + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

Layout amk::runtime::layoutFor(const Manifest &m, int64_t rows) {
  // An arena is allocated as far as its buffers reach: bytes the manifest
  // declares beyond them are never addressed.
  Layout layout;
  for (const ManifestBuffer &buffer : m.buffers) {
    layout.offsets.push_back(buffer.offset);
    int64_t &reach = layout.arenaBytes[int(buffer.arena)];
    reach = std::max(reach, alignUp(buffer.offset + buffer.bytes));
  }
  if (rows >= m.compiledRows())
    return layout;
  std::vector<size_t> caches;
  for (size_t i = 0; i < m.buffers.size(); ++i)
    if (m.buffers[i].arena == Arena::KV)
      caches.push_back(i);
  std::stable_sort(caches.begin(), caches.end(), [&](size_t a, size_t b) {
    return m.buffers[a].offset < m.buffers[b].offset;
  });
  int64_t cursor = 0, previous = -1, placed = 0;
  for (size_t i : caches) {
    const ManifestBuffer &cache = m.buffers[i];
    int64_t bytes = cache.bytes / cache.shape[0] * rows;
    if (cache.offset != previous) {
      placed = alignUp(cursor);
      previous = cache.offset;
    }
    layout.offsets[i] = placed;
    cursor = std::max(cursor, placed + bytes);
  }
  layout.arenaBytes[int(Arena::KV)] = alignUp(cursor);
  return layout;
}

/// The largest PTX file read (the Llama-3-8B kernel's is a few megabytes).
static constexpr uint64_t kMaxPtxBytes = uint64_t(256) << 20;

/// Reads the PTX at \p path into \p ptx; it must be the text the manifest's
/// `ptx_hash` names, and its `.target` the manifest's chip.
static Status readPtx(const std::string &path, const Manifest &m,
                      std::string &ptx) {
  if (std::string error = amk::support::readRegularFile(path, "a PTX kernel",
                                                        kMaxPtxBytes, ptx);
      !error.empty())
    return Status::error(error);
  if (m.ptxHash.empty())
    return Status::error(m.path + ": ptx_hash: missing (a manifest written "
                                  "by amk-translate --to-ptx has it)");
  if (std::string hash = amk::support::ptxHash(ptx); hash != m.ptxHash)
    return Status::error(path + ": the PTX hashes to \"" + hash +
                         "\", but its manifest's ptx_hash is \"" + m.ptxHash +
                         "\": the kernel and the manifest were not made "
                         "together");
  std::istringstream lines(ptx);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string directive, target;
    if (!(words >> directive) || directive != ".target")
      continue;
    words >> target;
    target = target.substr(0, target.find(','));
    if (target != m.chip)
      return Status::error(path + ": the PTX targets " + target +
                           ", but its manifest says " + m.chip);
    return Status::ok();
  }
  return Status::error(path + ": no .target directive (not PTX)");
}

/// Refuses arenas larger than the host's physical memory before they are
/// allocated (the CPU path holds them all).
static Status checkHostMemory(const Layout &layout) {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return Status::ok();
  uint64_t physical = uint64_t(pages) * uint64_t(pageSize), total = 0;
  for (int64_t bytes : layout.arenaBytes)
    total += uint64_t(bytes);
  if (total > physical)
    return Status::error("the arenas need " + std::to_string(total) +
                         " bytes, more than this host's " +
                         std::to_string(physical) + " bytes of memory");
  return Status::ok();
}

Status Session::open(const Options &options, std::unique_ptr<Session> &out) {
  std::unique_ptr<Session> session(new Session());
  Manifest &m = session->m;
  if (Status status = readManifest(manifestPathFor(options.kernelPath), m);
      status.failed())
    return status;
  int64_t compiled = m.compiledRows();
  if (options.maxSeq < 0 || (compiled && options.maxSeq > compiled))
    return Status::error("--max-seq " + std::to_string(options.maxSeq) +
                         " is not in [1, " + std::to_string(compiled) +
                         "], the KV rows the kernel was compiled for");
  if (Status status = session->setStepsPerLaunch(options.stepsPerLaunch);
      status.failed())
    return status;
  session->rows = options.maxSeq ? options.maxSeq
                                 : (compiled ? compiled : INT32_MAX);
  if (Status status = verifyManifest(m, session->rows); status.failed())
    return status;
  session->vocabSize = vocabularyOf(m);
  session->layout = layoutFor(m, session->rows);
  if (options.cpu)
    if (Status status = checkHostMemory(session->layout); status.failed())
      return status;
  std::string ptx;
  if (!options.cpu)
    if (Status status = readPtx(options.kernelPath, m, ptx); status.failed())
      return status;
  Checkpoint checkpoint;
  if (Status status = Checkpoint::open(options.modelDir, checkpoint, &m);
      status.failed())
    return status;
  if (Status status = checkConfig(options.modelDir, m, checkpoint);
      status.failed())
    return status;
  if (options.eos)
    session->eos = *options.eos;
  else if (Status status = readEosTokens(options.modelDir, session->eos);
           status.failed())
    return status;
  Status status =
      options.cpu
          ? createCpuBackend(m, session->layout, session->rows, &checkpoint,
                             session->backend)
          : createCudaBackend(m, session->layout, checkpoint, options, ptx,
                              session->backend);
  if (status.failed())
    return status;
  out = std::move(session);
  return Status::ok();
}

/// Refuses logits with a NaN or an infinity, naming the buffer \p name and,
/// where the backend knows it (\p origin), what first went non-finite.
static Status checkFinite(const std::vector<float> &logits,
                          const std::string &name, const std::string &origin) {
  for (size_t i = 0; i < logits.size(); ++i)
    if (!std::isfinite(logits[i]))
      return Status::error(
          "'" + name + "' holds " +
          (std::isnan(logits[i]) ? "NaN"
           : logits[i] > 0       ? "+inf"
                                 : "-inf") +
          " at " + std::to_string(i) +
          (origin.empty() ? "" : "; the first non-finite value: " + origin));
  return Status::ok();
}

/// The lowest index of the largest of \p logits (all finite), the token of
/// a program that has no argmax.
static int64_t argmaxOf(const std::vector<float> &logits) {
  int64_t next = 0;
  for (size_t i = 0; i < logits.size(); ++i)
    if (logits[i] > logits[next])
      next = int64_t(i);
  return next;
}

/// Checks the input \p token (\p what names it) against the vocabulary
/// and the rows of the embedding tables it indexes (`token_rows`, which
/// may be fewer than the logits).
static Status checkToken(const Manifest &m, int64_t vocab, int64_t token,
                         const std::string &what) {
  if (token < 0 || token >= vocab)
    return Status::error(what + " id " + std::to_string(token) +
                         " out of range: vocab is " + std::to_string(vocab));
  if (m.roles.tokenRows && token >= m.roles.tokenRows)
    return Status::error(what + " id " + std::to_string(token) +
                         " out of range: the embedding table has " +
                         std::to_string(m.roles.tokenRows) + " rows");
  return Status::ok();
}

Status Session::step(int64_t token, int64_t pos, std::vector<float> *logits,
                     int64_t &next) {
  if (broken)
    return Status::error("the session stopped after a failed step");
  if (pos < 0 || pos >= rows)
    return Status::error("position " + std::to_string(pos) +
                         " is past --max-seq " + std::to_string(rows));
  if (m.position && pos != *m.position)
    return Status::error("position " + std::to_string(pos) +
                         ": the kernel is compiled for position " +
                         std::to_string(*m.position) + " only");
  if (Status status = checkToken(m, vocabSize, token, "token"); status.failed())
    return status;
  double ms = 0;
  // The logits are always read back and checked; without a `next_token`
  // buffer the host takes their argmax.
  std::vector<float> hostLogits;
  std::vector<float> *values = logits ? logits : &hostLogits;
  const std::string &logitsName = m.buffer(m.roles.logits).name;
  Status status =
      backend->step(int32_t(token), int32_t(pos), epoch, values, next, ms);
  if (!status.failed())
    status = checkFinite(*values, logitsName, backend->nonFiniteOrigin());
  if (!status.failed() && m.roles.nextToken < 0)
    next = argmaxOf(*values);
  if (!status.failed() && (next < 0 || next >= vocabSize))
    status = Status::error(
        "the kernel chose token " + std::to_string(next) + " (" +
        (m.roles.nextToken >= 0 ? "'" + m.buffer(m.roles.nextToken).name + "'"
                                : "the argmax of '" + logitsName + "'") +
        "), outside the vocabulary of " + std::to_string(vocabSize));
  if (status.failed()) {
    broken = true;
    return status;
  }
  ++epoch;
  times.push_back(ms);
  return Status::ok();
}

Status Session::generate(const std::vector<int64_t> &prompt,
                         unsigned newTokens,
                         const std::vector<int64_t> &forced, bool recordLogits,
                         std::vector<int64_t> &tokens,
                         std::vector<std::vector<float>> *logits) {
  int64_t needed = int64_t(prompt.size()) + newTokens - 1;
  if (!prompt.empty() && newTokens && needed > rows)
    return Status::error("the prompt (" + std::to_string(prompt.size()) +
                         " tokens) and " + std::to_string(newTokens) +
                         " new tokens need " + std::to_string(needed) +
                         " positions, past --max-seq " +
                         std::to_string(rows));
  for (int64_t token : prompt)
    if (Status status = checkToken(m, vocabSize, token, "prompt token");
        status.failed())
      return status;
  if (stepsPerLaunch > 1 && forced.empty() && !recordLogits && !logits &&
      !prompt.empty() && m.roles.nextToken >= 0)
    return generateInLaunches(prompt, newTokens, tokens);
  ErrorCode code = ErrorCode::BadInput;
  auto stepFn = [&](int64_t token, int64_t pos, std::vector<float> *values,
                    int64_t &next) {
    Status status = step(token, pos, recordLogits ? values : nullptr, next);
    code = status.code;
    return kernels::Status{status.message};
  };
  kernels::DecodeTrace trace;
  kernels::Status status =
      kernels::runDecode(stepFn, prompt, newTokens, forced, trace);
  if (status.failed())
    return Status::error(status.error,
                         code == ErrorCode::Ok ? ErrorCode::BadInput : code);
  tokens = std::move(trace.tokens);
  if (logits)
    *logits = std::move(trace.logits);
  // A free generation ends at its first end-of-sequence token.
  if (forced.empty()) {
    auto end = std::find_if(tokens.begin(), tokens.end(),
                            [&](int64_t t) { return isEos(t); });
    if (end != tokens.end()) {
      size_t kept = size_t(end - tokens.begin()) + 1;
      tokens.resize(kept);
      if (logits && logits->size() > kept)
        logits->resize(kept);
    }
  }
  return Status::ok();
}

Status Session::generateInLaunches(const std::vector<int64_t> &prompt,
                                   unsigned newTokens,
                                   std::vector<int64_t> &tokens) {
  tokens.clear();
  int64_t next = -1;
  for (size_t i = 0; i + 1 < prompt.size(); ++i)
    if (Status status = step(prompt[i], int64_t(i), nullptr, next);
        status.failed())
      return status;
  int64_t token = prompt.back(), pos = int64_t(prompt.size()) - 1;
  while (tokens.size() < newTokens) {
    int64_t steps = std::min<int64_t>(
        {stepsPerLaunch, int64_t(newTokens - tokens.size()), rows - pos});
    if (steps < 1)
      return Status::error("position " + std::to_string(pos) +
                           " is past --max-seq " + std::to_string(rows));
    if (Status status = checkToken(m, vocabSize, token, "token");
        status.failed())
      return status;
    std::vector<int64_t> chosen;
    double ms = 0;
    Status status = backend->launch(int32_t(token), int32_t(pos), epoch,
                                    int32_t(steps), chosen, ms);
    if (status.failed()) {
      broken = true;
      return status;
    }
    epoch += uint32_t(steps);
    for (int64_t s = 0; s < steps; ++s)
      times.push_back(ms / double(steps));
    auto end = std::find_if(chosen.begin(), chosen.end(),
                            [&](int64_t t) { return isEos(t); });
    bool stop = end != chosen.end();
    tokens.insert(tokens.end(), chosen.begin(), end + stop);
    if (stop)
      break;
    token = chosen.back();
    pos += steps;
  }
  return Status::ok();
}

Status Session::setStepsPerLaunch(int64_t steps) {
  if (steps < 1 || steps > m.steps)
    return Status::error("--steps-per-launch " + std::to_string(steps) +
                         " is not in [1, " + std::to_string(m.steps) +
                         "], the steps per launch the kernel was compiled "
                         "for (--amk-lower-megakernel=steps=N)",
                         ErrorCode::BadInput);
  stepsPerLaunch = steps;
  return Status::ok();
}

bool Session::isEos(int64_t token) const {
  return std::find(eos.begin(), eos.end(), token) != eos.end();
}
