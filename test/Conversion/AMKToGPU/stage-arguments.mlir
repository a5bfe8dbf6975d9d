// RUN: amk-opt %s --amk-lower-megakernel | FileCheck %s

// Test: a task's arguments are staged in shared memory before its waits
// (pool words, buffer ids resolved through the address table), so the body
// reads every argument from shared memory and none from the pool; two slot
// sets of the largest variant's words (a GEMV: 3 buffers + 2 integers).
// GEMV weights stream in 16-byte loads (8 bf16) against two 16-byte loads
// of the f32 input.
// CHECK-LABEL: gpu.module @amk
// CHECK: llvm.mlir.global internal @amk_args() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<10 x i64>
// CHECK: gpu.func @amk_megakernel
// CHECK: scf.while
// The staging switch, before the acquire spin:
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: llvm.load %{{.*}} : !llvm.ptr<1> -> i32
// CHECK: scf.if
// CHECK: llvm.load %{{.*}} : !llvm.ptr<1> -> i64
// CHECK: llvm.store %{{.*}}, %{{.*}} : i64, !llvm.ptr<3>
// CHECK: llvm.load %{{.*}} atomic syncscope("device") acquire
// The body switch: arguments from shared memory only.
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK-NOT: !llvm.ptr<1> -> i32
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> i64
// CHECK: llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<1>
// CHECK-NOT: !llvm.ptr<1> -> i32
// CHECK: llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<8xbf16>
// CHECK-NOT: !llvm.ptr<1> -> i32
// CHECK: llvm.load %{{.*}} {alignment = 32 : i64} : !llvm.ptr<1> -> vector<8xf32>
// CHECK-NOT: !llvm.ptr<1> -> i32
// CHECK: default {
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
