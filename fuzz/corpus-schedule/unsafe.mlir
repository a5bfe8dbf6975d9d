
// A wait on one of two producers: the reader may start while the other tile
// is still being written.
amk.program @partial_wait {
  %w = amk.buffer "w" weight : memref<8x8xf32>
  %x = amk.buffer "x" input : memref<8xf32>
  %h = amk.buffer "h" activation : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "h.done"
  %f = amk.event "y.done"
  amk.task "h0" signals %e {
    amk.gemv %w, %x -> %h cols [0, 4) : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
  }
  amk.task "h1" signals %e {
    amk.gemv %w, %x -> %h cols [4, 8) : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
  }
  amk.task "y" waits(%e >= 1) signals %f {
    amk.gemv %w, %h -> %y : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
  }
}

// The cross-queue deadlock of docs/design.md §3: acyclic events, cyclic queues.
amk.program @cross_queue {
  %x = amk.event "X"
  %y = amk.event "Y"
  %z = amk.event "Z"
  amk.task "a.wait" waits(%x >= 1) signals %z worker 0 queue 0 {
  }
  amk.task "a.signal" signals %y worker 0 queue 1 {
  }
  amk.task "b.wait" waits(%y >= 1) signals %z worker 1 queue 0 {
  }
  amk.task "b.signal" signals %x worker 1 queue 1 {
  }
}

// A threshold above the number of producers never holds.
amk.program @threshold {
  %e = amk.event "e"
  %f = amk.event "f"
  amk.task "a" signals %e {
  }
  amk.task "b" waits(%e >= 2) signals %f {
  }
}

// A nonzero init satisfies the wait before the producer finishes.
amk.program @init {
  %x = amk.buffer "x" input : memref<8xf32>
  %h = amk.buffer "h" activation : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e" init 1
  %f = amk.event "f"
  amk.task "a" signals %e {
    amk.copy %x -> %h : memref<8xf32>, memref<8xf32>
  }
  amk.task "b" waits(%e >= 1) signals %f {
    amk.copy %h -> %y : memref<8xf32>, memref<8xf32>
  }
}

// Two live buffers on one page: the second tenant clobbers the first.
amk.program @alias {
  %p = amk.page "p" bytes 32
  %x = amk.buffer "x" input : memref<8xf32>
  %a = amk.buffer "a" scratch page %p : memref<8xf32>
  %b = amk.buffer "b" scratch page %p : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "fill.a" signals %e worker 0 queue 0 {
    amk.copy %x -> %a : memref<8xf32>, memref<8xf32>
  }
  amk.task "fill.b" signals %e worker 0 queue 1 {
    amk.copy %x -> %b : memref<8xf32>, memref<8xf32>
  }
  amk.task "use" signals %e worker 0 queue 2 {
    amk.add %a, %b -> %y : memref<8xf32>, memref<8xf32>, memref<8xf32>
  }
}

// Static findings: a weight written, an output never written, a worker
// outside the target.
amk.program @static target <"sm_90a", sms = 4> {
  %x = amk.buffer "x" input : memref<8xf32>
  %w = amk.buffer "w" weight : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "t" signals %e worker 4 queue 0 {
    amk.copy %x -> %w : memref<8xf32>, memref<8xf32>
  }
}

// Attention may run before this step's row is appended; a fixed position
// past the cache writes out of bounds.
amk.program @kv_order {
  %q = amk.buffer "q" input : memref<8xf32>
  %k = amk.buffer "k" input : memref<8xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<4x1x8xf32>
  %o = amk.buffer "o" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "append" signals %e {
    amk.kv_append %k, %pos -> %kc : memref<8xf32>, memref<1xi32>, memref<4x1x8xf32>
  }
  amk.task "attend" signals %e {
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, pos + 1) scale 0.35 : memref<8xf32>, memref<4x1x8xf32>, memref<4x1x8xf32>, memref<1xi32>, memref<8xf32>
  }
}

amk.program @kv_bounds position 4 {
  %k = amk.buffer "k" input : memref<8xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<4x1x8xf32>
  %e = amk.event "e"
  amk.task "append" signals %e {
    amk.kv_append %k, %pos -> %kc : memref<8xf32>, memref<1xi32>, memref<4x1x8xf32>
  }
}

// A barrier with no slot for worker 1, and two barriers crossed on two
// workers: neither ever completes.
amk.program @barriers {
  %e = amk.event "e"
  amk.task "a0" signals %e worker 0 queue 0 {
  }
  amk.task "a1" signals %e worker 0 queue 3 {
  }
  amk.task "c0" signals %e worker 1 queue 0 {
  }
  amk.task "c1" signals %e worker 1 queue 3 {
  }
  amk.barrier "b0" slots [1, 2]
  amk.barrier "b1" slots [2, 1]
  amk.barrier "short" slots [4]
}
