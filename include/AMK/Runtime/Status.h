//===- Status.h - Errors of the runtime and their exit codes ----*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Every runtime call returns a Status: empty on success, else a message and
// the class of failure, which is also the exit code of amk-run
// (docs/runtime.md).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_RUNTIME_STATUS_H
#define AMK_RUNTIME_STATUS_H

#include <string>

namespace amk::runtime {

/// Classes of failure, numbered as amk-run's exit codes.
enum class ErrorCode {
  Ok = 0,
  /// A bad command line (unknown or missing option, malformed value).
  Usage = 1,
  /// Bad input or a failed run: missing or malformed files, a checkpoint or
  /// PTX that does not match the manifest or the device, a prompt past
  /// max-seq, an out-of-range token, a kernel or driver error.
  BadInput = 2,
  /// The watchdog (GPU) or the executor (CPU) found a wait that can never
  /// be satisfied.
  Watchdog = 3,
  /// The tokens or logits differ from a golden (--golden).
  GoldenMismatch = 4,
};

/// The outcome of a runtime call.
struct [[nodiscard]] Status {
  ErrorCode code = ErrorCode::Ok;
  std::string message;

  bool failed() const { return code != ErrorCode::Ok; }
  static Status ok() { return {}; }
  static Status error(std::string message,
                      ErrorCode code = ErrorCode::BadInput) {
    return {code, std::move(message)};
  }
};

} // namespace amk::runtime

#endif // AMK_RUNTIME_STATUS_H
