//===- CudaBackend.cpp - Run the megakernel through the CUDA driver -------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// libcuda is opened with dlopen when the first GPU session opens, so the
// runtime starts (and `--cpu` runs) where no driver is installed; every
// driver entry point is resolved through cuGetProcAddress at the toolkit's
// version. One cooperative launch per decode step; the watchdog's abort
// record is read after each.
//
//===----------------------------------------------------------------------===//

#include "Backends.h"

#ifndef AMK_RUNTIME_HAVE_CUDA

using amk::runtime::Status;

Status amk::runtime::createCudaBackend(const Manifest &, const Layout &,
                                       const Checkpoint &, const Options &,
                                       const std::string &,
                                       std::unique_ptr<Backend> &) {
  return Status::error("this runtime was built without the CUDA toolkit "
                       "(cuda.h); only --cpu is available");
}

#else

#include <cuda.h>
#include <dlfcn.h>

#include <chrono>
#include <thread>

using namespace amk::runtime;
namespace kernels = amk::kernels;

#define AMK_CUDA_FUNCTIONS(X)                                                  \
  X(cuInit)                                                                    \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDeviceGetName)                                                           \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuDevicePrimaryCtxRelease)                                                 \
  X(cuCtxSetCurrent)                                                           \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleGetFunction)                                                       \
  X(cuModuleUnload)                                                            \
  X(cuFuncSetAttribute)                                                        \
  X(cuOccupancyMaxActiveBlocksPerMultiprocessor)                               \
  X(cuMemAlloc)                                                                \
  X(cuMemFree)                                                                 \
  X(cuMemGetInfo)                                                              \
  X(cuMemcpyHtoD)                                                              \
  X(cuMemcpyDtoH)                                                              \
  X(cuMemsetD8)                                                                \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy)                                                           \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy)                                                            \
  X(cuEventRecord)                                                             \
  X(cuEventQuery)                                                              \
  X(cuEventElapsedTime)                                                        \
  X(cuLaunchCooperativeKernel)                                                 \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)

namespace {
/// The driver entry points the runtime uses.
struct Driver {
#define AMK_DECLARE(name) decltype(&::name) name = nullptr;
  AMK_CUDA_FUNCTIONS(AMK_DECLARE)
#undef AMK_DECLARE

  /// Loads libcuda and resolves every entry point (once per process).
  static Status get(const Driver *&driver);

  /// `what: CUDA_ERROR_X (description)`, or ok for CUDA_SUCCESS.
  Status check(CUresult result, const std::string &what) const {
    if (result == CUDA_SUCCESS)
      return Status::ok();
    const char *name = "?", *text = "?";
    cuGetErrorName(result, &name);
    cuGetErrorString(result, &text);
    return Status::error(what + ": " + name + " (" + text + ")");
  }
};
} // namespace

Status Driver::get(const Driver *&out) {
  static Driver driver;
  static Status loaded = [] {
    void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library)
      return Status::error(std::string("cannot load the CUDA driver "
                                       "(libcuda.so.1): ") +
                           dlerror() + "; use --cpu on a machine without GPU");
    using GetProc = CUresult (*)(const char *, void **, int, cuuint64_t,
                                 CUdriverProcAddressQueryResult *);
    auto getProc = reinterpret_cast<GetProc>(
        dlsym(library, "cuGetProcAddress_v2"));
    if (!getProc)
      return Status::error("the CUDA driver is older than CUDA 12 (no "
                           "cuGetProcAddress_v2)");
#define AMK_RESOLVE(name)                                                      \
  {                                                                            \
    void *pointer = nullptr;                                                   \
    CUdriverProcAddressQueryResult found;                                      \
    if (getProc(#name, &pointer, CUDA_VERSION, CU_GET_PROC_ADDRESS_DEFAULT,    \
                &found) != CUDA_SUCCESS ||                                     \
        !pointer)                                                              \
      return Status::error("the CUDA driver lacks " #name);                    \
    driver.name = reinterpret_cast<decltype(driver.name)>(pointer);            \
  }
    AMK_CUDA_FUNCTIONS(AMK_RESOLVE)
#undef AMK_RESOLVE
    return driver.check(driver.cuInit(0), "cuInit");
  }();
  if (loaded.failed())
    return loaded;
  out = &driver;
  return Status::ok();
}

namespace {
/// The kernel's nine parameters, and with several steps per launch the
/// steps to run and the token log (docs/megakernel-abi.md).
struct KernelParams {
  CUdeviceptr tasks, queues, waits, args, buffers, events, abort;
  int32_t epoch;
  int64_t timeoutNs;
  int32_t steps;
  CUdeviceptr tokenLog;
};

class CudaBackend : public Backend {
public:
  CudaBackend(const Driver &cu, const Manifest &m, const Layout &layout)
      : cu(cu), m(m), layout(layout) {}
  ~CudaBackend() override;
  Status open(const Options &options, const std::string &ptx,
              const Checkpoint &checkpoint);
  Status step(int32_t token, int32_t pos, uint32_t epoch,
              std::vector<float> *logits, int64_t &next, double &ms) override;
  Status launch(int32_t token, int32_t pos, uint32_t epoch, int32_t steps,
                std::vector<int64_t> &chosen, double &ms) override;
  std::string device() const override { return description; }

private:
  Status checkDevice();
  Status loadModule(const std::string &ptxPath, const std::string &ptx);
  Status checkOccupancy();
  Status allocate(CUdeviceptr &pointer, size_t bytes, const std::string &what);
  template <typename T>
  Status upload(CUdeviceptr &pointer, const std::vector<T> &values,
                const std::string &what);
  /// Refuses arenas and a table that do not fit the device's free memory,
  /// before anything is allocated.
  Status checkFreeMemory();
  Status bindMemory(const Checkpoint &checkpoint);
  Status waitForStep(int64_t timeoutMs);
  Status readAbort(uint32_t epoch);
  Status runKernel(int32_t token, int32_t pos, uint32_t epoch, int32_t steps,
                   double &ms);
  Status readNextToken(int64_t &next);
  CUdeviceptr address(int64_t id) const {
    return arenas[int(m.buffer(id).arena)] +
           layout.offsets[m.bufferIndex[id]];
  }

  const Driver &cu;
  const Manifest &m;
  const Layout &layout;
  std::string description;
  CUdevice device0 = 0;
  CUcontext context = nullptr;
  CUmodule module = nullptr;
  CUfunction kernel = nullptr;
  CUstream stream = nullptr;
  CUevent start = nullptr, stop = nullptr;
  std::vector<CUdeviceptr> allocations;
  CUdeviceptr arenas[kNumArenas] = {};
  KernelParams params{};
  int64_t timeoutMs = 0;
};
} // namespace

CudaBackend::~CudaBackend() {
  if (!context)
    return;
  cu.cuCtxSetCurrent(context);
  for (CUdeviceptr pointer : allocations)
    cu.cuMemFree(pointer);
  if (start)
    cu.cuEventDestroy(start);
  if (stop)
    cu.cuEventDestroy(stop);
  if (stream)
    cu.cuStreamDestroy(stream);
  if (module)
    cu.cuModuleUnload(module);
  cu.cuDevicePrimaryCtxRelease(device0);
}

/// The compute capability (major * 10 + minor) a chip name denotes:
/// `sm_90a` -> 90, `sm_100a` -> 100; -1 if it is not one.
static int capabilityOf(const std::string &chip) {
  size_t i = 3, end = 3;
  while (end < chip.size() && isdigit(static_cast<unsigned char>(chip[end])))
    ++end;
  if (end == i || end - i > 4)
    return -1;
  return std::stoi(chip.substr(i, end - i));
}

Status CudaBackend::checkDevice() {
  if (Status s = cu.check(cu.cuDeviceGet(&device0, 0), "cuDeviceGet");
      s.failed())
    return s;
  int major = 0, minor = 0, sms = 0, cooperative = 0;
  char name[256] = {};
  cu.cuDeviceGetName(name, sizeof(name), device0);
  cu.cuDeviceGetAttribute(
      &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device0);
  cu.cuDeviceGetAttribute(
      &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device0);
  cu.cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                          device0);
  cu.cuDeviceGetAttribute(&cooperative, CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH,
                          device0);
  std::string deviceChip = "sm_" + std::to_string(major * 10 + minor);
  description = std::string(name) + " (" + deviceChip + ", " +
                std::to_string(sms) + " SMs)";
  if (capabilityOf(m.chip) != major * 10 + minor)
    return Status::error(m.path + ": the kernel is PTX for " + m.chip +
                         ", but device 0 (" + name + ") is " + deviceChip +
                         " (compute capability " + std::to_string(major) +
                         "." + std::to_string(minor) +
                         "); compile for chip=" + deviceChip +
                         (major >= 9 ? "a" : ""));
  if (!cooperative)
    return Status::error(std::string("device 0 (") + name +
                         ") does not support cooperative launches");
  if (Status s = cu.check(cu.cuDevicePrimaryCtxRetain(&context, device0),
                          "cuDevicePrimaryCtxRetain");
      s.failed())
    return s;
  return cu.check(cu.cuCtxSetCurrent(context), "cuCtxSetCurrent");
}

Status CudaBackend::loadModule(const std::string &ptxPath,
                               const std::string &ptx) {
  char log[8192] = {};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, reinterpret_cast<void *>(uintptr_t(sizeof(log)))};
  CUresult result =
      cu.cuModuleLoadDataEx(&module, ptx.c_str(), 2, options, values);
  if (result != CUDA_SUCCESS) {
    Status s = cu.check(result, ptxPath + ": cuModuleLoadDataEx");
    return Status::error(s.message + (log[0] ? std::string("\n") + log : ""));
  }
  return cu.check(cu.cuModuleGetFunction(&kernel, module, m.kernel.c_str()),
                  ptxPath + ": kernel '" + m.kernel + "'");
}

Status CudaBackend::checkOccupancy() {
  int optIn = 0, sms = 0, perSM = 0;
  cu.cuDeviceGetAttribute(
      &optIn, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device0);
  cu.cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                          device0);
  if (m.dynamicSmem > optIn)
    return Status::error(m.path + ": dynamic_smem " +
                         std::to_string(m.dynamicSmem) +
                         " bytes exceeds the device's " +
                         std::to_string(optIn) + " bytes per block");
  if (Status s = cu.check(
          cu.cuFuncSetAttribute(kernel,
                                CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                int(m.dynamicSmem)),
          "cuFuncSetAttribute(max dynamic shared memory)");
      s.failed())
    return s;
  if (Status s = cu.check(cu.cuOccupancyMaxActiveBlocksPerMultiprocessor(
                              &perSM, kernel, int(m.block), m.dynamicSmem),
                          "cuOccupancyMaxActiveBlocksPerMultiprocessor");
      s.failed())
    return s;
  if (int64_t(perSM) * sms < m.grid)
    return Status::error(
        "the grid of " + std::to_string(m.grid) +
        " workers cannot be co-resident: " + std::to_string(perSM) +
        " blocks of " + std::to_string(m.block) + " threads with " +
        std::to_string(m.dynamicSmem) +
        " bytes of dynamic shared memory fit per SM x " + std::to_string(sms) +
        " SMs = " + std::to_string(int64_t(perSM) * sms));
  return Status::ok();
}

Status CudaBackend::allocate(CUdeviceptr &pointer, size_t bytes,
                             const std::string &what) {
  CUresult result = cu.cuMemAlloc(&pointer, bytes ? bytes : 4);
  if (result != CUDA_SUCCESS) {
    size_t freeBytes = 0, total = 0;
    cu.cuMemGetInfo(&freeBytes, &total);
    return cu.check(result, "allocating " + std::to_string(bytes) +
                                " bytes for " + what + " (" +
                                std::to_string(freeBytes) + " of " +
                                std::to_string(total) + " bytes free)");
  }
  allocations.push_back(pointer);
  return cu.check(cu.cuMemsetD8(pointer, 0, bytes ? bytes : 4),
                  "clearing " + what);
}

template <typename T>
Status CudaBackend::upload(CUdeviceptr &pointer, const std::vector<T> &values,
                           const std::string &what) {
  size_t bytes = values.size() * sizeof(T);
  if (Status s = allocate(pointer, bytes, what); s.failed())
    return s;
  if (!bytes)
    return Status::ok();
  return cu.check(cu.cuMemcpyHtoD(pointer, values.data(), bytes),
                  "uploading " + what);
}

Status CudaBackend::checkFreeMemory() {
  uint64_t needed = 0;
  for (int64_t bytes : layout.arenaBytes)
    needed += uint64_t(bytes);
  for (const std::vector<int32_t> *table :
       {&m.descriptors, &m.queues, &m.waits, &m.args})
    needed += table->size() * sizeof(int32_t);
  needed += m.bufferIndex.size() * sizeof(int64_t) +
            m.events.size() * sizeof(uint32_t);
  size_t freeBytes = 0, total = 0;
  if (Status s = cu.check(cu.cuMemGetInfo(&freeBytes, &total), "cuMemGetInfo");
      s.failed())
    return s;
  if (needed > freeBytes)
    return Status::error("the arenas and the table need " +
                         std::to_string(needed) + " bytes, more than the " +
                         std::to_string(freeBytes) + " of " +
                         std::to_string(total) +
                         " bytes free on device 0 (" + description + ")");
  return Status::ok();
}

Status CudaBackend::bindMemory(const Checkpoint &checkpoint) {
  if (Status s = checkFreeMemory(); s.failed())
    return s;
  for (int a = 0; a < kNumArenas; ++a)
    if (Status s = allocate(arenas[a], layout.arenaBytes[a],
                            std::string("the ") + arenaName(Arena(a)) +
                                " arena");
        s.failed())
      return s;
  if (Status s = checkpoint.bind(
          m,
          [&](const ManifestBuffer &buffer, const unsigned char *bytes) {
            return cu.check(
                cu.cuMemcpyHtoD(address(buffer.id), bytes, buffer.bytes),
                "uploading weight '" + buffer.name + "'");
          });
      s.failed())
    return s;
  std::vector<int64_t> buffers(m.bufferIndex.size(), 0);
  for (const ManifestBuffer &buffer : m.buffers)
    buffers[buffer.id] = int64_t(address(buffer.id));
  std::vector<uint32_t> events;
  for (const ManifestEvent &event : m.events)
    events.push_back(event.init);
  Status s = upload(params.tasks, m.descriptors, "the task descriptors");
  if (!s.failed())
    s = upload(params.queues, m.queues, "the queues");
  if (!s.failed())
    s = upload(params.waits, m.waits, "the waits");
  if (!s.failed())
    s = upload(params.args, m.args, "the argument pool");
  if (!s.failed())
    s = upload(params.buffers, buffers, "the buffer addresses");
  if (!s.failed())
    s = upload(params.events, events, "the events");
  if (!s.failed())
    s = allocate(params.abort, kAbortWords * sizeof(uint32_t),
                 "the abort record");
  if (!s.failed() && m.steps > 1)
    s = allocate(params.tokenLog, size_t(m.steps) * sizeof(int32_t),
                 "the token log");
  return s;
}

Status CudaBackend::open(const Options &options, const std::string &ptx,
                         const Checkpoint &checkpoint) {
  timeoutMs = options.timeoutMs;
  params.timeoutNs = options.timeoutMs * 1000000;
  Status s = checkDevice();
  if (!s.failed())
    s = loadModule(options.kernelPath, ptx);
  if (!s.failed())
    s = checkOccupancy();
  if (!s.failed())
    s = bindMemory(checkpoint);
  if (!s.failed())
    s = cu.check(cu.cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING),
                 "cuStreamCreate");
  if (!s.failed())
    s = cu.check(cu.cuEventCreate(&start, CU_EVENT_DEFAULT), "cuEventCreate");
  if (!s.failed())
    s = cu.check(cu.cuEventCreate(&stop, CU_EVENT_DEFAULT), "cuEventCreate");
  return s;
}

Status CudaBackend::waitForStep(int64_t watchdogMs) {
  // The kernel's watchdog ends a stuck step; this host bound only catches a
  // kernel whose watchdog failed or is off.
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(
                      std::max<int64_t>(60000, 20 * watchdogMs));
  for (;;) {
    CUresult result = cu.cuEventQuery(stop);
    if (result != CUDA_ERROR_NOT_READY)
      return cu.check(result, "the decode step");
    if (std::chrono::steady_clock::now() > deadline)
      return Status::error("the decode step did not finish before the "
                           "host's deadline; the kernel's watchdog did not "
                           "stop it",
                           ErrorCode::Watchdog);
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
}

Status CudaBackend::readAbort(uint32_t epoch) {
  uint32_t record[kAbortWords];
  if (Status s = cu.check(cu.cuMemcpyDtoH(record, params.abort, sizeof(record)),
                          "reading the abort record");
      s.failed())
    return s;
  if (record[0] == 0)
    return Status::ok();
  if (record[0] != 1)
    return Status::error("watchdog: the kernel aborted (flag " +
                             std::to_string(record[0]) +
                             ") without a timed-out wait",
                         ErrorCode::Watchdog);
  return Status::error("watchdog: " +
                           describeStuckWait(m, record[1], record[2],
                                             record[3], record[4], record[5]),
                       ErrorCode::Watchdog);
}

/// Launches the kernel for \p steps steps from \p token at \p pos and
/// waits for it; \p ms is its time.
Status CudaBackend::runKernel(int32_t token, int32_t pos, uint32_t epoch,
                              int32_t steps, double &ms) {
  params.epoch = int32_t(epoch);
  params.steps = steps;
  void *args[] = {&params.tasks,  &params.queues,   &params.waits,
                  &params.args,   &params.buffers,  &params.events,
                  &params.abort,  &params.epoch,    &params.timeoutNs,
                  &params.steps,  &params.tokenLog};
  Status s = cu.check(cu.cuMemcpyHtoD(address(m.roles.tokens), &token, 4),
                      "writing the token");
  if (!s.failed())
    s = cu.check(cu.cuMemcpyHtoD(address(m.roles.position), &pos, 4),
                 "writing the position");
  if (!s.failed())
    s = cu.check(cu.cuMemsetD8(params.abort, 0, kAbortWords * 4),
                 "clearing the abort record");
  if (!s.failed())
    s = cu.check(cu.cuEventRecord(start, stream), "cuEventRecord");
  // A kernel of one step per launch takes the first nine parameters only.
  if (!s.failed())
    s = cu.check(cu.cuLaunchCooperativeKernel(
                     kernel, unsigned(m.grid), 1, 1, unsigned(m.block), 1, 1,
                     unsigned(m.dynamicSmem), stream, args),
                 "cuLaunchCooperativeKernel");
  if (!s.failed())
    s = cu.check(cu.cuEventRecord(stop, stream), "cuEventRecord");
  if (!s.failed())
    s = waitForStep(timeoutMs);
  if (!s.failed())
    s = readAbort(epoch);
  if (s.failed())
    return s;
  float elapsed = 0;
  cu.cuEventElapsedTime(&elapsed, start, stop);
  ms = elapsed;
  return Status::ok();
}

Status CudaBackend::readNextToken(int64_t &next) {
  int32_t chosen = -1;
  if (Status r = cu.check(
          cu.cuMemcpyDtoH(&chosen, address(m.roles.nextToken), 4),
          "reading the next token");
      r.failed())
    return r;
  next = chosen;
  return Status::ok();
}

Status CudaBackend::launch(int32_t token, int32_t pos, uint32_t epoch,
                           int32_t steps, std::vector<int64_t> &chosen,
                           double &ms) {
  double elapsed = 0;
  if (Status s = runKernel(token, pos, epoch, steps, elapsed); s.failed())
    return s;
  ms += elapsed;
  // Step s + 1's embedding logged the token step s chose; the last one is
  // in the next-token output.
  std::vector<int32_t> log(size_t(steps - 1));
  if (steps > 1)
    if (Status r = cu.check(cu.cuMemcpyDtoH(log.data(), params.tokenLog,
                                            log.size() * sizeof(int32_t)),
                            "reading the token log");
        r.failed())
      return r;
  chosen.insert(chosen.end(), log.begin(), log.end());
  int64_t last = -1;
  if (Status r = readNextToken(last); r.failed())
    return r;
  chosen.push_back(last);
  return Status::ok();
}

Status CudaBackend::step(int32_t token, int32_t pos, uint32_t epoch,
                         std::vector<float> *logits, int64_t &next,
                         double &ms) {
  if (Status s = runKernel(token, pos, epoch, 1, ms); s.failed())
    return s;
  if (m.roles.nextToken >= 0)
    if (Status r = readNextToken(next); r.failed())
      return r;
  if (!logits)
    return Status::ok();
  const ManifestBuffer &buffer = m.buffer(m.roles.logits);
  std::vector<unsigned char> bytes(buffer.bytes);
  if (Status r = cu.check(cu.cuMemcpyDtoH(bytes.data(),
                                          address(m.roles.logits),
                                          bytes.size()),
                          "reading the logits");
      r.failed())
    return r;
  kernels::BufferView view{buffer.name, buffer.dtype, buffer.shape,
                           bytes.data(), kernels::Storage::Packed};
  logits->resize(view.size());
  for (int64_t i = 0; i < view.size(); ++i)
    (*logits)[i] = view.get(i);
  return Status::ok();
}

Status amk::runtime::createCudaBackend(const Manifest &manifest,
                                       const Layout &layout,
                                       const Checkpoint &checkpoint,
                                       const Options &options,
                                       const std::string &ptx,
                                       std::unique_ptr<Backend> &out) {
  const Driver *driver = nullptr;
  if (Status s = Driver::get(driver); s.failed())
    return s;
  auto backend = std::make_unique<CudaBackend>(*driver, manifest, layout);
  if (Status s = backend->open(options, ptx, checkpoint); s.failed())
    return s;
  out = std::move(backend);
  return Status::ok();
}

#endif // AMK_RUNTIME_HAVE_CUDA
