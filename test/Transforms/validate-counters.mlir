// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// Event counters are 32-bit: init plus every producer must fit. (Absurd
// sizes and worker ids are refused by the verifier, docs/limits.md; the
// validator's own overflow checks are a second line.)

// Test: init 4294967295 plus one producer wraps the counter.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @counter_wraps {
  %x = amk.buffer "x" input : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  // expected-error@+1 {{event 'e' counts up to init 4294967295 + 1 producers = 4294967296, past the largest value of its 32-bit counter (4294967295): it would wrap}}
  %e = amk.event "e" init 4294967295
  amk.task "t" signals %e {
    amk.copy %x -> %y : memref<8xf32>, memref<8xf32>
  }
}

// -----

// Test: init 4294967294 plus one producer just fits.
amk.program @counter_fits {
  %x = amk.buffer "x" input : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e" init 4294967294
  amk.task "t" signals %e {
    amk.copy %x -> %y : memref<8xf32>, memref<8xf32>
  }
}
