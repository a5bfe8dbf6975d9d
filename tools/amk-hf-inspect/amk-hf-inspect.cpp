//===- amk-hf-inspect.cpp - Summarise a HuggingFace checkpoint ------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Test driver of AMKCheckpoint. The argument selects what is read:
//   DIR                           config.json + weights, checked against the
//                                 model spec
//   FILE.safetensors              that file's header
//   FILE.safetensors.index.json   that sharded checkpoint's headers
//   FILE.json                     a config.json
// A deterministic summary goes to stdout; an error goes to stderr, exit 1.
//
//===----------------------------------------------------------------------===//

#include "AMK/Checkpoint/HFConfig.h"
#include "AMK/Checkpoint/ModelSpec.h"
#include "AMK/Checkpoint/SafeTensors.h"
#include "AMK/Support/ToolArgs.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace amk::import;

/// The options of this tool; --help shows only these.
static cl::OptionCategory HFInspectCategory("amk-hf-inspect options");

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<checkpoint dir or file>"),
                                      cl::cat(HFInspectCategory));

static void printConfig(const ModelConfig &config, raw_ostream &os) {
  os << "architecture: " << architectureName(config.arch) << "\n"
     << "vocab_size: " << config.vocabSize << "\n"
     << "hidden_size: " << config.hiddenSize << "\n"
     << "intermediate_size: " << config.intermediateSize << "\n"
     << "num_hidden_layers: " << config.numLayers << "\n"
     << "num_attention_heads: " << config.numHeads << "\n"
     << "num_key_value_heads: " << config.numKVHeads << "\n"
     << "head_dim: " << config.headDim << "\n"
     << "max_position_embeddings: " << config.maxPositionEmbeddings << "\n"
     << "rms_norm_eps: " << format("%g", config.rmsNormEps) << "\n"
     << "tie_word_embeddings: " << config.tieWordEmbeddings << "\n"
     << "qkv_bias: " << config.qkvBias << "\n"
     << "o_proj_bias: " << config.oProjBias << "\n"
     << "qk_norm: " << config.qkNorm << "\n"
     << "sliding_window: "
     << (config.slidingWindow ? std::to_string(*config.slidingWindow) : "none")
     << "\n"
     << "dtype: " << config.dtype.value_or("none") << "\n";
  const RopeConfig &rope = config.rope;
  os << "rope: " << ropeTypeName(rope.type) << " theta=" << format("%g", rope.theta);
  if (rope.type == RopeType::Llama3)
    os << " factor=" << format("%g", rope.factor)
       << " low_freq_factor=" << format("%g", rope.lowFreqFactor)
       << " high_freq_factor=" << format("%g", rope.highFreqFactor)
       << " original_max_position_embeddings="
       << rope.originalMaxPositionEmbeddings;
  os << "\n";
}

static void printTensors(const TensorMap &tensors, raw_ostream &os) {
  for (const auto &[name, info] : tensors)
    os << "tensor " << name << " " << dtypeName(info.dtype) << " "
       << formatShape(info.shape) << " " << sys::path::filename(*info.file)
       << " [" << info.begin << ", " << info.end << ")\n";
}

/// Reads config.json and the weights of \p dir and checks them together.
static Error inspectCheckpoint(StringRef dir, raw_ostream &os) {
  SmallString<256> configPath(dir);
  sys::path::append(configPath, "config.json");
  Expected<ModelConfig> config = readModelConfig(configPath);
  if (!config)
    return config.takeError();
  Expected<Checkpoint> checkpoint = readCheckpoint(dir);
  if (!checkpoint)
    return checkpoint.takeError();
  Expected<CheckedWeights> weights = checkWeights(*config, *checkpoint);
  if (!weights)
    return weights.takeError();
  printConfig(*config, os);
  os << "weights: " << dtypeName(weights->dtype) << ", "
     << checkpoint->tensors.size() << " tensors from "
     << sys::path::filename(checkpoint->source) << "\n";
  for (const std::string &name : weights->ignored)
    os << "ignored " << name << "\n";
  printTensors(checkpoint->tensors, os);
  return Error::success();
}

/// Dispatches on the kind of \p path (see the file comment).
static Error inspect(StringRef path, raw_ostream &os) {
  if (sys::fs::is_directory(path))
    return inspectCheckpoint(path, os);
  if (path.ends_with(".safetensors")) {
    Expected<SafeTensorsHeader> header = readSafeTensorsHeader(path);
    if (!header)
      return header.takeError();
    os << "data: " << header->dataStart << " + " << header->dataSize
       << " bytes\n";
    for (const auto &[key, value] : header->metadata)
      os << "metadata " << key << " = " << value << "\n";
    printTensors(header->tensors, os);
    return Error::success();
  }
  if (path.ends_with(".safetensors.index.json")) {
    Expected<Checkpoint> checkpoint = readShardedCheckpoint(path);
    if (!checkpoint)
      return checkpoint.takeError();
    printTensors(checkpoint->tensors, os);
    return Error::success();
  }
  Expected<ModelConfig> config = readModelConfig(path);
  if (!config)
    return config.takeError();
  printConfig(*config, os);
  return Error::success();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::amk::installWriteErrorHandler("amk-hf-inspect");
  cl::HideUnrelatedOptions(HFInspectCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "AMK HuggingFace checkpoint inspector\n");
  if (Error err = inspect(inputPath, outs())) {
    WithColor::error(errs(), "amk-hf-inspect") << toString(std::move(err))
                                                << "\n";
    return 1;
  }
  return 0;
}
