// RUN: not amk-opt %s --amk-set-target="chip=sm_91" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not amk-opt %s --amk-set-target="sms=5000" 2>&1 | FileCheck %s --check-prefix=SMS

// Test: an unknown chip is refused at the program, naming the known ones.
// CHIP: set-target-errors.mlir:10:1: error: amk-set-target: knob 'chip' = 'sm_91' is not one of sm_80, sm_90a, sm_100a, sm_120a
// Test: a worker count outside the knob table's range is refused.
// SMS: set-target-errors.mlir:10:1: error: amk-set-target: knob 'sms' = 5000 is out of range [0, 4096]

// The program the errors are reported at.
amk.program @p {
}
