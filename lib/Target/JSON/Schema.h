//===- Schema.h - Shared pieces of the JSON import and export ---*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Private to AMKTargetJSON: the enum tables of the format, the conversion
// between JSON values and attributes, the names of the `amk.json.*`
// attributes that keep what the IR cannot express, and the op mapping
// (OpCodecs.cpp) that import and export share.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_TARGET_JSON_SCHEMA_H
#define AMK_LIB_TARGET_JSON_SCHEMA_H

#include "AMK/Dialect/AMK/IR/AMKOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace mlir {
namespace amk {
namespace json_interop {

/// The `ir_version` export writes; import accepts any with major version 0.
inline constexpr llvm::StringLiteral kIRVersion = "0.2.0";
/// The `abi_version` export writes (the paper tool's reader checks its major).
inline constexpr llvm::StringLiteral kABIVersion = "0.2";
/// Prefix of the discardable attributes that keep JSON fields.
inline constexpr llvm::StringLiteral kPrefix = "amk.json.";
/// Fields (array of names) present in the IR's export but absent in the file.
inline constexpr llvm::StringLiteral kAbsentAttr = "amk.json.absent";
/// Task params the op attributes do not carry (a dictionary).
inline constexpr llvm::StringLiteral kParamsAttr = "amk.json.params";
/// Params the op's export adds but the file did not have.
inline constexpr llvm::StringLiteral kParamsAbsentAttr = "amk.json.params_absent";
/// Limits of the format.
inline constexpr size_t kMaxInputs = 8, kMaxOutputs = 4, kMaxWaits = 8,
                        kMaxRank = 4;

/// The buffer kind a JSON `kind` + `space` pair imports as.
std::optional<BufferKind> importKind(llvm::StringRef kind,
                                     llvm::StringRef space);
/// The JSON `kind` and default `space` of a buffer kind.
std::pair<llvm::StringRef, llvm::StringRef> exportKind(BufferKind kind);
/// True for a buffer `space` name of the format.
bool isSpace(llvm::StringRef space);
/// The element type of a JSON dtype name, or null.
Type importDType(llvm::StringRef dtype, MLIRContext *context);
/// The JSON dtype name of an element type (I8 for i8), or std::nullopt.
std::optional<llvm::StringRef> exportDType(Type type);
/// True for an op name of the format.
bool isOpName(llvm::StringRef op);
/// The op names of the format, space separated (for diagnostics).
std::string opNames();

/// Converts a JSON value to an attribute: null -> unit, bool, i64, f64,
/// string, array, dictionary.
Attribute toAttribute(const llvm::json::Value &value, MLIRContext *context);
/// Converts an attribute made by toAttribute (or an op attribute of those
/// kinds) back to JSON.
llvm::json::Value toJSON(Attribute attr);
/// Structural equality with numbers compared by value (1 == 1.0).
bool sameJSON(const llvm::json::Value &lhs, const llvm::json::Value &rhs);

/// One task of the format as an op sees it: the op name, the operand buffers
/// in the format's order and the params.
struct JSONOp {
  std::string name;
  llvm::SmallVector<Value, 4> inputs, outputs;
  llvm::json::Object params;
  /// Params written for readers that require them but that do not change
  /// what the op computes (a file may disagree; its value is kept).
  llvm::SmallVector<llvm::StringRef, 1> advisory = {};
};

/// What an op mapping needs beyond the task: the program's decode position
/// and its position input (the one-element i32 input named `pos`, which the
/// format's KV_APPEND and ATTENTION_TILE read implicitly).
struct OpContext {
  std::optional<int64_t> position;
  Value positionBuffer;
};

/// Describes compute op `op` as a JSON task; fails with a diagnostic on `op`
/// when the format cannot express it.
FailureOr<JSONOp> describeOp(Operation *op, const OpContext &context);

/// Builds the compute op(s) of `task` at `builder`'s insertion point (a task
/// body). Returns false when the op has no amk counterpart, and false with
/// `why` set when the operands or params do not fit it; nothing is left
/// built then.
bool buildOp(OpBuilder &builder, Location loc, const JSONOp &task,
             const OpContext &context, std::string &why);

/// Derives a program's JSON from the IR and the `amk.json.*` attributes,
/// the whole document or one entity at a time (what the importer compares
/// with the text, without building the whole document).
class Exporter {
public:
  explicit Exporter(ProgramOp program)
      : program(program), context{program.getPosition()} {}

  /// Collects the program's entities and their ids; fails with a diagnostic
  /// on what the format cannot express (a barrier).
  LogicalResult collect();
  /// The whole document (after collect); fails with a diagnostic when the
  /// format cannot express the program.
  FailureOr<llvm::json::Object> run();
  /// The top-level fields but the four sections.
  llvm::json::Object header();
  /// Entity `index` of its section, in document order.
  FailureOr<llvm::json::Object> buffer(size_t index);
  llvm::json::Object counter(size_t index);
  FailureOr<llvm::json::Object> task(size_t index);
  llvm::json::Object page(size_t index);

private:
  llvm::json::Value pages();
  llvm::json::Value target();
  llvm::json::Array idsOf(ArrayRef<Value> values);

  ProgramOp program;
  OpContext context;
  DenseMap<Value, int64_t> ids;
  SmallVector<BufferOp> bufferOps;
  SmallVector<PageOp> pageOps;
  SmallVector<EventOp> eventOps;
  /// In document order: program order, each worker's tasks permuted among
  /// their places into queue order.
  SmallVector<TaskOp> taskOps;
};

} // namespace json_interop
} // namespace amk
} // namespace mlir

#endif // AMK_LIB_TARGET_JSON_SCHEMA_H
