//===- TargetInfo.cpp - Per-chip capability records -----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Target/TargetInfo.h"

using namespace mlir::amk;

/// Spec-sheet values of the reference parts (A100 80GB SXM, H100 SXM, B200,
/// RTX 5090): opt-in shared memory per block, 64K registers per SM, L2 size,
/// peak memory bandwidth. PTX ISA 8.6 is the first with `cp.async.bulk` into
/// shared::cta and with sm_100a; sm_120a needs 8.7.
static const ChipInfo kChips[] = {
    {"sm_80", "A100", 80, "+ptx86", 108, 166912, 65536, 255, 1024, 40 << 20,
     2039, kCpAsync},
    {"sm_90a", "H100", 90, "+ptx86", 132, 232448, 65536, 255, 1024, 50 << 20,
     3350, kCpAsync | kBulkCopy | kClusters},
    {"sm_100a", "B200", 100, "+ptx86", 148, 232448, 65536, 255, 1024,
     126 << 20, 8000, kCpAsync | kBulkCopy | kClusters},
    {"sm_120a", "RTX 5090", 120, "+ptx87", 170, 101376, 65536, 255, 1024,
     96 << 20, 1792, kCpAsync | kBulkCopy | kClusters},
};

const ChipInfo *mlir::amk::lookupChip(llvm::StringRef chip) {
  for (const ChipInfo &info : kChips)
    if (info.chip == chip)
      return &info;
  return nullptr;
}

llvm::ArrayRef<ChipInfo> mlir::amk::knownChipInfos() { return kChips; }

std::string mlir::amk::knownChipNames() {
  std::string list;
  for (const ChipInfo &info : kChips)
    list += (list.empty() ? "" : ", ") + info.chip.str();
  return list;
}
