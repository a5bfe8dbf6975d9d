//===- AMKDialect.td - The amk dialect definition ----------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The `amk` dialect: a decode step as a schedule of tasks over buffers and
// monotonic events, the level every AMK pass and the validator work on.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKDIALECT_TD
#define AMK_DIALECT_AMK_IR_AMKDIALECT_TD

include "mlir/IR/OpBase.td"

def AMK_Dialect : Dialect {
  let name = "amk";
  let cppNamespace = "::mlir::amk";
  let summary = "Schedules of a transformer decode step for one persistent GPU kernel";
  let description = [{
    An `amk.program` holds the buffers of one decode step (weights, inputs,
    outputs, activations, KV caches, scratch), monotonic events, and tasks.
    A task waits on `(event, threshold)` pairs, runs a body of compute ops and
    signals exactly one event. After worker assignment each task also has a
    worker (one persistent thread block) and a position in its queue, and
    `amk.barrier` ops join all workers. Every compute op reports the exact
    region of every buffer it reads and writes through `AccessOpInterface`,
    which is all the validator and the scheduler look at.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

/// Base class of every amk operation.
class AMK_Op<string mnemonic, list<Trait> traits = []>
    : Op<AMK_Dialect, mnemonic, traits>;

#endif // AMK_DIALECT_AMK_IR_AMKDIALECT_TD
