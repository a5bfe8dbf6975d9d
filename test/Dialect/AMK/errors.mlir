// Negative tests of the amk dialect's verifiers: one case per rule, each
// checking the exact diagnostic. Attribute parse/verify errors are in
// invalid-attrs.mlir; undefined references in undefined-value.mlir.
//
// RUN: amk-opt %s -split-input-file -verify-diagnostics

// Test: a program position must be non-negative
// expected-error @+1 {{'amk.program' op position -1 is outside [0, 2147483647] (decode positions are i32)}}
amk.program @p position -1 {
}

// -----

// Test: only buffer, page, event, task and barrier may appear in a program body
amk.program @p {
  // expected-error @+1 {{'memref.alloc' op is not allowed in an amk.program body (only buffer, page, event, task and barrier are)}}
  %a = memref.alloc() : memref<4xf32>
}

// -----

// Test: a nested program is not allowed in a program body
amk.program @p {
  // expected-error @+1 {{'amk.program' op symbol's parent must have the SymbolTable trait}}
  amk.program @q {
  }
}

// -----

// Test: duplicate buffer names
amk.program @p {
  // expected-note @+1 {{first defined here}}
  %x = amk.buffer "x" activation : memref<4xf32>
  // expected-error @+1 {{'amk.buffer' op duplicate buffer name 'x'}}
  %y = amk.buffer "x" weight : memref<8xbf16>
}

// -----

// Test: duplicate page names
amk.program @p {
  // expected-note @+1 {{first defined here}}
  %p0 = amk.page "p" bytes 64
  // expected-error @+1 {{'amk.page' op duplicate page name 'p'}}
  %p1 = amk.page "p" bytes 128
}

// -----

// Test: duplicate event names
amk.program @p {
  // expected-note @+1 {{first defined here}}
  %e0 = amk.event "e"
  // expected-error @+1 {{'amk.event' op duplicate event name 'e'}}
  %e1 = amk.event "e" init 1
}

// -----

// Test: duplicate task names
amk.program @p {
  %e = amk.event "e"
  // expected-note @+1 {{first defined here}}
  amk.task "t" signals %e {
  }
  // expected-error @+1 {{'amk.task' op duplicate task or barrier name 't'}}
  amk.task "t" signals %e {
  }
}

// -----

// Test: a barrier and a task share one namespace
amk.program @p {
  %e = amk.event "e"
  // expected-note @+1 {{first defined here}}
  amk.task "s" signals %e {
  }
  // expected-error @+1 {{'amk.barrier' op duplicate task or barrier name 's'}}
  amk.barrier "s" slots [0]
}

// -----

// Test: a task may not reuse a barrier's name
amk.program @p {
  %e = amk.event "e"
  // expected-note @+1 {{first defined here}}
  amk.barrier "s" slots [0]
  // expected-error @+1 {{'amk.task' op duplicate task or barrier name 's'}}
  amk.task "s" signals %e {
  }
}

// -----

// Test: duplicate barrier names
amk.program @p {
  // expected-note @+1 {{first defined here}}
  amk.barrier "b" slots [0, 0]
  // expected-error @+1 {{'amk.barrier' op duplicate task or barrier name 'b'}}
  amk.barrier "b" slots [1, 1]
}

// -----

// Test: two tasks in one queue slot
amk.program @p {
  %e = amk.event "e"
  // expected-note @+1 {{slot taken here}}
  amk.task "t0" signals %e worker 1 queue 2 {
  }
  // expected-error @+1 {{'amk.task' op occupies slot 2 of worker 1, which is already taken}}
  amk.task "t1" signals %e worker 1 queue 2 {
  }
}

// -----

// Test: a task in a slot a barrier holds
amk.program @p {
  %e = amk.event "e"
  // expected-note @+1 {{slot taken here}}
  amk.barrier "b" slots [0, 3]
  // expected-error @+1 {{'amk.task' op occupies slot 3 of worker 1, which is already taken}}
  amk.task "t" signals %e worker 1 queue 3 {
  }
}

// -----

// Test: a barrier in a slot a task holds
amk.program @p {
  %e = amk.event "e"
  // expected-note @+1 {{slot taken here}}
  amk.task "t" signals %e worker 2 queue 5 {
  }
  // expected-error @+1 {{'amk.barrier' op occupies slot 5 of worker 2, which is already taken}}
  amk.barrier "b" slots [0, 0, 5]
}

// -----

// Test: two barriers in one slot
amk.program @p {
  // expected-note @+1 {{slot taken here}}
  amk.barrier "b0" slots [1, 1]
  // expected-error @+1 {{'amk.barrier' op occupies slot 1 of worker 0, which is already taken}}
  amk.barrier "b1" slots [1, 2]
}

// -----

// Test: a buffer outside a program
// expected-error @+1 {{'amk.buffer' op expects parent op 'amk.program'}}
%x = amk.buffer "x" activation : memref<4xf32>

// -----

// Test: a page outside a program
// expected-error @+1 {{'amk.page' op expects parent op 'amk.program'}}
%p = amk.page "p" bytes 64

// -----

// Test: an event outside a program
// expected-error @+1 {{'amk.event' op expects parent op 'amk.program'}}
%e = amk.event "e"

// -----

// Test: a barrier outside a program
// expected-error @+1 {{'amk.barrier' op expects parent op 'amk.program'}}
amk.barrier "b" slots [0]

// -----

// Test: a task outside a program
func.func @f(%e: !amk.event) {
  // expected-error @+1 {{'amk.task' op expects parent op 'amk.program'}}
  amk.task "t" signals %e {
  }
  return
}

// -----

// Test: a task nested in a task
amk.program @p {
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.task' op expects parent op 'amk.program'}}
    amk.task "u" signals %e {
    }
  }
}

// -----

// Test: a buffer inside a task
amk.program @p {
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.buffer' op expects parent op 'amk.program'}}
    %x = amk.buffer "x" activation : memref<4xf32>
  }
}

// -----

// Test: a compute op directly in a program
amk.program @p {
  %x = amk.buffer "x" activation : memref<4xf32>
  // expected-error @+1 {{'amk.copy' op expects parent op 'amk.task'}}
  amk.copy %x -> %x : memref<4xf32>, memref<4xf32>
}

// -----

// Test: a compute op in a function
func.func @f(%x: memref<4xf32>) {
  // expected-error @+1 {{'amk.add' op expects parent op 'amk.task'}}
  amk.add %x, %x -> %x : memref<4xf32>, memref<4xf32>, memref<4xf32>
  return
}

// -----

// Test: a task body holds only compute ops
amk.program @p {
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'memref.alloc' op is not a compute op (no AccessOpInterface); a task body holds only compute ops}}
    %a = memref.alloc() : memref<4xf32>
  }
}

// -----

// Test: a buffer needs the identity layout
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op must have the identity layout, got 'memref<4xf32, strided<[2]>>'}}
  %x = amk.buffer "x" activation : memref<4xf32, strided<[2]>>
}

// -----

// Test: a buffer needs the identity layout (affine map)
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op must have the identity layout, got 'memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>'}}
  %x = amk.buffer "x" activation : memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>
}

// -----

// Test: a buffer needs a static shape
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op must have a static shape, got 'memref<?xf32>'}}
  %x = amk.buffer "x" activation : memref<?xf32>
}

// -----

// Test: a buffer must have rank >= 1
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op must have rank >= 1 and positive dimensions, got 'memref<f32>'}}
  %x = amk.buffer "x" activation : memref<f32>
}

// -----

// Test: a buffer must have positive dimensions
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op must have rank >= 1 and positive dimensions, got 'memref<4x0xf32>'}}
  %x = amk.buffer "x" activation : memref<4x0xf32>
}

// -----

// Test: index is not a buffer element type
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op element type must be a float or signless integer, got 'index'}}
  %x = amk.buffer "x" activation : memref<4xindex>
}

// -----

// Test: unsigned integers are not buffer element types
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op element type must be a float or signless integer, got 'ui8'}}
  %x = amk.buffer "x" input : memref<4xui8>
}

// -----

// Test: signed integers are not buffer element types
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op element type must be a float or signless integer, got 'si32'}}
  %x = amk.buffer "x" input : memref<4xsi32>
}

// -----

// Test: complex is not a buffer element type
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op element type must be a float or signless integer, got 'complex<f32>'}}
  %x = amk.buffer "x" activation : memref<4xcomplex<f32>>
}

// -----

// Test: vectors are not buffer element types
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op element type must be a float or signless integer, got 'vector<4xf32>'}}
  %x = amk.buffer "x" activation : memref<4xvector<4xf32>>
}

// -----

// Test: only weight and const buffers have a key (input)
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op only weight and const buffers have a state-dict key, this one is input}}
  %x = amk.buffer "x" input key "k" : memref<4xf32>
}

// -----

// Test: only weight and const buffers have a key (output)
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op only weight and const buffers have a state-dict key, this one is output}}
  %x = amk.buffer "x" output key "k" : memref<4xf32>
}

// -----

// Test: only weight and const buffers have a key (activation)
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op only weight and const buffers have a state-dict key, this one is activation}}
  %x = amk.buffer "x" activation key "k" : memref<4xf32>
}

// -----

// Test: only weight and const buffers have a key (kv_cache)
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op only weight and const buffers have a state-dict key, this one is kv_cache}}
  %x = amk.buffer "x" kv_cache key "k" : memref<4xf32>
}

// -----

// Test: only weight and const buffers have a key (scratch)
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op only weight and const buffers have a state-dict key, this one is scratch}}
  %x = amk.buffer "x" scratch key "k" : memref<4xf32>
}

// -----

// Test: only transient buffers live on a page (weight)
amk.program @p {
  %p0 = amk.page "p0" bytes 64
  // expected-error @+1 {{'amk.buffer' op only activation and scratch buffers live on a scratch page, this one is weight}}
  %x = amk.buffer "x" weight page %p0 : memref<4xf32>
}

// -----

// Test: only transient buffers live on a page (const)
amk.program @p {
  %p0 = amk.page "p0" bytes 64
  // expected-error @+1 {{'amk.buffer' op only activation and scratch buffers live on a scratch page, this one is const}}
  %x = amk.buffer "x" const page %p0 : memref<4xf32>
}

// -----

// Test: only transient buffers live on a page (input)
amk.program @p {
  %p0 = amk.page "p0" bytes 64
  // expected-error @+1 {{'amk.buffer' op only activation and scratch buffers live on a scratch page, this one is input}}
  %x = amk.buffer "x" input page %p0 : memref<4xf32>
}

// -----

// Test: only transient buffers live on a page (output)
amk.program @p {
  %p0 = amk.page "p0" bytes 64
  // expected-error @+1 {{'amk.buffer' op only activation and scratch buffers live on a scratch page, this one is output}}
  %x = amk.buffer "x" output page %p0 : memref<4xf32>
}

// -----

// Test: only transient buffers live on a page (kv_cache)
amk.program @p {
  %p0 = amk.page "p0" bytes 64
  // expected-error @+1 {{'amk.buffer' op only activation and scratch buffers live on a scratch page, this one is kv_cache}}
  %x = amk.buffer "x" kv_cache page %p0 : memref<4xf32>
}

// -----

// Test: a buffer's page must be a page
amk.program @p {
  // expected-note @+1 {{prior use here}}
  %e = amk.event "e"
  // expected-error @+1 {{use of value '%e' expects different type than prior uses: '!amk.page' vs '!amk.event'}}
  %x = amk.buffer "x" scratch page %e : memref<4xf32>
}

// -----

// Test: page bytes must be positive (zero)
amk.program @p {
  // expected-error @+1 {{'amk.page' op bytes 0 is outside [1, 1099511627776] (the limit of one page)}}
  %p = amk.page "p" bytes 0
}

// -----

// Test: page bytes must be positive (negative)
amk.program @p {
  // expected-error @+1 {{'amk.page' op bytes -64 is outside [1, 1099511627776] (the limit of one page)}}
  %p = amk.page "p" bytes -64
}

// -----

// Test: a page's live range cannot depend on pos
amk.program @p {
  // expected-error @+1 {{'amk.page' op live range must be a constant, ordered task range inside [0, 16777216]}}
  %p = amk.page "p" bytes 64 live [0, pos + 1)
}

// -----

// Test: a page's live range cannot start below 0
amk.program @p {
  // expected-error @+1 {{'amk.page' op live range must be a constant, ordered task range inside [0, 16777216]}}
  %p = amk.page "p" bytes 64 live [-1, 3)
}

// -----

// Test: a page's live range must be ordered
amk.program @p {
  // expected-error @+1 {{'amk.page' op live range must be a constant, ordered task range inside [0, 16777216]}}
  %p = amk.page "p" bytes 64 live [5, 3)
}

// -----

// Test: event init must be a u32 (negative)
amk.program @p {
  // expected-error @+1 {{'amk.event' op init must be a u32 counter value, got -1}}
  %e = amk.event "e" init -1
}

// -----

// Test: event init must be a u32 (too large)
amk.program @p {
  // expected-error @+1 {{'amk.event' op init must be a u32 counter value, got 4294967296}}
  %e = amk.event "e" init 4294967296
}

// -----

// Test: a wait threshold of 0 is always satisfied
amk.program @p {
  %e = amk.event "e"
  %f = amk.event "f"
  // expected-error @+1 {{'amk.task' op wait threshold must be in [1, 2^32), got 0}}
  amk.task "t" waits(%f >= 0) signals %e {
  }
}

// -----

// Test: a negative wait threshold
amk.program @p {
  %e = amk.event "e"
  %f = amk.event "f"
  // expected-error @+1 {{'amk.task' op wait threshold must be in [1, 2^32), got -2}}
  amk.task "t" waits(%f >= 1, %e >= -2) signals %e {
  }
}

// -----

// Test: a worker without a queue position
amk.program @p {
  %e = amk.event "e"
  %f = amk.event "f"
  // expected-error @+1 {{'amk.task' op worker and queue position come together}}
  amk.task "t" signals %e worker 0 {
  }
}

// -----

// Test: a queue position without a worker
amk.program @p {
  %e = amk.event "e"
  %f = amk.event "f"
  // expected-error @+1 {{'amk.task' op worker and queue position come together}}
  amk.task "t" signals %e queue 0 {
  }
}

// -----

// Test: a negative worker
amk.program @p {
  %e = amk.event "e"
  %f = amk.event "f"
  // expected-error @+1 {{'amk.task' op worker -1 is outside [0, 131072) (the workers of a grid)}}
  amk.task "t" signals %e worker -1 queue 0 {
  }
}

// -----

// Test: a negative queue position
amk.program @p {
  %e = amk.event "e"
  %f = amk.event "f"
  // expected-error @+1 {{'amk.task' op queue position -3 is outside [0, 16777216)}}
  amk.task "t" signals %e worker 0 queue -3 {
  }
}

// -----

// Test: as many thresholds as waits (generic form)
amk.program @p {
  %e = amk.event "e"
  %f = amk.event "f"
  // expected-error @+1 {{'amk.task' op has 1 waits but 2 thresholds}}
  "amk.task"(%f, %e) <{name = "t", thresholds = array<i64: 1, 1>}> ({
  ^bb0:
  }) : (!amk.event, !amk.event) -> ()
}

// -----

// Test: a task needs a body block (generic form)
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{'amk.task' op region #0 ('bodyRegion') failed to verify constraint: region with 1 blocks}}
  "amk.task"(%e) <{name = "t"}> ({
  }) : (!amk.event) -> ()
}

// -----

// Test: a task waits on events only
amk.program @p {
  %e = amk.event "e"
  // expected-note @+1 {{prior use here}}
  %x = amk.buffer "x" activation : memref<4xf32>
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: '!amk.event' vs 'memref<4xf32>'}}
  amk.task "t" waits(%x >= 1) signals %e {
  }
}

// -----

// Test: a barrier needs a slot per worker
amk.program @p {
  // expected-error @+1 {{'amk.barrier' op needs a slot for every worker}}
  amk.barrier "b" slots []
}

// -----

// Test: barrier slots are non-negative
amk.program @p {
  // expected-error @+1 {{'amk.barrier' op slot -1 is outside [0, 16777216)}}
  amk.barrier "b" slots [0, -1, 2]
}

// -----

// Test: embed: the table is [vocab, hidden]
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'table' must have rank 2 ([vocab, hidden]), got 'memref<64xbf16>'}}
    amk.embed %tab1[%tok] -> %x : memref<64xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: embed: the table is floating-point
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'table' must have a floating-point element type, got 'i8'}}
    amk.embed %tabi[%tok] -> %x : memref<256x64xi8>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: embed: the output is floating-point
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'output' must have a floating-point element type, got 'i32'}}
    amk.embed %tab[%tok] -> %xi : memref<256x64xbf16>, memref<1xi32>, memref<64xi32>
  }
}

// -----

// Test: embed: the token is i32
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'token' must be a one-element i32 vector, got 'memref<1xi64>'}}
    amk.embed %tab[%tok64] -> %x : memref<256x64xbf16>, memref<1xi64>, memref<64xf32>
  }
}

// -----

// Test: embed: the token has one element
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'token' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.embed %tab[%tok2] -> %x : memref<256x64xbf16>, memref<2xi32>, memref<64xf32>
  }
}

// -----

// Test: embed: the output is a vector
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.embed %tab[%tok] -> %x2 : memref<256x64xbf16>, memref<1xi32>, memref<2x64xf32>
  }
}

// -----

// Test: embed: the output has the hidden size
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op 'output' has 32 elements, expected 64 (the table's hidden size)}}
    amk.embed %tab[%tok] -> %x32 : memref<256x64xbf16>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: compute operands are memrefs
amk.program @p {
  %tab = amk.buffer "tab" weight : memref<256x64xbf16>
  %tab1 = amk.buffer "tab1" weight : memref<64xbf16>
  %tabi = amk.buffer "tabi" weight : memref<256x64xi8>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %tok64 = amk.buffer "tok64" input : memref<1xi64>
  %tok2 = amk.buffer "tok2" input : memref<2xi32>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x64xf32>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %ev = amk.event "ev"
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.embed' op operand #1 must be memref of rank >= 1 with positive static dimensions, but got '!amk.event'}}
    amk.embed %tab[%ev] -> %x : memref<256x64xbf16>, !amk.event, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the input is a vector
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.rmsnorm %x2, %g -> %x eps 1.0e-05 : memref<2x32xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the output is a vector
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.rmsnorm %x, %g -> %x2 eps 1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<2x32xf32>
  }
}

// -----

// Test: rmsnorm: the weight has rank 1
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' must have rank 1 ([row size]), got 'memref<1x64xbf16>'}}
    amk.rmsnorm %x, %g2 -> %x eps 1.0e-05 : memref<64xf32>, memref<1x64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the weight is floating-point
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' must have a floating-point element type, got 'i8'}}
    amk.rmsnorm %x, %gi -> %x eps 1.0e-05 : memref<64xf32>, memref<64xi8>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the input is floating-point
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'input' must have a floating-point element type, got 'i32'}}
    amk.rmsnorm %xi, %g -> %xi eps 1.0e-05 : memref<64xi32>, memref<64xbf16>, memref<64xi32>
  }
}

// -----

// Test: rmsnorm: input and output share an element type
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op element type of 'output' ('f16') differs from 'input' ('f32')}}
    amk.rmsnorm %x, %g -> %xh eps 1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<64xf16>
  }
}

// -----

// Test: rmsnorm: the output has the input's length
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'output' has 32 elements, expected 64 (the input's)}}
    amk.rmsnorm %x, %g -> %x32 eps 1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<32xf32>
  }
}

// -----

// Test: rmsnorm: eps must be positive (zero)
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op eps must be positive}}
    amk.rmsnorm %x, %g -> %x eps 0.0 : memref<64xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: eps must be positive (negative)
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op eps must be positive}}
    amk.rmsnorm %x, %g -> %x eps -1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: head_dim divides the input
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op head_dim 24 does not divide the input's 64 elements}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 24 : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: head_dim must be positive
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op head_dim 0 does not divide the input's 64 elements}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 0 : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: negative head_dim
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op head_dim -16 does not divide the input's 64 elements}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim -16 : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads needs head_dim
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' needs 'head_dim'}}
    amk.rmsnorm %x, %g -> %x eps 1.0e-05 heads [0, 1) : memref<64xf32>, memref<64xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the weight covers the whole vector
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' has 32 elements, expected 64 (one normalized row)}}
    amk.rmsnorm %x, %g32 -> %x eps 1.0e-05 : memref<64xf32>, memref<32xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: the weight covers one head
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'weight' has 8 elements, expected 16 (one normalized row)}}
    amk.rmsnorm %x, %g8 -> %x eps 1.0e-05 head_dim 16 : memref<64xf32>, memref<8xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads inside the head count
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' [2, 5) exceeds the 4 heads}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 16 heads [2, 5) : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads cannot be empty
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' [2, 2) is empty or negative}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 16 heads [2, 2) : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: rmsnorm: heads cannot depend on pos
amk.program @p {
  %x = amk.buffer "x" activation : memref<64xf32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %xh = amk.buffer "xh" activation : memref<64xf16>
  %x32 = amk.buffer "x32" activation : memref<32xf32>
  %g = amk.buffer "g" weight : memref<64xbf16>
  %g2 = amk.buffer "g2" weight : memref<1x64xbf16>
  %gi = amk.buffer "gi" weight : memref<64xi8>
  %g32 = amk.buffer "g32" weight : memref<32xbf16>
  %g16 = amk.buffer "g16" weight : memref<16xbf16>
  %g8 = amk.buffer "g8" weight : memref<8xbf16>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rmsnorm' op 'heads' cannot depend on the decode position}}
    amk.rmsnorm %x, %g16 -> %x eps 1.0e-05 head_dim 16 heads [0, pos) : memref<64xf32>, memref<16xbf16>, memref<64xf32>
  }
}

// -----

// Test: gemv: the weight is [N, K]
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'weight' must have rank 2 ([N, K]), got 'memref<64xbf16>'}}
    amk.gemv %w1, %x -> %y : memref<64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the weight is floating-point
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'weight' must have a floating-point element type, got 'i8'}}
    amk.gemv %wi, %x -> %y : memref<32x64xi8>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the input is floating-point
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'input' must have a floating-point element type, got 'i32'}}
    amk.gemv %w, %xi -> %y : memref<32x64xbf16>, memref<64xi32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the input is a vector
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.gemv %w, %x2 -> %y : memref<32x64xbf16>, memref<2x32xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the input has K elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'input' has 48 elements, expected 64 (the weight's K)}}
    amk.gemv %w, %x48 -> %y : memref<32x64xbf16>, memref<48xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: the output has N elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'output' has 16 elements, expected 32 (the weight's N)}}
    amk.gemv %w, %x -> %y16 : memref<32x64xbf16>, memref<64xf32>, memref<16xf32>
  }
}

// -----

// Test: gemv: the output has the input's element type
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op element type of 'output' ('f16') differs from 'input' ('f32')}}
    amk.gemv %w, %x -> %yh : memref<32x64xbf16>, memref<64xf32>, memref<32xf16>
  }
}

// -----

// Test: gemv: the bias has N elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'bias' has 16 elements, expected 32 (the weight's N)}}
    amk.gemv %w, %x -> %y bias %b16 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<16xbf16>
  }
}

// -----

// Test: gemv: the bias is a vector
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'bias' must be a vector (all dimensions 1 but the last), got 'memref<2x16xbf16>'}}
    amk.gemv %w, %x -> %y bias %b2 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<2x16xbf16>
  }
}

// -----

// Test: gemv: the bias is floating-point
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'bias' must have a floating-point element type, got 'i32'}}
    amk.gemv %w, %x -> %y bias %bi : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<32xi32>
  }
}

// -----

// Test: gemv: the residual has N elements
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'residual' has 16 elements, expected 32 (the weight's N)}}
    amk.gemv %w, %x -> %y residual %y16 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<16xf32>
  }
}

// -----

// Test: gemv: the residual has the input's element type
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op element type of 'residual' ('f16') differs from 'input' ('f32')}}
    amk.gemv %w, %x -> %y residual %yh : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<32xf16>
  }
}

// -----

// Test: gemv: the residual is a vector
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'residual' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.gemv %w, %x -> %y residual %x2 : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>, memref<2x32xf32>
  }
}

// -----

// Test: gemv: cols inside N
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [16, 48) exceeds the 32 output columns}}
    amk.gemv %w, %x -> %y cols [16, 48) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot be empty
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [8, 8) is empty or negative}}
    amk.gemv %w, %x -> %y cols [8, 8) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot be reversed
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [16, 8) is empty or negative}}
    amk.gemv %w, %x -> %y cols [16, 8) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot start below 0
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' [-8, 8) is empty or negative}}
    amk.gemv %w, %x -> %y cols [-8, 8) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: cols cannot depend on pos
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %w1 = amk.buffer "w1" weight : memref<64xbf16>
  %wi = amk.buffer "wi" weight : memref<32x64xi8>
  %x = amk.buffer "x" activation : memref<64xf32>
  %xi = amk.buffer "xi" activation : memref<64xi32>
  %x2 = amk.buffer "x2" activation : memref<2x32xf32>
  %x48 = amk.buffer "x48" activation : memref<48xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %yh = amk.buffer "yh" activation : memref<32xf16>
  %y16 = amk.buffer "y16" activation : memref<16xf32>
  %b = amk.buffer "b" weight : memref<32xbf16>
  %b16 = amk.buffer "b16" weight : memref<16xbf16>
  %b2 = amk.buffer "b2" weight : memref<2x16xbf16>
  %bi = amk.buffer "bi" weight : memref<32xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op 'cols' cannot depend on the decode position}}
    amk.gemv %w, %x -> %y cols [0, pos + 1) : memref<32x64xbf16>, memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: gemv: operandSegmentSizes must match the operands (generic form)
amk.program @p {
  %w = amk.buffer "w" weight : memref<32x64xbf16>
  %x = amk.buffer "x" activation : memref<64xf32>
  %y = amk.buffer "y" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.gemv' op operand count (3) does not match with the total size (4) specified in attribute 'operandSegmentSizes'}}
    "amk.gemv"(%w, %x, %y) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}> : (memref<32x64xbf16>, memref<64xf32>, memref<32xf32>) -> ()
  }
}

// -----

// Test: rope: the input is a vector
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.rope %q2, %pos -> %q head_dim 16 theta 1.0e+04 : memref<2x32xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: the input is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'input' must have a floating-point element type, got 'i32'}}
    amk.rope %qi, %pos -> %qi head_dim 16 theta 1.0e+04 : memref<64xi32>, memref<1xi32>, memref<64xi32>
  }
}

// -----

// Test: rope: input and output share an element type
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op element type of 'output' ('f16') differs from 'input' ('f32')}}
    amk.rope %q, %pos -> %qh head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf16>
  }
}

// -----

// Test: rope: the output has the input's length
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'output' has 32 elements, expected 64 (the input's)}}
    amk.rope %q, %pos -> %q32 head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: rope: the position is i32
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'position' must be a one-element i32 vector, got 'memref<1xf32>'}}
    amk.rope %q, %posf -> %q head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<1xf32>, memref<64xf32>
  }
}

// -----

// Test: rope: the position has one element
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'position' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.rope %q, %pos2 -> %q head_dim 16 theta 1.0e+04 : memref<64xf32>, memref<2xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: head_dim must be even
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op head_dim 15 must be even and divide the input's 64 elements}}
    amk.rope %q, %pos -> %q head_dim 15 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: head_dim divides the input
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op head_dim 24 must be even and divide the input's 64 elements}}
    amk.rope %q, %pos -> %q head_dim 24 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: head_dim must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op head_dim 0 must be even and divide the input's 64 elements}}
    amk.rope %q, %pos -> %q head_dim 0 theta 1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: theta must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op theta must be positive}}
    amk.rope %q, %pos -> %q head_dim 16 theta 0.0 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: theta must be positive (negative)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op theta must be positive}}
    amk.rope %q, %pos -> %q head_dim 16 theta -1.0e+04 : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: heads inside the head count
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'heads' [3, 5) exceeds the 4 heads}}
    amk.rope %q, %pos -> %q head_dim 16 theta 1.0e+04 heads [3, 5) : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: heads cannot depend on pos
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.rope' op 'heads' cannot depend on the decode position}}
    amk.rope %q, %pos -> %q head_dim 16 theta 1.0e+04 heads [pos, pos + 1) : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: rope: llama3 parameters are verified in op form
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %qh = amk.buffer "qh" activation : memref<64xf16>
  %q32 = amk.buffer "q32" activation : memref<32xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %pos2 = amk.buffer "pos2" input : memref<2xi32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{llama3 rope high_freq_factor (1.000000e+00) must exceed low_freq_factor (4.000000e+00)}}
    amk.rope %q, %pos -> %q head_dim 16 theta 1.0e+04 llama3 <factor = 8.0, low_freq_factor = 4.0, high_freq_factor = 1.0, original_max_position = 64> : memref<64xf32>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: kv_append: the cache is [rows, kv_heads, head_dim]
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'cache' must have rank 3 ([rows, kv_heads, head_dim]), got 'memref<128x32xbf16>'}}
    amk.kv_append %k, %pos -> %kc2 : memref<32xf32>, memref<1xi32>, memref<128x32xbf16>
  }
}

// -----

// Test: kv_append: the cache is floating-point
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'cache' must have a floating-point element type, got 'i8'}}
    amk.kv_append %k, %pos -> %kci : memref<32xf32>, memref<1xi32>, memref<128x2x16xi8>
  }
}

// -----

// Test: kv_append: the input is floating-point
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'input' must have a floating-point element type, got 'i32'}}
    amk.kv_append %ki, %pos -> %kc : memref<32xi32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: the position is i32
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'position' must be a one-element i32 vector, got 'memref<1xi64>'}}
    amk.kv_append %k, %pos64 -> %kc : memref<32xf32>, memref<1xi64>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: the input is a vector
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'input' must be a vector (all dimensions 1 but the last), got 'memref<2x16xf32>'}}
    amk.kv_append %k2, %pos -> %kc : memref<2x16xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: the input is kv_heads * head_dim wide
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'input' has 16 elements, expected 32 (kv_heads * head_dim of the cache)}}
    amk.kv_append %k16, %pos -> %kc : memref<16xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: row inside the cache
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op row 128 is outside the cache's 128 rows}}
    amk.kv_append %k, %pos -> %kc row 128 : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: row cannot be negative
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op row -1 is outside the cache's 128 rows}}
    amk.kv_append %k, %pos -> %kc row -1 : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: heads inside the KV heads
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'heads' [1, 3) exceeds the 2 KV heads}}
    amk.kv_append %k, %pos -> %kc heads [1, 3) : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: kv_append: heads cannot depend on pos
amk.program @p {
  %k = amk.buffer "k" activation : memref<32xf32>
  %k2 = amk.buffer "k2" activation : memref<2x16xf32>
  %ki = amk.buffer "ki" activation : memref<32xi32>
  %k16 = amk.buffer "k16" activation : memref<16xf32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %pos64 = amk.buffer "pos64" input : memref<1xi64>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %kci = amk.buffer "kci" kv_cache : memref<128x2x16xi8>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.kv_append' op 'heads' cannot depend on the decode position}}
    amk.kv_append %k, %pos -> %kc heads [0, pos) : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
  }
}

// -----

// Test: attention: the key cache is [rows, kv_heads, head_dim]
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'key_cache' must have rank 3 ([rows, kv_heads, head_dim]), got 'memref<128x32xbf16>'}}
    amk.attention %q, %kc2, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x32xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the value cache is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'value_cache' must have a floating-point element type, got 'i8'}}
    amk.attention %q, %kc, %vci, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xi8>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the query is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'query' must have a floating-point element type, got 'i32'}}
    amk.attention %qi, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xi32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the output is floating-point
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'output' must have a floating-point element type, got 'i32'}}
    amk.attention %q, %kc, %vc, %pos -> %oi kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xi32>
  }
}

// -----

// Test: attention: the position is i32
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'position' must be a one-element i32 vector, got 'memref<1xf32>'}}
    amk.attention %q, %kc, %vc, %posf -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xf32>, memref<64xf32>
  }
}

// -----

// Test: attention: key and value caches match
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op key and value caches differ: 'memref<128x2x16xbf16>' vs 'memref<64x2x16xbf16>'}}
    amk.attention %q, %kc, %vc64, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<64x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the query is a vector
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'query' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.attention %q2, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<2x32xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: the query is whole heads
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op query's 40 elements are not a multiple of head_dim 16}}
    amk.attention %q40, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<40xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: query heads are a multiple of KV heads (GQA)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 3 query heads are not a multiple of 2 KV heads}}
    amk.attention %q48, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 : memref<48xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: heads inside the query heads
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'heads' [2, 6) exceeds the 4 query heads}}
    amk.attention %q, %kc, %vc, %pos -> %o heads [2, 6) kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: heads cannot be empty
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'heads' [3, 3) is empty or negative}}
    amk.attention %q, %kc, %vc, %pos -> %o heads [3, 3) kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: full output is heads * head_dim
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'output' has 32 elements, expected 64 (the query's)}}
    amk.attention %q, %kc, %vc, %pos -> %o32 kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<32xf32>
  }
}

// -----

// Test: attention: full output is a vector
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %o2 kv [0, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x32xf32>
  }
}

// -----

// Test: attention: slot without the partial form (generic form)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'slot' needs the partial form}}
    "amk.attention"(%q, %kc, %vc, %pos, %o) <{kv = #amk.interval<0, pos + 1>, scale = 2.500000e-01 : f64, slot = 0 : i64}> : (memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>) -> ()
  }
}

// -----

// Test: attention: the partial form without a slot (generic form)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op the partial form needs a 'slot'}}
    "amk.attention"(%q, %kc, %vc, %pos, %op, %st) <{kv = #amk.interval<0, pos + 1>, scale = 2.500000e-01 : f64}> : (memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>) -> ()
  }
}

// -----

// Test: attention: partial output is [splits, width] (rank)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op partial 'output' must be [splits, 64], got 'memref<1x2x64xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op3 partial %st slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<1x2x64xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: partial output is [splits, width] (width)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op partial 'output' must be [splits, 64], got 'memref<2x32xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op32 partial %st slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x32xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: stats has one row per split
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'stats' must be memref<2x4x2xf32> ([splits, heads, max/sum]), got 'memref<3x4x2xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st3 slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<3x4x2xf32>
  }
}

// -----

// Test: attention: stats holds max and sum
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'stats' must be memref<2x4x2xf32> ([splits, heads, max/sum]), got 'memref<2x4x1xf32>'}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st1 slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x1xf32>
  }
}

// -----

// Test: attention: stats is f32
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'stats' must be memref<2x4x2xf32> ([splits, heads, max/sum]), got 'memref<2x4x2xf16>'}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %sth slot 0 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf16>
  }
}

// -----

// Test: attention: slot inside the splits
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op slot 2 is outside the 2 splits}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 2 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: slot cannot be negative
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op slot -1 is outside the 2 splits}}
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot -1 kv [0, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
  }
}

// -----

// Test: attention: kv start cannot depend on pos
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op the start of 'kv' cannot depend on the decode position}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [pos - 4, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: kv cannot start below row 0
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' starts at a negative row}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [-1, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: kv cannot reach past pos + 1
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' cannot reach past pos + 1}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 2) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: a constant kv range cannot be empty
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' [64, 64) is empty}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [64, 64) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: kv inside the cache
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' [64, 129) exceeds the cache's 128 rows}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [64, 129) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: scale must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op scale must be positive}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.0 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: scale must be positive (negative)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op scale must be positive}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale -0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: window must be positive
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op window 0 is outside [1, 2147483647]}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 window 0 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention: window must be positive (negative)
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %qi = amk.buffer "qi" activation : memref<64xi32>
  %q2 = amk.buffer "q2" activation : memref<2x32xf32>
  %q40 = amk.buffer "q40" activation : memref<40xf32>
  %q48 = amk.buffer "q48" activation : memref<48xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %vc64 = amk.buffer "vc64" kv_cache : memref<64x2x16xbf16>
  %kc2 = amk.buffer "kc2" kv_cache : memref<128x32xbf16>
  %vci = amk.buffer "vci" kv_cache : memref<128x2x16xi8>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %posf = amk.buffer "posf" input : memref<1xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o32 = amk.buffer "o32" activation : memref<32xf32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<1x2x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op window -8 is outside [1, 2147483647]}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25 window -8 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: the output is a vector
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'output' must be a vector (all dimensions 1 but the last), got 'memref<2x32xf32>'}}
    amk.attention_combine %op, %st -> %o2 : memref<2x64xf32>, memref<2x4x2xf32>, memref<2x32xf32>
  }
}

// -----

// Test: attention_combine: the output is floating-point
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'output' must have a floating-point element type, got 'i32'}}
    amk.attention_combine %op, %st -> %oi : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xi32>
  }
}

// -----

// Test: attention_combine: partial is [splits, width] (rank)
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'partial' must be [splits, 64], got 'memref<2x1x64xf32>'}}
    amk.attention_combine %op3, %st -> %o : memref<2x1x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: partial is [splits, width] (width)
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'partial' must be [splits, 64], got 'memref<2x32xf32>'}}
    amk.attention_combine %op32, %st -> %o : memref<2x32xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats has rank 3
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x8xf32>'}}
    amk.attention_combine %op, %st2 -> %o : memref<2x64xf32>, memref<2x8xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats has one row per split
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<3x4x2xf32>'}}
    amk.attention_combine %op, %st3 -> %o : memref<2x64xf32>, memref<3x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats holds max and sum
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x4x1xf32>'}}
    amk.attention_combine %op, %st1 -> %o : memref<2x64xf32>, memref<2x4x1xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: stats is f32
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x4x2xf16>'}}
    amk.attention_combine %op, %sth -> %o : memref<2x64xf32>, memref<2x4x2xf16>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: heads divide the width
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'stats' must be [2, heads, 2] f32 with heads dividing 64, got 'memref<2x5x2xf32>'}}
    amk.attention_combine %op, %st5 -> %o : memref<2x64xf32>, memref<2x5x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: heads inside the head count
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'heads' [0, 5) exceeds the 4 heads}}
    amk.attention_combine %op, %st -> %o heads [0, 5) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: attention_combine: heads cannot depend on pos
amk.program @p {
  %op = amk.buffer "op" scratch : memref<2x64xf32>
  %op3 = amk.buffer "op3" scratch : memref<2x1x64xf32>
  %op32 = amk.buffer "op32" scratch : memref<2x32xf32>
  %st = amk.buffer "st" scratch : memref<2x4x2xf32>
  %st2 = amk.buffer "st2" scratch : memref<2x8xf32>
  %st3 = amk.buffer "st3" scratch : memref<3x4x2xf32>
  %st1 = amk.buffer "st1" scratch : memref<2x4x1xf32>
  %sth = amk.buffer "sth" scratch : memref<2x4x2xf16>
  %st5 = amk.buffer "st5" scratch : memref<2x5x2xf32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %oi = amk.buffer "oi" activation : memref<64xi32>
  %o2 = amk.buffer "o2" activation : memref<2x32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention_combine' op 'heads' cannot depend on the decode position}}
    amk.attention_combine %op, %st -> %o heads [0, pos) : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
  }
}

// -----

// Test: silu_mul: lhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'lhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.silu_mul %a2, %a -> %a : memref<2x64xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: rhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'rhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.silu_mul %a, %a2 -> %a : memref<128xf32>, memref<2x64xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: operands are floating-point
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'lhs' must have a floating-point element type, got 'i32'}}
    amk.silu_mul %ai, %ai -> %ai : memref<128xi32>, memref<128xi32>, memref<128xi32>
  }
}

// -----

// Test: silu_mul: rhs has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op element type of 'rhs' ('f16') differs from 'lhs' ('f32')}}
    amk.silu_mul %a, %ah -> %a : memref<128xf32>, memref<128xf16>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: output has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op element type of 'output' ('f16') differs from 'lhs' ('f32')}}
    amk.silu_mul %a, %a -> %ah : memref<128xf32>, memref<128xf32>, memref<128xf16>
  }
}

// -----

// Test: silu_mul: rhs has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'rhs' has 64 elements, expected 128 (the lhs's)}}
    amk.silu_mul %a, %a64 -> %a : memref<128xf32>, memref<64xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: output has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'output' has 64 elements, expected 128 (the lhs's)}}
    amk.silu_mul %a, %a -> %a64 : memref<128xf32>, memref<128xf32>, memref<64xf32>
  }
}

// -----

// Test: silu_mul: cols inside the vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'cols' [64, 192) exceeds the 128 columns}}
    amk.silu_mul %a, %a -> %a cols [64, 192) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: silu_mul: cols cannot depend on pos
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.silu_mul' op 'cols' cannot depend on the decode position}}
    amk.silu_mul %a, %a -> %a cols [0, pos + 1) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: add: lhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'lhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.add %a2, %a -> %a : memref<2x64xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: add: rhs is a vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'rhs' must be a vector (all dimensions 1 but the last), got 'memref<2x64xf32>'}}
    amk.add %a, %a2 -> %a : memref<128xf32>, memref<2x64xf32>, memref<128xf32>
  }
}

// -----

// Test: add: operands are floating-point
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'lhs' must have a floating-point element type, got 'i32'}}
    amk.add %ai, %ai -> %ai : memref<128xi32>, memref<128xi32>, memref<128xi32>
  }
}

// -----

// Test: add: rhs has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op element type of 'rhs' ('f16') differs from 'lhs' ('f32')}}
    amk.add %a, %ah -> %a : memref<128xf32>, memref<128xf16>, memref<128xf32>
  }
}

// -----

// Test: add: output has the lhs's element type
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op element type of 'output' ('f16') differs from 'lhs' ('f32')}}
    amk.add %a, %a -> %ah : memref<128xf32>, memref<128xf32>, memref<128xf16>
  }
}

// -----

// Test: add: rhs has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'rhs' has 64 elements, expected 128 (the lhs's)}}
    amk.add %a, %a64 -> %a : memref<128xf32>, memref<64xf32>, memref<128xf32>
  }
}

// -----

// Test: add: output has the lhs's length
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'output' has 64 elements, expected 128 (the lhs's)}}
    amk.add %a, %a -> %a64 : memref<128xf32>, memref<128xf32>, memref<64xf32>
  }
}

// -----

// Test: add: cols inside the vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'cols' [64, 192) exceeds the 128 columns}}
    amk.add %a, %a -> %a cols [64, 192) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: add: cols cannot depend on pos
amk.program @p {
  %a = amk.buffer "a" activation : memref<128xf32>
  %a2 = amk.buffer "a2" activation : memref<2x64xf32>
  %ai = amk.buffer "ai" activation : memref<128xi32>
  %ah = amk.buffer "ah" activation : memref<128xf16>
  %a64 = amk.buffer "a64" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.add' op 'cols' cannot depend on the decode position}}
    amk.add %a, %a -> %a cols [0, pos + 1) : memref<128xf32>, memref<128xf32>, memref<128xf32>
  }
}

// -----

// Test: argmax: logits are a vector
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'logits' must be a vector (all dimensions 1 but the last), got 'memref<2x128xf32>'}}
    amk.argmax %l2 -> %next : memref<2x128xf32>, memref<1xi32>
  }
}

// -----

// Test: argmax: logits are floating-point
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'logits' must have a floating-point element type, got 'i32'}}
    amk.argmax %li -> %next : memref<256xi32>, memref<1xi32>
  }
}

// -----

// Test: argmax: the token is i32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'token' must be a one-element i32 vector, got 'memref<1xi64>'}}
    amk.argmax %l -> %next64 : memref<256xf32>, memref<1xi64>
  }
}

// -----

// Test: argmax: the token has one element
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax' op 'token' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.argmax %l -> %next2 : memref<256xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: logits are floating-point
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'logits' must have a floating-point element type, got 'i32'}}
    amk.argmax_partial %li -> %vals, %idx slot 0 : memref<256xi32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: logits are a vector
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'logits' must be a vector (all dimensions 1 but the last), got 'memref<2x128xf32>'}}
    amk.argmax_partial %l2 -> %vals, %idx slot 0 : memref<2x128xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: values are rank 1
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'values' must be a rank-1 f32 buffer, got 'memref<1x2xf32>'}}
    amk.argmax_partial %l -> %vals2, %idx slot 0 : memref<256xf32>, memref<1x2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: values are f32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'values' must be a rank-1 f32 buffer, got 'memref<2xf16>'}}
    amk.argmax_partial %l -> %valsh, %idx slot 0 : memref<256xf32>, memref<2xf16>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: indices match values
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'indices' must be memref<2xi32>, got 'memref<3xi32>'}}
    amk.argmax_partial %l -> %vals, %idx3 slot 0 : memref<256xf32>, memref<2xf32>, memref<3xi32>
  }
}

// -----

// Test: argmax_partial: indices are i32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'indices' must be memref<2xi32>, got 'memref<2xi64>'}}
    amk.argmax_partial %l -> %vals, %idx64 slot 0 : memref<256xf32>, memref<2xf32>, memref<2xi64>
  }
}

// -----

// Test: argmax_partial: slot inside the partials
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op slot 2 is outside the 2 partial slots}}
    amk.argmax_partial %l -> %vals, %idx slot 2 : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: slot cannot be negative
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op slot -1 is outside the 2 partial slots}}
    amk.argmax_partial %l -> %vals, %idx slot -1 : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: cols inside the logits
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'cols' [128, 257) exceeds the 256 logits}}
    amk.argmax_partial %l -> %vals, %idx slot 1 cols [128, 257) : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_partial: cols cannot depend on pos
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_partial' op 'cols' cannot depend on the decode position}}
    amk.argmax_partial %l -> %vals, %idx slot 1 cols [0, pos) : memref<256xf32>, memref<2xf32>, memref<2xi32>
  }
}

// -----

// Test: argmax_reduce: values are f32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_reduce' op 'values' must be a rank-1 f32 buffer, got 'memref<2xf16>'}}
    amk.argmax_reduce %valsh, %idx -> %next : memref<2xf16>, memref<2xi32>, memref<1xi32>
  }
}

// -----

// Test: argmax_reduce: indices match values
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_reduce' op 'indices' must be memref<2xi32>, got 'memref<3xi32>'}}
    amk.argmax_reduce %vals, %idx3 -> %next : memref<2xf32>, memref<3xi32>, memref<1xi32>
  }
}

// -----

// Test: argmax_reduce: the token is a one-element i32
amk.program @p {
  %l = amk.buffer "l" activation : memref<256xf32>
  %l2 = amk.buffer "l2" activation : memref<2x128xf32>
  %li = amk.buffer "li" activation : memref<256xi32>
  %next = amk.buffer "next" output : memref<1xi32>
  %next64 = amk.buffer "next64" output : memref<1xi64>
  %next2 = amk.buffer "next2" output : memref<2xi32>
  %vals = amk.buffer "vals" scratch : memref<2xf32>
  %vals2 = amk.buffer "vals2" scratch : memref<1x2xf32>
  %valsh = amk.buffer "valsh" scratch : memref<2xf16>
  %idx = amk.buffer "idx" scratch : memref<2xi32>
  %idx3 = amk.buffer "idx3" scratch : memref<3xi32>
  %idx64 = amk.buffer "idx64" scratch : memref<2xi64>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.argmax_reduce' op 'token' must be a one-element i32 vector, got 'memref<2xi32>'}}
    amk.argmax_reduce %vals, %idx -> %next2 : memref<2xf32>, memref<2xi32>, memref<2xi32>
  }
}

// -----

// Test: copy: a whole copy needs equal shapes
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op a whole copy needs equal shapes, got 'memref<4x8xf32>' and 'memref<8x4xf32>'}}
    amk.copy %a -> %b : memref<4x8xf32>, memref<8x4xf32>
  }
}

// -----

// Test: copy: a whole copy needs equal lengths
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op a whole copy needs equal shapes, got 'memref<64xf32>' and 'memref<32xf32>'}}
    amk.copy %v -> %v32 : memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: copy: a column copy needs a vector source
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'source' must be a vector (all dimensions 1 but the last), got 'memref<4x8xf32>'}}
    amk.copy %a -> %v cols [0, 4) : memref<4x8xf32>, memref<64xf32>
  }
}

// -----

// Test: copy: a column copy needs equal lengths
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'output' has 32 elements, expected 64 (the source's)}}
    amk.copy %v -> %v32 cols [0, 16) : memref<64xf32>, memref<32xf32>
  }
}

// -----

// Test: copy: cols inside the vector
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'cols' [32, 65) exceeds the 64 columns}}
    amk.copy %v -> %v cols [32, 65) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: copy: cols cannot depend on pos
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op 'cols' cannot depend on the decode position}}
    amk.copy %v -> %v cols [0, pos + 1) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Test: opaque: needs an output (generic form)
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.opaque' op needs at least one output}}
    "amk.opaque"(%v) <{op_kind = "X", operandSegmentSizes = array<i32: 1, 0>}> : (memref<64xf32>) -> ()
  }
}

// -----

// Test: opaque: operands are statically shaped memrefs
amk.program @p {
  %a = amk.buffer "a" activation : memref<4x8xf32>
  %b = amk.buffer "b" activation : memref<8x4xf32>
  %v = amk.buffer "v" activation : memref<64xf32>
  %v32 = amk.buffer "v32" activation : memref<32xf32>
  %ev = amk.event "ev"
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.opaque' op operand #0 must be variadic of memref of rank >= 1 with positive static dimensions, but got '!amk.event'}}
    amk.opaque "X" ins(%ev) outs(%v) : !amk.event, memref<64xf32>
  }
}

// -----

// Test: names: a buffer needs a non-empty name
amk.program @p {
  // expected-error @+1 {{'amk.buffer' op needs a non-empty name}}
  %a = amk.buffer "" activation : memref<4xf32>
}

// -----

// Test: program: the body takes no block arguments
// expected-error @+1 {{'amk.program' op body takes no block arguments}}
"amk.program"() <{sym_name = "p"}> ({
^bb0(%a: memref<4xf32>):
}) : () -> ()

// -----

// Test: task: the body takes no block arguments
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{'amk.task' op body takes no block arguments}}
  "amk.task"(%e) <{name = "t", thresholds = array<i64>, operandSegmentSizes = array<i32: 0, 1>}> ({
  ^bb0(%a: memref<4xf32>):
  }) : (!amk.event) -> ()
}

// -----

// Test: task: compute-op operands must be amk.buffer results
amk.program @p {
  %a = amk.buffer "a" activation : memref<4xf32>
  %m = memref.alloc() : memref<4xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.copy' op operands must be amk.buffer results}}
    amk.copy %m -> %a : memref<4xf32>, memref<4xf32>
  }
}

// -----

// Test: task: a zero-sized memref from elsewhere is refused by the operand
// type (no division by zero in op verifiers)
amk.program @p {
  %a = amk.buffer "a" activation : memref<4xf32>
  %w = amk.buffer "w" weight : memref<4xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    %m = memref.alloc() : memref<0xf32>
    // expected-error @+1 {{'amk.rmsnorm' op operand #0 must be memref of rank >= 1 with positive static dimensions, but got 'memref<0xf32>'}}
    amk.rmsnorm %m, %w -> %a eps 1.0e-05 : memref<0xf32>, memref<4xf32>, memref<4xf32>
  }
}

// -----

// Test: attention: a KV range ending at pos + 1 must still start inside the cache
amk.program @p {
  %q = amk.buffer "q" activation : memref<64xf32>
  %kc = amk.buffer "kc" kv_cache : memref<128x2x16xbf16>
  %vc = amk.buffer "vc" kv_cache : memref<128x2x16xbf16>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %o = amk.buffer "o" activation : memref<64xf32>
  %e = amk.event "e"
  amk.task "t" signals %e {
    // expected-error @+1 {{'amk.attention' op 'kv' starts at row 200, past the cache's 128 rows}}
    amk.attention %q, %kc, %vc, %pos -> %o kv [200, pos + 1) scale 0.25 : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
  }
}

// -----

// Test: wait thresholds fit the u32 counter
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{'amk.task' op wait threshold must be in [1, 2^32), got 4294967296}}
  amk.task "t" waits(%e >= 4294967296) signals %e {
  }
}
