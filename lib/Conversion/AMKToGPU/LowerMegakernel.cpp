//===- LowerMegakernel.cpp - amk.program to one persistent kernel ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// The pass: checks that the program is assigned and storable, validates it,
// builds its task table (TaskTable.h), plans the kernel's shared memory (the
// scratch, the two argument slot sets, the weight ring), declares the kernel
// and has KernelEmitter (KernelSkeleton.h) build its body, then attaches the
// manifest (Manifest.cpp) to the gpu.module.
//
//===----------------------------------------------------------------------===//

#include "AMK/Conversion/Passes.h"

#include "BodyPatterns.h"
#include "KernelSkeleton.h"
#include "TaskTable.h"

#include "AMK/Analysis/Roles.h"
#include "AMK/Analysis/Validator.h"
#include "AMK/Dialect/AMK/IR/AMKAttrs.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Kernels/Numeric.h"
#include "AMK/Support/StorageModel.h"
#include "AMK/Target/TargetInfo.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_LOWERMEGAKERNEL
#include "AMK/Conversion/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

namespace {
/// The lowering's knobs (the pass options).
struct LoweringOptions {
  int64_t blockSize;
  bool trace, stageWeights, l2Prefetch;
  int64_t steps;
};
} // namespace

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// Refuses programs that are not fully worker-assigned.
static LogicalResult checkAssigned(ProgramOp program) {
  if (!program.getTargetAttr())
    return emitError(program.getLoc())
           << "amk-lower-megakernel: program '" << program.getSymName()
           << "' has no target chip: run --amk-compile or --amk-set-target";
  for (TaskOp task : program.getBody()->getOps<TaskOp>())
    if (!task.getWorker() || !task.getQueue())
      return task.emitError()
             << "amk-lower-megakernel: task '" << task.getName()
             << "' has no worker/queue: the program must be fully assigned "
                "(run --amk-compile or --amk-assign-workers)";
  return success();
}

/// Refuses buffers whose elements the kernel and the runtime cannot hold
/// (the runtime's element types, kernels::DType, are the ones that run),
/// and writes of packed sub-byte elements by an op whose body does not own
/// whole bytes (only amk.copy stores a byte per thread).
static LogicalResult checkStorage(ProgramOp program) {
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>()) {
    Type element = buffer.getType().getElementType();
    if (!::amk::kernels::parseDType(dtypeName(element)))
      return buffer.emitError()
             << "amk-lower-megakernel: buffer '" << buffer.getName()
             << "' has element type " << element
             << ", which the megakernel cannot load or store (supported: "
                "f32, f16, bf16, i32, i8, i4, i2, i1)";
  }
  WalkResult walk = program.walk([&](AccessOpInterface op) {
    if (isa<CopyOp>(op))
      return WalkResult::advance();
    SmallVector<Access> accesses;
    op.getAccesses(accesses);
    for (const Access &access : accesses) {
      auto type = cast<MemRefType>(access.buffer.getType());
      if (!access.isWrite() ||
          !::amk::storage::isPacked(type.getElementTypeBitWidth()))
        continue;
      auto buffer = access.buffer.getDefiningOp<BufferOp>();
      op->emitError() << "amk-lower-megakernel: '" << op->getName()
                      << "' writes packed " << type.getElementType()
                      << " elements into buffer '"
                      << (buffer ? buffer.getName() : StringRef("?"))
                      << "'; only amk.copy stores sub-byte elements";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

static FailureOr<gpu::GPUModuleOp>
lowerProgram(ProgramOp program, const LoweringOptions &options) {
  int64_t blockSize = options.blockSize;
  bool trace = options.trace;
  ValidatorOptions validation;
  validation.steps = options.steps;
  if (failed(checkAssigned(program)) || failed(checkStorage(program)) ||
      failed(validateProgram(program, validation)))
    return failure();
  FailureOr<TaskTable> table = buildTaskTable(program, options.steps);
  if (failed(table))
    return failure();
  MLIRContext *ctx = program.getContext();
  TargetAttr target = program.getTargetAttr();
  Location loc = program.getLoc();
  OpBuilder b(program);
  auto module = gpu::GPUModuleOp::create(
      b, loc, "amk",
      b.getArrayAttr({NVVM::NVVMTargetAttr::get(
          ctx, /*optLevel=*/3, "nvptx64-nvidia-cuda", target.getChip(),
          getChipInfo(target).ptxFeatures)}));
  b.setInsertionPointToStart(module.getBody());

  int64_t numWarps = blockSize / 32, sharedWords = 2 * numWarps;
  for (const BodyVariant &variant : table->variants)
    for (Operation *op : variant.ops)
      sharedWords = std::max(sharedWords, sharedWordsFor(op, numWarps));
  LLVM::GlobalOp::create(
      b, loc, LLVM::LLVMArrayType::get(b.getF32Type(), sharedWords + 4),
      /*isConstant=*/false, LLVM::Linkage::Internal, "amk_smem", Attribute(),
      /*alignment=*/16, kSharedSpace);
  int64_t argSlotWords = 1;
  for (const BodyVariant &variant : table->variants)
    argSlotWords = std::max(argSlotWords, variant.argWords);
  LLVM::GlobalOp::create(
      b, loc, LLVM::LLVMArrayType::get(b.getI64Type(), 2 * argSlotWords),
      /*isConstant=*/false, LLVM::Linkage::Internal, "amk_args", Attribute(),
      /*alignment=*/16, kSharedSpace);
  const ChipInfo &chip = getChipInfo(target);
  std::unique_ptr<TileCopy> copier =
      options.stageWeights ? createTileCopy(chip) : nullptr;
  if (copier && llvm::none_of(table->variants, [](const BodyVariant &variant) {
        return llvm::any_of(variant.ops, canStageWeights);
      }))
    copier.reset();
  int64_t pageBytes = 0, dynamicSmem = 0;
  if (copier) {
    // One page slot per warp in what the chip leaves after the static
    // scratch, the argument slots, the ring's header and a margin for the
    // compiler's own shared memory.
    int64_t left = chip.smemPerBlock - 4 * (sharedWords + 4) -
                   16 * argSlotWords - 1024 - kRingHeader;
    pageBytes = left / numWarps / 512 * 512;
    if (pageBytes < 512)
      copier.reset();
  }
  if (copier) {
    dynamicSmem = kRingHeader + numWarps * pageBytes;
    LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), 0),
                           /*isConstant=*/false, LLVM::Linkage::External,
                           "amk_ring", Attribute(), /*alignment=*/128,
                           kSharedSpace);
  }

  auto global = LLVM::LLVMPointerType::get(ctx, kGlobalSpace);
  SmallVector<Type> params(kEpoch, global);
  params.append({b.getI32Type(), b.getI64Type()});
  StepRoles stepRoles{options.steps};
  if (options.steps > 1) {
    params.append({b.getI32Type(), global});
    // The validator run above found the roles unambiguous.
    ProgramRoles roles;
    (void)findRoles(program, roles, [](Operation *, const Twine &) {});
    if (roles.tokens)
      stepRoles.tokens = table->buffers.lookup(roles.tokens).id;
    if (roles.nextToken)
      stepRoles.nextToken = table->buffers.lookup(roles.nextToken).id;
  }
  if (trace)
    params.push_back(global);
  auto func = gpu::GPUFuncOp::create(b, loc, "amk_megakernel",
                                     b.getFunctionType(params, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({int32_t(blockSize), 1, 1}));
  // One persistent block per SM: let ptxas use every register it may.
  func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                b.getI32IntegerAttr(1));
  b.setInsertionPointToStart(&func.getBody().front());
  KernelBuilder kb(b, loc, blockSize);
  if (copier) {
    kb.ring = LLVM::AddressOfOp::create(
        b, loc, LLVM::LLVMPointerType::get(ctx, kSharedSpace), "amk_ring");
    kb.pageBytes = pageBytes;
    kb.copier = copier.get();
  }
  KernelEmitter emitter(kb, func, *table, sharedWords, argSlotWords,
                        chip.hasBulkCopy(), options.l2Prefetch, trace,
                        stepRoles);
  if (failed(emitter.emit()))
    return failure();

  std::string manifest;
  llvm::raw_string_ostream os(manifest);
  os << llvm::json::Value(
      buildManifest(program, *table, target.getChip(), blockSize, dynamicSmem,
                    options.steps));
  module->setAttr("amk.manifest", b.getStringAttr(manifest));
  return module;
}

namespace {
struct LowerMegakernelPass
    : mlir::amk::impl::LowerMegakernelBase<LowerMegakernelPass> {
  using LowerMegakernelBase::LowerMegakernelBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (blockSize < 64 || blockSize > 1024 || blockSize % 32 != 0) {
      emitError(module.getLoc())
          << "amk-lower-megakernel: block-size " << int64_t(blockSize)
          << " must be a multiple of 32 in [64, 1024]";
      return signalPassFailure();
    }
    SmallVector<ProgramOp> programs(module.getOps<ProgramOp>());
    if (programs.size() != 1) {
      emitError(module.getLoc())
          << "amk-lower-megakernel: expected one amk.program, "
          << "found " << programs.size();
      return signalPassFailure();
    }
    if (steps < 1 || steps > 65536) {
      emitError(module.getLoc()) << "amk-lower-megakernel: steps "
                                 << int64_t(steps) << " must be in [1, 65536]";
      return signalPassFailure();
    }
    if (failed(lowerProgram(programs.front(), {blockSize, trace, stageWeights,
                                               l2Prefetch, steps})))
      return signalPassFailure();
    programs.front().erase();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(module.getContext()));
  }
};
} // namespace
