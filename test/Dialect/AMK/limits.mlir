// The verifiers bound every id, count and size by what a GPU can have
// (AMKLimits.h, docs/limits.md) and name the bound: one case per bound, each
// just past it, so that no pass or tool meets a value it cannot size by.
//
// RUN: amk-opt %s -split-input-file -verify-diagnostics

// Test: a decode position past i32 is refused
// expected-error @+1 {{'amk.program' op position 2147483648 is outside [0, 2147483647] (decode positions are i32)}}
amk.program @p position 2147483648 {
}

// -----

// Test: a buffer over 1 TiB is refused (2^62 KV rows)
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op holds more than 1099511627776 bytes (the limit of one buffer), got 'memref<4611686018427387904x2x16xbf16>'}}
  %kc = amk.buffer "kc" kv_cache : memref<4611686018427387904x2x16xbf16>
}

// -----

// Test: a buffer whose element count overflows int64 is refused, not wrapped
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op holds more than 1099511627776 bytes (the limit of one buffer), got 'memref<4294967296x4294967296x16xf32>'}}
  %x = amk.buffer "x" activation : memref<4294967296x4294967296x16xf32>
}

// -----

// Test: a page over 1 TiB is refused (2^63-1 bytes)
amk.program @p {
  // expected-error @+1 {{'amk.page' op bytes 9223372036854775807 is outside [1, 1099511627776] (the limit of one page)}}
  %p = amk.page "p" bytes 9223372036854775807
}

// -----

// Test: a live range past the task limit is refused
amk.program @p {
  // expected-error @+1 {{'amk.page' op live range must be a constant, ordered task range inside [0, 16777216]}}
  %p = amk.page "p" bytes 64 live [0, 16777217)
}

// -----

// Test: a worker id past the grid's 131072 workers is refused (2^63-1)
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{'amk.task' op worker 9223372036854775807 is outside [0, 131072) (the workers of a grid)}}
  amk.task "t" signals %e worker 9223372036854775807 queue 0 {
  }
}

// -----

// Test: the first worker id past the grid is refused
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{'amk.task' op worker 131072 is outside [0, 131072) (the workers of a grid)}}
  amk.task "t" signals %e worker 131072 queue 0 {
  }
}

// -----

// Test: a queue position past the task limit is refused
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{'amk.task' op queue position 16777216 is outside [0, 16777216)}}
  amk.task "t" signals %e worker 0 queue 16777216 {
  }
}

// -----

// Test: a barrier slot past the task limit is refused
amk.program @p {
  // expected-error @+1 {{'amk.barrier' op slot 4294967296 is outside [0, 16777216)}}
  amk.barrier "b" slots [0, 4294967296]
}

// -----

// Test: a target with more SMs than any chip is refused (2^63-1)
// expected-error @+1 {{target field sms = 9223372036854775807 is outside [1, 4096]}}
amk.program @p target <"sm_90a", sms = 9223372036854775807> {
}

// -----

// Test: a target's shared memory past 1 GiB is refused
// expected-error @+1 {{target field smem = 1073741825 is outside [1, 1073741824]}}
amk.program @p target <"sm_90a", smem = 1073741825> {
}

// -----

// Test: a target's HBM bandwidth past 1 PB/s is refused
// expected-error @+1 {{target field hbm_gbps = 1048577 is outside [1, 1048576]}}
amk.program @p target <"sm_90a", hbm_gbps = 1048577> {
}

// -----

// Test: an attention window past the i32 positions is refused
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op window 9223372036854775807 is outside [1, 2147483647]}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 window 9223372036854775807 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: a KV range ending far below any position is refused (pos - 2^63 would wrap)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' ends at pos - 9223372036854775807, below any decode position}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos - 9223372036854775807) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: an infinite attention scale is refused
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op scale must be positive and finite, got INF}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0x7FF0000000000000 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}
