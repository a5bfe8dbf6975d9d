// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H300" -verify-diagnostics

// Test: a product AMK does not know is refused at the program, naming the
// products of the architecture.
// expected-error @below {{amk-set-target: knob 'product' = 'H300' is not a product of sm_90a; products of sm_90a: H100-SXM, H100-PCIe, H200}}
amk.program @p {
}
