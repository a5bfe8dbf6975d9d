//===- TargetInfo.h - Per-chip capability records ---------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The one chip table of AMK. `#amk.target` reads its default fields from it,
// the megakernel lowering asks it which copy and synchronisation instructions
// a chip has, and `--to-ptx` takes the PTX ISA version from it. Code that
// lowers per chip asks for a capability (`hasBulkCopy()`), never compares chip
// names.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TARGET_TARGETINFO_H
#define AMK_TARGET_TARGETINFO_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir {
namespace amk {

/// Instruction families a chip may have.
enum ChipFeature : uint32_t {
  /// `cp.async` 4/8/16-byte global -> shared copies with commit/wait groups
  /// (sm_80 and later).
  kCpAsync = 1u << 0,
  /// `cp.async.bulk` global -> shared::cta copies completing on an mbarrier
  /// transaction count, and `mbarrier.try_wait.parity` (sm_90 and later).
  kBulkCopy = 1u << 1,
  /// Thread-block clusters and cluster-scope operations (sm_90 and later).
  kClusters = 1u << 2,
};

/// Everything AMK knows about one GPU generation.
struct ChipInfo {
  /// PTX architecture, e.g. `sm_90a`: the NVPTX CPU and the `#nvvm.target`
  /// chip.
  llvm::StringRef chip;
  /// Marketing name of the reference part, e.g. `H100`.
  llvm::StringRef name;
  /// SM version number, e.g. 90.
  int64_t smVersion;
  /// NVPTX target features (the PTX ISA version) used for code generation.
  llvm::StringRef ptxFeatures;
  /// Number of SMs, i.e. of co-resident persistent workers.
  int64_t smCount;
  /// Largest shared memory one block may use (static plus dynamic, with the
  /// opt-in attribute), in bytes.
  int64_t smemPerBlock;
  /// 32-bit registers per SM.
  int64_t registersPerSM;
  /// Most registers one thread may use.
  int64_t maxRegistersPerThread;
  /// Most threads per block.
  int64_t maxThreadsPerBlock;
  /// L2 cache size in bytes.
  int64_t l2Bytes;
  /// Peak HBM (or GDDR) bandwidth in GB/s.
  int64_t hbmGBps;
  /// `ChipFeature` bits.
  uint32_t features;

  /// True when the chip has every bit of `feature`.
  bool has(ChipFeature feature) const {
    return (features & feature) == feature;
  }
  /// True when the chip has `cp.async` 16-byte copies.
  bool hasCpAsync() const { return has(kCpAsync); }
  /// True when the chip has `cp.async.bulk` copies and mbarrier tx-counts.
  bool hasBulkCopy() const { return has(kBulkCopy); }
  /// True when the chip has thread-block clusters.
  bool hasClusters() const { return has(kClusters); }
};

/// Returns the built-in record of `chip`, or null when AMK does not know it.
const ChipInfo *lookupChip(llvm::StringRef chip);

/// Returns every built-in record, oldest generation first.
llvm::ArrayRef<ChipInfo> knownChipInfos();

/// Returns the names of the built-in chips, comma separated.
std::string knownChipNames();

class TargetAttr;

/// Returns the record of `target`'s chip with the attribute's overridden
/// fields (SM count, shared memory per block, L2, bandwidth) applied.
/// Defined with the amk dialect (AMKDialect.cpp).
ChipInfo getChipInfo(TargetAttr target);

} // namespace amk
} // namespace mlir

#endif // AMK_TARGET_TARGETINFO_H
