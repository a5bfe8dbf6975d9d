// An unsafe schedule: "use" waits for one of two producers of "tiles" (a
// partial wait that does not say which finished), so both tiles' writes of
// 'h' race with its read. The validator reports those 2 races; with
// partial-waits=strict the ambiguous wait itself is a third violation.
amk.program @partial_wait target <"sm_90a", sms = 3> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "tiles"
  %d = amk.event "d"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%e >= 1) signals %d worker 2 queue 0 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}
