//===- Schema.cpp - Enum tables and JSON <-> attribute conversion ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "Schema.h"
#include "AMK/Support/JSONInteger.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::json_interop;
namespace json = llvm::json;

namespace {
/// A buffer kind of the format and the amk kind it maps to.
struct KindName {
  llvm::StringLiteral name;
  BufferKind kind;
};
/// An element type name of the format and the MLIR type it maps to.
struct DTypeName {
  llvm::StringLiteral name;
  Type (*get)(MLIRContext *);
};
} // namespace

static const KindName kKinds[] = {
    {"WEIGHT", BufferKind::Weight},       {"CONST", BufferKind::Const},
    {"IO_INPUT", BufferKind::Input},      {"IO_OUTPUT", BufferKind::Output},
    {"ACTIVATION", BufferKind::Activation}, {"KV_CACHE", BufferKind::KVCache},
};

static const llvm::StringLiteral kSpaces[] = {"HBM", "GLOBAL_SCRATCH", "SMEM",
                                              "REGISTER"};

template <typename T> static Type get(MLIRContext *context) {
  return T::get(context);
}
template <unsigned Width> static Type getInt(MLIRContext *context) {
  return IntegerType::get(context, Width);
}

/// U8 imports as i8 (buffers are float or signless); the `amk.json.dtype`
/// residual keeps the U8. Export therefore never produces U8 itself.
static const DTypeName kDTypes[] = {
    {"F32", get<Float32Type>},      {"F16", get<Float16Type>},
    {"BF16", get<BFloat16Type>},    {"F8E4M3", get<Float8E4M3FNType>},
    {"F8E5M2", get<Float8E5M2Type>}, {"I32", getInt<32>},
    {"I8", getInt<8>},              {"I4", getInt<4>},
    {"BOOL", getInt<1>},            {"U8", getInt<8>},
};

static const llvm::StringLiteral kOps[] = {
    "NOP",       "COPY",          "EMBED",         "RMSNORM",
    "LAYERNORM", "GEMV_TILE",     "GEMM_TILE",     "ATTENTION_TILE",
    "ROPE",      "SILU_MUL",      "GELU",          "ADD",
    "MUL",       "DEQUANT",       "SOFTMAX",       "ALLREDUCE_SHARD",
    "KV_APPEND", "SAMPLE_ARGMAX", "ATTENTION_COMBINE"};

std::optional<BufferKind> json_interop::importKind(StringRef kind,
                                                   StringRef space) {
  for (const KindName &entry : kKinds)
    if (entry.name == kind)
      return entry.kind == BufferKind::Activation && space == "GLOBAL_SCRATCH"
                 ? BufferKind::Scratch
                 : entry.kind;
  return std::nullopt;
}

std::pair<StringRef, StringRef> json_interop::exportKind(BufferKind kind) {
  if (kind == BufferKind::Scratch)
    return {"ACTIVATION", "GLOBAL_SCRATCH"};
  for (const KindName &entry : kKinds)
    if (entry.kind == kind)
      return {entry.name, "HBM"};
  llvm_unreachable("every buffer kind has a JSON name");
}

bool json_interop::isSpace(StringRef space) {
  return llvm::is_contained(kSpaces, space);
}

Type json_interop::importDType(StringRef dtype, MLIRContext *context) {
  for (const DTypeName &entry : kDTypes)
    if (entry.name == dtype)
      return entry.get(context);
  return {};
}

std::optional<StringRef> json_interop::exportDType(Type type) {
  for (const DTypeName &entry : kDTypes)
    if (entry.get(type.getContext()) == type)
      return StringRef(entry.name);
  return std::nullopt;
}

bool json_interop::isOpName(StringRef op) {
  return llvm::is_contained(kOps, op);
}

std::string json_interop::opNames() {
  return llvm::join(llvm::map_range(kOps, [](llvm::StringLiteral op) {
                      return op.str();
                    }),
                    " ");
}

Attribute json_interop::toAttribute(const json::Value &value,
                                    MLIRContext *context) {
  Builder builder(context);
  if (value.kind() == json::Value::Null)
    return builder.getUnitAttr();
  if (std::optional<bool> b = value.getAsBoolean())
    return builder.getBoolAttr(*b);
  if (std::optional<int64_t> i = ::amk::support::integerOf(value))
    return builder.getI64IntegerAttr(*i);
  if (std::optional<double> d = value.getAsNumber())
    return builder.getF64FloatAttr(*d);
  if (std::optional<StringRef> s = value.getAsString())
    return builder.getStringAttr(*s);
  if (const json::Array *array = value.getAsArray())
    return builder.getArrayAttr(llvm::to_vector(llvm::map_range(
        *array, [&](const json::Value &v) { return toAttribute(v, context); })));
  SmallVector<NamedAttribute> entries;
  for (const auto &[key, v] : *value.getAsObject())
    entries.push_back(builder.getNamedAttr(key, toAttribute(v, context)));
  return builder.getDictionaryAttr(entries);
}

json::Value json_interop::toJSON(Attribute attr) {
  if (auto b = dyn_cast<BoolAttr>(attr))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.str();
  if (auto array = dyn_cast<ArrayAttr>(attr))
    return json::Array(llvm::map_range(array, toJSON));
  if (auto dict = dyn_cast<DictionaryAttr>(attr)) {
    json::Object object;
    for (NamedAttribute entry : dict)
      object[entry.getName().strref()] = toJSON(entry.getValue());
    return object;
  }
  return nullptr;
}

bool json_interop::sameJSON(const json::Value &lhs, const json::Value &rhs) {
  if (lhs.kind() != rhs.kind())
    return false;
  if (lhs.kind() == json::Value::Number)
    return ::amk::support::integerOf(lhs) && ::amk::support::integerOf(rhs)
               ? *::amk::support::integerOf(lhs) == *::amk::support::integerOf(rhs)
               : *lhs.getAsNumber() == *rhs.getAsNumber();
  if (const json::Array *a = lhs.getAsArray()) {
    const json::Array *b = rhs.getAsArray();
    return a->size() == b->size() &&
           llvm::all_of(llvm::zip(*a, *b), [](auto pair) {
             return sameJSON(std::get<0>(pair), std::get<1>(pair));
           });
  }
  if (const json::Object *a = lhs.getAsObject()) {
    const json::Object *b = rhs.getAsObject();
    return a->size() == b->size() &&
           llvm::all_of(*a, [&](const auto &entry) {
             const json::Value *other = b->get(entry.first);
             return other && sameJSON(entry.second, *other);
           });
  }
  return lhs == rhs;
}
