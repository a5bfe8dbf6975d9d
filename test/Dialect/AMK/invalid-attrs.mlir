// Parse and verify errors of the amk attributes: #amk.target (unknown chip,
// field overrides), #amk.interval (bounds, both in `<lo, hi>` and the op
// form `[lo, hi)`), #amk.llama3 (its verifier).
//
// RUN: amk-opt %s -split-input-file -verify-diagnostics

// Test: an unknown chip lists the known ones
// expected-error @+1 {{unknown chip 'sm_89'; known chips: sm_80, sm_90a, sm_100a, sm_120a}}
amk.program @p target <"sm_89"> {
}

// -----

// Test: chip names are exact (sm_90 is not sm_90a)
// expected-error @+1 {{unknown chip 'sm_90'; known chips: sm_80, sm_90a, sm_100a, sm_120a}}
amk.program @p attributes {amk.t = #amk.target<"sm_90">} {
}

// -----

// Test: the chip is a string
// expected-error @+1 {{expected string}}
amk.program @p target <sm_90a> {
}

// -----

// Test: an unknown target field
// expected-error @+1 {{expected a target field (name, sms, smem, l2, hbm_gbps) with a value, got 'cores'}}
amk.program @p target <"sm_90a", cores = 4> {
}

// -----

// Test: the SM version is not an overridable field
// expected-error @+1 {{expected a target field (name, sms, smem, l2, hbm_gbps) with a value, got 'sm_version'}}
amk.program @p target <"sm_90a", sm_version = 80> {
}

// -----

// Test: a numeric field needs an integer
// expected-error @+2 {{expected integer value}}
// expected-error @+1 {{expected a target field (name, sms, smem, l2, hbm_gbps) with a value, got 'sms'}}
amk.program @p target <"sm_90a", sms = "many"> {
}

// -----

// Test: the name field needs a string
// expected-error @+2 {{expected string}}
// expected-error @+1 {{expected a target field (name, sms, smem, l2, hbm_gbps) with a value, got 'name'}}
amk.program @p target <"sm_90a", name = 4> {
}

// -----

// Test: a field needs `=`
// expected-error @+1 {{expected '='}}
amk.program @p target <"sm_90a", sms 4> {
}

// -----

// Test: sms must be positive
// expected-error @+1 {{target field sms = 0 is outside [1, 4096]}}
amk.program @p target <"sm_90a", sms = 0> {
}

// -----

// Test: smem must be positive
// expected-error @+1 {{target field smem = -1 is outside [1, 1073741824]}}
amk.program @p target <"sm_80", smem = -1> {
}

// -----

// Test: l2 must be positive
// expected-error @+1 {{target field l2 = 0 is outside [1, 1073741824]}}
amk.program @p target <"sm_100a", l2 = 0> {
}

// -----

// Test: hbm_gbps must be positive
// expected-error @+1 {{target field hbm_gbps = -5 is outside [1, 1048576]}}
amk.program @p attributes {amk.t = #amk.target<"sm_120a", hbm_gbps = -5>} {
}

// -----

// Test: the target attribute is closed with `>`
// expected-error @+1 {{expected '>'}}
amk.program @p target <"sm_90a" sms = 4> {
}

// -----

// Test: the program's target must be an #amk.target
// expected-error @+1 {{Invalid attribute `target` in property conversion: 3 : i64}}
"amk.program"() <{sym_name = "p", target = 3 : i64}> ({
^bb0:
}) : () -> ()

// -----

// Test: an interval bound is an integer or pos-relative
// expected-error @+1 {{expected integer value}}
amk.program @p attributes {amk.i = #amk.interval<0, len>} {
}

// -----

// Test: pos is only offset by + or -
// expected-error @+1 {{expected ','}}
amk.program @p attributes {amk.i = #amk.interval<pos * 2, 4>} {
}

// -----

// Test: pos + needs an integer
// expected-error @+1 {{expected integer value}}
amk.program @p attributes {amk.i = #amk.interval<0, pos + pos>} {
}

// -----

// Test: an interval has two bounds
// expected-error @+1 {{expected ','}}
amk.program @p attributes {amk.i = #amk.interval<4>} {
}

// -----

// Test: the standalone interval is `<lo, hi>`
// expected-error @+1 {{expected '>'}}
amk.program @p attributes {amk.i = #amk.interval<0, 4, 8>} {
}

// -----

// Test: the op form of an interval is half-open `[lo, hi)`
amk.program @p {
  // expected-error @+1 {{expected ')'}}
  %p0 = amk.page "p0" bytes 64 live [0, 4]
}

// -----

// Test: the op form of an interval opens with `[`
amk.program @p {
  // expected-error @+1 {{expected '['}}
  %p0 = amk.page "p0" bytes 64 live (0, 4)
}

// -----

// Test: llama3 factor must be positive
// expected-error @+1 {{llama3 rope factor and low_freq_factor must be positive}}
amk.program @p attributes {amk.l = #amk.llama3<factor = 0.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>} {
}

// -----

// Test: llama3 low_freq_factor must be positive
// expected-error @+1 {{llama3 rope factor and low_freq_factor must be positive}}
amk.program @p attributes {amk.l = #amk.llama3<factor = 8.0, low_freq_factor = -1.0, high_freq_factor = 4.0, original_max_position = 8192>} {
}

// -----

// Test: llama3 high_freq_factor must exceed low_freq_factor
// expected-error @+1 {{llama3 rope high_freq_factor (1.000000e+00) must exceed low_freq_factor (1.000000e+00)}}
amk.program @p attributes {amk.l = #amk.llama3<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 1.0, original_max_position = 8192>} {
}

// -----

// Test: llama3 original_max_position must be positive
// expected-error @+1 {{llama3 rope original_max_position must be positive}}
amk.program @p attributes {amk.l = #amk.llama3<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 0>} {
}

// -----

// Test: llama3 needs every parameter
// expected-error @+1 {{expected ','}}
amk.program @p attributes {amk.l = #amk.llama3<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0>} {
}

// -----

// Test: llama3 parameters are floats
// expected-error @+2 {{expected floating point literal}}
// expected-error @+1 {{failed to parse AMK_Llama3RopeAttr parameter 'factor' which is to be a `::llvm::APFloat`}}
amk.program @p attributes {amk.l = #amk.llama3<factor = "8", low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64>} {
}

// -----

// Test: a target field may be given only once
// expected-error @+1 {{target field 'sms' given twice}}
amk.program @p target <"sm_90a", sms = 74, sms = 80> {
}
