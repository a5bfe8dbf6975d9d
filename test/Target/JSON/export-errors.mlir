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

// -----

amk.program @masked position 5 {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // CHECK: error: 'amk.attention' op kv [0, 64) reaches past the position 5; the JSON format's ATTENTION_TILE does not mask those rows
    amk.attention %q, %kc, %kc, %pos -> %o kv [0, 64) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xf32>, memref<128x2x16xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: JSON text is UTF-8; a name holding the byte 0xFF cannot be written.
amk.program @utf8 {
  // CHECK: error: 'amk.buffer' op has a string that is not valid UTF-8, which JSON cannot hold
  %x = amk.buffer "x\FF" activation : memref<64xf32>
}
