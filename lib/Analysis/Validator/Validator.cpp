//===- Validator.cpp - Certify a schedule deadlock- and race-free ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The checks, in three stages: structure (grid, barriers, waits, read-only
// buffers, bounds, outputs), then the happens-before graph (a cycle is a
// deadlock), then, on an acyclic graph, races and reads of unwritten data.
// Conflicts are found per buffer (or scratch page) by a sweep over the
// accesses sorted by their linearized extent, so only accesses whose extents
// overlap are compared; each comparison is an exact box test and an O(1)
// vector-clock query.
//
// This file holds the driver (the order of the checks, the summary, the
// entry points) and the helpers that name regions and tasks; the checks
// themselves are in the other files of this directory (ValidatorState.h).
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string Validator::region(const Access &access) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  printRegion(os, access);
  return text;
}

std::string Validator::operandRegion(const AccessRecord &record) const {
  std::string text = region(record.access);
  if (OpOperand *operand = record.access.operand)
    text += " (operand " + std::to_string(operand->getOperandNumber()) + ")";
  return text;
}

std::string Validator::taskName(uint32_t task) const {
  return "task \"" + taskOps[task].getName().str() + "\"";
}

StringRef validator::kindName(const Access &access) {
  return access.isWrite() ? "write" : "read";
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult Validator::finish() {
  if (violations.empty())
    return success();
  size_t shown = std::min<size_t>(violations.size(), options.maxDiagnostics);
  for (size_t i = 0; i < shown; ++i)
    violations[i].first->emitError(violations[i].second);
  InFlightDiagnostic summary = emitError(program.getLoc())
                               << "schedule rejected: " << violations.size()
                               << " violation(s)";
  if (shown < violations.size())
    summary << ", " << shown << " shown (max-diagnostics)";
  return failure();
}

FailureOr<ValidationStats> Validator::run() {
  collectBuffers();
  (void)findRoles(program, roles,
                  [&](Operation *op, const Twine &text) { report(op, text); });
  computePositionRange();
  taskOps.assign(program.getBody()->getOps<TaskOp>().begin(),
                 program.getBody()->getOps<TaskOp>().end());
  bool queuesValid = checkGrid();
  ScheduleGraph graph(program, assigned && queuesValid);
  // Happens-before first: it decides which partial waits are ordered.
  bool acyclic = queuesValid && succeeded(graph.computeHappensBefore());
  checkWaits(graph);
  collectAccesses();
  checkOutputs();
  checkOwnAccesses();
  checkValues();
  checkCounters(graph);
  checkStepStructure();
  checkHistoryAppends();
  if (queuesValid && !acyclic)
    for (auto &[op, cycle] : graph.getCycles())
      report(op, "deadlock: cycle " + cycle);
  if (acyclic)
    checkDeadlockBySimulation(graph);
  if (acyclic) {
    checkConflicts(graph);
    checkTokenFeedback(graph);
  }
  if (failed(finish()))
    return failure();
  ValidationStats stats;
  stats.tasks = taskOps.size();
  stats.events = graph.getNumEvents();
  stats.barriers = graph.getNumBarriers();
  stats.edges = graph.getNumEdges();
  stats.accesses = accesses.size();
  stats.criticalPath = graph.getCriticalPath();
  stats.workers = workers;
  stats.chains = graph.getNumChains();
  stats.gridChecked = bool(program.getTargetAttr());
  return stats;
}

FailureOr<ValidationStats>
mlir::amk::validateProgram(ProgramOp program, const ValidatorOptions &options) {
  return Validator(program, options).run();
}

void mlir::amk::printStats(llvm::raw_ostream &os, ProgramOp program,
                           const ValidationStats &stats) {
  os << "amk-validate: @" << program.getSymName() << " certified: "
     << stats.tasks << " tasks, " << stats.events << " events, "
     << stats.barriers << " barriers, " << stats.edges << " edges, "
     << stats.accesses << " accesses, critical path " << stats.criticalPath
     << " tasks, " << stats.workers << " workers, " << stats.chains
     << " clock chains, ";
  if (stats.gridChecked)
    os << "grid checked against the target";
  else
    os << "grid not checked (no target)";
  os << "\n";
}
