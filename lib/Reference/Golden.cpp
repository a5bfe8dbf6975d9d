//===- Golden.cpp - Greedy decoding and golden comparison -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Reference/Golden.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace amk::reference;
using llvm::Error;
using llvm::Expected;

static Error fail(const llvm::Twine &message) {
  return llvm::createStringError(message);
}

/// Runs one step and appends its logits and chosen token to \p trace.
static Error recordStep(Executor &executor, int64_t token, int64_t pos,
                        DecodeTrace &trace) {
  if (Error err = executor.step(token, pos))
    return fail(llvm::formatv("step at position {0}: {1}", pos,
                              llvm::toString(std::move(err))));
  Expected<llvm::ArrayRef<float>> logits = executor.output("logits");
  if (!logits)
    return logits.takeError();
  Expected<int64_t> next = executor.nextToken();
  if (!next)
    return next.takeError();
  trace.logits.emplace_back(logits->begin(), logits->end());
  trace.tokens.push_back(*next);
  return Error::success();
}

Expected<DecodeTrace> amk::reference::runDecode(Executor &executor,
                                                llvm::ArrayRef<int64_t> prompt,
                                                unsigned steps,
                                                llvm::ArrayRef<int64_t> forced) {
  if (prompt.empty() || steps == 0)
    return fail("the prompt is empty or no token is to be generated");
  DecodeTrace trace;
  for (auto [pos, token] : llvm::enumerate(prompt.drop_back()))
    if (Error err = executor.step(token, pos))
      return fail(llvm::formatv("step at position {0}: {1}", pos,
                                llvm::toString(std::move(err))));
  int64_t pos = prompt.size() - 1;
  if (Error err = recordStep(executor, prompt.back(), pos, trace))
    return std::move(err);
  if (!forced.empty() && forced.size() + 1 < steps)
    return fail(llvm::formatv("{0} steps need {1} forced tokens, got {2}",
                              steps, steps - 1, forced.size()));
  while (trace.tokens.size() < steps) {
    size_t i = trace.tokens.size();
    int64_t token = forced.empty() ? trace.tokens.back() : forced[i - 1];
    if (Error err = recordStep(executor, token, ++pos, trace))
      return std::move(err);
  }
  return trace;
}

/// Reads the integer array \p key of \p root.
static Expected<std::vector<int64_t>> readInts(const llvm::json::Object &root,
                                               llvm::StringRef key) {
  const llvm::json::Array *array = root.getArray(key);
  if (!array)
    return fail("golden: no array '" + key + "'");
  std::vector<int64_t> values;
  for (const llvm::json::Value &value : *array) {
    std::optional<int64_t> number = value.getAsInteger();
    if (!number)
      return fail("golden: '" + key + "' holds a non-integer");
    values.push_back(*number);
  }
  return values;
}

/// Reads the array of float rows `logits` of \p root.
static Expected<std::vector<std::vector<float>>>
readLogits(const llvm::json::Object &root) {
  const llvm::json::Array *rows = root.getArray("logits");
  if (!rows)
    return fail("golden: no array 'logits'");
  std::vector<std::vector<float>> logits;
  for (const llvm::json::Value &row : *rows) {
    const llvm::json::Array *values = row.getAsArray();
    if (!values)
      return fail("golden: a 'logits' row is not an array");
    logits.emplace_back();
    for (const llvm::json::Value &value : *values) {
      std::optional<double> number = value.getAsNumber();
      if (!number)
        return fail("golden: 'logits' holds a non-number");
      logits.back().push_back(float(*number));
    }
  }
  return logits;
}

Expected<Golden> amk::reference::readGolden(llvm::StringRef path) {
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return fail(path + ": " + file.getError().message());
  Expected<llvm::json::Value> json = llvm::json::parse((*file)->getBuffer());
  if (!json)
    return fail(path + ": " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return fail(path + ": not a JSON object");
  Golden golden;
  Expected<std::vector<int64_t>> prompt = readInts(*root, "prompt_ids");
  Expected<std::vector<int64_t>> tokens = readInts(*root, "new_tokens");
  Expected<std::vector<std::vector<float>>> logits = readLogits(*root);
  if (!prompt || !tokens || !logits)
    return llvm::joinErrors(
        llvm::joinErrors(prompt.takeError(), tokens.takeError()),
        logits.takeError());
  return Golden{std::move(*prompt), std::move(*tokens), std::move(*logits)};
}

/// Top-1 minus top-2 of \p logits.
static double margin(llvm::ArrayRef<float> logits) {
  double top = -INFINITY, second = -INFINITY;
  for (float value : logits) {
    second = std::max(second, std::min(top, double(value)));
    top = std::max(top, double(value));
  }
  return top - second;
}

/// Compares the logits of one step; records the largest difference and
/// returns the step's own in \p stepMax.
static std::string compareStep(llvm::ArrayRef<float> got,
                               llvm::ArrayRef<float> expected, unsigned step,
                               double tolerance, GoldenComparison &result,
                               double &stepMax) {
  if (got.size() != expected.size())
    return llvm::formatv("step {0}: {1} logits, the golden has {2}", step,
                         got.size(), expected.size());
  double scale = 0;
  for (float value : expected)
    scale = std::max(scale, std::fabs(double(value)));
  double bound = tolerance * scale;
  for (auto [i, value] : llvm::enumerate(got)) {
    double diff = std::fabs(double(value) - expected[i]);
    if (std::isnan(diff) || diff > bound)
      return llvm::formatv("step {0}: logit {1} expected {2}, got {3} (|diff| "
                           "{4} > {5} = {6} x logit scale {7})",
                           step, i, expected[i], value, diff, bound, tolerance,
                           scale);
    stepMax = std::max(stepMax, diff);
    if (diff > result.maxAbsDiff) {
      result.maxAbsDiff = diff;
      result.maxStep = step;
    }
  }
  return "";
}

GoldenComparison amk::reference::compareWithGolden(const DecodeTrace &trace,
                                                   const Golden &golden,
                                                   double tolerance) {
  GoldenComparison result;
  if (trace.tokens.size() > golden.tokens.size() ||
      trace.logits.size() > golden.logits.size()) {
    result.mismatch = llvm::formatv("{0} steps, the golden has only {1}",
                                    trace.tokens.size(), golden.tokens.size());
    return result;
  }
  for (unsigned step = 0; step < trace.tokens.size(); ++step) {
    double stepMax = 0;
    result.mismatch = compareStep(trace.logits[step], golden.logits[step],
                                  step, tolerance, result, stepMax);
    if (!result.mismatch.empty())
      return result;
    if (trace.tokens[step] == golden.tokens[step])
      continue;
    double gap = margin(golden.logits[step]);
    if (gap <= 2 * stepMax) {
      result.nearTies.push_back(step);
      continue;
    }
    result.mismatch = llvm::formatv(
        "step {0}: token expected {1}, got {2} (golden margin {3} > 2 x max "
        "|logit diff| {4})",
        step, golden.tokens[step], trace.tokens[step], gap, stepMax);
    return result;
  }
  return result;
}

Error amk::reference::writeTrace(const DecodeTrace &trace,
                                 llvm::StringRef path) {
  llvm::json::Array rows;
  for (const std::vector<float> &row : trace.logits)
    rows.push_back(llvm::json::Array(row));
  llvm::json::Object root{{"tokens", llvm::json::Array(trace.tokens)},
                          {"logits", std::move(rows)}};
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return fail(path + ": " + ec.message());
  os << llvm::json::Value(std::move(root)) << "\n";
  return Error::success();
}
