// RUN: amk-translate --import-hf %models/smollm-bf16 \
// RUN:   | amk-opt --amk-compile="chip=sm_90a sms=16" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s
// RUN: amk-translate --import-hf %models/smollm-bf16 \
// RUN:   | amk-opt --amk-compile="chip=sm_90a sms=16" --amk-schedule-stats=json -o /dev/null 2>&1 | FileCheck %s --check-prefix=JSON
// At position 100 attention reads 101 KV rows instead of one: more bytes.
// RUN: amk-translate --import-hf %models/smollm-bf16 \
// RUN:   | amk-opt --amk-compile="chip=sm_90a sms=16" -o %t.mlir
// RUN: amk-opt %t.mlir --amk-schedule-stats="json position=0" -o /dev/null 2>%t.stats
// RUN: amk-opt %t.mlir --amk-schedule-stats="json position=100" -o /dev/null 2>>%t.stats
// RUN: FileCheck %s --check-prefix=POS < %t.stats
// RUN: not amk-opt %t.mlir --amk-schedule-stats="position=-2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR --implicit-check-not='"amk.program"'

// CHECK: schedule-stats @smollm-bf16 target sm_90a workers 16
// CHECK-NEXT: tasks {{[0-9]+}}, events {{[0-9]+}}, waits {{[0-9]+}}
// CHECK-NEXT: critical path: {{[0-9]+}} tasks, {{[0-9]+}} syncs
// CHECK-NEXT: bytes read per worker: min {{[0-9]+}}, mean {{[0-9]+}}, max {{[0-9]+}}
// CHECK-NEXT: scratch: {{[0-9]+}} pages
// CHECK-NEXT: floor (weights {{[0-9]+}} B / H100-SXM 3350 GB/s): {{[0-9.]+}} us
// CHECK-NEXT: predicted: {{[0-9.]+}} us
// JSON: {"bytes_per_worker_max":{{.*}}"floor_us":{{.*}}"predicted_us":
// POS: "bytes_per_worker_mean":[[MEAN0:[0-9.]+]],
// POS-NOT: "bytes_per_worker_mean":[[MEAN0]],
// POS: "bytes_per_worker_mean":{{[0-9.]+}},
// ERR: error: amk-schedule-stats: position = -2 is out of range [-1, 2147483647]
