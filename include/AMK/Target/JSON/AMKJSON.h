//===- AMKJSON.h - The paper tool's JSON schedule format --------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Reads and writes schedules in the JSON format of the paper's tool
// (`ir_version` 0.2.0). docs/json-interop.md describes the mapping between
// that format and `amk.program`.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TARGET_JSON_AMKJSON_H
#define AMK_TARGET_JSON_AMKJSON_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace mlir {
namespace amk {

/// Imports the JSON schedule `text` read from `fileName` as a module holding
/// one `amk.program`. Every problem is reported as an error diagnostic on
/// `context` naming the file and the JSON path; returns null then.
OwningOpRef<ModuleOp> importAMKJSON(llvm::StringRef text,
                                    llvm::StringRef fileName,
                                    MLIRContext *context);

/// Writes the one `amk.program` in `module` as a JSON schedule to `os`.
/// Fails with an error diagnostic (and writes nothing) when the program
/// uses something the format cannot express. With `position`, a
/// position-generic program is first fixed at that decode position.
LogicalResult exportAMKJSON(ModuleOp module, llvm::raw_ostream &os,
                            std::optional<int64_t> position = std::nullopt);

/// Registers `--import-amk-json` and `--export-amk-json` with
/// mlir-translate's registry.
void registerAMKJSONTranslations();

} // namespace amk
} // namespace mlir

#endif // AMK_TARGET_JSON_AMKJSON_H
