//===- amk-translate.cpp - The AMK translation driver ---------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/InitAll.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::amk::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "AMK translation driver\n"));
}
