//===- InitAllDialects.h - Register the dialects AMK uses --------*- C++ -*===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The dialect registration shared by the AMK tools.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_INITALLDIALECTS_H
#define AMK_INITALLDIALECTS_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Target/PTX/TranslateToPTX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir {
namespace amk {

/// Registers the amk dialect and the upstream dialects its lowering emits.
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<AMKDialect, func::FuncDialect,
                  gpu::GPUDialect, LLVM::LLVMDialect,
                  NVVM::NVVMDialect, memref::MemRefDialect>();
  registerPTXDialects(registry);
}

} // namespace amk
} // namespace mlir

#endif // AMK_INITALLDIALECTS_H
