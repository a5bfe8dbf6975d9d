//===- AMKLimits.h - Bounds on every id, count and size ---------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The largest value each id, count and size of a schedule may take: what a
// GPU can have, with headroom. The verifiers, the importers and the pass
// knobs check against these, and every pass and tool may then size arrays
// and do arithmetic by them without overflow. docs/limits.md lists them.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKLIMITS_H
#define AMK_DIALECT_AMK_IR_AMKLIMITS_H

#include <cstdint>

namespace mlir {
namespace amk {
namespace limits {

/// SMs of one chip (the largest today has 170).
inline constexpr int64_t kMaxSMs = 4096;
/// Persistent workers of one grid: every SM running its maximum of 32
/// co-resident blocks.
inline constexpr int64_t kMaxWorkers = kMaxSMs * 32;
/// Tasks plus barriers of one program, and so queue positions and live
/// ranges measured in tasks.
inline constexpr int64_t kMaxSteps = int64_t(1) << 24;
/// Bytes of one buffer or scratch page: 1 TiB, above any GPU's memory.
inline constexpr int64_t kMaxBufferBytes = int64_t(1) << 40;
/// Decode positions and KV rows: positions are i32 at run time.
inline constexpr int64_t kMaxPosition = (int64_t(1) << 31) - 1;
/// Opt-in shared memory per block and L2 bytes (1 GiB each).
inline constexpr int64_t kMaxOnChipBytes = int64_t(1) << 30;
/// Peak HBM bandwidth in GB/s (1 PB/s).
inline constexpr int64_t kMaxHbmGBps = int64_t(1) << 20;

} // namespace limits
} // namespace amk
} // namespace mlir

#endif // AMK_DIALECT_AMK_IR_AMKLIMITS_H
