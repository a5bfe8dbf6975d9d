//===- ModelSpec.h - Expected tensors of a model ----------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Derives the exact state-dict of a ModelConfig (HuggingFace tensor names and
// [out, in] shapes) and checks a checkpoint's tensors against it.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CHECKPOINT_MODELSPEC_H
#define AMK_CHECKPOINT_MODELSPEC_H

#include "AMK/Checkpoint/HFConfig.h"
#include "AMK/Checkpoint/SafeTensors.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace amk::import {

/// One tensor a model needs.
struct ExpectedTensor {
  /// State-dict key, e.g. "model.layers.0.self_attn.q_proj.weight".
  std::string name;
  /// Shape; linear weights are [out, in].
  llvm::SmallVector<int64_t, 2> shape;
};

/// Returns the tensors of \p config in execution order: embedding, then per
/// layer input norm, q/k/v/o (+ biases), q/k norms, post-attention norm,
/// gate/up/down, then the final norm and lm_head (unless tied).
std::vector<ExpectedTensor> expectedTensors(const ModelConfig &config);

/// The result of a successful checkpoint check.
struct CheckedWeights {
  /// The single dtype of every expected tensor (F32, F16 or BF16).
  DType dtype = DType::BF16;
  /// Tensors present but not used, in name order: rotary `inv_freq` buffers
  /// and a tied model's redundant `lm_head.weight`.
  std::vector<std::string> ignored;
};

/// Checks \p checkpoint against expectedTensors(\p config): every expected
/// tensor present with its shape; dtypes F32/F16/BF16 and all the same (mixed
/// weight dtypes are refused: a program has one weight element type); no
/// other tensor except `model.layers.N.self_attn.rotary_emb.inv_freq` and, for
/// a tied model, an `lm_head.weight` of the embedding's shape.
llvm::Expected<CheckedWeights> checkWeights(const ModelConfig &config,
                                            const Checkpoint &checkpoint);

} // namespace amk::import

#endif // AMK_CHECKPOINT_MODELSPEC_H
