//===- TargetInfo.h - Architecture and product records ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The chip tables of AMK, kept in two parts as IREE's KnownTargets does:
//
//  * an architecture record (`ArchInfo`, one per PTX architecture: sm_80,
//    sm_90a, sm_100a, sm_120a) holds what the instruction set and the
//    programming model fix: the SM version, the PTX ISA features, the
//    instruction families (`ChipFeature`), registers, threads and the largest
//    shared memory one block may opt in to;
//  * a product record (`ProductInfo`, many per architecture: A100 80GB and
//    40GB, H100 SXM, H100 PCIe, H200, B200, RTX 5090) holds what a part
//    built on that architecture has: SM count, memory bandwidth, L2 size,
//    shared memory per SM.
//
// A `ChipInfo` is one product resolved against its architecture, the view
// the lowering and the scheduler read. `#amk.target` carries the product's
// facts (with overrides); `--to-ptx` takes the PTX ISA version from the
// architecture alone. Code that lowers per chip asks for a capability
// (`hasBulkCopy()`), never compares chip or product names.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TARGET_TARGETINFO_H
#define AMK_TARGET_TARGETINFO_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
namespace amk {

/// Instruction families an architecture may have.
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

/// What one PTX architecture fixes, whatever part it is built into.
struct ArchInfo {
  /// PTX architecture, e.g. `sm_90a`: the NVPTX CPU and the `#nvvm.target`
  /// chip.
  llvm::StringRef chip;
  /// SM version number, e.g. 90.
  int64_t smVersion;
  /// NVPTX target features (the PTX ISA version) used for code generation.
  llvm::StringRef ptxFeatures;
  /// Largest shared memory one block may use (static plus dynamic, with the
  /// opt-in attribute), in bytes.
  int64_t smemPerBlock;
  /// 32-bit registers per SM.
  int64_t registersPerSM;
  /// Most registers one thread may use.
  int64_t maxRegistersPerThread;
  /// Most threads per block.
  int64_t maxThreadsPerBlock;
  /// `ChipFeature` bits.
  uint32_t features;

  /// True when the architecture has every bit of `feature`.
  bool has(ChipFeature feature) const {
    return (features & feature) == feature;
  }
};

/// What one part built on an architecture has.
struct ProductInfo {
  /// Product name, e.g. `H100-SXM`; the value of the `product` option and
  /// the `name` of `#amk.target`. Looked up ignoring case and punctuation.
  llvm::StringRef name;
  /// Another name it answers to (empty when none): the name the record had
  /// when there was one record per architecture (`H100` for `H100-SXM`), so
  /// that IR written then keeps its meaning and its printed form.
  llvm::StringRef alias;
  /// The architecture it is built on, e.g. `sm_90a`.
  llvm::StringRef chip;
  /// Number of SMs, i.e. of co-resident persistent workers.
  int64_t smCount;
  /// Peak HBM (or GDDR) bandwidth in GB/s.
  int64_t hbmGBps;
  /// L2 cache size in bytes.
  int64_t l2Bytes;
  /// Shared memory per SM (the carve-out maximum), in bytes.
  int64_t smemPerSM;

  /// True when `other` names this product (its name or alias, ignoring case
  /// and punctuation).
  bool isNamed(llvm::StringRef other) const;
};

/// One product resolved against its architecture: everything AMK knows
/// about the GPU a program is for.
struct ChipInfo {
  /// PTX architecture, e.g. `sm_90a`.
  llvm::StringRef chip;
  /// Product name, e.g. `H100-SXM`.
  llvm::StringRef name;
  /// SM version number, e.g. 90.
  int64_t smVersion;
  /// NVPTX target features (the PTX ISA version) used for code generation.
  llvm::StringRef ptxFeatures;
  /// Number of SMs, i.e. of co-resident persistent workers.
  int64_t smCount;
  /// Largest shared memory one block may use, in bytes.
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
  /// Shared memory per SM, in bytes.
  int64_t smemPerSM;
  /// `ChipFeature` bits.
  uint32_t features;

  /// Combines an architecture record with one of its products.
  static ChipInfo get(const ArchInfo &arch, const ProductInfo &product);

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

/// Returns the architecture record of `chip`, or null when AMK does not know
/// it.
const ArchInfo *lookupArch(llvm::StringRef chip);

/// Returns every architecture record, oldest generation first.
llvm::ArrayRef<ArchInfo> knownArchInfos();

/// Returns every product record, grouped by architecture, each
/// architecture's default product first.
llvm::ArrayRef<ProductInfo> knownProducts();

/// Returns the products of `chip`, its default first (empty when the chip is
/// unknown).
llvm::SmallVector<const ProductInfo *> productsOf(llvm::StringRef chip);

/// Returns the product named `name` (or aliased so) of any architecture,
/// ignoring case and punctuation (`rtx5090` finds `RTX-5090`), or null.
const ProductInfo *findProduct(llvm::StringRef name);

/// Returns the product `name` of `chip`, or its default product when `name`
/// is empty; null when the chip is unknown or has no such product.
const ProductInfo *lookupProduct(llvm::StringRef chip, llvm::StringRef name);

/// Returns `chip`'s product `product` (default: the first) resolved against
/// the architecture, or nullopt when either is unknown.
std::optional<ChipInfo> lookupChip(llvm::StringRef chip,
                                   llvm::StringRef product = {});

/// Returns the names of the architectures, comma separated.
std::string knownChipNames();

/// Returns the names of `chip`'s products, comma separated.
std::string knownProductNames(llvm::StringRef chip);

/// Returns an error message when `product` is not a product of `chip` (an
/// unknown name, or one of another architecture), naming `chip`'s products;
/// nullopt when it is one (or empty). `chip` must be known.
std::optional<std::string> checkProduct(llvm::StringRef chip,
                                        llvm::StringRef product);

class TargetAttr;

/// Returns the record of `target`'s chip with the attribute's fields (name,
/// SM count, shared memory per block, L2, bandwidth) applied; the shared
/// memory per SM comes from the product the name picks (the architecture's
/// default when the name is not a product of it). Defined with the amk
/// dialect (AMKDialect.cpp).
ChipInfo getChipInfo(TargetAttr target);

} // namespace amk
} // namespace mlir

#endif // AMK_TARGET_TARGETINFO_H
