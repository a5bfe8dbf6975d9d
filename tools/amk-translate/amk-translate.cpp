//===- amk-translate.cpp - The AMK translation driver ---------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/InitAllTranslations.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <string>
#include <vector>

/// mlir-translate reads its input as one file. A checkpoint directory given
/// as input (`--import-hf DIR`) is read through its `config.json`; the
/// importer finds the safetensors files beside it.
static std::vector<std::string> directoriesToConfigs(int argc, char **argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    bool isOptionValue = args[i - 1] == "-o";
    if (!isOptionValue && args[i][0] != '-' &&
        llvm::sys::fs::is_directory(args[i])) {
      llvm::SmallString<256> config(args[i]);
      llvm::sys::path::append(config, "config.json");
      args[i] = std::string(config);
    }
  }
  return args;
}

int main(int argc, char **argv) {
  mlir::amk::registerAllTranslations();
  std::vector<std::string> args = directoriesToConfigs(argc, argv);
  std::vector<char *> argPointers;
  for (std::string &arg : args)
    argPointers.push_back(arg.data());
  return mlir::failed(mlir::mlirTranslateMain(
      int(argPointers.size()), argPointers.data(), "AMK translation driver\n"));
}
