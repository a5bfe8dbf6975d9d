//===- Passes.td - Conversions out of the amk dialect ------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CONVERSION_PASSES_TD
#define AMK_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerMegakernel : Pass<"amk-lower-megakernel", "::mlir::ModuleOp"> {
  let summary = "Lower a scheduled, validated amk.program to one persistent "
                "gpu.func";
  let description = [{
    Re-validates the program (it must be certified and fully worker-assigned),
    encodes it as a task table and emits one `gpu.module @amk` holding one
    persistent kernel `amk_megakernel`: an interpreter that walks its
    worker's queue, waits with gpu-scope acquire spins (nanosleep back-off,
    watchdog), runs the task's body variant and signals with a release fence
    and an atomic add. Each distinct fused op sequence with its static facts
    becomes one body variant, generated from the compute ops; the task table
    and the buffer layout go into the `amk.manifest` attribute of the
    `gpu.module` (docs/megakernel-abi.md). The program is replaced.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"512",
           "Threads per worker block (a multiple of 32 in [64, 1024])">,
    Option<"trace", "trace", "bool", /*default=*/"false",
           "Add a tenth kernel parameter, an i64 array of 3 global-timer "
           "stamps per descriptor (start, waits satisfied, end), for profiling">,
    Option<"stageWeights", "stage-weights", "bool", /*default=*/"false",
           "Stream GEMV weight tiles into a two-stage shared-memory ring "
           "(asynchronous copies issued before the task's waits) instead of "
           "loading them into registers after the waits (measured slower on "
           "H200 so far: docs/perf-notes.md M3)">,
    Option<"steps", "steps", "int64_t", /*default=*/"1",
           "Most decode steps one launch runs (the runtime passes how many, "
           "up to this): the program is validated for that many steps, each "
           "worker's queue ends in a grid barrier (the step separator), and "
           "step s + 1 reads its token where step s's argmax left it, so "
           "generation stays on the GPU. With steps > 1 the kernel takes two "
           "more parameters (steps, token log) before the trace buffer">,
    Option<"l2Prefetch", "l2-prefetch", "bool", /*default=*/"false",
           "Prefetch the next task's weights into L2 while a task waits and "
           "runs (measured: 11% slower on the Llama-3.2-1B shape, L2 "
           "thrash; docs/perf-notes.md M3)">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // AMK_CONVERSION_PASSES_TD
