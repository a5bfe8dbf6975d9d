// RUN: amk-opt %s --amk-validate=steps=4 -split-input-file -verify-diagnostics
// RUN: not amk-opt %s --amk-validate=steps=0 -split-input-file 2>&1 | FileCheck %s --check-prefix=ZERO

// Several decode steps in one launch (docs/validator.md, "Several steps per
// launch"): steps are separated by a grid barrier, waits count in epochs,
// step s + 1 takes its token from where step s's argmax left it.

// ZERO: error: steps=0 is outside [1, 65536] (decode steps one launch runs)

// Test: four steps of an embed -> KV append -> attention -> LM head ->
// argmax program on two workers: every step is certified, step s + 1 reads
// the KV row step s appended and the token step s chose (its embed runs
// before its own argmax). Certified (amk-oracle: SAFE for one step).
amk.program @certified {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "embed" signals %e0 worker 0 queue 0 {
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
  }
}

// -----

// Test: an unassigned program has no grid to put a barrier between steps.
// expected-error@+2 {{a launch of 4 steps separates them by a grid barrier, but no task has a worker (assign workers first)}}
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @unassigned {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "embed" signals %e0 {
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
  }
}

// -----

// Test: a program pinned to one position cannot run the next positions.
// expected-error@+2 {{the program is pinned to position 3, but a launch of 4 steps runs positions pos to pos + 3}}
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @pinned position 3 {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "embed" signals %e0 worker 0 queue 0 {
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
  }
}

// -----

// Test: four steps need four rows of every cache.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @too_few_rows {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  // expected-error@+1 {{a launch of 4 steps appends a row per step, but KV cache 'kc' has 3 rows}}
  %kc = amk.buffer "kc" kv_cache : memref<3x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "embed" signals %e0 worker 0 queue 0 {
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<3x1x16xbf16>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<3x1x16xbf16>, memref<3x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
  }
}

// -----

// Test: init + 2 producers fits the counter for one step (4294967292), not
// for four (epoch thresholds: counters are never reset).
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @counter_wraps {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  // expected-error@+1 {{event 'e1' counts up to init 4294967290 + 4 steps x 2 producers = 4294967298, past the largest value of its 32-bit counter (4294967295): it would wrap}}
  %e1 = amk.event "e1" init 4294967290
  amk.task "embed" signals %e0 worker 0 queue 0 {
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "other" signals %e1 worker 0 queue 1 {
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
  }
}

// -----

// Test: the argmax of step s ranges over 256 logits, the table step s + 1
// looks it up in has 200 rows (one step alone is fine: its token is an input
// the runtime checks).
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @token_outside_table {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<200x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "embed" signals %e0 worker 0 queue 0 {
    // expected-error@+1 {{in a launch of 4 steps 'amk.embed' looks up the token step s - 1 left in 'next_token', which can hold indices up to 255: not provably inside the table's 200 rows}}
    amk.embed %table[%tok] -> %x : memref<200x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
  }
}

// -----

// Test: the argmax runs on worker 1 unordered with the embed on worker 0:
// in step s + 1 it may overwrite next_token before the embed reads the
// token step s chose.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @token_overwritten {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %l2 = amk.buffer "l2" input : memref<256xf32>
  %e2 = amk.event "e2"
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "embed" signals %e0 worker 0 queue 0 {
    // expected-error@+1 {{task "embed" reads 'tokens'[0, 1), which step s + 1 of a launch of 4 steps takes from 'next_token', but task "pick" writes 'next_token'[0, 1) without being ordered after the read (step s + 1 could overwrite its own token first)}}
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "pick" signals %e2 worker 1 queue 0 {
    amk.argmax %l2 -> %next : memref<256xf32>, memref<1xi32>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 1 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
  }
}

// -----

// Test: nothing chooses the next step's token.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @no_next_token {
  // expected-error@+1 {{a launch of 4 steps feeds each step's chosen token to the next step's embedding, but no argmax writes an output token}}
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "embed" signals %e0 worker 0 queue 0 {
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 0 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
  }
}

// -----

// Test: two token inputs, one looked up in a weight table and one in a
// const table. Each step feeds next_token to one tokens role, decided once
// for the validator and the manifest (findRoles); here it is ambiguous
// (the read of 'tokens' is unordered with the argmax, the read of 'tok2'
// ordered before it), so the launch is refused; the first, the tokens role
// of the diagnostics, also races with the argmax.
// expected-error@+1 {{schedule rejected: 2 violation(s)}}
amk.program @weight_and_const_token_tables {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %tok2 = amk.buffer "tok2" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %ctab = amk.buffer "ctab" const key "c" : memref<256x16xbf16>
  %w = amk.buffer "w" weight key "w" : memref<256x16xbf16>
  %x = amk.buffer "x" activation : memref<16xf32>
  %c = amk.buffer "c" activation : memref<16xf32>
  %kc = amk.buffer "kc" kv_cache : memref<8x1x16xbf16>
  %a = amk.buffer "a" activation : memref<16xf32>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %l2 = amk.buffer "l2" input : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  %e2 = amk.event "e2"
  amk.task "embed_w" signals %e0 worker 0 queue 0 {
    // expected-error@+1 {{task "embed_w" reads 'tokens'[0, 1), which step s + 1 of a launch of 4 steps takes from 'next_token', but task "pick" writes 'next_token'[0, 1) without being ordered after the read}}
    amk.embed %table[%tok] -> %x : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.kv_append %x, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<8x1x16xbf16>
  }
  amk.task "embed_c" signals %e2 worker 1 queue 0 {
    // expected-error@+1 {{the token input is 'tok2' from 'amk.embed' in task "embed_c" and 'tokens' from 'amk.embed' in task "embed_w": the runtime drives one buffer per role}}
    amk.embed %ctab[%tok2] -> %c : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
  amk.task "pick" signals %e2 worker 1 queue 1 {
    amk.argmax %l2 -> %next : memref<256xf32>, memref<1xi32>
  }
  amk.task "head" waits(%e0 >= 1) signals %e1 worker 1 queue 2 {
    amk.attention %x, %kc, %kc, %pos -> %a kv [0, pos + 1) scale 0.25 : memref<16xf32>, memref<8x1x16xbf16>, memref<8x1x16xbf16>, memref<1xi32>, memref<16xf32>
    amk.gemv %w, %a -> %logits : memref<256x16xbf16>, memref<16xf32>, memref<256xf32>
  }
}
