//===- amk-translate.cpp - The AMK translation driver ---------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/InitAllTranslations.h"
#include "AMK/Support/ToolArgs.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

/// True when `args[i]` is the value of a separate `-o` / `--o`.
static bool isOutputValue(llvm::ArrayRef<std::string> args, size_t i) {
  return i > 0 && (args[i - 1] == "-o" || args[i - 1] == "--o");
}

/// The arguments that name existing files or directories, except the value
/// of `-o`: the inputs, whatever options come between them.
static std::vector<std::string> existingPaths(llvm::ArrayRef<std::string> args) {
  std::vector<std::string> paths;
  for (size_t i = 1; i < args.size(); ++i)
    if (!isOutputValue(args, i) && !llvm::StringRef(args[i]).starts_with("-") &&
        llvm::sys::fs::exists(args[i]))
      paths.push_back(args[i]);
  return paths;
}

/// Checks that a directory is given to `--import-hf` only and that
/// `--import-hf` is given a directory, and that `-o` is no input.
static llvm::Error checkArguments(llvm::ArrayRef<std::string> args) {
  bool importHF = llvm::is_contained(args, "--import-hf") ||
                  llvm::is_contained(args, "-import-hf");
  std::vector<std::string> inputs = existingPaths(args);
  for (const std::string &input : inputs) {
    bool isDirectory = llvm::sys::fs::is_directory(input);
    if (isDirectory && !importHF)
      return llvm::createStringError(
          "'" + input +
          "' is a directory; only --import-hf reads one (a checkpoint)");
    if (!isDirectory && importHF &&
        llvm::sys::path::filename(input) != "config.json")
      return llvm::createStringError(
          "--import-hf reads a checkpoint directory (or its config.json), '" +
          input + "' is a file");
  }
  if (std::optional<std::string> output = mlir::amk::findOutputArgument(args))
    return mlir::amk::checkOutputIsNotInput(*output, inputs);
  return llvm::Error::success();
}

/// mlir-translate reads its input as one file. A checkpoint directory given
/// as input (`--import-hf DIR`) is read through its `config.json`; the
/// importer finds the safetensors files beside it.
static std::vector<std::string> directoriesToConfigs(std::vector<std::string> args) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (!isOutputValue(args, i) && !llvm::StringRef(args[i]).starts_with("-") &&
        llvm::sys::fs::is_directory(args[i])) {
      llvm::SmallString<256> config(args[i]);
      llvm::sys::path::append(config, "config.json");
      args[i] = std::string(config);
    }
  }
  return args;
}

/// `--to-ptx` writes its files itself (through temporary files renamed into
/// place, the manifest beside the PTX): takes its `-o FILE` out of `args` and
/// hands FILE to the translation.
static void takePTXOutput(std::vector<std::string> &args) {
  if (llvm::none_of(args, [](const std::string &arg) {
        return arg == "--to-ptx" || arg == "-to-ptx";
      }))
    return;
  for (size_t i = 1; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if ((arg == "-o" || arg == "--o") && i + 1 < args.size()) {
      mlir::amk::setPTXOutputPath(args[i + 1]);
      args.erase(args.begin() + i, args.begin() + i + 2);
      return;
    }
    if (arg.consume_front("-o=") || arg.consume_front("--o=")) {
      mlir::amk::setPTXOutputPath(arg);
      args.erase(args.begin() + i);
      return;
    }
  }
}

int main(int argc, char **argv) {
  mlir::amk::installWriteErrorHandler("amk-translate");
  mlir::amk::registerAllTranslations();
  std::vector<std::string> args(argv, argv + argc);
  if (llvm::Error err = checkArguments(args)) {
    llvm::errs() << "amk-translate: error: " << llvm::toString(std::move(err))
                 << "\n";
    return 1;
  }
  args = directoriesToConfigs(std::move(args));
  takePTXOutput(args);
  std::vector<char *> argPointers;
  for (std::string &arg : args)
    argPointers.push_back(arg.data());
  return mlir::failed(mlir::mlirTranslateMain(
      int(argPointers.size()), argPointers.data(), "AMK translation driver\n"));
}
