//===- Runtime.h - Load and run a megakernel ---------------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// A Session binds a compiled megakernel (`X.ptx` + `X.manifest.json`) to a
// checkpoint and runs decode steps, one kernel launch per step, on the GPU
// through the CUDA driver API or on the CPU by executing the manifest's task
// table with the reference kernels. No MLIR or LLVM dependency.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_RUNTIME_RUNTIME_H
#define AMK_RUNTIME_RUNTIME_H

#include "AMK/Runtime/Manifest.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amk::runtime {

/// How to open a session.
struct Options {
  /// Checkpoint directory.
  std::string modelDir;
  /// The PTX; its manifest is `X.manifest.json` beside it.
  std::string kernelPath;
  /// KV rows to allocate (0: the compiled rows); positions must stay below.
  int64_t maxSeq = 0;
  /// Execute the task table on the CPU (no driver calls at all).
  bool cpu = false;
  /// Watchdog bound on one wait, in milliseconds (0: never).
  int64_t timeoutMs = 2000;
  /// Decode steps `generate` runs per launch (at most the kernel's
  /// compiled `steps`); the token stays on the GPU between them.
  int64_t stepsPerLaunch = 1;
  /// Tokens that end a generation (reported, nothing after them); unset:
  /// the checkpoint's generation_config.json `eos_token_id`.
  std::optional<std::vector<int64_t>> eos;
};

/// Where the runtime places each buffer: the manifest's offsets, except the
/// KV arena, which is laid out again for `max-seq` rows.
struct Layout {
  std::array<int64_t, kNumArenas> arenaBytes{};
  /// Byte offset in its arena of each buffer (index as Manifest::buffers).
  std::vector<int64_t> offsets;
};

/// What runs the steps: the GPU or the CPU executor.
class Backend {
public:
  virtual ~Backend();
  /// Runs the step of epoch \p epoch feeding \p token at \p pos (both
  /// checked); stores the chosen token in \p next, the logits in \p logits
  /// when not null, and the step's time in \p ms.
  virtual Status step(int32_t token, int32_t pos, uint32_t epoch,
                      std::vector<float> *logits, int64_t &next,
                      double &ms) = 0;
  /// Runs \p steps decode steps from \p token at \p pos, epochs \p epoch
  /// on, each step's token the previous step's choice; appends the \p steps
  /// chosen tokens to \p chosen and adds their time to \p ms. This runs
  /// them one `step` each (what the kernel does inside one launch: the
  /// validator proves a step's token read precedes its next-token write).
  virtual Status launch(int32_t token, int32_t pos, uint32_t epoch,
                        int32_t steps, std::vector<int64_t> &chosen,
                        double &ms);
  /// A description of the device, for reports.
  virtual std::string device() const = 0;
  /// After a step: the first task whose output went non-finite, as
  /// `task "X" (op) wrote V to 'B' at I`, or "" when unknown (the GPU).
  virtual std::string nonFiniteOrigin() const { return ""; }
};

/// A megakernel bound to its weights, KV cache and buffers.
class Session {
public:
  /// Loads the manifest, checks it against the device, binds the weights.
  static Status open(const Options &options, std::unique_ptr<Session> &out);

  /// Runs one decode step feeding \p token at position \p pos; see
  /// Backend::step. After a failed step the session refuses further steps.
  Status step(int64_t token, int64_t pos, std::vector<float> *logits,
              int64_t &next);

  /// Sets the steps `generate` runs per launch (1 to the compiled `steps`).
  Status setStepsPerLaunch(int64_t steps);

  /// Feeds \p prompt and generates \p newTokens tokens greedily; with
  /// \p forced, teacher-forces the continuation (kernels::runDecode).
  Status generate(const std::vector<int64_t> &prompt, unsigned newTokens,
                  const std::vector<int64_t> &forced, bool recordLogits,
                  std::vector<int64_t> &tokens,
                  std::vector<std::vector<float>> *logits);

  const Manifest &manifest() const { return m; }
  /// Token ids must be below this (the logits' length).
  int64_t vocab() const { return vocabSize; }
  /// Positions must be below this.
  int64_t maxSeq() const { return rows; }
  /// The time of every step run so far, in milliseconds.
  const std::vector<double> &stepTimesMs() const { return times; }
  std::string device() const { return backend->device(); }

private:
  Manifest m;
  Layout layout;
  std::unique_ptr<Backend> backend;
  /// Runs the steps after the prompt \p launches at a time.
  Status generateInLaunches(const std::vector<int64_t> &prompt,
                            unsigned newTokens, std::vector<int64_t> &tokens);

  /// Whether \p token ends a generation.
  bool isEos(int64_t token) const;

  int64_t vocabSize = 0, rows = 0, stepsPerLaunch = 1;
  std::vector<int64_t> eos;
  uint32_t epoch = 0;
  bool broken = false;
  std::vector<double> times;
};

/// The layout of \p manifest with KV caches of \p rows rows.
Layout layoutFor(const Manifest &manifest, int64_t rows);

} // namespace amk::runtime

#endif // AMK_RUNTIME_RUNTIME_H
