// RUN: amk-opt %s --amk-lower-megakernel=steps=4 | FileCheck %s
// RUN: not amk-opt %s --amk-lower-megakernel=steps=32 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not amk-opt %s --amk-lower-megakernel=steps=0 2>&1 | FileCheck %s --check-prefix=ZERO

// Test: steps=4 lowers one launch of up to 4 decode steps. The program is
// validated for 4 steps (a 32-step launch would append past the
// 16-row cache). Every worker's queue ends in an arrival at the step
// separator, a grid barrier on an event of its own; the kernel takes the
// steps to run (i32) and the token log after the timeout; an outer loop
// runs the queue once per step at epoch + s and stops after a step whose
// last wait failed. In step s > 0 the argument staging resolves the tokens
// input (buffer 2) to the next-token output (buffer 7) and logs that token
// at s - 1.
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: \22name\22:\22step separator\22,\22producers\22:2}
// CHECK-SAME: \22steps\22:4
// CHECK-SAME: \22tasks\22:[\22embed\22,\22step separator\22,\22head\22,\22step separator\22]
// CHECK: gpu.func @amk_megakernel({{.*}}, %[[EPOCH:.*]]: i32, %{{.*}}: i64, %[[STEPS:.*]]: i32, %[[LOG:.*]]: !llvm.ptr<1>) kernel
// CHECK: %[[N:.*]] = arith.extsi %[[STEPS]] : i32 to i64
// CHECK: scf.while (%[[S:.*]] = %c0_i64{{.*}}, %{{.*}} = %false{{.*}}) : (i64, i1) -> (i64, i1)
// CHECK: arith.cmpi slt, %{{.*}}, %[[N]] : i64
// CHECK: %[[ST:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK: arith.addi %[[EPOCH]], %[[ST]] : i32
// CHECK: arith.cmpi eq, %{{.*}}, %c2_i64 : i64
// CHECK: arith.cmpi sgt, %{{.*}}, %c0_i64{{.*}} : i64
// CHECK: llvm.getelementptr %{{.*}}[%c7_i64] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i64
// CHECK: llvm.getelementptr %[[LOG]][%{{.*}}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i32
// CHECK: arith.select
// ROWS: error: a launch of 32 steps appends a row per step, but KV cache 'kc' has 16 rows
// ZERO: amk-lower-megakernel: steps 0 must be in [1, 65536]
amk.program @steps target <"sm_90a", sms = 2> {
  %table = amk.buffer "table" weight key "model.embed_tokens.weight" : memref<8x8xf32>
  %w = amk.buffer "w" weight key "lm_head.weight" : memref<8x8xf32>
  %tokens = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %x = amk.buffer "x" activation : memref<8xf32>
  %kc = amk.buffer "kc" kv_cache : memref<16x1x8xf32>
  %logits = amk.buffer "logits" output : memref<8xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "embedded"
  %e1 = amk.event "head"
  amk.task "embed" signals %e0 worker 0 queue 0 {
    amk.embed %table[%tokens] -> %x : memref<8x8xf32>, memref<1xi32>, memref<8xf32>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.kv_append %x, %pos -> %kc : memref<8xf32>, memref<1xi32>, memref<16x1x8xf32>
    amk.gemv %w, %x -> %logits : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
    amk.argmax %logits -> %next : memref<8xf32>, memref<1xi32>
  }
}
