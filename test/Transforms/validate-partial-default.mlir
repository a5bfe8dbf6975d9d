// RUN: amk-opt %s --amk-validate=stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: amk-opt %s --amk-validate="partial-waits=strict" -verify-diagnostics -o /dev/null
// RUN: amk-oracle %s | FileCheck %s --check-prefix=ORACLE

// Exact partial waits are the default; partial-waits=strict is the opt-in
// that rejects every partial wait happens-before does not resolve.

// Test: a wait for the first of two tiles whose waiter reads only what both
// tiles' common predecessor wrote is certified by default and rejected by
// strict mode; the oracle finds no run that misbehaves.
// DEFAULT: amk-validate: @first_tile_done certified: 5 tasks
// ORACLE: @first_tile_done: SAFE
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @first_tile_done target <"sm_90a", sms = 3> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %n = amk.buffer "n" activation : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" output : memref<64xf32>
  %normed = amk.event "normed"
  %tiles = amk.event "tiles"
  %d = amk.event "d"
  amk.task "norm" signals %normed worker 0 queue 0 {
    amk.copy %x -> %n : memref<64xf32>, memref<64xf32>
  }
  amk.task "t0" waits(%normed >= 1) signals %tiles worker 0 queue 1 {
    amk.gemv %w, %n -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" waits(%normed >= 1) signals %tiles worker 1 queue 0 {
    amk.gemv %w, %n -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  // expected-error@+1 {{task "early" waits for event "tiles" >= 1 but init 0 + 2 producers = 2: a partial wait on a shared event does not say which producers finished (race); wait for all of them}}
  amk.task "early" waits(%tiles >= 1) signals %d worker 2 queue 0 {
    amk.copy %n -> %z : memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%tiles >= 2) signals %d worker 2 queue 1 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}
