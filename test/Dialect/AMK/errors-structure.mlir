// Negative tests of the amk dialect's verifiers for program structure: program,
// buffer, page, event, task and barrier: one case per rule, each checking the
// exact diagnostic. The other op groups are in errors-*.mlir beside this file;
// attribute parse/verify errors are in invalid-attrs.mlir, undefined references
// in undefined-value.mlir.
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

// Test: a task's name is a string
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{expected attribute value}}
  amk.task t signals %e {
  }
}

// -----

// Test: a task's worker is an integer
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{custom op 'amk.task' expected integer value}}
  amk.task "t" signals %e worker w {
  }
}

// -----

// Test: a worker in the attribute dictionary would override the one written before it
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{custom op 'amk.task' 'worker' is written in the task's syntax, not in its attributes}}
  amk.task "t" signals %e worker 1 queue 0 attributes {worker = 2} {
  }
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

// Test: wait thresholds fit the u32 counter
amk.program @p {
  %e = amk.event "e"
  // expected-error @+1 {{'amk.task' op wait threshold must be in [1, 2^32), got 4294967296}}
  amk.task "t" waits(%e >= 4294967296) signals %e {
  }
}
