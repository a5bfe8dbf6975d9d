// RUN: amk-opt %s --amk-assign-workers="strategy=round-robin" | FileCheck %s --check-prefix=RR
// RUN: amk-opt %s --amk-assign-workers="strategy=balanced" | FileCheck %s --check-prefix=BAL
// RUN: amk-opt %s --amk-assign-workers | FileCheck %s --check-prefix=BAL

// A chain of three tasks on two workers. Round-robin puts task i on worker
// i mod 2. Balanced (and critical-path, the default, which orders the same
// chain the same way) start the search at worker i mod 2 and move only to a
// worker with an earlier start, or an equal start and a later idle time.
// RR-LABEL:  amk.program @chain
// RR:        amk.task "t0" signals %e0 worker 0 queue 0
// RR:        amk.task "t1" waits(%e0 >= 1) signals %e1 worker 1 queue 0
// RR:        amk.task "t2" waits(%e1 >= 1) signals %e2 worker 0 queue 1
// BAL-LABEL: amk.program @chain
// BAL:       amk.task "t0" signals %e0 worker 0 queue 0
// BAL:       amk.task "t1" waits(%e0 >= 1) signals %e1 worker 1 queue 0
// BAL:       amk.task "t2" waits(%e1 >= 1) signals %e2 worker 1 queue 1
amk.program @chain target <"sm_90a", sms = 2> {
  %x = amk.buffer "x" input : memref<64xf32>
  %a = amk.buffer "a" activation : memref<64xf32>
  %b = amk.buffer "b" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  %e2 = amk.event "e2"
  amk.task "t0" signals %e0 {
    amk.copy %x -> %a : memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" waits(%e0 >= 1) signals %e1 {
    amk.copy %a -> %b : memref<64xf32>, memref<64xf32>
  }
  amk.task "t2" waits(%e1 >= 1) signals %e2 {
    amk.copy %b -> %y : memref<64xf32>, memref<64xf32>
  }
}
