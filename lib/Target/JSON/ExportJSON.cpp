//===- ExportJSON.cpp - amk.program -> JSON schedule ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Every field is first derived from the IR (ids in program order, names,
// kinds, op params); then the `amk.json.*` attributes an import left on an
// op override the fields the IR could not express, so that
// export(import(x)) gives x back.
//
//===----------------------------------------------------------------------===//

#include "AMK/Target/JSON/AMKJSON.h"
#include "Schema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::json_interop;
namespace json = llvm::json;

/// Applies the `amk.json.*` residuals of `op` to its derived `object`.
static void applyResiduals(Operation *op, json::Object &object) {
  for (NamedAttribute attr : op->getDiscardableAttrs()) {
    StringRef name = attr.getName().strref();
    if (!name.consume_front(kPrefix))
      continue;
    if (attr.getName() == kAbsentAttr) {
      for (Attribute field : cast<ArrayAttr>(attr.getValue()))
        object.erase(cast<StringAttr>(field).strref());
    } else if (attr.getName() == kParamsAttr) {
      json::Object *params = object.getObject("params");
      for (NamedAttribute entry : cast<DictionaryAttr>(attr.getValue()))
        (*params)[entry.getName().strref()] = toJSON(entry.getValue());
    } else if (attr.getName() == kParamsAbsentAttr) {
      json::Object *params = object.getObject("params");
      for (Attribute key : cast<ArrayAttr>(attr.getValue()))
        params->erase(cast<StringAttr>(key).strref());
    } else {
      object[name] = toJSON(attr.getValue());
    }
  }
}

/// The JSON id of `op`: its `amk.json.id`, else its index among its kind.
static int64_t idOf(Operation *op, int64_t index) {
  if (auto id = op->getAttrOfType<IntegerAttr>(std::string(kPrefix) + "id"))
    return id.getInt();
  return index;
}

/// Bytes of the regions `op`'s accesses cover, at the program's position.
static int64_t estimateBytes(AccessOpInterface op, const OpContext &context) {
  SmallVector<Access> accesses;
  op.getAccesses(accesses);
  int64_t bytes = 0;
  for (const Access &access : accesses) {
    int64_t elements = 1;
    for (const Interval &interval : access.box) {
      auto [lo, hi] = interval.at(context.position.value_or(0));
      elements *= std::max<int64_t>(hi - lo, 0);
    }
    auto type = cast<MemRefType>(access.buffer.getType());
    bytes += (elements * type.getElementTypeBitWidth() + 7) / 8;
  }
  return bytes;
}

/// Tasks in program order, except that each worker's tasks are permuted
/// among their places so that they appear in queue order.
static SmallVector<TaskOp> queueOrder(ArrayRef<TaskOp> tasks) {
  llvm::MapVector<int64_t, SmallVector<TaskOp>> queues;
  for (TaskOp task : tasks)
    if (std::optional<int64_t> worker = task.getWorker())
      queues[*worker].push_back(task);
  for (auto &entry : queues)
    llvm::stable_sort(entry.second, [](TaskOp a, TaskOp b) {
      return *a.getQueue() < *b.getQueue();
    });
  DenseMap<int64_t, size_t> next;
  SmallVector<TaskOp> order;
  for (TaskOp task : tasks) {
    std::optional<int64_t> worker = task.getWorker();
    order.push_back(worker ? queues[*worker][next[*worker]++] : task);
  }
  return order;
}

/// True when every string inside \p attr (if any) is UTF-8.
static bool isUTF8(Attribute attr) {
  if (!attr)
    return true;
  WalkResult result = attr.walk([](StringAttr text) {
    return json::isUTF8(text.getValue()) ? WalkResult::advance()
                                         : WalkResult::interrupt();
  });
  return !result.wasInterrupted();
}

/// True when every string \p op holds is UTF-8. Each attribute is read where
/// it is stored: getAttrDictionary() would build (and keep, uniqued) a
/// dictionary per op.
static bool holdsOnlyUTF8(Operation *op) {
  return isUTF8(op->getDiscardableAttrDictionary()) &&
         llvm::all_of(op->getName().getAttributeNames(), [&](StringAttr name) {
           return isUTF8(op->getInherentAttr(name).value_or(Attribute()));
         });
}

/// Refuses an op of \p program holding a string that is not UTF-8 (a name,
/// a key, a residual attribute): JSON text is UTF-8 only.
static LogicalResult checkUTF8(ProgramOp program) {
  WalkResult result = program->walk([](Operation *op) {
    if (holdsOnlyUTF8(op))
      return WalkResult::advance();
    op->emitOpError() << "has a string that is not valid UTF-8, which JSON "
                         "cannot hold";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

LogicalResult Exporter::collect() {
  if (failed(checkUTF8(program)))
    return failure();
  SmallVector<TaskOp> tasks;
  for (Operation &op : program.getBody()->getOperations()) {
    if (auto barrier = dyn_cast<BarrierOp>(op))
      return barrier.emitOpError()
             << "cannot be exported: the JSON format has no barriers (express "
                "the join with events first)";
    if (auto page = dyn_cast<PageOp>(op))
      ids[page] = idOf(page, pageOps.size()), pageOps.push_back(page);
    if (auto buffer = dyn_cast<BufferOp>(op))
      ids[buffer] = idOf(buffer, bufferOps.size()), bufferOps.push_back(buffer);
    if (auto event = dyn_cast<EventOp>(op))
      ids[event] = idOf(event, eventOps.size()), eventOps.push_back(event);
    if (auto task = dyn_cast<TaskOp>(op))
      tasks.push_back(task);
  }
  taskOps = queueOrder(tasks);
  return success();
}

FailureOr<json::Object> Exporter::run() {
  json::Array buffers, counters, tasks;
  for (size_t index = 0; index < bufferOps.size(); ++index) {
    FailureOr<json::Object> object = buffer(index);
    if (failed(object))
      return failure();
    buffers.push_back(std::move(*object));
  }
  for (size_t index = 0; index < eventOps.size(); ++index)
    counters.push_back(counter(index));
  for (size_t index = 0; index < taskOps.size(); ++index) {
    FailureOr<json::Object> object = task(index);
    if (failed(object))
      return failure();
    tasks.push_back(std::move(*object));
  }
  json::Object top = header();
  top["buffers"] = std::move(buffers);
  top["counters"] = std::move(counters);
  top["tasks"] = std::move(tasks);
  top["pages"] = pages();
  return top;
}

json::Object Exporter::header() {
  json::Object top{{"ir_version", kIRVersion},
                   {"abi_version", kABIVersion},
                   {"meta", json::Object()},
                   {"target", target()},
                   {"config", nullptr}};
  if (program.getSymName() != "schedule")
    top["name"] = program.getSymName();
  applyResiduals(program, top);
  return top;
}

json::Value Exporter::target() {
  TargetAttr target = program.getTargetAttr();
  if (!target)
    return nullptr;
  // The paper tool's GpuTarget fields (it needs all of them); the ones the
  // IR does not know are 0. `arch` names the chip for AMK's reader.
  int64_t smem = target.getSmemPerBlock();
  return json::Object{{"arch", target.getChip()},
                      {"name", target.getName()},
                      {"sm_arch", target.getSmVersion()},
                      {"num_sms", target.getSmCount()},
                      {"smem_bytes_per_sm", smem},
                      {"smem_bytes_per_block_optin", smem},
                      {"regs_per_sm", 0},
                      {"max_threads_per_sm", 0},
                      {"max_regs_per_thread", 0},
                      {"l2_bytes", target.getL2Bytes()},
                      {"hbm_bytes", 0},
                      {"hbm_bandwidth_gbs", target.getHbmGBps()},
                      {"fp16_tflops", 0}};
}

FailureOr<json::Object> Exporter::buffer(size_t index) {
  BufferOp op = bufferOps[index];
  MemRefType type = op.getType();
  std::optional<StringRef> dtype = exportDType(type.getElementType());
  if (!dtype)
    return op.emitOpError() << "element type " << type.getElementType()
                            << " has no dtype in the JSON format";
  if (type.getRank() > int64_t(kMaxRank))
    return op.emitOpError() << "has rank " << type.getRank()
                            << "; the JSON format allows " << kMaxRank;
  auto [kind, space] = exportKind(op.getKind());
  json::Object object{{"id", ids[op]},
                      {"name", op.getName()},
                      {"kind", kind},
                      {"dtype", *dtype},
                      {"shape", json::Array(type.getShape())},
                      {"space", space},
                      {"source", op.getKey() ? json::Value(*op.getKey())
                                             : json::Value(nullptr)}};
  applyResiduals(op, object);
  return object;
}

json::Object Exporter::counter(size_t index) {
  EventOp op = eventOps[index];
  json::Object object{
      {"id", ids[op]}, {"init", op.getInit()}, {"note", op.getName()}};
  applyResiduals(op, object);
  return object;
}

json::Object Exporter::page(size_t index) {
  PageOp op = pageOps[index];
  IntervalAttr live = op.getLiveAttr();
  json::Object object{
      {"id", ids[op]},
      {"space", "GLOBAL_SCRATCH"},
      {"nbytes", op.getBytes()},
      {"live_start", live ? live.getLo() : -1},
      {"live_end", live ? live.getHi() : -1}};
  if (op.getName() != llvm::formatv("p{0}", ids[op]).str())
    object["name"] = op.getName();
  applyResiduals(op, object);
  return object;
}

json::Value Exporter::pages() {
  if (pageOps.empty())
    return nullptr;
  json::Object bufferToPage;
  for (BufferOp buffer : bufferOps)
    if (Value page = buffer.getPage())
      bufferToPage[std::to_string(ids[buffer])] = ids[page];
  json::Array list;
  for (size_t index = 0; index < pageOps.size(); ++index)
    list.push_back(page(index));
  return json::Object{{"buffer_to_page", std::move(bufferToPage)},
                      {"pages", std::move(list)}};
}

json::Array Exporter::idsOf(ArrayRef<Value> values) {
  return json::Array(llvm::map_range(values, [&](Value v) { return ids[v]; }));
}

FailureOr<json::Object> Exporter::task(size_t index) {
  TaskOp op = taskOps[index];
  Block &body = op.getBodyBlock();
  size_t count = body.getOperations().size();
  if (count > 1)
    return op.emitOpError() << "has " << count
                            << " compute ops; the JSON format has one op per "
                               "task, so fused tasks cannot be exported";
  JSONOp described{"NOP", {}, {}, {}};
  int64_t bytes = 0;
  if (count == 1) {
    FailureOr<JSONOp> d = describeOp(&body.front(), context);
    if (failed(d))
      return failure();
    described = std::move(*d);
    bytes = estimateBytes(cast<AccessOpInterface>(body.front()), context);
  }
  if (op.getWaits().size() > kMaxWaits)
    return op.emitOpError() << "has " << op.getWaits().size()
                            << " waits; the JSON format allows " << kMaxWaits;
  json::Array waits;
  for (auto [event, threshold] : llvm::zip(op.getWaits(), op.getThresholds()))
    waits.push_back(
        json::Object{{"counter", ids[event]}, {"threshold", threshold}});
  std::optional<int64_t> worker = op.getWorker();
  json::Object object{
      {"id", idOf(op, index)},
      {"op", described.name},
      {"inputs", idsOf(described.inputs)},
      {"outputs", idsOf(described.outputs)},
      {"out_counter", ids[op.getSignal()]},
      {"waits", std::move(waits)},
      {"params", std::move(described.params)},
      {"sm", worker ? json::Value(*worker) : json::Value(nullptr)},
      {"est_bytes", bytes},
      {"est_flops", 0},
      {"label", op.getName()}};
  applyResiduals(op, object);
  return object;
}

LogicalResult mlir::amk::exportAMKJSON(ModuleOp module, raw_ostream &os,
                                       std::optional<int64_t> position) {
  auto programs = llvm::to_vector(module.getOps<ProgramOp>());
  if (programs.size() != 1)
    return emitError(module.getLoc()) << "--export-amk-json needs exactly one "
                                         "amk.program, found "
                                      << programs.size();
  ProgramOp program = programs.front();
  if (position) {
    std::optional<uint64_t> fixed = program.getPosition();
    if (fixed && int64_t(*fixed) != *position)
      return program.emitError()
             << "--amk-json-position=" << *position
             << ": the program is fixed at position " << *fixed;
    program.setPositionAttr(
        Builder(module.getContext()).getI64IntegerAttr(*position));
  }
  Exporter exporter(program);
  if (failed(exporter.collect()))
    return failure();
  FailureOr<json::Object> object = exporter.run();
  if (failed(object))
    return failure();
  os << llvm::formatv("{0:2}", json::Value(std::move(*object))) << "\n";
  return success();
}
