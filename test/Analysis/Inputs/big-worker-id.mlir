// A schedule whose tasks use workers 7 and 2,000,000,000 (no target).
amk.program @big_worker_id {
  %x = amk.buffer "x" input : memref<8xf32>
  %h = amk.buffer "h" activation : memref<8xf32>
  %y = amk.buffer "y" output : memref<8xf32>
  %e = amk.event "e"
  %d = amk.event "d"
  amk.task "a" signals %e worker 2000000000 queue 0 {
    amk.copy %x -> %h : memref<8xf32>, memref<8xf32>
  }
  amk.task "b" waits(%e >= 1) signals %d worker 7 queue 0 {
    amk.copy %h -> %y : memref<8xf32>, memref<8xf32>
  }
}
