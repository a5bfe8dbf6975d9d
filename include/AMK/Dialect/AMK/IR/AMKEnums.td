//===- AMKEnums.td - Enumerations of the amk dialect -------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKENUMS_TD
#define AMK_DIALECT_AMK_IR_AMKENUMS_TD

include "AMK/Dialect/AMK/IR/AMKDialect.td"
include "mlir/IR/EnumAttr.td"

def AMK_BufferKind : I32EnumAttr<"BufferKind", "the role of a buffer in a decode step", [
    I32EnumAttrCase<"Weight", 0, "weight">,
    I32EnumAttrCase<"Const", 1, "const">,
    I32EnumAttrCase<"Input", 2, "input">,
    I32EnumAttrCase<"Output", 3, "output">,
    I32EnumAttrCase<"Activation", 4, "activation">,
    I32EnumAttrCase<"KVCache", 5, "kv_cache">,
    I32EnumAttrCase<"Scratch", 6, "scratch">
  ]> {
  let cppNamespace = "::mlir::amk";
}

#endif // AMK_DIALECT_AMK_IR_AMKENUMS_TD
