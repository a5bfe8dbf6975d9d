//===- CApi.cpp - C API of the AMK megakernel runtime ---------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Runtime/amk_runtime.h"

#include "AMK/Runtime/Runtime.h"

#include <algorithm>
#include <exception>
#include <new>

using namespace amk::runtime;

struct amk_session {
  std::unique_ptr<Session> session;
};

static thread_local std::string lastError;

/// Records \p status as the last error; returns its code.
static int report(const Status &status) {
  lastError = status.message;
  return int(status.code);
}

/// The median of \p values (upper median for even counts); -1 if empty.
static double median(std::vector<double> values) {
  if (values.empty())
    return -1;
  std::nth_element(values.begin(), values.begin() + values.size() / 2,
                   values.end());
  return values[values.size() / 2];
}

/// Runs \p body, which returns an exit-code class; an exception (an
/// allocation that fails) never crosses the C boundary: it is reported as
/// \p onThrow's error with code 2.
template <typename Body>
static auto guarded(Body body, decltype(body()) onThrow) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    report(Status::error("out of memory"));
  } catch (const std::exception &error) {
    report(Status::error(std::string("unexpected exception: ") + error.what()));
  }
  return onThrow;
}

extern "C" amk_session *amk_open(const char *modelDir, const char *kernelPath,
                                 int64_t maxSeq, int useCpu,
                                 int64_t timeoutMs) {
  if (!modelDir || !kernelPath) {
    report(Status::error("amk_open: model_dir and kernel_path are required",
                         ErrorCode::Usage));
    return nullptr;
  }
  Options options;
  options.modelDir = modelDir;
  options.kernelPath = kernelPath;
  options.maxSeq = maxSeq;
  options.cpu = useCpu != 0;
  options.timeoutMs = timeoutMs;
  return guarded(
      [&]() -> amk_session * {
        auto handle = std::make_unique<amk_session>();
        if (report(Session::open(options, handle->session)))
          return nullptr;
        return handle.release();
      },
      nullptr);
}

extern "C" int amk_step(amk_session *handle, int64_t token, int64_t pos,
                        int64_t *nextToken, float *logits,
                        int64_t logitsLen) {
  if (!handle || !nextToken)
    return report(Status::error("amk_step: session and next_token are "
                                "required",
                                ErrorCode::Usage));
  return guarded(
      [&] {
        std::vector<float> values;
        int code = report(handle->session->step(
            token, pos, logits ? &values : nullptr, *nextToken));
        if (code == 0 && logits)
          std::copy_n(values.begin(),
                      std::min<int64_t>(logitsLen, int64_t(values.size())),
                      logits);
        return code;
      },
      int(ErrorCode::BadInput));
}

extern "C" int amk_set_steps_per_launch(amk_session *handle,
                                        int64_t stepsPerLaunch) {
  if (!handle)
    return report(Status::error("amk_set_steps_per_launch: a session is "
                                "required",
                                ErrorCode::Usage));
  return report(handle->session->setStepsPerLaunch(stepsPerLaunch));
}

extern "C" int amk_generate(amk_session *handle, const int64_t *prompt,
                            int64_t promptLen, int64_t maxNewTokens,
                            int64_t *outTokens) {
  if (!handle || !prompt || promptLen <= 0 || maxNewTokens <= 0 ||
      !outTokens)
    return report(Status::error("amk_generate: a session, a non-empty "
                                "prompt, max_new_tokens > 0 and out_tokens "
                                "are required",
                                ErrorCode::Usage));
  return guarded(
      [&] {
        std::vector<int64_t> tokens;
        int code = report(handle->session->generate(
            std::vector<int64_t>(prompt, prompt + promptLen),
            unsigned(maxNewTokens), {}, false, tokens, nullptr));
        if (code == 0) {
          std::copy(tokens.begin(), tokens.end(), outTokens);
          std::fill(outTokens + tokens.size(), outTokens + maxNewTokens,
                    int64_t(-1));
        }
        return code;
      },
      int(ErrorCode::BadInput));
}

extern "C" int64_t amk_vocab_size(const amk_session *handle) {
  return handle ? handle->session->vocab() : -1;
}

extern "C" double amk_median_step_ms(const amk_session *handle) {
  return handle ? median(handle->session->stepTimesMs()) : -1;
}

extern "C" void amk_close(amk_session *handle) { delete handle; }

extern "C" const char *amk_last_error(void) { return lastError.c_str(); }
