//===- Backends.h - The GPU and CPU backends of a session --------*- C++ -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_LIB_RUNTIME_BACKENDS_H
#define AMK_LIB_RUNTIME_BACKENDS_H

#include "AMK/Runtime/Checkpoint.h"
#include "AMK/Runtime/Runtime.h"

namespace amk::runtime {

/// The executor of the task table on the CPU: arenas in host memory laid out
/// as on the GPU, workers' queues run in order honouring waits and epochs (a
/// waiting worker parked on its event until it is signalled).
/// KV caches hold \p rows rows; an access outside a buffer's allocated
/// elements is refused and reported. Without \p checkpoint the weights stay
/// zero (the manifest fuzzer runs verified tables this way).
Status createCpuBackend(const Manifest &manifest, const Layout &layout,
                        int64_t rows, const Checkpoint *checkpoint,
                        std::unique_ptr<Backend> &out);

/// The CUDA driver API backend: loads \p ptx (the text of
/// `options.kernelPath`) for the device's chip, binds the arenas and launches
/// one cooperative kernel per step. Fails when the runtime was built without
/// cuda.h or libcuda cannot be loaded.
Status createCudaBackend(const Manifest &manifest, const Layout &layout,
                         const Checkpoint &checkpoint, const Options &options,
                         const std::string &ptx, std::unique_ptr<Backend> &out);

/// The watchdog's report of a wait that did not hold: `task "X" on worker W
/// waited on event "E" (count c < threshold t)`.
std::string describeStuckWait(const Manifest &manifest, int64_t task,
                              int64_t worker, int64_t event, uint32_t count,
                              uint32_t threshold);

} // namespace amk::runtime

#endif // AMK_LIB_RUNTIME_BACKENDS_H
