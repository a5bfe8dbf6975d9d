// The amk attributes: the built-in chip records of #amk.target (a field
// given with its record value is elided on print, so each record is checked
// field by field), target field overrides, #amk.interval on its own
// (constant, pos-relative and pos - c bounds) and #amk.llama3. One check
// prefix per chip; every form must also survive the generic form.
//
// RUN: amk-opt %s -split-input-file | amk-opt -split-input-file | FileCheck %s --check-prefix=SM80
// RUN: amk-opt %s -split-input-file | amk-opt -split-input-file | FileCheck %s --check-prefix=SM90
// RUN: amk-opt %s -split-input-file | amk-opt -split-input-file | FileCheck %s --check-prefix=SM100
// RUN: amk-opt %s -split-input-file | amk-opt -split-input-file | FileCheck %s --check-prefix=SM120
// RUN: amk-opt %s -split-input-file | amk-opt -split-input-file | FileCheck %s --check-prefix=ATTR
// RUN: amk-opt %s -split-input-file --mlir-print-op-generic | amk-opt -split-input-file | FileCheck %s --check-prefixes=SM80,SM90,SM100,SM120,ATTR
// RUN: amk-opt %s -split-input-file --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// A100: sm_80, 108 SMs, 166912 B shared memory per block, 40 MiB L2, 2039 GB/s.
// SM80-LABEL: amk.program @sm80_record target <"sm_80"> {
amk.program @sm80_record target <"sm_80", name = "A100", sms = 108, smem = 166912, l2 = 41943040, hbm_gbps = 2039> {
}
// SM80-LABEL: amk.program @sm80_short target <"sm_80"> position 3 {
amk.program @sm80_short target <"sm_80"> position 3 {
}
// SM80-LABEL: amk.program @sm80_fewer_sms target <"sm_80", sms = 16, l2 = 8388608> {
amk.program @sm80_fewer_sms target <"sm_80", sms = 16, l2 = 8388608> {
}
// SM80-LABEL: amk.program @sm80_attr attributes {amk.chip = #amk.target<"sm_80", name = "A100 40GB", hbm_gbps = 1555>} {
amk.program @sm80_attr attributes {amk.chip = #amk.target<"sm_80", name = "A100 40GB", hbm_gbps = 1555>} {
}
// GENERIC-LABEL: sym_name = "sm80_record", target = #amk.target<"sm_80">
// GENERIC-LABEL: sym_name = "sm80_fewer_sms", target = #amk.target<"sm_80", sms = 16, l2 = 8388608>
// GENERIC-LABEL: {amk.chip = #amk.target<"sm_80", name = "A100 40GB", hbm_gbps = 1555>}

// -----

// H100: sm_90a, 132 SMs, 232448 B, 50 MiB L2, 3350 GB/s.
// SM90-LABEL: amk.program @sm90_record target <"sm_90a"> {
amk.program @sm90_record target <"sm_90a", name = "H100", sms = 132, smem = 232448, l2 = 52428800, hbm_gbps = 3350> {
}
// Every override, in an order other than the printed one.
// SM90-LABEL: amk.program @sm90_all target <"sm_90a", name = "H100 PCIe", sms = 114, smem = 1024, l2 = 1, hbm_gbps = 2000> {
amk.program @sm90_all target <"sm_90a", hbm_gbps = 2000, l2 = 1, smem = 1024, sms = 114, name = "H100 PCIe"> {
}
// Overriding a field with its record value prints the short form.
// SM90-LABEL: amk.program @sm90_same target <"sm_90a", sms = 4> {
amk.program @sm90_same target <"sm_90a", name = "H100", sms = 4, hbm_gbps = 3350> {
}
// GENERIC-LABEL: sym_name = "sm90_all", target = #amk.target<"sm_90a", name = "H100 PCIe", sms = 114, smem = 1024, l2 = 1, hbm_gbps = 2000>

// -----

// B200: sm_100a, 148 SMs, 232448 B, 126 MiB L2, 8000 GB/s.
// SM100-LABEL: amk.program @sm100_record target <"sm_100a"> {
amk.program @sm100_record target <"sm_100a", name = "B200", sms = 148, smem = 232448, l2 = 132120576, hbm_gbps = 8000> {
}
// SM100-LABEL: amk.program @sm100_half target <"sm_100a", sms = 74> position 4096 {
amk.program @sm100_half target <"sm_100a", sms = 74> position 4096 {
}
// GENERIC-LABEL: sym_name = "sm100_half", target = #amk.target<"sm_100a", sms = 74>

// -----

// RTX 5090: sm_120a, 170 SMs, 101376 B, 96 MiB L2, 1792 GB/s.
// SM120-LABEL: amk.program @sm120_record target <"sm_120a"> {
amk.program @sm120_record target <"sm_120a", name = "RTX 5090", sms = 170, smem = 101376, l2 = 100663296, hbm_gbps = 1792> {
}
// SM120-LABEL: amk.program @sm120_smem target <"sm_120a", smem = 49152> {
amk.program @sm120_smem target <"sm_120a", smem = 49152> {
}
// GENERIC-LABEL: sym_name = "sm120_smem", target = #amk.target<"sm_120a", smem = 49152>

// -----

// Intervals on their own: `<lo, hi>` with constant and pos-relative bounds;
// `pos + -c` and `pos - c` are one bound, `pos + 0` is `pos`.
// ATTR-LABEL: amk.program @intervals attributes {
// ATTR-SAME:    amk.a = #amk.interval<0, 256>
// ATTR-SAME:    amk.b = #amk.interval<0, pos + 1>
// ATTR-SAME:    amk.c = #amk.interval<pos - 3, pos>
// ATTR-SAME:    amk.d = #amk.interval<pos - 2, pos + 7>
// ATTR-SAME:    amk.e = #amk.interval<pos, pos>
// ATTR-SAME:    amk.f = #amk.interval<64, pos - 1>
// ATTR-SAME:    amk.g = #amk.interval<-4, 4>
// GENERIC-LABEL: amk.a = #amk.interval<0, 256>, amk.b = #amk.interval<0, pos + 1>, amk.c = #amk.interval<pos - 3, pos>
amk.program @intervals attributes {
  amk.a = #amk.interval<0, 256>,
  amk.b = #amk.interval<0, pos + 1>,
  amk.c = #amk.interval<pos - 3, pos>,
  amk.d = #amk.interval<pos + -2, pos + 7>,
  amk.e = #amk.interval<pos + 0, pos - 0>,
  amk.f = #amk.interval<64, pos-1>,
  amk.g = #amk.interval<-4, 4>
} {
}

// -----

// Llama 3 rope scaling on its own; values keep full precision.
// ATTR-LABEL: amk.program @llama3 attributes {
// ATTR-SAME:    amk.l1 = #amk.llama3<factor = 3.200000e+01, low_freq_factor = 1.000000e+00, high_freq_factor = 4.000000e+00, original_max_position = 8192>
// ATTR-SAME:    amk.l2 = #amk.llama3<factor = 0.123456789, low_freq_factor = 2.500000e-01, high_freq_factor = 0.2500001, original_max_position = 1>
// GENERIC-LABEL: amk.l1 = #amk.llama3<factor = 3.200000e+01, low_freq_factor = 1.000000e+00, high_freq_factor = 4.000000e+00, original_max_position = 8192>
amk.program @llama3 attributes {
  amk.l1 = #amk.llama3<factor = 32.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>,
  amk.l2 = #amk.llama3<factor = 0.123456789, low_freq_factor = 0.25, high_freq_factor = 0.2500001, original_max_position = 1>
} {
}

// -----

// The types on their own.
// ATTR-LABEL: amk.program @types attributes {amk.event_type = !amk.event, amk.page_type = !amk.page} {
amk.program @types attributes {amk.event_type = !amk.event, amk.page_type = !amk.page} {
}
