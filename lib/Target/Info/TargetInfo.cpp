//===- TargetInfo.cpp - Architecture and product records ------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Target/TargetInfo.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir::amk;

/// Architecture records. Shared memory per block (opt-in), registers and
/// threads are the CUDA C++ Programming Guide's "Technical Specifications
/// per Compute Capability" (8.0: 163 KB per block; 9.0 and 10.0: 227 KB;
/// 12.0: 99 KB; 64K 32-bit registers per SM, 255 per thread, 1024 threads
/// per block on all four). PTX ISA 8.6 is the first with `cp.async.bulk`
/// into shared::cta and with sm_100a; sm_120a needs 8.7 (PTX ISA release
/// notes).
static const ArchInfo kArchs[] = {
    {"sm_80", 80, "+ptx86", 166912, 65536, 255, 1024, kCpAsync},
    {"sm_90a", 90, "+ptx86", 232448, 65536, 255, 1024,
     kCpAsync | kBulkCopy | kClusters},
    {"sm_100a", 100, "+ptx86", 232448, 65536, 255, 1024,
     kCpAsync | kBulkCopy | kClusters},
    {"sm_120a", 120, "+ptx87", 101376, 65536, 255, 1024,
     kCpAsync | kBulkCopy | kClusters},
};

/// Product records, each architecture's default first (the part the
/// schedules were tuned on; its facts are the short form `#amk.target<"…">`).
/// Sources: SM counts and L2 from NVIDIA's architecture whitepapers (Ampere
/// GA100, Hopper GH100, Blackwell, RTX Blackwell GB202), bandwidths from the
/// product datasheets (A100 80GB SXM 2,039 GB/s, A100 40GB SXM 1,555 GB/s,
/// H100 SXM5 3.35 TB/s, H100 PCIe 2.0 TB/s, H200 SXM 4.8 TB/s, B200 8 TB/s,
/// RTX 5090 1,792 GB/s); shared memory per SM from the CUDA C++ Programming
/// Guide (164 KB on 8.0, 228 KB on 9.0 and 10.0, 100 KB on 12.0). L2 sizes are
/// the whitepapers' "MB" taken as MiB, as the first records had them.
static const ProductInfo kProducts[] = {
    {"A100-80GB", "A100", "sm_80", 108, 2039, 40 << 20, 167936},
    {"A100-40GB", "", "sm_80", 108, 1555, 40 << 20, 167936},
    {"H100-SXM", "H100", "sm_90a", 132, 3350, 50 << 20, 233472},
    {"H100-PCIe", "", "sm_90a", 114, 2000, 50 << 20, 233472},
    {"H200", "", "sm_90a", 132, 4800, 50 << 20, 233472},
    {"B200", "", "sm_100a", 148, 8000, 126 << 20, 233472},
    {"RTX-5090", "RTX 5090", "sm_120a", 170, 1792, 96 << 20, 102400},
};

ChipInfo ChipInfo::get(const ArchInfo &arch, const ProductInfo &product) {
  return ChipInfo{arch.chip,
                  product.name,
                  arch.smVersion,
                  arch.ptxFeatures,
                  product.smCount,
                  arch.smemPerBlock,
                  arch.registersPerSM,
                  arch.maxRegistersPerThread,
                  arch.maxThreadsPerBlock,
                  product.l2Bytes,
                  product.hbmGBps,
                  product.smemPerSM,
                  arch.features};
}

const ArchInfo *mlir::amk::lookupArch(llvm::StringRef chip) {
  for (const ArchInfo &info : kArchs)
    if (info.chip == chip)
      return &info;
  return nullptr;
}

llvm::ArrayRef<ArchInfo> mlir::amk::knownArchInfos() { return kArchs; }

llvm::ArrayRef<ProductInfo> mlir::amk::knownProducts() { return kProducts; }

llvm::SmallVector<const ProductInfo *>
mlir::amk::productsOf(llvm::StringRef chip) {
  llvm::SmallVector<const ProductInfo *> products;
  for (const ProductInfo &product : kProducts)
    if (product.chip == chip)
      products.push_back(&product);
  return products;
}

/// `name` lower-cased with everything but letters and digits dropped.
static std::string normalize(llvm::StringRef name) {
  std::string key;
  for (char c : name)
    if (llvm::isAlnum(c))
      key += llvm::toLower(c);
  return key;
}

bool ProductInfo::isNamed(llvm::StringRef other) const {
  std::string key = normalize(other);
  return !key.empty() &&
         (normalize(name) == key || (!alias.empty() && normalize(alias) == key));
}

const ProductInfo *mlir::amk::findProduct(llvm::StringRef name) {
  for (const ProductInfo &product : kProducts)
    if (product.isNamed(name))
      return &product;
  return nullptr;
}

const ProductInfo *mlir::amk::lookupProduct(llvm::StringRef chip,
                                            llvm::StringRef name) {
  llvm::SmallVector<const ProductInfo *> products = productsOf(chip);
  if (products.empty())
    return nullptr;
  if (name.empty())
    return products.front();
  const ProductInfo *product = findProduct(name);
  return product && product->chip == chip ? product : nullptr;
}

std::optional<ChipInfo> mlir::amk::lookupChip(llvm::StringRef chip,
                                              llvm::StringRef product) {
  const ArchInfo *arch = lookupArch(chip);
  const ProductInfo *record = lookupProduct(chip, product);
  if (!arch || !record)
    return std::nullopt;
  return ChipInfo::get(*arch, *record);
}

std::string mlir::amk::knownChipNames() {
  std::string list;
  for (const ArchInfo &info : kArchs)
    list += (list.empty() ? "" : ", ") + info.chip.str();
  return list;
}

std::string mlir::amk::knownProductNames(llvm::StringRef chip) {
  std::string list;
  for (const ProductInfo *product : productsOf(chip))
    list += (list.empty() ? "" : ", ") + product->name.str();
  return list;
}

std::optional<std::string> mlir::amk::checkProduct(llvm::StringRef chip,
                                                   llvm::StringRef product) {
  if (lookupProduct(chip, product))
    return std::nullopt;
  std::string message = "'" + product.str() + "' is not a product of " +
                        chip.str();
  if (const ProductInfo *other = findProduct(product))
    message += " (" + other->name.str() + " is built on " + other->chip.str() + ")";
  return message + "; products of " + chip.str() + ": " +
         knownProductNames(chip);
}
