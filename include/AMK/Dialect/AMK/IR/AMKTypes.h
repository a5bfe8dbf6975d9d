//===- AMKTypes.h - Types of the amk dialect ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKTYPES_H
#define AMK_DIALECT_AMK_IR_AMKTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "AMK/Dialect/AMK/IR/AMKOpsTypes.h.inc"

#endif // AMK_DIALECT_AMK_IR_AMKTYPES_H
