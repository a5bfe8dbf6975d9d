// --amk-schedule-stats on a partly assigned program counts it as one worker;
// it used to index its per-worker array by the assigned task's worker id
// (a read past the array at worker 100000).
//

amk.program @p {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "t0" signals %e worker 100000 queue 0 {
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e {
    amk.copy %x -> %z : memref<64xf32>, memref<64xf32>
  }
}
