//===- Golden.cpp - Greedy decoding and golden comparison -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Reference/Golden.h"

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
/// and `next_token`.
static kernels::Status step(Executor &executor, int64_t token, int64_t pos,
                            std::vector<float> *logits, int64_t &next) {
  if (Error err = executor.step(token, pos))
    return {llvm::toString(std::move(err))};
  if (!logits)
    return kernels::Status::ok();
  Expected<llvm::ArrayRef<float>> values = executor.output("logits");
  if (!values)
    return {llvm::toString(values.takeError())};
  Expected<int64_t> chosen = executor.nextToken();
  if (!chosen)
    return {llvm::toString(chosen.takeError())};
  logits->assign(values->begin(), values->end());
  next = *chosen;
  return kernels::Status::ok();
}

Expected<DecodeTrace> amk::reference::runDecode(Executor &executor,
                                                llvm::ArrayRef<int64_t> prompt,
                                                unsigned steps,
                                                llvm::ArrayRef<int64_t> forced) {
  DecodeTrace trace;
  auto stepFn = [&](int64_t token, int64_t pos, std::vector<float> *logits,
                    int64_t &next) {
    return step(executor, token, pos, logits, next);
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
