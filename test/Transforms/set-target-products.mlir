// Test: --amk-set-target's `product` picks a part of the architecture; the
// short form stands for the architecture's first product and the others
// print the fields in which they differ from it. Names are matched ignoring
// case and punctuation; a default product answers to the name the one
// record of its architecture had (H100, A100).
// RUN: amk-opt %s --amk-set-target="chip=sm_80" | FileCheck %s --check-prefix=A100-80GB
// RUN: amk-opt %s --amk-set-target="chip=sm_80 product=A100-80GB" | FileCheck %s --check-prefix=A100-80GB
// RUN: amk-opt %s --amk-set-target="chip=sm_80 product=A100-40GB" | FileCheck %s --check-prefix=A100-40GB
// RUN: amk-opt %s --amk-set-target="chip=sm_90a" | FileCheck %s --check-prefix=H100-SXM
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H100-SXM" | FileCheck %s --check-prefix=H100-SXM
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H100" | FileCheck %s --check-prefix=H100-SXM
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H100-PCIe" | FileCheck %s --check-prefix=H100-PCIE
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=H200" | FileCheck %s --check-prefix=H200
// RUN: amk-opt %s --amk-set-target="chip=sm_90a product=h200 sms=8" | FileCheck %s --check-prefix=H200-8
// RUN: amk-opt %s --amk-set-target="chip=sm_100a product=B200" | FileCheck %s --check-prefix=B200
// RUN: amk-opt %s --amk-set-target="chip=sm_120a product=RTX-5090" | FileCheck %s --check-prefix=RTX-5090
// RUN: amk-opt %s --amk-set-target='chip=sm_120a product="RTX 5090"' | FileCheck %s --check-prefix=RTX-5090
// RUN: amk-opt %s --amk-compile="chip=sm_90a product=H200 allocate=false validate=false" | FileCheck %s --check-prefix=H200

// A100-80GB: amk.program @p target <"sm_80"> {
// A100-40GB: amk.program @p target <"sm_80", name = "A100-40GB", hbm_gbps = 1555> {
// H100-SXM: amk.program @p target <"sm_90a"> {
// H100-PCIE: amk.program @p target <"sm_90a", name = "H100-PCIe", sms = 114, hbm_gbps = 2000> {
// H200: amk.program @p target <"sm_90a", name = "H200", hbm_gbps = 4800> {
// H200-8: amk.program @p target <"sm_90a", name = "H200", sms = 8, hbm_gbps = 4800> {
// B200: amk.program @p target <"sm_100a"> {
// RTX-5090: amk.program @p target <"sm_120a"> {
amk.program @p {
}
