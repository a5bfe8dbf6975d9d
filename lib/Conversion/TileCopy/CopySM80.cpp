//===- CopySM80.cpp - Tile copies with 16-byte cp.async -------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// For chips with `cp.async` but no bulk copy (sm_80). The issuing threads
// split the tile into 16-byte chunks (lane i copies chunks i, i + lanes, ...)
// with `cp.async.cg` (L2 only: weights are read once), commit them as one
// group and make the stage barrier track them with
// `cp.async.mbarrier.arrive.noinc`: the barrier's phase completes when every
// lane's copies have landed. Consumers spin on `mbarrier.test_wait.parity`
// (`try_wait` needs sm_90).
//
//===----------------------------------------------------------------------===//

#include "TileCopyImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::amk;

namespace {
/// Bytes one `cp.async` moves.
constexpr int64_t kChunk = 16;

struct CpAsyncTileCopy final : TileCopy {
  int64_t barrierArrivals(int64_t lanes) const override { return lanes; }

  void emitIssue(OpBuilder &builder, Location loc, Value dst, Value src,
                 Value bytes, Value barrier, Value lane,
                 int64_t lanes) const override {
    Value chunk = arith::ConstantIntOp::create(builder, loc, kChunk, 32);
    Value start = arith::MulIOp::create(builder, loc, lane, chunk);
    Value step =
        arith::ConstantIntOp::create(builder, loc, kChunk * lanes, 32);
    auto loop = scf::ForOp::create(builder, loc, start, bytes, step);
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(loop.getBody());
      Value offset = loop.getInductionVar();
      Type i8 = builder.getI8Type();
      Value to = LLVM::GEPOp::create(builder, loc, dst.getType(), i8, dst,
                                     ValueRange{offset});
      Value from = LLVM::GEPOp::create(builder, loc, src.getType(), i8, src,
                                       ValueRange{offset});
      NVVM::CpAsyncOp::create(
          builder, loc, to, from, builder.getI32IntegerAttr(kChunk),
          NVVM::LoadCacheModifierKindAttr::get(
              builder.getContext(), NVVM::LoadCacheModifierKind::CG),
          /*cpSize=*/Value());
    }
    NVVM::CpAsyncCommitGroupOp::create(builder, loc);
    NVVM::CpAsyncMBarrierArriveOp::create(builder, loc, barrier,
                                          /*noinc=*/true);
  }

  void emitWait(OpBuilder &builder, Location loc, Value barrier,
                Value phase) const override {
    auto spin = scf::WhileOp::create(builder, loc, TypeRange{}, ValueRange{});
    builder.createBlock(&spin.getBefore());
    Value done = NVVM::MBarrierTestWaitOp::create(
        builder, loc, builder.getI1Type(), barrier, phase);
    Value notDone = arith::XOrIOp::create(
        builder, loc, done,
        arith::ConstantIntOp::create(builder, loc, 1, 1));
    scf::ConditionOp::create(builder, loc, notDone, ValueRange{});
    builder.createBlock(&spin.getAfter());
    scf::YieldOp::create(builder, loc);
    builder.setInsertionPointAfter(spin);
  }
};
} // namespace

std::unique_ptr<TileCopy> amk::createCpAsyncTileCopy() {
  return std::make_unique<CpAsyncTileCopy>();
}
