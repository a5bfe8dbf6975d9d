// RUN: amk-opt %s -split-input-file --amk-fuse="norm=false distribute=false gate-up=false argmax=false" | FileCheck %s

// `gemv -> o; add x, o -> h` in one body becomes `gemv -> h residual x`,
// and the intermediate buffer goes away.
// CHECK-LABEL: amk.program @residual
// CHECK-NOT:   amk.buffer "o"
// CHECK:       amk.task "o_proj" signals %e0 {
// CHECK-NEXT:    amk.gemv %w, %x -> %h residual %x :
// CHECK-NEXT:  }
amk.program @residual target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %h = amk.buffer "h" output : memref<64xf32>
  %e0 = amk.event "e0"
  amk.task "o_proj" signals %e0 {
    amk.gemv %w, %x -> %o : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
    amk.add %x, %o -> %h : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
}

// -----

// An add in another task than the GEMV is not folded.
// CHECK-LABEL: amk.program @separate_tasks
// CHECK:       amk.gemv %w, %x -> %o :
// CHECK:       amk.add %x, %o -> %h :
amk.program @separate_tasks target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %h = amk.buffer "h" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "o_proj" signals %e0 {
    amk.gemv %w, %x -> %o : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "residual" waits(%e0 >= 1) signals %e1 {
    amk.add %x, %o -> %h : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
}
