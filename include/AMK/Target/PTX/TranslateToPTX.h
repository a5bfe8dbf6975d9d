//===- TranslateToPTX.h - The --to-ptx translation --------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `amk-translate --to-ptx` turns the `gpu.module` produced by
// `--amk-lower-megakernel` into PTX text for the module's `#nvvm.target`
// chip, plus the manifest JSON beside it. The first half, the lowering to the
// LLVM dialect, is also a pass pipeline (`amk-opt --amk-lower-to-nvvm`).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TARGET_PTX_TRANSLATETOPTX_H
#define AMK_TARGET_PTX_TRANSLATETOPTX_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
class DialectRegistry;
class OpPassManager;

namespace amk {

/// Adds to `pm` (anchored on `builtin.module`) the lowering of every
/// `gpu.module` from the gpu, nvvm, arith, scf, math, memref, vector, index
/// and func dialects to the LLVM dialect: scf to cf, gpu to nvvm (math ops
/// become libdevice `__nv_*` calls, memref kernel arguments bare pointers),
/// the remaining dialects to llvm, `convert-nvvm-to-llvm` last, then
/// unrealized casts reconciled.
void buildLowerToNVVMPipeline(OpPassManager &pm);

/// Registers `buildLowerToNVVMPipeline` as the `amk-lower-to-nvvm` pipeline.
void registerLowerToNVVMPipeline();

/// Registers the dialects a lowered megakernel module is written in, their
/// to-LLVM conversion interfaces and their LLVM IR translations.
void registerPTXDialects(DialectRegistry &registry);

/// Makes `--to-ptx` write its PTX to `path` (and the manifest beside it,
/// `X.ptx` -> `X.manifest.json`), both through a temporary file renamed into
/// place, instead of to mlir-translate's output stream. amk-translate calls
/// this with its `-o` argument.
void setPTXOutputPath(llvm::StringRef path);

/// Registers `--to-ptx` with mlir-translate's registry.
void registerToPTXTranslation();

} // namespace amk
} // namespace mlir

#endif // AMK_TARGET_PTX_TRANSLATETOPTX_H
