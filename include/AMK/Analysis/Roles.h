//===- Roles.h - The buffers the runtime drives -----------------*- C++ -*-===//
//-*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Which buffers of a program the host writes before a step (the token, the
// decode position) and reads after it (the next token, the logits), decided
// once: the validator certifies the program with these roles, the manifest
// writer hands them to the runtime, and a launch of several steps feeds the
// next token to the tokens role (docs/validator.md, "Roles").
//
//===----------------------------------------------------------------------===//

#ifndef AMK_ANALYSIS_ROLES_H
#define AMK_ANALYSIS_ROLES_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir {
namespace amk {

/// The input buffer the runtime writes the decode position into (the
/// reference executor and the runtime bind it by this name).
inline constexpr llvm::StringLiteral kPositionInput = "pos";

/// The buffers the runtime drives; null where the program has none.
struct ProgramRoles {
  /// The input the host writes the step's token into: the token of every
  /// `embed` of a weight or const table whose token is an input.
  Value tokens;
  /// The input `pos`, which every bound `pos + c` means.
  Value position;
  /// The output an `argmax` or `argmax_reduce` writes the chosen token to.
  Value nextToken;
  /// The output the argmax ops read, or else the program's one
  /// floating-point output.
  Value logits;
  /// The fewest rows of the tables `embed` looks the tokens input up in:
  /// every token the host gives must be below it (0 without tokens).
  int64_t tokenRows = 0;
};

/// Reports a program whose roles are ambiguous: at `op`, with `message`.
using RoleReporter = llvm::function_ref<void(Operation *op, const Twine &)>;

/// Decides the roles of `program` into `roles`. A role that two buffers
/// could hold, or one buffer holding two roles, is reported through
/// `report` and fails (the host would write one value over the other);
/// `roles` then holds the first buffer found for each role.
LogicalResult findRoles(ProgramOp program, ProgramRoles &roles,
                        RoleReporter report);

} // namespace amk
} // namespace mlir

#endif // AMK_ANALYSIS_ROLES_H
