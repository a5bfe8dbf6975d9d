// What the JSON format cannot express is refused, and no output file is left.
// RUN: not amk-translate --export-amk-json --split-input-file %s 2>&1 | FileCheck %s
// RUN: rm -f %t.json
// RUN: not amk-translate --export-amk-json %s -o %t.json
// RUN: not test -e %t.json

amk.program @barrier {
  %e = amk.event "e"
  // CHECK: error: 'amk.barrier' op cannot be exported: the JSON format has no barriers (express the join with events first)
  amk.barrier "b" slots [0]
}

// -----

amk.program @fused {
  %x = amk.buffer "x" activation : memref<64xf32>
  %e = amk.event "e"
  // CHECK: error: 'amk.task' op has 2 compute ops; the JSON format has one op per task, so fused tasks cannot be exported
  amk.task "t" signals %e {
    amk.add %x, %x -> %x : memref<64xf32>, memref<64xf32>, memref<64xf32>
    amk.add %x, %x -> %x : memref<64xf32>, memref<64xf32>, memref<64xf32>
  }
}

// -----

amk.program @dtype {
  // CHECK: error: 'amk.buffer' op element type 'f64' has no dtype in the JSON format
  %x = amk.buffer "x" activation : memref<64xf64>
}

// -----

amk.program @kind {
  %x = amk.buffer "x" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // CHECK: error: 'amk.opaque' op kind 'FROB' is not an op of the JSON format
    amk.opaque "FROB" outs(%x) : memref<64xf32>
  }
}

// -----

// CHECK: error: --export-amk-json needs exactly one amk.program, found 2
amk.program @a {
}
amk.program @b {
}
