//===- HFConfig.h - Parse HuggingFace config.json ----------------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Parses the config.json of a HuggingFace Llama-family checkpoint (Llama,
// Mistral, Qwen2, Qwen3 dense decoders) into a ModelConfig, refusing every
// configuration AMK cannot compile exactly (MoE, other activations, rope types
// other than default/llama3, MLP bias, ...). Both the transformers 4 rope
// spelling (`rope_theta` + `rope_scaling`) and the transformers 5 one
// (`rope_parameters`) are read.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_CHECKPOINT_HFCONFIG_H
#define AMK_CHECKPOINT_HFCONFIG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace amk::import {

/// Supported `architectures[0]` values.
enum class Architecture { Llama, Mistral, Qwen2, Qwen3 };

/// Returns the HuggingFace class name, e.g. "LlamaForCausalLM".
llvm::StringRef architectureName(Architecture arch);

/// Supported rotary embedding variants.
enum class RopeType { Default, Llama3 };

/// Returns the HuggingFace spelling of \p type: "default" or "llama3".
llvm::StringRef ropeTypeName(RopeType type);

/// Rotary position embedding parameters.
struct RopeConfig {
  /// Variant.
  RopeType type = RopeType::Default;
  /// Base frequency (`rope_theta`).
  double theta = 10000.0;
  /// Llama 3 frequency scaling; meaningful only for RopeType::Llama3.
  double factor = 1.0;
  /// Llama 3 `low_freq_factor`.
  double lowFreqFactor = 1.0;
  /// Llama 3 `high_freq_factor`.
  double highFreqFactor = 1.0;
  /// Llama 3 `original_max_position_embeddings`.
  int64_t originalMaxPositionEmbeddings = 0;
};

/// The model hyper-parameters AMK needs, validated.
struct ModelConfig {
  /// Model family.
  Architecture arch = Architecture::Llama;
  /// Vocabulary size (rows of the embedding).
  int64_t vocabSize = 0;
  /// Model width.
  int64_t hiddenSize = 0;
  /// MLP width.
  int64_t intermediateSize = 0;
  /// Number of decoder layers.
  int64_t numLayers = 0;
  /// Number of query heads.
  int64_t numHeads = 0;
  /// Number of key/value heads; divides numHeads.
  int64_t numKVHeads = 0;
  /// Width of one head (explicit `head_dim`, else hiddenSize / numHeads).
  int64_t headDim = 0;
  /// Maximum sequence length.
  int64_t maxPositionEmbeddings = 0;
  /// RMSNorm epsilon.
  double rmsNormEps = 0.0;
  /// True when lm_head shares the embedding matrix.
  bool tieWordEmbeddings = false;
  /// True when q/k/v projections have a bias.
  bool qkvBias = false;
  /// True when the output projection has a bias.
  bool oProjBias = false;
  /// True when queries and keys are RMS-normalised per head (Qwen3).
  bool qkNorm = false;
  /// Sliding attention window (Mistral), if any.
  std::optional<int64_t> slidingWindow;
  /// `dtype` / `torch_dtype` as written ("bfloat16", ...), if given.
  std::optional<std::string> dtype;
  /// Rotary embedding.
  RopeConfig rope;
};

/// Parses the text of a config.json. Errors start with \p fileName and name
/// the offending field.
llvm::Expected<ModelConfig> parseModelConfig(llvm::StringRef json,
                                             llvm::StringRef fileName);

/// Reads and parses the config.json file at \p path.
llvm::Expected<ModelConfig> readModelConfig(llvm::StringRef path);

} // namespace amk::import

#endif // AMK_CHECKPOINT_HFCONFIG_H
