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
    Turns every worker queue into a branch of one persistent kernel: waits
    become acquire spins with a watchdog, signals release fences plus
    atomic adds, compute ops gpu/nvvm code for the program's target chip.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::NVVM::NVVMDialect"];
}

#endif // AMK_CONVERSION_PASSES_TD
