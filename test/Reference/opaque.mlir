// An opaque op cannot be executed.
// RUN: not amk-ref-run %s --weights %models/llama-f32 --prompt 1 --steps 1 2>&1 | FileCheck %s
// CHECK: error: step at position 0: task 'gelu': cannot execute amk.opaque "GELU"

amk.program @opaque {
  %tokens = amk.buffer "tokens" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %logits = amk.buffer "logits" output : memref<4xf32>
  %next = amk.buffer "next_token" output : memref<1xi32>
  %x = amk.buffer "x" activation : memref<4xf32>
  %e = amk.event "gelu"
  amk.task "gelu" signals %e {
    amk.opaque "GELU" ins(%x) outs(%logits) : memref<4xf32>, memref<4xf32>
  }
}
