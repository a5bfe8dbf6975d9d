// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// Paper hole: nothing may write a weight.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @weight_write target <"sm_90a", sms = 1> {
  %w = amk.buffer "w" weight key "w" : memref<64xf32>
  %x = amk.buffer "x" input : memref<64xf32>
  %e = amk.event "e"
  amk.task "t0" signals %e worker 0 queue 0 {
    // expected-error@+1 {{task "t0" writes weight buffer 'w'[0, 64), which is read-only during a step}}
    amk.copy %x -> %w : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Paper hole: a KV append past the cache (the step's position is fixed).
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @kv_past_cache target <"sm_90a", sms = 1> position 128 {
  %k = amk.buffer "k" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  // expected-error@+1 {{the program's position 128 is outside KV cache 'kc' of 128 rows}}
  %kc = amk.buffer "kc" kv_cache : memref<128x4x16xbf16>
  %e = amk.event "e"
  amk.task "append" signals %e worker 0 queue 0 {
    // expected-error@+1 {{task "append" accesses 'kc'[pos, pos + 1)[0, 4)[0, 16) out of bounds of 'kc'[0, 128)[0, 4)[0, 16): dimension 0 is [128, 129) at pos = 128, the buffer has 128}}
    amk.kv_append %k, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
  }
}

// -----

// Workers and barrier slots outside the target's grid.
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @grid target <"sm_90a", sms = 2> {
  %e = amk.event "e"
  // expected-error@+1 {{task "t0" runs on worker 2, outside the grid of 2 workers of target sm_90a}}
  amk.task "t0" signals %e worker 2 queue 0 {
  }
  // expected-error@+1 {{barrier "b" has slots for 3 workers, outside the grid of 2 workers of target sm_90a}}
  amk.barrier "b" slots [0, 0, 1]
}

// -----

// A barrier that one worker of the grid does not join.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @barrier_slots target <"sm_90a", sms = 4> {
  %e = amk.event "e"
  amk.task "t0" signals %e worker 2 queue 0 {
  }
  // expected-error@+1 {{barrier "b" has 2 slots but the grid has 3 workers: every worker must join a barrier}}
  amk.barrier "b" slots [1, 0]
}

// -----

// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @unassigned_task target <"sm_90a", sms = 2> {
  %e = amk.event "e"
  amk.task "t0" signals %e worker 0 queue 0 {
  }
  // expected-error@+1 {{task "t1" has no worker in a program whose other tasks and barriers are assigned: no worker would run it}}
  amk.task "t1" signals %e {
  }
}
