//===- AMKDialect.h - The amk dialect ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Declares the amk dialect class. Include AMKOps.h for the whole dialect.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKDIALECT_H
#define AMK_DIALECT_AMK_IR_AMKDIALECT_H

#include "mlir/IR/Dialect.h"

#include "AMK/Dialect/AMK/IR/AMKOpsDialect.h.inc"

#endif // AMK_DIALECT_AMK_IR_AMKDIALECT_H
