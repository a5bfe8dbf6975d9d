//===- ImportJSON.cpp - JSON schedule -> amk.program ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Reads the document section by section (pages, buffers, counters, tasks),
// refusing malformed input with the file, the line and column, and the JSON
// path of the problem. Once the program is built, each entity is exported
// again and every field that comes out different from the file is kept as an
// `amk.json.*` attribute (see docs/json-interop.md), so that nothing is lost.
// The large sections are kept as the text of their entries and parsed one
// entry at a time (AMK/Support/JSONText.h): memory stays near the size of
// the IR built.
//
//===----------------------------------------------------------------------===//

#include "AMK/Target/JSON/AMKJSON.h"
#include "AMK/Support/JSONInteger.h"
#include "AMK/Support/JSONText.h"
#include "Schema.h"

#include "AMK/Support/BoundedJSON.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::json_interop;
using namespace mlir::amk::json_text;
namespace json = llvm::json;

/// A schedule of the largest model is tens of MB.
static constexpr JSONLimits kScheduleLimits{"a schedule", 1 << 30};

/// The sections kept as the text of their entries (SplitDocument::lazy).
static constexpr StringRef kLazySections[] = {"buffers", "counters", "tasks"};

namespace {
/// A JSON value (null when absent) and its path in the document. A section
/// of the document's top level is an array kept as the text of its elements
/// (`elements`); at() parses one of them, which the node then owns.
struct Node {
  const json::Value *value;
  std::string path;
  const std::vector<StringRef> *elements = nullptr;
  std::shared_ptr<const json::Value> owned = nullptr;
  /// On the root only: the sections kept as text.
  const llvm::StringMap<std::vector<StringRef>> *sections = nullptr;

  Node field(StringRef key) const {
    std::string child = path.empty() ? key.str() : path + "." + key.str();
    if (sections)
      if (auto it = sections->find(key); it != sections->end())
        return {nullptr, child, &it->second};
    const json::Object *object = value ? value->getAsObject() : nullptr;
    return {object ? object->get(key) : nullptr, child};
  }
  Node at(size_t index) const {
    std::string child = path + "[" + std::to_string(index) + "]";
    if (!elements)
      return {&(*value->getAsArray())[index], child};
    // The span parsed when the document was split; cannot fail.
    llvm::Expected<json::Value> parsed = json::parse((*elements)[index]);
    auto element = std::make_shared<const json::Value>(
        parsed ? std::move(*parsed) : json::Value(nullptr));
    if (!parsed)
      llvm::consumeError(parsed.takeError());
    return {element.get(), child, nullptr, element};
  }
  /// The number of elements of an array (0 for anything else).
  size_t size() const {
    if (elements)
      return elements->size();
    const json::Array *array = value ? value->getAsArray() : nullptr;
    return array ? array->size() : 0;
  }
  /// True unless absent or null.
  bool present() const {
    return elements || (value && value->kind() != json::Value::Null);
  }
};

/// Builds one program from one document.
class Importer {
public:
  Importer(StringRef fileName, MLIRContext *context)
      : fileName(fileName), context(context), builder(context),
        loc(FileLineColLoc::get(context, fileName, 0, 0)) {}

  /// The location of byte `offset` of the text.
  Location locationOf(size_t offset);

  OwningOpRef<ModuleOp> run(StringRef text);

private:
  LogicalResult fail(const Node &node, const Twine &message);
  FailureOr<int64_t> integer(const Node &node, int64_t min = INT64_MIN);
  FailureOr<StringRef> string(const Node &node);
  FailureOr<size_t> array(const Node &node, size_t max = SIZE_MAX);
  LogicalResult optional(const Node &node, json::Value::Kind kind,
                         StringRef what);
  FailureOr<int64_t> newId(const Node &node, std::set<int64_t> &seen);
  FailureOr<Value> lookup(const Node &node, const std::map<int64_t, Value> &map,
                          StringRef what);
  /// The names one kind of entity has taken, and for each name asked for
  /// more than once the next suffix to try.
  struct Names {
    llvm::DenseSet<StringAttr> taken;
    llvm::DenseMap<StringAttr, unsigned> nextSuffix;
  };
  StringAttr pickName(const Node &text, StringRef prefix, int64_t id,
                      Names &used);

  LogicalResult importHeader(const Node &root);
  LogicalResult importTarget(const Node &target);
  FailureOr<int64_t> targetField(const Node &target, ArrayRef<StringRef> keys,
                                 int64_t fallback);
  LogicalResult importPages(const Node &pages);
  LogicalResult importBuffers(const Node &buffers);
  LogicalResult importBuffer(const Node &node, size_t index);
  LogicalResult importCounters(const Node &counters);
  LogicalResult importTasks(const Node &tasks);
  LogicalResult importTask(const Node &node, size_t index);
  FailureOr<SmallVector<Value, 4>> bufferList(const Node &node, size_t max);
  void findPosition(const Node &tasks);
  void placeTasks();
  void findHeadShaped(const Node &tasks);
  void setId(Operation *op, int64_t id, size_t index);
  LogicalResult keepResiduals(const Node &root);

  std::string fileName;
  StringRef text;
  MLIRContext *context;
  OpBuilder builder;
  Location loc;
  ProgramOp program;
  OpContext opContext;
  /// What reading the sections needs: ids to values, the ids and names
  /// taken. Dropped once the sections are read (`tables = Tables()`), so that
  /// the verifier and the residual pass do not run beside them.
  struct Tables {
    std::map<int64_t, Value> pages, buffers, counters;
    std::map<int64_t, Node> bufferToPage;
    /// Buffers imported as their flat view (findHeadShaped).
    std::set<int64_t> headShaped;
    std::set<int64_t> bufferIds, taskIds;
    Names pageNames, bufferNames, counterNames, taskNames;
  } tables;
  /// The ops of each section in document order.
  SmallVector<Operation *> pageOps, bufferOps, counterOps, taskOps;
};
} // namespace

//===----------------------------------------------------------------------===//
// Typed access with diagnostics
//===----------------------------------------------------------------------===//

Location Importer::locationOf(size_t offset) {
  auto [line, column] = lineAndColumn(text, offset);
  return FileLineColLoc::get(context, fileName, line, column);
}

LogicalResult Importer::fail(const Node &node, const Twine &message) {
  emitError(locationOf(locatePath(text, node.path)))
      << (node.path.empty() ? "(root)" : node.path) << ": " << message;
  return failure();
}

/// Describes the JSON kind of `node` for a diagnostic.
static StringRef kindName(const Node &node) {
  if (node.elements)
    return "an array";
  if (!node.value)
    return "missing";
  switch (node.value->kind()) {
  case json::Value::Null:
    return "null";
  case json::Value::Boolean:
    return "a boolean";
  case json::Value::Number:
    return "a number";
  case json::Value::String:
    return "a string";
  case json::Value::Array:
    return "an array";
  case json::Value::Object:
    return "an object";
  }
  llvm_unreachable("every JSON kind is named");
}

FailureOr<int64_t> Importer::integer(const Node &node, int64_t min) {
  std::optional<int64_t> value =
      node.value ? ::amk::support::integerOf(*node.value) : std::nullopt;
  if (!value)
    return fail(node, "expected an integer, got " + kindName(node));
  if (*value < min)
    return fail(node, llvm::formatv("must be >= {0}, got {1}", min, *value));
  return *value;
}

FailureOr<StringRef> Importer::string(const Node &node) {
  std::optional<StringRef> value =
      node.value ? node.value->getAsString() : std::nullopt;
  if (!value)
    return fail(node, "expected a string, got " + kindName(node));
  return *value;
}

FailureOr<size_t> Importer::array(const Node &node, size_t max) {
  if (!node.elements && !(node.value && node.value->getAsArray()))
    return fail(node, "expected an array, got " + kindName(node));
  if (node.size() > max)
    return fail(node, llvm::formatv("has {0} entries; the format allows at "
                                    "most {1}",
                                    node.size(), max));
  return node.size();
}

LogicalResult Importer::optional(const Node &node, json::Value::Kind kind,
                                 StringRef what) {
  if (!node.present() || node.value->kind() == kind)
    return success();
  return fail(node, "expected " + what + " or null, got " + kindName(node));
}

FailureOr<int64_t> Importer::newId(const Node &node, std::set<int64_t> &seen) {
  FailureOr<int64_t> id = integer(node, 0);
  if (failed(id))
    return failure();
  if (!seen.insert(*id).second)
    return fail(node, llvm::formatv("duplicate id {0}", *id));
  return id;
}

FailureOr<Value> Importer::lookup(const Node &node,
                                  const std::map<int64_t, Value> &map,
                                  StringRef what) {
  FailureOr<int64_t> id = integer(node);
  if (failed(id))
    return failure();
  auto it = map.find(*id);
  if (it == map.end())
    return fail(node, llvm::formatv("no {0} with id {1}", what, *id));
  return it->second;
}

/// The text of `text` when it is a non-empty string, else `<prefix><id>`;
/// made unique with `_1`, `_2`, ... A name's next suffix is remembered, so
/// that n entities sharing a label take linear time and space.
StringAttr Importer::pickName(const Node &text, StringRef prefix, int64_t id,
                              Names &used) {
  std::optional<StringRef> given =
      text.value ? text.value->getAsString() : std::nullopt;
  StringAttr base = given && !given->empty()
                        ? StringAttr::get(context, *given)
                        : StringAttr::get(context, prefix + Twine(id));
  if (used.taken.insert(base).second)
    return base;
  unsigned &suffix = used.nextSuffix[base];
  StringAttr name;
  do
    name = StringAttr::get(context, base.getValue() + "_" + Twine(++suffix));
  while (!used.taken.insert(name).second);
  return name;
}

/// Records a JSON id that differs from the op's index in its section.
void Importer::setId(Operation *op, int64_t id, size_t index) {
  if (id != int64_t(index))
    op->setAttr((kPrefix + "id").str(), builder.getI64IntegerAttr(id));
}

//===----------------------------------------------------------------------===//
// Sections
//===----------------------------------------------------------------------===//

LogicalResult Importer::importHeader(const Node &root) {
  if (!root.value->getAsObject())
    return fail(root, "expected an object, got " + kindName(root));
  Node version = root.field("ir_version");
  FailureOr<StringRef> text = string(version);
  if (failed(text))
    return failure();
  if (text->split('.').first != kIRVersion.split('.').first)
    return fail(version, "unsupported ir_version '" + *text +
                             "' (this reader knows major version " +
                             kIRVersion.split('.').first + ", e.g. " +
                             kIRVersion + ")");
  for (StringRef key : {"meta", "target", "config"})
    if (failed(optional(root.field(key), json::Value::Object, "an object")))
      return failure();
  if (failed(optional(root.field("name"), json::Value::String, "a string")) ||
      failed(optional(root.field("pages"), json::Value::Object, "an object")))
    return failure();
  std::optional<StringRef> name =
      root.field("name").present() ? root.field("name").value->getAsString()
                                   : std::nullopt;
  program = ProgramOp::create(builder, loc, name.value_or("schedule"));
  return importTarget(root.field("target"));
}

/// The built-in chip that runs code for SM version `arch` (compute
/// capability x 10): the newest one of the same major version not above it.
static StringRef chipForArch(int64_t arch) {
  if (arch >= 120)
    return "sm_120a";
  if (arch >= 100)
    return "sm_100a";
  if (arch >= 90)
    return "sm_90a";
  if (arch >= 80)
    return "sm_80";
  return "";
}

/// Integer field `key` of `target` when present, else `fallback`.
FailureOr<int64_t> Importer::targetField(const Node &target,
                                         ArrayRef<StringRef> keys,
                                         int64_t fallback) {
  for (StringRef key : keys) {
    Node field = target.field(key);
    if (!field.present())
      continue;
    if (std::optional<double> number = field.value->getAsNumber())
      if (*number >= 1 && *number < 9.0e18)
        return int64_t(*number);
    return fail(field, "expected a positive number, got " + kindName(field));
  }
  return fallback;
}

/// The target: a chip named by `arch`/`chip` (AMK's export) or derived from
/// `sm_arch` (the paper tool's GpuTarget), with the SM count, shared memory
/// per block, L2 size and bandwidth the record gives.
LogicalResult Importer::importTarget(const Node &target) {
  if (!target.present())
    return success();
  TargetAttr base;
  for (StringRef key : {"arch", "chip"})
    if (std::optional<StringRef> chip =
            target.field(key).present()
                ? target.field(key).value->getAsString()
                : std::nullopt)
      if ((base = TargetAttr::lookup(context, *chip)))
        break;
  Node arch = target.field("sm_arch");
  if (!base && arch.present()) {
    FailureOr<int64_t> version = integer(arch, 0);
    if (failed(version))
      return failure();
    base = TargetAttr::lookup(context, chipForArch(*version));
    if (!base)
      return fail(arch, llvm::formatv("SM version {0} has no AMK chip (known: "
                                      "{1}; versions 80 and newer map to "
                                      "them)",
                                      *version, TargetAttr::knownChips()));
  }
  if (!base)
    return success(); // Kept whole as `amk.json.target`; no grid checks.
  std::optional<StringRef> name = target.field("name").present()
                                      ? target.field("name").value->getAsString()
                                      : std::nullopt;
  FailureOr<int64_t> sms = targetField(target, {"num_sms"}, base.getSmCount());
  FailureOr<int64_t> smem = targetField(
      target, {"smem_bytes_per_block_optin", "smem_per_block"},
      base.getSmemPerBlock());
  FailureOr<int64_t> l2 = targetField(target, {"l2_bytes"}, base.getL2Bytes());
  FailureOr<int64_t> hbm = targetField(
      target, {"hbm_bandwidth_gbs", "hbm_gbps"}, base.getHbmGBps());
  if (failed(sms) || failed(smem) || failed(l2) || failed(hbm))
    return failure();
  program.setTargetAttr(TargetAttr::get(
      context, base.getChip(), name.value_or(base.getName()),
      base.getSmVersion(), *sms, *smem, *l2, *hbm));
  return success();
}

LogicalResult Importer::importPages(const Node &root) {
  if (!root.present())
    return success();
  Node list = root.field("pages");
  FailureOr<size_t> count = array(list);
  if (failed(count))
    return failure();
  std::set<int64_t> seen;
  for (size_t i = 0; i < *count; ++i) {
    Node page = list.at(i);
    FailureOr<int64_t> id = newId(page.field("id"), seen);
    if (failed(id))
      return failure();
    FailureOr<int64_t> bytes = integer(page.field("nbytes"), 1);
    if (failed(bytes))
      return failure();
    for (StringRef key : {"space", "name"})
      if (failed(optional(page.field(key), json::Value::String, "a string")))
        return failure();
    if (page.field("space").present() &&
        !isSpace(*page.field("space").value->getAsString()))
      return fail(page.field("space"), "unknown space '" +
                                           *page.field("space").value->getAsString() +
                                           "' (HBM GLOBAL_SCRATCH SMEM REGISTER)");
    // -1 (the paper tool's default) or null leaves a bound unset.
    IntervalAttr live;
    Node start = page.field("live_start"), end = page.field("live_end");
    auto unset = [](const Node &bound) {
      return !bound.present() || ::amk::support::integerOf(*bound.value) == -1;
    };
    if (!unset(start) || !unset(end)) {
      FailureOr<int64_t> lo = integer(start, 0);
      if (failed(lo))
        return failure();
      FailureOr<int64_t> hi = integer(end, *lo);
      if (failed(hi))
        return failure();
      live = IntervalAttr::get(context, *lo, *hi);
    }
    StringAttr name = pickName(page.field("name"), "p", *id, tables.pageNames);
    auto op = PageOp::create(builder, loc, PageType::get(context), name,
                             builder.getI64IntegerAttr(*bytes), live);
    setId(op, *id, i);
    tables.pages[*id] = op;
    pageOps.push_back(op);
  }
  Node map = root.field("buffer_to_page");
  if (!map.present())
    return success();
  if (!map.value->getAsObject())
    return fail(map, "expected an object, got " + kindName(map));
  for (const auto &entry : *map.value->getAsObject()) {
    Node node = map.field(entry.first);
    int64_t buffer;
    if (StringRef(entry.first).getAsInteger(10, buffer))
      return fail(node, "key '" + StringRef(entry.first) +
                            "' is not a buffer id");
    if (failed(lookup(node, tables.pages, "page")))
      return failure();
    tables.bufferToPage.emplace(buffer, node);
  }
  return success();
}

/// The ids of `ids` (an array of buffer ids, if it is one).
static void collectIds(const json::Value *ids, std::set<int64_t> &into) {
  if (const json::Array *list = ids ? ids->getAsArray() : nullptr)
    for (const json::Value &id : *list)
      if (std::optional<int64_t> value = ::amk::support::integerOf(id))
        into.insert(*value);
}

/// Buffers the format's ops address by heads, which the amk ops read as
/// vectors: EMBED and ROPE outputs, ROPE, KV_APPEND and ATTENTION_TILE's
/// first input, ATTENTION_TILE's single output and the packed partials
/// ATTENTION_COMBINE merges.
void Importer::findHeadShaped(const Node &tasks) {
  for (size_t i = 0, e = tasks.size(); i < e; ++i) {
    Node task = tasks.at(i);
    const json::Object *object = task.value ? task.value->getAsObject() : nullptr;
    std::optional<StringRef> op = object ? object->getString("op") : std::nullopt;
    if (!op)
      continue;
    const json::Array *inputs = object->getArray("inputs");
    const json::Array *outputs = object->getArray("outputs");
    json::Value first = inputs && !inputs->empty() ? (*inputs)[0] : nullptr;
    const json::Object *params = object->getObject("params");
    bool stats = params && params->getBoolean("amk_stats").value_or(false);
    if (*op == "ROPE" || *op == "KV_APPEND" || *op == "ATTENTION_TILE")
      collectIds(&first, tables.headShaped);
    if (*op == "EMBED" || *op == "ROPE" ||
        (*op == "ATTENTION_TILE" && outputs && outputs->size() == 1))
      collectIds(object->get("outputs"), tables.headShaped);
    if (*op == "ATTENTION_COMBINE" && !stats)
      collectIds(object->get("inputs"), tables.headShaped);
  }
}

LogicalResult Importer::importBuffers(const Node &list) {
  FailureOr<size_t> count = array(list);
  if (failed(count))
    return failure();
  for (size_t i = 0; i < *count; ++i)
    if (failed(importBuffer(list.at(i), i)))
      return failure();
  for (const auto &[id, node] : tables.bufferToPage)
    if (!tables.buffers.count(id))
      return fail(node, llvm::formatv("no buffer with id {0}", id));
  return success();
}

LogicalResult Importer::importBuffer(const Node &node, size_t index) {
  FailureOr<int64_t> id = newId(node.field("id"), tables.bufferIds);
  if (failed(id))
    return failure();
  FailureOr<StringRef> kindText = string(node.field("kind"));
  if (failed(kindText))
    return failure();
  FailureOr<StringRef> dtypeText = string(node.field("dtype"));
  if (failed(dtypeText) ||
      failed(optional(node.field("space"), json::Value::String, "a string")) ||
      failed(optional(node.field("source"), json::Value::String, "a string")) ||
      failed(optional(node.field("name"), json::Value::String, "a string")))
    return failure();
  Node spaceNode = node.field("space");
  StringRef space =
      spaceNode.present() ? *spaceNode.value->getAsString() : "HBM";
  if (!isSpace(space))
    return fail(spaceNode, "unknown space '" + space +
                               "' (HBM GLOBAL_SCRATCH SMEM REGISTER)");
  std::optional<BufferKind> kind = importKind(*kindText, space);
  if (!kind)
    return fail(node.field("kind"),
                "unknown kind '" + *kindText +
                    "' (WEIGHT ACTIVATION KV_CACHE IO_INPUT IO_OUTPUT CONST)");
  Type element = importDType(*dtypeText, context);
  if (!element)
    return fail(node.field("dtype"),
                "unknown dtype '" + *dtypeText +
                    "' (F32 F16 BF16 F8E4M3 F8E5M2 I32 I8 I4 U8 BOOL)");
  Node shapeNode = node.field("shape");
  FailureOr<size_t> rank = array(shapeNode, kMaxRank);
  if (failed(rank))
    return failure();
  SmallVector<int64_t> shape;
  for (size_t d = 0; d < *rank; ++d) {
    FailureOr<int64_t> extent = integer(shapeNode.at(d), 1);
    if (failed(extent))
      return failure();
    shape.push_back(*extent);
  }
  if (shape.empty()) // A scalar; `amk.json.shape` keeps the [].
    shape.push_back(1);
  // A transient buffer the ops read by heads (the tool's [heads, head_dim])
  // imports as its flat row-major view; `amk.json.shape` keeps the shape.
  if ((*kind == BufferKind::Activation || *kind == BufferKind::Scratch) &&
      tables.headShaped.count(*id) &&
      !getVectorLength(MemRefType::get(shape, element)))
    shape = {ShapedType::getNumElements(shape)};
  Node source = node.field("source");
  StringAttr key;
  if (source.present() &&
      (*kind == BufferKind::Weight || *kind == BufferKind::Const))
    key = builder.getStringAttr(*source.value->getAsString());
  Value page;
  if (auto it = tables.bufferToPage.find(*id);
      it != tables.bufferToPage.end()) {
    if (*kind != BufferKind::Activation && *kind != BufferKind::Scratch)
      return fail(it->second, "buffer " + Twine(*id) + " is " + *kindText +
                                  "; only ACTIVATION buffers live on pages");
    page = tables.pages[*::amk::support::integerOf(*it->second.value)];
  }
  StringAttr name = pickName(node.field("name"), "b", *id, tables.bufferNames);
  auto op = BufferOp::create(builder, loc, MemRefType::get(shape, element),
                             name, *kind, key, page);
  setId(op, *id, index);
  tables.buffers[*id] = op;
  bufferOps.push_back(op);
  return success();
}

LogicalResult Importer::importCounters(const Node &list) {
  FailureOr<size_t> count = array(list);
  if (failed(count))
    return failure();
  std::set<int64_t> seen;
  for (size_t i = 0; i < *count; ++i) {
    Node node = list.at(i);
    FailureOr<int64_t> id = newId(node.field("id"), seen);
    if (failed(id))
      return failure();
    int64_t init = 0;
    if (node.field("init").present()) {
      FailureOr<int64_t> value = integer(node.field("init"), 0);
      if (failed(value))
        return failure();
      if (*value > int64_t(UINT32_MAX))
        return fail(node.field("init"), "does not fit a u32 counter");
      init = *value;
    }
    if (failed(optional(node.field("note"), json::Value::String, "a string")))
      return failure();
    StringAttr name =
        pickName(node.field("note"), "c", *id, tables.counterNames);
    auto op = EventOp::create(builder, loc, name, init);
    setId(op, *id, i);
    tables.counters[*id] = op;
    counterOps.push_back(op);
  }
  return success();
}

FailureOr<SmallVector<Value, 4>> Importer::bufferList(const Node &node,
                                                      size_t max) {
  SmallVector<Value, 4> values;
  if (!node.value)
    return values;
  FailureOr<size_t> count = array(node, max);
  if (failed(count))
    return failure();
  for (size_t i = 0; i < *count; ++i) {
    FailureOr<Value> buffer = lookup(node.at(i), tables.buffers, "buffer");
    if (failed(buffer))
      return failure();
    values.push_back(*buffer);
  }
  return values;
}

/// The program's position: the `pos` all KV_APPEND tasks agree on.
void Importer::findPosition(const Node &tasks) {
  std::set<int64_t> positions;
  bool symbolic = false;
  for (size_t i = 0, e = tasks.size(); i < e; ++i) {
    // Only entries that mention KV_APPEND are parsed.
    if (tasks.elements && !(*tasks.elements)[i].contains("KV_APPEND"))
      continue;
    Node task = tasks.at(i);
    const json::Object *object = task.value->getAsObject();
    if (!object || object->getString("op") != StringRef("KV_APPEND"))
      continue;
    const json::Object *params = object->getObject("params");
    std::optional<int64_t> pos =
        params ? params->getInteger("pos") : std::nullopt;
    pos ? (void)positions.insert(*pos) : (void)(symbolic = true);
  }
  if (positions.size() == 1 && !symbolic && *positions.begin() >= 0) {
    opContext.position = *positions.begin();
    program.setPositionAttr(builder.getI64IntegerAttr(*opContext.position));
  }
}

LogicalResult Importer::importTasks(const Node &list) {
  FailureOr<size_t> count = array(list);
  if (failed(count))
    return failure();
  findPosition(list);
  for (Operation *op : bufferOps) {
    auto buffer = cast<BufferOp>(op);
    if (buffer.getName() == "pos" && buffer.getKind() == BufferKind::Input)
      opContext.positionBuffer = buffer.getResult();
  }
  for (size_t i = 0; i < *count; ++i)
    if (failed(importTask(list.at(i), i)))
      return failure();
  placeTasks();
  return success();
}

/// The paper tool's loader: when some tasks have an SM, the others run on
/// SM 0; every SM runs its tasks in task-list order.
void Importer::placeTasks() {
  auto assigned = [](Operation *op) {
    return cast<TaskOp>(op).getWorker().has_value();
  };
  if (llvm::none_of(taskOps, assigned))
    return;
  std::map<int64_t, int64_t> queueLength;
  for (Operation *op : taskOps) {
    auto task = cast<TaskOp>(op);
    int64_t worker = task.getWorker().value_or(0);
    task.setWorkerAttr(builder.getI64IntegerAttr(worker));
    task.setQueueAttr(builder.getI64IntegerAttr(queueLength[worker]++));
  }
}

LogicalResult Importer::importTask(const Node &node, size_t index) {
  FailureOr<int64_t> id = newId(node.field("id"), tables.taskIds);
  if (failed(id))
    return failure();
  FailureOr<StringRef> opName = string(node.field("op"));
  if (failed(opName))
    return failure();
  if (!isOpName(*opName))
    return fail(node.field("op"),
                "unknown op '" + *opName + "' (" + opNames() + ")");
  JSONOp jsonOp{opName->str(), {}, {}, {}};
  FailureOr<SmallVector<Value, 4>> inputs =
      bufferList(node.field("inputs"), kMaxInputs);
  if (failed(inputs))
    return failure();
  FailureOr<SmallVector<Value, 4>> outputs =
      bufferList(node.field("outputs"), kMaxOutputs);
  if (failed(outputs))
    return failure();
  FailureOr<Value> signal =
      lookup(node.field("out_counter"), tables.counters, "counter");
  if (failed(signal))
    return failure();
  SmallVector<Value> waits;
  SmallVector<int64_t> thresholds;
  Node waitList = node.field("waits");
  FailureOr<size_t> waitCount = waitList.value ? array(waitList, kMaxWaits)
                                               : FailureOr<size_t>(0);
  if (failed(waitCount))
    return failure();
  for (size_t w = 0; w < *waitCount; ++w) {
    Node wait = waitList.at(w);
    FailureOr<Value> event =
        lookup(wait.field("counter"), tables.counters, "counter");
    if (failed(event))
      return failure();
    FailureOr<int64_t> threshold = integer(wait.field("threshold"), 1);
    if (failed(threshold))
      return failure();
    waits.push_back(*event);
    thresholds.push_back(*threshold);
  }
  Node params = node.field("params");
  if (failed(optional(params, json::Value::Object, "an object")) ||
      failed(optional(node.field("label"), json::Value::String, "a string")) ||
      failed(optional(node.field("est_bytes"), json::Value::Number, "a number")) ||
      failed(optional(node.field("est_flops"), json::Value::Number, "a number")))
    return failure();
  if (params.present())
    jsonOp.params = *params.value->getAsObject();
  std::optional<int64_t> worker;
  if (node.field("sm").present()) {
    FailureOr<int64_t> sm = integer(node.field("sm"), 0);
    if (failed(sm))
      return failure();
    worker = *sm;
  }
  jsonOp.inputs = std::move(*inputs);
  jsonOp.outputs = std::move(*outputs);
  StringAttr name = pickName(node.field("label"), "t", *id, tables.taskNames);
  auto task = TaskOp::create(builder, loc, name, waits, thresholds, *signal);
  if (worker)
    task.setWorkerAttr(builder.getI64IntegerAttr(*worker));
  setId(task, *id, index);
  taskOps.push_back(task);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&task.getBodyBlock());
  bool nop = jsonOp.name == "NOP" && jsonOp.inputs.empty() &&
             jsonOp.outputs.empty();
  std::string why;
  if (nop || buildOp(builder, loc, jsonOp, opContext, why))
    return success();
  if (!why.empty())
    return fail(node, jsonOp.name + " '" + name.getValue() + "': " + why);
  if (jsonOp.outputs.empty())
    return success();
  OpaqueOp::create(builder, loc, jsonOp.name, jsonOp.inputs, jsonOp.outputs,
                   jsonOp.params.empty()
                       ? DictionaryAttr()
                       : cast<DictionaryAttr>(
                             toAttribute(*params.value, context)));
  return success();
}

//===----------------------------------------------------------------------===//
// Residuals
//===----------------------------------------------------------------------===//

/// Keeps the task params the op does not derive (or derives differently).
static void keepParams(Operation *op, const json::Object *o,
                       const json::Object *d) {
  Builder builder(op->getContext());
  SmallVector<NamedAttribute> kept;
  SmallVector<Attribute> absent;
  for (const auto &[key, value] : *o) {
    const json::Value *mine = d->get(key);
    if (!mine || !sameJSON(value, *mine))
      kept.push_back(
          builder.getNamedAttr(key, toAttribute(value, op->getContext())));
  }
  for (const auto &entry : *d)
    if (!o->get(entry.first))
      absent.push_back(builder.getStringAttr(entry.first.str()));
  if (!kept.empty())
    op->setAttr(kParamsAttr, builder.getDictionaryAttr(kept));
  if (!absent.empty())
    op->setAttr(kParamsAbsentAttr, builder.getArrayAttr(absent));
}

/// Keeps on `op` every field of `fields` where `original` and `derived`
/// differ, and lists those only `derived` has in `amk.json.absent`. Params
/// are compared key by key.
static void keepFields(Operation *op, const json::Object &original,
                       const json::Object &derived,
                       ArrayRef<StringRef> fields) {
  Builder builder(op->getContext());
  SmallVector<Attribute> absent;
  for (StringRef field : fields) {
    const json::Value *o = original.get(field), *d = derived.get(field);
    if (field == "params" && o && d && o->getAsObject() && d->getAsObject())
      keepParams(op, o->getAsObject(), d->getAsObject());
    else if (o && (!d || !sameJSON(*o, *d)))
      op->setAttr((kPrefix + field).str(), toAttribute(*o, op->getContext()));
    else if (!o && d)
      absent.push_back(builder.getStringAttr(field));
  }
  if (!absent.empty())
    op->setAttr(kAbsentAttr, builder.getArrayAttr(absent));
}

/// Compares each entity with its export, one at a time, and keeps what
/// differs.
LogicalResult Importer::keepResiduals(const Node &root) {
  Exporter exporter(program);
  if (failed(exporter.collect()))
    return failure();
  keepFields(program, *root.value->getAsObject(), exporter.header(),
             {"ir_version", "abi_version", "meta", "target", "config", "name"});
  auto section = [&](const Node &list, ArrayRef<Operation *> ops,
                     ArrayRef<StringRef> fields,
                     llvm::function_ref<FailureOr<json::Object>(size_t)> derive)
      -> LogicalResult {
    for (auto [i, op] : llvm::enumerate(ops)) {
      FailureOr<json::Object> derived = derive(i);
      if (failed(derived))
        return failure();
      keepFields(op, *list.at(i).value->getAsObject(), *derived, fields);
    }
    return success();
  };
  return success(
      succeeded(section(root.field("buffers"), bufferOps,
                        {"name", "kind", "dtype", "shape", "space", "source"},
                        [&](size_t i) { return exporter.buffer(i); })) &&
      succeeded(section(root.field("counters"), counterOps, {"init", "note"},
                        [&](size_t i) -> FailureOr<json::Object> {
                          return exporter.counter(i);
                        })) &&
      succeeded(section(root.field("tasks"), taskOps,
                        {"op", "inputs", "outputs", "out_counter", "waits",
                         "params", "sm", "est_bytes", "est_flops", "label"},
                        [&](size_t i) { return exporter.task(i); })) &&
      succeeded(section(root.field("pages").field("pages"), pageOps,
                        {"space", "live_start", "live_end", "name"},
                        [&](size_t i) -> FailureOr<json::Object> {
                          return exporter.page(i);
                        })));
}

OwningOpRef<ModuleOp> Importer::run(StringRef source) {
  text = source;
  if (text.size() > kScheduleLimits.maxBytes) {
    emitError(loc) << llvm::toString(
        checkJSONLimits(text, fileName, kScheduleLimits));
    return nullptr;
  }
  if (std::optional<size_t> tooDeep =
          findTooDeep(text, kScheduleLimits.maxDepth)) {
    emitError(locationOf(*tooDeep))
        << "arrays and objects nest deeper than the "
        << kScheduleLimits.maxDepth << " levels allowed for "
        << kScheduleLimits.what;
    return nullptr;
  }
  SplitDocument document;
  if (std::optional<TextError> error =
          splitDocument(text, kLazySections, document)) {
    emitError(locationOf(error->offset))
        << "not valid JSON: " << error->message;
    return nullptr;
  }
  Node root{&document.root, ""};
  root.sections = &document.lazy;
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());
  if (failed(importHeader(root)))
    return nullptr;
  builder.setInsertionPointToEnd(program.getBody());
  findHeadShaped(root.field("tasks"));
  if (failed(importPages(root.field("pages"))) ||
      failed(importBuffers(root.field("buffers"))) ||
      failed(importCounters(root.field("counters"))) ||
      failed(importTasks(root.field("tasks"))))
    return nullptr;
  tables = Tables();
  if (failed(verify(*module)) || failed(keepResiduals(root)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> mlir::amk::importAMKJSON(StringRef text,
                                               StringRef fileName,
                                               MLIRContext *context) {
  context->loadDialect<AMKDialect>();
  return Importer(fileName, context).run(text);
}
