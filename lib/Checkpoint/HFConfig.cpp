//===- HFConfig.cpp - Parse HuggingFace config.json -----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Checkpoint/HFConfig.h"
#include "AMK/Support/JSONInteger.h"

#include "JSONUtil.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <limits>

using namespace llvm;
using namespace amk::import;
using amk::import::detail::describe;
using amk::import::detail::makeError;
using amk::import::detail::parseJSONObject;
using mlir::amk::readBoundedFile;
using amk::import::detail::kConfigLimits;

namespace {

/// Reads typed fields of one JSON object. The first error is kept and later
/// reads return defaults, so a parse reads all fields and checks once.
class FieldReader {
public:
  /// Reads \p object of \p fileName; keys are reported as \p prefix + key.
  FieldReader(const json::Object &object, StringRef fileName,
              StringRef prefix = "")
      : object(object), fileName(fileName), prefix(prefix) {}

  /// Returns the value of \p key, or null when absent.
  const json::Value *get(StringRef key) const { return object.get(key); }

  /// Returns true if \p key is present and not null.
  bool has(StringRef key) const {
    const json::Value *value = get(key);
    return value && value->kind() != json::Value::Null;
  }

  /// Records "<file>: field '<prefix><key>': <message>" unless an error is
  /// already recorded.
  void fail(StringRef key, const Twine &message) {
    if (error.empty())
      error = (fileName + ": field '" + prefix + key + "': " + message).str();
  }

  /// Reads a required integer in [1, \p max].
  int64_t size(StringRef key, int64_t max = kMaxSize) {
    if (!has(key)) {
      failMissing(key);
      return 1;
    }
    return optionalSize(key, max).value_or(1);
  }

  /// Reads an optional integer in [1, \p max]; absent or null gives nullopt.
  std::optional<int64_t> optionalSize(StringRef key, int64_t max = kMaxSize) {
    if (!has(key))
      return std::nullopt;
    std::optional<int64_t> value = ::amk::support::integerOf(*get(key));
    if (value && *value >= 1 && *value <= max)
      return value;
    fail(key, "expected an integer in [1, " + Twine(max) + "], found " +
                  describe(*get(key)));
    return std::nullopt;
  }

  /// Reads a positive number; absent or null gives \p otherwise, or an error
  /// when \p otherwise is nullopt.
  double positive(StringRef key, std::optional<double> otherwise = {}) {
    if (!has(key)) {
      if (!otherwise)
        failMissing(key);
      return otherwise.value_or(1.0);
    }
    std::optional<double> value = get(key)->getAsNumber();
    if (value && *value > 0 && *value < std::numeric_limits<double>::infinity())
      return *value;
    fail(key, "expected a positive number, found " + describe(*get(key)));
    return 1.0;
  }

  /// Reads a boolean; absent or null gives \p otherwise.
  bool flag(StringRef key, bool otherwise) {
    if (!has(key))
      return otherwise;
    if (std::optional<bool> value = get(key)->getAsBoolean())
      return *value;
    fail(key, "expected a boolean, found " + describe(*get(key)));
    return otherwise;
  }

  /// Reads an optional string; absent or null gives nullopt.
  std::optional<StringRef> string(StringRef key) {
    if (!has(key))
      return std::nullopt;
    if (std::optional<StringRef> value = get(key)->getAsString())
      return value;
    fail(key, "expected a string, found " + describe(*get(key)));
    return std::nullopt;
  }

  /// Reads an optional object; absent or null gives nullptr.
  const json::Object *objectField(StringRef key) {
    if (!has(key))
      return nullptr;
    if (const json::Object *value = get(key)->getAsObject())
      return value;
    fail(key, "expected an object, found " + describe(*get(key)));
    return nullptr;
  }

  /// Returns the first recorded error, or success; does not clear it.
  Error status() const {
    return error.empty() ? Error::success() : makeError(error);
  }

  /// Returns the file name diagnostics start with.
  StringRef file() const { return fileName; }

  /// Default upper bound of sizes: products of two sizes fit in int64_t.
  static constexpr int64_t kMaxSize = std::numeric_limits<int32_t>::max();

private:
  void failMissing(StringRef key) {
    if (error.empty())
      error = (fileName + ": missing field '" + prefix + key + "'").str();
  }

  const json::Object &object;
  StringRef fileName;
  std::string prefix;
  std::string error;
};

struct ArchEntry {
  Architecture arch;
  StringRef name;
};

} // namespace

static constexpr ArchEntry kArchitectures[] = {
    {Architecture::Llama, "LlamaForCausalLM"},
    {Architecture::Mistral, "MistralForCausalLM"},
    {Architecture::Qwen2, "Qwen2ForCausalLM"},
    {Architecture::Qwen3, "Qwen3ForCausalLM"}};

/// Most decoder layers accepted (the largest dense Llama has 126); bounds the
/// expected-tensor list.
static constexpr int64_t kMaxLayers = 4096;

/// Config keys that give a mixture-of-experts model its expert count.
static constexpr StringRef kMoEKeys[] = {
    "num_local_experts", "num_experts",     "n_routed_experts",
    "moe_num_experts",   "n_shared_experts", "num_experts_per_tok"};

StringRef amk::import::architectureName(Architecture arch) {
  return llvm::find_if(kArchitectures,
                       [&](const ArchEntry &e) { return e.arch == arch; })
      ->name;
}

StringRef amk::import::ropeTypeName(RopeType type) {
  return type == RopeType::Default ? "default" : "llama3";
}

static std::string supportedArchitectures() {
  std::string list;
  ListSeparator sep;
  for (const ArchEntry &entry : kArchitectures)
    list += (Twine(sep) + entry.name).str();
  return list;
}

static std::optional<Architecture> parseArchitecture(FieldReader &reader) {
  const json::Value *field = reader.get("architectures");
  if (!field) {
    reader.fail("architectures", "missing; expected one of " +
                                     supportedArchitectures());
    return std::nullopt;
  }
  const json::Array *list = field->getAsArray();
  std::optional<StringRef> name;
  if (list && list->size() == 1)
    name = list->front().getAsString();
  if (!name) {
    reader.fail("architectures",
                "expected an array of one string, found " + describe(*field));
    return std::nullopt;
  }
  const ArchEntry *entry = llvm::find_if(
      kArchitectures, [&](const ArchEntry &e) { return e.name == *name; });
  if (entry != std::end(kArchitectures))
    return entry->arch;
  reader.fail("architectures", "unsupported architecture '" + *name +
                                   "' (supported: " + supportedArchitectures() +
                                   ")");
  return std::nullopt;
}

static void refuseMoE(FieldReader &reader) {
  for (StringRef key : kMoEKeys) {
    std::optional<double> count =
        reader.has(key) ? reader.get(key)->getAsNumber() : std::nullopt;
    if (count && *count > 0)
      reader.fail(key, "mixture-of-experts models are not supported (found " +
                           describe(*reader.get(key)) + ")");
  }
}

/// Reads a rope_scaling / rope_parameters object into \p rope.
static void parseRopeScaling(FieldReader &reader, RopeConfig &rope) {
  std::optional<StringRef> type = reader.string("rope_type");
  StringRef typeKey = "rope_type";
  if (!type && reader.has("type")) {
    type = reader.string("type");
    typeKey = "type";
  }
  if (!type || *type == "default")
    return;
  if (*type != "llama3") {
    reader.fail(typeKey, "unsupported rope type '" + *type +
                             "' (supported: default, llama3)");
    return;
  }
  rope.type = RopeType::Llama3;
  rope.factor = reader.positive("factor");
  rope.lowFreqFactor = reader.positive("low_freq_factor");
  rope.highFreqFactor = reader.positive("high_freq_factor");
  rope.originalMaxPositionEmbeddings =
      reader.size("original_max_position_embeddings");
  if (rope.highFreqFactor <= rope.lowFreqFactor)
    reader.fail("high_freq_factor", "must exceed low_freq_factor");
}

/// Reads the rotary embedding from `rope_parameters` (transformers 5) or
/// `rope_theta` + `rope_scaling` (earlier versions).
static Error parseRope(FieldReader &reader, RopeConfig &rope) {
  rope.theta = reader.positive("rope_theta", rope.theta);
  StringRef key = reader.has("rope_parameters") ? "rope_parameters"
                                                : "rope_scaling";
  const json::Object *scaling = reader.objectField(key);
  if (!scaling)
    return reader.status();
  FieldReader nested(*scaling, reader.file(), (key + ".").str());
  rope.theta = nested.positive("rope_theta", rope.theta);
  parseRopeScaling(nested, rope);
  if (Error err = reader.status())
    return err;
  return nested.status();
}

/// Reads biases, q/k norms and sliding windows, which depend on the family.
static void parseFamilyFields(FieldReader &reader, ModelConfig &config) {
  switch (config.arch) {
  case Architecture::Llama:
    config.qkvBias = config.oProjBias = reader.flag("attention_bias", false);
    return;
  case Architecture::Mistral:
    config.slidingWindow = reader.optionalSize("sliding_window");
    return;
  case Architecture::Qwen2:
  case Architecture::Qwen3:
    if (reader.flag("use_sliding_window", false))
      reader.fail("use_sliding_window", "sliding-window layers are not "
                                        "supported for Qwen models");
    config.qkNorm = config.arch == Architecture::Qwen3;
    config.qkvBias = config.arch == Architecture::Qwen2 ||
                     reader.flag("attention_bias", false);
    config.oProjBias = config.arch == Architecture::Qwen3 && config.qkvBias;
    return;
  }
}

/// Reads the fields every supported family shares.
static void parseCommonFields(FieldReader &reader, ModelConfig &config) {
  config.vocabSize = reader.size("vocab_size");
  config.hiddenSize = reader.size("hidden_size");
  config.intermediateSize = reader.size("intermediate_size");
  config.numLayers = reader.size("num_hidden_layers", kMaxLayers);
  config.numHeads = reader.size("num_attention_heads");
  config.numKVHeads =
      reader.optionalSize("num_key_value_heads").value_or(config.numHeads);
  config.maxPositionEmbeddings = reader.size("max_position_embeddings");
  config.rmsNormEps = reader.positive("rms_norm_eps");
  config.tieWordEmbeddings = reader.flag("tie_word_embeddings", false);
  std::optional<StringRef> act = reader.string("hidden_act");
  if (act && *act != "silu")
    reader.fail("hidden_act", "unsupported activation '" + *act +
                                  "' (supported: silu)");
  if (reader.flag("mlp_bias", false))
    reader.fail("mlp_bias", "MLP biases are not supported");
  std::optional<StringRef> dtype = reader.has("dtype")
                                       ? reader.string("dtype")
                                       : reader.string("torch_dtype");
  if (dtype)
    config.dtype = dtype->str();
}

/// Derives head_dim and checks the head counts.
static void parseHeads(FieldReader &reader, ModelConfig &config) {
  if (config.numHeads % config.numKVHeads != 0)
    reader.fail("num_key_value_heads",
                Twine(config.numKVHeads) + " does not divide " +
                    "num_attention_heads " + Twine(config.numHeads));
  if (std::optional<int64_t> headDim = reader.optionalSize("head_dim")) {
    config.headDim = *headDim;
    return;
  }
  config.headDim = config.hiddenSize / config.numHeads;
  if (config.hiddenSize % config.numHeads != 0)
    reader.fail("num_attention_heads",
                Twine(config.numHeads) + " does not divide hidden_size " +
                    Twine(config.hiddenSize) + " and no head_dim is given");
}

Expected<ModelConfig> amk::import::parseModelConfig(StringRef json,
                                                    StringRef fileName) {
  Expected<json::Object> object = parseJSONObject(json, fileName, kConfigLimits);
  if (!object)
    return object.takeError();
  FieldReader reader(*object, fileName);
  ModelConfig config;
  std::optional<Architecture> arch = parseArchitecture(reader);
  refuseMoE(reader);
  if (Error err = reader.status())
    return std::move(err);
  config.arch = *arch;
  parseCommonFields(reader, config);
  parseFamilyFields(reader, config);
  if (Error err = reader.status())
    return std::move(err);
  parseHeads(reader, config);
  if (Error err = parseRope(reader, config.rope))
    return std::move(err);
  return config;
}

Expected<ModelConfig> amk::import::readModelConfig(StringRef path) {
  Expected<std::unique_ptr<MemoryBuffer>> text = readBoundedFile(path, kConfigLimits);
  if (!text)
    return text.takeError();
  return parseModelConfig((*text)->getBuffer(), path);
}
