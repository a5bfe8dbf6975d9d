// Round trip of every amk op and attribute: the custom form re-parses to
// itself, and so does the generic form. The GENERIC run checks how the
// properties, enums and attributes look in the generic form.
//
// RUN: amk-opt %s | amk-opt | FileCheck %s
// RUN: amk-opt %s --mlir-print-op-generic | amk-opt | FileCheck %s
// RUN: amk-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// GENERIC-LABEL: "amk.program"() <{sym_name = "empty"}>
// GENERIC:       "amk.program"() <{position = 0 : i64, sym_name = "positioned"}>
// GENERIC:       "amk.program"() <{position = 7 : i64, sym_name = "targeted", target = #amk.target<"sm_90a">}> ({
// GENERIC:       }) {amk.note = "x", amk.range = #amk.interval<0, pos + 1>} : () -> ()

// GENERIC-LABEL: "amk.program"() <{sym_name = "buffers"}>
// GENERIC-NEXT:    %[[P0:.+]] = "amk.page"() <{bytes = 8192 : i64, live = #amk.interval<3, 9>, name = "p0"}> : () -> !amk.page
// GENERIC-NEXT:    "amk.page"() <{bytes = 1 : i64, name = "p1"}> : () -> !amk.page
// GENERIC-NEXT:    "amk.page"() <{bytes = 64 : i64, live = #amk.interval<4, 4>, name = "p2"}> : () -> !amk.page
// GENERIC-NEXT:    "amk.buffer"() <{key = "model.layers.0.mlp.up_proj.weight", kind = 0 : i32, name = "w"}> : () -> memref<128x64xbf16>
// GENERIC-NEXT:    "amk.buffer"() <{kind = 0 : i32, name = "w_nokey"}> : () -> memref<64xf16>
// GENERIC-NEXT:    "amk.buffer"() <{key = "rope.inv_freq", kind = 1 : i32, name = "c"}> : () -> memref<8xf32>
// GENERIC-NEXT:    "amk.buffer"() <{kind = 1 : i32, name = "c_nokey"}> : () -> memref<2x2x2x2xi8>
// GENERIC-NEXT:    "amk.buffer"() <{kind = 2 : i32, name = "in"}> : () -> memref<1xi32>
// GENERIC-NEXT:    "amk.buffer"() <{kind = 3 : i32, name = "out"}> : () -> memref<1xi32>
// GENERIC-NEXT:    "amk.buffer"() <{kind = 4 : i32, name = "act"}> : () -> memref<1x1x64xf32>
// GENERIC-NEXT:    "amk.buffer"(%[[P0]]) <{kind = 4 : i32, name = "act_p"}> : (!amk.page) -> memref<64xf32>
// GENERIC-NEXT:    "amk.buffer"() <{kind = 5 : i32, name = "kv"}> : () -> memref<16x2x8xf16>
// GENERIC-NEXT:    "amk.buffer"() <{kind = 6 : i32, name = "s"}> : () -> memref<4xi64>
// GENERIC-NEXT:    "amk.buffer"(%[[P0]]) <{kind = 6 : i32, name = "s_p"}> {amk.tag = 1 : i64} : (!amk.page) -> memref<32xf8E4M3FN>

// GENERIC-LABEL: "amk.program"() <{sym_name = "schedule", target = #amk.target<"sm_90a", sms = 2>}>
// GENERIC-NEXT:    %[[E0:.+]] = "amk.event"() <{init = 0 : i64, name = "e0"}> : () -> !amk.event
// GENERIC-NEXT:    %[[E1:.+]] = "amk.event"() <{init = 1 : i64, name = "e1"}> : () -> !amk.event
// GENERIC-NEXT:    %[[E2:.+]] = "amk.event"() <{init = 4294967295 : i64, name = "e2"}> : () -> !amk.event
// GENERIC-NEXT:    %[[E3:.+]] = "amk.event"() <{init = 0 : i64, name = "e3"}> {amk.tag} : () -> !amk.event
// GENERIC-NEXT:    "amk.task"(%[[E0]]) <{name = "t0", thresholds = array<i64>}> ({
// GENERIC:         "amk.task"(%[[E0]], %[[E1]]) <{name = "t1", queue = 0 : i64, thresholds = array<i64: 1>, worker = 0 : i64}> ({
// GENERIC:         "amk.task"(%[[E0]], %[[E1]], %[[E2]]) <{name = "t2", queue = 3 : i64, thresholds = array<i64: 1, 2>, worker = 1 : i64}> ({
// GENERIC:         }) {amk.cost = 10 : i64} : (!amk.event, !amk.event, !amk.event) -> ()
// GENERIC:         "amk.barrier"() <{name = "b0", slots = array<i64: 1, 1>}> : () -> ()
// GENERIC-NEXT:    "amk.barrier"() <{name = "b1", slots = array<i64: 4, 0>}> {amk.tag} : () -> ()

// GENERIC-LABEL: "amk.program"() <{sym_name = "gemv"}>
// GENERIC:         "amk.gemv"(%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}>
// GENERIC-NEXT:    "amk.gemv"(%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}) <{cols = #amk.interval<0, 16>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}>
// GENERIC-NEXT:    "amk.gemv"(%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}>
// GENERIC-NEXT:    "amk.gemv"(%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1>}>
// GENERIC-NEXT:    "amk.gemv"(%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}) <{cols = #amk.interval<16, 32>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}>

// GENERIC-LABEL: "amk.program"() <{sym_name = "rope"}>
// GENERIC:         "amk.rope"({{.*}}) <{head_dim = 16 : i64, heads = #amk.interval<0, 2>, llama3 = #amk.llama3<factor = 8.000000e+00, low_freq_factor = 1.000000e+00, high_freq_factor = 4.000000e+00, original_max_position = 64>, theta = 5.000000e+05 : f64}>

// GENERIC-LABEL: "amk.program"() <{sym_name = "kv_append"}>
// GENERIC:         "amk.kv_append"({{.*}}) : (memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>) -> ()
// GENERIC-NEXT:    "amk.kv_append"({{.*}}) <{heads = #amk.interval<0, 2>}>
// GENERIC-NEXT:    "amk.kv_append"({{.*}}) <{row = 0 : i64}>
// GENERIC-NEXT:    "amk.kv_append"({{.*}}) <{heads = #amk.interval<1, 2>, row = 127 : i64}>

// GENERIC-LABEL: "amk.program"() <{position = 100 : i64, sym_name = "attention"}>
// GENERIC:         "amk.attention"({{.*}}) <{kv = #amk.interval<0, pos + 1>, scale = 2.500000e-01 : f64}>
// GENERIC-NEXT:    "amk.attention"({{.*}}) <{kv = #amk.interval<0, pos>, scale = 1.250000e-01 : f64}>
// GENERIC-NEXT:    "amk.attention"({{.*}}) <{kv = #amk.interval<8, pos - 3>, scale = 1.000000e+00 : f64}>
// GENERIC-NEXT:    "amk.attention"({{.*}}) <{heads = #amk.interval<2, 4>, kv = #amk.interval<0, 128>, scale = 2.500000e-01 : f64, window = 32 : i64}>
// GENERIC-NEXT:    "amk.attention"(%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}) <{kv = #amk.interval<0, 64>, scale = 2.500000e-01 : f64, slot = 0 : i64}>
// GENERIC-NEXT:    "amk.attention"({{.*}}) <{heads = #amk.interval<0, 4>, kv = #amk.interval<64, pos + 1>, scale = 2.500000e-01 : f64, slot = 1 : i64, window = 4096 : i64}>

// GENERIC-LABEL: "amk.program"() <{sym_name = "argmax"}>
// GENERIC:         "amk.argmax_partial"({{.*}}) <{slot = 0 : i64}>
// GENERIC-NEXT:    "amk.argmax_partial"({{.*}}) <{cols = #amk.interval<128, 256>, slot = 1 : i64}>

// GENERIC-LABEL: "amk.program"() <{sym_name = "copy_opaque"}>
// GENERIC:         "amk.copy"({{.*}}) : (memref<4x8xf32>, memref<4x8xbf16>) -> ()
// GENERIC-NEXT:    "amk.copy"({{.*}}) <{cols = #amk.interval<0, 32>}>
// GENERIC-NEXT:    "amk.opaque"({{.*}}) <{op_kind = "GELU", operandSegmentSizes = array<i32: 1, 1>, params = {approximate = "tanh"}}>
// GENERIC-NEXT:    "amk.opaque"({{.*}}) <{op_kind = "NOP", operandSegmentSizes = array<i32: 0, 1>}>
// GENERIC-NEXT:    "amk.opaque"({{.*}}) <{op_kind = "Softmax", operandSegmentSizes = array<i32: 2, 2>}>
// GENERIC-NEXT:    "amk.opaque"({{.*}}) <{op_kind = "Tagged", operandSegmentSizes = array<i32: 0, 1>, params = {}}> {amk.tag}

// Programs: header clauses.

amk.program @empty {
}

// CHECK-LABEL: amk.program @empty {
// CHECK-NEXT:  }

amk.program @positioned position 0 {
}

// CHECK-LABEL: amk.program @positioned position 0 {
// CHECK-NEXT:  }

amk.program @targeted target <"sm_90a"> position 7 attributes {amk.note = "x", amk.range = #amk.interval<0, pos + 1>} {
}

// CHECK-LABEL: amk.program @targeted target <"sm_90a"> position 7 attributes {amk.note = "x", amk.range = #amk.interval<0, pos + 1>} {
// CHECK-NEXT:  }

// Buffers: every kind, key and page clause, element types and ranks.

amk.program @buffers {
  %p0 = amk.page "p0" bytes 8192 live [3, 9)
  %p1 = amk.page "p1" bytes 1
  %p2 = amk.page "p2" bytes 64 live [4, 4)
  %w = amk.buffer "w" weight key "model.layers.0.mlp.up_proj.weight" : memref<128x64xbf16>
  %w_nokey = amk.buffer "w_nokey" weight : memref<64xf16>
  %c = amk.buffer "c" const key "rope.inv_freq" : memref<8xf32>
  %c_nokey = amk.buffer "c_nokey" const : memref<2x2x2x2xi8>
  %in = amk.buffer "in" input : memref<1xi32>
  %out = amk.buffer "out" output : memref<1xi32>
  %act = amk.buffer "act" activation : memref<1x1x64xf32>
  %act_p = amk.buffer "act_p" activation page %p0 : memref<64xf32>
  %kv = amk.buffer "kv" kv_cache : memref<16x2x8xf16>
  %s = amk.buffer "s" scratch : memref<4xi64>
  %s_p = amk.buffer "s_p" scratch page %p0 {amk.tag = 1 : i64} : memref<32xf8E4M3FN>
  %l0.q = amk.buffer "l0.q" activation : memref<64xf64>
}

// CHECK-LABEL: amk.program @buffers {
// CHECK-NEXT:  %p0 = amk.page "p0" bytes 8192 live [3, 9)
// CHECK-NEXT:  %p1 = amk.page "p1" bytes 1
// CHECK-NEXT:  %p2 = amk.page "p2" bytes 64 live [4, 4)
// CHECK-NEXT:  %w = amk.buffer "w" weight key "model.layers.0.mlp.up_proj.weight" : memref<128x64xbf16>
// CHECK-NEXT:  %w_nokey = amk.buffer "w_nokey" weight : memref<64xf16>
// CHECK-NEXT:  %c = amk.buffer "c" const key "rope.inv_freq" : memref<8xf32>
// CHECK-NEXT:  %c_nokey = amk.buffer "c_nokey" const : memref<2x2x2x2xi8>
// CHECK-NEXT:  %in = amk.buffer "in" input : memref<1xi32>
// CHECK-NEXT:  %out = amk.buffer "out" output : memref<1xi32>
// CHECK-NEXT:  %act = amk.buffer "act" activation : memref<1x1x64xf32>
// CHECK-NEXT:  %act_p = amk.buffer "act_p" activation page %p0 : memref<64xf32>
// CHECK-NEXT:  %kv = amk.buffer "kv" kv_cache : memref<16x2x8xf16>
// CHECK-NEXT:  %s = amk.buffer "s" scratch : memref<4xi64>
// CHECK-NEXT:  %s_p = amk.buffer "s_p" scratch page %p0 {amk.tag = 1 : i64} : memref<32xf8E4M3FN>
// CHECK-NEXT:  %l0.q = amk.buffer "l0.q" activation : memref<64xf64>
// CHECK-NEXT:  }

// Events, tasks and barriers.

amk.program @schedule target <"sm_90a", sms = 2> {
  %e0 = amk.event "e0"
  %e1 = amk.event "e1" init 1
  %e2 = amk.event "e2" init 4294967295
  %e3 = amk.event "e3" init 0 {amk.tag}
  amk.task "t0" signals %e0 {
  }
  amk.task "t1" waits(%e0 >= 1) signals %e1 worker 0 queue 0 {
  }
  amk.task "t2" waits(%e0 >= 1, %e1 >= 2) signals %e2 worker 1 queue 3 attributes {amk.cost = 10 : i64} {
  }
  amk.task "t3" waits(%e2 >= 1) signals %e3 worker 0 queue 2 {
  }
  amk.barrier "b0" slots [1, 1]
  amk.barrier "b1" slots [4, 0] {amk.tag}
}

// CHECK-LABEL: amk.program @schedule target <"sm_90a", sms = 2> {
// CHECK-NEXT:  %e0 = amk.event "e0"
// CHECK-NEXT:  %e1 = amk.event "e1" init 1
// CHECK-NEXT:  %e2 = amk.event "e2" init 4294967295
// CHECK-NEXT:  %e3 = amk.event "e3" {amk.tag}
// CHECK-NEXT:  amk.task "t0" signals %e0 {
// CHECK-NEXT:  }
// CHECK-NEXT:  amk.task "t1" waits(%e0 >= 1) signals %e1 worker 0 queue 0 {
// CHECK-NEXT:  }
// CHECK-NEXT:  amk.task "t2" waits(%e0 >= 1, %e1 >= 2) signals %e2 worker 1 queue 3 attributes {amk.cost = 10 : i64} {
// CHECK-NEXT:  }
// CHECK-NEXT:  amk.task "t3" waits(%e2 >= 1) signals %e3 worker 0 queue 2 {
// CHECK-NEXT:  }
// CHECK-NEXT:  amk.barrier "b0" slots [1, 1]
// CHECK-NEXT:  amk.barrier "b1" slots [4, 0] {amk.tag}
// CHECK-NEXT:  }

// Compute ops, one program per op family, every optional clause.

amk.program @embed {
  %tab = amk.buffer "tab" weight key "model.embed_tokens.weight" : memref<256x64xbf16>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %x = amk.buffer "x" activation : memref<1x64xf32>
  %y = amk.buffer "y" activation : memref<64xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.embed %tab[%tok] -> %x : memref<256x64xbf16>, memref<1xi32>, memref<1x64xf32>
    amk.embed %tab[%tok] -> %y : memref<256x64xbf16>, memref<1xi32>, memref<64xbf16>
  }
}

// CHECK-LABEL: amk.program @embed {
// CHECK-NEXT:  %tab = amk.buffer "tab" weight key "model.embed_tokens.weight" : memref<256x64xbf16>
// CHECK-NEXT:  %tok = amk.buffer "tok" input : memref<1xi32>
// CHECK-NEXT:  %x = amk.buffer "x" activation : memref<1x64xf32>
// CHECK-NEXT:  %y = amk.buffer "y" activation : memref<64xbf16>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.embed %tab[%tok] -> %x : memref<256x64xbf16>, memref<1xi32>, memref<1x64xf32>
// CHECK-NEXT:  amk.embed %tab[%tok] -> %y : memref<256x64xbf16>, memref<1xi32>, memref<64xbf16>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @rmsnorm {
  %x = amk.buffer "x" activation : memref<1x64xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %gh = amk.buffer "gh" weight : memref<16xf32>
  %xn = amk.buffer "xn" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.rmsnorm %x, %g -> %xn eps 1.0e-05 : memref<1x64xf32>, memref<64xbf16>, memref<64xf32>
    amk.rmsnorm %xn, %gh -> %xn eps 1.0e-06 head_dim 16 : memref<64xf32>, memref<16xf32>, memref<64xf32>
    amk.rmsnorm %xn, %gh -> %xn eps 9.9999999999999995E-7 head_dim 16 heads [1, 4) : memref<64xf32>, memref<16xf32>, memref<64xf32>
    amk.rmsnorm %xn, %g -> %x eps 0.5 {amk.tag} : memref<64xf32>, memref<64xbf16>, memref<1x64xf32>
  }
}

// CHECK-LABEL: amk.program @rmsnorm {
// CHECK-NEXT:  %x = amk.buffer "x" activation : memref<1x64xf32>
// CHECK-NEXT:  %g = amk.buffer "g" weight : memref<64xbf16>
// CHECK-NEXT:  %gh = amk.buffer "gh" weight : memref<16xf32>
// CHECK-NEXT:  %xn = amk.buffer "xn" activation : memref<64xf32>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.rmsnorm %x, %g -> %xn eps 1.000000e-05 : memref<1x64xf32>, memref<64xbf16>, memref<64xf32>
// CHECK-NEXT:  amk.rmsnorm %xn, %gh -> %xn eps 9.9999999999999995E-7 head_dim 16 : memref<64xf32>, memref<16xf32>, memref<64xf32>
// CHECK-NEXT:  amk.rmsnorm %xn, %gh -> %xn eps 9.9999999999999995E-7 head_dim 16 heads [1, 4) : memref<64xf32>, memref<16xf32>, memref<64xf32>
// CHECK-NEXT:  amk.rmsnorm %xn, %g -> %x eps 5.000000e-01 {amk.tag} : memref<64xf32>, memref<64xbf16>, memref<1x64xf32>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @gemv {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b32 = amk.buffer "b32" weight : memref<1x32xf32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %r = amk.buffer "r" activation : memref<1x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.gemv %w, %x -> %y : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
    amk.gemv %w, %x -> %y cols [0, 16) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
    amk.gemv %w, %x -> %y bias %b : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<32xbf16>
    amk.gemv %w, %x -> %y residual %r : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<1x32xf32>
    amk.gemv %w, %x -> %y cols [16, 32) bias %b32 residual %y : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<1x32xf32>, memref<32xf32>
  }
}

// CHECK-LABEL: amk.program @gemv {
// CHECK-NEXT:  %w = amk.buffer "w" weight : memref<32x64xbf16>
// CHECK-NEXT:  %b = amk.buffer "b" weight : memref<32xbf16>
// CHECK-NEXT:  %b32 = amk.buffer "b32" weight : memref<1x32xf32>
// CHECK-NEXT:  %x = amk.buffer "x" activation : memref<64xf32>
// CHECK-NEXT:  %y = amk.buffer "y" activation : memref<32xf32>
// CHECK-NEXT:  %r = amk.buffer "r" activation : memref<1x32xf32>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.gemv %w, %x -> %y : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
// CHECK-NEXT:  amk.gemv %w, %x -> %y cols [0, 16) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
// CHECK-NEXT:  amk.gemv %w, %x -> %y bias %b : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<32xbf16>
// CHECK-NEXT:  amk.gemv %w, %x -> %y residual %r : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<1x32xf32>
// CHECK-NEXT:  amk.gemv %w, %x -> %y cols [16, 32) bias %b32 residual %y : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<1x32xf32>, memref<32xf32>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @rope {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<1x64xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.rope %q, %pos -> %q head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
    amk.rope %q, %pos -> %q2 head_dim 64 theta 5.0e+05 heads [0, 1) : memref<64xf32>, memref<1xi32>, memref<1x64xf32>
    amk.rope %q, %pos -> %q head_dim 16 theta 5.0e+05 heads [0, 2) llama3 <factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64> : memref<64xf32>, memref<1xi32>, memref<64xf32>
    amk.rope %q, %pos -> %q head_dim 32 theta 5.0e+05 llama3 <factor = 32.0, low_freq_factor = 0.5, high_freq_factor = 0.75, original_max_position = 8192> : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// CHECK-LABEL: amk.program @rope {
// CHECK-NEXT:  %q = amk.buffer "q" activation : memref<64xf32>
// CHECK-NEXT:  %q2 = amk.buffer "q2" activation : memref<1x64xf32>
// CHECK-NEXT:  %pos = amk.buffer "pos" input : memref<1xi32>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.rope %q, %pos -> %q head_dim 16 theta 1.000000e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
// CHECK-NEXT:  amk.rope %q, %pos -> %q2 head_dim 64 theta 5.000000e+05 heads [0, 1) : memref<64xf32>, memref<1xi32>, memref<1x64xf32>
// CHECK-NEXT:  amk.rope %q, %pos -> %q head_dim 16 theta 5.000000e+05 heads [0, 2) llama3 <factor = 8.000000e+00, low_freq_factor = 1.000000e+00, high_freq_factor = 4.000000e+00, original_max_position = 64> : memref<64xf32>, memref<1xi32>, memref<64xf32>
// CHECK-NEXT:  amk.rope %q, %pos -> %q head_dim 32 theta 5.000000e+05 llama3 <factor = 3.200000e+01, low_freq_factor = 5.000000e-01, high_freq_factor = 7.500000e-01, original_max_position = 8192> : memref<64xf32>, memref<1xi32>, memref<64xf32>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @kv_append {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<1x32xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.kv_append %k, %pos -> %kc : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
    amk.kv_append %k, %pos -> %kc heads [0, 2) : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
    amk.kv_append %k2, %pos -> %kc row 0 : memref<1x32xbf16>, memref<1xi32>, memref<128x2x16xbf16>
    amk.kv_append %k, %pos -> %kc heads [1, 2) row 127 : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// CHECK-LABEL: amk.program @kv_append {
// CHECK-NEXT:  %k = amk.buffer "k" activation : memref<32xf32>
// CHECK-NEXT:  %k2 = amk.buffer "k2" activation : memref<1x32xbf16>
// CHECK-NEXT:  %pos = amk.buffer "pos" input : memref<1xi32>
// CHECK-NEXT:  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.kv_append %k, %pos -> %kc : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
// CHECK-NEXT:  amk.kv_append %k, %pos -> %kc heads [0, 2) : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
// CHECK-NEXT:  amk.kv_append %k2, %pos -> %kc row 0 : memref<1x32xbf16>, memref<1xi32>, memref<128x2x16xbf16>
// CHECK-NEXT:  amk.kv_append %k, %pos -> %kc heads [1, 2) row 127 : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @attention position 100 {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %o = amk.buffer "o" activation : memref<1x64xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos) scale 0.125 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
    amk.attention %q, %kc, %vc, %pos -> %o kv [8, pos - 3) scale 1.0 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
    amk.attention %q, %kc, %vc, %pos -> %o heads [2, 4) kv [0, 128) scale 2.500000e-01 window 32 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 0 kv [0, 64) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 1 heads [0, 4) kv [64, pos + 1) scale 2.500000e-01 window 4096 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
}

// CHECK-LABEL: amk.program @attention position 100 {
// CHECK-NEXT:  %q = amk.buffer "q" activation : memref<64xf32>
// CHECK-NEXT:  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
// CHECK-NEXT:  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
// CHECK-NEXT:  %pos = amk.buffer "pos" input : memref<1xi32>
// CHECK-NEXT:  %o = amk.buffer "o" activation : memref<1x64xf32>
// CHECK-NEXT:  %op = amk.buffer "op" scratch : memref<2x64xf32>
// CHECK-NEXT:  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
// CHECK-NEXT:  amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos) scale 1.250000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
// CHECK-NEXT:  amk.attention %q, %kc, %vc, %pos -> %o kv [8, pos - 3) scale 1.000000e+00 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
// CHECK-NEXT:  amk.attention %q, %kc, %vc, %pos -> %o heads [2, 4) kv [0, 128) scale 2.500000e-01 window 32 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x64xf32>
// CHECK-NEXT:  amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 0 kv [0, 64) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
// CHECK-NEXT:  amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 1 heads [0, 4) kv [64, pos + 1) scale 2.500000e-01 window 4096 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @attention_combine {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %o = amk.buffer "o" activation : memref<64xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.attention_combine %op, %st -> %o : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xbf16>
    amk.attention_combine %op, %st -> %o heads [1, 3) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xbf16>
  }
}

// CHECK-LABEL: amk.program @attention_combine {
// CHECK-NEXT:  %op = amk.buffer "op" scratch : memref<2x64xf32>
// CHECK-NEXT:  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
// CHECK-NEXT:  %o = amk.buffer "o" activation : memref<64xbf16>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.attention_combine %op, %st -> %o : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xbf16>
// CHECK-NEXT:  amk.attention_combine %op, %st -> %o heads [1, 3) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xbf16>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @attention_merge {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %p0 = amk.buffer "p0" activation : memref<72xf32>
  %p1 = amk.buffer "p1" activation : memref<72xbf16>
  %o = amk.buffer "o" activation : memref<1x64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.attention %q, %kc, %vc, %pos -> %p0 packed kv [0, 16) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<72xf32>
    amk.attention %q, %kc, %vc, %pos -> %p1 packed heads [1, 3) kv [16, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<72xbf16>
    amk.attention_merge %p0, %p0 -> %o : memref<72xf32>, memref<72xf32> -> memref<1x64xf32>
    amk.attention_merge %p1 -> %o : memref<72xbf16> -> memref<1x64xf32>
  }
}

// CHECK-LABEL: amk.program @attention_merge {
// CHECK:       amk.attention %q, %kc, %vc, %pos -> %p0 packed kv [0, 16) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<72xf32>
// CHECK-NEXT:  amk.attention %q, %kc, %vc, %pos -> %p1 packed heads [1, 3) kv [16, pos + 1) scale 2.500000e-01 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<72xbf16>
// CHECK-NEXT:  amk.attention_merge %p0, %p0 -> %o : memref<72xf32>, memref<72xf32> -> memref<1x64xf32>
// CHECK-NEXT:  amk.attention_merge %p1 -> %o : memref<72xbf16> -> memref<1x64xf32>

amk.program @elementwise {
  %a = amk.buffer "a" activation : memref<128xf32>
  %b = amk.buffer "b" activation : memref<1x128xf32>
  %h = amk.buffer "h" activation : memref<128xf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.silu_mul %a, %b -> %a : memref<128xf32>, memref<1x128xf32>, memref<128xf32>
    amk.silu_mul %a, %a -> %b cols [0, 64) : memref<128xf32>, memref<128xf32>, memref<1x128xf32>
    amk.add %h, %h -> %h : memref<128xf16>, memref<128xf16>, memref<128xf16>
    amk.add %a, %b -> %a cols [64, 128) : memref<128xf32>, memref<1x128xf32>, memref<128xf32>
  }
}

// CHECK-LABEL: amk.program @elementwise {
// CHECK-NEXT:  %a = amk.buffer "a" activation : memref<128xf32>
// CHECK-NEXT:  %b = amk.buffer "b" activation : memref<1x128xf32>
// CHECK-NEXT:  %h = amk.buffer "h" activation : memref<128xf16>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.silu_mul %a, %b -> %a : memref<128xf32>, memref<1x128xf32>, memref<128xf32>
// CHECK-NEXT:  amk.silu_mul %a, %a -> %b cols [0, 64) : memref<128xf32>, memref<128xf32>, memref<1x128xf32>
// CHECK-NEXT:  amk.add %h, %h -> %h : memref<128xf16>, memref<128xf16>, memref<128xf16>
// CHECK-NEXT:  amk.add %a, %b -> %a cols [64, 128) : memref<128xf32>, memref<1x128xf32>, memref<128xf32>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @argmax {
  %l = amk.buffer "l" activation : memref<256xf32>
  %lb = amk.buffer "lb" activation : memref<1x256xbf16>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %next = amk.buffer "next" output : memref<1x1xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.argmax %l -> %next : memref<256xf32>, memref<1x1xi32>
    amk.argmax %lb -> %next : memref<1x256xbf16>, memref<1x1xi32>
    amk.argmax_partial %l -> %vals, %idx slot 0 : memref<256xf32>, memref<2xf32>, memref<2xi32>
    amk.argmax_partial %lb -> %vals, %idx slot 1 cols [128, 256) : memref<1x256xbf16>, memref<2xf32>, memref<2xi32>
    amk.argmax_reduce %vals, %idx -> %next : memref<2xf32>, memref<2xi32>, memref<1x1xi32>
  }
}

// CHECK-LABEL: amk.program @argmax {
// CHECK-NEXT:  %l = amk.buffer "l" activation : memref<256xf32>
// CHECK-NEXT:  %lb = amk.buffer "lb" activation : memref<1x256xbf16>
// CHECK-NEXT:  %vals = amk.buffer "vals" scratch : memref<2xf32>
// CHECK-NEXT:  %idx = amk.buffer "idx" scratch : memref<2xi32>
// CHECK-NEXT:  %next = amk.buffer "next" output : memref<1x1xi32>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.argmax %l -> %next : memref<256xf32>, memref<1x1xi32>
// CHECK-NEXT:  amk.argmax %lb -> %next : memref<1x256xbf16>, memref<1x1xi32>
// CHECK-NEXT:  amk.argmax_partial %l -> %vals, %idx slot 0 : memref<256xf32>, memref<2xf32>, memref<2xi32>
// CHECK-NEXT:  amk.argmax_partial %lb -> %vals, %idx slot 1 cols [128, 256) : memref<1x256xbf16>, memref<2xf32>, memref<2xi32>
// CHECK-NEXT:  amk.argmax_reduce %vals, %idx -> %next : memref<2xf32>, memref<2xi32>, memref<1x1xi32>
// CHECK-NEXT:  }
// CHECK-NEXT:  }

amk.program @copy_opaque {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<4x8xbf16>
  %v = amk.buffer "v" activation : memref<64xf32>
  %w = amk.buffer "w" activation : memref<1x64xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    amk.copy %a -> %b : memref<4x8xf32>, memref<4x8xbf16>
    amk.copy %v -> %w cols [0, 32) : memref<64xf32>, memref<1x64xi32>
    amk.opaque "GELU" ins(%v) outs(%v) params {approximate = "tanh"} : memref<64xf32>, memref<64xf32>
    amk.opaque "NOP" outs(%v) : memref<64xf32>
    amk.opaque "Softmax" ins(%v, %a) outs(%v, %b) : memref<64xf32>, memref<4x8xf32>, memref<64xf32>, memref<4x8xbf16>
    amk.opaque "Tagged" outs(%w) params {} {amk.tag} : memref<1x64xi32>
  }
}

// CHECK-LABEL: amk.program @copy_opaque {
// CHECK-NEXT:  %a = amk.buffer "a" activation : memref<4x8xf32>
// CHECK-NEXT:  %b = amk.buffer "b" activation : memref<4x8xbf16>
// CHECK-NEXT:  %v = amk.buffer "v" activation : memref<64xf32>
// CHECK-NEXT:  %w = amk.buffer "w" activation : memref<1x64xi32>
// CHECK-NEXT:  %e = amk.event "e"
// CHECK-NEXT:  amk.task "t" signals %e {
// CHECK-NEXT:  amk.copy %a -> %b : memref<4x8xf32>, memref<4x8xbf16>
// CHECK-NEXT:  amk.copy %v -> %w cols [0, 32) : memref<64xf32>, memref<1x64xi32>
// CHECK-NEXT:  amk.opaque "GELU" ins(%v) outs(%v) params {approximate = "tanh"} : memref<64xf32>, memref<64xf32>
// CHECK-NEXT:  amk.opaque "NOP" outs(%v) : memref<64xf32>
// CHECK-NEXT:  amk.opaque "Softmax" ins(%v, %a) outs(%v, %b) : memref<64xf32>, memref<4x8xf32>, memref<64xf32>, memref<4x8xbf16>
// CHECK-NEXT:  amk.opaque "Tagged" outs(%w) params {} {amk.tag} : memref<1x64xi32>
// CHECK-NEXT:  }
// CHECK-NEXT:  }
// CHECK-NEXT:  }
