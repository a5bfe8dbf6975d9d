// Test: until the megakernel lowering lands, the pass refuses every program
// with a clear error and a non-zero exit instead of succeeding silently.
// RUN: not amk-opt %s --amk-lower-megakernel 2>&1 | FileCheck %s
// CHECK: error: --amk-lower-megakernel is not implemented yet

amk.program @p {
}
