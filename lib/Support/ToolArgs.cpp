//===- ToolArgs.cpp - Checks of a tool's input and output paths -----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Support/ToolArgs.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

/// True when \p output names \p input or a file inside directory \p input.
static bool overwrites(StringRef output, StringRef input) {
  if (input == "-" || !sys::fs::exists(input))
    return false;
  if (sys::fs::exists(output) && sys::fs::equivalent(output, input))
    return true;
  if (!sys::fs::is_directory(input))
    return false;
  SmallString<256> parent(output);
  sys::fs::make_absolute(parent);
  sys::path::remove_filename(parent);
  return sys::fs::exists(parent) && sys::fs::equivalent(parent, input);
}

Error mlir::amk::checkOutputIsNotInput(StringRef output,
                                       ArrayRef<std::string> inputs) {
  if (output.empty() || output == "-")
    return Error::success();
  for (const std::string &input : inputs)
    if (overwrites(output, input))
      return createStringError("the output '" + output +
                               (sys::fs::is_directory(input)
                                    ? "' is inside the input directory '"
                                    : "' is the input '") +
                               input + "'; refusing to overwrite it");
  return Error::success();
}

/// The fatal-error handler of installWriteErrorHandler; LLVM exits 1 after it.
static void reportFatal(void *tool, const char *reason, bool) {
  StringRef message(reason);
  errs() << static_cast<const char *>(tool) << ": error: ";
  if (message.consume_front("IO failure on output stream: "))
    errs() << "cannot write the output: ";
  errs() << message << "\n";
}

void mlir::amk::installWriteErrorHandler(const char *tool) {
  install_fatal_error_handler(reportFatal, const_cast<char *>(tool));
}

std::optional<std::string>
mlir::amk::findOutputArgument(ArrayRef<std::string> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    StringRef arg = args[i];
    if ((arg == "-o" || arg == "--o") && i + 1 < args.size())
      return args[i + 1];
    if (arg.consume_front("-o=") || arg.consume_front("--o="))
      return arg.str();
  }
  return std::nullopt;
}
