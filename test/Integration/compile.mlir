// RUN: amk-translate --import-hf %models/llama-bf16 \
// RUN:   | amk-opt --amk-compile="chip=sm_100a qkv-cols=16 strategy=balanced" | FileCheck %s
// RUN: amk-translate --import-hf %models/llama-bf16 \
// RUN:   | amk-opt --amk-compile="chip=sm_120a config=%S/Inputs/knobs.json" \
// RUN:   | FileCheck %s --check-prefix=CONFIG
// An explicit option wins over the file.
// RUN: amk-translate --import-hf %models/llama-bf16 \
// RUN:   | amk-opt --amk-compile="config=%S/Inputs/knobs.json sms=3" | FileCheck %s --check-prefix=EXPLICIT
// Split events are the default; `split-events=false` keeps one Q event.
// RUN: amk-translate --import-hf %models/llama-bf16 \
// RUN:   | amk-opt --amk-compile="chip=sm_90a sms=8" | FileCheck %s --check-prefix=SPLIT
// RUN: amk-translate --import-hf %models/llama-bf16 \
// RUN:   | amk-opt --amk-compile="chip=sm_90a sms=8 split-events=false" | FileCheck %s --check-prefix=ONE

// SPLIT: amk.event "layers.0.q_proj.s0"
// ONE-NOT: q_proj.s0
// ONE: amk.event "layers.0.q_proj"
// ONE-NOT: q_proj.s0

// CHECK: amk.program @"llama-bf16" target <"sm_100a">
// CHECK: amk.page "p0"
// CHECK: worker {{[0-9]+}} queue 0
// CONFIG: amk.program @"llama-bf16" target <"sm_120a", sms = 5>
// CONFIG-NOT: worker 5
// EXPLICIT: target <"sm_90a", sms = 3>
