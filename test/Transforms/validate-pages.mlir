// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// The storage model of scratch pages (include/AMK/Support/StorageModel.h):
// every buffer of a page starts at its byte 0 and must fit it; a clobber
// through another buffer of the page is found whatever the accesses' shape;
// one op may read and write the same memory only in place.

// Test: a strided read (combine over half the heads of the split-KV stats)
// of a buffer whose page was overwritten through another buffer in between,
// all three tasks ordered on one worker (the swept path).
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @strided_clobber position 4 {
  %p = amk.page "p" bytes 64
  %q = amk.buffer "q" input : memref<64xf32>
  %c = amk.buffer "c" input : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x4x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %st = amk.buffer "st" scratch page %p : memref<2x4x2xf32>
  %t = amk.buffer "t" scratch page %p : memref<16xf32>
  %o = amk.buffer "o" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "split" signals %e worker 0 queue 0 {
    amk.kv_append %q, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<8x4x16xbf16>
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 0 kv [0, 2) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 1 kv [2, 4) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
  amk.task "clobber" signals %e worker 0 queue 1 {
    amk.add %c, %c -> %t : memref<16xf32>, memref<16xf32>, memref<16xf32>
  }
  amk.task "combine" signals %e worker 0 queue 2 {
    // expected-error@+1 {{task "combine" reads 'st'[0, 2)[0, 2)[0, 2) but part of it was last written as 't'[0, 16) by task "clobber", which shares its scratch page (garbage read)}}
    amk.attention_combine %op, %st -> %o heads [0, 2) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
    // expected-error@+1 {{task "combine" reads 'st'[0, 2)[2, 4)[0, 2) but part of it was last written as 't'[0, 16) by task "clobber", which shares its scratch page (garbage read)}}
    amk.attention_combine %op, %st -> %o heads [2, 4) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: the same schedule with the page's second tenant written after the
// combine is certified (no clobber, strided accesses on a shared page).
amk.program @strided_reuse position 4 {
  %p = amk.page "p" bytes 64
  %q = amk.buffer "q" input : memref<64xf32>
  %c = amk.buffer "c" input : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x4x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %st = amk.buffer "st" scratch page %p : memref<2x4x2xf32>
  %t = amk.buffer "t" scratch page %p : memref<16xf32>
  %o = amk.buffer "o" output : memref<64xf32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "split" signals %e worker 0 queue 0 {
    amk.kv_append %q, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<8x4x16xbf16>
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 0 kv [0, 2) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 1 kv [2, 4) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
  amk.task "combine" signals %e worker 0 queue 1 {
    amk.attention_combine %op, %st -> %o heads [0, 2) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
    amk.attention_combine %op, %st -> %o heads [2, 4) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
  amk.task "reuse" signals %e worker 0 queue 2 {
    amk.add %c, %c -> %t : memref<16xf32>, memref<16xf32>, memref<16xf32>
    amk.copy %t -> %y : memref<16xf32>, memref<16xf32>
  }
}

// -----

// Test: a buffer larger than its page would overrun it.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @buffer_overruns_page {
  %p = amk.page "p" bytes 32
  %x = amk.buffer "x" input : memref<16xf32>
  // expected-error@+1 {{buffer 'h' takes 64 bytes but its page 'p' has 32: the buffer would overrun the page}}
  %h = amk.buffer "h" activation page %p : memref<16xf32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %h : memref<16xf32>, memref<16xf32>
    amk.copy %h -> %y : memref<16xf32>, memref<16xf32>
  }
}

// -----

// Test: a gemv reading its input from the page its output is written to
// races inside the op (other columns are written while the input is read).
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @operands_overlap_through_page {
  %p = amk.page "p" bytes 256
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation page %p : memref<64xf32>
  %g = amk.buffer "g" activation page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %h : memref<64xf32>, memref<64xf32>
    // expected-error@+1 {{'amk.gemv' in task "t" reads 'h'[0, 64) (operand 1) and writes 'g'[0, 32) (operand 2), which overlap (their buffers share a scratch page): the op does not compute these elements in place (race inside the op)}}
    amk.gemv %w, %h -> %g cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: elementwise ops may work in place, on one buffer or through a page
// (same elements, same width): a residual add into its own input and an
// add from one tenant of a page into the other.
amk.program @in_place_ok {
  %p = amk.page "p" bytes 256
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation page %p : memref<64xf32>
  %g = amk.buffer "g" activation page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %h : memref<64xf32>, memref<64xf32>
    amk.add %h, %x -> %h : memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.add %h, %x -> %g : memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.copy %g -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: through a page, a copy reading f32 and writing bf16 elements over
// the same bytes is not in place (element i of one is not element i of the
// other).
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @in_place_other_width {
  %p = amk.page "p" bytes 256
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation page %p : memref<64xf32>
  %g = amk.buffer "g" activation page %p : memref<64xbf16>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %h : memref<64xf32>, memref<64xf32>
    // expected-error@+1 {{'amk.copy' in task "t" reads 'h'[0, 64) (operand 0) and writes 'g'[0, 64) (operand 1), which overlap (their buffers share a scratch page): the op does not compute these elements in place (race inside the op)}}
    amk.copy %h -> %g : memref<64xf32>, memref<64xbf16>
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: sub-byte elements are packed; an access that starts or ends inside
// a byte would share that byte with a neighbour's write.
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @sub_byte_unaligned {
  %x = amk.buffer "x" input : memref<8xi4>
  %h = amk.buffer "h" output : memref<8xi4>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %h cols [0, 2) : memref<8xi4>, memref<8xi4>
    // expected-error@+2 {{task "t" accesses 'x'[2, 3) of a buffer of 4-bit elements, which does not start and end on byte boundaries (neighbouring elements share a byte that is written whole)}}
    // expected-error@+1 {{task "t" accesses 'h'[2, 3) of a buffer of 4-bit elements, which does not start and end on byte boundaries (neighbouring elements share a byte that is written whole)}}
    amk.copy %x -> %h cols [2, 3) : memref<8xi4>, memref<8xi4>
    amk.copy %x -> %h cols [2, 8) : memref<8xi4>, memref<8xi4>
  }
}
