// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics

// The buffers the runtime drives are decided once (findRoles, shared with
// the manifest writer): the token input of the embedding of a read-only
// table, the position input 'pos', the argmax's next token and the logits.
// A role two buffers could hold, or one buffer in two roles, is refused:
// the host would write one value over the other.

// Test: the embedding looks its token up in the position input: the host
// writes the token, then the position, into 'pos', and the table's row
// `pos` is read.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @token_is_position {
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %y = amk.buffer "y" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error@+1 {{'pos' is both the token input (from 'amk.embed' in task "t") and the decode position (the input named 'pos'): the host would write one over the other}}
    amk.embed %table[%pos] -> %y : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: two embeddings of weight tables read two different token inputs:
// the host writes only one of them.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @two_token_inputs {
  %a = amk.buffer "a" input : memref<1xi32>
  %b = amk.buffer "b" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x16xbf16>
  %y = amk.buffer "y" output : memref<16xf32>
  %z = amk.buffer "z" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "t1" signals %e {
    amk.embed %table[%a] -> %y : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
  amk.task "t2" signals %e {
    // expected-error@+1 {{the token input is 'b' from 'amk.embed' in task "t2" and 'a' from 'amk.embed' in task "t1": the runtime drives one buffer per role}}
    amk.embed %table[%b] -> %z : memref<256x16xbf16>, memref<1xi32>, memref<16xf32>
  }
}

// -----

// Test: two argmaxes write two output tokens: the host reads one.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @two_next_tokens {
  %l = amk.buffer "logits" output : memref<256xf32>
  %x = amk.buffer "x" input : memref<256xf32>
  %n1 = amk.buffer "n1" output : memref<1xi32>
  %n2 = amk.buffer "n2" output : memref<1xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %l : memref<256xf32>, memref<256xf32>
    amk.argmax %l -> %n1 : memref<256xf32>, memref<1xi32>
    // expected-error@+1 {{the next token is 'n2' from 'amk.argmax' in task "t" and 'n1' from 'amk.argmax' in task "t": the runtime drives one buffer per role}}
    amk.argmax %l -> %n2 : memref<256xf32>, memref<1xi32>
  }
}

// -----

// Test: the paper tool's reshape (an embedding of an activation by another
// input) is not the token input: certified.
amk.program @reshape_is_not_a_token {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %id = amk.buffer "reshape_id" input : memref<1xi32>
  %table = amk.buffer "table" weight key "t" : memref<256x64xbf16>
  %h = amk.buffer "h" activation : memref<1x64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.embed %table[%tok] -> %h : memref<256x64xbf16>, memref<1xi32>, memref<1x64xf32>
    amk.embed %h[%id] -> %y : memref<1x64xf32>, memref<1xi32>, memref<64xf32>
  }
}
