//===- Kernels.cpp - fp32 semantics of the compute ops --------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Maps each compute op onto its kernel of the MLIR-free kernel library
// (AMK/Kernels/Kernels.h): operands become buffer views, attributes become
// ranges and static facts. The arithmetic is the library's.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Kernels/Kernels.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;
using namespace ::amk::reference;
namespace kernels = ::amk::kernels;
using kernels::OptRange;
using llvm::Error;

/// The range \p attr denotes (absent: the whole extent).
static OptRange rangeOf(IntervalAttr attr) {
  if (!attr)
    return std::nullopt;
  return kernels::RangeSpec{attr.getLo(), attr.getHi(), attr.getLoRelative(),
                            attr.getHiRelative()};
}

/// The view of an optional operand, or null.
static BufferView *optionalView(Value value, const StepState &s) {
  return value ? &s.view(value) : nullptr;
}

/// The llama3 scaling \p attr describes, if any.
static std::optional<kernels::Llama3Scaling> scalingOf(Llama3RopeAttr attr) {
  if (!attr)
    return std::nullopt;
  return kernels::Llama3Scaling{attr.getFactor().convertToDouble(),
                                attr.getLowFreqFactor().convertToDouble(),
                                attr.getHighFreqFactor().convertToDouble(),
                                int64_t(attr.getOriginalMaxPosition())};
}

static kernels::Status runAttention(AttentionOp op, const StepState &s) {
  kernels::AttentionArgs args{&s.view(op.getQuery()),
                              &s.view(op.getKeyCache()),
                              &s.view(op.getValueCache()),
                              &s.view(op.getPosition()),
                              &s.view(op.getOutput())};
  args.stats = optionalView(op.getStats(), s);
  args.slot = op.getSlot() ? int64_t(*op.getSlot()) : 0;
  args.heads = rangeOf(op.getHeadsAttr());
  args.kv = rangeOf(op.getKvAttr());
  args.scale = op.getScale().convertToDouble();
  if (op.getWindow())
    args.window = int64_t(*op.getWindow());
  args.packed = op.getPacked();
  return kernels::attention(args);
}

/// Runs the kernel of \p op.
static kernels::Status run(Operation *op, const StepState &s) {
  using kernels::Status;
  int64_t pos = s.pos;
  return llvm::TypeSwitch<Operation *, Status>(op)
      .Case([&](EmbedOp o) {
        return kernels::embed(s.view(o.getTable()), s.view(o.getToken()),
                              s.view(o.getOutput()));
      })
      .Case([&](RMSNormOp o) {
        return kernels::rmsnorm(
            s.view(o.getInput()), s.view(o.getWeight()), s.view(o.getOutput()),
            o.getHeadDim() ? int64_t(*o.getHeadDim()) : 0,
            rangeOf(o.getHeadsAttr()), o.getEps().convertToDouble(), pos);
      })
      .Case([&](GemvOp o) {
        return kernels::gemv(s.view(o.getWeight()), s.view(o.getInput()),
                             s.view(o.getOutput()), optionalView(o.getBias(), s),
                             optionalView(o.getResidual(), s),
                             rangeOf(o.getColsAttr()), pos);
      })
      .Case([&](RopeOp o) {
        return kernels::rope(s.view(o.getInput()), s.view(o.getPosition()),
                             s.view(o.getOutput()), int64_t(o.getHeadDim()),
                             o.getTheta().convertToDouble(),
                             scalingOf(o.getLlama3Attr()),
                             rangeOf(o.getHeadsAttr()), pos);
      })
      .Case([&](KVAppendOp o) {
        std::optional<int64_t> row;
        if (o.getRow())
          row = int64_t(*o.getRow());
        return kernels::kvAppend(s.view(o.getInput()), s.view(o.getPosition()),
                                 s.view(o.getCache()), row,
                                 rangeOf(o.getHeadsAttr()), pos);
      })
      .Case([&](AttentionOp o) { return runAttention(o, s); })
      .Case([&](AttentionCombineOp o) {
        return kernels::attentionCombine(s.view(o.getPartial()),
                                         s.view(o.getStats()),
                                         s.view(o.getOutput()),
                                         rangeOf(o.getHeadsAttr()), pos);
      })
      .Case([&](AttentionMergeOp o) {
        std::vector<const kernels::BufferView *> partials;
        for (Value partial : o.getPartials())
          partials.push_back(&s.view(partial));
        return kernels::attentionMerge(partials, s.view(o.getOutput()));
      })
      .Case([&](SiluMulOp o) {
        return kernels::siluMul(s.view(o.getLhs()), s.view(o.getRhs()),
                                s.view(o.getOutput()), rangeOf(o.getColsAttr()),
                                pos);
      })
      .Case([&](AddOp o) {
        return kernels::add(s.view(o.getLhs()), s.view(o.getRhs()),
                            s.view(o.getOutput()), rangeOf(o.getColsAttr()),
                            pos);
      })
      .Case([&](ArgmaxOp o) {
        return kernels::argmax(s.view(o.getLogits()), s.view(o.getToken()));
      })
      .Case([&](ArgmaxPartialOp o) {
        return kernels::argmaxPartial(
            s.view(o.getLogits()), s.view(o.getValues()),
            s.view(o.getIndices()), int64_t(o.getSlot()),
            rangeOf(o.getColsAttr()), pos);
      })
      .Case([&](ArgmaxReduceOp o) {
        return kernels::argmaxReduce(s.view(o.getValues()),
                                     s.view(o.getIndices()),
                                     s.view(o.getToken()));
      })
      .Case([&](CopyOp o) {
        return kernels::copy(s.view(o.getSource()), s.view(o.getOutput()),
                             rangeOf(o.getColsAttr()), pos);
      })
      .Case([&](OpaqueOp o) {
        return Status{"cannot execute amk.opaque \"" + o.getOpKind().str() +
                      "\""};
      })
      .Default([&](Operation *other) {
        return Status{"cannot execute " +
                      other->getName().getStringRef().str()};
      });
}

namespace amk::reference {
Error executeComputeOp(Operation *op, const StepState &state) {
  kernels::Status status = run(op, state);
  if (status.failed())
    return llvm::createStringError(status.error);
  return Error::success();
}
} // namespace amk::reference
