// Test: the tile-copy kernel of every chip is valid PTX for that chip:
// ptxas assembles it.
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: for chip in sm_80 sm_90a sm_100a sm_120a; do \
// RUN:   sed s/CHIP/$chip/ %s | amk-opt --amk-test-tile-copy | amk-translate --to-ptx -o %t/$chip.ptx && \
// RUN:   %ptxas -arch=$chip %t/$chip.ptx -o %t/$chip.cubin || exit 1; \
// RUN: done
// RUN: ls %t | FileCheck %s
// CHECK: sm_100a.cubin
// CHECK: sm_120a.cubin
// CHECK: sm_80.cubin
// CHECK: sm_90a.cubin

gpu.module @amk [#nvvm.target<chip = "CHIP">] {
}
