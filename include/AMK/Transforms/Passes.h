//===- Passes.h - Passes on amk.program -------------------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TRANSFORMS_PASSES_H
#define AMK_TRANSFORMS_PASSES_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Transforms/Knobs.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace amk {

#define GEN_PASS_DECL
#include "AMK/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "AMK/Transforms/Passes.h.inc"

} // namespace amk
} // namespace mlir

#endif // AMK_TRANSFORMS_PASSES_H
