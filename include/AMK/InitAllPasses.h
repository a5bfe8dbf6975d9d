//===- InitAllPasses.h - Register every AMK pass and pipeline ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The pass registration of amk-opt.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_INITALLPASSES_H
#define AMK_INITALLPASSES_H

#include "AMK/Conversion/Passes.h"
#include "AMK/Target/PTX/TranslateToPTX.h"
#include "AMK/Transforms/Passes.h"
#include "AMK/Transforms/Pipelines.h"

#include "mlir/Transforms/Passes.h"

namespace mlir {
namespace amk {

/// Registers every AMK pass and pipeline plus the generic upstream ones
/// (canonicalize, cse, ...).
inline void registerAllPasses() {
  registerTransformsPasses();
  registerAMKPasses();
  registerAMKPipelines();
  registerAMKConversionPasses();
  registerLowerToNVVMPipeline();
}

} // namespace amk
} // namespace mlir

#endif // AMK_INITALLPASSES_H
