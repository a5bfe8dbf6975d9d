//===- ModelSpec.cpp - Expected tensors of a model ------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Checkpoint/ModelSpec.h"

#include "JSONUtil.h"

#include "llvm/ADT/Twine.h"

#include <set>

using namespace llvm;
using namespace amk::import;
using amk::import::detail::makeError;

namespace {
/// Appends tensors to a list.
struct SpecBuilder {
  std::vector<ExpectedTensor> tensors;

  void add(const Twine &name, SmallVector<int64_t, 2> shape) {
    tensors.push_back({name.str(), std::move(shape)});
  }

  /// Adds `<prefix>.weight` of shape [out, in] and, if \p bias, `.bias` [out].
  void addLinear(const Twine &prefix, int64_t out, int64_t in, bool bias) {
    add(prefix + ".weight", {out, in});
    if (bias)
      add(prefix + ".bias", {out});
  }
};
} // namespace

static void addLayer(SpecBuilder &spec, const ModelConfig &config,
                     int64_t layer) {
  std::string p = ("model.layers." + Twine(layer) + ".").str();
  int64_t hidden = config.hiddenSize, ffn = config.intermediateSize;
  int64_t qWidth = config.numHeads * config.headDim;
  int64_t kvWidth = config.numKVHeads * config.headDim;
  spec.add(p + "input_layernorm.weight", {hidden});
  spec.addLinear(p + "self_attn.q_proj", qWidth, hidden, config.qkvBias);
  spec.addLinear(p + "self_attn.k_proj", kvWidth, hidden, config.qkvBias);
  spec.addLinear(p + "self_attn.v_proj", kvWidth, hidden, config.qkvBias);
  spec.addLinear(p + "self_attn.o_proj", hidden, qWidth, config.oProjBias);
  if (config.qkNorm) {
    spec.add(p + "self_attn.q_norm.weight", {config.headDim});
    spec.add(p + "self_attn.k_norm.weight", {config.headDim});
  }
  spec.add(p + "post_attention_layernorm.weight", {hidden});
  spec.addLinear(p + "mlp.gate_proj", ffn, hidden, false);
  spec.addLinear(p + "mlp.up_proj", ffn, hidden, false);
  spec.addLinear(p + "mlp.down_proj", hidden, ffn, false);
}

std::vector<ExpectedTensor>
amk::import::expectedTensors(const ModelConfig &config) {
  SpecBuilder spec;
  spec.add("model.embed_tokens.weight", {config.vocabSize, config.hiddenSize});
  for (int64_t layer = 0; layer < config.numLayers; ++layer)
    addLayer(spec, config, layer);
  spec.add("model.norm.weight", {config.hiddenSize});
  if (!config.tieWordEmbeddings)
    spec.add("lm_head.weight", {config.vocabSize, config.hiddenSize});
  return std::move(spec.tensors);
}

/// Returns true for `model.layers.N.self_attn.rotary_emb.inv_freq` with N a
/// layer of \p config.
static bool isRotaryBuffer(StringRef name, const ModelConfig &config) {
  unsigned layer = 0;
  return name.consume_front("model.layers.") &&
         name.consume_back(".self_attn.rotary_emb.inv_freq") &&
         !name.getAsInteger(10, layer) && layer < config.numLayers;
}

static Error checkExpected(const ExpectedTensor &expected,
                           const Checkpoint &checkpoint,
                           const TensorInfo *&first) {
  auto found = checkpoint.tensors.find(expected.name);
  if (found == checkpoint.tensors.end())
    return makeError(checkpoint.source + ": missing tensor '" + expected.name +
                     "' (expected shape " + formatShape(expected.shape) + ")");
  const TensorInfo &info = found->second;
  std::string where = *info.file + ": tensor '" + expected.name + "'";
  if (ArrayRef<int64_t>(info.shape) != ArrayRef<int64_t>(expected.shape))
    return makeError(where + ": expected shape " + formatShape(expected.shape) +
                     ", found " + formatShape(info.shape));
  if (!isWeightDType(info.dtype))
    return makeError(where + ": expected dtype F32, F16 or BF16, found " +
                     dtypeName(info.dtype));
  if (!first)
    first = &info;
  if (info.dtype != first->dtype)
    return makeError(where + ": dtype " + dtypeName(info.dtype) +
                     " differs from the embedding's " +
                     dtypeName(first->dtype) +
                     "; mixed weight dtypes are not supported");
  return Error::success();
}

/// Accepts \p name, present in the checkpoint but not expected, if it is a
/// harmless extra (recorded in \p weights), else refuses it.
static Error checkExtra(StringRef name, const TensorInfo &info,
                        const ModelConfig &config, CheckedWeights &weights) {
  std::string where = (*info.file + ": tensor '" + name + "'").str();
  if (isRotaryBuffer(name, config)) {
    weights.ignored.push_back(name.str());
    return Error::success();
  }
  if (!config.tieWordEmbeddings || name != "lm_head.weight")
    return makeError(where + ": unexpected tensor");
  SmallVector<int64_t, 2> tied = {config.vocabSize, config.hiddenSize};
  if (ArrayRef<int64_t>(info.shape) != ArrayRef<int64_t>(tied))
    return makeError(where + ": expected shape " + formatShape(tied) +
                     " (tied to model.embed_tokens.weight), found " +
                     formatShape(info.shape));
  weights.ignored.push_back(name.str());
  return Error::success();
}

Expected<CheckedWeights> amk::import::checkWeights(const ModelConfig &config,
                                                   const Checkpoint &checkpoint) {
  std::vector<ExpectedTensor> expected = expectedTensors(config);
  const TensorInfo *first = nullptr;
  std::set<StringRef> names;
  for (const ExpectedTensor &tensor : expected) {
    if (Error err = checkExpected(tensor, checkpoint, first))
      return std::move(err);
    names.insert(tensor.name);
  }
  CheckedWeights weights;
  weights.dtype = first->dtype;
  for (const auto &[name, info] : checkpoint.tensors)
    if (!names.count(name))
      if (Error err = checkExtra(name, info, config, weights))
        return std::move(err);
  return weights;
}
