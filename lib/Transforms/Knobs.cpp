//===- Knobs.cpp - Range diagnostics of the scheduling knobs --------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Transforms/Knobs.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::amk;

LogicalResult mlir::amk::checkKnob(Location loc, StringRef pass,
                                   const IntKnob &knob, int64_t value) {
  if (value >= knob.min && value <= knob.max)
    return success();
  return emitError(loc) << pass << ": knob '" << knob.name << "' = " << value
                        << " is out of range [" << knob.min << ", " << knob.max
                        << "]";
}
