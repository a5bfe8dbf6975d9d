// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics
// RUN: not amk-oracle %s | FileCheck %s --check-prefix=ORACLE

// A sliding-window attention reads the KV rows of `kv` that are at most the
// position and above `pos - window` (the kernels' range, AttentionBodies.cpp
// and Kernels.cpp): its access region is capped on both sides, so a write
// of a row outside the window does not conflict with it.

// Test: at position 40 a window of 8 reads rows [33, 41); an unordered
// write of row 5 on another worker is no race (was reported: the region
// ignored the window).
// ORACLE-LABEL: @write_outside_window: SAFE
amk.program @write_outside_window position 40 {
  %q = amk.buffer "q" input : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<64x1x16xbf16>
  %o = amk.buffer "o" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "attend" signals %e worker 0 queue 0 {
    amk.kv_append %q, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<64x1x16xbf16>
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, pos + 1) scale 0.25 window 8 : memref<16xf32>, memref<64x1x16xbf16>, memref<64x1x16xbf16>, memref<1xi32>, memref<16xf32>
  }
  amk.task "old" signals %e worker 1 queue 0 {
    amk.kv_append %q, %pos -> %kc row 5 : memref<16xf32>, memref<1xi32>, memref<64x1x16xbf16>
  }
}

// -----

// Test: the same write of row 35, inside the window, races with the read.
// ORACLE-LABEL: @write_inside_window: UNSAFE
// ORACLE: race at pos 40
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @write_inside_window position 40 {
  %q = amk.buffer "q" input : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<64x1x16xbf16>
  %o = amk.buffer "o" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "attend" signals %e worker 0 queue 0 {
    amk.kv_append %q, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<64x1x16xbf16>
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, pos + 1) scale 0.25 window 8 : memref<16xf32>, memref<64x1x16xbf16>, memref<64x1x16xbf16>, memref<1xi32>, memref<16xf32>
  }
  amk.task "old" signals %e worker 1 queue 0 {
    // expected-error@+1 {{unordered conflicting accesses: read 'kc'[max(0, pos - 7), min(pos + 1, pos + 1))[0, 1)[0, 16) in task "attend" and write 'kc'[35, 36)[0, 1)[0, 16) in task "old" are not ordered by happens-before}}
    amk.kv_append %q, %pos -> %kc row 35 : memref<16xf32>, memref<1xi32>, memref<64x1x16xbf16>
  }
}
