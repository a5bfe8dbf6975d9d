//===- TestTileCopy.cpp - --amk-test-tile-copy ----------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// A test pass: adds to every gpu.module a kernel `@amk_test_tile_copy(dst,
// src, bytes)` that copies one tile global -> shared through the TileCopy
// chosen for the module's #nvvm.target chip, waits for it, and writes it
// back out, so lit can show which instructions each chip gets.
//
//===----------------------------------------------------------------------===//

#include "AMK/Conversion/TileCopy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;
using namespace mlir::amk;

namespace {
/// Shared bytes of the test tile.
constexpr int64_t kTileBytes = 4096;
/// Threads of the issuing group (one warp).
constexpr int64_t kLanes = 32;

struct TestTileCopyPass
    : PassWrapper<TestTileCopyPass, OperationPass<gpu::GPUModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestTileCopyPass)

  StringRef getArgument() const override { return "amk-test-tile-copy"; }
  StringRef getDescription() const override {
    return "Test: add a kernel copying one tile global -> shared with the "
           "TileCopy of the gpu.module's chip";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, LLVM::LLVMDialect, NVVM::NVVMDialect,
                    scf::SCFDialect>();
  }

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    NVVM::NVVMTargetAttr target;
    if (ArrayAttr targets = module.getTargetsAttr())
      for (Attribute attr : targets)
        if ((target = dyn_cast<NVVM::NVVMTargetAttr>(attr)))
          break;
    // Only the architecture's capabilities matter; any product of it does.
    std::optional<ChipInfo> chip;
    if (target)
      chip = lookupChip(target.getChip());
    if (!chip) {
      module.emitError("--amk-test-tile-copy needs an #nvvm.target with one "
                       "of the chips ")
          << knownChipNames();
      return signalPassFailure();
    }
    std::unique_ptr<TileCopy> copy = createTileCopy(*chip);
    if (!copy) {
      module.emitError("chip ") << chip->chip << " has no asynchronous copy";
      return signalPassFailure();
    }
    buildKernel(module, *copy);
  }

  /// Adds the shared tile and barrier globals and the test kernel.
  void buildKernel(gpu::GPUModuleOp module, const TileCopy &copy) {
    MLIRContext *context = module.getContext();
    Location loc = module.getLoc();
    OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
    auto shared = LLVM::LLVMPointerType::get(context, 3);
    auto global = LLVM::LLVMPointerType::get(context, 1);
    Type i32 = builder.getI32Type();
    LLVM::GlobalOp::create(
        builder, loc, LLVM::LLVMArrayType::get(builder.getI8Type(), kTileBytes),
        /*isConstant=*/false, LLVM::Linkage::Internal, "amk_test_tile",
        Attribute(), /*alignment=*/128, /*addrSpace=*/3);
    LLVM::GlobalOp::create(builder, loc, builder.getI64Type(),
                           /*isConstant=*/false, LLVM::Linkage::Internal,
                           "amk_test_barrier", Attribute(), /*alignment=*/8,
                           /*addrSpace=*/3);

    auto kernel = gpu::GPUFuncOp::create(
        builder, loc, "amk_test_tile_copy",
        builder.getFunctionType({global, global, i32}, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    builder.getUnitAttr());
    Block &body = kernel.getBody().front();
    builder.setInsertionPointToStart(&body);
    Value dst = body.getArgument(0), src = body.getArgument(1),
          bytes = body.getArgument(2);
    Value tile = LLVM::AddressOfOp::create(builder, loc, shared,
                                           "amk_test_tile");
    Value barrier = LLVM::AddressOfOp::create(builder, loc, shared,
                                              "amk_test_barrier");
    Value tid = arith::IndexCastOp::create(
        builder, loc, i32, gpu::ThreadIdOp::create(builder, loc,
                                                   gpu::Dimension::x));
    Value zero = arith::ConstantIntOp::create(builder, loc, 0, 32);
    Value lanes = arith::ConstantIntOp::create(builder, loc, kLanes, 32);

    Value first = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                        tid, zero);
    auto ifFirst = scf::IfOp::create(builder, loc, first);
    builder.setInsertionPointToStart(ifFirst.thenBlock());
    emitInitBarrier(builder, loc, barrier, copy.barrierArrivals(kLanes));
    builder.setInsertionPointAfter(ifFirst);
    gpu::BarrierOp::create(builder, loc);

    Value producer = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, tid, lanes);
    auto ifProducer = scf::IfOp::create(builder, loc, producer);
    builder.setInsertionPointToStart(ifProducer.thenBlock());
    copy.emitIssue(builder, loc, tile, src, bytes, barrier, tid, kLanes);
    builder.setInsertionPointAfter(ifProducer);
    copy.emitWait(builder, loc, barrier, zero);

    // Every thread writes one word of the tile back out.
    Value word = LLVM::GEPOp::create(builder, loc, shared, i32, tile,
                                     ValueRange{tid});
    Value value = LLVM::LoadOp::create(builder, loc, i32, word);
    Value out = LLVM::GEPOp::create(builder, loc, global, i32, dst,
                                    ValueRange{tid});
    LLVM::StoreOp::create(builder, loc, value, out);
    gpu::ReturnOp::create(builder, loc);
  }
};
} // namespace

namespace mlir::amk::test {
void registerTestTileCopyPass() { PassRegistration<TestTileCopyPass>(); }
} // namespace mlir::amk::test
