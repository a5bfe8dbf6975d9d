// Negative tests of the amk dialect's verifiers for RMSNorm and rotary
// embedding: one case per rule, each checking the exact diagnostic. The other
// op groups are in errors-*.mlir beside this file; attribute parse/verify
// errors are in invalid-attrs.mlir, undefined references in undefined-
// value.mlir.
//
// RUN: amk-opt %s -split-input-file -verify-diagnostics

// Test: rmsnorm: the input is a vector
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.rmsnorm %x2, %g -> %x eps 1.0e-05 : memref<2x32xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the output is a vector
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.rmsnorm %x, %g -> %x2 eps 1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<2x32xf32>
  }
}

// -----

// Test: rmsnorm: the weight has rank 1
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' must have rank 1 ([row size]), got 'memref<1x64xbf16>'}}
    amk.rmsnorm %x, %g2 -> %x eps 1.0e-05 : memref<64xf32>, memref<1x64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the weight is floating-point
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' must have a floating-point element type, got 'i8'}}
    amk.rmsnorm %x, %gi -> %x eps 1.0e-05 : memref<64xf32>, memref<64xi8>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the input is floating-point
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'input' must have a floating-point element type, got 'i32'}}
    amk.rmsnorm %xi, %g -> %xi eps 1.0e-05 : memref<64xi32>, memref<64xbf16>, memref<64xi32>
  }
}

// -----

// Test: rmsnorm: input and output share an element type
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op element type of 'output' ('f16') differs from 'input' ('f32')}}
    amk.rmsnorm %x, %g -> %xh eps 1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<64xf16>
  }
}

// -----

// Test: rmsnorm: the output has the input's length
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'output' has 32 elements, expected 64 (the input's)}}
    amk.rmsnorm %x, %g -> %x32 eps 1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<32xf32>
  }
}

// -----

// Test: rmsnorm: eps must be positive (zero)
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op eps must be positive}}
    amk.rmsnorm %x, %g -> %x eps 0.0 : memref<64xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: eps must be positive (negative)
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op eps must be positive}}
    amk.rmsnorm %x, %g -> %x eps -1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: head_dim divides the input
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op head_dim 24 does not divide the input's 64 elements}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 24 : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: head_dim must be positive
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op head_dim 0 does not divide the input's 64 elements}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 0 : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: negative head_dim
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op head_dim -16 does not divide the input's 64 elements}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim -16 : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads needs head_dim
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' needs 'head_dim'}}
    amk.rmsnorm %x, %g -> %x eps 1.0e-05 heads [0, 1) : memref<64xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the weight covers the whole vector
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' has 32 elements, expected 64 (one normalized row)}}
    amk.rmsnorm %x, %g32 -> %x eps 1.0e-05 : memref<64xf32>, memref<32xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the weight covers one head
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' has 8 elements, expected 16 (one normalized row)}}
    amk.rmsnorm %x, %g8 -> %x eps 1.0e-05 head_dim 16 : memref<64xf32>, memref<8xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads inside the head count
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' [2, 5) exceeds the 4 heads}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 16 heads [2, 5) : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads cannot be empty
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' [2, 2) is empty or negative}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 16 heads [2, 2) : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads cannot depend on pos
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' cannot depend on the decode position}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 16 heads [0, pos) : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rope: the input is a vector
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.rope %q2, %pos -> %q head_dim 16 theta 1.0e+04 : memref<2x32xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: the input is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'input' must have a floating-point element type, got 'i32'}}
    amk.rope %qi, %pos -> %qi head_dim 16 theta 1.0e+04 : memref<64xi32>, memref<1xi32>, memref<64xi32>
  }
}

// -----

// Test: rope: input and output share an element type
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op element type of 'output' ('f16') differs from 'input' ('f32')}}
    amk.rope %q, %pos -> %qh head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf16>
  }
}

// -----

// Test: rope: the output has the input's length
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'output' has 32 elements, expected 64 (the input's)}}
    amk.rope %q, %pos -> %q32 head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: rope: the position is i32
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'position' must be a one-element i32 vector, got 'memref<1xf32>'}}
    amk.rope %q, %posf -> %q head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<1xf32>, memref<64xf32>
  }
}

// -----

// Test: rope: the position has one element
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'position' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.rope %q, %pos2 -> %q head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<2xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: head_dim must be even
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op head_dim 15 must be even and divide the input's 64 elements}}
    amk.rope %q, %pos -> %q head_dim 15 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: head_dim divides the input
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op head_dim 24 must be even and divide the input's 64 elements}}
    amk.rope %q, %pos -> %q head_dim 24 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: head_dim must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op head_dim 0 must be even and divide the input's 64 elements}}
    amk.rope %q, %pos -> %q head_dim 0 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: theta must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op theta must be positive}}
    amk.rope %q, %pos -> %q head_dim 16 theta 0.0 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: theta must be positive (negative)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op theta must be positive}}
    amk.rope %q, %pos -> %q head_dim 16 theta -1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: heads inside the head count
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'heads' [3, 5) exceeds the 4 heads}}
    amk.rope %q, %pos -> %q head_dim 16 theta 1.0e+04 heads [3, 5) : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: heads cannot depend on pos
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'heads' cannot depend on the decode position}}
    amk.rope %q, %pos -> %q head_dim 16 theta 1.0e+04 heads [pos, pos + 1) : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: llama3 parameters are verified in op form
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{llama3 rope high_freq_factor (1.000000e+00) must exceed low_freq_factor (4.000000e+00)}}
    amk.rope %q, %pos -> %q head_dim 16 theta 1.0e+04 llama3 <factor = 8.0, low_freq_factor = 4.0, high_freq_factor = 1.0, original_max_position = 64> : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: task: a zero-sized memref from elsewhere is refused by the operand
// type (no division by zero in op verifiers)
amk.program @p {
  %a = amk.buffer "a" activation : memref<4xf32>
  %w = amk.buffer "w" weight : memref<4xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    %m = memref.alloc() : memref<0xf32>
    // expected-error @+1 {{'amk.rmsnorm' op operand #0 must be memref of rank >= 1 with positive static dimensions, but got 'memref<0xf32>'}}
    amk.rmsnorm %m, %w -> %a eps 1.0e-05 : memref<0xf32>, memref<4xf32>, memref<4xf32>
  }
}
