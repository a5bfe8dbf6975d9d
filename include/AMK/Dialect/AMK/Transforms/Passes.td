//===- Passes.td - Passes on amk.program -------------------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_TRANSFORMS_PASSES_TD
#define AMK_DIALECT_AMK_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Validate : Pass<"amk-validate", "::mlir::ModuleOp"> {
  let summary = "Certify every amk.program deadlock-free and race-free";
  let description = [{
    Checks the schedule semantics of DESIGN.md §2 exactly, at any size, using
    only AccessOpInterface: satisfiable waits, an acyclic graph of event,
    queue and barrier edges, all-join waits on multi-producer events, every
    conflicting access pair ordered by happens-before, no read of unwritten
    transient data, no writes to weights, consts or inputs, every output
    written, every region and worker in bounds. Rejections carry a witness.
  }];
  let options = [
    Option<"maxDiagnostics", "max-diagnostics", "unsigned", /*default=*/"20",
           "Report at most this many violations (the total is always given)">,
    Option<"printStats", "stats", "bool", /*default=*/"false",
           "On acceptance, print tasks, events, edges, critical path, time "
           "and peak memory">
  ];
}

#endif // AMK_DIALECT_AMK_TRANSFORMS_PASSES_TD
