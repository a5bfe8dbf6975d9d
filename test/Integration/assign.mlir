// RUN: for s in round-robin balanced critical-path; do \
// RUN:   amk-translate --import-hf %models/llama-mqa-bf16 \
// RUN:   | amk-opt --amk-set-target="chip=sm_80 sms=6" --amk-tile --amk-fuse --amk-assign-workers="strategy=$s" --amk-validate \
// RUN:   | FileCheck %s || exit 1; done
// RUN: amk-translate --import-hf %models/llama-mqa-bf16 \
// RUN:   | not amk-opt --amk-set-target="chip=sm_80" --amk-assign-workers="strategy=fastest" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD

// Every task has a worker below 6 and a queue position.
// CHECK: amk.task "embed" signals %embed worker {{[0-5]}} queue 0
// CHECK-NOT: {{signals %[^ ]+ \{$}}
// BAD: for the --strategy option: Cannot find option named 'fastest'!
