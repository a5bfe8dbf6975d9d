// RUN: amk-opt %s --amk-lower-megakernel | FileCheck %s

// The paper tool's split-KV attention: after the KV appends, two packed
// shards on two workers (per query head: 16 unnormalized values, then the
// running max and sum, at head * 18), merged by amk.attention_merge into a
// bf16 output. The shards share one body variant (the KV range is a run-time
// argument; flags 2 marks the relative end); the merge is a second variant
// whose arguments are its two partials and its output. Without an argmax the
// manifest has no next_token role (the host takes the argmax) and the logits
// are the one floating-point output.
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: \22roles\22:{\22logits\22:7,\22position\22:4}
// CHECK-SAME: \22args\22:[1,4,2,0,2,-1,1,4,3,0,2,-1,0,2,3,4,5,0,4,0,16,0,-1,5,6,7,0,2,3,4,6,0,4,16,1,2,-1]
// CHECK-SAME: \22op\22:\22attention\22,\22static\22:{{{.*}}\22packed\22:true,\22partial\22:false,
// CHECK-SAME: \22op\22:\22attention_merge\22,\22static\22:{\22dtypes\22:[\22f32\22,\22f32\22,\22bf16\22],\22head_dim\22:16,\22heads\22:4,\22partials\22:2,\22shapes\22:{{\[\[}}
// CHECK: scf.index_switch
// The shard (variant 1): after the warps' online softmax states are merged,
// element `d` of head `h` stores the unnormalized value at h * 18 + d and
// (d == 0) the max and the sum at h * 18 + 16 and + 17.
// CHECK: case 1 {
// CHECK: %[[H18:.*]] = arith.muli %{{.*}}, %c18_i64_{{[0-9]+}} : i64
// CHECK-NEXT: %[[AT:.*]] = arith.addi %[[H18]], %[[D:.*]] : i64
// CHECK-NEXT: %[[P:.*]] = llvm.getelementptr %{{.*}}[%[[AT]]]
// CHECK-NEXT: llvm.store %{{.*}}, %[[P]] : f32, !llvm.ptr<1>
// CHECK: arith.cmpi eq, %[[D]], %c0_i64{{.*}} : i64
// CHECK: arith.addi %[[H18]], %c16_i64{{.*}} : i64
// CHECK: llvm.store
// CHECK: arith.addi %[[H18]], %c17_i64{{.*}} : i64
// CHECK: llvm.store
// CHECK-NOT: arith.divf
// CHECK: case 2 {
// The merge (variant 2): per output element, both partials' max (h * 18 +
// 16) and sum (+ 17), the common max; a partial counts only with a
// positive sum; the sum floored at 1e-20; the store rounds to bf16.
// CHECK: arith.divsi %{{.*}}, %c16_i64 : i64
// CHECK: arith.remsi %{{.*}}, %c16_i64{{.*}} : i64
// CHECK: %[[B:.*]] = arith.muli %{{.*}}, %c18_i64 : i64
// CHECK: arith.addi %[[B]], %c16_i64{{.*}} : i64
// CHECK: %[[M0:.*]] = llvm.load %{{.*}} : !llvm.ptr<1> -> f32
// CHECK: arith.addi %[[B]], %c17_i64{{.*}} : i64
// CHECK: %[[S0:.*]] = llvm.load %{{.*}} : !llvm.ptr<1> -> f32
// CHECK: arith.maximumf
// CHECK: %[[M1:.*]] = llvm.load %{{.*}} : !llvm.ptr<1> -> f32
// CHECK: %[[S1:.*]] = llvm.load %{{.*}} : !llvm.ptr<1> -> f32
// CHECK: %[[MAX:.*]] = arith.maximumf
// CHECK: %[[USED0:.*]] = arith.cmpf ogt, %[[S0]], %{{.*}} : f32
// CHECK: %[[DIFF0:.*]] = arith.subf %[[M0]], %[[MAX]] : f32
// CHECK: %[[EXP0:.*]] = math.exp %[[DIFF0]] : f32
// CHECK: %[[W0:.*]] = arith.select %[[USED0]], %[[EXP0]], %{{.*}} : f32
// CHECK: arith.mulf %[[S0]], %[[W0]] : f32
// CHECK: arith.cmpf ogt, %[[S1]], %{{.*}} : f32
// CHECK: arith.subf %[[M1]], %[[MAX]] : f32
// CHECK: %[[FLOOR:.*]] = arith.constant 9.99999968E-21 : f32
// CHECK: %[[SUM:.*]] = arith.maximumf %{{.*}}, %[[FLOOR]] : f32
// CHECK: %[[OUT:.*]] = arith.divf %{{.*}}, %[[SUM]] : f32
// CHECK: arith.truncf %[[OUT]] : f32 to bf16
// CHECK: default {
amk.program @packed target <"sm_90a", sms = 2> {
  %q = amk.buffer "q" input : memref<64xf32>
  %x = amk.buffer "x" input : memref<32xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xf32>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %p0 = amk.buffer "p0" activation : memref<72xf32>
  %p1 = amk.buffer "p1" activation : memref<72xf32>
  %o = amk.buffer "o" output : memref<64xbf16>
  %a = amk.event "a"
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  %e2 = amk.event "e2"
  amk.task "append" signals %a worker 0 queue 0 {
    amk.kv_append %x, %pos -> %kc : memref<32xf32>, memref<1xi32>, memref<128x2x16xf32>
    amk.kv_append %x, %pos -> %vc : memref<32xf32>, memref<1xi32>, memref<128x2x16xf32>
  }
  amk.task "s0" waits(%a >= 1) signals %e0 worker 0 queue 1 {
    amk.attention %q, %kc, %vc, %pos -> %p0 packed kv [0, 16) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xf32>, memref<128x2x16xf32>, memref<1xi32>, memref<72xf32>
  }
  amk.task "s1" waits(%a >= 1) signals %e1 worker 1 queue 0 {
    amk.attention %q, %kc, %vc, %pos -> %p1 packed kv [16, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xf32>, memref<128x2x16xf32>, memref<1xi32>, memref<72xf32>
  }
  amk.task "merge" waits(%e0 >= 1, %e1 >= 1) signals %e2 worker 0 queue 2 {
    amk.attention_merge %p0, %p1 -> %o : memref<72xf32>, memref<72xf32> -> memref<64xbf16>
  }
}
