//===- AMKInterfaces.cpp - Access regions of compute ops ------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"

using namespace mlir;
using namespace mlir::amk;

#include "AMK/Dialect/AMK/IR/AMKInterfaces.cpp.inc"

Interval Interval::of(IntervalAttr attr) {
  return Interval{Bound{attr.getLo(), attr.getLoRelative()},
                  Bound{attr.getHi(), attr.getHiRelative()}, false};
}

Access Access::whole(Value buffer, AccessKind kind) {
  Access access{buffer, kind, {}};
  for (int64_t extent : cast<MemRefType>(buffer.getType()).getShape())
    access.box.push_back(Interval::of(0, extent));
  return access;
}

Access Access::whole(OpOperand &operand, AccessKind kind) {
  Access access = whole(operand.get(), kind);
  access.operand = &operand;
  return access;
}

Access Access::columns(Value buffer, AccessKind kind, Interval cols) {
  Access access = whole(buffer, kind);
  access.box.back() = cols;
  return access;
}

Access Access::columns(OpOperand &operand, AccessKind kind, Interval cols) {
  Access access = columns(operand.get(), kind, cols);
  access.operand = &operand;
  return access;
}

void mlir::amk::printBound(llvm::raw_ostream &os, const Bound &bound) {
  if (!bound.relative) {
    os << bound.offset;
    return;
  }
  os << "pos";
  if (bound.offset)
    os << (bound.offset > 0 ? " + " : " - ") << std::abs(bound.offset);
}

void mlir::amk::printRegion(llvm::raw_ostream &os, const Access &access) {
  if (auto buffer = access.buffer.getDefiningOp<BufferOp>())
    os << "'" << buffer.getName() << "'";
  else
    os << "<buffer>";
  for (const Interval &interval : access.box) {
    os << "[";
    if (interval.window)
      os << "max(";
    printBound(os, interval.lo);
    if (interval.window)
      os << ", pos - " << interval.window - 1 << ")";
    os << ", ";
    if (interval.capAtPosition)
      os << "min(";
    printBound(os, interval.hi);
    if (interval.capAtPosition)
      os << ", pos + 1)";
    os << ")";
  }
}
