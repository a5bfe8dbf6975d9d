// RUN: amk-opt %s --amk-lower-megakernel | FileCheck %s

// Test: whether an op has a run-time attribute (a copy of columns) is a
// static fact of its body variant, so a whole copy and a copy of columns of
// the same types are two variants. Sharing one made the runtime's CPU path
// copy the whole buffer for the tile (its `cols` fact came from the whole
// copy) and overwrite the neighbouring buffer on the page.
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: \22tasks\22:[\22whole\22,\22tile\22,\22rest\22]
// CHECK-SAME: \22variants\22:[{\22id\22:0,\22ops\22:[{\22buffers\22:2,\22ints\22:2,\22op\22:\22copy\22,\22static\22:{\22cols\22:false,
// CHECK-SAME: {\22id\22:1,\22ops\22:[{\22buffers\22:2,\22ints\22:2,\22op\22:\22copy\22,\22static\22:{\22cols\22:true,
amk.program @variants target <"sm_90a", sms = 1> {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "whole" signals %e worker 0 queue 0 {
    amk.copy %x -> %z : memref<64xf32>, memref<64xf32>
  }
  amk.task "tile" signals %e worker 0 queue 1 {
    amk.copy %z -> %y cols [0, 32) : memref<64xf32>, memref<64xf32>
  }
  amk.task "rest" signals %e worker 0 queue 2 {
    amk.copy %z -> %y cols [32, 64) : memref<64xf32>, memref<64xf32>
  }
}
