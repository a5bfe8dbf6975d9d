//===- AMKInterfaces.td - Interfaces of the amk dialect ----*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKINTERFACES_TD
#define AMK_DIALECT_AMK_IR_AMKINTERFACES_TD

include "mlir/IR/OpBase.td"

def AMK_AccessOpInterface : OpInterface<"AccessOpInterface"> {
  let cppNamespace = "::mlir::amk";
  let description = [{
    Implemented by every compute op. Reports exactly which region (a box of
    half-open intervals, one per buffer dimension) of which buffer the op
    reads and writes. The validator, the oracle and the scheduler use only
    this interface, so a new compute op needs no change in any of them.
  }];
  let methods = [
    InterfaceMethod<
      /*desc=*/"Appends every region this op reads or writes to `accesses`.",
      /*retTy=*/"void", /*methodName=*/"getAccesses",
      /*args=*/(ins "::llvm::SmallVectorImpl<::mlir::amk::Access> &":$accesses)>,
    InterfaceMethod<
      /*desc=*/[{True when this op may read through operand `read` and write
        through operand `write` in place: over the same storage, each output
        element computed only from input elements at the same place
        (elementwise or per row), so both accesses must name the same
        elements. Decided per operand, not per buffer: one buffer passed as
        two operands (`gemv %w, %x -> %x residual %x`) is in place for the
        operand that is read elementwise only. Any other overlap of two
        accesses of one op, a write with a read or with another write, also
        through a shared scratch page, is a race inside the op.}],
      /*retTy=*/"bool", /*methodName=*/"allowsInPlace",
      /*args=*/(ins "::mlir::OpOperand &":$read, "::mlir::OpOperand &":$write),
      /*methodBody=*/"", /*defaultImplementation=*/"return false;">
  ];
}

#endif // AMK_DIALECT_AMK_IR_AMKINTERFACES_TD
