// RUN: amk-opt %s --amk-schedule-stats="sync-ns=500" -o /dev/null 2>&1 | FileCheck %s
// RUN: amk-opt %s --amk-schedule-stats="sync-ns=500 json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=JSON
// RUN: amk-opt %s --amk-schedule-stats="json task-ns=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TASK0
// RUN: amk-opt %s --amk-schedule-stats="json task-ns=1000" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TASK1
// RUN: not amk-opt %s --amk-schedule-stats="task-ns=-1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TASKERR

// Two independent tasks on two workers, each reading half of a 64x64 bf16
// weight (4096 B) and the 256-byte input; the critical path is one task.
// CHECK-LABEL: schedule-stats @pair target sm_90a workers 2
// CHECK-NEXT:  tasks 2, events 1, waits 0
// CHECK-NEXT:  critical path: 1 tasks, 0 syncs
// CHECK-NEXT:  bytes read per worker: min 4352, mean 4352, max 4352 (total 8704)
// CHECK-NEXT:  scratch: 0 pages, 0 bytes on pages, 256 bytes unpaged
// CHECK-NEXT:  floor (weights 8192 B / H100-SXM 3350 GB/s): {{[0-9.]+}} us
// The JSON form adds the chain's bytes and the makespan, the terms a tuner
// refits (the chain is one task: its 4352 bytes, no sync).
// JSON: "critical_bytes":4352,"critical_syncs":0,"critical_tasks":1
// JSON-SAME: "makespan_us":
// Every task costs `task-ns` on top of its bytes (4352 B at 1675 B/ns, one
// worker's share of 3350 GB/s: 2.6 ns); the chain is one task.
// TASK0: "makespan_us":0.00259
// TASK1: "makespan_us":1.00259
// TASKERR: error: amk-schedule-stats: knob 'task-ns' = -1 is out of range [0, 1000000000]
amk.program @pair target <"sm_90a", sms = 2> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %e0 = amk.event "e0"
  amk.task "g0" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "g1" signals %e0 worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
}
