// RUN: amk-opt %s --amk-lower-megakernel -split-input-file -verify-diagnostics

// Test: a program without a target chip cannot be lowered.
// expected-error @+1 {{amk-lower-megakernel: program 'p' has no target chip: run --amk-compile or --amk-set-target}}
amk.program @p {
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
  }
}

// -----

// Test: an unassigned task is refused before anything is emitted.
amk.program @p target <"sm_90a", sms = 2> {
  %e = amk.event "e"
  // expected-error @+1 {{amk-lower-megakernel: task 't' has no worker/queue: the program must be fully assigned (run --amk-compile or --amk-assign-workers)}}
  amk.task "t" signals %e {
  }
}

// -----

// Test: the validator re-runs: two unordered writers of one buffer race.
// expected-error @+1 {{schedule rejected: 1 violation(s)}}
amk.program @p target <"sm_90a", sms = 2> {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  amk.task "a" signals %e worker 0 queue 0 {
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
  amk.task "b" signals %e worker 1 queue 0 {
    // expected-error @+1 {{unordered conflicting accesses: write 'y'[0, 64) in task "a" and write 'y'[0, 64) in task "b" are not ordered by happens-before}}
    amk.copy %x -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: an opaque op has no GPU lowering; the task is named.
amk.program @p target <"sm_90a", sms = 1> {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %e = amk.event "e"
  // expected-error @+1 {{amk-lower-megakernel: task 't' has an amk.opaque body op ('GELU'), which has no GPU lowering}}
  amk.task "t" signals %e worker 0 queue 0 {
    amk.opaque "GELU" ins(%x) outs(%y) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: an element type the megakernel cannot load or store (f8 has no
// conversion in the kernel, and the runtime no arena type for it) is
// refused, naming the buffer, before anything is emitted.
amk.program @p target <"sm_90a", sms = 1> {
  %x = amk.buffer "x" input : memref<64xf32>
  // expected-error @+1 {{amk-lower-megakernel: buffer 'w' has element type 'f8E4M3FN', which the megakernel cannot load or store (supported: f32, f16, bf16, i32, i8, i4, i2, i1)}}
  %w = amk.buffer "w" activation : memref<64xf8E4M3FN>
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
    amk.copy %x -> %w : memref<64xf32>, memref<64xf8E4M3FN>
  }
}

// -----

// Test: a width that straddles bytes (i3: element 2 spans bits [6, 9)) is
// refused rather than stored a byte per element.
amk.program @p target <"sm_90a", sms = 1> {
  %x = amk.buffer "x" input : memref<64xf32>
  // expected-error @+1 {{amk-lower-megakernel: buffer 'q' has element type 'i3', which the megakernel cannot load or store (supported: f32, f16, bf16, i32, i8, i4, i2, i1)}}
  %q = amk.buffer "q" activation : memref<64xi3>
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
    amk.copy %x -> %q : memref<64xf32>, memref<64xi3>
  }
}

// -----

// Test: f64 is a valid buffer type for the validator but has no arena type
// in the runtime, so the lowering refuses it too.
amk.program @p target <"sm_90a", sms = 1> {
  %x = amk.buffer "x" input : memref<64xf32>
  // expected-error @+1 {{amk-lower-megakernel: buffer 'd' has element type 'f64'}}
  %d = amk.buffer "d" output : memref<64xf64>
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
    amk.copy %x -> %d : memref<64xf32>, memref<64xf64>
  }
}
