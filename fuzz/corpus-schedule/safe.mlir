
// Two column tiles on two workers, joined by a full wait, then a reader of
// the whole vector and an output writer; a barrier between two stages.
amk.program @tiles target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight : memref<8x8xf32>
  %x = amk.buffer "x" input : memref<8xf32>
  %h = amk.buffer "h" activation : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "h.done"
  %f = amk.event "y.done"
  amk.task "h0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 4) : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
  }
  amk.task "h1" signals %e worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [4, 8) : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
  }
  amk.task "y" waits(%e >= 2) signals %f worker 0 queue 1 {
    amk.gemv %w, %h -> %y : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
  }
}

// A barrier orders the stages without events; a page is reused only after
// its first tenant is dead.
amk.program @barrier target <"sm_90a", sms = 2> {
  %p = amk.page "p" bytes 32
  %w = amk.buffer "w" weight : memref<8x8xf32>
  %x = amk.buffer "x" input : memref<8xf32>
  %a = amk.buffer "a" scratch page %p : memref<8xf32>
  %b = amk.buffer "b" scratch page %p : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "a0" signals %e worker 0 queue 0 {
    amk.copy %x -> %a : memref<8xf32>, memref<8xf32>
  }
  amk.task "b1" signals %e worker 1 queue 0 {
    amk.copy %x -> %y cols [0, 4) : memref<8xf32>, memref<8xf32>
  }
  amk.barrier "join" slots [1, 1]
  amk.task "use" signals %e worker 0 queue 2 {
    amk.gemv %w, %a -> %b : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
    amk.copy %b -> %y cols [4, 8) : memref<8xf32>, memref<8xf32>
  }
}

// KV rows below pos come from earlier steps; this step's row is appended
// before attention reads it.
amk.program @kv {
  %q = amk.buffer "q" input : memref<8xf32>
  %k = amk.buffer "k" input : memref<8xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<4x1x8xf32>
  %vc = amk.buffer "vc" kv_cache : memref<4x1x8xf32>
  %o = amk.buffer "o" output : memref<8xf32>
  %e = amk.event "appended"
  %f = amk.event "done"
  amk.task "append" signals %e {
    amk.kv_append %k, %pos -> %kc : memref<8xf32>, memref<1xi32>, memref<4x1x8xf32>
    amk.kv_append %k, %pos -> %vc : memref<8xf32>, memref<1xi32>, memref<4x1x8xf32>
  }
  amk.task "attend" waits(%e >= 1) signals %f {
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.35 : memref<8xf32>, memref<4x1x8xf32>, memref<4x1x8xf32>, memref<1xi32>, memref<8xf32>
  }
}
