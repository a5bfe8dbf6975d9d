// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics
// RUN: amk-opt %s --amk-validate="partial-waits=strict" -split-input-file -verify-diagnostics

// Unordered conflicting accesses are races, in either partial-wait mode (the
// two RUN lines). A partial wait that happens-before decides (the producers
// not already ordered before the waiter must finish in a known order) is an
// all-join of those producers and is accepted in both (see the end of file);
// ambiguous ones are in validate-partial-exact.mlir (the default) and
// validate-partial-strict.mlir.

// Overlapping tiles on two workers with no order between them.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @overlap target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %y cols [0, 40) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    // expected-error@+1 {{unordered conflicting accesses: write 'y'[0, 40) in task "t0" and write 'y'[32, 64) in task "t1" are not ordered by happens-before}}
    amk.gemv %w, %x -> %y cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
}

// -----

// A reader of the whole vector after only one tile's event.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @missing_wait target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  %d = amk.event "d"
  amk.task "t0" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e1 worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%e0 >= 1) signals %d worker 0 queue 1 {
    // expected-error@+1 {{unordered conflicting accesses: write 'h'[32, 64) in task "t1" and read 'h'[0, 64) in task "use" are not ordered by happens-before}}
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Two buffers on one scratch page, live at the same time.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @page_alias target <"sm_90a", sms = 2> {
  %p = amk.page "p" bytes 256
  %x = amk.buffer "x" input : memref<64xf32>
  %a = amk.buffer "a" scratch page %p : memref<64xf32>
  %b = amk.buffer "b" scratch page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.copy %x -> %a : memref<64xf32>, memref<64xf32>
    amk.copy %a -> %y : memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    // expected-error@+1 {{unordered conflicting accesses: write 'a'[0, 64) in task "t0" and write 'b'[0, 64) in task "t1" are not ordered by happens-before (their buffers share a scratch page)}}
    amk.copy %x -> %b : memref<64xf32>, memref<64xf32>
    amk.copy %b -> %z : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Page reuse in order is fine, but a read after the page was reused for
// another buffer sees that buffer's data.
// expected-error@+1 {{schedule rejected: 1 violation(s)}}
amk.program @page_clobber target <"sm_90a", sms = 1> {
  %p = amk.page "p" bytes 256
  %x = amk.buffer "x" input : memref<64xf32>
  %a = amk.buffer "a" scratch page %p : memref<64xf32>
  %b = amk.buffer "b" scratch page %p : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.copy %x -> %a : memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 0 queue 1 {
    amk.copy %x -> %b : memref<64xf32>, memref<64xf32>
  }
  amk.task "t2" signals %e worker 0 queue 2 {
    // expected-error@+1 {{task "t2" reads 'a'[0, 64) but 'a'[0, 64) was last written as 'b'[0, 64) by task "t1", which shares its scratch page (garbage read)}}
    amk.copy %a -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// A partial wait that happens-before decides: "use" follows t0 on worker 0,
// so once the counter reaches 2 the second producer must be t1.
amk.program @ordered_partial_wait target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "tiles" init 1
  %d = amk.event "d"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%e >= 3) signals %d worker 0 queue 1 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Producers chained on one worker finish in queue order: a wait for 1 of 2
// is a wait for the first. "use" reads only what "a" wrote.
amk.program @chained_producers target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "tiles"
  %d = amk.event "d"
  amk.task "a" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "b" signals %e worker 0 queue 1 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%e >= 1) signals %d worker 1 queue 0 {
    amk.copy %h -> %y cols [0, 32) : memref<64xf32>, memref<64xf32>
  }
  amk.task "rest" waits(%e >= 2) signals %d worker 1 queue 1 {
    amk.copy %h -> %y cols [32, 64) : memref<64xf32>, memref<64xf32>
  }
}
