// RUN: amk-opt %s --amk-lower-megakernel -split-input-file -verify-diagnostics

// Test: a program without a target chip cannot be lowered.
// expected-error @+1 {{amk-lower-megakernel: program 'p' has no target chip: run --amk-compile or --amk-set-target}}
amk.program @p {
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
  }
}

// -----

// Test: an unassigned task is refused before anything is emitted.
amk.program @p target <"sm_90a", sms = 2> {
  %e = amk.event "e"
  // expected-error @+1 {{amk-lower-megakernel: task 't' has no worker/queue: the program must be fully assigned (run --amk-compile or --amk-assign-workers)}}
  amk.task "t" signals %e {
  }
}

// -----

// Test: the validator re-runs: two unordered writers of one buffer race.
// expected-error @+1 {{schedule rejected: 1 violation(s)}}
amk.program @p target <"sm_90a", sms = 2> {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "a" signals %e worker 0 queue 0 {
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
  amk.task "b" signals %e worker 1 queue 0 {
    // expected-error @+1 {{unordered conflicting accesses: write 'y'[0, 64) in task "a" and write 'y'[0, 64) in task "b" are not ordered by happens-before}}
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: an opaque op has no GPU lowering; the task is named.
amk.program @p target <"sm_90a", sms = 1> {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  // expected-error @+1 {{amk-lower-megakernel: task 't' has an amk.opaque body op ('GELU'), which has no GPU lowering}}
  amk.task "t" signals %e worker 0 queue 0 {
    amk.opaque "GELU" ins(%x) outs(%y) : memref<64xf32>, memref<64xf32>
  }
}
