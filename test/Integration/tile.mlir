// RUN: amk-translate --import-hf %models/llama3-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_90a sms=8" --amk-tile="qkv-cols=16 gate-up-cols=32 kv-block=64" \
// RUN:   | FileCheck %s
// RUN: amk-translate --import-hf %models/llama3-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_90a sms=8" --amk-tile --amk-validate -o /dev/null
// RUN: amk-translate --import-hf %models/llama3-bf16 \
// RUN:   | not amk-opt --amk-tile 2>&1 | FileCheck %s --check-prefix=NOTARGET

// Q tiles (aligned to head_dim 16) all signal the q_proj event; the rope
// waits for all four (an all-join).
// CHECK: amk.task "layers.0.q_proj.t0" waits(%{{.*}} >= 1) signals %layers.0.q_proj {
// CHECK-NEXT: amk.gemv {{.*}} -> %layers.0.q cols [0, 16)
// CHECK: amk.task "layers.0.q_proj.t3"
// CHECK-NEXT: amk.gemv {{.*}} -> %layers.0.q cols [48, 64)
// CHECK: amk.task "layers.0.q_rope" waits(%layers.0.q_proj >= 4)
// Attention: head groups x KV blocks in partial form, then a combine per group.
// CHECK: amk.task "layers.0.attention.g0.kv1" waits(%layers.0.q_rope >= 1, %layers.0.k_append >= 1, %layers.0.v_append >= 1) signals %layers.0.attention.g0.partial {
// CHECK-NEXT: amk.attention {{.*}} -> %layers.0.attention.partial partial %layers.0.attention.stats slot 1 heads [0, 2) kv [64, 128)
// CHECK: amk.task "layers.0.attention.g0.combine" waits(%layers.0.attention.g0.partial >= 2) signals %layers.0.attention {
// CHECK-NEXT: amk.attention_combine {{.*}} heads [0, 2)
// CHECK: amk.task "layers.0.o_proj.t0" waits(%layers.0.attention >= 2)
// CHECK: amk.task "layers.0.silu_mul" waits(%layers.0.gate_proj >= 4, %layers.0.up_proj >= 4)
// LM head + argmax: per-tile partials and one reduce.
// CHECK: amk.task "argmax.t0" waits(%lm_head >= {{[0-9]+}}) signals %argmax.partial {
// CHECK-NEXT: amk.argmax_partial %logits -> %argmax.values, %argmax.indices slot 0 cols [0,
// CHECK: amk.task "argmax.reduce" waits(%argmax.partial >= {{[0-9]+}}) signals %argmax {

// NOTARGET: error: amk-tile needs a target
