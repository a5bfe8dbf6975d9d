//===- OpCodecs.cpp - Compute ops <-> tasks of the JSON format ------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// One table entry per op of the format that has an amk counterpart: how to
// build the op from a task (operands in the format's order, params) and,
// in describeOp, how to write it back. Params the format has no name for
// (head ranges, slots, ...) travel under `amk_*` keys. docs/json-interop.md
// lists the operand orders.
//
//===----------------------------------------------------------------------===//

#include "Schema.h"
#include "AMK/Support/JSONInteger.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::json_interop;
namespace json = llvm::json;

//===----------------------------------------------------------------------===//
// Import helpers
//===----------------------------------------------------------------------===//

namespace {
/// Reads a task's operands and params for one op mapping. The first problem
/// becomes the reason the task falls back to `amk.opaque`.
class TaskReader {
public:
  TaskReader(const JSONOp &task, OpBuilder &builder, std::string &why)
      : task(task), builder(builder), why(why) {}

  /// Checks the operand counts; inputs may range over [minIn, maxIn].
  bool operands(size_t minIn, size_t maxIn, size_t outs) {
    size_t in = task.inputs.size();
    if (in >= minIn && in <= maxIn && task.outputs.size() == outs)
      return true;
    return fail("expects " + std::to_string(minIn) +
                (maxIn > minIn ? "-" + std::to_string(maxIn) : "") +
                " inputs and " + std::to_string(outs) + " outputs");
  }
  /// Integer param `key`; std::nullopt when absent or null (a failure too
  /// when `required`).
  std::optional<int64_t> integer(StringRef key, bool required = false) {
    const json::Value *value = get(key, required);
    if (!value)
      return std::nullopt;
    if (std::optional<int64_t> i = ::amk::support::integerOf(*value))
      return i;
    fail("params." + key.str() + " must be an integer");
    return std::nullopt;
  }
  /// Number param `key` as a double.
  std::optional<double> number(StringRef key, bool required = false) {
    const json::Value *value = get(key, required);
    if (!value)
      return std::nullopt;
    if (std::optional<double> d = value->getAsNumber())
      return d;
    fail("params." + key.str() + " must be a number");
    return std::nullopt;
  }
  /// Optional `[lo, hi]` param as an interval.
  IntervalAttr range(StringRef key) {
    const json::Value *value = get(key, false);
    if (!value)
      return {};
    const json::Array *pair = value->getAsArray();
    if (!pair || pair->size() != 2 || !::amk::support::integerOf((*pair)[0]) ||
        !::amk::support::integerOf((*pair)[1])) {
      fail("params." + key.str() + " must be [lo, hi]");
      return {};
    }
    return IntervalAttr::get(builder.getContext(), *::amk::support::integerOf((*pair)[0]),
                             *::amk::support::integerOf((*pair)[1]));
  }
  /// Columns `[n_off, n_off + N_tile)`, or null when neither is given.
  IntervalAttr columns() {
    std::optional<int64_t> off = integer("n_off"), tile = integer("N_tile");
    if (!off && !tile)
      return {};
    if (!off || !tile) {
      fail("params n_off and N_tile come together");
      return {};
    }
    return IntervalAttr::get(builder.getContext(), *off, *off + *tile);
  }
  /// Optional i64 attribute from integer param `key`.
  IntegerAttr intAttr(StringRef key) {
    std::optional<int64_t> value = integer(key);
    return value ? builder.getI64IntegerAttr(*value) : IntegerAttr();
  }
  bool failed() const { return !why.empty(); }
  bool fail(const Twine &message) {
    if (why.empty())
      why = message.str();
    return false;
  }

  const JSONOp &task;
  OpBuilder &builder;

private:
  const json::Value *get(StringRef key, bool required) {
    const json::Value *value = task.params.get(key);
    if (value && value->kind() != json::Value::Null)
      return value;
    if (required)
      fail("params." + key.str() + " is missing");
    return nullptr;
  }
  std::string &why;
};

/// Builds one op from a task, or returns null after TaskReader::fail.
using BuildFn = Operation *(*)(TaskReader &, Location, const OpContext &);

/// A JSON op name and how to build its amk op.
struct Codec {
  llvm::StringLiteral name;
  BuildFn build;
};
} // namespace

/// Null when `cols` is the whole `[0, extent)` of a 2-d weight's rows.
static IntervalAttr unlessWhole(IntervalAttr cols, Value weight) {
  auto type = cast<MemRefType>(weight.getType());
  if (cols && type.getRank() >= 1 && cols.isConstant() && cols.getLo() == 0 &&
      cols.getHi() == type.getDimSize(0))
    return {};
  return cols;
}

static Operation *buildGemv(TaskReader &r, Location loc, const OpContext &) {
  if (!r.operands(2, 4, 1))
    return nullptr;
  const JSONOp &t = r.task;
  const json::Value *flag = t.params.get("amk_residual");
  bool residual = flag && flag->getAsBoolean().value_or(false);
  size_t extra = t.inputs.size() - 2;
  if (extra - residual > 1 || (residual && extra == 0))
    return r.fail("inputs are [x, W, bias?, residual? (with "
                  "params.amk_residual)]"),
           nullptr;
  Value bias = extra - residual == 1 ? t.inputs[2] : Value();
  Value res = residual ? t.inputs.back() : Value();
  IntervalAttr cols = unlessWhole(r.columns(), t.inputs[1]);
  if (r.failed())
    return nullptr;
  return GemvOp::create(r.builder, loc, t.inputs[1], t.inputs[0],
                        t.outputs[0], bias, res, cols);
}

/// [ids, table] -> [out]. With an activation `[1, n]` table and the tool's
/// constant-zero ids this is its reshape (a gather of row 0).
static Operation *buildEmbed(TaskReader &r, Location loc, const OpContext &) {
  if (!r.operands(2, 2, 1))
    return nullptr;
  const JSONOp &t = r.task;
  return EmbedOp::create(r.builder, loc, t.inputs[1], t.inputs[0],
                         t.outputs[0]);
}

/// The program's position input, which KV_APPEND and ATTENTION_TILE read
/// implicitly; null after TaskReader::fail when there is none.
static Value positionInput(TaskReader &r, const OpContext &context) {
  if (!context.positionBuffer)
    r.fail("needs the program's position input (an IO_INPUT named 'pos')");
  return context.positionBuffer;
}

static Operation *buildRMSNorm(TaskReader &r, Location loc, const OpContext &) {
  if (!r.operands(2, 2, 1))
    return nullptr;
  const JSONOp &t = r.task;
  std::optional<double> eps = r.number("eps", true);
  IntervalAttr heads = r.range("amk_heads");
  if (r.failed())
    return nullptr;
  // A weight shorter than the input normalizes each head (q/k norm).
  auto weight = cast<MemRefType>(t.inputs[1].getType());
  std::optional<int64_t> width = getVectorLength(t.inputs[0].getType());
  IntegerAttr headDim;
  if (weight.getRank() == 1 && width && weight.getDimSize(0) != *width)
    headDim = r.builder.getI64IntegerAttr(weight.getDimSize(0));
  return RMSNormOp::create(r.builder, loc, t.inputs[0], t.inputs[1],
                           t.outputs[0], r.builder.getF64FloatAttr(*eps),
                           headDim, heads);
}

/// The `amk_llama3` param: the four fields of #amk.llama3.
static Llama3RopeAttr llama3(TaskReader &r) {
  const json::Value *value = r.task.params.get("amk_llama3");
  if (!value)
    return {};
  const json::Object *object = value->getAsObject();
  auto field = [&](StringRef key) {
    const json::Value *v = object ? object->get(key) : nullptr;
    return v ? v->getAsNumber() : std::nullopt;
  };
  std::optional<double> factor = field("factor"), low = field("low_freq_factor"),
                        high = field("high_freq_factor"),
                        original = field("original_max_position");
  if (!factor || !low || !high || !original)
    return r.fail("params.amk_llama3 needs factor, low_freq_factor, "
                  "high_freq_factor and original_max_position"),
           Llama3RopeAttr();
  return Llama3RopeAttr::get(r.builder.getContext(), llvm::APFloat(*factor),
                             llvm::APFloat(*low), llvm::APFloat(*high),
                             int64_t(*original));
}

static Operation *buildRope(TaskReader &r, Location loc, const OpContext &) {
  if (!r.operands(2, 2, 1))
    return nullptr;
  const JSONOp &t = r.task;
  std::optional<int64_t> headDim = r.integer("head_dim", true);
  std::optional<double> theta = r.number("theta", true);
  IntervalAttr heads = r.range("amk_heads");
  Llama3RopeAttr scaling = llama3(r);
  if (r.failed())
    return nullptr;
  return RopeOp::create(r.builder, loc, t.inputs[0], t.inputs[1], t.outputs[0],
                        r.builder.getI64IntegerAttr(*headDim),
                        r.builder.getF64FloatAttr(*theta), heads, scaling);
}

/// `row` is params.pos unless that is the program's position (then the op
/// follows the decode position, which the program fixes).
static Operation *buildKVAppend(TaskReader &r, Location loc,
                                const OpContext &context) {
  if (!r.operands(2, 2, 1))
    return nullptr;
  const JSONOp &t = r.task;
  if (t.inputs[1] != t.outputs[0])
    return r.fail("inputs must be [x, cache] and outputs [cache] (the cache "
                  "is updated in place)"),
           nullptr;
  Value position = positionInput(r, context);
  std::optional<int64_t> pos = r.integer("pos");
  IntervalAttr heads = r.range("amk_heads");
  if (r.failed())
    return nullptr;
  IntegerAttr row;
  if (pos && pos != context.position)
    row = r.builder.getI64IntegerAttr(*pos);
  return KVAppendOp::create(r.builder, loc, t.inputs[0], position,
                            t.outputs[0], heads, row);
}

/// `[kv_start, kv_start + kv_len)`, written `[kv_start, pos + 1)` when it
/// ends right after the program's position; kv_len null means it ends at
/// `pos + amk_kv_end_offset` (default 1).
static IntervalAttr kvRange(TaskReader &r, const OpContext &context) {
  std::optional<int64_t> start = r.integer("kv_start", true);
  std::optional<int64_t> len = r.integer("kv_len");
  std::optional<int64_t> offset = r.integer("amk_kv_end_offset");
  if (r.failed())
    return {};
  MLIRContext *ctx = r.builder.getContext();
  if (!len)
    return IntervalAttr::get(ctx, *start, false, offset.value_or(1), true);
  // The tool reads every row of the range; amk.attention masks rows past the
  // position, so a range reaching past it cannot be mapped.
  if (context.position && *start + *len > *context.position + 1)
    return r.fail("params.kv_start + kv_len = " +
                  std::to_string(*start + *len) + " reads KV rows past the "
                  "position " + std::to_string(*context.position) +
                  " (not yet written this step)"),
           IntervalAttr();
  if (context.position && *start + *len == *context.position + 1)
    return IntervalAttr::get(ctx, *start, false, 1, true);
  return IntervalAttr::get(ctx, *start, *start + *len);
}

/// Bit 1 of `flags`: the packed split-KV partial. Bit 0 (causal) changes
/// nothing for one decode query; other bits are refused.
static std::optional<bool> packedFlag(TaskReader &r) {
  int64_t flags = r.integer("flags").value_or(0);
  if (r.failed())
    return std::nullopt;
  if (flags & ~int64_t(3))
    return r.fail("params.flags " + std::to_string(flags) +
                  " has bits other than 1 (causal) and 2 (packed partial)"),
           std::nullopt;
  return (flags & 2) != 0;
}

/// [q, k_cache, v_cache] -> [out]: full or (flags bit 1) packed partial;
/// [out, stats] is AMK's slotted partial form.
static Operation *buildAttention(TaskReader &r, Location loc,
                                 const OpContext &context) {
  const JSONOp &t = r.task;
  if (!r.operands(3, 3, t.outputs.size() == 2 ? 2 : 1))
    return nullptr;
  Value position = positionInput(r, context);
  std::optional<bool> packed = packedFlag(r);
  IntervalAttr kv = kvRange(r, context);
  std::optional<double> scale = r.number("scale", true);
  IntegerAttr slot = r.intAttr("amk_slot");
  IntegerAttr window = r.intAttr("amk_window");
  IntervalAttr heads = r.range("amk_heads");
  if (r.failed())
    return nullptr;
  Value stats = t.outputs.size() == 2 ? t.outputs[1] : Value();
  return AttentionOp::create(r.builder, loc, t.inputs[0], t.inputs[1],
                             t.inputs[2], position, t.outputs[0], stats, slot,
                             heads, kv, r.builder.getF64FloatAttr(*scale),
                             window,
                             *packed ? r.builder.getUnitAttr() : UnitAttr());
}

/// [partial_0, ...] -> [out]: merges packed partials; with params.amk_stats,
/// AMK's [partial, stats] -> [out] combine of slotted partials.
static Operation *buildCombine(TaskReader &r, Location loc, const OpContext &) {
  const JSONOp &t = r.task;
  const json::Value *flag = t.params.get("amk_stats");
  if (!flag || !flag->getAsBoolean().value_or(false)) {
    if (!r.operands(1, kMaxInputs, 1))
      return nullptr;
    return AttentionMergeOp::create(r.builder, loc, t.inputs, t.outputs[0]);
  }
  if (!r.operands(2, 2, 1))
    return nullptr;
  IntervalAttr heads = r.range("amk_heads");
  if (r.failed())
    return nullptr;
  return AttentionCombineOp::create(r.builder, loc, t.inputs[0], t.inputs[1],
                                    t.outputs[0], heads);
}

template <typename BinaryOp>
static Operation *buildBinary(TaskReader &r, Location loc, const OpContext &) {
  if (!r.operands(2, 2, 1))
    return nullptr;
  const JSONOp &t = r.task;
  IntervalAttr cols = r.columns();
  if (r.failed())
    return nullptr;
  return BinaryOp::create(r.builder, loc, t.inputs[0], t.inputs[1],
                          t.outputs[0], cols);
}

static Operation *buildCopy(TaskReader &r, Location loc, const OpContext &) {
  if (!r.operands(1, 1, 1))
    return nullptr;
  IntervalAttr cols = r.columns();
  if (r.failed())
    return nullptr;
  return CopyOp::create(r.builder, loc, r.task.inputs[0], r.task.outputs[0],
                        cols);
}

/// [logits] -> [token]: argmax; [logits] -> [values, indices]: a partial
/// (params amk_slot, n_off/N_tile); [values, indices] -> [token]: the reduce.
static Operation *buildArgmax(TaskReader &r, Location loc, const OpContext &) {
  const JSONOp &t = r.task;
  size_t in = t.inputs.size(), out = t.outputs.size();
  if (in == 1 && out == 1)
    return ArgmaxOp::create(r.builder, loc, t.inputs[0], t.outputs[0]);
  if (in == 2 && out == 1)
    return ArgmaxReduceOp::create(r.builder, loc, t.inputs[0], t.inputs[1],
                                  t.outputs[0]);
  if (in != 1 || out != 2)
    return r.fail("expects [logits] -> [token], [logits] -> [values, "
                  "indices] or [values, indices] -> [token]"),
           nullptr;
  std::optional<int64_t> slot = r.integer("amk_slot", true);
  IntervalAttr cols = r.columns();
  if (r.failed())
    return nullptr;
  return ArgmaxPartialOp::create(r.builder, loc, t.inputs[0], t.outputs[0],
                                 t.outputs[1],
                                 r.builder.getI64IntegerAttr(*slot), cols);
}

static const Codec kCodecs[] = {
    {"GEMV_TILE", buildGemv},
    {"EMBED", buildEmbed},
    {"RMSNORM", buildRMSNorm},
    {"ROPE", buildRope},
    {"KV_APPEND", buildKVAppend},
    {"ATTENTION_TILE", buildAttention},
    {"ATTENTION_COMBINE", buildCombine},
    {"SILU_MUL", buildBinary<SiluMulOp>},
    {"ADD", buildBinary<AddOp>},
    {"COPY", buildCopy},
    {"SAMPLE_ARGMAX", buildArgmax},
};

//===----------------------------------------------------------------------===//
// Export
//===----------------------------------------------------------------------===//

static json::Value toJSON(IntervalAttr range) {
  return json::Array{range.getLo(), range.getHi()};
}

/// Writes `value` under `key` when it is set.
static void putIf(json::Object &params, StringRef key, Attribute value) {
  if (!value)
    return;
  if (auto range = dyn_cast<IntervalAttr>(value))
    params[key] = toJSON(range);
  else
    params[key] = json_interop::toJSON(value);
}

/// Writes `cols` as n_off/N_tile when set.
static void putColumns(json::Object &params, IntervalAttr cols) {
  if (!cols)
    return;
  params["n_off"] = cols.getLo();
  params["N_tile"] = cols.size();
}

static int64_t dim(Value buffer, unsigned index) {
  return cast<MemRefType>(buffer.getType()).getDimSize(index);
}

static JSONOp describe(GemvOp op, const OpContext &) {
  JSONOp d{"GEMV_TILE", {op.getInput(), op.getWeight()}, {op.getOutput()}, {}};
  for (Value extra : {op.getBias(), op.getResidual()})
    if (extra)
      d.inputs.push_back(extra);
  int64_t n = dim(op.getWeight(), 0);
  IntervalAttr cols = op.getColsAttr();
  d.params["K"] = dim(op.getWeight(), 1);
  d.params["n_off"] = cols ? cols.getLo() : 0;
  d.params["N_tile"] = cols ? cols.size() : n;
  if (op.getResidual())
    d.params["amk_residual"] = true;
  return d;
}

static JSONOp describe(EmbedOp op, const OpContext &) {
  JSONOp d{"EMBED", {op.getToken(), op.getTable()}, {op.getOutput()}, {}};
  // The tool requires `hidden` but its EMBED ignores it (its reshapes give
  // head_dim there).
  d.params["hidden"] = dim(op.getTable(), 1);
  d.advisory.push_back("hidden");
  return d;
}

static JSONOp describe(RMSNormOp op, const OpContext &) {
  JSONOp d{"RMSNORM", {op.getInput(), op.getWeight()}, {op.getOutput()}, {}};
  d.params["eps"] = op.getEps().convertToDouble();
  d.params["hidden"] = dim(op.getWeight(), 0);
  putIf(d.params, "amk_heads", op.getHeadsAttr());
  return d;
}

static JSONOp describe(RopeOp op, const OpContext &) {
  JSONOp d{"ROPE", {op.getInput(), op.getPosition()}, {op.getOutput()}, {}};
  d.params["head_dim"] = op.getHeadDim();
  d.params["theta"] = op.getTheta().convertToDouble();
  putIf(d.params, "amk_heads", op.getHeadsAttr());
  if (Llama3RopeAttr scaling = op.getLlama3Attr())
    d.params["amk_llama3"] = json::Object{
        {"factor", scaling.getFactor().convertToDouble()},
        {"low_freq_factor", scaling.getLowFreqFactor().convertToDouble()},
        {"high_freq_factor", scaling.getHighFreqFactor().convertToDouble()},
        {"original_max_position", scaling.getOriginalMaxPosition()}};
  return d;
}

static JSONOp describe(KVAppendOp op, const OpContext &context) {
  JSONOp d{"KV_APPEND", {op.getInput(), op.getCache()}, {op.getCache()}, {}};
  std::optional<int64_t> pos = op.getRow();
  d.params["pos"] = pos ? json::Value(*pos)
                        : context.position ? json::Value(*context.position)
                                           : json::Value(nullptr);
  putIf(d.params, "amk_heads", op.getHeadsAttr());
  return d;
}

static JSONOp describe(AttentionOp op, const OpContext &context) {
  JSONOp d{"ATTENTION_TILE",
           {op.getQuery(), op.getKeyCache(), op.getValueCache()},
           {op.getOutput()},
           {}};
  if (op.getPacked())
    d.params["flags"] = 2;
  if (op.getStats())
    d.outputs.push_back(op.getStats());
  int64_t headDim = dim(op.getKeyCache(), 2);
  IntervalAttr kv = op.getKv();
  d.params["head_dim"] = headDim;
  d.params["n_heads"] = *getVectorLength(op.getQuery().getType()) / headDim;
  d.params["n_kv_heads"] = dim(op.getKeyCache(), 1);
  d.params["scale"] = op.getScale().convertToDouble();
  d.params["kv_start"] = kv.getLo();
  if (!kv.getHiRelative())
    d.params["kv_len"] = kv.size();
  else if (context.position)
    d.params["kv_len"] = *context.position + kv.getHi() - kv.getLo();
  else
    d.params["kv_len"] = nullptr;
  if (kv.getHiRelative() && !context.position && kv.getHi() != 1)
    d.params["amk_kv_end_offset"] = kv.getHi();
  putIf(d.params, "amk_slot", op.getSlotAttr());
  putIf(d.params, "amk_heads", op.getHeadsAttr());
  putIf(d.params, "amk_window", op.getWindowAttr());
  return d;
}

static JSONOp describe(AttentionCombineOp op, const OpContext &) {
  JSONOp d{"ATTENTION_COMBINE",
           {op.getPartial(), op.getStats()},
           {op.getOutput()},
           {}};
  d.params["amk_stats"] = true;
  putIf(d.params, "amk_heads", op.getHeadsAttr());
  return d;
}

static JSONOp describe(AttentionMergeOp op, const OpContext &) {
  JSONOp d{"ATTENTION_COMBINE",
           llvm::to_vector<4>(op.getPartials()),
           {op.getOutput()},
           {}};
  int64_t heads = op.getNumHeads();
  d.params["n_heads"] = heads;
  d.params["head_dim"] = *getVectorLength(op.getOutput().getType()) / heads;
  return d;
}

static JSONOp describe(SiluMulOp op, const OpContext &) {
  JSONOp d{"SILU_MUL", {op.getLhs(), op.getRhs()}, {op.getOutput()}, {}};
  putColumns(d.params, op.getColsAttr());
  return d;
}

static JSONOp describe(AddOp op, const OpContext &) {
  JSONOp d{"ADD", {op.getLhs(), op.getRhs()}, {op.getOutput()}, {}};
  putColumns(d.params, op.getColsAttr());
  return d;
}

static JSONOp describe(CopyOp op, const OpContext &) {
  JSONOp d{"COPY", {op.getSource()}, {op.getOutput()}, {}};
  putColumns(d.params, op.getColsAttr());
  return d;
}

static JSONOp describe(ArgmaxOp op, const OpContext &) {
  return {"SAMPLE_ARGMAX", {op.getLogits()}, {op.getToken()}, {}};
}

static JSONOp describe(ArgmaxPartialOp op, const OpContext &) {
  JSONOp d{"SAMPLE_ARGMAX",
           {op.getLogits()},
           {op.getValues(), op.getIndices()},
           {}};
  d.params["amk_slot"] = op.getSlot();
  putColumns(d.params, op.getColsAttr());
  return d;
}

static JSONOp describe(ArgmaxReduceOp op, const OpContext &) {
  return {"SAMPLE_ARGMAX",
          {op.getValues(), op.getIndices()},
          {op.getToken()},
          {}};
}

static JSONOp describe(OpaqueOp op, const OpContext &) {
  JSONOp d{op.getOpKind().str(),
           llvm::to_vector<4>(op.getInputs()),
           llvm::to_vector<4>(op.getOutputs()),
           {}};
  if (DictionaryAttr params = op.getParamsAttr())
    d.params = std::move(*json_interop::toJSON(params).getAsObject());
  return d;
}

FailureOr<JSONOp> json_interop::describeOp(Operation *op,
                                           const OpContext &context) {
  // The format's ATTENTION_TILE reads every row of its range; amk.attention
  // masks rows past the position.
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    IntervalAttr kv = attention.getKv();
    if (context.position && !kv.getHiRelative() &&
        kv.getHi() > *context.position + 1)
      return op->emitOpError()
             << "kv [" << kv.getLo() << ", " << kv.getHi()
             << ") reaches past the position " << *context.position
             << "; the JSON format's ATTENTION_TILE does not mask those rows";
  }
  std::optional<JSONOp> d =
      llvm::TypeSwitch<Operation *, std::optional<JSONOp>>(op)
          .Case<GemvOp, EmbedOp, RMSNormOp, RopeOp, KVAppendOp, AttentionOp,
                AttentionCombineOp, AttentionMergeOp, SiluMulOp, AddOp, CopyOp, ArgmaxOp,
                ArgmaxPartialOp, ArgmaxReduceOp, OpaqueOp>(
              [&](auto typed) { return describe(typed, context); })
          .Default([](Operation *) { return std::nullopt; });
  if (!d)
    return op->emitOpError() << "has no op in the JSON format";
  if (!isOpName(d->name))
    return op->emitOpError() << "kind '" << d->name
                             << "' is not an op of the JSON format ("
                             << opNames() << ")";
  if (d->inputs.size() > kMaxInputs || d->outputs.size() > kMaxOutputs)
    return op->emitOpError() << "has " << d->inputs.size() << " inputs and "
                             << d->outputs.size()
                             << " outputs; the JSON format allows "
                             << kMaxInputs << " and " << kMaxOutputs;
  return std::move(*d);
}

//===----------------------------------------------------------------------===//
// Import
//===----------------------------------------------------------------------===//

/// Checks that the built `op` verifies and writes back as `task` (same
/// operands, same values for every param it derives); sets `why` if not.
static bool checkBuilt(Operation *op, const JSONOp &task,
                       const OpContext &context, std::string &why) {
  ScopedDiagnosticHandler capture(op->getContext(), [&](Diagnostic &diag) {
    if (why.empty())
      why = diag.str();
    return success();
  });
  if (failed(verify(op)))
    return false;
  FailureOr<JSONOp> back = describeOp(op, context);
  if (failed(back))
    return false;
  if (back->inputs != task.inputs || back->outputs != task.outputs) {
    why = "the operands do not fit " + task.name + "'s operand order";
    return false;
  }
  for (const auto &[key, value] : back->params) {
    const json::Value *given = task.params.get(key);
    if (given && !sameJSON(*given, value) &&
        !llvm::is_contained(back->advisory, StringRef(key))) {
      std::string text;
      llvm::raw_string_ostream(text)
          << "params." << key.str() << " is " << *given
          << ", but the operands give " << value;
      why = text;
      return false;
    }
  }
  return true;
}

bool json_interop::buildOp(OpBuilder &builder, Location loc,
                           const JSONOp &task, const OpContext &context,
                           std::string &why) {
  const Codec *codec = llvm::find_if(
      kCodecs, [&](const Codec &c) { return c.name == task.name; });
  if (codec == std::end(kCodecs))
    return false;
  TaskReader reader(task, builder, why);
  Operation *op = codec->build(reader, loc, context);
  if (!op)
    return false;
  if (checkBuilt(op, task, context, why))
    return true;
  op->erase();
  return false;
}
