// RUN: amk-opt %s -split-input-file --amk-allocate-scratch | FileCheck %s
// RUN: amk-opt %s -split-input-file --amk-allocate-scratch=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// Test: a chain x -> a -> b -> c -> y over two workers. Every access of `a`
// happens before every access of `c`, so they share a page; `b` is live
// while both are touched (t1 and t2), so it gets its own.
// CHECK-LABEL: amk.program @chain
// CHECK-DAG:   %p0 = amk.page "p0" bytes 256 live [0, 4)
// CHECK-DAG:   %p1 = amk.page "p1" bytes 256 live [1, 3)
// CHECK:       amk.buffer "a" activation page %p0
// CHECK:       amk.buffer "b" activation page %p1
// CHECK:       amk.buffer "c" activation page %p0
// REPORT:      amk-allocate-scratch @chain: 3 transient buffers, 768 bytes -> 2 pages, 512 bytes
amk.program @chain target <"sm_90a", sms = 2> {
  %x = amk.buffer "x" input : memref<64xf32>
  %a = amk.buffer "a" activation : memref<64xf32>
  %b = amk.buffer "b" activation : memref<64xf32>
  %c = amk.buffer "c" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  %e2 = amk.event "e2"
  %e3 = amk.event "e3"
  amk.task "t0" signals %e0 worker 0 queue 0 {
    amk.copy %x -> %a : memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.copy %a -> %b : memref<64xf32>, memref<64xf32>
  }
  amk.task "t2" waits(%e1 >= 1) signals %e2 worker 0 queue 1 {
    amk.copy %b -> %c : memref<64xf32>, memref<64xf32>
  }
  amk.task "t3" waits(%e2 >= 1) signals %e3 worker 1 queue 1 {
    amk.copy %c -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: happens-before is the validator's, barriers included. No event
// orders t0 (worker 0) and t1 (worker 1), but the barrier sits between them
// in both queues, so every access of `a` happens before every access of `b`
// and they share a page.
// CHECK-LABEL: amk.program @barrier
// CHECK:       %p0 = amk.page "p0" bytes 256 live [0, 2)
// CHECK-NOT:   amk.page
// CHECK:       amk.buffer "a" activation page %p0
// CHECK:       amk.buffer "b" activation page %p0
// REPORT:      amk-allocate-scratch @barrier: 2 transient buffers, 512 bytes -> 1 pages, 256 bytes
amk.program @barrier target <"sm_90a", sms = 2> {
  %x = amk.buffer "x" input : memref<64xf32>
  %a = amk.buffer "a" activation : memref<64xf32>
  %b = amk.buffer "b" activation : memref<64xf32>
  %y0 = amk.buffer "y0" output : memref<64xf32>
  %y1 = amk.buffer "y1" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "t0" signals %e0 worker 0 queue 0 {
    amk.copy %x -> %a : memref<64xf32>, memref<64xf32>
    amk.copy %a -> %y0 : memref<64xf32>, memref<64xf32>
  }
  amk.barrier "sync" slots [1, 0]
  amk.task "t1" signals %e1 worker 1 queue 1 {
    amk.copy %x -> %b : memref<64xf32>, memref<64xf32>
    amk.copy %b -> %y1 : memref<64xf32>, memref<64xf32>
  }
}
