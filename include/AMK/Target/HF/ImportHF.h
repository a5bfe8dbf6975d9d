//===- ImportHF.h - HuggingFace checkpoint to amk.program -------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Builds the model-level amk.program of a HuggingFace checkpoint directory:
// one buffer per weight (key, dtype and shape from the safetensors headers;
// tensor data is never read), token/position inputs, logits/next-token
// outputs, a KV cache per layer, activations, and one task per model op in
// dataflow order wired by single-producer events: a valid, unoptimized
// schedule.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TARGET_HF_IMPORTHF_H
#define AMK_TARGET_HF_IMPORTHF_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir {
namespace amk {

/// Knobs of the HF importer.
struct ImportHFOptions {
  /// KV cache rows per layer; 0 means min(max_position_embeddings, 4096).
  int64_t kvRows = 0;
  /// KV cache element type: "f32", "f16" or "bf16"; empty means f32, which
  /// keeps HF's fp32 reference exactly (with bf16 caches Llama-3-8B's logits
  /// drift past 2e-2 of HF's over 64 steps; bf16 halves the cache's memory
  /// and traffic, under 1% of a step's bytes at 512 tokens).
  std::string kvDType;
};

/// Imports the checkpoint directory `dir` (config.json plus model.safetensors
/// or a sharded index). On failure emits a diagnostic naming the file and the
/// field or tensor and returns null.
OwningOpRef<ModuleOp> importHFCheckpoint(llvm::StringRef dir,
                                         MLIRContext *context,
                                         const ImportHFOptions &options = {});

/// Registers `--import-hf` with mlir-translate's registry.
void registerImportHFTranslation();

} // namespace amk
} // namespace mlir

#endif // AMK_TARGET_HF_IMPORTHF_H
