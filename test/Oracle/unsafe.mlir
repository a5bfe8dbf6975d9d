// RUN: not amk-oracle %s | FileCheck %s

// A wait on one of two producers: the reader may start while the other tile
// is still being written.
// CHECK-LABEL: @partial_wait: UNSAFE
// CHECK: garbage-read at pos 0: task 'y' reads 'h'[0, 8), byte {{[0-9]+}} of which is never written
// CHECK-NEXT: trace: start h0; finish h0; start y;
// CHECK: race at pos 0: tasks 'h0' and 'y' are in flight together: 'h0' writes 'h'[0, 4), 'y' reads 'h'[0, 8)
// CHECK-NEXT: trace: start h0; start h1; finish h1; start y;
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
// CHECK-LABEL: @cross_queue: UNSAFE
// CHECK: deadlock at pos 0: 4 of 4 tasks cannot finish: 'a.wait' waits 'X' >= 1 (count 0); 'b.wait' waits 'Y' >= 1 (count 0)
// CHECK-NEXT: trace:
// CHECK-NOT: start
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
// CHECK-LABEL: @threshold: UNSAFE
// CHECK: deadlock at pos 0: 1 of 2 tasks cannot finish: 'b' waits 'e' >= 2 (count 1)
// CHECK-NEXT: trace: start a; finish a;
amk.program @threshold {
  %e = amk.event "e"
  %f = amk.event "f"
  amk.task "a" signals %e {
  }
  amk.task "b" waits(%e >= 2) signals %f {
  }
}

// A nonzero init satisfies the wait before the producer finishes.
// CHECK-LABEL: @init: UNSAFE
// CHECK: garbage-read at pos 0: task 'b' reads 'h'[0, 8), byte 0 of which is never written
// CHECK-NEXT: trace: start b;
// CHECK: race at pos 0: tasks 'a' and 'b' are in flight together: 'a' writes 'h'[0, 8), 'b' reads 'h'[0, 8)
// CHECK-NEXT: trace: start a; start b;
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
// CHECK-LABEL: @alias: UNSAFE
// CHECK: garbage-read at pos 0: task 'use' reads 'a'[0, 8), byte 0 of which is overwritten through 'b'
// CHECK-NEXT: trace: start fill.a; finish fill.a; start fill.b; finish fill.b; start use;
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
// CHECK-LABEL: @static: UNSAFE
// CHECK-DAG: output-unwritten at pos 0: output 'y' byte 0 is not written when the step ends
// CHECK-DAG: readonly-write at pos 0: task 't' writes 'w'[0, 8) of a weight buffer
// CHECK-DAG: worker-out-of-grid at pos 0: task 't' runs on worker 4 but the target has 4 SMs
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
// CHECK-LABEL: @kv_order: UNSAFE
// CHECK: garbage-read at pos 0: task 'attend' reads 'kc'[0, 1)[0, 1)[0, 8), byte 0 of which is never written
// CHECK-NEXT: trace: start attend;
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

// CHECK-LABEL: @kv_bounds: UNSAFE
// CHECK: out-of-bounds at pos 4: task 'append' writes 'kc'[4, 5)[0, 1)[0, 8) outside the buffer's shape at pos 4
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
// CHECK-LABEL: @barriers: UNSAFE
// CHECK: deadlock at pos 0: 2 of 4 tasks cannot finish: barrier 'b0' never completes; barrier 'b1' never completes; barrier 'short' never completes (some worker has no slot in it)
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

// One op reading a buffer and writing another of the same page: its threads
// write while others still read (not in place).
// CHECK-LABEL: @in_op_overlap: UNSAFE
// CHECK: race at pos 0: 'amk.gemv' in task 't' reads 'h'[0, 8) and writes 'g'[0, 8), which share memory
amk.program @in_op_overlap {
  %p = amk.page "p" bytes 32
  %w = amk.buffer "w" weight : memref<8x8xf32>
  %x = amk.buffer "x" input : memref<8xf32>
  %h = amk.buffer "h" scratch page %p : memref<8xf32>
  %g = amk.buffer "g" scratch page %p : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %h : memref<8xf32>, memref<8xf32>
    amk.gemv %w, %h -> %g : memref<8x8xf32>, memref<8xf32>, memref<8xf32>
    amk.copy %x -> %y : memref<8xf32>, memref<8xf32>
  }
}

// Rope reading the position from the token input, an argmax over more
// logits than the table it feeds has rows, and a counter that wraps.
// CHECK-LABEL: @values: UNSAFE
// CHECK-DAG: position-operand at pos 0: 'amk.rope' in task 't' reads the position from 'tokens', not 'pos'
// CHECK-DAG: index-out-of-table at pos 0: 'amk.embed' in task 't' selects a row of 'table' by 'next', which may hold 299 (256 rows)
// CHECK-DAG: counter-overflow at pos 0: event 'e' passes 4294967295: its 32-bit counter wraps
amk.program @values {
  %x = amk.buffer "x" input : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %tok = amk.buffer "tokens" input : memref<1xi32>
  %l = amk.buffer "logits" input : memref<300xf32>
  %table = amk.buffer "table" weight : memref<256x32xf32>
  %next = amk.buffer "next" activation : memref<1xi32>
  %y = amk.buffer "y" output : memref<32xf32>
  %e = amk.event "e" init 4294967295
  amk.task "t" signals %e {
    amk.argmax %l -> %next : memref<300xf32>, memref<1xi32>
    amk.embed %table[%next] -> %y : memref<256x32xf32>, memref<1xi32>, memref<32xf32>
    amk.rope %y, %tok -> %y head_dim 16 theta 10000.0 : memref<32xf32>, memref<1xi32>, memref<32xf32>
  }
}

// A task that overwrites its own page through another buffer before
// reading the first one, and a task without a worker in an assigned
// program (nothing runs it).
// CHECK-LABEL: @own_page: UNSAFE
// CHECK-DAG: garbage-read at pos 0: task 't' reads 'h'[0, 8) after writing 'g'[0, 8) over it on the same page
// CHECK-DAG: deadlock at pos 0: 1 of 2 tasks cannot finish: 'lost' has no worker (nothing runs it)
amk.program @own_page {
  %p = amk.page "p" bytes 32
  %x = amk.buffer "x" input : memref<8xf32>
  %h = amk.buffer "h" scratch page %p : memref<8xf32>
  %g = amk.buffer "g" scratch page %p : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
    amk.copy %x -> %h : memref<8xf32>, memref<8xf32>
    amk.copy %x -> %g : memref<8xf32>, memref<8xf32>
    amk.copy %h -> %y : memref<8xf32>, memref<8xf32>
  }
  amk.task "lost" signals %e {
  }
}

// A split-KV shard over rows [26, 40) of a 64-row cache reads the row the
// unordered append writes only at positions 26 to 39: the oracle also runs
// the positions where the shard's bounds meet the position (25 to 27, 38
// to 41; it was SAFE at 0, 1 and 63 alone).
// CHECK-LABEL: @middle_shard: UNSAFE (2 findings, 108 states, exhaustive)
// CHECK: garbage-read at pos 26: task 'shard' reads 'kc'[26, 27)[0, 1)[0, 16), byte 1664 of which is never written
// CHECK: race at pos 26: tasks 'shard' and 'append' are in flight together: 'shard' reads 'kc'[26, 27)[0, 1)[0, 16), 'append' writes 'kc'[26, 27)[0, 1)[0, 16)
amk.program @middle_shard {
  %q = amk.buffer "q" input : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<64x1x16xf32>
  %o = amk.buffer "o" output : memref<16xf32>
  %e = amk.event "e"
  amk.task "shard" signals %e worker 0 queue 0 {
    amk.attention %q, %kc, %kc, %pos -> %o kv [26, 40) scale 0.25 : memref<16xf32>, memref<64x1x16xf32>, memref<64x1x16xf32>, memref<1xi32>, memref<16xf32>
  }
  amk.task "append" signals %e worker 1 queue 0 {
    amk.kv_append %q, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<64x1x16xf32>
  }
}
