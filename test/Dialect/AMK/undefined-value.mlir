// References that do not resolve: the parser reports them, nothing crashes.
//
// RUN: not amk-opt %s -split-input-file 2>&1 | FileCheck %s

// Test: a task signals an undefined event
// CHECK: undefined-value.mlir:[[# @LINE + 3]]:{{[0-9]+}}: error: use of undeclared SSA value name
amk.program @p {
  %x = amk.buffer "x" activation : memref<4xf32>
  amk.task "t" signals %nope {
  }
}

// -----

// Test: a task waits on an undefined event
// CHECK: undefined-value.mlir:[[# @LINE + 3]]:{{[0-9]+}}: error: use of undeclared SSA value name
amk.program @p {
  %e = amk.event "e"
  amk.task "t" waits(%nope >= 1) signals %e {
  }
}

// -----

// Test: a compute op reads an undefined buffer
// CHECK: undefined-value.mlir:[[# @LINE + 5]]:{{[0-9]+}}: error: use of undeclared SSA value name
amk.program @p {
  %x = amk.buffer "x" activation : memref<4xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %missing -> %x : memref<4xf32>, memref<4xf32>
  }
}

// -----

// Test: a buffer on an undefined page
// CHECK: undefined-value.mlir:[[# @LINE + 2]]:{{[0-9]+}}: error: use of undeclared SSA value name
amk.program @p {
  %x = amk.buffer "x" scratch page %p9 : memref<4xf32>
}

// -----

// Test: programs are isolated: a buffer of another program is not visible
// CHECK: undefined-value.mlir:[[# @LINE + 8]]:{{[0-9]+}}: error: use of undeclared SSA value name
amk.program @a {
  %x = amk.buffer "x" activation : memref<4xf32>
}
amk.program @b {
  %y = amk.buffer "y" activation : memref<4xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %x -> %y : memref<4xf32>, memref<4xf32>
  }
}

// -----

// Test: a value used before its definition in a graph-less (SSA) program body
// CHECK: undefined-value.mlir:[[# @LINE + 4]]:{{[0-9]+}}: error: operand #0 does not dominate this use
amk.program @p {
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %late -> %late : memref<4xf32>, memref<4xf32>
  }
  %late = amk.buffer "late" activation : memref<4xf32>
}
