// RUN: amk-opt %s --amk-lower-megakernel=stage-weights=true -split-input-file | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: sed 's/sm_90a/sm_80/' %s | amk-opt --amk-lower-megakernel=stage-weights=true -split-input-file | FileCheck %s --check-prefixes=CHECK,SM80

// With stage-weights, a GEMV streams its weight tile through a ring of page
// slots in dynamic shared memory, one slot (with its own mbarrier) per warp:
// 16 slots for a 512-thread block. The slots fill what the chip leaves after
// the static scratch, the argument slots, a 1 KB margin and the ring's
// header (8,704 bytes: page counter, 16 mbarriers, 2,048 row accumulators):
// 8,704 + 16 x 13,824 bytes on sm_90a, 8,704 + 16 x 9,728 on sm_80.
// CHECK-LABEL: gpu.module @amk
// SM90-SAME: \22dynamic_smem\22:229888
// SM80-SAME: \22dynamic_smem\22:164352
// CHECK: llvm.mlir.global external @amk_ring() {addr_space = 3 : i32, alignment = 128 : i64} : !llvm.array<0 x i8>
// CHECK: gpu.func @amk_megakernel
// CHECK: llvm.mlir.addressof @amk_ring
// Thread 0 initialises 16 slot barriers (one arrival per phase with bulk
// copies, 32 with cp.async: the issuing warp's lanes); the bulk copy engine
// is told they are initialised.
// SM90-COUNT-16: nvvm.mbarrier.init %{{.*}}, %c1_i32
// SM80-COUNT-16: nvvm.mbarrier.init %{{.*}}, %c32_i32
// SM90: nvvm.fence.mbarrier.init
// SM80-NOT: nvvm.fence.mbarrier.init
// CHECK: gpu.barrier
// CHECK: scf.while
// Warps 1.. meet at named barrier 1 after staging the arguments and issue
// the first page of every slot, before warp 0's acquire spin:
// CHECK: nvvm.barrier id = %c1_i32 number_of_threads = %c480_i32
// CHECK: scf.index_switch
// SM90: nvvm.mbarrier.arrive.expect_tx
// SM90: nvvm.cp.async.bulk.shared.cluster.global
// SM80: nvvm.cp.async.shared.global
// SM80: nvvm.cp.async.mbarrier.arrive
// CHECK: llvm.load %{{.*}} atomic syncscope("device") acquire
// The body: each warp waits on its slot's phase parity, takes 16-byte
// vectors of the page from shared memory, adds partial row sums into the
// shared accumulators, fences its reads against the async proxy and
// refills its slot one ring ahead; the rows are stored after a barrier.
// CHECK: scf.index_switch
// SM90: nvvm.mbarrier.try_wait.parity
// SM80: nvvm.mbarrier.test.wait
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> vector<8xbf16>
// CHECK: llvm.atomicrmw fadd %{{.*}} monotonic : !llvm.ptr<3>, f32
// SM90: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// SM80-NOT: nvvm.fence.proxy
// CHECK: nvvm.bar.warp.sync
// SM90: nvvm.cp.async.bulk.shared.cluster.global
// CHECK: gpu.barrier
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK: llvm.store %{{.*}} : f32, !llvm.ptr<3>
// CHECK: llvm.store %{{.*}} : f32, !llvm.ptr<1>
// A tile with more rows than the accumulators takes the register path.
// CHECK: llvm.load %{{.*}} : !llvm.ptr<1> -> vector<8xbf16>
amk.program @staged target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "g0" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "g1" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.gemv %w, %h -> %y cols [0, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: a GEMV whose row is not a whole number of 16-byte vectors is not
// staged (no ring, no dynamic shared memory): 12 bf16 = 24 bytes.
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: \22dynamic_smem\22:0
// CHECK-NOT: mbarrier
amk.program @unstaged target <"sm_90a", sms = 1> {
  %w = amk.buffer "w" weight key "w" : memref<16x12xbf16>
  %x = amk.buffer "x" input : memref<12xf32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e0 = amk.event "e0"
  amk.task "g" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %y : memref<16x12xbf16>, memref<12xf32>, memref<16xf32>
  }
}

// -----

// Test: a matrix another task writes in this step (an activation) is never
// fetched before the task's waits: only weight and const matrices are
// staged, so this program has no ring.
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: \22dynamic_smem\22:0
// CHECK-NOT: mbarrier
amk.program @activation_matrix target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<16x64xbf16>
  %m = amk.buffer "m" activation : memref<16x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "write" signals %e0 worker 0 queue 0 {
    amk.copy %w -> %m : memref<16x64xbf16>, memref<16x64xbf16>
  }
  amk.task "read" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.gemv %m, %x -> %y : memref<16x64xbf16>, memref<64xf32>, memref<16xf32>
  }
}
