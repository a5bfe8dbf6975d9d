//===- JSONInteger.h - Integers of llvm::json values, range-checked -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// llvm::json::Value::getAsInteger accepts a double equal to 2^63 (the
// nearest double to INT64_MAX) and converts it to int64_t, which is
// undefined behaviour (found by the import fuzzer: "hidden_size":
// 9223372036854775768.0). Every reader of untrusted JSON integers goes
// through `integerOf`, which refuses numbers outside (-2^63, 2^63).
//
//===----------------------------------------------------------------------===//

#ifndef AMK_SUPPORT_JSONINTEGER_H
#define AMK_SUPPORT_JSONINTEGER_H

#include "llvm/Support/JSON.h"

#include <optional>

namespace amk {
namespace support {

/// The integer `value` holds exactly, or std::nullopt when it is not a
/// number, not integral, or not strictly inside (-2^63, 2^63).
inline std::optional<int64_t> integerOf(const llvm::json::Value &value) {
  std::optional<double> number = value.getAsNumber();
  constexpr double kLimit = 9223372036854775808.0; // 2^63
  if (!number || !(*number > -kLimit && *number < kLimit))
    return std::nullopt;
  return value.getAsInteger();
}

} // namespace support
} // namespace amk

#endif // AMK_SUPPORT_JSONINTEGER_H
