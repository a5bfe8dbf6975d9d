// A module without an amk.program: the passes have nothing to do and must
// not crash (--amk-set-target used to dereference the unloaded dialect).
//
// RUN: amk-opt --amk-compile %s | FileCheck %s
// RUN: amk-opt --amk-set-target=chip=sm_80 %s | FileCheck %s
// RUN: amk-opt --amk-tile --amk-fuse --amk-assign-workers --amk-allocate-scratch --amk-validate --amk-schedule-stats %s | FileCheck %s

// CHECK: module attributes {test.kept}
module attributes {test.kept} {
}
