//===- LowerMegakernel.cpp - amk.program to one persistent kernel ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Conversion/Passes.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_LOWERMEGAKERNEL
#include "AMK/Conversion/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;

namespace {
/// Placeholder until the megakernel lowering lands: refuses every program.
struct LowerMegakernelPass
    : amk::impl::LowerMegakernelBase<LowerMegakernelPass> {
  void runOnOperation() override {
    getOperation().emitError("--amk-lower-megakernel is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
