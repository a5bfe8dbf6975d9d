//===- AMKOps.h - Operations of the amk dialect ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The one header to include for the amk dialect: dialect, types, attributes,
// the access interface and all operations.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKOPS_H
#define AMK_DIALECT_AMK_IR_AMKOPS_H

#include "AMK/Dialect/AMK/IR/AMKAttrs.h"
#include "AMK/Dialect/AMK/IR/AMKDialect.h"
#include "AMK/Dialect/AMK/IR/AMKInterfaces.h"
#include "AMK/Dialect/AMK/IR/AMKTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir {
namespace amk {

/// True for the memref types `amk.buffer` creates: rank >= 1, static and
/// positive dimensions, identity layout.
bool isBufferType(Type type);

} // namespace amk
} // namespace mlir

#define GET_OP_CLASSES
#include "AMK/Dialect/AMK/IR/AMKOps.h.inc"

namespace mlir {
namespace amk {

/// The length of a vector operand type (all dimensions 1 but the last), or
/// std::nullopt when the type is not such a vector.
std::optional<int64_t> getVectorLength(Type type);

/// The bytes a buffer of `type` (static shape, int or float elements) holds
/// in the storage model (sub-byte elements packed), or std::nullopt when
/// that exceeds limits::kMaxBufferBytes. Computed without overflow whatever
/// the dimensions.
std::optional<int64_t> getBoundedBufferBytes(MemRefType type);

/// The tasks that signal `event`, each once, in use-list order.
SmallVector<TaskOp> getProducers(EventOp event);

/// The tasks that wait on `event`, each once, in use-list order.
SmallVector<TaskOp> getWaiters(EventOp event);

} // namespace amk
} // namespace mlir

#endif // AMK_DIALECT_AMK_IR_AMKOPS_H
