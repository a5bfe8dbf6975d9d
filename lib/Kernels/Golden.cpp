//===- Golden.cpp - Greedy decoding and golden comparison -----------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Kernels/Golden.h"
#include "AMK/Support/JSONDepth.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

using namespace amk::kernels;
using nlohmann::json;

/// Goldens hold one row of logits per step: tens of MB for a large vocab.
static constexpr uint64_t kMaxGoldenBytes = uint64_t(1) << 30;

static Status fail(std::string message) { return Status{std::move(message)}; }

/// printf-style formatting into a std::string.
template <typename... Args>
static std::string format(const char *pattern, Args... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer), pattern, args...);
  return buffer;
}

Status amk::kernels::runDecode(const StepFunction &step,
                               const std::vector<int64_t> &prompt,
                               unsigned steps,
                               const std::vector<int64_t> &forced,
                               DecodeTrace &trace) {
  if (prompt.empty() || steps == 0)
    return fail("the prompt is empty or no token is to be generated");
  auto run = [&](int64_t token, int64_t pos, bool record) {
    std::vector<float> logits;
    int64_t next = -1;
    Status status = step(token, pos, record ? &logits : nullptr, next);
    if (status.failed())
      return fail("step at position " + std::to_string(pos) + ": " +
                  status.error);
    if (record) {
      trace.logits.push_back(std::move(logits));
      trace.tokens.push_back(next);
    }
    return Status::ok();
  };
  int64_t pos = 0;
  for (; pos + 1 < int64_t(prompt.size()); ++pos)
    if (Status status = run(prompt[pos], pos, false); status.failed())
      return status;
  if (Status status = run(prompt.back(), pos, true); status.failed())
    return status;
  while (trace.tokens.size() < steps) {
    size_t i = trace.tokens.size();
    int64_t token = i - 1 < forced.size() ? forced[i - 1] : trace.tokens.back();
    if (Status status = run(token, ++pos, true); status.failed())
      return status;
  }
  return Status::ok();
}

/// Reads the integer array \p key of \p root.
static Status readInts(const json &root, const char *key,
                       std::vector<int64_t> &values) {
  auto it = root.find(key);
  if (it == root.end() || !it->is_array())
    return fail(std::string("golden: no array '") + key + "'");
  for (const json &value : *it) {
    if (!value.is_number_integer())
      return fail(std::string("golden: '") + key + "' holds a non-integer");
    values.push_back(value.get<int64_t>());
  }
  return Status::ok();
}

/// Reads the array of float rows `logits` of \p root.
static Status readLogits(const json &root,
                         std::vector<std::vector<float>> &logits) {
  auto rows = root.find("logits");
  if (rows == root.end() || !rows->is_array())
    return fail("golden: no array 'logits'");
  for (const json &row : *rows) {
    if (!row.is_array())
      return fail("golden: a 'logits' row is not an array");
    logits.emplace_back();
    for (const json &value : row) {
      if (!value.is_number())
        return fail("golden: 'logits' holds a non-number");
      double logit = value.get<double>();
      if (!(std::fabs(logit) <= FLT_MAX))
        return fail(format("golden: logit %zu of step %zu is %g, not a finite "
                           "float",
                           logits.back().size(), logits.size() - 1, logit));
      logits.back().push_back(float(logit));
    }
  }
  return Status::ok();
}

Status amk::kernels::readGolden(const std::string &path, Golden &golden) {
  std::string text;
  if (std::string error =
          support::readJSONText(path, "a golden", kMaxGoldenBytes, text);
      !error.empty())
    return fail(error);
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded())
    return fail(path + ": not valid JSON");
  if (!root.is_object())
    return fail(path + ": not a JSON object");
  golden = Golden();
  for (Status status : {readInts(root, "prompt_ids", golden.prompt),
                        readInts(root, "new_tokens", golden.tokens),
                        readLogits(root, golden.logits)})
    if (status.failed())
      return fail(path + ": " + status.error);
  return Status::ok();
}

/// Top-1 minus top-2 of \p logits.
static double margin(const std::vector<float> &logits) {
  double top = -INFINITY, second = -INFINITY;
  for (float value : logits) {
    second = std::max(second, std::min(top, double(value)));
    top = std::max(top, double(value));
  }
  return top - second;
}

/// Compares the logits of one step; records the largest difference and
/// returns the step's own in \p stepMax.
static std::string compareStep(const std::vector<float> &got,
                               const std::vector<float> &expected,
                               unsigned step, double tolerance,
                               GoldenComparison &result, double &stepMax) {
  if (got.size() != expected.size())
    return format("step %u: %zu logits, the golden has %zu", step, got.size(),
                  expected.size());
  double scale = 0;
  for (float value : expected)
    scale = std::max(scale, std::fabs(double(value)));
  double bound = tolerance * scale;
  for (size_t i = 0; i < got.size(); ++i) {
    double diff = std::fabs(double(got[i]) - expected[i]);
    if (std::isnan(diff) || diff > bound)
      return format("step %u: logit %zu expected %g, got %g (|diff| %g > %g = "
                    "%g x logit scale %g)",
                    step, i, double(expected[i]), double(got[i]), diff, bound,
                    tolerance, scale);
    stepMax = std::max(stepMax, diff);
    if (diff > result.maxAbsDiff) {
      result.maxAbsDiff = diff;
      result.maxStep = step;
    }
  }
  return "";
}

GoldenComparison amk::kernels::compareWithGolden(const DecodeTrace &trace,
                                                 const Golden &golden,
                                                 double tolerance) {
  GoldenComparison result;
  if (trace.tokens.size() > golden.tokens.size() ||
      trace.logits.size() > golden.logits.size()) {
    result.mismatch = format("%zu steps, the golden has only %zu",
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
    result.mismatch = format(
        "step %u: token expected %lld, got %lld (golden margin %g > 2 x max "
        "|logit diff| %g)",
        step, (long long)golden.tokens[step], (long long)trace.tokens[step],
        gap, stepMax);
    return result;
  }
  return result;
}

std::string amk::kernels::describeMatch(const GoldenComparison &result,
                                        size_t steps, double tolerance) {
  std::string text = "golden: " + std::to_string(steps) + " steps match";
  if (!result.nearTies.empty())
    text += format(" (%zu near-tie token flips, first at step %u)",
                   result.nearTies.size(), result.nearTies.front());
  return text + format("; max |logit diff| %.3g at step %u (tolerance %e x "
                       "logit scale)",
                       result.maxAbsDiff, result.maxStep, tolerance);
}

Status amk::kernels::writeTrace(const DecodeTrace &trace,
                                const std::string &path) {
  json root = {{"tokens", trace.tokens}, {"logits", trace.logits}};
  std::ofstream os(path);
  if (!os)
    return fail(path + ": " + std::strerror(errno));
  os << root.dump() << "\n";
  os.close();
  if (!os)
    return fail(path + ": cannot write: " + std::strerror(errno));
  return Status::ok();
}
