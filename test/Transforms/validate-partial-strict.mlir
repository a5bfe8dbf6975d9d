// RUN: amk-opt %s --amk-validate="partial-waits=strict" -split-input-file -verify-diagnostics

// partial-waits=strict, the conservative opt-in: a partial wait on a shared
// event that happens-before does not resolve is a violation in itself, even
// when no access depends on the producers it leaves open. The default (exact)
// reports only the races these waits cause (validate-partial-exact.mlir,
// validate-partial-default.mlir).

// Test: a partial wait on an event with two producers (which one finished?)
// is itself a violation, beside the races it causes.
// expected-error@+1 {{schedule rejected: 3 violation(s)}}
amk.program @partial_wait target <"sm_90a", sms = 3> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "tiles"
  %d = amk.event "d"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  // expected-error@+1 {{task "use" waits for event "tiles" >= 1 but init 0 + 2 producers = 2: a partial wait on a shared event does not say which producers finished (race); wait for all of them}}
  amk.task "use" waits(%e >= 1) signals %d worker 2 queue 0 {
    // expected-error@+2 {{unordered conflicting accesses: write 'h'[0, 32) in task "t0" and read 'h'[0, 64) in task "use" are not ordered by happens-before}}
    // expected-error@+1 {{unordered conflicting accesses: write 'h'[32, 64) in task "t1" and read 'h'[0, 64) in task "use" are not ordered by happens-before}}
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: paper hole, a counter with a non-zero initial value: threshold 2
// equals the number of producers, but init 1 lets the waiter go after one of
// them, which strict mode reports as an ambiguous partial wait.
// expected-error@+1 {{schedule rejected: 3 violation(s)}}
amk.program @nonzero_init target <"sm_90a", sms = 3> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "tiles" init 1
  %d = amk.event "d"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  // expected-error@+1 {{task "use" waits for event "tiles" >= 2 but init 1 + 2 producers = 3: a partial wait on a shared event does not say which producers finished (race); wait for all of them}}
  amk.task "use" waits(%e >= 2) signals %d worker 2 queue 0 {
    // expected-error@+2 {{unordered conflicting accesses: write 'h'[0, 32) in task "t0" and read 'h'[0, 64) in task "use" are not ordered by happens-before}}
    // expected-error@+1 {{unordered conflicting accesses: write 'h'[32, 64) in task "t1" and read 'h'[0, 64) in task "use" are not ordered by happens-before}}
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}
