// RUN: amk-translate --import-hf %models/mistral-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_90a sms=4" --amk-tile --amk-fuse --amk-assign-workers \
// RUN:             --amk-allocate-scratch=report --amk-validate 2>&1 -o %t.mlir | FileCheck %s
// RUN: FileCheck %s --check-prefix=IR < %t.mlir
// RUN: amk-translate --import-hf %models/mistral-bf16 \
// RUN:   | not amk-opt --amk-set-target="chip=sm_90a" --amk-allocate-scratch 2>&1 | FileCheck %s --check-prefix=UNASSIGNED

// CHECK: amk-allocate-scratch @mistral-bf16: {{[0-9]+}} transient buffers, {{[0-9]+}} bytes -> {{[0-9]+}} pages, {{[0-9]+}} bytes
// IR: %p0 = amk.page "p0" bytes {{[0-9]+}} live [0, {{[0-9]+}})
// IR: amk.buffer "layers.0.q" activation page %p{{[0-9]+}}
// IR-NOT: activation :
// UNASSIGNED: error: amk-allocate-scratch needs assigned workers
