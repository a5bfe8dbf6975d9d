// import(export(p)) == p for hand-written programs with no JSON attributes
// (every task placed: a program with some tasks placed imports the others on
// worker 0, the paper tool's loader rule).
// RUN: amk-opt %s > %t.expected.mlir
// RUN: amk-translate --export-amk-json %s | amk-translate --import-amk-json | amk-opt > %t.actual.mlir
// RUN: diff %t.expected.mlir %t.actual.mlir

amk.program @native target <"sm_80", sms = 4> position 5 {
  %p0 = amk.page "p0" bytes 8192 live [3, 9)
  %p1 = amk.page "spill" bytes 256
  %tab = amk.buffer "embed" weight key "model.embed_tokens.weight" : memref<256x64xbf16>
  %wq = amk.buffer "wq" weight key "q" : memref<64x64xbf16>
  %bq = amk.buffer "bq" weight key "bq" : memref<64xbf16>
  %qn = amk.buffer "qn" weight : memref<16xbf16>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %x = amk.buffer "x" activation : memref<1x64xf32>
  %xn = amk.buffer "xn" scratch page %p0 : memref<64xf32>
  %q = amk.buffer "q" activation page %p1 : memref<64xf32>
  %k = amk.buffer "k" activation : memref<32xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %o = amk.buffer "o" activation : memref<64xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %p0a = amk.buffer "p0a" activation : memref<72xf32>
  %p1a = amk.buffer "p1a" activation : memref<72xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1" init 1
  amk.task "embed" signals %e0 worker 0 queue 0 {
    amk.embed %tab[%tok] -> %x : memref<256x64xbf16>, memref<1xi32>, memref<1x64xf32>
  }
  amk.task "gemv.bias" waits(%e0 >= 1, %e1 >= 1) signals %e1 worker 1 queue 0 {
    amk.gemv %wq, %xn -> %q cols [0, 32) bias %bq : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xbf16>
  }
  amk.task "gemv.res" signals %e1 worker 1 queue 1 {
    amk.gemv %wq, %xn -> %q residual %q : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
  amk.task "qnorm" signals %e1 worker 2 queue 0 {
    amk.rmsnorm %q, %qn -> %q eps 1.0e-06 head_dim 16 heads [0, 2) : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
  amk.task "rope" signals %e1 worker 2 queue 1 {
    amk.rope %q, %pos -> %q head_dim 16 theta 5.000000e+05 heads [0, 2) llama3 <factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64> : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
  amk.task "append" signals %e1 worker 3 queue 0 {
    amk.kv_append %k, %pos -> %kc heads [0, 2) : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
  amk.task "attn" signals %e1 worker 3 queue 1 {
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
  amk.task "attn.part" signals %e1 worker 3 queue 2 {
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 1 heads [0, 4) kv [1, 4) scale 2.500000e-01 window 32 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
  amk.task "combine" signals %e1 worker 3 queue 3 {
    amk.attention_combine %op, %st -> %o heads [1, 3) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
  amk.task "attn.packed" signals %e1 worker 3 queue 4 {
    amk.attention %q, %kc, %vc, %pos -> %p0a packed kv [0, 3) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<72xf32>
  }
  amk.task "merge" signals %e1 worker 3 queue 5 {
    amk.attention_merge %p0a, %p1a -> %o : memref<72xf32>, memref<72xf32> -> memref<64xf32>
  }
  amk.task "silu" signals %e1 worker 3 queue 6 {
    amk.silu_mul %q, %o -> %o cols [0, 64) : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
  amk.task "add" signals %e1 worker 3 queue 7 {
    amk.add %q, %o -> %o : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
  amk.task "argmax" signals %e1 worker 3 queue 8 {
    amk.argmax %o -> %next : memref<64xf32>, memref<1xi32>
  }
  amk.task "argmax.part" signals %e1 worker 3 queue 9 {
    amk.argmax_partial %o -> %vals, %idx slot 1 cols [32, 64) : memref<64xf32>, memref<2xf32>, memref<2xi32>
  }
  amk.task "argmax.reduce" signals %e1 worker 3 queue 10 {
    amk.argmax_reduce %vals, %idx -> %next : memref<2xf32>, memref<2xi32>, memref<1xi32>
  }
  amk.task "copy" signals %e1 worker 3 queue 11 {
    amk.copy %q -> %o cols [0, 32) : memref<64xf32>, memref<64xf32>
  }
  amk.task "gelu" signals %e1 worker 3 queue 12 {
    amk.opaque "GELU" ins(%q) outs(%o) params {approximate = "tanh"} : memref<64xf32>, memref<64xf32>
  }
  amk.task "nop" waits(%e1 >= 2) signals %e1 worker 3 queue 13 {
  }
}
