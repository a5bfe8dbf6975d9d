// RUN: amk-opt %s --amk-assign-workers="strategy=round-robin" | FileCheck %s --check-prefix=RR
// RUN: amk-opt %s --amk-assign-workers="strategy=balanced" | FileCheck %s --check-prefix=BAL
// RUN: amk-opt %s --amk-assign-workers="strategy=critical-path" | FileCheck %s --check-prefix=BAL
// RUN: amk-opt %s --amk-assign-workers | FileCheck %s --check-prefix=PH
// RUN: amk-opt %s --amk-assign-workers="strategy=phases" | FileCheck %s --check-prefix=PH

// A chain of three tasks on two workers. Round-robin puts task i on worker
// i mod 2. Balanced (and critical-path, which orders the same chain the same
// way) start the search at worker i mod 2 and move only to a worker with an
// earlier start, or an equal start and a later idle time. Phases (the
// default) puts each on the worker that read the fewest bytes at its join
// depth, then in the step: t0 on 0, t1 (a tie at depth 1, fewer bytes in the
// step) on 1, t2 on 0.
// RR-LABEL:  amk.program @chain
// RR:        amk.task "t0" signals %e0 worker 0 queue 0
// RR:        amk.task "t1" waits(%e0 >= 1) signals %e1 worker 1 queue 0
// RR:        amk.task "t2" waits(%e1 >= 1) signals %e2 worker 0 queue 1
// BAL-LABEL: amk.program @chain
// BAL:       amk.task "t0" signals %e0 worker 0 queue 0
// BAL:       amk.task "t1" waits(%e0 >= 1) signals %e1 worker 1 queue 0
// BAL:       amk.task "t2" waits(%e1 >= 1) signals %e2 worker 1 queue 1
// PH-LABEL:  amk.program @chain
// PH:        amk.task "t0" signals %e0 worker 0 queue 0
// PH:        amk.task "t1" waits(%e0 >= 1) signals %e1 worker 1 queue 0
// PH:        amk.task "t2" waits(%e1 >= 1) signals %e2 worker 0 queue 1
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

// Phases: the tiles of depth 0 largest first, each where the depth's bytes
// are fewest: "a" (32 rows, 4352 B) on 0, "b" and "c" (16 rows each, 2304 B)
// both on 1. At depth 1 both workers read nothing yet; "d" goes to worker
// 0, which read fewer bytes in the step (4352 < 4608).
// PH-LABEL:  amk.program @phases
// PH:        amk.task "b" signals %e0 worker 1 queue 0
// PH:        amk.task "a" signals %e0 worker 0 queue 0
// PH:        amk.task "c" signals %e0 worker 1 queue 1
// PH:        amk.task "d" waits(%e0 >= 3) signals %e1 worker 0 queue 1
amk.program @phases target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "b" signals %e0 {
    amk.gemv %w, %x -> %h cols [32, 48) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "a" signals %e0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "c" signals %e0 {
    amk.gemv %w, %x -> %h cols [48, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "d" waits(%e0 >= 3) signals %e1 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}
