// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// Paper hole: each queue alone is fine; together they deadlock.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @cross_queue target <"sm_90a", sms = 2> {
  %x = amk.event "X"
  %y = amk.event "Y"
  %d = amk.event "d"
  // expected-error@+1 {{deadlock: cycle task "a0" -(queue w0)-> task "a1" -> event "Y" -> task "b0" -(queue w1)-> task "b1" -> event "X" -> task "a0"}}
  amk.task "a0" waits(%x >= 1) signals %d worker 0 queue 0 {
  }
  amk.task "a1" signals %y worker 0 queue 1 {
  }
  amk.task "b0" waits(%y >= 1) signals %d worker 1 queue 0 {
  }
  amk.task "b1" signals %x worker 1 queue 1 {
  }
}

// -----

// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @unsatisfiable {
  %e = amk.event "e"
  %n = amk.event "never"
  %d = amk.event "d"
  amk.task "p0" signals %e {
  }
  amk.task "p1" signals %e {
  }
  // expected-error@+1 {{task "w" waits for event "e" >= 3 but init 0 + 2 producers = 2: the wait can never be satisfied (deadlock)}}
  amk.task "w" waits(%e >= 3) signals %d {
  }
  // expected-error@+1 {{task "z" waits for event "never" >= 1 but init 0 + 0 producers = 0: the wait can never be satisfied (deadlock)}}
  amk.task "z" waits(%n >= 1) signals %d {
  }
}

// -----

// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @event_cycle {
  %a = amk.event "a"
  %b = amk.event "b"
  // expected-error@+1 {{deadlock: cycle task "t0" -> event "a" -> task "t1" -> event "b" -> task "t0"}}
  amk.task "t0" waits(%b >= 1) signals %a {
  }
  amk.task "t1" waits(%a >= 1) signals %b {
  }
}

// -----

// Two barriers in a different order on the two workers.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @barrier_order target <"sm_90a", sms = 2> {
  %e = amk.event "e"
  // expected-error@+1 {{deadlock: cycle barrier "b0" -(queue w0)-> barrier "b1" -(queue w1)-> barrier "b0"}}
  amk.barrier "b0" slots [0, 1]
  amk.barrier "b1" slots [1, 0]
}

// -----

// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @self_join {
  %e = amk.event "e" init 1
  // expected-error@+1 {{task "t" waits for event "e" >= 2 but init 1 + 0 producers = 1: the wait can never be satisfied (deadlock)}}
  amk.task "t" waits(%e >= 2) signals %e {
  }
}
