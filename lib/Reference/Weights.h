//===- Weights.h - Load checkpoint tensors into buffers ----------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_REFERENCE_WEIGHTS_H
#define AMK_LIB_REFERENCE_WEIGHTS_H

#include "AMK/Checkpoint/SafeTensors.h"
#include "AMK/Reference/Buffer.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace amk::reference {

/// Reads tensors of one checkpoint directory, mapping each file once.
class WeightLoader {
public:
  /// Reads the safetensors headers of the checkpoint in \p dir.
  static llvm::Expected<WeightLoader> open(llvm::StringRef dir);

  /// Fills \p buffer with the tensor \p key, converted to fp32. The tensor
  /// must have the buffer's shape and element type (bf16, f16 or f32).
  llvm::Error load(llvm::StringRef key, BufferView &buffer);

private:
  explicit WeightLoader(import::Checkpoint checkpoint)
      : checkpoint(std::move(checkpoint)) {}

  /// The bytes of \p tensor.
  llvm::Expected<llvm::StringRef> bytesOf(const import::TensorInfo &tensor);

  import::Checkpoint checkpoint;
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> files;
};

} // namespace amk::reference

#endif // AMK_LIB_REFERENCE_WEIGHTS_H
