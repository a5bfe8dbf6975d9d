// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=B200" -verify-diagnostics

// Test: a product of another architecture is refused, saying which one it
// is built on and naming the products of the requested architecture.
// expected-error @below {{amk-set-target: knob 'product' = 'B200' is not a product of sm_90a (B200 is built on sm_100a); products of sm_90a: H100-SXM, H100-PCIe, H200}}
amk.program @p {
}
