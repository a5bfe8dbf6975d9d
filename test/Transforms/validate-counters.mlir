// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// Event counters are 32-bit; sizes are overflow-checked and absurd ones are
// refused (include/AMK/Support/StorageModel.h).

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

// -----

// Test: a buffer whose element count overflows 64 bits is refused, not
// silently left out of the analysis.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @size_overflows {
  %x = amk.buffer "x" input : memref<8xf32>
  // expected-error@+1 {{buffer 'h' is too large: more than 2^63 elements of 32 bits exceed 1099511627776 bytes}}
  %h = amk.buffer "h" activation : memref<4294967296x4294967296xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %y : memref<8xf32>, memref<8xf32>
  }
}

// -----

// Test: a buffer of 2^41 bytes (bit extent 2^44) is refused.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @size_absurd {
  %x = amk.buffer "x" input : memref<8xf32>
  // expected-error@+1 {{buffer 'h' is too large: 549755813888 elements of 32 bits exceed 1099511627776 bytes}}
  %h = amk.buffer "h" activation : memref<549755813888xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %y : memref<8xf32>, memref<8xf32>
  }
}

// -----

// Test: an absurd page size is refused.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @page_absurd {
  // expected-error@+1 {{page 'p' has 4611686018427387904 bytes, more than the 1099511627776 AMK accepts}}
  %p = amk.page "p" bytes 4611686018427387904
  %x = amk.buffer "x" input : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %y : memref<8xf32>, memref<8xf32>
  }
}
