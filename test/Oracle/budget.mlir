// amk-oracle refuses a program too large to explore (its state grows with
// the square of the task count; the 8B schedule took minutes and GBs) and
// says when the time limit stopped it short.
//
// RUN: not amk-oracle --max-tasks 2 %s | FileCheck %s --check-prefix=LARGE
// LARGE: @chain: TOO LARGE (3 tasks, more than the oracle's 2); not explored
// RUN: amk-oracle --time-limit 0 %s | FileCheck %s --check-prefix=TIME
// TIME: @chain: SAFE (0 findings, {{[0-9]+}} states, random, stopped short at the time limit)
// RUN: amk-oracle %s | FileCheck %s --check-prefix=FULL
// FULL: @chain: SAFE (0 findings, {{[0-9]+}} states, exhaustive)

amk.program @chain target <"sm_90a", sms = 2> {
  %x = amk.buffer "x" input : memref<8xf32>
  %h = amk.buffer "h" activation : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "h.done"
  %f = amk.event "y.done"
  %g = amk.event "z.done"
  amk.task "h" signals %e worker 0 queue 0 {
    amk.copy %x -> %h : memref<8xf32>, memref<8xf32>
  }
  amk.task "y" waits(%e >= 1) signals %f worker 1 queue 0 {
    amk.copy %h -> %y : memref<8xf32>, memref<8xf32>
  }
  amk.task "z" waits(%f >= 1) signals %g worker 0 queue 1 {
  }
}
