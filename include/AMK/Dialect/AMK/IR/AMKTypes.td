//===- AMKTypes.td - Types of the amk dialect --------------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKTYPES_TD
#define AMK_DIALECT_AMK_IR_AMKTYPES_TD

include "AMK/Dialect/AMK/IR/AMKDialect.td"
include "mlir/IR/AttrTypeBase.td"

class AMK_Type<string name, string typeMnemonic> : TypeDef<AMK_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def AMK_EventType : AMK_Type<"Event", "event"> {
  let summary = "A monotonic u32 counter that producers increment and waiters poll";
  let description = [{
    The value of an `amk.event`. Producers only add 1 after publishing their
    writes; waiters only wait for `count >= threshold`.

    ```mlir
    %e = amk.event "l0.qkv"
    ```
  }];
}

def AMK_PageType : AMK_Type<"Page", "page"> {
  let summary = "A scratch page that several transient buffers may share";
  let description = [{
    The value of an `amk.page`. Buffers placed on the same page alias each
    other: the validator treats any two accesses to them as touching the same
    memory.

    ```mlir
    %p = amk.page "p0" bytes 8192
    ```
  }];
}

#endif // AMK_DIALECT_AMK_IR_AMKTYPES_TD
