//===- AMKOps.td - Operations of the amk dialect -----------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// Structural ops (program, buffer, page, event, task, barrier) describe a
// schedule; compute ops (embed, rmsnorm, gemv, ...) are the bodies of tasks.
// Compute ops read and write buffers through operands and report the exact
// regions they touch through AccessOpInterface.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKOPS_TD
#define AMK_DIALECT_AMK_IR_AMKOPS_TD

include "AMK/Dialect/AMK/IR/AMKDialect.td"
include "AMK/Dialect/AMK/IR/AMKTypes.td"
include "AMK/Dialect/AMK/IR/AMKAttrs.td"
include "AMK/Dialect/AMK/IR/AMKInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonTypeConstraints.td"

/// A buffer operand: a memref of rank >= 1 with static, positive dimensions
/// and the identity layout, as `amk.buffer` creates.
def AMK_BufferValue : Type<
    And<[AnyStaticShapeMemRef.predicate,
         CPred<"::mlir::amk::isBufferType($_self)">]>,
    "memref of rank >= 1 with positive static dimensions",
    "::mlir::MemRefType">;

//===----------------------------------------------------------------------===//
// Structural ops
//===----------------------------------------------------------------------===//

def AMK_ProgramOp : AMK_Op<"program", [
    Symbol, IsolatedFromAbove, NoTerminator, SingleBlock]> {
  let summary = "One decode step: buffers, events, pages, tasks and barriers";
  let description = [{
    The schedule of one decode step. Its body holds only `amk.buffer`,
    `amk.page`, `amk.event`, `amk.task` and `amk.barrier`. The optional
    `target` names the chip the schedule is for; the optional `position`
    fixes the decode position (schedules imported from JSON carry one), which
    otherwise is a run-time value.

    ```mlir
    amk.program @tiny target <"sm_90a"> {
      %x = amk.buffer "x" activation : memref<64xf32>
      %e = amk.event "done"
      amk.task "t0" signals %e {
      }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       OptionalAttr<AMK_TargetAttr>:$target,
                       OptionalAttr<I64Attr>:$position);
  let regions = (region SizedRegion<1>:$bodyRegion);
  let assemblyFormat = [{
    $sym_name (`target` $target^)? (`position` $position^)? attr-dict-with-keyword
    $bodyRegion
  }];
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name)>
  ];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def AMK_BufferOp : AMK_Op<"buffer", [
    HasParent<"ProgramOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "A named tensor of the decode step";
  let description = [{
    A buffer with a kind, an element type and a static shape (the memref
    type). A weight carries the state-dict key it is loaded from; a
    transient buffer may be placed on a scratch page shared with others.

    ```mlir
    %w = amk.buffer "wq0" weight key "model.layers.0.self_attn.q_proj.weight"
           : memref<64x64xbf16>
    %h = amk.buffer "h" scratch page %p0 : memref<64xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, AMK_BufferKind:$kind,
                       OptionalAttr<StrAttr>:$key,
                       Optional<AMK_PageType>:$page);
  let results = (outs AnyMemRef:$result);
  let assemblyFormat = [{
    custom<Name>($name) $kind (`key` $key^)? (`page` $page^)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The memref type of the buffer.
    ::mlir::MemRefType getType() {
      return ::llvm::cast<::mlir::MemRefType>(getResult().getType());
    }
    /// True for kinds that hold garbage at the start of a step.
    bool isTransient() {
      return getKind() == BufferKind::Activation ||
             getKind() == BufferKind::Scratch;
    }
    /// True for kinds nothing may write during a step.
    bool isReadOnly() {
      return getKind() == BufferKind::Weight ||
             getKind() == BufferKind::Const || getKind() == BufferKind::Input;
    }
  }];
}

def AMK_PageOp : AMK_Op<"page", [
    HasParent<"ProgramOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "A scratch page several transient buffers may share";
  let description = [{
    A block of global scratch memory. Buffers placed on the same page alias.
    `live` optionally records the task index range the allocator computed.

    ```mlir
    %p0 = amk.page "p0" bytes 8192 live [3, 9)
    ```
  }];
  let arguments = (ins StrAttr:$name, I64Attr:$bytes,
                       OptionalAttr<AMK_IntervalAttr>:$live);
  let results = (outs AMK_PageType:$result);
  let assemblyFormat = [{
    custom<Name>($name) `bytes` $bytes (`live` custom<Interval>($live)^)? attr-dict
  }];
  let hasVerifier = 1;
}

def AMK_EventOp : AMK_Op<"event", [
    HasParent<"ProgramOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "A monotonic counter";
  let description = [{
    A counter that starts at `init` (0 unless given), is incremented by 1 by
    every task that signals it and is waited on with static thresholds.

    ```mlir
    %e0 = amk.event "l0.qkv"
    %e1 = amk.event "seeded" init 1
    ```
  }];
  let arguments = (ins StrAttr:$name, DefaultValuedAttr<I64Attr, "0">:$init);
  let results = (outs AMK_EventType:$result);
  let assemblyFormat = "custom<Name>($name) (`init` $init^)? attr-dict";
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name, CArg<"int64_t", "0">:$init), [{
      build($_builder, $_state, EventType::get($_builder.getContext()),
            $_builder.getStringAttr(name), $_builder.getI64IntegerAttr(init));
    }]>
  ];
  let hasVerifier = 1;
}

def AMK_TaskOp : AMK_Op<"task", [
    HasParent<"ProgramOp">, NoTerminator, SingleBlock]> {
  let summary = "A unit of scheduling: waits, a body of compute ops, one signal";
  let description = [{
    Waits until every `(event, threshold)` pair holds (`count >= threshold`),
    runs its body and then increments its one signalled event. After worker
    assignment, `worker` is the persistent block that runs it and `queue` its
    position in that worker's queue. An empty body is a no-op task.

    ```mlir
    amk.task "l0.q.t0" waits(%e0 >= 1, %e1 >= 4) signals %e2 worker 3 queue 0 {
      amk.gemv %wq, %xn -> %q cols [0, 16) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<AMK_EventType>:$waits,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$thresholds,
                       AMK_EventType:$signal,
                       OptionalAttr<I64Attr>:$worker,
                       OptionalAttr<I64Attr>:$queue);
  let regions = (region SizedRegion<1>:$bodyRegion);
  // `NAME (waits(%e >= N, ...))? signals %e (worker N)? (queue N)?
  // (attributes {...})? {body}`, written by hand: the declarative format's
  // attr-dict prints `getAttrs()`, which builds (and keeps, uniqued) a
  // dictionary of every task's properties; a task's name makes each one
  // distinct (11 MB for the 8B schedule's 72k tasks).
  let hasCustomAssemblyFormat = 1;
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name, "::mlir::ValueRange":$waits,
                   "::llvm::ArrayRef<int64_t>":$thresholds,
                   "::mlir::Value":$signal)>
  ];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The body block, created on demand so that builders can always append.
    ::mlir::Block &getBodyBlock();
    /// Calls `fn` with every compute op of the body and each region it
    /// reads or writes, in body order.
    void forEachAccess(::llvm::function_ref<void(::mlir::Operation *,
                                                 const Access &)> fn);
    /// The body's only op when the body has exactly one op of type `OpTy`,
    /// else null.
    template <typename OpTy>
    OpTy getSingleOp() {
      ::mlir::Block &body = getBodyBlock();
      return ::llvm::hasSingleElement(body) ? ::llvm::dyn_cast<OpTy>(body.front())
                                            : OpTy();
    }
  }];
}

def AMK_BarrierOp : AMK_Op<"barrier", [HasParent<"ProgramOp">]> {
  let summary = "A grid-wide join placed in every worker's queue";
  let description = [{
    `slots[w]` is the barrier's position in worker `w`'s queue. Nothing after
    it on any worker starts before everything before it on every worker has
    finished. Whether the slots are consistent across workers is a question
    for `--amk-validate`.

    ```mlir
    amk.barrier "layer0" slots [2, 2, 3, 2]
    ```
  }];
  let arguments = (ins StrAttr:$name, DenseI64ArrayAttr:$slots);
  let assemblyFormat = "custom<Name>($name) `slots` $slots attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Compute ops
//===----------------------------------------------------------------------===//

/// Base class of ops that may appear in a task body. Activation-like
/// operands are "vectors": memrefs whose dimensions are all 1 but the last.
/// `accessMethods` names the AccessOpInterface methods with a default the op
/// overrides (e.g. `allowsInPlace`).
class AMK_ComputeOp<string mnemonic, list<Trait> traits = [],
                    list<string> accessMethods = []>
    : AMK_Op<mnemonic, traits # [
        HasParent<"TaskOp">,
        DeclareOpInterfaceMethods<AMK_AccessOpInterface, accessMethods>]> {
  let hasVerifier = 1;
}

def AMK_EmbedOp : AMK_ComputeOp<"embed"> {
  let summary = "Looks up the embedding row of a token id";
  let description = [{
    `output = table[token[0]]`. `table` is `[vocab, hidden]`, `token` a
    one-element `i32` vector. The row read depends on the token, so the op
    reports the whole table as read.

    ```mlir
    amk.embed %table[%tok] -> %x : memref<256x64xbf16>, memref<1xi32>, memref<64xf32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$table, AMK_BufferValue:$token,
                       AMK_BufferValue:$output);
  let assemblyFormat = [{
    $table `[` $token `]` `->` $output attr-dict `:` type(operands)
  }];
}

def AMK_RMSNormOp : AMK_ComputeOp<"rmsnorm", [], ["allowsInPlace"]> {
  let summary = "RMS normalization, of the whole vector or per head";
  let description = [{
    `output = input / sqrt(mean(input^2) + eps) * weight`. Without
    `head_dim` the whole vector is one row and `weight` has its length. With
    `head_dim D` (q/k norm) every run of D elements is a row normalized with
    the `[D]` weight; `heads` restricts the op to a range of those rows.

    ```mlir
    amk.rmsnorm %x, %g -> %xn eps 1.0e-05 : memref<64xf32>, memref<64xbf16>, memref<64xf32>
    amk.rmsnorm %q, %qn -> %q eps 1.0e-06 head_dim 16 heads [0, 2)
      : memref<64xf32>, memref<16xbf16>, memref<64xf32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$input, AMK_BufferValue:$weight,
                       AMK_BufferValue:$output, F64Attr:$eps,
                       OptionalAttr<I64Attr>:$head_dim,
                       OptionalAttr<AMK_IntervalAttr>:$heads);
  let assemblyFormat = [{
    $input `,` $weight `->` $output `eps` $eps (`head_dim` $head_dim^)?
    (`heads` custom<Interval>($heads)^)? attr-dict `:` type(operands)
  }];
}

def AMK_GemvOp : AMK_ComputeOp<"gemv", [AttrSizedOperandSegments],
                              ["allowsInPlace"]> {
  let summary = "Matrix-vector product over a range of output columns";
  let description = [{
    For every column `n` in `cols` (all of them when absent):
    `output[n] = sum_k weight[n, k] * input[k] (+ bias[n]) (+ residual[n])`.
    `weight` is `[N, K]` as stored by HuggingFace (`out = x @ W.T`).
    `residual` fuses a residual add into the projection tile.

    ```mlir
    amk.gemv %wq, %xn -> %q cols [0, 32) bias %bq
      : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>, memref<64xbf16>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$weight, AMK_BufferValue:$input,
                       AMK_BufferValue:$output,
                       Optional<AMK_BufferValue>:$bias,
                       Optional<AMK_BufferValue>:$residual,
                       OptionalAttr<AMK_IntervalAttr>:$cols);
  let assemblyFormat = [{
    $weight `,` $input `->` $output (`cols` custom<Interval>($cols)^)?
    (`bias` $bias^)? (`residual` $residual^)? attr-dict `:` type(operands)
  }];
}

def AMK_RopeOp : AMK_ComputeOp<"rope", [], ["allowsInPlace"]> {
  let summary = "Rotary position embedding over a range of heads";
  let description = [{
    Rotates every head (`head_dim` elements, HuggingFace's rotate-half
    layout) of `input` by the angle `pos * inv_freq`, with the default
    frequencies `theta^(-2i/head_dim)` or the `llama3` scaled ones. `heads`
    restricts the op to a range of heads. `input` and `output` may be the
    same buffer.

    ```mlir
    amk.rope %q, %pos -> %q head_dim 16 theta 5.0e+05 heads [0, 2)
      llama3 <factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0,
              original_max_position = 64>
      : memref<64xf32>, memref<1xi32>, memref<64xf32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$input, AMK_BufferValue:$position,
                       AMK_BufferValue:$output, I64Attr:$head_dim,
                       F64Attr:$theta, OptionalAttr<AMK_IntervalAttr>:$heads,
                       OptionalAttr<AMK_Llama3RopeAttr>:$llama3);
  let assemblyFormat = [{
    $input `,` $position `->` $output `head_dim` $head_dim `theta` $theta
    (`heads` custom<Interval>($heads)^)? (`llama3` $llama3^)? attr-dict
    `:` type(operands)
  }];
}

def AMK_KVAppendOp : AMK_ComputeOp<"kv_append"> {
  let summary = "Stores this step's key or value heads into a KV cache row";
  let description = [{
    `cache[row, h, :] = input[h * D : (h + 1) * D]` for every KV head `h` in
    `heads` (all when absent). `cache` is `[rows, kv_heads, D]`; `row` is the
    decode position unless a constant `row` is given.

    ```mlir
    amk.kv_append %k, %pos -> %kc heads [0, 2)
      : memref<32xf32>, memref<1xi32>, memref<128x2x16xbf16>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$input, AMK_BufferValue:$position,
                       AMK_BufferValue:$cache,
                       OptionalAttr<AMK_IntervalAttr>:$heads,
                       OptionalAttr<I64Attr>:$row);
  let assemblyFormat = [{
    $input `,` $position `->` $cache (`heads` custom<Interval>($heads)^)?
    (`row` $row^)? attr-dict `:` type(operands)
  }];
}

def AMK_AttentionOp : AMK_ComputeOp<"attention"> {
  let summary = "Decode attention over a range of query heads and KV rows";
  let description = [{
    For each query head in `heads` (all when absent), attends over the KV
    rows in `kv` that are at most the decode position (rows above it are
    masked). Caches are `[rows, kv_heads, D]`; query head `h` uses KV head
    `h / (heads / kv_heads)`. The full form writes the normalized result into
    the `[heads * D]` vector `output`. The partial form (split-KV) writes the
    unnormalized result into slot `slot` of `output` (`[splits, heads * D]`)
    and the running max and sum into `stats` (`[splits, heads, 2]`), for an
    `amk.attention_combine`. The packed partial form (the paper tool's
    split-KV shard) writes, for every query head `h`, the unnormalized result
    followed by the running max and sum into elements
    `[h * (D + 2), (h + 1) * (D + 2))` of `output`, for an
    `amk.attention_merge`.

    ```mlir
    amk.attention %q, %kc, %vc, %pos -> %o kv [0, pos + 1) scale 0.25
      : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<64xf32>
    amk.attention %q, %kc, %vc, %pos -> %op partial %st slot 1 heads [0, 4) kv [64, 128) scale 0.25
      : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<2x64xf32>, memref<2x4x2xf32>
      amk.attention %q, %kc, %vc, %pos -> %p0 packed kv [0, 16) scale 0.25
      : memref<64xf32>, memref<128x2x16xbf16>, memref<128x2x16xbf16>, memref<1xi32>, memref<72xf32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$query, AMK_BufferValue:$key_cache,
                       AMK_BufferValue:$value_cache, AMK_BufferValue:$position,
                       AMK_BufferValue:$output,
                       Optional<AMK_BufferValue>:$stats,
                       OptionalAttr<I64Attr>:$slot,
                       OptionalAttr<AMK_IntervalAttr>:$heads,
                       AMK_IntervalAttr:$kv, F64Attr:$scale,
                       OptionalAttr<I64Attr>:$window, UnitAttr:$packed);
  let assemblyFormat = [{
    $query `,` $key_cache `,` $value_cache `,` $position `->` $output
    (`partial` $stats^ `slot` $slot)? (`packed` $packed^)?
    (`heads` custom<Interval>($heads)^)?
    `kv` custom<Interval>($kv) `scale` $scale (`window` $window^)? attr-dict
    `:` type(operands)
  }];
  let extraClassDeclaration = [{
    /// Checks output/stats/slot of the full or partial form, given the
    /// query's `width` (heads * head_dim).
    ::mlir::LogicalResult verifyPartialForm(int64_t width);
    /// Checks `kv` against the caches' `rows`.
    ::mlir::LogicalResult verifyKVRange(int64_t rows);
  }];
}

def AMK_AttentionCombineOp : AMK_ComputeOp<"attention_combine"> {
  let summary = "Merges split-KV partial attention results";
  let description = [{
    For each head in `heads` (all when absent), combines the `splits` partial
    results and statistics written by partial `amk.attention` ops into the
    normalized `[heads * D]` output.

    ```mlir
    amk.attention_combine %op, %st -> %o : memref<2x64xf32>, memref<2x4x2xf32>, memref<64xf32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$partial, AMK_BufferValue:$stats,
                       AMK_BufferValue:$output,
                       OptionalAttr<AMK_IntervalAttr>:$heads);
  let assemblyFormat = [{
    $partial `,` $stats `->` $output (`heads` custom<Interval>($heads)^)?
    attr-dict `:` type(operands)
  }];
}

def AMK_AttentionMergeOp : AMK_ComputeOp<"attention_merge"> {
  let summary = "Merges packed split-KV partial attention results";
  let description = [{
    Each partial is the `[heads * (D + 2)]` vector a packed partial
    `amk.attention` writes (per head: D unnormalized values, the running max,
    the running sum). For every head, rescales the partials to their common
    max and writes the normalized `[heads * D]` result into `output`. A
    partial with a zero sum (an empty KV range) contributes nothing.

    ```mlir
    amk.attention_merge %p0, %p1 -> %o : memref<72xf32>, memref<72xf32> -> memref<64xf32>
    ```
  }];
  let arguments = (ins Variadic<AMK_BufferValue>:$partials,
                       AMK_BufferValue:$output);
  let assemblyFormat = [{
    $partials `->` $output attr-dict `:` type($partials) `->` type($output)
  }];
  let extraClassDeclaration = [{
    /// Number of heads: the partials hold two more values per head than the
    /// output.
    int64_t getNumHeads();
  }];
}

/// Elementwise ops over two vectors and a column range.
class AMK_BinaryOp<string mnemonic, string formula>
    : AMK_ComputeOp<mnemonic, [], ["allowsInPlace"]> {
  let summary = "Elementwise `" # formula # "` over a range of columns";
  let arguments = (ins AMK_BufferValue:$lhs, AMK_BufferValue:$rhs,
                       AMK_BufferValue:$output,
                       OptionalAttr<AMK_IntervalAttr>:$cols);
  let assemblyFormat = [{
    $lhs `,` $rhs `->` $output (`cols` custom<Interval>($cols)^)? attr-dict
    `:` type(operands)
  }];
}

def AMK_SiluMulOp : AMK_BinaryOp<"silu_mul", "output = silu(lhs) * rhs"> {
  let description = [{
    The SwiGLU gate: `output[n] = silu(lhs[n]) * rhs[n]` for `n` in `cols`.

    ```mlir
    amk.silu_mul %gate, %up -> %act cols [0, 64) : memref<128xf32>, memref<128xf32>, memref<128xf32>
    ```
  }];
}

def AMK_AddOp : AMK_BinaryOp<"add", "output = lhs + rhs"> {
  let description = [{
    The residual add: `output[n] = lhs[n] + rhs[n]` for `n` in `cols`.

    ```mlir
    amk.add %x, %o -> %x : memref<64xf32>, memref<64xf32>, memref<64xf32>
    ```
  }];
}

def AMK_ArgmaxOp : AMK_ComputeOp<"argmax"> {
  let summary = "Index of the largest logit";
  let description = [{
    Writes the index of the largest element of `logits` (the lowest index on
    ties) into the one-element `i32` vector `token`.

    ```mlir
    amk.argmax %logits -> %next : memref<256xf32>, memref<1xi32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$logits, AMK_BufferValue:$token);
  let assemblyFormat = "$logits `->` $token attr-dict `:` type(operands)";
}

def AMK_ArgmaxPartialOp : AMK_ComputeOp<"argmax_partial"> {
  let summary = "Largest logit of one tile, for a later argmax_reduce";
  let description = [{
    Writes the largest value of `logits[cols]` into `values[slot]` and its
    index into `indices[slot]`.

    ```mlir
    amk.argmax_partial %logits -> %vals, %idx slot 1 cols [128, 256)
      : memref<256xf32>, memref<2xf32>, memref<2xi32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$logits, AMK_BufferValue:$values,
                       AMK_BufferValue:$indices, I64Attr:$slot,
                       OptionalAttr<AMK_IntervalAttr>:$cols);
  let assemblyFormat = [{
    $logits `->` $values `,` $indices `slot` $slot
    (`cols` custom<Interval>($cols)^)? attr-dict `:` type(operands)
  }];
}

def AMK_ArgmaxReduceOp : AMK_ComputeOp<"argmax_reduce"> {
  let summary = "Combines per-tile argmax partials into the next token";
  let description = [{
    Picks the slot with the largest value (lowest index on ties) and writes
    its index into `token`.

    ```mlir
    amk.argmax_reduce %vals, %idx -> %next : memref<2xf32>, memref<2xi32>, memref<1xi32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$values, AMK_BufferValue:$indices,
                       AMK_BufferValue:$token);
  let assemblyFormat = [{
    $values `,` $indices `->` $token attr-dict `:` type(operands)
  }];
}

def AMK_CopyOp : AMK_ComputeOp<"copy", [], ["allowsInPlace"]> {
  let summary = "Copies a buffer, or a column range of a vector";
  let description = [{
    Without `cols`, copies the whole `source` into `output` (same shape).
    With `cols`, both are vectors of the same length and only those columns
    are copied. Element types may differ (the value is converted).

    ```mlir
    amk.copy %x -> %y cols [0, 32) : memref<64xf32>, memref<64xf32>
    ```
  }];
  let arguments = (ins AMK_BufferValue:$source, AMK_BufferValue:$output,
                       OptionalAttr<AMK_IntervalAttr>:$cols);
  let assemblyFormat = [{
    $source `->` $output (`cols` custom<Interval>($cols)^)? attr-dict
    `:` type(operands)
  }];
}

def AMK_OpaqueOp : AMK_ComputeOp<"opaque", [AttrSizedOperandSegments]> {
  let summary = "An op AMK cannot lower, kept so a schedule can be validated";
  let description = [{
    Imported schedules may contain ops AMK has no compute op for (GELU,
    softmax, ...). An opaque op keeps the kind and parameters so nothing is
    lost on export, and conservatively reads every input and writes every
    output whole. Lowering refuses it.

    ```mlir
    amk.opaque "GELU" ins(%a) outs(%b) params {approximate = "tanh"}
      : memref<64xf32>, memref<64xf32>
    ```
  }];
  let arguments = (ins StrAttr:$op_kind, Variadic<AMK_BufferValue>:$inputs,
                       Variadic<AMK_BufferValue>:$outputs,
                       OptionalAttr<DictionaryAttr>:$params);
  let assemblyFormat = [{
    $op_kind (`ins` `(` $inputs^ `)`)? `outs` `(` $outputs `)`
    (`params` $params^)? attr-dict `:` type(operands)
  }];
}

#endif // AMK_DIALECT_AMK_IR_AMKOPS_TD
