//===- Golden.cpp - Greedy decoding and golden comparison -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Reference/Golden.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace amk::reference;
namespace kernels = amk::kernels;
using llvm::Error;
using llvm::Expected;

static Error toError(const kernels::Status &status) {
  if (!status.failed())
    return Error::success();
  return llvm::createStringError(status.error);
}

/// Runs one step of \p executor; with \p logits, reads the step's logits
/// and its chosen token.
static Error step(Executor &executor, int64_t token, int64_t pos,
                  std::vector<float> *logits, int64_t &next) {
  if (Error err = executor.step(token, pos))
    return err;
  if (!logits)
    return Error::success();
  Expected<llvm::ArrayRef<float>> values = executor.output("logits");
  if (!values)
    return values.takeError();
  Expected<int64_t> chosen = executor.nextToken();
  if (!chosen)
    return chosen.takeError();
  logits->assign(values->begin(), values->end());
  next = *chosen;
  return Error::success();
}

/// The largest |a - b| over two logit rows, and the largest |a|.
static std::pair<double, double> largestDifference(llvm::ArrayRef<float> a,
                                                   llvm::ArrayRef<float> b) {
  double scale = 0, diff = 0;
  for (auto [x, y] : llvm::zip(a, b)) {
    scale = std::max(scale, std::fabs(double(x)));
    diff = std::max(diff, std::fabs(double(x) - double(y)));
  }
  return {diff, scale};
}

/// The spliced step: runs on the spliced executor with the KV caches carried
/// in and out, and on the main one, whose logits it must match.
static Error splicedStep(Executor &main, const Splice &splice, int64_t token,
                         int64_t pos, std::vector<float> *logits,
                         int64_t &next) {
  Executor &other = *splice.executor;
  if (Error err = other.copyKVCaches(main))
    return err;
  std::vector<float> theirs, mine;
  int64_t mainNext = 0;
  if (Error err = step(other, token, pos, &theirs, next))
    return llvm::createStringError("spliced program: " +
                                   llvm::toString(std::move(err)));
  if (Error err = step(main, token, pos, &mine, mainNext))
    return err;
  auto [diff, scale] = largestDifference(mine, theirs);
  if (mine.size() != theirs.size() || !(diff <= splice.tolerance * scale))
    return llvm::createStringError(llvm::formatv(
        "spliced program: logits differ from the main program's by {0:e} > "
        "{1:e} x logit scale {2}",
        diff, splice.tolerance, scale));
  if (logits)
    *logits = std::move(theirs);
  return main.copyKVCaches(other);
}

Expected<DecodeTrace> amk::reference::runDecode(Executor &executor,
                                                llvm::ArrayRef<int64_t> prompt,
                                                unsigned steps,
                                                llvm::ArrayRef<int64_t> forced,
                                                const Splice &splice) {
  DecodeTrace trace;
  auto stepFn = [&](int64_t token, int64_t pos, std::vector<float> *logits,
                    int64_t &next) -> kernels::Status {
    Error err = splice.executor && pos == splice.position
                    ? splicedStep(executor, splice, token, pos, logits, next)
                    : step(executor, token, pos, logits, next);
    if (err)
      return {llvm::toString(std::move(err))};
    return kernels::Status::ok();
  };
  if (Error err = toError(kernels::runDecode(stepFn, prompt.vec(), steps,
                                             forced.vec(), trace)))
    return std::move(err);
  return trace;
}

Expected<Golden> amk::reference::readGolden(llvm::StringRef path) {
  Golden golden;
  if (Error err = toError(kernels::readGolden(path.str(), golden)))
    return std::move(err);
  return golden;
}

Error amk::reference::writeTrace(const DecodeTrace &trace,
                                 llvm::StringRef path) {
  return toError(kernels::writeTrace(trace, path.str()));
}
