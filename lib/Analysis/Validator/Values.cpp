//===- Values.cpp - Validator: values that pick memory, counters ----------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Run-time values the validator bounds: position operands must be the
// program's position input, a token index computed in the step must lie
// inside every table it indexes (through argmax and copies, with the rounding
// of element conversions), and event counters must not wrap within a launch.
//
//===----------------------------------------------------------------------===//

#include "ValidatorState.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;
using namespace mlir::amk::validator;

//===----------------------------------------------------------------------===//
// Values that pick memory, counters
//===----------------------------------------------------------------------===//

/// The operand an op takes the decode position from, or null.
static Value positionOperand(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<RopeOp, KVAppendOp, AttentionOp>(
          [](auto op) { return op.getPosition(); })
      .Default([](Operation *) { return Value(); });
}

/// Rows and positions come from run-time values: a position operand must
/// be the program's position input (every bound `pos + c` means that value),
/// and a token index computed this step must lie inside its table.
void Validator::checkValues() {
  Value positionInput = roles.position;
  for (auto [task, op] : llvm::enumerate(taskOps)) {
    for (Operation &child : op.getBodyBlock()) {
      if (auto embed = dyn_cast<EmbedOp>(child))
        checkEmbedIndex(task, embed);
      Value position = positionOperand(&child);
      if (!position || position == positionInput)
        continue;
      auto buffer = position.getDefiningOp<BufferOp>();
      report(&child, "'" + child.getName().getStringRef() + "' in " +
                         taskName(task) + " takes the decode position from '" +
                         buffer.getName() + "', " +
                         (positionInput
                              ? Twine("not from the program's position input '") +
                                    kPositionInput + "'"
                              : Twine("but the program has no position input '") +
                                    kPositionInput + "'") +
                         " (its rows and rotations would follow another value)");
    }
  }
}

/// The exclusive bound of the values a copy into `output` leaves when its
/// source holds integers in `[0, bound)` (as integers or floats), or
/// std::nullopt when some does not survive the conversion. A copy converts
/// through f32 (KernelBuilder::loadF32/storeF32, the runtime's buffer views):
/// an integer is rounded to f32, then to a narrower float type (both to
/// nearest even, monotonic, so the largest value maps to the largest one:
/// bf16 rounds 999 to 1000), and a float is truncated to an integer type,
/// which must hold it.
static std::optional<int64_t> convertedBound(int64_t bound, Value output) {
  if (bound <= 0)
    return bound;
  Type to = cast<MemRefType>(output.getType()).getElementType();
  llvm::APFloat value(llvm::APFloat::IEEEsingle());
  bool inexact = false;
  (void)value.convertFromAPInt(llvm::APInt(64, bound - 1, /*isSigned=*/true),
                               /*IsSigned=*/true,
                               llvm::APFloat::rmNearestTiesToEven);
  if (auto type = dyn_cast<FloatType>(to))
    if (value.convert(type.getFloatSemantics(),
                      llvm::APFloat::rmNearestTiesToEven, &inexact) &
        llvm::APFloat::opOverflow)
      return std::nullopt;
  if (!value.isFinite())
    return std::nullopt;
  unsigned width = isa<FloatType>(to) ? 64 : to.getIntOrFloatBitWidth();
  llvm::APSInt largest(width, /*isUnsigned=*/false);
  if (value.convertToInteger(largest, llvm::APFloat::rmTowardZero, &inexact) &
      llvm::APFloat::opInvalidOp)
    return std::nullopt;
  return largest.getExtValue() + 1;
}

/// Nesting of index producers followed by `indexBound`.
static constexpr unsigned kMaxIndexDepth = 8;

/// An exclusive upper bound of every value this step's writers can leave in
/// the i32 `buffer`, or std::nullopt when some writer is not an index
/// producer AMK can bound (argmax, argmax_partial indices, argmax_reduce,
/// copy of a bounded buffer) or nothing writes it this step.
std::optional<int64_t> Validator::indexBound(Value buffer, unsigned depth) {
  auto it = bufferIndex.find(buffer);
  if (depth > kMaxIndexDepth || it == bufferIndex.end() ||
      buffers[it->second].writes.empty())
    return std::nullopt;
  int64_t bound = 0;
  for (uint32_t write : buffers[it->second].writes) {
    std::optional<int64_t> writer =
        llvm::TypeSwitch<Operation *, std::optional<int64_t>>(
            accesses[write].op)
            .Case([&](ArgmaxOp op) -> std::optional<int64_t> {
              return getVectorLength(op.getLogits().getType());
            })
            .Case([&](ArgmaxPartialOp op) -> std::optional<int64_t> {
              if (op.getIndices() != buffer)
                return std::nullopt;
              if (IntervalAttr cols = op.getColsAttr())
                return cols.getHi();
              return getVectorLength(op.getLogits().getType());
            })
            .Case([&](ArgmaxReduceOp op) {
              return indexBound(op.getIndices(), depth + 1);
            })
            .Case([&](CopyOp op) -> std::optional<int64_t> {
              std::optional<int64_t> source =
                  indexBound(op.getSource(), depth + 1);
              if (!source)
                return std::nullopt;
              return convertedBound(*source, op.getOutput());
            })
            .Default([](Operation *) { return std::nullopt; });
    if (!writer)
      return std::nullopt;
    bound = std::max(bound, *writer);
  }
  return bound;
}

/// A token written this step (an argmax feeding the next embed) must be
/// provably inside the table; a token from outside the step is checked by
/// the runtime before launch.
void Validator::checkEmbedIndex(uint32_t task, EmbedOp embed) {
  auto it = bufferIndex.find(embed.getToken());
  if (it == bufferIndex.end() || buffers[it->second].writes.empty())
    return;
  int64_t rows = cast<MemRefType>(embed.getTable().getType()).getDimSize(0);
  std::optional<int64_t> bound = indexBound(embed.getToken(), 0);
  if (bound && *bound <= rows)
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "'amk.embed' in " << taskName(task) << " looks up the token in '"
     << buffers[it->second].op.getName() << "', written in this step, ";
  if (bound)
    os << "which can hold indices up to " << *bound - 1 << ", outside the "
       << rows << " rows of the table";
  else
    os << "by an op whose result AMK cannot bound: the row read is not "
          "provably inside the table's "
       << rows << " rows";
  report(embed, text);
}

/// Every event's counter is a u32: init plus one increment per producer and
/// step of a launch (waits count in epochs, counters are never reset) must
/// not wrap.
void Validator::checkCounters(const ScheduleGraph &graph) {
  for (uint32_t e = 0; e < graph.getNumEvents(); ++e) {
    EventOp event = graph.getEvent(e);
    int64_t init = event.getInitAttr().getInt();
    int64_t perStep = graph.getProducers(e).size();
    int64_t total = init + options.steps * perStep;
    if (total <= int64_t(std::numeric_limits<uint32_t>::max()))
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "event '" << event.getName() << "' counts up to init " << init
       << " + ";
    if (options.steps > 1)
      os << options.steps << " steps x ";
    os << perStep << " producers = " << total
       << ", past the largest value of its 32-bit counter (4294967295): it "
          "would wrap";
    report(event, text);
  }
}
