// Test: the synchronisation and math building blocks of the megakernel reach
// PTX with the right ordering and scope on every chip: a gpu-scope release
// fence (fence.acq_rel on sm_80, which has no fence.release) right before the
// event add (llvm.atomicrmw alone drops its ordering), an
// acquire spin with nanosleep back-off, a block barrier, warp shuffles and a
// math.exp that becomes an inlined libdevice call. Each chip gets its own
// target and PTX ISA version.
// RUN: sed s/CHIP/sm_80/ %s | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: sed s/CHIP/sm_90a/ %s | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: sed s/CHIP/sm_100a/ %s | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,SM100
// RUN: sed s/CHIP/sm_120a/ %s | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,SM120

// SM80: .version 8.6
// SM80: .target sm_80
// SM90: .version 8.6
// SM90: .target sm_90a
// SM100: .version 8.6
// SM100: .target sm_100a
// SM120: .version 8.7
// SM120: .target sm_120a
// CHECK-NOT: __nv_

module attributes {gpu.container_module} {
gpu.module @amk [#nvvm.target<chip = "CHIP">] {
  // CHECK-LABEL: .entry signal(
  // CHECK: bar.sync 0
  // SM80: fence.acq_rel.gpu;
  // SM90: fence.release.gpu;
  // SM100: fence.release.gpu;
  // SM120: fence.release.gpu;
  // CHECK-NEXT: atom.global.add.u32
  gpu.func @signal(%events: !llvm.ptr<1>, %event: i32) kernel {
    gpu.barrier
    %tid = gpu.thread_id x
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %tid, %c0 : index
    scf.if %first {
      %one = arith.constant 1 : i32
      %slot = llvm.getelementptr %events[%event] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
      llvm.fence syncscope("device") release
      %old = llvm.atomicrmw add %slot, %one syncscope("device") monotonic : !llvm.ptr<1>, i32
    }
    gpu.return
  }

  // CHECK-LABEL: .entry wait(
  // CHECK: ld.acquire.gpu.global.b32
  // CHECK: nanosleep.u32
  // CHECK: bar.sync 0
  gpu.func @wait(%events: !llvm.ptr<1>, %threshold: i32) kernel {
    %tid = gpu.thread_id x
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %tid, %c0 : index
    scf.if %first {
      %start = arith.constant 32 : i32
      %cap = arith.constant 1024 : i32
      %two = arith.constant 2 : i32
      %last = scf.while (%sleep = %start) : (i32) -> i32 {
        %count = llvm.load %events atomic syncscope("device") acquire {alignment = 4 : i64} : !llvm.ptr<1> -> i32
        %short = arith.cmpi ult, %count, %threshold : i32
        scf.condition(%short) %sleep : i32
      } do {
      ^bb0(%sleep: i32):
        nvvm.nanosleep %sleep
        %doubled = arith.muli %sleep, %two : i32
        %next = arith.minui %doubled, %cap : i32
        scf.yield %next : i32
      }
    }
    gpu.barrier
    gpu.return
  }

  // CHECK-LABEL: .entry reduce_exp(
  // CHECK: ex2.approx
  // CHECK-COUNT-5: shfl.sync.bfly.b32
  // CHECK: st.global.b32
  gpu.func @reduce_exp(%data: memref<1024xf32, 1>) kernel {
    %tid = gpu.thread_id x
    %x = memref.load %data[%tid] : memref<1024xf32, 1>
    %e = math.exp %x : f32
    %width = arith.constant 32 : i32
    %o1 = arith.constant 1 : i32
    %o2 = arith.constant 2 : i32
    %o4 = arith.constant 4 : i32
    %o8 = arith.constant 8 : i32
    %o16 = arith.constant 16 : i32
    %s1, %v1 = gpu.shuffle xor %e, %o16, %width : f32
    %a1 = arith.addf %e, %s1 : f32
    %s2, %v2 = gpu.shuffle xor %a1, %o8, %width : f32
    %a2 = arith.addf %a1, %s2 : f32
    %s3, %v3 = gpu.shuffle xor %a2, %o4, %width : f32
    %a3 = arith.addf %a2, %s3 : f32
    %s4, %v4 = gpu.shuffle xor %a3, %o2, %width : f32
    %a4 = arith.addf %a3, %s4 : f32
    %s5, %v5 = gpu.shuffle xor %a4, %o1, %width : f32
    %a5 = arith.addf %a4, %s5 : f32
    memref.store %a5, %data[%tid] : memref<1024xf32, 1>
    gpu.return
  }
}
}
