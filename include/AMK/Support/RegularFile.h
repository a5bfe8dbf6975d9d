//===- RegularFile.h - Open and read regular input files only ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Header-only, POSIX and free of LLVM, for the MLIR-free readers (lib/Kernels,
// lib/Runtime): an input is opened without blocking (a FIFO would wait for a
// writer forever) and refused unless it is a regular file, and its size is
// checked against the reader's limit before anything is read.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_REGULARFILE_H
#define AMK_SUPPORT_REGULARFILE_H

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace amk {
namespace support {

/// Opens \p path read-only without blocking and checks that it is a regular
/// file; on success stores the descriptor in \p fd (blocking again) and the
/// size in \p size. Returns "" or the error, which starts with the path.
inline std::string openRegularFile(const std::string &path, int &fd,
                                   uint64_t &size) {
  fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return path + ": cannot open: " + std::strerror(errno);
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    bool directory = S_ISDIR(info.st_mode);
    ::close(fd);
    fd = -1;
    return path + (directory ? ": is a directory, not a file"
                             : ": not a regular file");
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  size = uint64_t(info.st_size);
  return "";
}

/// Reads the regular file at \p path, which holds \p what, into \p text,
/// refusing one larger than \p maxBytes before reading it. Returns "" or the
/// error, which starts with the path.
inline std::string readRegularFile(const std::string &path,
                                   std::string_view what, uint64_t maxBytes,
                                   std::string &text) {
  int fd = -1;
  uint64_t size = 0;
  if (std::string error = openRegularFile(path, fd, size); !error.empty())
    return error;
  if (size > maxBytes) {
    ::close(fd);
    return path + ": " + std::to_string(size) + " bytes, more than the " +
           std::to_string(maxBytes) + " bytes allowed for " + std::string(what);
  }
  text.resize(size_t(size));
  size_t done = 0;
  while (done < size) {
    ssize_t got = ::read(fd, text.data() + done, size - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      std::string error = path + ": cannot read: " +
                          (got < 0 ? std::strerror(errno) : "file shrank");
      ::close(fd);
      return error;
    }
    done += size_t(got);
  }
  ::close(fd);
  return "";
}

} // namespace support
} // namespace amk

#endif // AMK_SUPPORT_REGULARFILE_H
