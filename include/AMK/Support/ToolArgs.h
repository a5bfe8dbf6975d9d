//===- ToolArgs.h - Checks of a tool's input and output paths ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Refuses an output path that would overwrite an input before any tool opens
// (and so truncates) it.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_TOOLARGS_H
#define AMK_SUPPORT_TOOLARGS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace mlir {
namespace amk {

/// Fails when \p output is one of the existing files \p inputs, or lies in
/// one of them that is a directory (a checkpoint). "-" never conflicts.
llvm::Error checkOutputIsNotInput(llvm::StringRef output,
                                  llvm::ArrayRef<std::string> inputs);

/// Makes a failed write of an output stream (a full disk, `/dev/full`)
/// print "<tool>: error: cannot write the output: <reason>" and exit 1,
/// instead of LLVM's "LLVM ERROR: IO failure on output stream". The partial
/// output file is removed as before.
void installWriteErrorHandler(const char *tool);

/// The value of `-o FILE`, `-o=FILE`, `--o FILE` or `--o=FILE` in \p args.
std::optional<std::string> findOutputArgument(llvm::ArrayRef<std::string> args);

} // namespace amk
} // namespace mlir

#endif // AMK_SUPPORT_TOOLARGS_H
