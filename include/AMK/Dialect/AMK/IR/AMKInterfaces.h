//===- AMKInterfaces.h - Access regions of compute ops ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The vocabulary of AccessOpInterface: a compute op reports each buffer
// region it touches as a box of intervals, one per buffer dimension. Bounds
// may follow the decode position, which is a run-time value.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKINTERFACES_H
#define AMK_DIALECT_AMK_IR_AMKINTERFACES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir {
namespace amk {

class IntervalAttr;

/// One interval bound: `offset`, plus the decode position when `relative`.
struct Bound {
  int64_t offset = 0;
  bool relative = false;

  /// The value of the bound at decode position `pos`.
  int64_t at(int64_t pos) const { return offset + (relative ? pos : 0); }
  bool operator==(const Bound &other) const {
    return offset == other.offset && relative == other.relative;
  }
};

/// The half-open index range `[lo, hi)` on one buffer dimension. When
/// `capAtPosition` is set, indices above the decode position are not touched
/// (causal attention reading a block of KV rows); with a `window` W > 0,
/// neither are indices below `pos - W + 1` (sliding-window attention).
struct Interval {
  Bound lo, hi;
  bool capAtPosition = false;
  /// 0 when the range has no window.
  int64_t window = 0;

  /// A constant interval `[lo, hi)`.
  static Interval of(int64_t lo, int64_t hi) {
    return Interval{Bound{lo, false}, Bound{hi, false}, false};
  }
  /// The interval an `#amk.interval` attribute denotes.
  static Interval of(IntervalAttr attr);
  /// True when neither bound depends on the decode position.
  bool isConstant() const { return !lo.relative && !hi.relative; }
  /// The concrete range at decode position `pos`, with the cap and the
  /// window applied.
  std::pair<int64_t, int64_t> at(int64_t pos) const {
    int64_t begin = lo.at(pos), end = hi.at(pos);
    if (capAtPosition)
      end = std::min(end, pos + 1);
    if (window)
      begin = std::max(begin, pos - window + 1);
    return {begin, end};
  }
};

/// Whether an access reads or writes its region.
enum class AccessKind { Read, Write };

/// A region of one buffer that a compute op reads or writes.
struct Access {
  /// The buffer (an `amk.buffer` result).
  Value buffer;
  AccessKind kind;
  /// One interval per dimension of the buffer.
  llvm::SmallVector<Interval, 4> box;
  /// The operand of the op the access goes through; null for a region that
  /// no op reports (e.g. a whole buffer in a diagnostic), which is never in
  /// place (`AccessOpInterface::allowsInPlace`).
  OpOperand *operand = nullptr;

  bool isWrite() const { return kind == AccessKind::Write; }
  /// The whole of `buffer`.
  static Access whole(Value buffer, AccessKind kind);
  /// The whole buffer of `operand`, accessed through it.
  static Access whole(OpOperand &operand, AccessKind kind);
  /// Columns `cols` of a vector (all dimensions 1 but the last).
  static Access columns(Value buffer, AccessKind kind, Interval cols);
  /// Columns `cols` of the vector of `operand`, accessed through it.
  static Access columns(OpOperand &operand, AccessKind kind, Interval cols);
};

/// Prints a bound as `c`, `pos`, `pos + c` or `pos - c`.
void printBound(llvm::raw_ostream &os, const Bound &bound);

/// Prints `buffer[lo, hi) x [lo, hi) ...` with symbolic bounds as `pos + c`.
void printRegion(llvm::raw_ostream &os, const Access &access);

} // namespace amk
} // namespace mlir

#include "AMK/Dialect/AMK/IR/AMKInterfaces.h.inc"

#endif // AMK_DIALECT_AMK_IR_AMKINTERFACES_H
