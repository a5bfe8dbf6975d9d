//===- Roles.cpp - The buffers the runtime drives -------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/Roles.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;

namespace {

/// One role while roles are decided: its buffer and the op that gave it,
/// or why the buffer itself holds it.
struct Claim {
  StringRef role;
  Value buffer;
  Operation *by = nullptr;
  StringRef why = "";
};

/// Decides each role from the ops that use it, reporting a role that two
/// buffers could hold and one buffer holding two roles.
class RoleFinder {
public:
  RoleFinder(ProgramOp program, RoleReporter report)
      : program(program), report(report) {}

  LogicalResult run(ProgramRoles &roles);

private:
  void claim(Claim &claim, Value buffer, Operation *by);
  void visit(Operation *op);
  void checkDistinct();
  std::string describe(const Claim &claim) const;

  ProgramOp program;
  RoleReporter report;
  Claim tokens{"token input"}, position{"decode position"},
      nextToken{"next token"}, logits{"logits"};
  bool ambiguous = false;
};

} // namespace

static BufferOp bufferOf(Value buffer) {
  return buffer.getDefiningOp<BufferOp>();
}

static bool isKind(Value buffer, BufferKind kind) {
  return bufferOf(buffer).getKind() == kind;
}

/// How `claim` was decided, for a witness: the op and its task, or why.
std::string RoleFinder::describe(const Claim &claim) const {
  if (!claim.why.empty())
    return claim.why.str();
  std::string text = "from '" + claim.by->getName().getStringRef().str() + "'";
  if (auto task = claim.by->getParentOfType<TaskOp>())
    text += " in task \"" + task.getName().str() + "\"";
  return text;
}

void RoleFinder::claim(Claim &claim, Value buffer, Operation *by) {
  if (!claim.buffer) {
    claim.buffer = buffer;
    claim.by = by;
    return;
  }
  if (claim.buffer == buffer)
    return;
  ambiguous = true;
  Claim other{claim.role, buffer, by};
  report(by, "the " + claim.role + " is '" + bufferOf(buffer).getName() + "' " +
                 describe(other) + " and '" + bufferOf(claim.buffer).getName() +
                 "' " + describe(claim) +
                 ": the runtime drives one buffer per role");
}

void RoleFinder::visit(Operation *op) {
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](EmbedOp o) {
        // The model's embedding: a read-only table looked up by an input
        // (not the paper tool's reshape, an embedding of an activation).
        BufferOp table = bufferOf(o.getTable());
        if (isKind(o.getToken(), BufferKind::Input) &&
            (table.getKind() == BufferKind::Weight ||
             table.getKind() == BufferKind::Const))
          claim(tokens, o.getToken(), op);
      })
      .Case([&](ArgmaxOp o) {
        if (isKind(o.getLogits(), BufferKind::Output))
          claim(logits, o.getLogits(), op);
        if (isKind(o.getToken(), BufferKind::Output))
          claim(nextToken, o.getToken(), op);
      })
      .Case([&](ArgmaxPartialOp o) {
        if (isKind(o.getLogits(), BufferKind::Output))
          claim(logits, o.getLogits(), op);
      })
      .Case([&](ArgmaxReduceOp o) {
        if (isKind(o.getToken(), BufferKind::Output))
          claim(nextToken, o.getToken(), op);
      });
}

/// The host writes the token and the position into their buffers and reads
/// the next token and the logits from theirs: one buffer in two roles
/// would hold one value where the program expects the other.
void RoleFinder::checkDistinct() {
  Claim *claims[] = {&tokens, &position, &nextToken, &logits};
  for (auto [i, first] : llvm::enumerate(claims))
    for (Claim *second : ArrayRef(claims).drop_front(i + 1)) {
      if (!first->buffer || first->buffer != second->buffer)
        continue;
      ambiguous = true;
      // Report at an op that uses the buffer in its role, if any.
      Operation *at = first->why.empty() ? first->by : second->by;
      report(at, "'" + bufferOf(first->buffer).getName() + "' is both the " +
                     first->role + " (" + describe(*first) + ") and the " +
                     second->role + " (" + describe(*second) +
                     "): the host would write one over the other");
    }
}

LogicalResult RoleFinder::run(ProgramRoles &roles) {
  SmallVector<Value> floatOutputs;
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>()) {
    if (buffer.getKind() == BufferKind::Input &&
        buffer.getName() == kPositionInput)
      position = Claim{position.role, buffer.getResult(), buffer,
                       "the input named 'pos'"};
    if (buffer.getKind() == BufferKind::Output &&
        isa<FloatType>(buffer.getType().getElementType()))
      floatOutputs.push_back(buffer.getResult());
  }
  program.walk([&](Operation *op) { visit(op); });
  // A program without an argmax (the paper tool's) has no next token (the
  // host picks it) and its logits are its one floating-point output.
  if (!logits.buffer && floatOutputs.size() == 1)
    logits = Claim{logits.role, floatOutputs.front(),
                   floatOutputs.front().getDefiningOp(),
                   "the program's one floating-point output"};
  checkDistinct();
  roles = ProgramRoles{tokens.buffer, position.buffer, nextToken.buffer,
                       logits.buffer};
  if (tokens.buffer)
    for (Operation *user : tokens.buffer.getUsers())
      if (auto embed = dyn_cast<EmbedOp>(user);
          embed && embed.getToken() == tokens.buffer) {
        int64_t rows = bufferOf(embed.getTable()).getType().getDimSize(0);
        roles.tokenRows =
            roles.tokenRows ? std::min(roles.tokenRows, rows) : rows;
      }
  return failure(ambiguous);
}

LogicalResult mlir::amk::findRoles(ProgramOp program, ProgramRoles &roles,
                                   RoleReporter report) {
  return RoleFinder(program, report).run(roles);
}
