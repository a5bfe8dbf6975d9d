// Negative tests of the amk dialect's verifiers for GEMV, embedding, copy and
// the elementwise ops (add, silu_mul): one case per rule, each checking the
// exact diagnostic. The other op groups are in errors-*.mlir beside this file;
// attribute parse/verify errors are in invalid-attrs.mlir, undefined references
// in undefined-value.mlir.
//
// RUN: amk-opt %s -split-input-file -verify-diagnostics

// Test: a compute op directly in a program
amk.program @p {
  %x = amk.buffer "x" activation : memref<4xf32>
  // expected-error @+1 {{'amk.copy' op expects parent op 'amk.task'}}
  amk.copy %x -> %x : memref<4xf32>, memref<4xf32>
}

// -----

// Test: a compute op in a function
func.func @f(%x: memref<4xf32>) {
  // expected-error @+1 {{'amk.add' op expects parent op 'amk.task'}}
  amk.add %x, %x -> %x : memref<4xf32>, memref<4xf32>, memref<4xf32>
  return
}

// -----

// Test: embed: the table is [vocab, hidden]
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'table' must have rank 2 ([vocab, hidden]), got 'memref<64xbf16>'}}
    amk.embed %tab1[%tok] -> %x : memref<64xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: embed: the table is floating-point
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'table' must have a floating-point element type, got 'i8'}}
    amk.embed %tabi[%tok] -> %x : memref<256x64xi8>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: embed: the output is floating-point
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'output' must have a floating-point element type, got 'i32'}}
    amk.embed %tab[%tok] -> %xi : memref<256x64xbf16>, memref<1xi32>, memref<64xi32>
  }
}

// -----

// Test: embed: the token is i32
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'token' must be a one-element i32 vector, got 'memref<1xi64>'}}
    amk.embed %tab[%tok64] -> %x : memref<256x64xbf16>, memref<1xi64>, memref<64xf32>
  }
}

// -----

// Test: embed: the token has one element
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'token' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.embed %tab[%tok2] -> %x : memref<256x64xbf16>, memref<2xi32>, memref<64xf32>
  }
}

// -----

// Test: embed: the output is a vector
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.embed %tab[%tok] -> %x2 : memref<256x64xbf16>, memref<1xi32>, memref<2x64xf32>
  }
}

// -----

// Test: embed: the output has the hidden size
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'output' has 32 elements, expected 64 (the table's hidden size)}}
    amk.embed %tab[%tok] -> %x32 : memref<256x64xbf16>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: compute operands are memrefs
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %ev = amk.event "ev"
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op operand #1 must be memref of rank >= 1 with positive static dimensions, but got '!amk.event'}}
    amk.embed %tab[%ev] -> %x : memref<256x64xbf16>, !amk.event, memref<64xf32>
  }
}

// -----

// Test: gemv: the weight is [N, K]
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'weight' must have rank 2 ([N, K]), got 'memref<64xbf16>'}}
    amk.gemv %w1, %x -> %y : memref<64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the weight is floating-point
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'weight' must have a floating-point element type, got 'i8'}}
    amk.gemv %wi, %x -> %y : memref<32x64xi8>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the input is floating-point
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'input' must have a floating-point element type, got 'i32'}}
    amk.gemv %w, %xi -> %y : memref<32x64xbf16>, memref<64xi32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the input is a vector
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.gemv %w, %x2 -> %y : memref<32x64xbf16>, memref<2x32xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the input has K elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'input' has 48 elements, expected 64 (the weight's K)}}
    amk.gemv %w, %x48 -> %y : memref<32x64xbf16>, memref<48xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the output has N elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'output' has 16 elements, expected 32 (the weight's N)}}
    amk.gemv %w, %x -> %y16 : memref<32x64xbf16>, memref<64xf32>, memref<16xf32>
  }
}

// -----

// Test: gemv: the output has the input's element type
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op element type of 'output' ('f16') differs from 'input' ('f32')}}
    amk.gemv %w, %x -> %yh : memref<32x64xbf16>, memref<64xf32>, memref<32xf16>
  }
}

// -----

// Test: gemv: the bias has N elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'bias' has 16 elements, expected 32 (the weight's N)}}
    amk.gemv %w, %x -> %y bias %b16 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<16xbf16>
  }
}

// -----

// Test: gemv: the bias is a vector
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'bias' must be a vector (all dimensions 1 but the last), got 'memref<2x16xbf16>'}}
    amk.gemv %w, %x -> %y bias %b2 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<2x16xbf16>
  }
}

// -----

// Test: gemv: the bias is floating-point
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'bias' must have a floating-point element type, got 'i32'}}
    amk.gemv %w, %x -> %y bias %bi : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<32xi32>
  }
}

// -----

// Test: gemv: the residual has N elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'residual' has 16 elements, expected 32 (the weight's N)}}
    amk.gemv %w, %x -> %y residual %y16 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<16xf32>
  }
}

// -----

// Test: gemv: the residual has the input's element type
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op element type of 'residual' ('f16') differs from 'input' ('f32')}}
    amk.gemv %w, %x -> %y residual %yh : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<32xf16>
  }
}

// -----

// Test: gemv: the residual is a vector
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'residual' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.gemv %w, %x -> %y residual %x2 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<2x32xf32>
  }
}

// -----

// Test: gemv: cols inside N
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [16, 48) exceeds the 32 output columns}}
    amk.gemv %w, %x -> %y cols [16, 48) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot be empty
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [8, 8) is empty or negative}}
    amk.gemv %w, %x -> %y cols [8, 8) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot be reversed
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [16, 8) is empty or negative}}
    amk.gemv %w, %x -> %y cols [16, 8) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot start below 0
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [-8, 8) is empty or negative}}
    amk.gemv %w, %x -> %y cols [-8, 8) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot depend on pos
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' cannot depend on the decode position}}
    amk.gemv %w, %x -> %y cols [0, pos + 1) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: operandSegmentSizes must match the operands (generic form)
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %x = amk.buffer "x" activation : memref<64xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op operand count (3) does not match with the total size (4) specified in attribute 'operandSegmentSizes'}}
    "amk.gemv"(%w, %x, %y) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}> : (memref<32x64xbf16>, memref<64xf32>, memref<32xf32>) -> ()
  }
}

// -----

// Test: silu_mul: lhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'lhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.silu_mul %a2, %a -> %a : memref<2x64xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: rhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'rhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.silu_mul %a, %a2 -> %a : memref<128xf32>, memref<2x64xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: operands are floating-point
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'lhs' must have a floating-point element type, got 'i32'}}
    amk.silu_mul %ai, %ai -> %ai : memref<128xi32>, memref<128xi32>, memref<128xi32>
  }
}

// -----

// Test: silu_mul: rhs has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op element type of 'rhs' ('f16') differs from 'lhs' ('f32')}}
    amk.silu_mul %a, %ah -> %a : memref<128xf32>, memref<128xf16>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: output has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op element type of 'output' ('f16') differs from 'lhs' ('f32')}}
    amk.silu_mul %a, %a -> %ah : memref<128xf32>, memref<128xf32>, memref<128xf16>
  }
}

// -----

// Test: silu_mul: rhs has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'rhs' has 64 elements, expected 128 (the lhs's)}}
    amk.silu_mul %a, %a64 -> %a : memref<128xf32>, memref<64xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: output has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'output' has 64 elements, expected 128 (the lhs's)}}
    amk.silu_mul %a, %a -> %a64 : memref<128xf32>, memref<128xf32>, memref<64xf32>
  }
}

// -----

// Test: silu_mul: cols inside the vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'cols' [64, 192) exceeds the 128 columns}}
    amk.silu_mul %a, %a -> %a cols [64, 192) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: cols cannot depend on pos
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'cols' cannot depend on the decode position}}
    amk.silu_mul %a, %a -> %a cols [0, pos + 1) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: add: lhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'lhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.add %a2, %a -> %a : memref<2x64xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: add: rhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'rhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.add %a, %a2 -> %a : memref<128xf32>, memref<2x64xf32>, memref<128xf32>
  }
}

// -----

// Test: add: operands are floating-point
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'lhs' must have a floating-point element type, got 'i32'}}
    amk.add %ai, %ai -> %ai : memref<128xi32>, memref<128xi32>, memref<128xi32>
  }
}

// -----

// Test: add: rhs has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op element type of 'rhs' ('f16') differs from 'lhs' ('f32')}}
    amk.add %a, %ah -> %a : memref<128xf32>, memref<128xf16>, memref<128xf32>
  }
}

// -----

// Test: add: output has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op element type of 'output' ('f16') differs from 'lhs' ('f32')}}
    amk.add %a, %a -> %ah : memref<128xf32>, memref<128xf32>, memref<128xf16>
  }
}

// -----

// Test: add: rhs has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'rhs' has 64 elements, expected 128 (the lhs's)}}
    amk.add %a, %a64 -> %a : memref<128xf32>, memref<64xf32>, memref<128xf32>
  }
}

// -----

// Test: add: output has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'output' has 64 elements, expected 128 (the lhs's)}}
    amk.add %a, %a -> %a64 : memref<128xf32>, memref<128xf32>, memref<64xf32>
  }
}

// -----

// Test: add: cols inside the vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'cols' [64, 192) exceeds the 128 columns}}
    amk.add %a, %a -> %a cols [64, 192) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: add: cols cannot depend on pos
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'cols' cannot depend on the decode position}}
    amk.add %a, %a -> %a cols [0, pos + 1) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: copy: a whole copy needs equal shapes
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op a whole copy needs equal shapes, got 'memref<4x8xf32>' and 'memref<8x4xf32>'}}
    amk.copy %a -> %b : memref<4x8xf32>, memref<8x4xf32>
  }
}

// -----

// Test: copy: a whole copy needs equal lengths
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op a whole copy needs equal shapes, got 'memref<64xf32>' and 'memref<32xf32>'}}
    amk.copy %v -> %v32 : memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: copy: a column copy needs a vector source
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'source' must be a vector (all dimensions 1 but the last), got 'memref<4x8xf32>'}}
    amk.copy %a -> %v cols [0, 4) : memref<4x8xf32>, memref<64xf32>
  }
}

// -----

// Test: copy: a column copy needs equal lengths
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'output' has 32 elements, expected 64 (the source's)}}
    amk.copy %v -> %v32 cols [0, 16) : memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: copy: cols inside the vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'cols' [32, 65) exceeds the 64 columns}}
    amk.copy %v -> %v cols [32, 65) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: copy: cols cannot depend on pos
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'cols' cannot depend on the decode position}}
    amk.copy %v -> %v cols [0, pos + 1) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: task: compute-op operands must be amk.buffer results
amk.program @p {
  %a = amk.buffer "a" activation : memref<4xf32>
  %m = memref.alloc() : memref<4xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op operands must be amk.buffer results}}
    amk.copy %m -> %a : memref<4xf32>, memref<4xf32>
  }
}
