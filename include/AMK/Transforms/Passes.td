//===- Passes.td - Passes on amk.program -------------------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_TRANSFORMS_PASSES_TD
#define AMK_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Validate : Pass<"amk-validate", "::mlir::amk::ProgramOp"> {
  let summary = "Certify an amk.program deadlock-free and race-free";
  let description = [{
    Checks the schedule semantics of docs/design.md §2-3 exactly, at any
    size, using only AccessOpInterface: satisfiable waits, an acyclic graph of event,
    queue and barrier edges (and, with partial waits, a simulated run that
    finishes every task), every conflicting access pair ordered by
    happens-before (a partial wait orders only the producers it determines;
    `partial-waits=strict` rejects the others), no read of unwritten
    transient data, no writes to weights, consts or inputs, every output
    written, every region and worker in bounds. Rejections carry a witness.
  }];
  let options = [
    Option<"maxDiagnostics", "max-diagnostics", "unsigned", /*default=*/"20",
           "Report at most this many violations (the total is always given)">,
    Option<"printStats", "stats", "bool", /*default=*/"false",
           "On acceptance, print tasks, events, edges and the critical path "
           "(time it with -mlir-timing)">,
    Option<"partialWaits", "partial-waits", "::mlir::amk::PartialWaits",
           /*default=*/"::mlir::amk::kDefaultPartialWaits",
           "What a partial wait that happens-before does not resolve means "
           "(docs/design.md §3): exact (the default) judges the accesses "
           "that depend on it, strict rejects it",
           [{::mlir::amk::partialWaitsValues()}]>,
    Option<"steps", "steps", "int64_t", /*default=*/"1",
           "Decode steps one launch runs, separated by a grid barrier "
           "(docs/validator.md, \"Several steps per launch\")">
  ];
  let statistics = [
    Statistic<"numTasks", "tasks", "Tasks of the certified programs">,
    Statistic<"numAccesses", "accesses",
              "Accesses of the certified programs">,
    Statistic<"numEdges", "edges", "Happens-before edges of the certified "
              "programs">,
    Statistic<"numRejected", "rejected", "Programs rejected">
  ];
}

//===----------------------------------------------------------------------===//
// Scheduling passes (docs/scheduling.md)
//===----------------------------------------------------------------------===//

def SetTarget : Pass<"amk-set-target", "::mlir::amk::ProgramOp"> {
  let summary = "Attach an #amk.target chip record to the amk.program";
  let description = [{
    Sets the `target` of the program to the built-in record of `chip`'s
    product `product` (empty: the architecture's first, e.g. H100-SXM for
    sm_90a; H200 is the other sm_90a part with 4.8 TB/s), optionally with
    fewer or more SMs (`sms`, 0 keeps the product's count).
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90a\"",
           "Architecture: sm_80, sm_90a, sm_100a, sm_120a">,
    Option<"product", "product", "std::string", /*default=*/"\"\"",
           "Product of the architecture (A100-80GB, A100-40GB; H100-SXM, "
           "H100-PCIe, H200; B200; RTX-5090); empty = the architecture's "
           "first">,
    Option<"sms", "sms", "int64_t",
           /*default=*/"::mlir::amk::knobs::kSms.defaultValue",
           "Workers (SMs) to schedule for; 0 = the chip's SM count">
  ];  // The pass creates #amk.target even in a module with no program.
  let dependentDialects = ["::mlir::amk::AMKDialect"];
}

def Tile : Pass<"amk-tile", "::mlir::amk::ProgramOp"> {
  let summary = "Split GEMVs into column tiles, attention into head groups "
                "and KV blocks, argmax into per-tile partials";
  let description = [{
    Every task whose body is one whole GEMV becomes one task per column
    tile; all tiles signal the original event and every wait on it becomes
    an all-join over the tiles. Tile widths are per projection kind, in
    columns; 0 derives them from the target (an even share of the weight
    bytes per worker, at most one shared-memory load per tile). Q/K/V
    tiles are aligned to heads. Attention becomes one task per head group
    and KV block (partial form) plus one `amk.attention_combine` per head
    group; argmax becomes `amk.argmax_partial` per LM-head tile plus
    `amk.argmax_reduce`.
  }];
  let options = [
    Option<"qkvCols", "qkv-cols", "int64_t",
           /*default=*/"::mlir::amk::knobs::kQkvCols.defaultValue",
           "Columns per Q/K/V projection tile (0 = derive)">,
    Option<"oCols", "o-cols", "int64_t",
           /*default=*/"::mlir::amk::knobs::kOCols.defaultValue",
           "Columns per O projection tile (0 = derive)">,
    Option<"gateUpCols", "gate-up-cols", "int64_t",
           /*default=*/"::mlir::amk::knobs::kGateUpCols.defaultValue",
           "Columns per gate/up projection tile (0 = derive)">,
    Option<"downCols", "down-cols", "int64_t",
           /*default=*/"::mlir::amk::knobs::kDownCols.defaultValue",
           "Columns per down projection tile (0 = derive)">,
    Option<"lmHeadCols", "lm-head-cols", "int64_t",
           /*default=*/"::mlir::amk::knobs::kLmHeadCols.defaultValue",
           "Columns per LM-head tile (0 = derive)">,
    Option<"attnHeads", "attn-heads", "int64_t",
           /*default=*/"::mlir::amk::knobs::kAttnHeads.defaultValue",
           "Query heads per attention task (0 = one KV head's group)">,
    Option<"kvBlock", "kv-block", "int64_t",
           /*default=*/"::mlir::amk::knobs::kKvBlock.defaultValue",
           "KV rows per attention split (0 = derive from the target)">
  ];
  let statistics = [
    Statistic<"numTasksAdded", "tasks-added",
              "Tasks added by tiling (tiles minus the tasks they replace)">
  ];
}

def Fuse : Pass<"amk-fuse", "::mlir::amk::ProgramOp"> {
  let summary = "Merge ops into tile tasks where that removes a sync";
  let description = [{
    Pairs gate/up tiles of the same columns, distributes whole-vector
    consumers that work per column or per head (RoPE, q/k norm, KV append,
    residual add, SiLU-mul) into the tiles producing their input, folds a
    residual add into the GEMV's `residual` operand, merges argmax partials
    into their LM-head tiles, recomputes whole-vector RMSNorms inside
    every consumer task into a task-private scratch buffer, and splits
    events so that each waiter joins only the producers it may conflict
    with (e.g. an attention head group its own Q/K/V tiles).
  }];
  let options = [
    Option<"norm", "norm", "bool", /*default=*/"true",
           "Recompute RMSNorm inside its consumer tasks">,
    Option<"distribute", "distribute", "bool", /*default=*/"true",
           "Distribute per-column/per-head consumers into producer tiles">,
    Option<"gateUp", "gate-up", "bool", /*default=*/"true",
           "Merge gate and up tiles of the same columns">,
    Option<"residual", "residual", "bool", /*default=*/"true",
           "Fold residual adds into the GEMV residual operand">,
    Option<"argmax", "argmax", "bool", /*default=*/"true",
           "Merge argmax partials into their LM-head tiles">,
    Option<"splitEvents", "split-events", "bool", /*default=*/"true",
           "Split an event so that each waiter joins only the producers its "
           "accesses may conflict with">
  ];
  let statistics = [
    Statistic<"numTasksRemoved", "tasks-removed",
              "Tasks whose work moved into other tasks">
  ];
}

def AssignWorkers : Pass<"amk-assign-workers", "::mlir::amk::ProgramOp"> {
  let summary = "Give every task a worker and a queue position";
  let description = [{
    List scheduling over a topological order of the event graph, so queue
    order never contradicts event order (no cross-queue deadlock). The cost
    of a task is `task-ns` plus its bytes over one worker's share of HBM
    bandwidth; a wait costs `sync-ns`.
  }];
  let options = [
    Option<"strategy", "strategy", "::mlir::amk::AssignStrategy",
           /*default=*/"::mlir::amk::knobs::kDefaultStrategy",
           "How tasks are ordered and placed",
           [{::mlir::amk::strategyValues()}]>,
    Option<"syncNs", "sync-ns", "int64_t",
           /*default=*/"::mlir::amk::knobs::kSyncNs.defaultValue",
           "Cost of one wait in nanoseconds">,
    Option<"taskNs", "task-ns", "int64_t",
           /*default=*/"::mlir::amk::knobs::kTaskNs.defaultValue",
           "Fixed cost of one task in nanoseconds, on top of its bytes">
  ];
}

def AllocateScratch : Pass<"amk-allocate-scratch", "::mlir::amk::ProgramOp"> {
  let summary = "Place transient buffers on shared scratch pages";
  let description = [{
    Interval colouring over a topological task order: two activation or
    scratch buffers share an `amk.page` only when every access of one
    happens before every access of the other in the assigned schedule.
    Needs assigned workers.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print buffers, pages and bytes (the statistics below are no-ops "
           "with an LLVM built without LLVM_ENABLE_STATS)">
  ];
  let statistics = [
    Statistic<"numBuffers", "buffers", "Transient buffers placed on pages">,
    Statistic<"bufferBytes", "buffer-bytes", "Bytes of those buffers">,
    Statistic<"numPages", "pages", "Scratch pages created">,
    Statistic<"pageBytes", "page-bytes", "Bytes of those pages">
  ];
}

def ScheduleStats : Pass<"amk-schedule-stats", "::mlir::amk::ProgramOp"> {
  let summary = "Print the shape and the cost-model prediction of a schedule";
  let description = [{
    Tasks, events, waits, syncs on the critical path, bytes per worker, the
    weights / bandwidth floor and the cost model's predicted step time
    (never below the floor).
  }];
  let options = [
    Option<"syncNs", "sync-ns", "int64_t",
           /*default=*/"::mlir::amk::knobs::kSyncNs.defaultValue",
           "Cost of one wait in nanoseconds">,
    Option<"taskNs", "task-ns", "int64_t",
           /*default=*/"::mlir::amk::knobs::kTaskNs.defaultValue",
           "Fixed cost of one task in nanoseconds, on top of its bytes">,
    Option<"json", "json", "bool", /*default=*/"false",
           "Print one JSON object instead of text">,
    Option<"position", "position", "int64_t", /*default=*/"-1",
           "Decode position the costs are computed at (-1 = the program's "
           "pinned position, else 0): attention reads the KV rows up to it">
  ];
}

#endif // AMK_TRANSFORMS_PASSES_TD
