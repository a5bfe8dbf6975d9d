// RUN: amk-opt %s --amk-lower-megakernel=l2-prefetch=true -split-input-file | FileCheck %s
// RUN: amk-opt %s --amk-lower-megakernel -split-input-file | FileCheck %s --check-prefix=DEFAULT

// Test: L2 prefetch is off by default (it thrashed L2 on H200).
// DEFAULT-NOT: prefetch

// Two tiles of one GEMV share one body variant (the column range is a
// run-time argument); the KV append + attention task is a second variant.
// The kernel is one persistent interpreter: a queue loop, acquire spins with
// nanosleep back-off and a global-timer watchdog, release-fence signals.
// CHECK-LABEL: gpu.module @amk [#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx86">]
// CHECK-SAME: amk.manifest = "{\22arenas\22:{\22io\22:1024,\22kv\22:32768,\22scratch\22:256,\22weights\22:8192},\22block\22:512,
// CHECK-SAME: \22grid\22:4,
// CHECK-SAME: \22program\22:\22tiles\22,\22program_hash\22:\22{{[0-9a-f]+}}\22
// CHECK-SAME: \22roles\22:{\22position\22:7}
// The GEMV tiles list their weight rows as L2 prefetch entries (count, then
// buffer, offset lo/hi, bytes): rows [0, 32) of w are bytes [0, 4096).
// CHECK-SAME: \22args\22:[0,1,2,0,32,1,0,0,0,4096,0,1,4,0,64,1,0,0,0,8192,0,1,2,32,64,1,0,4096,0,4096,2,7,5,0,4,-1,2,7,6,0,4,-1,2,5,6,7,3,0,4,0,1,2,-1]
// CHECK-SAME: \22descriptors\22:[0,0,0,0,0,0,0,5,0,1,0,0,10,1,0,15,0,0,0,0,20,2,0,25,1,1,0,1,30,3,0,-1],\22queues\22:[0,2,4,4,4],\22waits\22:[0,2,2]
// CHECK-SAME: \22tasks\22:[\22g0\22,\22g2\22,\22g1\22,\22att\22]
// CHECK: llvm.mlir.global internal @amk_smem() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<292 x f32>
// CHECK: gpu.func @amk_megakernel(%{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: i32, %{{.*}}: i64) kernel
// CHECK-SAME: known_block_size = array<i32: 512, 1, 1>
// CHECK-SAME: nvvm.minctasm = 1 : i32
// CHECK: nvvm.cp.async.bulk.prefetch
// CHECK: scf.while
// CHECK: nvvm.cp.async.bulk.prefetch
// The lanes of warp 0 check the waits in parallel, lane l taking waits
// l, l + 32, ...:
// CHECK: nvvm.bar.warp.sync
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c32_i64
// CHECK: nvvm.read.ptx.sreg.globaltimer
// CHECK: llvm.load %{{.*}} atomic syncscope("device") acquire
// CHECK: nvvm.nanosleep
// CHECK: llvm.cmpxchg
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: vector.fma
// CHECK: case 1 {
// CHECK-NOT: case 2
// CHECK: default {
// CHECK: llvm.fence syncscope("device") release
// CHECK: llvm.atomicrmw add
// CHECK-NOT: amk.program
amk.program @tiles target <"sm_90a", sms = 4> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" output : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x4x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x4x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "g0" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "g1" signals %e0 worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "att" waits(%e0 >= 2) signals %e1 worker 1 queue 1 {
    amk.kv_append %h, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
    amk.kv_append %h, %pos -> %vc : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
    amk.attention %h, %kc, %vc, %pos -> %y kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x4x16xbf16>, memref<128x4x16xbf16>, memref<1xi32>, memref<64xf32>
  }
  amk.task "g2" signals %e1 worker 0 queue 1 {
    amk.gemv %w, %x -> %z cols [0, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
}

// -----

// A grid barrier becomes one arrive-then-wait entry per worker on an event
// of its own: flag 1, wait threshold = producers = the grid (2 workers).
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: {\22init\22:0,\22name\22:\22barrier b0\22,\22producers\22:2}
// CHECK-SAME: \22descriptors\22:[0,0,0,0,0,0,0,-1,-1,2,0,1,4,1,1,-1,-1,2,1,1,4,2,1,-1,0,1,2,1,4,3,0,-1],\22queues\22:[0,2,4],\22waits\22:[2,2,2,2,2,2,0,1,1]
// CHECK-SAME: \22tasks\22:[\22a\22,\22barrier b0\22,\22barrier b0\22,\22c\22]
amk.program @barrier target <"sm_90a", sms = 2> {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "a" signals %e0 worker 0 queue 0 {
    amk.copy %x -> %y cols [0, 32) : memref<64xf32>, memref<64xf32>
  }
  amk.barrier "b0" slots [1, 0]
  amk.task "c" waits(%e0 >= 1) signals %e1 worker 1 queue 1 {
    amk.copy %x -> %y cols [32, 64) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// sm_80 has no bulk prefetch: weights are prefetched line by line (inline
// PTX: the backend selects nvvm.prefetch only from sm_90).
// CHECK-LABEL: gpu.module @amk [#nvvm.target<O = 3, chip = "sm_80", features = "+ptx86">]
// CHECK-NOT: cp.async.bulk
// CHECK: llvm.inline_asm has_side_effects "prefetch.global.L2 [$0];", "l"
// CHECK-NOT: cp.async.bulk
amk.program @ampere target <"sm_80", sms = 1> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  amk.task "g" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %y : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
}
