//===- TranslateToPTX.h - The --to-ptx translation --------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TARGET_PTX_TRANSLATETOPTX_H
#define AMK_TARGET_PTX_TRANSLATETOPTX_H

namespace mlir {
namespace amk {

/// Registers `--to-ptx` with mlir-translate's registry.
void registerToPTXTranslation();

} // namespace amk
} // namespace mlir

#endif // AMK_TARGET_PTX_TRANSLATETOPTX_H
