// RUN: amk-opt %s --amk-lower-megakernel=stage-weights=true -split-input-file | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: sed 's/sm_90a/sm_80/' %s | amk-opt --amk-lower-megakernel=stage-weights=true -split-input-file | FileCheck %s --check-prefixes=CHECK,SM80

// With stage-weights, a GEMV streams its weight tile through a two-stage
// ring in dynamic shared memory: thread 0 initialises the stage mbarriers,
// the first two rounds are issued before the task's waits (the prologue
// switch), and the body waits on the stage barrier's phase parity. The ring
// fills what the chip leaves after the static scratch, the argument slots
// and a 1 KB margin:
// 2 x 115,456 + 128 bytes on sm_90a, 2 x 82,688 + 128 on sm_80 (manifest
// `dynamic_smem`).
// CHECK-LABEL: gpu.module @amk
// SM90-SAME: \22dynamic_smem\22:231040
// SM80-SAME: \22dynamic_smem\22:165504
// CHECK: llvm.mlir.global external @amk_ring() {addr_space = 3 : i32, alignment = 128 : i64} : !llvm.array<0 x i8>
// CHECK: gpu.func @amk_megakernel
// CHECK: llvm.mlir.addressof @amk_ring
// CHECK: nvvm.mbarrier.init
// CHECK: nvvm.mbarrier.init
// CHECK: gpu.barrier
// CHECK: scf.while
// The prologue (before the acquire spin of the waits):
// CHECK: scf.index_switch
// SM90: nvvm.mbarrier.arrive.expect_tx
// SM90: nvvm.cp.async.bulk.shared.cluster.global
// SM80: nvvm.cp.async.shared.global
// SM80: nvvm.cp.async.mbarrier.arrive
// CHECK: llvm.load %{{.*}} atomic syncscope("device") acquire
// The body: wait for the round's stage, dot products from shared memory.
// CHECK: scf.index_switch
// SM90: nvvm.mbarrier.try_wait.parity
// SM80: nvvm.mbarrier.test.wait
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> vector<8xbf16>
// CHECK: vector.fma
// CHECK: gpu.barrier
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

// Test: a GEMV whose row is not a whole number of 16-byte copies is not
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

// Test: only a matrix nothing writes during the step is staged: the ring's
// first rounds are issued before the task's waits, so an activation that
// another worker writes (here 'm', written by "fill" on worker 0 before
// "g" on worker 1 may read it) is read from global memory after the waits:
// no ring, no dynamic shared memory.
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: \22dynamic_smem\22:0
// CHECK-NOT: mbarrier
amk.program @activation_matrix target <"sm_90a", sms = 2> {
  %src = amk.buffer "src" input : memref<64x64xbf16>
  %m = amk.buffer "m" activation : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "fill" signals %e0 worker 0 queue 0 {
    amk.copy %src -> %m : memref<64x64xbf16>, memref<64x64xbf16>
  }
  amk.task "g" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.gemv %m, %x -> %y : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
}
