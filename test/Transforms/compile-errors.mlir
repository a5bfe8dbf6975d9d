// RUN: not amk-opt %s --amk-compile="chip=sm_91" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not amk-opt %s --amk-compile="chip=sm_90a product=H300" 2>&1 | FileCheck %s --check-prefix=PRODUCT
// RUN: not amk-opt %s --amk-compile="chip=sm_80 product=H200" 2>&1 | FileCheck %s --check-prefix=OTHER-ARCH
// RUN: not amk-opt %s --amk-compile="qkv-cols=-4" 2>&1 | FileCheck %s --check-prefix=COLS
// RUN: not amk-opt %s --amk-compile="sms=5000" 2>&1 | FileCheck %s --check-prefix=SMS
// RUN: not amk-opt %s --amk-compile="strategy=fastest" 2>&1 | FileCheck %s --check-prefix=STRATEGY
// RUN: not amk-opt %s --amk-compile="config=%S/Inputs/bad-type.json" 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: not amk-opt %s --amk-compile="config=%S/Inputs/unknown.json" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not amk-opt %s --amk-compile="config=%S/Inputs/bad-strategy.json" 2>&1 | FileCheck %s --check-prefix=JSON-STRATEGY
// RUN: not amk-opt %s --amk-compile="config=%S/Inputs/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not amk-opt %s --amk-set-target="chip=sm_80" --amk-tile="attn-heads=-1" 2>&1 | FileCheck %s --check-prefix=TILE

// CHIP: error: amk-compile: knob 'chip' = 'sm_91' is not one of sm_80, sm_90a, sm_100a, sm_120a
// PRODUCT: error: amk-compile: knob 'product' = 'H300' is not a product of sm_90a; products of sm_90a: H100-SXM, H100-PCIe, H200
// OTHER-ARCH: error: amk-compile: knob 'product' = 'H200' is not a product of sm_80 (H200 is built on sm_90a); products of sm_80: A100-80GB, A100-40GB
// COLS: error: amk-compile: knob 'qkv-cols' = -4 is out of range [0, 16777216]
// SMS: error: amk-compile: knob 'sms' = 5000 is out of range [0, 4096]
// STRATEGY: for the --strategy option: Cannot find option named 'fastest'!
// TYPE: error: amk-schedule-config: knob 'sms' must be an integer
// UNKNOWN: error: amk-schedule-config: unknown knob 'tile-size'
// JSON-STRATEGY: error: amk-schedule-config: knob 'strategy' = 'fastest' is not one of round-robin, balanced, critical-path
// MISSING: error: amk-schedule-config: {{.*}}missing.json: cannot read: {{.*}}
// TILE: error: amk-tile: knob 'attn-heads' = -1 is out of range [0, 4096]

amk.program @empty {
}
