//===- InitAll.h - Register every AMK dialect, pass, translation -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The one registration header shared by amk-opt and amk-translate.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_INITALL_H
#define AMK_INITALL_H

#include "AMK/Conversion/Passes.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Dialect/AMK/Transforms/Passes.h"
#include "AMK/Dialect/AMK/Transforms/Pipelines.h"
#include "AMK/Target/HF/ImportHF.h"
#include "AMK/Target/JSON/AMKJSON.h"
#include "AMK/Target/PTX/TranslateToPTX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace mlir {
namespace amk {

/// Registers the amk dialect and the upstream dialects its lowering emits.
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<AMKDialect, func::FuncDialect,
                  gpu::GPUDialect, LLVM::LLVMDialect,
                  NVVM::NVVMDialect, memref::MemRefDialect>();
}

/// Registers every AMK pass and pipeline plus the generic upstream ones
/// (canonicalize, cse, ...).
inline void registerAllPasses() {
  registerTransformsPasses();
  registerAMKPasses();
  registerAMKPipelines();
  registerAMKConversionPasses();
}

/// Registers every amk-translate translation.
inline void registerAllTranslations() {
  registerImportHFTranslation();
  registerAMKJSONTranslations();
  registerToPTXTranslation();
}

} // namespace amk
} // namespace mlir

#endif // AMK_INITALL_H
