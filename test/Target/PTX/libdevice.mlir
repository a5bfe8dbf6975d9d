// Test: libdevice is linked only when the kernel calls a __nv_ function; when
// it is needed and missing (--libdevice or AMK_LIBDEVICE pointing nowhere)
// the error says so.
// RUN: not amk-translate %s --to-ptx --libdevice=%t.missing.bc 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: env AMK_LIBDEVICE=%t.missing.bc not amk-translate %s --to-ptx 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: sed 's/math.exp/arith.negf/' %s | amk-translate --to-ptx --libdevice=%t.missing.bc | FileCheck %s --check-prefix=UNNEEDED

// MISSING: error: the kernel calls libdevice math functions but libdevice is missing at '{{.*}}.missing.bc' (set --libdevice or AMK_LIBDEVICE)
// UNNEEDED: .entry k(
// UNNEEDED: neg.f32

module attributes {gpu.container_module} {
  gpu.module @amk [#nvvm.target<chip = "sm_80">] {
    gpu.func @k(%p: !llvm.ptr<1>) kernel {
      %x = llvm.load %p : !llvm.ptr<1> -> f32
      %y = math.exp %x : f32
      llvm.store %y, %p : f32, !llvm.ptr<1>
      gpu.return
    }
  }
}
