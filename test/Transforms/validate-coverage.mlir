// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// Paper hole: attention reads row pos of the cache, but no append of this
// step is ordered before it.
// expected-error@+1 {{schedule rejected: 4 violation(s)}}
amk.program @kv_unwritten target <"sm_90a", sms = 2> {
  %q = amk.buffer "q" input : memref<64xf32>
  %k = amk.buffer "k" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<128x4x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x4x16xbf16>
  %o = amk.buffer "o" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "append" signals %e worker 0 queue 0 {
    amk.kv_append %k, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
  }
  amk.task "attn" signals %e worker 1 queue 0 {
    // expected-error@+3 {{unordered conflicting accesses: write 'kc'[pos, pos + 1)[0, 4)[0, 16) in task "append" and read 'kc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16) in task "attn" are not ordered by happens-before}}
    // expected-error@+2 {{task "attn" reads 'kc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16) but 'kc'[0, 1)[0, 4)[0, 16) has no writer ordered before it at pos = 0 (garbage read)}}
    // expected-error@+1 {{task "attn" reads 'vc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16) but 'vc'[0, 1)[0, 4)[0, 16) has no writer ordered before it at pos = 0 (garbage read)}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x4x16xbf16>, memref<128x4x16xbf16>, memref<1xi32>, memref<64xf32>
    // expected-error@-1 {{task "attn" reads 'vc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16), whose rows below pos count as written by earlier steps only if every step appends them, but 'vc'[1, 2)[0, 4)[0, 16) is not appended at pos = 1}}
  }
}

// -----

// The append writes a constant row; attention needs row pos, for every pos.
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @kv_constant_row target <"sm_90a", sms = 1> {
  %q = amk.buffer "q" input : memref<64xf32>
  %k = amk.buffer "k" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<128x4x16xbf16>
  %o = amk.buffer "o" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "append" signals %e worker 0 queue 0 {
    amk.kv_append %k, %pos -> %kc row 17 : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
  }
  amk.task "attn" signals %e worker 0 queue 1 {
    // expected-error@+1 {{task "attn" reads 'kc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16) but 'kc'[0, 1)[0, 4)[0, 16) has no writer ordered before it at pos = 0 (garbage read)}}
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x4x16xbf16>, memref<128x4x16xbf16>, memref<1xi32>, memref<64xf32>
    // expected-error@-1 {{task "attn" reads 'kc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16), whose rows below pos count as written by earlier steps only if every step appends them, but 'kc'[1, 2)[0, 4)[0, 16) is not appended at pos = 1}}
  }
}

// -----

// Only two of four KV heads appended before attention over all heads.
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @kv_heads target <"sm_90a", sms = 1> {
  %q = amk.buffer "q" input : memref<64xf32>
  %k = amk.buffer "k" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<128x4x16xbf16>
  %o = amk.buffer "o" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "append" signals %e worker 0 queue 0 {
    amk.kv_append %k, %pos -> %kc heads [0, 2) : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
  }
  amk.task "attn" signals %e worker 0 queue 1 {
    // expected-error@+1 {{task "attn" reads 'kc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16) but 'kc'[0, 1)[2, 4)[0, 16) has no writer ordered before it at pos = 0 (garbage read)}}
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x4x16xbf16>, memref<128x4x16xbf16>, memref<1xi32>, memref<64xf32>
    // expected-error@-1 {{task "attn" reads 'kc'[0, min(pos + 1, pos + 1))[0, 4)[0, 16), whose rows below pos count as written by earlier steps only if every step appends them, but 'kc'[1, 2)[2, 4)[0, 16) is not appended at pos = 1}}
  }
}

// -----

// A reader of the whole vector needs every tile written before it.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @activation_gap target <"sm_90a", sms = 1> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 0 queue 1 {
    // expected-error@+1 {{task "t1" reads 'h'[0, 64) but 'h'[32, 64) has no writer ordered before it (garbage read)}}
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @outputs target <"sm_90a", sms = 1> {
  %x = amk.buffer "x" input : memref<64xf32>
  // expected-error@+1 {{output buffer 'y'[0, 64) is not fully written: 'y'[48, 64) has no writer}}
  %y = amk.buffer "y" output : memref<64xf32>
  // expected-error@+1 {{output buffer 'never'[0, 1) is never written}}
  %never = amk.buffer "never" output : memref<1xi32>
  %e = amk.event "e"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.copy %x -> %y cols [0, 48) : memref<64xf32>, memref<64xf32>
  }
}
