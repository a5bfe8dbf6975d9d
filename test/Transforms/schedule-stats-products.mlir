// Test: the floor printed by --amk-schedule-stats reads the weights at the
// product's bandwidth: a 4096x4096 bf16 weight (33554432 B) on each product.
// RUN: amk-opt %s --amk-set-target="chip=sm_80 sms=2" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=A100-80GB
// RUN: amk-opt %s --amk-set-target="chip=sm_80 product=A100-40GB sms=2" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=A100-40GB
// RUN: amk-opt %s --amk-set-target="chip=sm_90a sms=2" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=H100-SXM
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H100-PCIe sms=2" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=H100-PCIE
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H200 sms=2" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=H200
// RUN: amk-opt %s --amk-set-target="chip=sm_100a product=B200 sms=2" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=B200
// RUN: amk-opt %s --amk-set-target="chip=sm_120a product=RTX-5090 sms=2" --amk-schedule-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=RTX-5090
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H200 sms=2" --amk-schedule-stats=json -o /dev/null 2>&1 | FileCheck %s --check-prefix=H200-JSON

// A100-80GB: floor (weights 33554432 B / A100-80GB 2039 GB/s): 16.456 us
// A100-40GB: floor (weights 33554432 B / A100-40GB 1555 GB/s): 21.578 us
// H100-SXM: floor (weights 33554432 B / H100-SXM 3350 GB/s): 10.016 us
// H100-PCIE: floor (weights 33554432 B / H100-PCIe 2000 GB/s): 16.777 us
// H200: floor (weights 33554432 B / H200 4800 GB/s): 6.991 us
// B200: floor (weights 33554432 B / B200 8000 GB/s): 4.194 us
// RTX-5090: floor (weights 33554432 B / RTX-5090 1792 GB/s): 18.725 us
// H200-JSON: "floor_us":6.99
amk.program @big {
  %w = amk.buffer "w" weight key "w" : memref<4096x4096xbf16>
  %x = amk.buffer "x" input : memref<4096xf32>
  %h = amk.buffer "h" activation : memref<4096xf32>
  %e0 = amk.event "e0"
  amk.task "g0" signals %e0 worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 2048) : memref<4096x4096xbf16>, memref<4096xf32>, memref<4096xf32>
  }
  amk.task "g1" signals %e0 worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [2048, 4096) : memref<4096x4096xbf16>, memref<4096xf32>, memref<4096xf32>
  }
}
