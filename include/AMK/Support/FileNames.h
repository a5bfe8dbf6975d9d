//===- FileNames.h - Checks on file names read from input -------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Header-only and free of LLVM, so that the compiler's and the runtime's
// shard-index readers (lib/Checkpoint, lib/Runtime) refuse the same names.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_FILENAMES_H
#define AMK_SUPPORT_FILENAMES_H

#include <string_view>

namespace amk {
namespace support {

/// True when \p name, read from an input file, names a file in the
/// directory it is looked up in: not empty, no separator ('/' or '\\'),
/// not "." and no "..".
inline bool isPlainFileName(std::string_view name) {
  return !name.empty() && name != "." &&
         name.find_first_of("/\\") == std::string_view::npos &&
         name.find("..") == std::string_view::npos;
}

} // namespace support
} // namespace amk

#endif // AMK_SUPPORT_FILENAMES_H
