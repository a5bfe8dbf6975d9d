//===- AMKOps.cpp - Operations of the amk dialect -------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Structural verifiers, custom assembly directives, and the access regions
// every compute op reports. Deadlock and race questions are left to
// `--amk-validate`: the verifiers here check structure only.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Dialect/AMK/IR/AMKLimits.h"
#include "AMK/Support/StorageModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;

//===----------------------------------------------------------------------===//
// Custom directives
//===----------------------------------------------------------------------===//

/// `"l0.q.t0"`: the name of a buffer, page, event, task or barrier. It is
/// printed as a plain string, not as an attribute: the names are unique per
/// op, and the printer's alias pass records every attribute it is shown
/// (about 100 bytes each, 20 MB for the 8B schedule's tasks) although no
/// name gets an alias.
static ParseResult parseName(OpAsmParser &parser, StringAttr &name) {
  return parser.parseAttribute(name, parser.getBuilder().getNoneType());
}

static void printName(OpAsmPrinter &printer, Operation *, StringAttr name) {
  printer.printString(name.getValue());
}

/// `[lo, hi)` without the `#amk.interval<...>` wrapper.
static ParseResult parseInterval(OpAsmParser &parser, IntervalAttr &attr) {
  attr = IntervalAttr::parseBody(parser);
  return success(attr != nullptr);
}

static void printInterval(OpAsmPrinter &printer, Operation *,
                          IntervalAttr attr) {
  attr.printBody(printer);
}

/// `%e0 >= 1, %e1 >= 4`: the waits of a task.
static ParseResult
parseWaits(OpAsmParser &parser,
           SmallVectorImpl<OpAsmParser::UnresolvedOperand> &events,
           DenseI64ArrayAttr &thresholds) {
  SmallVector<int64_t> values;
  auto parseOne = [&]() -> ParseResult {
    if (parser.parseOperand(events.emplace_back()) || parser.parseGreater() ||
        parser.parseEqual() || parser.parseInteger(values.emplace_back()))
      return failure();
    return success();
  };
  if (parser.parseCommaSeparatedList(parseOne))
    return failure();
  thresholds = parser.getBuilder().getDenseI64ArrayAttr(values);
  return success();
}

static void printWaits(OpAsmPrinter &printer, OperandRange events,
                       ArrayRef<int64_t> thresholds) {
  for (auto [i, event] : llvm::enumerate(events))
    printer << (i ? ", " : "") << event << " >= " << thresholds[i];
}

//===----------------------------------------------------------------------===//
// Shared verification helpers
//===----------------------------------------------------------------------===//

std::optional<int64_t> mlir::amk::getVectorLength(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || memref.getRank() == 0)
    return std::nullopt;
  if (llvm::any_of(memref.getShape().drop_back(),
                   [](int64_t d) { return d != 1; }))
    return std::nullopt;
  return memref.getShape().back();
}

bool mlir::amk::isBufferType(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getRank() >= 1 && memref.getLayout().isIdentity() &&
         llvm::all_of(memref.getShape(), [](int64_t d) { return d > 0; });
}

std::optional<int64_t> mlir::amk::getBoundedBufferBytes(MemRefType type) {
  Type element = type.getElementType();
  if (!type.hasStaticShape() || !element.isIntOrFloat())
    return std::nullopt;
  ArrayRef<int64_t> shape = type.getShape();
  std::optional<int64_t> elements =
      ::amk::storage::checkedProduct(shape.data(), shape.size());
  if (!elements)
    return std::nullopt;
  std::optional<int64_t> bytes =
      ::amk::storage::BufferLayout{element.getIntOrFloatBitWidth(), *elements}
          .bytes();
  if (!bytes || *bytes > limits::kMaxBufferBytes)
    return std::nullopt;
  return bytes;
}

static MemRefType memrefOf(Value value) {
  return cast<MemRefType>(value.getType());
}

/// The length of the vector operand `value`, named `role` in diagnostics.
static FailureOr<int64_t> vectorLength(Operation *op, Value value,
                                       StringRef role) {
  if (std::optional<int64_t> length = getVectorLength(value.getType()))
    return *length;
  return op->emitOpError() << "'" << role
                           << "' must be a vector (all dimensions 1 but the "
                              "last), got "
                           << value.getType();
}

/// Checks that operand `role` has `actual` elements where `expected` are
/// required because of `why`.
static LogicalResult expectSize(Operation *op, StringRef role, int64_t actual,
                                int64_t expected, StringRef why) {
  if (actual == expected)
    return success();
  return op->emitOpError() << "'" << role << "' has " << actual
                           << " elements, expected " << expected << " ("
                           << why << ")";
}

/// Checks that `value` has rank `rank`.
static LogicalResult expectRank(Operation *op, Value value, StringRef role,
                                int64_t rank, StringRef layout) {
  if (memrefOf(value).getRank() == rank)
    return success();
  return op->emitOpError() << "'" << role << "' must have rank " << rank
                           << " (" << layout << "), got " << value.getType();
}

/// Checks that every operand in `values` has the element type of the first.
static LogicalResult
sameElementType(Operation *op,
                ArrayRef<std::pair<Value, StringRef>> values) {
  Type first = memrefOf(values.front().first).getElementType();
  for (auto [value, role] : values.drop_front()) {
    if (!value)
      continue;
    Type type = memrefOf(value).getElementType();
    if (type != first)
      return op->emitOpError()
             << "element type of '" << role << "' (" << type
             << ") differs from '" << values.front().second << "' ("
             << first << ")";
  }
  return success();
}

/// Checks that `value` has a floating-point element type.
static LogicalResult expectFloat(Operation *op, Value value, StringRef role) {
  if (isa<FloatType>(memrefOf(value).getElementType()))
    return success();
  return op->emitOpError() << "'" << role
                           << "' must have a floating-point element type, got "
                           << memrefOf(value).getElementType();
}

/// Checks that `value` is a one-element i32 vector (a token id or position).
static LogicalResult expectScalarI32(Operation *op, Value value,
                                     StringRef role) {
  std::optional<int64_t> length = getVectorLength(value.getType());
  if (length == 1 && memrefOf(value).getElementType().isInteger(32))
    return success();
  return op->emitOpError() << "'" << role
                           << "' must be a one-element i32 vector, got "
                           << value.getType();
}

/// Checks that `attr` (named `role`) is a non-empty constant interval inside
/// `[0, extent)`; `what` names the indexed entity in diagnostics.
static LogicalResult checkInterval(Operation *op, IntervalAttr attr,
                                   StringRef role, int64_t extent,
                                   StringRef what) {
  if (!attr)
    return success();
  if (!attr.isConstant())
    return op->emitOpError() << "'" << role
                             << "' cannot depend on the decode position";
  if (attr.getLo() < 0 || attr.getLo() >= attr.getHi())
    return op->emitOpError() << "'" << role << "' [" << attr.getLo() << ", "
                             << attr.getHi() << ") is empty or negative";
  if (attr.getHi() > extent)
    return op->emitOpError() << "'" << role << "' [" << attr.getLo() << ", "
                             << attr.getHi() << ") exceeds the " << extent
                             << " " << what;
  return success();
}

/// Checks that the float attribute `role` is positive and finite.
static LogicalResult expectPositiveFinite(Operation *op, StringRef role,
                                          APFloat value) {
  if (value.isFinite() && !value.isNegative() && !value.isZero())
    return success();
  return op->emitOpError() << role << " must be positive and finite, got "
                           << value.convertToDouble();
}

/// The interval `attr`, or `[0, extent)` when it is absent.
static Interval orAll(IntervalAttr attr, int64_t extent) {
  return attr ? Interval::of(attr) : Interval::of(0, extent);
}

/// `[lo * scale, hi * scale)`: rows of `scale` elements as columns.
static Interval scaled(Interval rows, int64_t scale) {
  return Interval::of(rows.lo.offset * scale, rows.hi.offset * scale);
}

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

void ProgramOp::build(OpBuilder &builder, OperationState &state,
                      StringRef name) {
  state.addAttribute(getSymNameAttrName(state.name),
                     builder.getStringAttr(name));
  state.addRegion()->emplaceBlock();
}

LogicalResult ProgramOp::verify() {
  if (IntegerAttr position = getPositionAttr();
      position && (position.getInt() < 0 ||
                   position.getInt() > limits::kMaxPosition))
    // Not emitOpError: its note would print the whole program.
    return mlir::emitError(getLoc())
           << "'" << getOperationName() << "' op position " << position.getInt()
           << " is outside [0, " << limits::kMaxPosition
           << "] (decode positions are i32)";
  return success();
}

/// Reports `op` as reusing a name `first` already has in `kind`.
static LogicalResult duplicateName(Operation *op, Operation *first,
                                   StringRef kind, StringRef name) {
  InFlightDiagnostic diag =
      op->emitOpError() << "duplicate " << kind << " name '" << name << "'";
  diag.attachNote(first->getLoc()) << "first defined here";
  return diag;
}

/// Records that `op` occupies queue `slot` of `worker`; fails when another op
/// already does.
static LogicalResult
claimSlot(DenseMap<std::pair<int64_t, int64_t>, Operation *> &slots,
          Operation *op, int64_t worker, int64_t slot) {
  auto [it, inserted] = slots.try_emplace({worker, slot}, op);
  if (inserted)
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "occupies slot " << slot << " of worker "
                            << worker << ", which is already taken";
  diag.attachNote(it->second->getLoc()) << "slot taken here";
  return diag;
}

/// Checks that the single block of `region` (if any) has no arguments.
static LogicalResult verifyNoBlockArguments(Operation *op, Region &region) {
  if (region.empty() || region.front().args_empty())
    return success();
  return op->emitOpError() << "body takes no block arguments";
}

LogicalResult ProgramOp::verifyRegions() {
  if (failed(verifyNoBlockArguments(*this, getBodyRegion())))
    return failure();
  // One namespace per entity kind: witnesses and JSON ids name them. Names
  // are uniqued StringAttrs, so the maps compare pointers and copy no text.
  DenseMap<StringAttr, Operation *> buffers, pages, events, steps;
  DenseMap<std::pair<int64_t, int64_t>, Operation *> slots;
  for (Operation &op : getBody()->getOperations()) {
    if (isa<TaskOp, BarrierOp>(op) &&
        int64_t(steps.size()) == limits::kMaxSteps)
      return op.emitOpError() << "exceeds the limit of " << limits::kMaxSteps
                              << " tasks and barriers in one program";
    auto claimName = [&](DenseMap<StringAttr, Operation *> &names,
                         StringRef kind, StringAttr name) -> LogicalResult {
      if (name.empty())
        return op.emitOpError() << "needs a non-empty name";
      auto [it, inserted] = names.try_emplace(name, &op);
      return inserted ? success()
                      : duplicateName(&op, it->second, kind, name.getValue());
    };
    LogicalResult result =
        llvm::TypeSwitch<Operation *, LogicalResult>(&op)
            .Case([&](BufferOp buffer) {
              return claimName(buffers, "buffer", buffer.getNameAttr());
            })
            .Case([&](PageOp page) {
              return claimName(pages, "page", page.getNameAttr());
            })
            .Case([&](EventOp event) {
              return claimName(events, "event", event.getNameAttr());
            })
            .Case([&](TaskOp task) {
              if (failed(
                      claimName(steps, "task or barrier", task.getNameAttr())))
                return failure();
              if (!task.getWorker())
                return success();
              return claimSlot(slots, task, *task.getWorker(),
                               *task.getQueue());
            })
            .Case([&](BarrierOp barrier) {
              if (failed(claimName(steps, "task or barrier",
                                   barrier.getNameAttr())))
                return failure();
              for (auto [worker, slot] : llvm::enumerate(barrier.getSlots()))
                if (failed(claimSlot(slots, barrier, worker, slot)))
                  return failure();
              return success();
            })
            .Default([&](Operation *other) {
              return other->emitOpError()
                     << "is not allowed in an amk.program body (only "
                        "buffer, page, event, task and barrier are)";
            });
    if (failed(result))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// BufferOp, PageOp, EventOp
//===----------------------------------------------------------------------===//

void BufferOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getName());
}

LogicalResult BufferOp::verify() {
  MemRefType type = getType();
  if (!type.hasStaticShape())
    return emitOpError() << "must have a static shape, got " << type;
  if (!type.getLayout().isIdentity())
    return emitOpError() << "must have the identity layout, got " << type;
  if (type.getRank() == 0 ||
      llvm::any_of(type.getShape(), [](int64_t d) { return d <= 0; }))
    return emitOpError() << "must have rank >= 1 and positive dimensions, got "
                         << type;
  Type element = type.getElementType();
  if (!isa<FloatType>(element) && !element.isSignlessInteger())
    return emitOpError() << "element type must be a float or signless "
                            "integer, got "
                         << element;
  if (!getBoundedBufferBytes(type))
    return emitOpError() << "holds more than " << limits::kMaxBufferBytes
                         << " bytes (the limit of one buffer), got " << type;
  BufferKind kind = getKind();
  if (getKey() && kind != BufferKind::Weight && kind != BufferKind::Const)
    return emitOpError() << "only weight and const buffers have a state-dict "
                            "key, this one is "
                         << stringifyBufferKind(kind);
  if (getPage() && !isTransient())
    return emitOpError() << "only activation and scratch buffers live on a "
                            "scratch page, this one is "
                         << stringifyBufferKind(kind);
  return success();
}

void PageOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getName());
}

LogicalResult PageOp::verify() {
  // getBytes() is unsigned (I64Attr): read the signed value.
  int64_t bytes = getBytesAttr().getInt();
  if (bytes <= 0 || bytes > limits::kMaxBufferBytes)
    return emitOpError() << "bytes " << bytes << " is outside [1, "
                         << limits::kMaxBufferBytes
                         << "] (the limit of one page)";
  if (IntervalAttr live = getLiveAttr()) {
    if (!live.isConstant() || live.getLo() < 0 || live.getLo() > live.getHi() ||
        live.getHi() > limits::kMaxSteps)
      return emitOpError() << "live range must be a constant, ordered task "
                              "range inside [0, "
                           << limits::kMaxSteps << "]";
  }
  return success();
}

void EventOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getName());
}

LogicalResult EventOp::verify() {
  int64_t init = getInitAttr().getInt();
  if (init < 0 || init > std::numeric_limits<uint32_t>::max())
    return emitOpError() << "init must be a u32 counter value, got " << init;
  return success();
}

/// The distinct tasks among the users of `event` for which `uses` holds.
static SmallVector<TaskOp> tasksUsing(Value event,
                                      llvm::function_ref<bool(TaskOp)> uses) {
  llvm::SetVector<TaskOp> tasks;
  for (Operation *user : event.getUsers())
    if (auto task = dyn_cast<TaskOp>(user); task && uses(task))
      tasks.insert(task);
  return tasks.takeVector();
}

SmallVector<TaskOp> mlir::amk::getProducers(EventOp op) {
  Value event = op.getResult();
  return tasksUsing(event,
                    [&](TaskOp task) { return task.getSignal() == event; });
}

SmallVector<TaskOp> mlir::amk::getWaiters(EventOp op) {
  Value event = op.getResult();
  return tasksUsing(event, [&](TaskOp task) {
    return llvm::is_contained(task.getWaits(), event);
  });
}

//===----------------------------------------------------------------------===//
// TaskOp, BarrierOp
//===----------------------------------------------------------------------===//

void TaskOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                   ValueRange waits, ArrayRef<int64_t> thresholds,
                   Value signal) {
  build(builder, state, builder.getStringAttr(name), waits,
        builder.getDenseI64ArrayAttr(thresholds), signal, IntegerAttr(),
        IntegerAttr());
  state.regions.front()->emplaceBlock();
}

ParseResult TaskOp::parse(OpAsmParser &parser, OperationState &result) {
  Properties &properties = result.getOrAddProperties<Properties>();
  SmallVector<OpAsmParser::UnresolvedOperand, 4> waits;
  OpAsmParser::UnresolvedOperand signal;
  if (parseName(parser, properties.name))
    return failure();
  SMLoc waitsLoc = parser.getCurrentLocation();
  if (succeeded(parser.parseOptionalKeyword("waits")) &&
      (parser.parseLParen() ||
       parseWaits(parser, waits, properties.thresholds) ||
       parser.parseRParen()))
    return failure();
  SMLoc signalLoc;
  if (parser.parseKeyword("signals") || parser.getCurrentLocation(&signalLoc) ||
      parser.parseOperand(signal))
    return failure();
  auto parseIndex = [&](StringRef keyword, IntegerAttr &attr) -> ParseResult {
    int64_t value;
    if (failed(parser.parseOptionalKeyword(keyword)))
      return success();
    if (parser.parseInteger(value))
      return failure();
    attr = parser.getBuilder().getI64IntegerAttr(value);
    return success();
  };
  if (parseIndex("worker", properties.worker) ||
      parseIndex("queue", properties.queue))
    return failure();
  SMLoc attrsLoc = parser.getCurrentLocation();
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  for (StringRef inherent : getAttributeNames())
    if (result.attributes.get(inherent))
      return parser.emitError(attrsLoc)
             << "'" << inherent
             << "' is written in the task's syntax, not in its attributes";
  Region *body = result.addRegion();
  if (parser.parseRegion(*body))
    return failure();
  if (body->empty())
    body->emplaceBlock();
  Type event = parser.getBuilder().getType<EventType>();
  return failure(
      parser.resolveOperands(waits, event, waitsLoc, result.operands) ||
      parser.resolveOperand(signal, event, result.operands));
}

void TaskOp::print(OpAsmPrinter &printer) {
  printer << ' ';
  printName(printer, *this, getNameAttr());
  if (!getWaits().empty() || !getThresholds().empty()) {
    printer << " waits(";
    printWaits(printer, getWaits(), getThresholds());
    printer << ")";
  }
  printer << " signals " << getSignal();
  if (std::optional<int64_t> worker = getWorker())
    printer << " worker " << *worker;
  if (std::optional<int64_t> queue = getQueue())
    printer << " queue " << *queue;
  printer.printOptionalAttrDictWithKeyword(
      llvm::to_vector((*this)->getDiscardableAttrs()));
  printer << ' ';
  printer.printRegion(getBodyRegion());
}

Block &TaskOp::getBodyBlock() {
  if (getBodyRegion().empty())
    getBodyRegion().emplaceBlock();
  return getBodyRegion().front();
}

void TaskOp::forEachAccess(
    function_ref<void(Operation *, const Access &)> fn) {
  SmallVector<Access> accesses;
  for (Operation &op : getBodyBlock()) {
    accesses.clear();
    cast<AccessOpInterface>(op).getAccesses(accesses);
    for (const Access &access : accesses)
      fn(&op, access);
  }
}

LogicalResult TaskOp::verify() {
  if (getThresholds().size() != getWaits().size())
    return emitOpError() << "has " << getWaits().size() << " waits but "
                         << getThresholds().size() << " thresholds";
  for (int64_t threshold : getThresholds())
    if (threshold < 1 || threshold > std::numeric_limits<uint32_t>::max())
      return emitOpError() << "wait threshold must be in [1, 2^32), got "
                           << threshold;
  if (getWorker().has_value() != getQueue().has_value())
    return emitOpError() << "worker and queue position come together";
  if (!getWorker())
    return success();
  int64_t worker = getWorkerAttr().getInt(), queue = getQueueAttr().getInt();
  if (worker < 0 || worker >= limits::kMaxWorkers)
    return emitOpError() << "worker " << worker << " is outside [0, "
                         << limits::kMaxWorkers << ") (the workers of a grid)";
  if (queue < 0 || queue >= limits::kMaxSteps)
    return emitOpError() << "queue position " << queue << " is outside [0, "
                         << limits::kMaxSteps << ")";
  return success();
}

LogicalResult TaskOp::verifyRegions() {
  if (failed(verifyNoBlockArguments(*this, getBodyRegion())))
    return failure();
  for (Value event : getOperands())
    if (!event.getDefiningOp<EventOp>())
      return emitOpError() << "waits and signals only amk.event results";
  if (getBodyRegion().empty())
    return success();
  for (Operation &op : getBodyRegion().front()) {
    if (!isa<AccessOpInterface>(op))
      return op.emitOpError()
             << "is not a compute op (no AccessOpInterface); a task body "
                "holds only compute ops";
    for (Value operand : op.getOperands())
      if (!operand.getDefiningOp<BufferOp>())
        return op.emitOpError() << "operands must be amk.buffer results";
  }
  return success();
}

LogicalResult BarrierOp::verify() {
  if (getSlots().empty())
    return emitOpError() << "needs a slot for every worker";
  if (int64_t(getSlots().size()) > limits::kMaxWorkers)
    return emitOpError() << "has " << getSlots().size()
                         << " slots, more than the " << limits::kMaxWorkers
                         << " workers of a grid";
  for (int64_t slot : getSlots())
    if (slot < 0 || slot >= limits::kMaxSteps)
      return emitOpError() << "slot " << slot << " is outside [0, "
                           << limits::kMaxSteps << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// EmbedOp
//===----------------------------------------------------------------------===//

LogicalResult EmbedOp::verify() {
  if (failed(expectRank(*this, getTable(), "table", 2, "[vocab, hidden]")) ||
      failed(expectFloat(*this, getTable(), "table")) ||
      failed(expectFloat(*this, getOutput(), "output")) ||
      failed(expectScalarI32(*this, getToken(), "token")))
    return failure();
  FailureOr<int64_t> width = vectorLength(*this, getOutput(), "output");
  if (failed(width))
    return failure();
  return expectSize(*this, "output", *width,
                    memrefOf(getTable()).getDimSize(1), "the table's hidden size");
}

void EmbedOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  accesses.push_back(Access::whole(getTableMutable(), AccessKind::Read));
  accesses.push_back(Access::whole(getTokenMutable(), AccessKind::Read));
  accesses.push_back(Access::whole(getOutputMutable(), AccessKind::Write));
}

//===----------------------------------------------------------------------===//
// RMSNormOp
//===----------------------------------------------------------------------===//

/// The size of one normalized row: `head_dim`, or the whole input.
static int64_t rowSize(RMSNormOp op) {
  if (std::optional<int64_t> headDim = op.getHeadDim())
    return *headDim;
  return *getVectorLength(op.getInput().getType());
}

LogicalResult RMSNormOp::verify() {
  FailureOr<int64_t> width = vectorLength(*this, getInput(), "input");
  FailureOr<int64_t> outWidth = vectorLength(*this, getOutput(), "output");
  if (failed(width) || failed(outWidth) ||
      failed(expectRank(*this, getWeight(), "weight", 1, "[row size]")) ||
      failed(expectFloat(*this, getWeight(), "weight")) ||
      failed(expectFloat(*this, getInput(), "input")) ||
      failed(sameElementType(*this, {{getInput(), "input"},
                                     {getOutput(), "output"}})) ||
      failed(expectSize(*this, "output", *outWidth, *width, "the input's")))
    return failure();
  if (failed(expectPositiveFinite(*this, "eps", getEps())))
    return failure();
  std::optional<int64_t> headDim = getHeadDim();
  if (headDim && (*headDim <= 0 || *width % *headDim != 0))
    return emitOpError() << "head_dim " << *headDim
                         << " does not divide the input's " << *width
                         << " elements";
  if (getHeadsAttr() && !getHeadDim())
    return emitOpError() << "'heads' needs 'head_dim'";
  int64_t row = rowSize(*this);
  if (failed(expectSize(*this, "weight", memrefOf(getWeight()).getDimSize(0),
                        row, "one normalized row")))
    return failure();
  return checkInterval(*this, getHeadsAttr(), "heads", *width / row, "heads");
}

void RMSNormOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  int64_t row = rowSize(*this);
  int64_t rows = *getVectorLength(getInput().getType()) / row;
  Interval cols = scaled(orAll(getHeadsAttr(), rows), row);
  accesses.push_back(
      Access::columns(getInputMutable(), AccessKind::Read, cols));
  accesses.push_back(Access::whole(getWeightMutable(), AccessKind::Read));
  accesses.push_back(
      Access::columns(getOutputMutable(), AccessKind::Write, cols));
}

bool RMSNormOp::allowsInPlace(OpOperand &read, OpOperand &write) {
  // Each row is reduced before any of its elements is written.
  return &read == &getInputMutable() && &write == &getOutputMutable();
}

//===----------------------------------------------------------------------===//
// GemvOp
//===----------------------------------------------------------------------===//

LogicalResult GemvOp::verify() {
  if (failed(expectRank(*this, getWeight(), "weight", 2, "[N, K]")) ||
      failed(expectFloat(*this, getWeight(), "weight")) ||
      failed(expectFloat(*this, getInput(), "input")))
    return failure();
  int64_t n = memrefOf(getWeight()).getDimSize(0);
  int64_t k = memrefOf(getWeight()).getDimSize(1);
  FailureOr<int64_t> width = vectorLength(*this, getInput(), "input");
  FailureOr<int64_t> outWidth = vectorLength(*this, getOutput(), "output");
  if (failed(width) || failed(outWidth) ||
      failed(expectSize(*this, "input", *width, k, "the weight's K")) ||
      failed(expectSize(*this, "output", *outWidth, n, "the weight's N")))
    return failure();
  for (auto [value, role] : {std::pair<Value, StringRef>{getBias(), "bias"},
                             {getResidual(), "residual"}}) {
    if (!value)
      continue;
    FailureOr<int64_t> length = vectorLength(*this, value, role);
    if (failed(length) ||
        failed(expectSize(*this, role, *length, n, "the weight's N")))
      return failure();
  }
  if (getBias() && failed(expectFloat(*this, getBias(), "bias")))
    return failure();
  if (failed(sameElementType(*this, {{getInput(), "input"},
                                     {getOutput(), "output"},
                                     {getResidual(), "residual"}})))
    return failure();
  return checkInterval(*this, getColsAttr(), "cols", n, "output columns");
}

void GemvOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  int64_t n = memrefOf(getWeight()).getDimSize(0);
  Interval cols = orAll(getColsAttr(), n);
  Access weight = Access::whole(getWeightMutable(), AccessKind::Read);
  weight.box.front() = cols;
  accesses.push_back(weight);
  accesses.push_back(Access::whole(getInputMutable(), AccessKind::Read));
  for (MutableOperandRange operands : {getBiasMutable(), getResidualMutable()})
    for (OpOperand &operand : operands)
      accesses.push_back(Access::columns(operand, AccessKind::Read, cols));
  accesses.push_back(
      Access::columns(getOutputMutable(), AccessKind::Write, cols));
}

bool GemvOp::allowsInPlace(OpOperand &read, OpOperand &write) {
  // The lane that stores output[n] reads bias[n] and residual[n] first; the
  // input is read whole by every warp.
  auto isOperand = [&](MutableOperandRange operands) {
    return llvm::any_of(operands,
                        [&](OpOperand &operand) { return &operand == &read; });
  };
  return (isOperand(getBiasMutable()) || isOperand(getResidualMutable())) &&
         &write == &getOutputMutable();
}

//===----------------------------------------------------------------------===//
// RopeOp
//===----------------------------------------------------------------------===//

LogicalResult RopeOp::verify() {
  FailureOr<int64_t> width = vectorLength(*this, getInput(), "input");
  FailureOr<int64_t> outWidth = vectorLength(*this, getOutput(), "output");
  if (failed(width) || failed(outWidth) ||
      failed(expectFloat(*this, getInput(), "input")) ||
      failed(sameElementType(*this, {{getInput(), "input"},
                                     {getOutput(), "output"}})) ||
      failed(expectSize(*this, "output", *outWidth, *width, "the input's")) ||
      failed(expectScalarI32(*this, getPosition(), "position")))
    return failure();
  int64_t headDim = getHeadDim();
  if (headDim <= 0 || headDim % 2 != 0 || *width % headDim != 0)
    return emitOpError() << "head_dim " << headDim
                         << " must be even and divide the input's " << *width
                         << " elements";
  if (failed(expectPositiveFinite(*this, "theta", getTheta())))
    return failure();
  return checkInterval(*this, getHeadsAttr(), "heads", *width / headDim, "heads");
}

void RopeOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  int64_t headDim = getHeadDim();
  int64_t heads = *getVectorLength(getInput().getType()) / headDim;
  Interval cols = scaled(orAll(getHeadsAttr(), heads), headDim);
  accesses.push_back(
      Access::columns(getInputMutable(), AccessKind::Read, cols));
  accesses.push_back(Access::whole(getPositionMutable(), AccessKind::Read));
  accesses.push_back(
      Access::columns(getOutputMutable(), AccessKind::Write, cols));
}

bool RopeOp::allowsInPlace(OpOperand &read, OpOperand &write) {
  // Each head's pairs are read before they are rotated.
  return &read == &getInputMutable() && &write == &getOutputMutable();
}

//===----------------------------------------------------------------------===//
// KVAppendOp
//===----------------------------------------------------------------------===//

/// Checks a `[rows, kv_heads, head_dim]` cache operand.
static LogicalResult verifyCache(Operation *op, Value cache, StringRef role) {
  if (failed(expectRank(op, cache, role, 3, "[rows, kv_heads, head_dim]")))
    return failure();
  return expectFloat(op, cache, role);
}

LogicalResult KVAppendOp::verify() {
  if (failed(verifyCache(*this, getCache(), "cache")) ||
      failed(expectFloat(*this, getInput(), "input")) ||
      failed(expectScalarI32(*this, getPosition(), "position")))
    return failure();
  ArrayRef<int64_t> shape = memrefOf(getCache()).getShape();
  FailureOr<int64_t> width = vectorLength(*this, getInput(), "input");
  if (failed(width) || failed(expectSize(*this, "input", *width,
                                         shape[1] * shape[2],
                                         "kv_heads * head_dim of the cache")))
    return failure();
  std::optional<int64_t> row = getRow();
  if (row && (*row < 0 || *row >= shape[0]))
    return emitOpError() << "row " << *row << " is outside the cache's "
                         << shape[0] << " rows";
  return checkInterval(*this, getHeadsAttr(), "heads", shape[1], "KV heads");
}

void KVAppendOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  ArrayRef<int64_t> shape = memrefOf(getCache()).getShape();
  Interval heads = orAll(getHeadsAttr(), shape[1]);
  accesses.push_back(Access::columns(getInputMutable(), AccessKind::Read,
                                     scaled(heads, shape[2])));
  accesses.push_back(Access::whole(getPositionMutable(), AccessKind::Read));
  Access cache = Access::whole(getCacheMutable(), AccessKind::Write);
  int64_t row = getRow().value_or(0);
  bool relative = !getRow().has_value();
  cache.box[0] = Interval{Bound{row, relative}, Bound{row + 1, relative}};
  cache.box[1] = heads;
  accesses.push_back(cache);
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  if (failed(verifyCache(*this, getKeyCache(), "key_cache")) ||
      failed(verifyCache(*this, getValueCache(), "value_cache")) ||
      failed(expectFloat(*this, getQuery(), "query")) ||
      failed(expectFloat(*this, getOutput(), "output")) ||
      failed(expectScalarI32(*this, getPosition(), "position")))
    return failure();
  if (getKeyCache().getType() != getValueCache().getType())
    return emitOpError() << "key and value caches differ: "
                         << getKeyCache().getType() << " vs "
                         << getValueCache().getType();
  ArrayRef<int64_t> cache = memrefOf(getKeyCache()).getShape();
  int64_t rows = cache[0], kvHeads = cache[1], headDim = cache[2];
  FailureOr<int64_t> width = vectorLength(*this, getQuery(), "query");
  if (failed(width))
    return failure();
  if (*width % headDim != 0)
    return emitOpError() << "query's " << *width
                         << " elements are not a multiple of head_dim "
                         << headDim;
  int64_t heads = *width / headDim;
  if (heads % kvHeads != 0)
    return emitOpError() << heads << " query heads are not a multiple of "
                         << kvHeads << " KV heads";
  if (failed(checkInterval(*this, getHeadsAttr(), "heads", heads, "query heads")))
    return failure();
  if (failed(verifyPartialForm(*width)) || failed(verifyKVRange(rows)))
    return failure();
  if (failed(expectPositiveFinite(*this, "scale", getScale())))
    return failure();
  if (std::optional<int64_t> window = getWindow();
      window && (*window <= 0 || *window > limits::kMaxPosition))
    return emitOpError() << "window " << *window << " is outside [1, "
                         << limits::kMaxPosition << "]";
  return success();
}

LogicalResult AttentionOp::verifyPartialForm(int64_t width) {
  if (getPacked()) {
    if (getStats() || getSlot())
      return emitOpError() << "the packed form has no 'stats' or 'slot'";
    int64_t heads = width / memrefOf(getKeyCache()).getDimSize(2);
    FailureOr<int64_t> outWidth = vectorLength(*this, getOutput(), "output");
    if (failed(outWidth))
      return failure();
    return expectSize(*this, "output", *outWidth, width + 2 * heads,
                      "heads * (head_dim + 2) of the packed form");
  }
  if (!getStats()) {
    if (getSlot())
      return emitOpError() << "'slot' needs the partial form";
    FailureOr<int64_t> outWidth = vectorLength(*this, getOutput(), "output");
    if (failed(outWidth))
      return failure();
    return expectSize(*this, "output", *outWidth, width, "the query's");
  }
  if (!getSlot())
    return emitOpError() << "the partial form needs a 'slot'";
  MemRefType out = memrefOf(getOutput());
  if (out.getRank() != 2 || out.getDimSize(1) != width)
    return emitOpError() << "partial 'output' must be [splits, " << width
                         << "], got " << out;
  int64_t splits = out.getDimSize(0);
  int64_t heads = width / memrefOf(getKeyCache()).getDimSize(2);
  MemRefType stats = memrefOf(getStats());
  if (stats.getShape() != ArrayRef<int64_t>{splits, heads, 2} ||
      !stats.getElementType().isF32())
    return emitOpError() << "'stats' must be memref<" << splits << "x"
                         << heads << "x2xf32> ([splits, heads, max/sum]), got "
                         << stats;
  int64_t slot = *getSlot();
  if (slot < 0 || slot >= splits)
    return emitOpError() << "slot " << slot << " is outside the "
                         << splits << " splits";
  return success();
}

LogicalResult AttentionOp::verifyKVRange(int64_t rows) {
  IntervalAttr kv = getKv();
  if (kv.getLoRelative())
    return emitOpError() << "the start of 'kv' cannot depend on the decode "
                            "position";
  if (kv.getLo() < 0)
    return emitOpError() << "'kv' starts at a negative row";
  if (kv.getLo() >= rows)
    return emitOpError() << "'kv' starts at row " << kv.getLo()
                         << ", past the cache's " << rows << " rows";
  if (kv.getHiRelative()) {
    if (kv.getHi() > 1)
      return emitOpError() << "'kv' cannot reach past pos + 1";
    if (kv.getHi() < -limits::kMaxPosition)
      return emitOpError() << "'kv' ends at pos - " << -kv.getHi()
                           << ", below any decode position";
    return success();
  }
  if (kv.getLo() >= kv.getHi())
    return emitOpError() << "'kv' [" << kv.getLo() << ", " << kv.getHi()
                         << ") is empty";
  if (kv.getHi() > rows)
    return emitOpError() << "'kv' [" << kv.getLo() << ", " << kv.getHi()
                         << ") exceeds the cache's " << rows << " rows";
  return success();
}

void AttentionOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  ArrayRef<int64_t> cache = memrefOf(getKeyCache()).getShape();
  int64_t headDim = cache[2];
  int64_t heads = *getVectorLength(getQuery().getType()) / headDim;
  int64_t group = heads / cache[1];
  Interval qHeads = orAll(getHeadsAttr(), heads);
  Interval cols = scaled(qHeads, headDim);
  Interval kvHeads = Interval::of(qHeads.lo.offset / group,
                                  (qHeads.hi.offset - 1) / group + 1);
  Interval rows = Interval::of(getKv());
  rows.capAtPosition = true;
  if (std::optional<uint64_t> window = getWindow())
    rows.window = int64_t(*window);
  accesses.push_back(
      Access::columns(getQueryMutable(), AccessKind::Read, cols));
  for (OpOperand *operand : {&getKeyCacheMutable(), &getValueCacheMutable()}) {
    Access read = Access::whole(*operand, AccessKind::Read);
    read.box[0] = rows;
    read.box[1] = kvHeads;
    accesses.push_back(read);
  }
  accesses.push_back(Access::whole(getPositionMutable(), AccessKind::Read));
  if (getPacked()) {
    accesses.push_back(Access::columns(getOutputMutable(), AccessKind::Write,
                                       scaled(qHeads, headDim + 2)));
    return;
  }
  if (!getStats()) {
    accesses.push_back(
        Access::columns(getOutputMutable(), AccessKind::Write, cols));
    return;
  }
  int64_t index = *getSlot();
  Interval slot = Interval::of(index, index + 1);
  Access out = Access::columns(getOutputMutable(), AccessKind::Write, cols);
  out.box[0] = slot;
  Access stats = Access::whole(getStatsMutable()[0], AccessKind::Write);
  stats.box[0] = slot;
  stats.box[1] = qHeads;
  accesses.push_back(out);
  accesses.push_back(stats);
}

//===----------------------------------------------------------------------===//
// AttentionCombineOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionCombineOp::verify() {
  FailureOr<int64_t> width = vectorLength(*this, getOutput(), "output");
  if (failed(width) || failed(expectFloat(*this, getOutput(), "output")))
    return failure();
  MemRefType partial = memrefOf(getPartial());
  MemRefType stats = memrefOf(getStats());
  if (partial.getRank() != 2 || partial.getDimSize(1) != *width)
    return emitOpError() << "'partial' must be [splits, " << *width
                         << "], got " << partial;
  int64_t splits = partial.getDimSize(0);
  if (stats.getRank() != 3 || stats.getDimSize(0) != splits ||
      stats.getDimSize(2) != 2 || !stats.getElementType().isF32() ||
      *width % stats.getDimSize(1) != 0)
    return emitOpError() << "'stats' must be [" << splits
                         << ", heads, 2] f32 with heads dividing " << *width
                         << ", got " << stats;
  return checkInterval(*this, getHeadsAttr(), "heads", stats.getDimSize(1),
                       "heads");
}

void AttentionCombineOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  MemRefType stats = memrefOf(getStats());
  int64_t heads = stats.getDimSize(1);
  int64_t headDim = *getVectorLength(getOutput().getType()) / heads;
  Interval range = orAll(getHeadsAttr(), heads);
  Interval cols = scaled(range, headDim);
  accesses.push_back(
      Access::columns(getPartialMutable(), AccessKind::Read, cols));
  Access statsRead = Access::whole(getStatsMutable(), AccessKind::Read);
  statsRead.box[1] = range;
  accesses.push_back(statsRead);
  accesses.push_back(
      Access::columns(getOutputMutable(), AccessKind::Write, cols));
}

//===----------------------------------------------------------------------===//
// AttentionMergeOp
//===----------------------------------------------------------------------===//

int64_t AttentionMergeOp::getNumHeads() {
  int64_t width = *getVectorLength(getOutput().getType());
  return (*getVectorLength(getPartials().front().getType()) - width) / 2;
}

LogicalResult AttentionMergeOp::verify() {
  if (getPartials().empty())
    return emitOpError() << "needs at least one partial";
  FailureOr<int64_t> width = vectorLength(*this, getOutput(), "output");
  if (failed(width) || failed(expectFloat(*this, getOutput(), "output")))
    return failure();
  Type partial = getPartials().front().getType();
  for (Value other : getPartials())
    if (other.getType() != partial)
      return emitOpError() << "partials differ: " << partial << " vs "
                           << other.getType();
  FailureOr<int64_t> packed =
      vectorLength(*this, getPartials().front(), "partial");
  if (failed(packed) ||
      failed(expectFloat(*this, getPartials().front(), "partial")))
    return failure();
  int64_t extra = *packed - *width;
  if (extra <= 0 || extra % 2 != 0 || *width % (extra / 2) != 0)
    return emitOpError() << "a partial of " << *packed
                         << " elements is not heads * (head_dim + 2) for an "
                            "output of "
                         << *width << " elements";
  return success();
}

void AttentionMergeOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  for (OpOperand &partial : getPartialsMutable())
    accesses.push_back(Access::whole(partial, AccessKind::Read));
  accesses.push_back(Access::whole(getOutputMutable(), AccessKind::Write));
}

//===----------------------------------------------------------------------===//
// Binary elementwise ops
//===----------------------------------------------------------------------===//

/// Shared verifier of `silu_mul` and `add`: three float vectors of one length
/// and one element type, and columns inside them.
static LogicalResult verifyBinary(Operation *op, Value lhs, Value rhs,
                                  Value output, IntervalAttr cols) {
  FailureOr<int64_t> width = vectorLength(op, lhs, "lhs");
  FailureOr<int64_t> rhsWidth = vectorLength(op, rhs, "rhs");
  FailureOr<int64_t> outWidth = vectorLength(op, output, "output");
  if (failed(width) || failed(rhsWidth) || failed(outWidth) ||
      failed(expectFloat(op, lhs, "lhs")) ||
      failed(sameElementType(op, {{lhs, "lhs"}, {rhs, "rhs"},
                                  {output, "output"}})) ||
      failed(expectSize(op, "rhs", *rhsWidth, *width, "the lhs's")) ||
      failed(expectSize(op, "output", *outWidth, *width, "the lhs's")))
    return failure();
  return checkInterval(op, cols, "cols", *width, "columns");
}

/// Shared accesses of `silu_mul` and `add`.
static void binaryAccesses(OpOperand &lhs, OpOperand &rhs, OpOperand &output,
                           IntervalAttr colsAttr,
                           SmallVectorImpl<Access> &accesses) {
  Interval cols = orAll(colsAttr, *getVectorLength(lhs.get().getType()));
  accesses.push_back(Access::columns(lhs, AccessKind::Read, cols));
  accesses.push_back(Access::columns(rhs, AccessKind::Read, cols));
  accesses.push_back(Access::columns(output, AccessKind::Write, cols));
}

/// Shared in-place rule of `silu_mul` and `add`: elementwise from either
/// input to the output.
template <typename BinaryOp>
static bool binaryInPlace(BinaryOp op, OpOperand &read, OpOperand &write) {
  return (&read == &op.getLhsMutable() || &read == &op.getRhsMutable()) &&
         &write == &op.getOutputMutable();
}

LogicalResult SiluMulOp::verify() {
  return verifyBinary(*this, getLhs(), getRhs(), getOutput(), getColsAttr());
}

void SiluMulOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  binaryAccesses(getLhsMutable(), getRhsMutable(), getOutputMutable(),
                 getColsAttr(), accesses);
}

bool SiluMulOp::allowsInPlace(OpOperand &read, OpOperand &write) {
  return binaryInPlace(*this, read, write);
}

LogicalResult AddOp::verify() {
  return verifyBinary(*this, getLhs(), getRhs(), getOutput(), getColsAttr());
}

void AddOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  binaryAccesses(getLhsMutable(), getRhsMutable(), getOutputMutable(),
                 getColsAttr(), accesses);
}

bool AddOp::allowsInPlace(OpOperand &read, OpOperand &write) {
  return binaryInPlace(*this, read, write);
}

//===----------------------------------------------------------------------===//
// Argmax ops
//===----------------------------------------------------------------------===//

LogicalResult ArgmaxOp::verify() {
  if (failed(vectorLength(*this, getLogits(), "logits")) ||
      failed(expectFloat(*this, getLogits(), "logits")))
    return failure();
  return expectScalarI32(*this, getToken(), "token");
}

void ArgmaxOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  accesses.push_back(Access::whole(getLogitsMutable(), AccessKind::Read));
  accesses.push_back(Access::whole(getTokenMutable(), AccessKind::Write));
}

/// Checks the `[slots]` f32 values and i32 indices of argmax partials.
static LogicalResult verifyPartials(Operation *op, Value values,
                                    Value indices) {
  MemRefType v = memrefOf(values), i = memrefOf(indices);
  if (v.getRank() != 1 || !v.getElementType().isF32())
    return op->emitOpError() << "'values' must be a rank-1 f32 buffer, got "
                             << v;
  if (i.getShape() != v.getShape() || !i.getElementType().isInteger(32))
    return op->emitOpError() << "'indices' must be memref<"
                             << v.getDimSize(0) << "xi32>, got " << i;
  return success();
}

LogicalResult ArgmaxPartialOp::verify() {
  FailureOr<int64_t> width = vectorLength(*this, getLogits(), "logits");
  if (failed(width) || failed(expectFloat(*this, getLogits(), "logits")) ||
      failed(verifyPartials(*this, getValues(), getIndices())))
    return failure();
  int64_t slots = memrefOf(getValues()).getDimSize(0);
  int64_t slot = getSlot();
  if (slot < 0 || slot >= slots)
    return emitOpError() << "slot " << slot << " is outside the "
                         << slots << " partial slots";
  return checkInterval(*this, getColsAttr(), "cols", *width, "logits");
}

void ArgmaxPartialOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  Interval cols =
      orAll(getColsAttr(), *getVectorLength(getLogits().getType()));
  int64_t index = getSlot();
  Interval slot = Interval::of(index, index + 1);
  accesses.push_back(
      Access::columns(getLogitsMutable(), AccessKind::Read, cols));
  accesses.push_back(
      Access::columns(getValuesMutable(), AccessKind::Write, slot));
  accesses.push_back(
      Access::columns(getIndicesMutable(), AccessKind::Write, slot));
}

LogicalResult ArgmaxReduceOp::verify() {
  if (failed(verifyPartials(*this, getValues(), getIndices())))
    return failure();
  return expectScalarI32(*this, getToken(), "token");
}

void ArgmaxReduceOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  accesses.push_back(Access::whole(getValuesMutable(), AccessKind::Read));
  accesses.push_back(Access::whole(getIndicesMutable(), AccessKind::Read));
  accesses.push_back(Access::whole(getTokenMutable(), AccessKind::Write));
}

//===----------------------------------------------------------------------===//
// CopyOp, OpaqueOp
//===----------------------------------------------------------------------===//

LogicalResult CopyOp::verify() {
  if (!getColsAttr()) {
    if (memrefOf(getSource()).getShape() != memrefOf(getOutput()).getShape())
      return emitOpError() << "a whole copy needs equal shapes, got "
                           << getSource().getType() << " and "
                           << getOutput().getType();
    return success();
  }
  FailureOr<int64_t> width = vectorLength(*this, getSource(), "source");
  FailureOr<int64_t> outWidth = vectorLength(*this, getOutput(), "output");
  if (failed(width) || failed(outWidth) ||
      failed(expectSize(*this, "output", *outWidth, *width, "the source's")))
    return failure();
  return checkInterval(*this, getColsAttr(), "cols", *width, "columns");
}

void CopyOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  if (IntervalAttr cols = getColsAttr()) {
    accesses.push_back(Access::columns(getSourceMutable(), AccessKind::Read,
                                       Interval::of(cols)));
    accesses.push_back(Access::columns(getOutputMutable(), AccessKind::Write,
                                       Interval::of(cols)));
    return;
  }
  accesses.push_back(Access::whole(getSourceMutable(), AccessKind::Read));
  accesses.push_back(Access::whole(getOutputMutable(), AccessKind::Write));
}

bool CopyOp::allowsInPlace(OpOperand &read, OpOperand &write) {
  // Elementwise only when both sides have the same element width.
  return &read == &getSourceMutable() && &write == &getOutputMutable() &&
         memrefOf(getSource()).getElementType() ==
             memrefOf(getOutput()).getElementType();
}

LogicalResult OpaqueOp::verify() {
  if (getOutputs().empty())
    return emitOpError() << "needs at least one output";
  return success();
}

void OpaqueOp::getAccesses(SmallVectorImpl<Access> &accesses) {
  for (OpOperand &input : getInputsMutable())
    accesses.push_back(Access::whole(input, AccessKind::Read));
  for (OpOperand &output : getOutputsMutable())
    accesses.push_back(Access::whole(output, AccessKind::Write));
}

#define GET_OP_CLASSES
#include "AMK/Dialect/AMK/IR/AMKOps.cpp.inc"
