// RUN: amk-opt %s -split-input-file --amk-fuse="norm=false distribute=false gate-up=false argmax=false residual=false" | FileCheck %s
// RUN: amk-opt %s -split-input-file --amk-fuse="norm=false distribute=false gate-up=false argmax=false residual=false" --amk-set-target --amk-assign-workers --amk-validate -o /dev/null

// Each reader needs one tile's columns: the event splits in two, numbered
// in program order, and each reader joins its part only.
// CHECK-LABEL: amk.program @halves
// CHECK-DAG:   %[[S0:.*]] = amk.event "e.s0"
// CHECK-DAG:   %[[S1:.*]] = amk.event "e.s1"
// CHECK-NOT:   amk.event "e"
// CHECK:       amk.task "a" signals %[[S0]]
// CHECK:       amk.task "b" signals %[[S1]]
// CHECK:       amk.task "r0" waits(%[[S0]] >= 1)
// CHECK:       amk.task "r1" waits(%[[S1]] >= 1)
amk.program @halves {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  %f = amk.event "f"
  amk.task "a" signals %e {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "b" signals %e {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "r0" waits(%e >= 2) signals %f {
    amk.add %h, %h -> %y cols [0, 32) : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
  amk.task "r1" waits(%e >= 2) signals %f {
    amk.add %h, %h -> %y cols [32, 64) : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
}

// -----

// "r0" needs "a" and "b", "r1" needs "b" and "c": splitting would give a
// reader two waits, so the event stays one.
// CHECK-LABEL: amk.program @overlap
// CHECK:       amk.task "r0" waits(%e >= 3)
// CHECK:       amk.task "r1" waits(%e >= 3)
amk.program @overlap {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  %f = amk.event "f"
  amk.task "a" signals %e {
    amk.gemv %w, %x -> %h cols [0, 16) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "b" signals %e {
    amk.gemv %w, %x -> %h cols [16, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "c" signals %e {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "r0" waits(%e >= 3) signals %f {
    amk.add %h, %h -> %y cols [0, 24) : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
  amk.task "r1" waits(%e >= 3) signals %f {
    amk.add %h, %h -> %y cols [24, 64) : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
}
