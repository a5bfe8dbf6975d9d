// Negative tests of the amk dialect's verifiers for attention,
// attention_combine and kv_append: one case per rule, each checking the exact
// diagnostic. The other op groups are in errors-*.mlir beside this file;
// attribute parse/verify errors are in invalid-attrs.mlir, undefined references
// in undefined-value.mlir.
//
// RUN: amk-opt %s -split-input-file -verify-diagnostics

// Test: kv_append: the cache is [rows, kv_heads, head_dim]
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'cache' must have rank 3 ([rows, kv_heads, head_dim]), got 'memref<128x32xbf16>'}}
    amk.kv_append %k, %pos -> %kc2 : memref<32xf32>, memref<1xi32>, memref<128x32xbf16>
  }
}

// -----

// Test: kv_append: the cache is floating-point
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'cache' must have a floating-point element type, got 'i8'}}
    amk.kv_append %k, %pos -> %kci : memref<32xf32>, memref<1xi32>, memref<128x2x16xi8>
  }
}

// -----

// Test: kv_append: the input is floating-point
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'input' must have a floating-point element type, got 'i32'}}
    amk.kv_append %ki, %pos -> %kc : memref<32xi32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: the position is i32
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'position' must be a one-element i32 vector, got 'memref<1xi64>'}}
    amk.kv_append %k, %pos64 -> %kc : memref<32xf32>, memref<1xi64>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: the input is a vector
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x16xf32>'}}
    amk.kv_append %k2, %pos -> %kc : memref<2x16xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: the input is kv_heads * head_dim wide
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'input' has 16 elements, expected 32 (kv_heads * head_dim of the cache)}}
    amk.kv_append %k16, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: row inside the cache
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op row 128 is outside the cache's 128 rows}}
    amk.kv_append %k, %pos -> %kc row 128 : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: row cannot be negative
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op row -1 is outside the cache's 128 rows}}
    amk.kv_append %k, %pos -> %kc row -1 : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: heads inside the KV heads
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'heads' [1, 3) exceeds the 2 KV heads}}
    amk.kv_append %k, %pos -> %kc heads [1, 3) : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: heads cannot depend on pos
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'heads' cannot depend on the decode position}}
    amk.kv_append %k, %pos -> %kc heads [0, pos) : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: attention: the key cache is [rows, kv_heads, head_dim]
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'key_cache' must have rank 3 ([rows, kv_heads, head_dim]), got 'memref<128x32xbf16>'}}
    amk.attention %q, %kc2, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x32xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the value cache is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'value_cache' must have a floating-point element type, got 'i8'}}
    amk.attention %q, %kc, %vci, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xi8>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the query is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'query' must have a floating-point element type, got 'i32'}}
    amk.attention %qi, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xi32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the output is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'output' must have a floating-point element type, got 'i32'}}
    amk.attention %q, %kc, %vc, %pos -> %oi kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xi32>
  }
}

// -----

// Test: attention: the position is i32
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'position' must be a one-element i32 vector, got 'memref<1xf32>'}}
    amk.attention %q, %kc, %vc, %posf -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xf32>, memref<64xf32>
  }
}

// -----

// Test: attention: key and value caches match
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op key and value caches differ: 'memref<128x2x16xbf16>' vs 'memref<64x2x16xbf16>'}}
    amk.attention %q, %kc, %vc64, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<64x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the query is a vector
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'query' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.attention %q2, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<2x32xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the query is whole heads
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op query's 40 elements are not a multiple of head_dim 16}}
    amk.attention %q40, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<40xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: query heads are a multiple of KV heads (GQA)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 3 query heads are not a multiple of 2 KV heads}}
    amk.attention %q48, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<48xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: heads inside the query heads
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'heads' [2, 6) exceeds the 4 query heads}}
    amk.attention %q, %kc, %vc, %pos -> %o heads [2, 6) kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: heads cannot be empty
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'heads' [3, 3) is empty or negative}}
    amk.attention %q, %kc, %vc, %pos -> %o heads [3, 3) kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: full output is heads * head_dim
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'output' has 32 elements, expected 64 (the query's)}}
    amk.attention %q, %kc, %vc, %pos -> %o32 kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: attention: full output is a vector
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %o2 kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x32xf32>
  }
}

// -----

// Test: attention: slot without the partial form (generic form)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'slot' needs the partial form}}
    "amk.attention"(%q, %kc, %vc, %pos, %o) <{kv = #amk.interval<0, pos + 1>, scale = 2.500000e-01 : f64, slot = 0 : i64}> : (memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>) -> ()
  }
}

// -----

// Test: attention: the partial form without a slot (generic form)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op the partial form needs a 'slot'}}
    "amk.attention"(%q, %kc, %vc, %pos, %op, %st) <{kv = #amk.interval<0, pos + 1>, scale = 2.500000e-01 : f64}> : (memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>) -> ()
  }
}

// -----

// Test: attention: partial output is [splits, width] (rank)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op partial 'output' must be [splits, 64], got 'memref<1x2x64xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op3 partial %st slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x2x64xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: partial output is [splits, width] (width)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op partial 'output' must be [splits, 64], got 'memref<2x32xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op32 partial %st slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x32xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: stats has one row per split
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'stats' must be memref<2x4x2xf32> ([splits, heads, max/sum]), got 'memref<3x4x2xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st3 slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<3x4x2xf32>
  }
}

// -----

// Test: attention: stats holds max and sum
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'stats' must be memref<2x4x2xf32> ([splits, heads, max/sum]), got 'memref<2x4x1xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st1 slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x1xf32>
  }
}

// -----

// Test: attention: stats is f32
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'stats' must be memref<2x4x2xf32> ([splits, heads, max/sum]), got 'memref<2x4x2xf16>'}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %sth slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf16>
  }
}

// -----

// Test: attention: slot inside the splits
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op slot 2 is outside the 2 splits}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 2 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: slot cannot be negative
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op slot -1 is outside the 2 splits}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot -1 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: kv start cannot depend on pos
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op the start of 'kv' cannot depend on the decode position}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [pos - 4, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: kv cannot start below row 0
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' starts at a negative row}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [-1, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: kv cannot reach past pos + 1
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' cannot reach past pos + 1}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 2) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: a constant kv range cannot be empty
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' [64, 64) is empty}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [64, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: kv inside the cache
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' [64, 129) exceeds the cache's 128 rows}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [64, 129) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: scale must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op scale must be positive}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.0 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: scale must be positive (negative)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op scale must be positive}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale -0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: window must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op window 0 is outside [1, 2147483647]}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 window 0 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: window must be positive (negative)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op window -8 is outside [1, 2147483647]}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 window -8 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: the output is a vector
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.attention_combine %op, %st -> %o2 : memref<2x64xf32>, memref<2x4x2xf32>, memref<2x32xf32>
  }
}

// -----

// Test: attention_combine: the output is floating-point
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'output' must have a floating-point element type, got 'i32'}}
    amk.attention_combine %op, %st -> %oi : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xi32>
  }
}

// -----

// Test: attention_combine: partial is [splits, width] (rank)
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'partial' must be [splits, 64], got 'memref<2x1x64xf32>'}}
    amk.attention_combine %op3, %st -> %o : memref<2x1x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: partial is [splits, width] (width)
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'partial' must be [splits, 64], got 'memref<2x32xf32>'}}
    amk.attention_combine %op32, %st -> %o : memref<2x32xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats has rank 3
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x8xf32>'}}
    amk.attention_combine %op, %st2 -> %o : memref<2x64xf32>, memref<2x8xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats has one row per split
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<3x4x2xf32>'}}
    amk.attention_combine %op, %st3 -> %o : memref<2x64xf32>, memref<3x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats holds max and sum
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x4x1xf32>'}}
    amk.attention_combine %op, %st1 -> %o : memref<2x64xf32>, memref<2x4x1xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats is f32
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x4x2xf16>'}}
    amk.attention_combine %op, %sth -> %o : memref<2x64xf32>, memref<2x4x2xf16>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: heads divide the width
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x5x2xf32>'}}
    amk.attention_combine %op, %st5 -> %o : memref<2x64xf32>, memref<2x5x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: heads inside the head count
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'heads' [0, 5) exceeds the 4 heads}}
    amk.attention_combine %op, %st -> %o heads [0, 5) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: heads cannot depend on pos
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'heads' cannot depend on the decode position}}
    amk.attention_combine %op, %st -> %o heads [0, pos) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention: a KV range ending at pos + 1 must still start inside the cache
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' starts at row 200, past the cache's 128 rows}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [200, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the packed form has no stats or slot
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op the packed form has no 'stats' or 'slot'}}
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 0 packed kv [0, 16) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: a packed partial holds heads * (head_dim + 2) values
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %p = amk.buffer "p" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'output' has 64 elements, expected 72 (heads * (head_dim + 2) of the packed form)}}
    amk.attention %q, %kc, %kc, %pos -> %p packed kv [0, 16) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention_merge: needs a partial
amk.program @p {
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_merge' op needs at least one partial}}
    "amk.attention_merge"(%o) : (memref<64xf32>) -> ()
  }
}

// -----

// Test: attention_merge: every partial has one type
amk.program @p {
  %p0 = amk.buffer "p0" activation : memref<72xf32>
  %p1 = amk.buffer "p1" activation : memref<72xbf16>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_merge' op partials differ: 'memref<72xf32>' vs 'memref<72xbf16>'}}
    amk.attention_merge %p0, %p1 -> %o : memref<72xf32>, memref<72xbf16> -> memref<64xf32>
  }
}

// -----

// Test: attention_merge: a partial is heads * (head_dim + 2) for the output
amk.program @p {
  %p0 = amk.buffer "p0" activation : memref<65xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_merge' op a partial of 65 elements is not heads * (head_dim + 2) for an output of 64 elements}}
    amk.attention_merge %p0 -> %o : memref<65xf32> -> memref<64xf32>
  }
}

// -----

// Test: attention_merge: the output is a vector
amk.program @p {
  %p0 = amk.buffer "p0" activation : memref<72xf32>
  %o = amk.buffer "o" activation : memref<4x16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_merge' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<4x16xf32>'}}
    amk.attention_merge %p0 -> %o : memref<72xf32> -> memref<4x16xf32>
  }
}
