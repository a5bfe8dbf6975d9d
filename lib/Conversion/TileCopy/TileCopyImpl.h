//===- TileCopyImpl.h - The per-generation tile copiers ---------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_CONVERSION_TILECOPY_TILECOPYIMPL_H
#define AMK_LIB_CONVERSION_TILECOPY_TILECOPYIMPL_H

#include "AMK/Conversion/TileCopy.h"

namespace mlir {
namespace amk {

/// sm_80: 16-byte `cp.async` copies tracked by the stage barrier.
std::unique_ptr<TileCopy> createCpAsyncTileCopy();

/// sm_90 and later: one `cp.async.bulk` per tile, completing on the stage
/// barrier's transaction count.
std::unique_ptr<TileCopy> createBulkTileCopy();

} // namespace amk
} // namespace mlir

#endif // AMK_LIB_CONVERSION_TILECOPY_TILECOPYIMPL_H
