// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics
// RUN: not amk-oracle %s | FileCheck %s --check-prefix=ORACLE

// Values that pick memory: every bound `pos + c` means the program's
// position input, an index computed in this step must lie inside the table
// it selects a row of, and a pinned position must lie inside every cache.
// Counters are 32-bit.

// Test: rope takes its position from another input than 'pos'.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @position_operand_swapped {
  %x = amk.buffer "x" input : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %y = amk.buffer "y" output : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error@+1 {{'amk.rope' in task "t" takes the decode position from 'tokens', not from the program's position input 'pos' (its rows and rotations would follow another value)}}
    amk.rope %x, %tok -> %y head_dim 16 theta 10000.0 : memref<32xf32>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: a program whose position operands read a buffer not named 'pos'.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @no_position_input {
  %x = amk.buffer "x" input : memref<32xf32>
  %p = amk.buffer "p" input : memref<1xi32>
  %y = amk.buffer "y" output : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error@+1 {{'amk.rope' in task "t" takes the decode position from 'p', but the program has no position input 'pos' (its rows and rotations would follow another value)}}
    amk.rope %x, %p -> %y head_dim 16 theta 10000.0 : memref<32xf32>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: an argmax over 300 logits feeds the embedding of a 256-row table.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @index_outside_table {
  %l = amk.buffer "logits" input : memref<300xf32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %next = amk.buffer "next" activation : memref<1xi32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.argmax %l -> %next : memref<300xf32>, memref<1xi32>
    // expected-error@+1 {{'amk.embed' in task "t" looks up the token in 'next', written in this step, which can hold indices up to 299, outside the 256 rows of the table}}
    amk.embed %table[%next] -> %y : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: argmax partials over [0, 256) reduced into the token are inside
// the table: certified.
amk.program @index_inside_table {
  %l = amk.buffer "logits" input : memref<256xf32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %v = amk.buffer "v" activation : memref<2xf32>
  %i = amk.buffer "i" activation : memref<2xi32>
  %next = amk.buffer "next" activation : memref<1xi32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.argmax_partial %l -> %v, %i slot 0 cols [0, 128) : memref<256xf32>, memref<2xf32>, memref<2xi32>
    amk.argmax_partial %l -> %v, %i slot 1 cols [128, 256) : memref<256xf32>, memref<2xf32>, memref<2xi32>
    amk.argmax_reduce %v, %i -> %next : memref<2xf32>, memref<2xi32>, memref<1xi32>
    amk.embed %table[%next] -> %y : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: argmax over 999 logits -> bf16 copy -> i32 token: bf16 rounds 998
// to 1000 (spacing 8 above 512), one row past a 1000-row table; the bound
// follows the conversions with the rounding of each type.
// ORACLE-LABEL: @index_rounded_by_copy: UNSAFE
// ORACLE: index-out-of-table at pos 0: 'amk.embed' in task 't' selects a row of 'table' by 'tok', which may hold 1000 (1000 rows)
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @index_rounded_by_copy {
  %l = amk.buffer "logits" input : memref<999xf32>
  %table = amk.buffer "table" weight key "t" : memref<1000x16xbf16>
  %next = amk.buffer "next" activation : memref<1xi32>
  %f = amk.buffer "f" activation : memref<1xbf16>
  %tok = amk.buffer "tok" activation : memref<1xi32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.argmax %l -> %next : memref<999xf32>, memref<1xi32>
    amk.copy %next -> %f : memref<1xi32>, memref<1xbf16>
    amk.copy %f -> %tok : memref<1xbf16>, memref<1xi32>
    // expected-error@+1 {{'amk.embed' in task "t" looks up the token in 'tok', written in this step, which can hold indices up to 1000, outside the 1000 rows of the table}}
    amk.embed %table[%tok] -> %y : memref<1000x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: the same conversions of indices below 256, which bf16 holds
// exactly, and through f32, which holds every index below 2^24: certified.
// ORACLE-LABEL: @index_exact_through_copies: SAFE
amk.program @index_exact_through_copies {
  %l = amk.buffer "logits" input : memref<256xf32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %next = amk.buffer "next" activation : memref<1xi32>
  %f = amk.buffer "f" activation : memref<1xbf16>
  %g = amk.buffer "g" activation : memref<1xf32>
  %tok = amk.buffer "tok" activation : memref<1xi32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.argmax %l -> %next : memref<256xf32>, memref<1xi32>
    amk.copy %next -> %f : memref<1xi32>, memref<1xbf16>
    amk.copy %f -> %g : memref<1xbf16>, memref<1xf32>
    amk.copy %g -> %tok : memref<1xf32>, memref<1xi32>
    amk.embed %table[%tok] -> %y : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: an index that overflows f16 on the way (65520 and above round to
// infinity) cannot be bounded.
// ORACLE-LABEL: @index_overflows_f16: UNSAFE
// ORACLE: 'tok', which may hold any value (70000 rows)
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @index_overflows_f16 {
  %l = amk.buffer "logits" input : memref<70000xf32>
  %table = amk.buffer "table" weight key "t" : memref<70000x16xbf16>
  %next = amk.buffer "next" activation : memref<1xi32>
  %f = amk.buffer "f" activation : memref<1xf16>
  %tok = amk.buffer "tok" activation : memref<1xi32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.argmax %l -> %next : memref<70000xf32>, memref<1xi32>
    amk.copy %next -> %f : memref<1xi32>, memref<1xf16>
    amk.copy %f -> %tok : memref<1xf16>, memref<1xi32>
    // expected-error@+1 {{'amk.embed' in task "t" looks up the token in 'tok', written in this step, by an op whose result AMK cannot bound}}
    amk.embed %table[%tok] -> %y : memref<70000x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: a token computed by an op AMK cannot bound.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @index_unbounded {
  %a = amk.buffer "a" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %next = amk.buffer "next" activation : memref<1xi32>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.opaque "Hash" ins(%a) outs(%next) : memref<1xi32>, memref<1xi32>
    // expected-error@+1 {{'amk.embed' in task "t" looks up the token in 'next', written in this step, by an op whose result AMK cannot bound: the row read is not provably inside the table's 256 rows}}
    amk.embed %table[%next] -> %y : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: a pinned position past a cache that no access at `pos` touches.
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @pinned_outside_cache position 8 {
  %q = amk.buffer "q" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  // expected-error@+1 {{the program's position 8 is outside KV cache 'kc' of 8 rows}}
  %kc = amk.buffer "kc" kv_cache : memref<8x4x16xbf16>
  %o = amk.buffer "o" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, 4) scale 0.25 : memref<64xf32>, memref<8x4x16xbf16>, memref<8x4x16xbf16>, memref<1xi32>, memref<64xf32>
    // expected-error@-1 {{task "t" reads 'kc'[0, min(4, pos + 1))[0, 4)[0, 16), whose rows below pos count as written by earlier steps only if every step appends them, but 'kc'[8, 9)[0, 4)[0, 16) is not appended at pos = 8}}
  }
}
