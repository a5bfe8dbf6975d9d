// A summary error about a whole program or module names it by location only:
// it never attaches the program (a 100,000-task program printed in the
// "see current operation" note is 20 MB of error output).
// RUN: not amk-opt %s -split-input-file --amk-validate -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=VALIDATE --implicit-check-not='"amk.program"'
// RUN: not amk-opt %s -split-input-file --amk-schedule-stats -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=STATS --implicit-check-not='"amk.program"'
// RUN: not amk-opt %s -split-input-file --amk-assign-workers -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ASSIGN --implicit-check-not='"amk.program"'
// RUN: not amk-opt %s -split-input-file --amk-set-target=chip=sm_1 -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TARGET --implicit-check-not='"amk.program"'
// RUN: not amk-opt %s -split-input-file --amk-lower-megakernel -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=LOWER --implicit-check-not='"amk.program"'
// RUN: echo "module {}" | not amk-translate --export-amk-json 2>&1 \
// RUN:   | FileCheck %s --check-prefix=EXPORT --implicit-check-not='"builtin.module"'

// Test: two tasks that wait for each other.
// VALIDATE: summary-errors.mlir:[[@LINE+7]]:1: error: schedule rejected: 1 violation(s)
// STATS: summary-errors.mlir:[[@LINE+6]]:1: error: amk-schedule-stats: the schedule has a cycle; run --amk-validate for a witness
// ASSIGN: summary-errors.mlir:[[@LINE+5]]:1: error: amk-assign-workers needs a target
// TARGET: summary-errors.mlir:[[@LINE+4]]:1: error: amk-set-target: knob 'chip' = 'sm_1' is not one of
// LOWER: summary-errors.mlir:[[@LINE+3]]:1: error: amk-lower-megakernel: program 'cycle' has no target chip
// EXPORT: <stdin>:1:1: error: --export-amk-json needs exactly one amk.program, found 0
// The program's own text must not be repeated:
amk.program @cycle {
  %a = amk.event "a"
  %b = amk.event "b"
  amk.task "first" waits(%b >= 1) signals %a {
  }
  amk.task "second" waits(%a >= 1) signals %b {
  }
}

// -----

// Test: a position out of range is the verifier's, on the program's line.
// VALIDATE: summary-errors.mlir:[[@LINE+5]]:1: error: 'amk.program' op position -1 is outside [0,
// STATS: summary-errors.mlir:[[@LINE+4]]:1: error: 'amk.program' op position -1 is outside [0,
// ASSIGN: summary-errors.mlir:[[@LINE+3]]:1: error: 'amk.program' op position -1 is outside [0,
// TARGET: summary-errors.mlir:[[@LINE+2]]:1: error: 'amk.program' op position -1 is outside [0,
// LOWER: summary-errors.mlir:[[@LINE+1]]:1: error: 'amk.program' op position -1 is outside [0,
amk.program @early position -1 {
  %a = amk.event "a"
  amk.task "only" signals %a {
  }
}
