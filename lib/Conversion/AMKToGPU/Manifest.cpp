//===- Manifest.cpp - The megakernel's manifest JSON ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Writes the manifest of a task table (docs/megakernel-abi.md): the launch
// facts, buffer placements, roles, events, body variants with their static
// facts, the table's words and the canonical hash the runtime checks.
//
//===----------------------------------------------------------------------===//

#include "TaskTable.h"

#include "AMK/Analysis/Roles.h"
#include "AMK/Dialect/AMK/IR/AMKAttrs.h"
#include "AMK/Support/TableHash.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace mlir::amk;
namespace json = llvm::json;

static int64_t lastDim(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getShape().back();
}
static int64_t numElements(Value buffer) {
  return cast<MemRefType>(buffer.getType()).getNumElements();
}

static json::Array dtypesOf(Operation *op) {
  json::Array dtypes;
  for (Type type : op->getOperandTypes())
    dtypes.push_back(dtypeName(cast<MemRefType>(type).getElementType()));
  return dtypes;
}

static json::Array shapeOf(Value buffer) {
  json::Array shape;
  for (int64_t dim : cast<MemRefType>(buffer.getType()).getShape())
    shape.push_back(dim);
  return shape;
}

/// The static facts of \p op the CPU path needs (docs/megakernel-abi.md).
static json::Object staticsOf(Operation *op) {
  json::Object s;
  s["dtypes"] = dtypesOf(op);
  // Every task of a variant binds operands of exactly these types (they are
  // part of the variant's key): the runtime checks each task against them.
  json::Array shapes;
  for (Value operand : op->getOperands())
    shapes.push_back(shapeOf(operand));
  s["shapes"] = std::move(shapes);
  auto dims = [](Value v) { return cast<MemRefType>(v.getType()).getShape(); };
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](EmbedOp o) {
        s["vocab"] = dims(o.getTable())[0];
        s["hidden"] = dims(o.getTable()).back();
      })
      .Case([&](RMSNormOp o) {
        s["eps"] = o.getEps().convertToDouble();
        s["len"] = numElements(o.getInput());
        s["head_dim"] = o.getHeadDim() ? int64_t(*o.getHeadDim()) : 0;
      })
      .Case([&](GemvOp o) {
        s["N"] = dims(o.getWeight())[0];
        s["K"] = dims(o.getWeight())[1];
        s["bias"] = bool(o.getBias());
        s["residual"] = bool(o.getResidual());
      })
      .Case([&](RopeOp o) {
        s["len"] = numElements(o.getInput());
        s["head_dim"] = o.getHeadDim();
        s["theta"] = o.getTheta().convertToDouble();
        if (Llama3RopeAttr l = o.getLlama3Attr())
          s["llama3"] = json::Object{
              {"factor", l.getFactor().convertToDouble()},
              {"low_freq_factor", l.getLowFreqFactor().convertToDouble()},
              {"high_freq_factor", l.getHighFreqFactor().convertToDouble()},
              {"original_max_position", l.getOriginalMaxPosition()}};
        else
          s["llama3"] = nullptr;
      })
      .Case([&](KVAppendOp o) {
        s["rows"] = dims(o.getCache())[0];
        s["kv_heads"] = dims(o.getCache())[1];
        s["head_dim"] = dims(o.getCache())[2];
      })
      .Case([&](AttentionOp o) {
        auto cache = dims(o.getKeyCache());
        s["heads"] = numElements(o.getQuery()) / cache[2];
        s["kv_heads"] = cache[1];
        s["head_dim"] = cache[2];
        s["rows"] = cache[0];
        s["scale"] = o.getScale().convertToDouble();
        s["window"] = o.getWindow() ? int64_t(*o.getWindow()) : 0;
        s["partial"] = bool(o.getStats());
        s["packed"] = o.getPacked();
        s["width"] = dims(o.getOutput()).back();
        s["splits"] = o.getStats() ? dims(o.getStats())[0] : 1;
      })
      .Case([&](AttentionCombineOp o) {
        auto stats = dims(o.getStats());
        s["splits"] = stats[0];
        s["heads"] = stats[1];
        s["width"] = dims(o.getPartial()).back();
        s["head_dim"] = dims(o.getPartial()).back() / stats[1];
      })
      .Case([&](AttentionMergeOp o) {
        s["partials"] = int64_t(o.getPartials().size());
        s["heads"] = o.getNumHeads();
        s["head_dim"] = numElements(o.getOutput()) / o.getNumHeads();
      })
      .Case<SiluMulOp, AddOp>(
          [&](auto o) { s["len"] = lastDim(o.getOutput()); })
      .Case([&](ArgmaxOp o) { s["len"] = lastDim(o.getLogits()); })
      .Case([&](ArgmaxPartialOp o) {
        s["len"] = lastDim(o.getLogits());
        s["slots"] = lastDim(o.getValues());
      })
      .Case([&](ArgmaxReduceOp o) { s["slots"] = lastDim(o.getValues()); })
      .Case([&](CopyOp o) {
        s["len"] = numElements(o.getSource());
        s["cols"] = bool(o.getColsAttr());
      });
  return s;
}

/// The buffers the runtime drives, as the validator certified them
/// (findRoles: it refused the program if they were ambiguous).
static json::Object rolesOf(const ProgramRoles &roles, const TaskTable &table) {
  json::Object object;
  for (auto [role, buffer] :
       {std::pair<StringRef, Value>{"tokens", roles.tokens},
        {"position", roles.position},
        {"next_token", roles.nextToken},
        {"logits", roles.logits}})
    if (buffer)
      object[role] = table.buffers.lookup(buffer).id;
  return object;
}

/// xxh3 of the program's generic textual form, as 16 hex digits: the runtime
/// and tools can tell which certified program a kernel was built from.
static std::string programHash(ProgramOp program) {
  std::string text;
  llvm::raw_string_ostream os(text);
  program->print(os, OpPrintingFlags().printGenericOpForm().useLocalScope());
  uint64_t hash = llvm::xxh3_64bits(llvm::StringRef(text));
  std::string hex = llvm::utohexstr(hash, /*LowerCase=*/true);
  return std::string(16 - hex.size(), '0') + hex;
}

/// Feeds \p value to \p hash in support::CanonicalHash's form; \p top
/// leaves out the hash members.
static void hashValue(const json::Value &value,
                      ::amk::support::CanonicalHash &hash, bool top) {
  if (const json::Object *object = value.getAsObject()) {
    std::vector<std::pair<StringRef, const json::Value *>> members;
    for (const auto &member : *object) {
      StringRef key = member.first;
      if (!(top && ::amk::support::isHashMember(key)))
        members.push_back({key, &member.second});
    }
    llvm::sort(members,
               [](const auto &a, const auto &b) { return a.first < b.first; });
    hash.object(members.size());
    for (const auto &[key, member] : members) {
      hash.string(std::string_view(key.data(), key.size()));
      hashValue(*member, hash, false);
    }
  } else if (const json::Array *array = value.getAsArray()) {
    hash.array(array->size());
    for (const json::Value &element : *array)
      hashValue(element, hash, false);
  } else if (std::optional<StringRef> text = value.getAsString()) {
    hash.string(std::string_view(text->data(), text->size()));
  } else if (std::optional<bool> flag = value.getAsBoolean()) {
    hash.boolean(*flag);
  } else if (std::optional<double> number = value.getAsNumber()) {
    hash.number(*number);
  } else {
    hash.null();
  }
}

static json::Array toJSON(const std::vector<int32_t> &words) {
  json::Array array;
  array.reserve(words.size());
  for (int32_t word : words)
    array.push_back(word);
  return array;
}

json::Object mlir::amk::buildManifest(ProgramOp program, const TaskTable &table,
                                      StringRef chip, int64_t blockSize,
                                      int64_t dynamicSmem, int64_t steps) {
  json::Object manifest;
  manifest["format"] = "amk-manifest";
  manifest["version"] = 1;
  manifest["program"] = program.getSymName();
  manifest["program_hash"] = programHash(program);
  manifest["chip"] = chip;
  manifest["kernel"] = "amk_megakernel";
  manifest["grid"] = table.workers;
  manifest["block"] = blockSize;
  manifest["dynamic_smem"] = dynamicSmem;
  manifest["desc_words"] = kDescriptorWords;
  if (steps > 1)
    manifest["steps"] = steps;
  if (std::optional<uint64_t> pos = program.getPosition())
    manifest["position"] = int64_t(*pos);
  else
    manifest["position"] = nullptr;

  json::Array buffers;
  for (BufferOp buffer : program.getBody()->getOps<BufferOp>()) {
    const BufferPlacement &place = table.buffers.lookup(buffer.getResult());
    json::Object b{{"id", place.id},
                   {"name", buffer.getName()},
                   {"kind", stringifyBufferKind(buffer.getKind())},
                   {"dtype", dtypeName(buffer.getType().getElementType())},
                   {"shape", shapeOf(buffer.getResult())},
                   {"bytes", place.bytes},
                   {"arena", place.arena},
                   {"offset", place.offset}};
    if (std::optional<StringRef> key = buffer.getKey())
      b["key"] = *key;
    if (Value page = buffer.getPage())
      b["page"] = cast<PageOp>(page.getDefiningOp()).getName();
    buffers.push_back(std::move(b));
  }
  manifest["buffers"] = std::move(buffers);
  ProgramRoles roles;
  bool unambiguous =
      succeeded(findRoles(program, roles, [](Operation *, const Twine &) {}));
  assert(unambiguous && "a validated program has one buffer per role");
  (void)unambiguous;
  manifest["roles"] = rolesOf(roles, table);
  if (roles.tokens)
    manifest["token_rows"] = roles.tokenRows;

  json::Object arenas;
  for (const auto &arena : table.arenaBytes)
    arenas[arena.getKey()] = arena.getValue();
  manifest["arenas"] = std::move(arenas);

  json::Array events;
  for (EventOp event : program.getBody()->getOps<EventOp>())
    events.push_back(json::Object{
        {"name", event.getName()},
        {"init", int64_t(event.getInit())},
        {"producers",
         table.producers[table.events.lookup(event.getResult())]}});
  for (BarrierOp barrier : program.getBody()->getOps<BarrierOp>())
    events.push_back(json::Object{{"name", ("barrier " + barrier.getName()).str()},
                                  {"init", 0},
                                  {"producers", table.workers}});
  if (table.separator >= 0)
    events.push_back(json::Object{{"name", kStepSeparator},
                                  {"init", 0},
                                  {"producers", table.workers}});
  manifest["events"] = std::move(events);

  json::Array variants;
  for (auto [id, variant] : llvm::enumerate(table.variants)) {
    json::Array ops;
    for (Operation *op : variant.ops) {
      int64_t numInts = numIntegerArguments(op);
      ops.push_back(json::Object{{"op", op->getName().stripDialect()},
                                 {"buffers", int64_t(op->getNumOperands())},
                                 {"ints", numInts},
                                 {"static", staticsOf(op)}});
    }
    variants.push_back(
        json::Object{{"id", int64_t(id)}, {"ops", std::move(ops)}});
  }
  manifest["variants"] = std::move(variants);

  json::Array names;
  for (const std::string &name : table.taskNames)
    names.push_back(name);
  manifest["tasks"] = std::move(names);
  manifest["table"] = json::Object{{"descriptors", toJSON(table.descriptors)},
                                   {"queues", toJSON(table.queues)},
                                   {"waits", toJSON(table.waits)},
                                   {"args", toJSON(table.args)}};
  ::amk::support::CanonicalHash hash;
  json::Value content(std::move(manifest));
  hashValue(content, hash, /*top=*/true);
  json::Object result = std::move(*content.getAsObject());
  result["manifest_hash"] = hash.text();
  return result;
}
