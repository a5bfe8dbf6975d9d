//===- Tile.cpp - Split model-level tasks into tiles ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `--amk-tile`: one task per GEMV column tile, per attention head group and
// KV block (partial form + combine), per LM-head tile for argmax. Tiles of
// one op signal the op's original event; waits on it become all-joins.
//
//===----------------------------------------------------------------------===//

#include "AMK/Analysis/ScheduleModel.h"
#include "AMK/Transforms/Passes.h"
#include "AMK/Transforms/RebalanceWaits.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <numeric>

namespace mlir {
namespace amk {
#define GEN_PASS_DEF_TILE
#include "AMK/Transforms/Passes.h.inc"
} // namespace amk
} // namespace mlir

using namespace mlir;
using namespace mlir::amk;

namespace {

/// What a GEMV computes in a Llama layer, found from its neighbours.
enum class GemvRole { QKV, O, GateUp, Down, LMHead };

bool isBufferKind(Value buffer, BufferKind kind) {
  auto op = buffer.getDefiningOp<BufferOp>();
  return op && op.getKind() == kind;
}

GemvRole classify(GemvOp gemv) {
  Value out = gemv.getOutput(), in = gemv.getInput();
  if (isBufferKind(out, BufferKind::Output))
    return GemvRole::LMHead;
  for (Operation *user : out.getUsers()) {
    if (isa<ArgmaxOp>(user))
      return GemvRole::LMHead;
    if (auto silu = dyn_cast<SiluMulOp>(user); silu && silu.getOutput() != out)
      return GemvRole::GateUp;
  }
  for (Operation *user : in.getUsers()) {
    if (auto attn = dyn_cast<AttentionOp>(user); attn && attn.getOutput() == in)
      return GemvRole::O;
    if (auto comb = dyn_cast<AttentionCombineOp>(user);
        comb && comb.getOutput() == in)
      return GemvRole::O;
    if (auto silu = dyn_cast<SiluMulOp>(user); silu && silu.getOutput() == in)
      return GemvRole::Down;
  }
  return GemvRole::QKV;
}

/// Columns a tile of `vector` must be a multiple of: the head size of every
/// per-head op reading it.
int64_t headAlignment(Value vector) {
  int64_t align = 1;
  auto use = [&](int64_t d) { align = std::lcm(align, std::max<int64_t>(1, d)); };
  for (Operation *user : vector.getUsers()) {
    if (auto rope = dyn_cast<RopeOp>(user); rope && rope.getInput() == vector)
      use(rope.getHeadDim());
    else if (auto norm = dyn_cast<RMSNormOp>(user);
             norm && norm.getInput() == vector && norm.getHeadDim())
      use(*norm.getHeadDim());
    else if (auto append = dyn_cast<KVAppendOp>(user))
      use(cast<MemRefType>(append.getCache().getType()).getDimSize(2));
    else if (auto attn = dyn_cast<AttentionOp>(user);
             attn && attn.getQuery() == vector)
      use(cast<MemRefType>(attn.getKeyCache().getType()).getDimSize(2));
  }
  return align;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

/// `tiles` column ranges covering `[0, n)` (at most one per `align` columns)
/// whose widths are multiples of `align` and differ by at most `align`, the
/// wider ones first.
SmallVector<std::pair<int64_t, int64_t>> splitEvenly(int64_t n, int64_t tiles,
                                                     int64_t align) {
  int64_t units = ceilDiv(n, align);
  tiles = std::clamp<int64_t>(tiles, 1, units);
  SmallVector<std::pair<int64_t, int64_t>> ranges;
  for (int64_t i = 0, lo = 0; i < tiles; ++i) {
    int64_t width = (units / tiles + (i < units % tiles)) * align;
    ranges.push_back({lo, std::min(n, lo + width)});
    lo += width;
  }
  return ranges;
}

/// Column ranges of width `cols` covering `[0, n)`.
SmallVector<std::pair<int64_t, int64_t>> splitRange(int64_t n, int64_t cols) {
  SmallVector<std::pair<int64_t, int64_t>> ranges;
  for (int64_t lo = 0; lo < n; lo += cols)
    ranges.push_back({lo, std::min(n, lo + cols)});
  return ranges;
}

struct TilePass : amk::impl::TileBase<TilePass> {
  using TileBase::TileBase;

  void runOnOperation() override;

private:
  LogicalResult checkOptions(Location loc);
  int64_t requestedCols(GemvRole role) const;
  int64_t deriveTiles(GemvOp gemv) const;
  void tileGemv(TaskOp task, GemvOp gemv);
  void tileAttention(TaskOp task, AttentionOp attn);
  void tileArgmax(TaskOp task, ArgmaxOp argmax);

  /// A builder before the first task, where new buffers and events go so
  /// that they dominate every task.
  OpBuilder definitions(ProgramOp program) {
    Block &body = program.getBodyRegion().front();
    auto tasks = body.getOps<TaskOp>();
    return tasks.empty() ? OpBuilder::atBlockEnd(&body)
                         : OpBuilder(*tasks.begin());
  }

  TargetAttr target;
  /// Column ranges of every vector written by GEMV tiles.
  llvm::DenseMap<Value, SmallVector<std::pair<int64_t, int64_t>>> tiled;
};

LogicalResult TilePass::checkOptions(Location loc) {
  for (auto [knob, value] :
       {std::pair<const IntKnob *, int64_t>{&knobs::kQkvCols, qkvCols},
        {&knobs::kOCols, oCols},
        {&knobs::kGateUpCols, gateUpCols},
        {&knobs::kDownCols, downCols},
        {&knobs::kLmHeadCols, lmHeadCols},
        {&knobs::kKvBlock, kvBlock},
        {&knobs::kAttnHeads, attnHeads}})
    if (failed(checkKnob(loc, "amk-tile", *knob, value)))
      return failure();
  return success();
}

int64_t TilePass::requestedCols(GemvRole role) const {
  switch (role) {
  case GemvRole::QKV:
    return qkvCols;
  case GemvRole::O:
    return oCols;
  case GemvRole::GateUp:
    return gateUpCols;
  case GemvRole::Down:
    return downCols;
  case GemvRole::LMHead:
    return lmHeadCols;
  }
  llvm_unreachable("unknown role");
}

/// A multiple of the worker count, so that every worker gets one share of
/// the weight: the smallest such that a share of the weight fits in one
/// block's shared memory.
int64_t TilePass::deriveTiles(GemvOp gemv) const {
  auto weight = cast<MemRefType>(gemv.getWeight().getType());
  int64_t n = weight.getDimSize(0);
  int64_t rowBytes = weight.getDimSize(1) * elementBytes(gemv.getWeight());
  int64_t sms = std::max<int64_t>(1, target.getSmCount());
  int64_t smem = std::max<int64_t>(rowBytes, target.getSmemPerBlock());
  int64_t perWorker = ceilDiv(n * rowBytes, sms);
  return sms * std::max<int64_t>(1, ceilDiv(perWorker, smem));
}

void TilePass::tileGemv(TaskOp task, GemvOp gemv) {
  int64_t n = cast<MemRefType>(gemv.getWeight().getType()).getDimSize(0);
  int64_t align = headAlignment(gemv.getOutput());
  int64_t cols = requestedCols(classify(gemv));
  auto ranges = cols ? splitRange(n, roundUp(cols, align))
                     : splitEvenly(n, deriveTiles(gemv), align);
  tiled[gemv.getOutput()] = ranges;
  if (ranges.size() < 2)
    return;
  OpBuilder builder(task);
  for (auto [i, range] : llvm::enumerate(ranges)) {
    auto tile = TaskOp::create(builder, task.getLoc(),
                               (task.getName() + ".t" + Twine(i)).str(),
                               task.getWaits(), task.getThresholds(),
                               task.getSignal());
    OpBuilder body = OpBuilder::atBlockEnd(&tile.getBodyBlock());
    auto clone = cast<GemvOp>(body.clone(*gemv));
    clone.setColsAttr(
        IntervalAttr::get(builder.getContext(), range.first, range.second));
  }
  task.erase();
}

void TilePass::tileAttention(TaskOp task, AttentionOp attn) {
  MLIRContext *ctx = task.getContext();
  auto cache = cast<MemRefType>(attn.getKeyCache().getType());
  int64_t rows = cache.getDimSize(0), kvHeads = cache.getDimSize(1),
          headDim = cache.getDimSize(2);
  int64_t heads = *getVectorLength(attn.getQuery().getType()) / headDim;
  int64_t perGroup = attnHeads ? std::min(attnHeads.getValue(), heads)
                               : std::max<int64_t>(1, heads / kvHeads);
  auto groups = splitRange(heads, perGroup);
  IntervalAttr kv = attn.getKv();
  int64_t end = kv.getHiRelative() ? rows : kv.getHi();
  int64_t sms = std::max<int64_t>(1, target.getSmCount());
  int64_t splitsWanted = std::max<int64_t>(1, sms / int64_t(groups.size()));
  int64_t block = kvBlock ? kvBlock.getValue()
                          : roundUp(std::max<int64_t>(
                                        64, ceilDiv(end, splitsWanted)),
                                    16);
  bool split = kv.getLo() == 0 && !kv.getLoRelative() && block < end;
  auto blocks = split ? splitRange(end, block)
                      : SmallVector<std::pair<int64_t, int64_t>>{};
  if (groups.size() < 2 && blocks.size() < 2)
    return;
  OpBuilder builder(task);
  Location loc = task.getLoc();
  auto interval = [&](std::pair<int64_t, int64_t> r) {
    return IntervalAttr::get(ctx, r.first, r.second);
  };
  std::string base = task.getName().str();
  OpBuilder defs = definitions(task->getParentOfType<ProgramOp>());
  Value partial, stats;
  if (!blocks.empty()) {
    int64_t splits = blocks.size(), width = heads * headDim;
    Type f32 = builder.getF32Type();
    partial = BufferOp::create(defs, loc,
                               MemRefType::get({splits, width}, f32),
                               base + ".partial", BufferKind::Activation,
                               StringAttr(), Value());
    stats = BufferOp::create(defs, loc,
                             MemRefType::get({splits, heads, 2}, f32),
                             base + ".stats", BufferKind::Activation,
                             StringAttr(), Value());
  }
  for (auto [g, group] : llvm::enumerate(groups)) {
    std::string name = base + ".g" + std::to_string(g);
    auto makeAttention = [&](TaskOp into, Value out, IntegerAttr slot,
                             IntervalAttr kvRange) {
      OpBuilder body = OpBuilder::atBlockEnd(&into.getBodyBlock());
      AttentionOp::create(body, loc, attn.getQuery(), attn.getKeyCache(),
                          attn.getValueCache(), attn.getPosition(), out,
                          slot ? stats : Value(), slot, interval(group),
                          kvRange, attn.getScaleAttr(), attn.getWindowAttr());
    };
    if (blocks.empty()) {
      auto tile = TaskOp::create(builder, loc, name, task.getWaits(),
                                 task.getThresholds(), task.getSignal());
      makeAttention(tile, attn.getOutput(), IntegerAttr(), kv);
      continue;
    }
    Value done = EventOp::create(defs, loc, name + ".partial");
    for (auto [s, range] : llvm::enumerate(blocks)) {
      auto tile = TaskOp::create(builder, loc, name + ".kv" + std::to_string(s),
                                 task.getWaits(), task.getThresholds(), done);
      makeAttention(tile, partial, builder.getI64IntegerAttr(s),
                    interval(range));
    }
    auto combine = TaskOp::create(builder, loc, name + ".combine",
                                  ValueRange{done},
                                  ArrayRef<int64_t>{int64_t(blocks.size())},
                                  task.getSignal());
    OpBuilder body = OpBuilder::atBlockEnd(&combine.getBodyBlock());
    AttentionCombineOp::create(body, loc, partial, stats, attn.getOutput(),
                               interval(group));
  }
  task.erase();
}

void TilePass::tileArgmax(TaskOp task, ArgmaxOp argmax) {
  auto it = tiled.find(argmax.getLogits());
  if (it == tiled.end() || it->second.size() < 2)
    return;
  ArrayRef<std::pair<int64_t, int64_t>> ranges = it->second;
  OpBuilder builder(task);
  Location loc = task.getLoc();
  std::string base = task.getName().str();
  int64_t n = ranges.size();
  OpBuilder defs = definitions(task->getParentOfType<ProgramOp>());
  Value values = BufferOp::create(
      defs, loc, MemRefType::get({n}, builder.getF32Type()),
      base + ".values", BufferKind::Activation, StringAttr(), Value());
  Value indices = BufferOp::create(
      defs, loc, MemRefType::get({n}, builder.getI32Type()),
      base + ".indices", BufferKind::Activation, StringAttr(), Value());
  Value done = EventOp::create(defs, loc, base + ".partial");
  for (auto [i, range] : llvm::enumerate(ranges)) {
    auto tile = TaskOp::create(builder, loc, base + ".t" + std::to_string(i),
                               task.getWaits(), task.getThresholds(), done);
    OpBuilder body = OpBuilder::atBlockEnd(&tile.getBodyBlock());
    ArgmaxPartialOp::create(
        body, loc, argmax.getLogits(), values, indices, uint64_t(i),
        IntervalAttr::get(task.getContext(), range.first, range.second));
  }
  auto reduce = TaskOp::create(builder, loc, base + ".reduce", ValueRange{done},
                               ArrayRef<int64_t>{n}, task.getSignal());
  OpBuilder body = OpBuilder::atBlockEnd(&reduce.getBodyBlock());
  ArgmaxReduceOp::create(body, loc, values, indices, argmax.getToken());
  task.erase();
}

void TilePass::runOnOperation() {
  ProgramOp program = getOperation();
  FailureOr<TargetAttr> maybeTarget = requireTarget(program, "amk-tile");
  if (failed(checkOptions(program.getLoc())) || failed(maybeTarget))
    return signalPassFailure();
  target = *maybeTarget;
  tiled.clear();
  llvm::DenseMap<Value, int64_t> before = countProducers(program);
  auto numTasks = [&] {
    return llvm::range_size(program.getBodyRegion().getOps<TaskOp>());
  };
  size_t tasksBefore = numTasks();
  for (TaskOp task :
       llvm::make_early_inc_range(program.getBodyRegion().getOps<TaskOp>())) {
    if (auto gemv = task.getSingleOp<GemvOp>(); gemv && !gemv.getCols())
      tileGemv(task, gemv);
    else if (auto attn = task.getSingleOp<AttentionOp>();
             attn && !attn.getStats() && !attn.getPacked() &&
             !attn.getHeads())
      tileAttention(task, attn);
    else if (auto argmax = task.getSingleOp<ArgmaxOp>())
      tileArgmax(task, argmax);
  }
  rebalanceWaits(program, before);
  numTasksAdded += numTasks() - tasksBefore;
}

} // namespace
