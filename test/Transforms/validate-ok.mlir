// RUN: amk-opt %s --amk-validate=stats -split-input-file -o /dev/null 2>&1 | FileCheck %s

// Tiles joined by an all-join wait, KV append before attention.
// CHECK: amk-validate: @tiles certified: 4 tasks, 3 events, 0 barriers, 8 edges, 17 accesses, critical path 3 tasks, 2 workers, 2 clock chains, grid checked against the target{{$}}
amk.program @tiles target <"sm_90a", sms = 4> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x4x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x4x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  %e2 = amk.event "e2"
  amk.task "g0" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "g1" signals %e0 worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "kv" waits(%e0 >= 2) signals %e1 worker 1 queue 1 {
    amk.kv_append %h, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
    amk.kv_append %h, %pos -> %vc : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
  }
  amk.task "att" waits(%e1 >= 1) signals %e2 worker 0 queue 1 {
    amk.attention %h, %kc, %vc, %pos -> %y kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x4x16xbf16>, memref<128x4x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// A grid barrier orders the two workers; a scratch page is reused after it.
// CHECK: amk-validate: @barrier certified: 3 tasks, 1 events, 2 barriers, 8 edges, 8 accesses, critical path 3 tasks, 2 workers, 2 clock chains, grid checked against the target{{$}}
amk.program @barrier target <"sm_90a", sms = 2> {
  %p = amk.page "p" bytes 256
  %x = amk.buffer "x" input : memref<64xf32>
  %a = amk.buffer "a" scratch page %p : memref<64xf32>
  %b = amk.buffer "b" scratch page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "w0" signals %e worker 0 queue 0 {
    amk.copy %x -> %a : memref<64xf32>, memref<64xf32>
  }
  amk.barrier "sync" slots [1, 0]
  amk.task "r1" signals %e worker 1 queue 1 {
    amk.copy %a -> %y cols [0, 32) : memref<64xf32>, memref<64xf32>
  }
  amk.barrier "reuse" slots [2, 2]
  amk.task "w1" signals %e worker 0 queue 3 {
    amk.copy %x -> %b : memref<64xf32>, memref<64xf32>
    amk.copy %b -> %y cols [32, 64) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Before worker assignment: chains stand in for workers. Split-KV attention
// with a combine; the seeded counter (init 1) is joined exactly.
// CHECK: amk-validate: @unassigned certified: 4 tasks, 4 events, 0 barriers, 7 edges, 18 accesses, critical path 3 tasks, 0 workers, 2 clock chains, grid not checked (no target){{$}}
amk.program @unassigned {
  %q = amk.buffer "q" input : memref<64xf32>
  %k = amk.buffer "k" input : memref<64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<128x4x16xbf16>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %o = amk.buffer "o" output : memref<64xf32>
  %seed = amk.event "seed" init 1
  %a = amk.event "appended"
  %s = amk.event "splits"
  %d = amk.event "done"
  amk.task "append" waits(%seed >= 1) signals %a {
    amk.kv_append %k, %pos -> %kc : memref<64xf32>, memref<1xi32>, memref<128x4x16xbf16>
  }
  amk.task "s0" waits(%a >= 1) signals %s {
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 0 kv [0, 64) scale 2.500000e-01 : memref<64xf32>, memref<128x4x16xbf16>, memref<128x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
  amk.task "s1" waits(%a >= 1) signals %s {
    amk.attention %q, %kc, %kc, %pos -> %op partial %st slot 1 kv [64, 128) scale 2.500000e-01 : memref<64xf32>, memref<128x4x16xbf16>, memref<128x4x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
  amk.task "combine" waits(%s >= 2) signals %d {
    amk.attention_combine %op, %st -> %o : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}
