// Test: the tile copy chosen by capability gives each chip its own
// instructions: 16-byte cp.async tracked by the stage mbarrier on sm_80 (no
// bulk copy there), one cp.async.bulk into shared::cta completing on the
// mbarrier's transaction count on the chips with bulk copies.
// RUN: sed s/CHIP/sm_80/ %s | amk-opt --amk-test-tile-copy | FileCheck %s --check-prefix=MLIR80
// RUN: sed s/CHIP/sm_90a/ %s | amk-opt --amk-test-tile-copy | FileCheck %s --check-prefix=MLIR90
// RUN: sed s/CHIP/sm_80/ %s | amk-opt --amk-test-tile-copy | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: sed s/CHIP/sm_90a/ %s | amk-opt --amk-test-tile-copy | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,BULK,SM90
// RUN: sed s/CHIP/sm_100a/ %s | amk-opt --amk-test-tile-copy | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,BULK,SM100
// RUN: sed s/CHIP/sm_120a/ %s | amk-opt --amk-test-tile-copy | amk-translate --to-ptx | FileCheck %s --check-prefixes=CHECK,BULK,SM120

// MLIR80: nvvm.mbarrier.init %{{.*}}, %c32_i32
// MLIR80: scf.for
// MLIR80: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache = cg
// MLIR80: nvvm.cp.async.commit.group
// MLIR80: nvvm.cp.async.mbarrier.arrive %{{.*}} {noinc = true}
// MLIR80: nvvm.mbarrier.test.wait
// MLIR80-NOT: cp.async.bulk

// MLIR90: nvvm.mbarrier.init %{{.*}}, %c1_i32
// MLIR90-NOT: nvvm.cp.async.shared.global
// MLIR90: nvvm.mbarrier.arrive.expect_tx
// MLIR90: nvvm.cp.async.bulk.shared.cluster.global
// MLIR90: nvvm.mbarrier.try_wait.parity

// SM80: .target sm_80
// SM90: .target sm_90a
// SM100: .target sm_100a
// SM120: .target sm_120a
// CHECK-LABEL: .entry amk_test_tile_copy(
// CHECK: mbarrier.init.shared{{.*}}.b64
// CHECK: bar.sync 0
// SM80-NOT: cp.async.bulk
// SM80: cp.async.cg.shared.global [{{.+}}], [{{.+}}], 16;
// SM80: cp.async.commit_group;
// SM80: cp.async.mbarrier.arrive.noinc.shared{{.*}}.b64
// SM80: mbarrier.test_wait.parity
// SM80-NOT: cp.async.bulk
// BULK-NOT: cp.async.cg
// BULK: mbarrier.arrive.expect_tx
// BULK: cp.async.bulk.shared::cta.global.mbarrier::complete_tx::bytes
// BULK: mbarrier.try_wait.parity
// CHECK: ret;

gpu.module @amk [#nvvm.target<chip = "CHIP">] {
}
