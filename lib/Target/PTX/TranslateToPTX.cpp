//===- TranslateToPTX.cpp - The --to-ptx translation ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Target/PTX/TranslateToPTX.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;

void mlir::amk::registerToPTXTranslation() {
  TranslateFromMLIRRegistration registration(
      "to-ptx", "Translate a lowered megakernel module to PTX text",
      [](ModuleOp module, raw_ostream &) -> LogicalResult {
        return module.emitError("--to-ptx is not implemented yet");
      },
      [](DialectRegistry &registry) {
        registry.insert<amk::AMKDialect>();
      });
}
