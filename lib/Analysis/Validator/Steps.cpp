//===- Steps.cpp - Validator: several steps per launch --------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// What a launch of several steps needs besides each step being certified: the
// grid, position and rows for every step, a separator counter that does not
// wrap, and the token fed back from one step's argmax to the next step's
// lookups, read before this step overwrites it.
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;

//===----------------------------------------------------------------------===//
// Several steps per launch
//===----------------------------------------------------------------------===//

/// What a launch of several steps needs besides each step being certified:
/// a grid for the barrier between steps, a position that moves, rows for
/// every step, and a separator counter that does not wrap.
void Validator::checkStepStructure() {
  int64_t steps = options.steps;
  if (steps == 1)
    return;
  if (!assigned)
    report(program, "a launch of " + Twine(steps) +
                        " steps separates them by a grid barrier, but no "
                        "task has a worker (assign workers first)");
  if (std::optional<int64_t> position = program.getPosition())
    report(program, "the program is pinned to position " + Twine(*position) +
                        ", but a launch of " + Twine(steps) +
                        " steps runs positions pos to pos + " +
                        Twine(steps - 1));
  for (const BufferInfo &buffer : buffers) {
    if (buffer.op.getKind() != BufferKind::KVCache)
      continue;
    int64_t rows = buffer.op.getType().getDimSize(0);
    if (rows < steps)
      report(buffer.op, "a launch of " + Twine(steps) +
                            " steps appends a row per step, but KV cache '" +
                            buffer.op.getName() + "' has " + Twine(rows) +
                            " rows");
  }
  if (workers * steps > int64_t(std::numeric_limits<uint32_t>::max()))
    report(program, "the barrier between steps counts " + Twine(workers) +
                        " workers x " + Twine(steps) +
                        " steps arrivals, past its 32-bit counter");
}

/// Step `s + 1` reads its token from the next-token output step `s` wrote
/// (no copy: the kernel reads `next_token` where the program reads the
/// tokens input). So the value must be a row of every table it indexes,
/// and this step's reads of the token must happen before this step's
/// argmax overwrites it.
void Validator::checkTokenFeedback(const ScheduleGraph &graph) {
  if (options.steps == 1)
    return;
  Value tokens = roles.tokens, next = roles.nextToken;
  if (!tokens)
    return;
  BufferOp tokensOp = tokens.getDefiningOp<BufferOp>();
  if (!next) {
    report(tokensOp, "a launch of " + Twine(options.steps) +
                         " steps feeds each step's chosen token to the next "
                         "step's embedding, but no argmax writes an output "
                         "token");
    return;
  }
  BufferOp nextOp = next.getDefiningOp<BufferOp>();
  if (tokensOp.getType() != nextOp.getType()) {
    report(nextOp, "the next token '" + nextOp.getName() +
                       "' must have the type of the tokens input '" +
                       tokensOp.getName() + "' it replaces in the next step");
    return;
  }
  std::optional<int64_t> bound = indexBound(next, 0);
  for (Operation *user : tokens.getUsers()) {
    auto embed = dyn_cast<EmbedOp>(user);
    if (!embed || embed.getToken() != tokens)
      continue;
    int64_t rows = cast<MemRefType>(embed.getTable().getType()).getDimSize(0);
    if (!bound || *bound > rows)
      report(embed, "in a launch of " + Twine(options.steps) +
                        " steps 'amk.embed' looks up the token step s - 1 "
                        "left in '" + nextOp.getName() + "', which " +
                        (bound ? "can hold indices up to " + Twine(*bound - 1)
                               : Twine("AMK cannot bound")) +
                        ": not provably inside the table's " + Twine(rows) +
                        " rows");
  }
  checkTokenOrder(graph, bufferIndex.lookup(tokens), bufferIndex.lookup(next));
}

/// Every read of the tokens input (next_token from step 1 on) must happen
/// before every write of next_token in the same step.
void Validator::checkTokenOrder(const ScheduleGraph &graph, uint32_t tokens,
                                uint32_t next) {
  for (const AccessRecord &read : accesses) {
    if (read.buffer != tokens || read.access.isWrite())
      continue;
    for (uint32_t w : buffers[next].writes) {
      const AccessRecord &write = accesses[w];
      bool ordered = write.task == read.task
                         ? read.ordinal < write.ordinal
                         : graph.happensBefore(read.task, write.task);
      if (ordered)
        continue;
      report(read.op, taskName(read.task) + " reads " + region(read.access) +
                          ", which step s + 1 of a launch of " +
                          Twine(options.steps) + " steps takes from '" +
                          buffers[next].op.getName() + "', but " +
                          taskName(write.task) + " writes " +
                          region(write.access) +
                          " without being ordered after the read (step s + "
                          "1 could overwrite its own token first)");
    }
  }
}
