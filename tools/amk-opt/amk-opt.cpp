//===- amk-opt.cpp - The AMK optimizer driver -----------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/InitAllDialects.h"
#include "AMK/InitAllPasses.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::amk::registerAllDialects(registry);
  mlir::amk::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "AMK optimizer driver\n", registry));
}
