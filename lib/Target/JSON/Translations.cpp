//===- Translations.cpp - --import-amk-json and --export-amk-json ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Target/JSON/AMKJSON.h"

#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void mlir::amk::registerAMKJSONTranslations() {
  TranslateToMLIRRegistration importer(
      "import-amk-json", "Import a JSON schedule (ir_version 0.x)",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        return OwningOpRef<Operation *>(
            importAMKJSON(buffer->getBuffer(), buffer->getBufferIdentifier(),
                          context)
                .release());
      },
      [](DialectRegistry &registry) { registry.insert<AMKDialect>(); });
  TranslateFromMLIRRegistration exporter(
      "export-amk-json", "Export the amk.program as a JSON schedule",
      [](ModuleOp module, raw_ostream &os) {
        return exportAMKJSON(module, os);
      },
      [](DialectRegistry &registry) { registry.insert<AMKDialect>(); });
}
