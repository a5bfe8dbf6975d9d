//===- CopySM90.cpp - Tile copies with cp.async.bulk and mbarriers --------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// For chips with bulk copies (sm_90a, sm_100a, sm_120a). Lane 0 of the
// issuing group arms the stage barrier with the tile's byte count
// (`mbarrier.arrive.expect_tx`, its one arrival of the phase) and issues one
// `cp.async.bulk.shared::cta.global.mbarrier::complete_tx::bytes`; the phase
// completes when the bytes have landed. Consumers block in
// `mbarrier.try_wait.parity`.
//
//===----------------------------------------------------------------------===//

#include "TileCopyImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::amk;

namespace {
/// Suspend-time hint of one `try_wait` (ns); the op loops until the phase
/// completes.
constexpr int64_t kTryWaitTicks = 1000000;

struct BulkTileCopy final : TileCopy {
  int64_t barrierArrivals(int64_t) const override { return 1; }

  void emitIssue(OpBuilder &builder, Location loc, Value dst, Value src,
                 Value bytes, Value barrier, Value lane,
                 int64_t) const override {
    Value zero = arith::ConstantIntOp::create(builder, loc, 0, 32);
    Value leader = arith::CmpIOp::create(builder, loc,
                                         arith::CmpIPredicate::eq, lane, zero);
    auto ifLeader = scf::IfOp::create(builder, loc, leader);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(ifLeader.thenBlock());
    NVVM::MBarrierArriveExpectTxOp::create(
        builder, loc, /*res=*/Type(), barrier, bytes, NVVM::MemScopeKind::CTA,
        /*relaxed=*/false, /*predicate=*/Value());
    NVVM::CpAsyncBulkGlobalToSharedClusterOp::create(
        builder, loc, dst, src, barrier, bytes, /*multicastMask=*/Value(),
        /*l2CacheHint=*/Value());
  }

  void emitBarriersInitialized(OpBuilder &builder,
                               Location loc) const override {
    NVVM::FenceMbarrierInitOp::create(builder, loc);
  }

  void emitBeforeRefill(OpBuilder &builder, Location loc) const override {
    MLIRContext *ctx = builder.getContext();
    NVVM::FenceProxyOp::create(
        builder, loc, NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
  }

  void emitWait(OpBuilder &builder, Location loc, Value barrier,
                Value phase) const override {
    Value ticks = arith::ConstantIntOp::create(builder, loc, kTryWaitTicks, 32);
    NVVM::MBarrierTryWaitParityOp::create(builder, loc, barrier, phase, ticks);
  }
};
} // namespace

std::unique_ptr<TileCopy> amk::createBulkTileCopy() {
  return std::make_unique<BulkTileCopy>();
}
