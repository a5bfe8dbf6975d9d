//===- Bench.h - Seeds and mutations of the validator benchmark -*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The case generator of amk-validate-bench: seed programs (tiny Llama-like
// schedules in several tilings, worker counts and join styles, plus any
// .mlir given on the command line), random small programs, and mutation
// classes that each change one thing about a program.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TOOLS_VALIDATE_BENCH_BENCH_H
#define AMK_TOOLS_VALIDATE_BENCH_BENCH_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "llvm/ADT/ArrayRef.h"

#include <random>
#include <string>
#include <vector>

namespace amkbench {

using Rng = std::mt19937_64;

/// The MLIR text of the generated seed schedules: one layer of a tiny
/// Llama (embed, norms, q/k/v, rope, KV append, attention, o-proj, MLP, LM
/// head, argmax) in every combination of tiles, workers and join style.
std::vector<std::string> generatedSeeds();

/// The MLIR text of a random program of a few tasks over small vectors.
std::string randomProgram(Rng &rng);

/// One mutation class: changes one thing about `program`; false when the
/// program has no site for it.
struct MutationClass {
  const char *name;
  bool (*apply)(mlir::amk::ProgramOp program, Rng &rng);
};

/// Every mutation class, in table order.
llvm::ArrayRef<MutationClass> mutationClasses();

} // namespace amkbench

#endif // AMK_TOOLS_VALIDATE_BENCH_BENCH_H
