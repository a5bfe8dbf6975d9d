//===- amk-run.cpp - Run a compiled megakernel ----------------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// `amk-run --model DIR --kernel X.ptx --prompt 3,17,42 --max-new-tokens N`
// feeds the prompt one decode step per token and generates greedily on the
// GPU (or with --cpu by executing the task table on the CPU), then prints
// `tokens: a,b,c,...` and the median step latency. Exit codes: see
// docs/runtime.md. No MLIR or LLVM dependency.
//
//===----------------------------------------------------------------------===//

#include "AMK/Kernels/Golden.h"
#include "AMK/Runtime/Runtime.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <new>

using namespace amk::runtime;
namespace kernels = amk::kernels;

static const char *kHelp =
    R"(USAGE: amk-run --model DIR --kernel FILE.ptx [options]

Runs a megakernel compiled by amk-translate --to-ptx (FILE.ptx with
FILE.manifest.json beside it) with the checkpoint in DIR: feeds the prompt one
decode step per token, generates greedily and prints `tokens: a,b,c,...` and
the median step latency.

OPTIONS:
  --model DIR            Checkpoint directory (model.safetensors or sharded)
  --kernel FILE.ptx      The kernel; its manifest is FILE.manifest.json
  --prompt IDS           Comma-separated prompt token ids (default: the
                         golden's prompt with --golden)
  --max-new-tokens N     Tokens to generate, at least 1 (default 32)
  --max-seq S            KV rows to allocate, at most the compiled rows
                         (default: the compiled rows)
  --cpu                  Execute the task table on the CPU (no GPU needed;
                         the PTX is not read)
  --timeout-ms T         Watchdog bound on one wait in ms, 0 = never
                         (default 2000)
  --eos IDS              Comma-separated end-of-sequence token ids, or
                         "none" (default: generation_config.json's
                         eos_token_id); a free generation stops after one
  --steps-per-launch N   Decode steps per kernel launch after the prompt,
                         the token staying on the GPU (default 1; at most
                         the kernel's compiled steps)
  --golden FILE          Teacher-force the golden.json's tokens and compare
                         every step's logits and token with it
  --tolerance R          Logit tolerance relative to the step's largest
                         |logit| (default 1e-4 with f32 KV caches, else 2e-2)
  --dump-logits FILE     Write the tokens and every step's logits as JSON
  --help                 Print this help

Exit codes: 0 ok, 1 bad command line, 2 bad input, a failed step or out of
memory, 3 watchdog (a wait that never holds), 4 golden mismatch.
)";

namespace {
/// The parsed command line.
struct CommandLine {
  Options options;
  std::vector<int64_t> prompt;
  unsigned newTokens = 32;
  std::string golden, dumpLogits;
  double tolerance = -1;
  bool help = false;
};
} // namespace

static int fail(const Status &status) {
  std::fprintf(stderr, "amk-run: error: %s\n", status.message.c_str());
  return int(status.code);
}

static Status usage(const std::string &message) {
  return Status::error(message + " (see --help)", ErrorCode::Usage);
}

/// Parses a decimal integer in [lo, hi] given to \p option.
static Status parseInteger(const std::string &option, const std::string &text,
                           int64_t lo, int64_t hi, int64_t &value) {
  char *end = nullptr;
  errno = 0;
  long long parsed = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno || parsed < lo || parsed > hi)
    return usage(option + ": '" + text + "' is not an integer in [" +
                 std::to_string(lo) + ", " + std::to_string(hi) + "]");
  value = parsed;
  return Status::ok();
}

/// Parses the comma-separated token ids \p text of \p option.
static Status parseIds(const std::string &option, const std::string &text,
                       std::vector<int64_t> &prompt) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string field = text.substr(start, comma - start);
    char *end = nullptr;
    errno = 0;
    long long id = std::strtoll(field.c_str(), &end, 10);
    if (field.empty() || *end || errno || id < 0 || id > INT32_MAX)
      return usage(option + ": '" + field + "' is not a token id");
    prompt.push_back(id);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return Status::ok();
}

static Status parse(int argc, char **argv, CommandLine &cl) {
  std::map<std::string, std::string> values;
  static const char *withValue[] = {
      "--model",     "--kernel",     "--prompt", "--max-new-tokens",
      "--max-seq",   "--timeout-ms", "--golden", "--tolerance",
      "--steps-per-launch", "--eos",
      "--dump-logits"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (arg == "--help" || arg == "-h") {
      cl.help = true;
      return Status::ok();
    }
    if (arg == "--cpu") {
      cl.options.cpu = true;
      continue;
    }
    size_t equals = arg.find('=');
    bool inlineValue = equals != std::string::npos;
    std::string name = arg.substr(0, equals);
    if (std::find(std::begin(withValue), std::end(withValue), name) ==
        std::end(withValue))
      return usage("unknown option '" + arg + "'");
    if (inlineValue)
      value = arg.substr(equals + 1);
    else if (i + 1 < argc)
      value = argv[++i];
    else
      return usage(name + " needs a value");
    values[name] = value;
  }
  for (const char *required : {"--model", "--kernel"})
    if (!values.count(required))
      return usage(std::string("missing ") + required);
  cl.options.modelDir = values["--model"];
  cl.options.kernelPath = values["--kernel"];
  cl.golden = values["--golden"];
  cl.dumpLogits = values["--dump-logits"];
  if (!values.count("--prompt") && cl.golden.empty())
    return usage("missing --prompt");
  Status s = Status::ok();
  int64_t number = 0;
  if (values.count("--prompt"))
    s = parseIds("--prompt", values["--prompt"], cl.prompt);
  if (!s.failed() && values.count("--max-new-tokens")) {
    s = parseInteger("--max-new-tokens", values["--max-new-tokens"], 1,
                     1 << 20, number);
    cl.newTokens = unsigned(number);
  }
  if (!s.failed() && values.count("--max-seq"))
    s = parseInteger("--max-seq", values["--max-seq"], 1, INT32_MAX,
                     cl.options.maxSeq);
  if (!s.failed() && values.count("--eos")) {
    std::vector<int64_t> eos;
    if (values["--eos"] != "none")
      s = parseIds("--eos", values["--eos"], eos);
    cl.options.eos = eos;
  }
  if (!s.failed() && values.count("--steps-per-launch"))
    s = parseInteger("--steps-per-launch", values["--steps-per-launch"], 1,
                     65536, cl.options.stepsPerLaunch);
  if (!s.failed() && values.count("--timeout-ms"))
    s = parseInteger("--timeout-ms", values["--timeout-ms"], 0,
                     int64_t(1) << 40, cl.options.timeoutMs);
  if (!s.failed() && values.count("--tolerance")) {
    char *end = nullptr;
    cl.tolerance = std::strtod(values["--tolerance"].c_str(), &end);
    if (values["--tolerance"].empty() || *end || !(cl.tolerance >= 0))
      s = usage("--tolerance: '" + values["--tolerance"] +
                "' is not a non-negative number");
  }
  return s;
}

/// 1e-4 when every KV cache is f32, else 2e-2 (as amk-ref-run).
static double defaultTolerance(const Manifest &m) {
  for (const ManifestBuffer &buffer : m.buffers)
    if (buffer.arena == Arena::KV && buffer.dtype != kernels::DType::F32)
      return 2e-2;
  return 1e-4;
}

static void printLatency(const Session &session) {
  std::vector<double> times = session.stepTimesMs();
  if (times.empty())
    return;
  std::sort(times.begin(), times.end());
  std::printf("latency: median %.4f ms per step over %zu steps (min %.4f, "
              "max %.4f) on %s\n",
              times[times.size() / 2], times.size(), times.front(),
              times.back(), session.device().c_str());
}

static int run(CommandLine &cl) {
  kernels::Golden golden;
  if (!cl.golden.empty()) {
    if (kernels::Status s = kernels::readGolden(cl.golden, golden);
        s.failed())
      return fail(Status::error(s.error));
    if (cl.prompt.empty())
      cl.prompt = golden.prompt;
  }
  std::unique_ptr<Session> session;
  if (Status s = Session::open(cl.options, session); s.failed())
    return fail(s);
  std::vector<int64_t> tokens;
  std::vector<std::vector<float>> logits;
  bool record = !cl.golden.empty() || !cl.dumpLogits.empty();
  if (Status s = session->generate(cl.prompt, cl.newTokens,
                                   cl.golden.empty() ? std::vector<int64_t>()
                                                     : golden.tokens,
                                   record, tokens, &logits);
      s.failed())
    return fail(s);
  std::string line = "tokens: ";
  for (size_t i = 0; i < tokens.size(); ++i)
    line += (i ? "," : "") + std::to_string(tokens[i]);
  std::printf("%s\n", line.c_str());
  printLatency(*session);
  kernels::DecodeTrace trace{tokens, logits};
  if (!cl.dumpLogits.empty())
    if (kernels::Status s = kernels::writeTrace(trace, cl.dumpLogits);
        s.failed())
      return fail(Status::error(s.error));
  if (cl.golden.empty())
    return 0;
  double tolerance =
      cl.tolerance >= 0 ? cl.tolerance : defaultTolerance(session->manifest());
  kernels::GoldenComparison result =
      kernels::compareWithGolden(trace, golden, tolerance);
  if (!result.mismatch.empty()) {
    std::fprintf(stderr, "amk-run: golden mismatch: %s\n",
                 result.mismatch.c_str());
    return int(ErrorCode::GoldenMismatch);
  }
  std::printf("%s\n",
              kernels::describeMatch(result, tokens.size(), tolerance).c_str());
  return 0;
}

/// Parses the command line and runs it; see main.
static int runCommandLine(int argc, char **argv) {
  CommandLine cl;
  if (Status s = parse(argc, argv, cl); s.failed())
    return fail(s);
  if (cl.help) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  return run(cl);
}

int main(int argc, char **argv) {
  // The runtime reports failures as a Status; what still throws (an
  // allocation that fails, a library's exception) ends here as one line and
  // exit code 2, never as an abort.
  try {
    return runCommandLine(argc, argv);
  } catch (const std::bad_alloc &) {
    return fail(Status::error("out of memory"));
  } catch (const std::exception &error) {
    return fail(
        Status::error(std::string("unexpected exception: ") + error.what()));
  } catch (...) {
    return fail(Status::error("unexpected exception"));
  }
}
