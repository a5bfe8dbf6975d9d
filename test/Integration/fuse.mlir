// RUN: amk-translate --import-hf %models/qwen3-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_90a sms=8" --amk-tile --amk-fuse \
// RUN:   | FileCheck %s
// RUN: amk-translate --import-hf %models/qwen3-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_90a sms=8" --amk-tile --amk-fuse --amk-validate -o /dev/null
// RUN: amk-translate --import-hf %models/qwen3-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_90a sms=8" --amk-tile --amk-fuse="split-events=false" \
// RUN:   | FileCheck %s --check-prefix=ONE
// RUN: amk-translate --import-hf %models/llama3-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_90a sms=8" --amk-tile --amk-fuse="norm=false residual=false" --amk-validate -o /dev/null

// norm + K projection + k-norm + RoPE + KV append in one tile, the norm into
// a scratch buffer private to the tile.
// Each KV-head group's Q/K/V tiles signal an event of their own (2 Q heads
// per KV head here), which only that group's attention tasks wait for.
// CHECK: amk.task "layers.0.q_proj.t0" waits(%embed >= 1) signals %layers.0.q_proj.s0 {
// CHECK: amk.task "layers.0.q_proj.t2" waits(%embed >= 1) signals %layers.0.q_proj.s1 {
// CHECK: amk.task "layers.0.k_proj.t0" waits(%embed >= 1) signals %layers.0.k_proj.s0 {
// CHECK-NEXT: amk.rmsnorm %layers.0.x, {{.*}} -> %layers.0.k_proj.t0.norm
// CHECK-NEXT: amk.gemv {{.*}}, %layers.0.k_proj.t0.norm -> %layers.0.k cols [0, 32)
// CHECK-NEXT: amk.rmsnorm %layers.0.k, {{.*}} -> %layers.0.k {{.*}} head_dim 32 heads [0, 1)
// CHECK-NEXT: amk.rope %layers.0.k, %pos -> %layers.0.k head_dim 32 {{.*}} heads [0, 1)
// CHECK-NEXT: amk.kv_append %layers.0.k, %pos -> %layers.0.k_cache heads [0, 1)
// CHECK-NEXT: }
// CHECK: amk.task "layers.0.attention.g1.kv0" waits(%layers.0.q_proj.s1 >= 2, %layers.0.k_proj.s1 >= 1, %layers.0.v_proj.s1 >= 1)
// Without split-events every attention task joins all Q/K/V tiles.
// ONE: amk.task "layers.0.attention.g1.kv0" waits(%layers.0.q_proj >= 4, %layers.0.k_proj >= 2, %layers.0.v_proj >= 2)
// O projection + residual add through the gemv residual operand.
// CHECK: amk.task "layers.0.o_proj.t0"
// CHECK-NEXT: amk.gemv {{.*}} -> %layers.0.h cols [0, {{[0-9]+}}) residual %layers.0.x
// Gate and up tiles of the same columns, with SiLU-mul, in one task.
// CHECK: amk.task "layers.0.gate_proj.t0" waits(%layers.0.o_proj >= {{[0-9]+}}) signals %layers.0.gate_proj {
// CHECK-NEXT: amk.rmsnorm %layers.0.h, {{.*}} -> %layers.0.gate_proj.t0.norm
// CHECK-NEXT: amk.gemv {{.*}} -> %layers.0.gate cols
// CHECK-NEXT: amk.gemv {{.*}} -> %layers.0.up cols
// CHECK-NEXT: amk.silu_mul %layers.0.gate, %layers.0.up -> %layers.0.act cols
// CHECK: amk.task "layers.0.down_proj.t0" waits(%layers.0.gate_proj >= {{[0-9]+}}
// CHECK-NEXT: amk.gemv {{.*}} residual %layers.0.h
// Final norm + LM head + argmax partial.
// CHECK: amk.task "lm_head.t0"
// CHECK-NEXT: amk.rmsnorm %x_final, {{.*}} -> %lm_head.t0.norm
// CHECK-NEXT: amk.gemv
// CHECK-NEXT: amk.argmax_partial
// CHECK: amk.task "argmax.reduce" waits(%lm_head >= {{[0-9]+}}) signals %argmax
// CHECK-NOT: amk.task
