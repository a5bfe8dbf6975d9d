//===- TileCopy.cpp - Choosing the tile copier by capability --------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "TileCopyImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;
using namespace mlir::amk;

TileCopy::~TileCopy() = default;

std::unique_ptr<TileCopy> amk::createTileCopy(const ChipInfo &chip) {
  if (chip.hasBulkCopy())
    return createBulkTileCopy();
  if (chip.hasCpAsync())
    return createCpAsyncTileCopy();
  return nullptr;
}

void amk::emitInitBarrier(OpBuilder &builder, Location loc, Value barrier,
                          int64_t arrivals) {
  Value count = arith::ConstantIntOp::create(builder, loc, arrivals, 32);
  NVVM::MBarrierInitOp::create(builder, loc, barrier, count,
                               /*predicate=*/Value());
}
