//===- amk-opt.cpp - The AMK optimizer driver -----------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/InitAllDialects.h"
#include "AMK/InitAllPasses.h"
#include "AMK/Support/ToolArgs.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::amk::test {
/// Test-only passes (test/lib), registered by amk-opt alone.
void registerTestTileCopyPass();
} // namespace mlir::amk::test

int main(int argc, char **argv) {
  mlir::amk::installWriteErrorHandler("amk-opt");
  mlir::DialectRegistry registry;
  mlir::amk::registerAllDialects(registry);
  mlir::amk::registerAllPasses();
  mlir::amk::test::registerTestTileCopyPass();
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "AMK optimizer driver\n", registry);
  // MlirOptMain truncates the output before it runs the passes.
  if (llvm::Error err = mlir::amk::checkOutputIsNotInput(output, {input})) {
    llvm::errs() << "amk-opt: error: " << llvm::toString(std::move(err))
                 << "\n";
    return 1;
  }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, input, output, registry));
}
