// RUN: amk-opt %s --amk-lower-megakernel -split-input-file | FileCheck %s

// Sub-byte elements are addressed as include/AMK/Support/StorageModel.h
// says (storage::addressOf): element e of a b-bit buffer starts at bit
// e * b, in byte (e * b) >> 3 at shift (e * b) & 7. A store of packed
// elements owns whole bytes: one thread per byte gathers the byte's
// elements and writes it once, so no two threads (and no neighbouring
// buffer on the page) share a written byte.

// Test: an i1 buffer and an f32 buffer share a page; the i1 copy writes
// bytes [0, 8), the f32 tile bytes [8, 256), concurrently. The i1 store
// loops over bytes (elements / 8), reads the byte, merges each element's
// bit under its mask and stores one i8; the i1 load extracts one bit and
// converts it unsigned (i1 is a boolean).
// CHECK-LABEL: gpu.module @amk
// CHECK: case 0 {
// CHECK: %[[LO:.*]] = arith.divui %{{.*}}, %c8_i64{{.*}} : i64
// CHECK: %[[HI:.*]] = arith.divui %{{.*}}, %c8_i64{{.*}} : i64
// CHECK: scf.for %[[G:.*]] = %{{.*}} to %[[HI]] step %c512_i64
// CHECK: %[[HEAD:.*]] = arith.muli %[[G]], %c8_i64
// CHECK: %[[BYTE:.*]] = arith.shrui %[[HEAD]], %c3_i64
// CHECK: %[[ADDR:.*]] = llvm.getelementptr %{{.*}}[%[[BYTE]]] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i8
// CHECK: %[[OLD:.*]] = llvm.load %[[ADDR]] : !llvm.ptr<1> -> i8
// The value saturates to [0, 1] (NaN gives 0) before it is truncated.
// CHECK: arith.maxnumf %{{.*}}, %cst{{.*}} : f32
// CHECK: arith.minnumf
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: %[[MASK:.*]] = arith.shli %c1_i32{{.*}}, %{{.*}} : i32
// CHECK: arith.select
// CHECK: %[[NEW:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK-NEXT: llvm.store %[[NEW]], %[[ADDR]] : i8, !llvm.ptr<1>
// CHECK-NOT: llvm.store %{{.*}} : i1
// CHECK: case 1 {
// CHECK: %[[BIT:.*]] = arith.andi %{{.*}}, %c7_i64 : i64
// CHECK: %[[B:.*]] = llvm.load %{{.*}} : !llvm.ptr<1> -> i8
// CHECK: %[[W:.*]] = arith.extui %[[B]] : i8 to i32
// CHECK: %[[S:.*]] = arith.trunci %[[BIT]] : i64 to i32
// CHECK: %[[R:.*]] = arith.shrui %[[W]], %[[S]] : i32
// CHECK: %[[V:.*]] = arith.andi %[[R]], %c1_i32{{.*}} : i32
// CHECK: arith.uitofp %[[V]] : i32 to f32
// CHECK-NOT: llvm.load %{{.*}} -> i1
amk.program @bits target <"sm_90a", sms = 2> {
  %p = amk.page "p" bytes 256
  %src = amk.buffer "src" input : memref<64xf32>
  %flags = amk.buffer "flags" activation page %p : memref<64xi1>
  %h = amk.buffer "h" activation page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "bits" signals %e worker 0 queue 0 {
    amk.copy %src -> %flags : memref<64xf32>, memref<64xi1>
  }
  amk.task "words" signals %e worker 1 queue 0 {
    amk.copy %src -> %h cols [2, 64) : memref<64xf32>, memref<64xf32>
  }
  amk.task "read" waits(%e >= 2) signals %e worker 0 queue 1 {
    amk.copy %flags -> %y : memref<64xi1>, memref<64xf32>
  }
}

// -----

// Test: i4 elements, two per byte: the store covers elements [2g, 2g + 2)
// of byte g and saturates to [-8, 7]; the load takes the nibble at
// shift (4e) & 7 and sign-extends it as (v ^ 8) - 8.
// CHECK-LABEL: gpu.module @amk
// CHECK: case 0 {
// CHECK: arith.divui %{{.*}}, %c2_i64{{.*}} : i64
// CHECK: scf.for
// CHECK: %[[HEAD4:.*]] = arith.muli %{{.*}}, %c2_i64{{.*}} : i64
// CHECK: %[[BITS4:.*]] = arith.muli %[[HEAD4]], %c4_i64{{.*}} : i64
// CHECK: arith.shrui %[[BITS4]], %c3_i64{{.*}} : i64
// CHECK: %cst{{.*}} = arith.constant 7.000000e+00 : f32
// CHECK: %cst{{.*}} = arith.constant -8.000000e+00 : f32
// CHECK: arith.shli %c15_i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: llvm.store %{{.*}} : i8, !llvm.ptr<1>
// CHECK: case 1 {
// CHECK: %[[E4:.*]] = arith.muli %{{.*}}, %c4_i64{{.*}} : i64
// CHECK: %[[BY4:.*]] = arith.shrui %[[E4]], %c3_i64{{.*}} : i64
// CHECK: %[[SH4:.*]] = arith.andi %[[E4]], %c7_i64 : i64
// CHECK: llvm.getelementptr %{{.*}}[%[[BY4]]] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i8
// CHECK: %[[N:.*]] = arith.andi %{{.*}}, %c15_i32 : i32
// CHECK: %[[X:.*]] = arith.xori %[[N]], %c8_i32 : i32
// CHECK: %[[SX:.*]] = arith.subi %[[X]], %c8_i32 : i32
// CHECK: arith.sitofp %[[SX]] : i32 to f32
amk.program @nibbles target <"sm_90a", sms = 2> {
  %p = amk.page "p" bytes 256
  %src = amk.buffer "src" input : memref<64xf32>
  %q = amk.buffer "q" activation page %p : memref<64xi4>
  %h = amk.buffer "h" activation page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "nibbles" signals %e worker 0 queue 0 {
    amk.copy %src -> %q : memref<64xf32>, memref<64xi4>
  }
  amk.task "words" signals %e worker 1 queue 0 {
    amk.copy %src -> %h cols [8, 64) : memref<64xf32>, memref<64xf32>
  }
  amk.task "read" waits(%e >= 2) signals %e worker 0 queue 1 {
    amk.copy %q -> %y : memref<64xi4>, memref<64xf32>
  }
}
