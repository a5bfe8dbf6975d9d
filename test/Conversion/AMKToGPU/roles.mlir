// RUN: amk-opt %s --amk-lower-megakernel -split-input-file | FileCheck %s

// The manifest's roles are the validator's (findRoles): the token of the
// embedding of a read-only table (weight or const), the input 'pos', the
// argmax's output token and the logits it reads; token_rows is the fewest
// rows of the tables the token indexes, which the runtime checks every
// input token against (here 200, fewer than the 256 logits).

// Test: a const embedding table is the token's table too.
// CHECK-LABEL: gpu.module @amk
// CHECK-SAME: \22roles\22:{\22logits\22:3,\22next_token\22:4,\22position\22:1,\22tokens\22:0}
// CHECK-SAME: \22token_rows\22:200
amk.program @const_table target <"sm_90a", sms = 1> {
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %table = amk.buffer "table" const key "t" : memref<200x64xbf16>
  %logits = amk.buffer "logits" output : memref<256xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %w = amk.buffer "w" weight key "w" : memref<256x64xbf16>
  %x = amk.buffer "x" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
    amk.embed %table[%tok] -> %x : memref<200x64xbf16>, memref<1xi32>, memref<64xf32>
    amk.gemv %w, %x -> %logits : memref<256x64xbf16>, memref<64xf32>, memref<256xf32>
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
  }
}
