// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics
// RUN: not amk-oracle %s | FileCheck %s --check-prefix=ORACLE

// The accesses of one op run concurrently (its threads do not order them):
// every pair over the same memory, at least one a write, is a race inside
// the op unless the op computes the write from the read in place. In place
// is decided per operand (AccessOpInterface::allowsInPlace), not per buffer,
// and two writes of one op never are.

// Test: a gemv whose input, residual and output are one buffer: the
// residual is read in place, but every warp reads the whole input while
// others store output columns (in place per Value would accept it).
// ORACLE-LABEL: @input_is_residual_and_output: UNSAFE
// ORACLE: race at pos 0: 'amk.gemv' in task 't' reads 'x'[0, 64) and writes 'x'[0, 64), which share memory
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @input_is_residual_and_output {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %a = amk.buffer "a" input : memref<64xf32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %a -> %x : memref<64xf32>, memref<64xf32>
    // expected-error@+1 {{'amk.gemv' in task "t" reads 'x'[0, 64) (operand 1) and writes 'x'[0, 64) (operand 2), which overlap: the op does not compute these elements in place (race inside the op)}}
    amk.gemv %w, %x -> %x residual %x : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: the same through two buffers sharing a page: the input 'h' is also
// the residual, the output 'g' lies on the same bytes.
// ORACLE-LABEL: @input_is_residual_through_page: UNSAFE
// ORACLE: race at pos 0: 'amk.gemv' in task 't' reads 'h'[0, 64) and writes 'g'[0, 64), which share memory
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @input_is_residual_through_page {
  %p = amk.page "p" bytes 256
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %a = amk.buffer "a" input : memref<64xf32>
  %h = amk.buffer "h" activation page %p : memref<64xf32>
  %g = amk.buffer "g" activation page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %a -> %h : memref<64xf32>, memref<64xf32>
    // expected-error@+1 {{'amk.gemv' in task "t" reads 'h'[0, 64) (operand 1) and writes 'g'[0, 64) (operand 2), which overlap (their buffers share a scratch page): the op does not compute these elements in place (race inside the op)}}
    amk.gemv %w, %h -> %g residual %h : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.copy %g -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: a residual and a bias that are the gemv's own output are read in
// place (the lane storing output[n] reads bias[n] and residual[n] first),
// also through a page.
// ORACLE-LABEL: @residual_and_bias_in_place: SAFE
amk.program @residual_and_bias_in_place {
  %p = amk.page "p" bytes 256
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %a = amk.buffer "a" input : memref<64xf32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %h = amk.buffer "h" activation page %p : memref<64xf32>
  %g = amk.buffer "g" activation page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %a -> %x : memref<64xf32>, memref<64xf32>
    amk.gemv %w, %a -> %x residual %x : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.gemv %w, %a -> %x bias %x : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
    amk.copy %a -> %h : memref<64xf32>, memref<64xf32>
    amk.gemv %w, %a -> %g bias %h residual %h : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.copy %g -> %z : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: a split-KV partial attention whose partial output and stats share
// a scratch page: each op writes both over the page's first bytes, in no
// defined order. The combine reads only heads [2, 4), whose bytes neither
// write clobbers, so only the writes of one op conflict (slot 1's partial,
// bytes [256, 512), and stats, bytes [32, 64), do not overlap).
// ORACLE-LABEL: @partial_and_stats_on_one_page: UNSAFE
// ORACLE: race at pos 4: 'amk.attention' in task 'split' writes 'st'[0, 1)[0, 4)[0, 2) and writes 'op'[0, 1)[0, 64), which share memory
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @partial_and_stats_on_one_page position 4 {
  %p = amk.page "p" bytes 512
  %q = amk.buffer "q" input : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x4x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %op = amk.buffer "op" scratch page %p : memref<2x64xf32>
  %st = amk.buffer "st" scratch page %p : memref<2x4x2xf32>
  %o = amk.buffer "o" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "split" signals %e worker 0 queue 0 {
    amk.kv_append %q, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<8x4x16xbf16>
    // expected-error@+1 {{'amk.attention' in task "split" writes 'op'[0, 1)[0, 64) (operand 4) and 'st'[0, 1)[0, 4)[0, 2) (operand 5), which overlap (their buffers share a scratch page): which write lands last is not defined (race inside the op)}}
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 0 kv [0, 2) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 1 kv [2, 4) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
  amk.task "combine" signals %e worker 0 queue 1 {
    amk.copy %q -> %o cols [0, 32) : memref<64xf32>, memref<64xf32>
    amk.attention_combine %op, %st -> %o heads [2, 4) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: an op that lists one buffer as two of its outputs writes it twice
// at once.
// ORACLE-LABEL: @opaque_writes_twice: UNSAFE
// ORACLE: race at pos 0: 'amk.opaque' in task 't' writes 'y'[0, 64) and writes 'y'[0, 64), which share memory
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @opaque_writes_twice {
  %a = amk.buffer "a" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error@+1 {{'amk.opaque' in task "t" writes 'y'[0, 64) (operand 1) and 'y'[0, 64) (operand 2), which overlap: which write lands last is not defined (race inside the op)}}
    amk.opaque "split" ins(%a) outs(%y, %y) : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
}
