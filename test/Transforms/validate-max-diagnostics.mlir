// RUN: not amk-opt %s --amk-validate="max-diagnostics=1" -o /dev/null 2>&1 | FileCheck %s

// The count is always given, even when diagnostics are capped.
// CHECK: error: task "w" waits for event "e" >= 3
// CHECK-NOT: waits for event "never"
// CHECK: error: schedule rejected: 2 violation(s), 1 shown (max-diagnostics)
amk.program @capped {
  %e = amk.event "e"
  %n = amk.event "never"
  %d = amk.event "d"
  amk.task "p0" signals %e {
  }
  amk.task "p1" signals %e {
  }
  amk.task "w" waits(%e >= 3) signals %d {
  }
  amk.task "z" waits(%n >= 1) signals %d {
  }
}
