//===- Passes.h - Conversions out of the amk dialect ------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_PASSES_H
#define AMK_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace amk {

#define GEN_PASS_DECL
#include "AMK/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "AMK/Conversion/Passes.h.inc"

} // namespace amk
} // namespace mlir

#endif // AMK_CONVERSION_PASSES_H
