//===- amk-fuzz-import.cpp - libFuzzer target for AMKCheckpoint -----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Feeds each input to every AMKCheckpoint parser that takes bytes: the
// safetensors header parser (declared file size = input size, and a larger
// one so offsets can reach into a data section that is not in the buffer),
// the shard index parser and the config parser; a config that parses is also
// expanded into its expected tensors and checked against an empty checkpoint.
// Parsers must refuse bad input with an llvm::Error, never crash.
//
//===----------------------------------------------------------------------===//

#include "AMK/Checkpoint/HFConfig.h"
#include "AMK/Checkpoint/ModelSpec.h"
#include "AMK/Checkpoint/SafeTensors.h"

#include <cstddef>
#include <cstdint>

using namespace amk::import;

/// Runs \p result's error, if any, through consumeError (errors are expected).
template <typename T> static void discard(llvm::Expected<T> result) {
  if (!result)
    llvm::consumeError(result.takeError());
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  discard(parseSafeTensorsHeader(bytes, size, "fuzz.safetensors"));
  discard(parseSafeTensorsHeader(bytes, size + 4096, "fuzz.safetensors"));
  discard(parseShardIndex(bytes, "fuzz.index.json"));
  llvm::Expected<ModelConfig> config = parseModelConfig(bytes, "config.json");
  if (!config) {
    llvm::consumeError(config.takeError());
    return 0;
  }
  discard(checkWeights(*config, Checkpoint{"fuzz", {}}));
  return 0;
}
