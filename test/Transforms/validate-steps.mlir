// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// Across steps: rows [0, pos) of a KV cache hold earlier steps' appends, but
// only what every step appends; an output read before this step writes it
// holds the previous step's value.

// Test: an output read before the step writes it.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @output_read_first {
  %x = amk.buffer "x" input : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %z = amk.buffer "z" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error@+1 {{task "t" reads 'y'[0, 8) but 'y'[0, 8) has no writer ordered before it (garbage read)}}
    amk.copy %y -> %z : memref<8xf32>, memref<8xf32>
    amk.copy %x -> %y : memref<8xf32>, memref<8xf32>
  }
}

// -----

// Test: constant KV rows at a pinned position (the replayed path, every
// access constant and contiguous): rows 0 and 1 come from earlier steps,
// row 2 is appended before the whole cache is copied out. Certified.
amk.program @constant_rows position 2 {
  %k = amk.buffer "k" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<3x4x16xbf16>
  %o = amk.buffer "o" output : memref<3x4x16xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.kv_append %k, %pos -> %kc row 2 : memref<64xf32>, memref<1xi32>, memref<3x4x16xbf16>
    amk.copy %kc -> %o : memref<3x4x16xbf16>, memref<3x4x16xbf16>
  }
}

// -----

// Test: heads 2 and 3 are read from earlier rows but no step appends them.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @history_not_appended position 3 {
  %q = amk.buffer "q" input : memref<64xf32>
  %k = amk.buffer "k" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<8x4x16xbf16>
  %o = amk.buffer "o" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.kv_append %k, %pos -> %kc heads [0, 2) : memref<64xf32>, memref<1xi32>, memref<8x4x16xbf16>
    // expected-error@+1 {{task "t" reads 'kc'[0, min(1, pos + 1))[0, 4)[0, 16), whose rows below pos count as written by earlier steps only if every step appends them, but 'kc'[3, 4)[2, 4)[0, 16) is not appended at pos = 3}}
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, 1) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}
