// RUN: amk-translate --to-ptx -split-input-file -verify-diagnostics %s

// Test: a module without a gpu.module has nothing to translate.
// expected-error @+1 {{--to-ptx expects exactly one gpu.module, found 0}}
module {
}

// -----

// Test: two gpu.modules are refused (the megakernel is one module).
// expected-error @+1 {{--to-ptx expects exactly one gpu.module, found 2}}
module attributes {gpu.container_module} {
  gpu.module @a [#nvvm.target<chip = "sm_90a">] {}
  gpu.module @b [#nvvm.target<chip = "sm_90a">] {}
}

// -----

// Test: the chip comes from #nvvm.target; without one there is no chip.
module attributes {gpu.container_module} {
  // expected-error @+1 {{--to-ptx needs an #nvvm.target on gpu.module @amk}}
  gpu.module @amk {}
}

// -----

// Test: a chip missing from AMK's chip table is refused by name.
module attributes {gpu.container_module} {
  // expected-error @+1 {{#nvvm.target chip 'sm_75' is not one of sm_80, sm_90a, sm_100a, sm_120a}}
  gpu.module @amk [#nvvm.target<chip = "sm_75">] {}
}

// -----

// Test: the manifest must be a string holding JSON.
module attributes {gpu.container_module} {
  // expected-error @+1 {{amk.manifest must be a string attribute}}
  gpu.module @amk [#nvvm.target<chip = "sm_90a">] attributes {amk.manifest = 3 : i32} {}
}

// -----

// Test: a manifest that is not JSON is refused before anything is written.
module attributes {gpu.container_module} {
  // expected-error @+1 {{amk.manifest is not valid JSON: }}
  gpu.module @amk [#nvvm.target<chip = "sm_90a">] attributes {amk.manifest = "{\"grid\": "} {}
}

// -----

// Test: dynamic shared memory above the chip's limit per block is refused.
module attributes {gpu.container_module} {
  // expected-error @+1 {{the manifest's dynamic_smem (200000 bytes) exceeds sm_80's 166912 bytes of shared memory per block}}
  gpu.module @amk [#nvvm.target<chip = "sm_80">] attributes {amk.manifest = "{\"dynamic_smem\": 200000}"} {}
}
