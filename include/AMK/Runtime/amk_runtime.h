/*===- amk_runtime.h - C API of the AMK megakernel runtime --------*- C -*-===*\
|*                                                                            *|
|* Part of the AMK project.                                                    *|
|*                                                                            *|
|*===----------------------------------------------------------------------===*|
|*                                                                            *|
|* A C interface to amk::runtime::Session for other languages (Python through *|
|* ctypes). Every function returning int returns 0 on success, else the exit  *|
|* code class of docs/runtime.md (1 usage, 2 bad input or failed step, 3      *|
|* watchdog); amk_last_error() then describes the failure.                    *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef AMK_RUNTIME_AMK_RUNTIME_H
#define AMK_RUNTIME_AMK_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open megakernel session. */
typedef struct amk_session amk_session;

/** Opens the kernel at kernel_path (its manifest is X.manifest.json beside
 *  X.ptx) with the checkpoint in model_dir. max_seq: KV rows to allocate (0:
 *  the compiled rows). use_cpu: execute the task table on the CPU. timeout_ms:
 *  the watchdog's bound on one wait (0: never). Returns NULL on failure. */
amk_session *amk_open(const char *model_dir, const char *kernel_path,
                      int64_t max_seq, int use_cpu, int64_t timeout_ms);

/** Runs one decode step feeding token at position pos; stores the chosen
 *  token in *next_token and, when logits is not NULL, up to logits_len
 *  logits. */
int amk_step(amk_session *session, int64_t token, int64_t pos,
             int64_t *next_token, float *logits, int64_t logits_len);

/** Feeds the prompt (positions 0, 1, ...) and generates max_new_tokens
 *  tokens greedily into out_tokens (room for max_new_tokens). The KV cache
 *  must be fresh (a new session). The generation ends at an end-of-sequence
 *  token (generation_config.json's eos_token_id), which is reported; the
 *  entries after it are -1. */
int amk_generate(amk_session *session, const int64_t *prompt,
                 int64_t prompt_len, int64_t max_new_tokens,
                 int64_t *out_tokens);

/** Makes amk_generate run up to steps_per_launch decode steps per kernel
 *  launch after the prompt (the token stays on the GPU); at most the steps
 *  the kernel was compiled for (--amk-lower-megakernel=steps=N). */
int amk_set_steps_per_launch(amk_session *session, int64_t steps_per_launch);

/** The vocabulary size (length of the logits), or -1 for NULL. */
int64_t amk_vocab_size(const amk_session *session);

/** The median step time of the session so far in milliseconds (CUDA events
 *  on the GPU, wall clock on the CPU), or -1 before the first step. */
double amk_median_step_ms(const amk_session *session);

/** Closes the session and frees its memory; NULL is ignored. */
void amk_close(amk_session *session);

/** The calling thread's last error message ("" when none). */
const char *amk_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* AMK_RUNTIME_AMK_RUNTIME_H */
