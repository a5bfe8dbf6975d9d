//===- Manifest.h - The megakernel's manifest --------------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Reads `X.manifest.json` (docs/megakernel-abi.md): buffers and their arena
// placement, events, body variants with their static facts, and the task
// table. readManifest checks each field where it reads it (type, range);
// verifyManifest (Verifier.cpp) then checks the program as a whole: every
// index, argument, range and role against the buffers and the variants'
// static facts, so that neither executor can read or write outside the
// table, a buffer or an arena.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_RUNTIME_MANIFEST_H
#define AMK_RUNTIME_MANIFEST_H

#include "AMK/Dialect/AMK/IR/AMKLimits.h"
#include "AMK/Kernels/Kernels.h"
#include "AMK/Runtime/Status.h"
#include "AMK/Support/StorageModel.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amk::runtime {

/// Words of one task descriptor.
constexpr int kDescriptorWords = 8;
/// Words of one wait entry: event, threshold, producers per step.
constexpr int kWaitWords = 3;
/// Words of the abort record.
constexpr int kAbortWords = 8;
/// Descriptor flag: signal before waiting (a grid-barrier arrival).
constexpr int32_t kFlagArriveFirst = 1;
/// Alignment of every buffer offset in its arena (the storage model's).
constexpr int64_t kArenaAlignment = ::amk::storage::kAlignment;
/// Words of one prefetch entry: buffer, byte offset (low, high), bytes.
constexpr int kPrefetchWords = 4;
/// Largest grid (workers) a manifest may declare: the compiler's bound on
/// workers (AMKLimits.h, dependency-free), far above any device's
/// co-resident blocks and small enough that per-worker state costs nothing.
constexpr int64_t kMaxGrid = ::mlir::amk::limits::kMaxWorkers;

/// The arenas buffers live in.
enum class Arena { Weights, KV, Scratch, IO };
/// Number of arenas.
constexpr int kNumArenas = 4;
/// The manifest spelling of \p arena.
const char *arenaName(Arena arena);

/// One buffer of the program.
struct ManifestBuffer {
  int64_t id = 0;
  std::string name, kind;
  kernels::DType dtype = kernels::DType::F32;
  std::vector<int64_t> shape;
  /// State-dict key (weights arena only).
  std::string key;
  /// The scratch page the buffer lives on ("" for none): buffers may share
  /// bytes only when they are on the same page.
  std::string page;
  int64_t bytes = 0;
  Arena arena = Arena::Scratch;
  int64_t offset = 0;

  /// Number of elements (the product of `shape`, checked at parse time).
  int64_t elements() const {
    int64_t count = 1;
    for (int64_t dim : shape)
      count *= dim;
    return count;
  }
};

/// One event: its counter's initial value and producers per step.
struct ManifestEvent {
  std::string name;
  uint32_t init = 0, producers = 0;
};

/// Compute ops a body variant may hold.
enum class OpKind {
  Embed, RMSNorm, Gemv, Rope, KVAppend, Attention, AttentionCombine,
  AttentionMerge, SiluMul, Add, Argmax, ArgmaxPartial, ArgmaxReduce, Copy
};

/// One op of a body variant with the static facts the CPU path needs.
struct OpSpec {
  OpKind kind = OpKind::Copy;
  std::string name;
  /// Buffer and integer arguments the op takes from the argument pool.
  int buffers = 0, ints = 0;
  /// Element type and shape of each buffer argument (`dtypes`, `shapes`).
  std::vector<kernels::DType> dtypes;
  std::vector<std::vector<int64_t>> shapes;
  /// Every integer-valued static fact (`vocab`, `N`, `rows`, ...), checked
  /// against `shapes` by the verifier.
  std::vector<std::pair<std::string, int64_t>> extents;
  /// rmsnorm: epsilon; rmsnorm, rope: head dimension (0 = whole vector).
  double eps = 0;
  int64_t headDim = 0;
  /// gemv: optional operands present.
  bool bias = false, residual = false;
  /// rope: base and llama3 scaling.
  double theta = 0;
  std::optional<kernels::Llama3Scaling> llama3;
  /// attention: scale, sliding window (0 = none), partial (split-KV) form.
  double scale = 1;
  int64_t window = 0;
  bool partial = false;
  /// attention: the packed partial form (per head: values, max, sum).
  bool packed = false;
  /// copy: column-range form (else the whole buffer).
  bool cols = true;
};

/// One body variant: the ops a task of this variant runs, in order.
struct Variant {
  std::vector<OpSpec> ops;
  /// Total arguments (buffers and integers of every op).
  int64_t numArgs = 0;
};

/// The roles of the buffers the runtime drives.
struct Roles {
  int64_t tokens = -1, position = -1, nextToken = -1, logits = -1;
  /// Rows of the smallest table the token indexes (`token_rows`): every
  /// token must be below it; 0 when the manifest predates the field.
  int64_t tokenRows = 0;
};

/// The whole manifest.
struct Manifest {
  /// The file it was read from, for diagnostics.
  std::string path;
  std::string program, chip, kernel;
  /// The program's hash (optional in the manifest; empty when absent).
  std::string programHash;
  /// The hashes binding the pieces (AMK/Support/TableHash.h): the
  /// manifest's own (`manifest_hash`), the one its content has, and the
  /// PTX's (`ptx_hash`; empty when absent, as in manifests not written by
  /// `--to-ptx`).
  std::string manifestHash, contentHash, ptxHash;
  int64_t grid = 0, block = 0, dynamicSmem = 0;
  /// Most decode steps one launch runs (`steps`, default 1); with more
  /// than one the kernel takes the steps and a token log as parameters.
  int64_t steps = 1;
  /// The program's pinned position, if any.
  std::optional<int64_t> position;
  std::vector<ManifestBuffer> buffers;
  /// Index into `buffers` of each buffer id (-1 for unused ids).
  std::vector<int64_t> bufferIndex;
  std::array<int64_t, kNumArenas> arenaBytes{};
  Roles roles;
  std::vector<ManifestEvent> events;
  std::vector<Variant> variants;
  std::vector<std::string> tasks;
  std::vector<int32_t> descriptors, queues, waits, args;

  /// The buffer of id \p id (which must exist).
  const ManifestBuffer &buffer(int64_t id) const {
    return buffers[bufferIndex[id]];
  }
  /// Number of task descriptors.
  int64_t numDescriptors() const {
    return int64_t(descriptors.size()) / kDescriptorWords;
  }
  /// Word \p word of descriptor \p d.
  int32_t word(int64_t d, int word) const {
    return descriptors[d * kDescriptorWords + word];
  }
  /// The KV rows the program was compiled for (the smallest first
  /// dimension of the KV caches; 0 without caches).
  int64_t compiledRows() const;
};

/// \p shape as `[a, b, c]`, for diagnostics.
std::string formatShape(const std::vector<int64_t> &shape);

/// The bytes a buffer of \p elements elements of \p dtype holds (the
/// compiler's storage model).
int64_t storageBytes(kernels::DType dtype, int64_t elements);

/// Reads the manifest at \p path, checking every field where it is read.
Status readManifest(const std::string &path, Manifest &manifest);

/// Reads a manifest from \p text, named \p path in errors.
Status parseManifest(std::string_view text, const std::string &path,
                     Manifest &manifest);

/// Verifies the program of \p manifest as a whole before anything is
/// allocated or launched, for KV caches of \p rows rows (at most the
/// compiled rows): buffers, pages and roles, every descriptor, wait, event,
/// argument and prefetch entry, and each variant's static facts against its
/// operands' shapes. Linear in the table (buffers are sorted once). An error
/// names the field, the task where there is one, and the bound.
Status verifyManifest(const Manifest &manifest, int64_t rows);

/// Whether buffer operand \p i of \p op is one it writes.
bool writesOperand(const OpSpec &op, int i);

/// The token ids a verified \p manifest accepts and may produce: the
/// logits' length, and at most the rows of every embedding table the token
/// input indexes.
int64_t vocabularyOf(const Manifest &manifest);

/// The manifest path of the PTX \p kernelPath: `X.ptx` -> `X.manifest.json`.
std::string manifestPathFor(const std::string &kernelPath);

} // namespace amk::runtime

#endif // AMK_RUNTIME_MANIFEST_H
