//===- InitAllTranslations.h - Register every AMK translation ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The translation registration of amk-translate.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_INITALLTRANSLATIONS_H
#define AMK_INITALLTRANSLATIONS_H

#include "AMK/Target/HF/ImportHF.h"
#include "AMK/Target/JSON/AMKJSON.h"
#include "AMK/Target/PTX/TranslateToPTX.h"

namespace mlir {
namespace amk {

/// Registers every amk-translate translation.
inline void registerAllTranslations() {
  registerImportHFTranslation();
  registerAMKJSONTranslations();
  registerToPTXTranslation();
}

} // namespace amk
} // namespace mlir

#endif // AMK_INITALLTRANSLATIONS_H
