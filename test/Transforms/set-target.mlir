// RUN: amk-opt %s --amk-set-target="chip=sm_80 sms=6" | FileCheck %s

// A program without a target gets the chip record with the requested SMs.
// CHECK-LABEL: amk.program @untargeted target <"sm_80", sms = 6>
amk.program @untargeted {
}

// An existing target is replaced.
// CHECK-LABEL: amk.program @retargeted target <"sm_80", sms = 6>
amk.program @retargeted target <"sm_120a"> {
}
