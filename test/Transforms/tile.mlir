// RUN: amk-opt %s -split-input-file --amk-tile="qkv-cols=16" | FileCheck %s

// A whole GEMV becomes one task per 16-column tile; every tile signals the
// original event and the waiter's threshold becomes an all-join (4 tiles).
// CHECK-LABEL: amk.program @whole_gemv
// CHECK:       amk.task "g.t0" signals %e0 {
// CHECK-NEXT:    amk.gemv %w, %x -> %h cols [0, 16)
// CHECK:       amk.task "g.t1" signals %e0 {
// CHECK-NEXT:    amk.gemv %w, %x -> %h cols [16, 32)
// CHECK:       amk.task "g.t3" signals %e0 {
// CHECK-NEXT:    amk.gemv %w, %x -> %h cols [48, 64)
// CHECK:       amk.task "use" waits(%e0 >= 4) signals %e1 {
amk.program @whole_gemv target <"sm_90a", sms = 4> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e0 = amk.event "e0"
  %e1 = amk.event "e1"
  amk.task "g" signals %e0 {
    amk.gemv %w, %x -> %h : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%e0 >= 1) signals %e1 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// A GEMV that already has a column range is left alone.
// CHECK-LABEL: amk.program @already_tiled
// CHECK:       amk.task "g" signals %e0 {
// CHECK-NEXT:    amk.gemv %w, %x -> %h cols [0, 64)
// CHECK-NOT:   amk.task "g.t0"
amk.program @already_tiled target <"sm_90a", sms = 4> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" output : memref<64xf32>
  %e0 = amk.event "e0"
  amk.task "g" signals %e0 {
    amk.gemv %w, %x -> %h cols [0, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
}
