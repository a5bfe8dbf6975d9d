// Test: the block size must be a multiple of 32 in [64, 1024].
// RUN: not amk-opt %s --amk-lower-megakernel=block-size=100 2>&1 | FileCheck %s --check-prefix=BLOCK
// BLOCK: error: amk-lower-megakernel: block-size 100 must be a multiple of 32 in [64, 1024]
// Test: exactly one program per module.
// RUN: not amk-opt %s --amk-lower-megakernel 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: error: amk-lower-megakernel: expected one amk.program, found 2
// Test: a smaller block shrinks the shared-memory scratch with the warp count.
// RUN: amk-opt %s --split-input-file --amk-lower-megakernel=block-size=128 2>&1 | FileCheck %s --check-prefix=SMALL
// SMALL: !llvm.array<12 x f32>

amk.program @a target <"sm_80", sms = 1> {
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
  }
}
// -----
amk.program @b target <"sm_80", sms = 1> {
  %e = amk.event "e"
  amk.task "t" signals %e worker 0 queue 0 {
  }
}
