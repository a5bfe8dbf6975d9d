// Negative tests of the amk dialect's verifiers for argmax, argmax_partial and
// argmax_reduce: one case per rule, each checking the exact diagnostic. The
// other op groups are in errors-*.mlir beside this file; attribute parse/verify
// errors are in invalid-attrs.mlir, undefined references in undefined-
// value.mlir.
//
// RUN: amk-opt %s -split-input-file -verify-diagnostics

// Test: argmax: logits are a vector
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'logits' must be a vector (all dimensions 1 but the last), got 'memref<2x128xf32>'}}
    amk.argmax %l2 -> %next : memref<2x128xf32>, memref<1xi32>
  }
}

// -----

// Test: argmax: logits are floating-point
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'logits' must have a floating-point element type, got 'i32'}}
    amk.argmax %li -> %next : memref<256xi32>, memref<1xi32>
  }
}

// -----

// Test: argmax: the token is i32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'token' must be a one-element i32 vector, got 'memref<1xi64>'}}
    amk.argmax %l -> %next64 : memref<256xf32>, memref<1xi64>
  }
}

// -----

// Test: argmax: the token has one element
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'token' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.argmax %l -> %next2 : memref<256xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: logits are floating-point
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'logits' must have a floating-point element type, got 'i32'}}
    amk.argmax_partial %li -> %vals, %idx slot 0 : memref<256xi32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: logits are a vector
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'logits' must be a vector (all dimensions 1 but the last), got 'memref<2x128xf32>'}}
    amk.argmax_partial %l2 -> %vals, %idx slot 0 : memref<2x128xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: values are rank 1
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'values' must be a rank-1 f32 buffer, got 'memref<1x2xf32>'}}
    amk.argmax_partial %l -> %vals2, %idx slot 0 : memref<256xf32>, memref<1x2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: values are f32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'values' must be a rank-1 f32 buffer, got 'memref<2xf16>'}}
    amk.argmax_partial %l -> %valsh, %idx slot 0 : memref<256xf32>, memref<2xf16>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: indices match values
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'indices' must be memref<2xi32>, got 'memref<3xi32>'}}
    amk.argmax_partial %l -> %vals, %idx3 slot 0 : memref<256xf32>, memref<2xf32>, memref<3xi32>
  }
}

// -----

// Test: argmax_partial: indices are i32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'indices' must be memref<2xi32>, got 'memref<2xi64>'}}
    amk.argmax_partial %l -> %vals, %idx64 slot 0 : memref<256xf32>, memref<2xf32>, memref<2xi64>
  }
}

// -----

// Test: argmax_partial: slot inside the partials
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op slot 2 is outside the 2 partial slots}}
    amk.argmax_partial %l -> %vals, %idx slot 2 : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: slot cannot be negative
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op slot -1 is outside the 2 partial slots}}
    amk.argmax_partial %l -> %vals, %idx slot -1 : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: cols inside the logits
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'cols' [128, 257) exceeds the 256 logits}}
    amk.argmax_partial %l -> %vals, %idx slot 1 cols [128, 257) : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: cols cannot depend on pos
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'cols' cannot depend on the decode position}}
    amk.argmax_partial %l -> %vals, %idx slot 1 cols [0, pos) : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_reduce: values are f32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_reduce' op 'values' must be a rank-1 f32 buffer, got 'memref<2xf16>'}}
    amk.argmax_reduce %valsh, %idx -> %next : memref<2xf16>, memref<2xi32>, memref<1xi32>
  }
}

// -----

// Test: argmax_reduce: indices match values
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_reduce' op 'indices' must be memref<2xi32>, got 'memref<3xi32>'}}
    amk.argmax_reduce %vals, %idx3 -> %next : memref<2xf32>, memref<3xi32>, memref<1xi32>
  }
}

// -----

// Test: argmax_reduce: the token is a one-element i32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_reduce' op 'token' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.argmax_reduce %vals, %idx -> %next2 : memref<2xf32>, memref<2xi32>, memref<2xi32>
  }
}
