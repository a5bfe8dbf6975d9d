//===- AMKAttrs.h - Attributes of the amk dialect ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKATTRS_H
#define AMK_DIALECT_AMK_IR_AMKATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "AMK/Dialect/AMK/IR/AMKEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "AMK/Dialect/AMK/IR/AMKAttrs.h.inc"

#endif // AMK_DIALECT_AMK_IR_AMKATTRS_H
