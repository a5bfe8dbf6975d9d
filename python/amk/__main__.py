"""python -m amk: compile, validate, run, bench and check from the shell.

Exit codes follow the C++ tools: compile and validate exit like amk-opt
(0 success / certified, 1 failure / rejected or bad input); run, bench and
check like amk-run (1 bad command line, 2 bad input or failed run,
3 watchdog / deadlock, 4 tokens differ from the reference).
"""
import argparse
import json
import os
import sys
import tempfile

from . import progress, reference
from .compiler import Kernel, compile as compile_model, validate
from .errors import AmkError, CompileError, RunError
from .runtime import Megakernel

USAGE, BAD_INPUT, WATCHDOG, MISMATCH = 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    """argparse with amk-run's usage exit code (1, not argparse's 2)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(USAGE, "%s: error: %s\n" % (self.prog, message))


#: The progress lines of the running command (main sets it from the flags).
_progress = progress.Progress(enabled=False)


def _ids(text):
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            "%r is not a comma-separated list of token ids" % text)
    if not ids or min(ids) < 0:
        raise argparse.ArgumentTypeError(
            "%r is not a list of non-negative token ids" % text)
    return ids


def _knob(text):
    if "=" not in text:
        raise argparse.ArgumentTypeError("knob %r is not KEY=VALUE" % text)
    return tuple(text.split("=", 1))


def _add_compile_options(parser):
    parser.add_argument("--chip", default="sm_90a",
                        help="target chip (default sm_90a)")
    parser.add_argument("--kv-rows", type=int, help="KV cache rows per layer")
    parser.add_argument("--kv-dtype", help="KV cache element type")
    parser.add_argument("--block-size", type=int,
                        help="threads per worker block")
    parser.add_argument("--knob", type=_knob, action="append", default=[],
                        metavar="KEY=VALUE",
                        help="an --amk-compile knob (sms, qkv-cols, "
                             "strategy, ...); repeatable")


def _compile_args(args, out_dir):
    return dict(chip=args.chip, out_dir=out_dir, kv_rows=args.kv_rows,
                kv_dtype=args.kv_dtype, block_size=args.block_size,
                progress=_progress, **dict(args.knob))


def _add_session_options(parser, positional=False):
    if positional:
        parser.add_argument("model", metavar="MODEL",
                            help="HuggingFace checkpoint folder")
    else:
        parser.add_argument("--model", required=True, metavar="DIR",
                            help="HuggingFace checkpoint folder")
    parser.add_argument("--kernel", metavar="X.ptx",
                        help="compiled kernel (manifest beside it); default: "
                             "compile --model now into a temporary folder")
    parser.add_argument("--cpu", action="store_true",
                        help="execute the task table on the CPU")
    parser.add_argument("--max-seq", type=int, default=4096,
                        help="KV rows to allocate (capped at the compiled "
                             "rows)")
    parser.add_argument("--timeout-ms", type=int, default=2000,
                        help="watchdog bound on one wait (0 = never)")
    _add_compile_options(parser)


def _open(args):
    if args.kernel:
        kernel = Kernel.load(args.kernel)
    else:
        kernel = compile_model(args.model, **_compile_args(
            args, tempfile.mkdtemp(prefix="amk-")))
    return Megakernel(kernel, args.model, max_seq=args.max_seq,
                      device="cpu" if args.cpu else "cuda",
                      timeout_ms=args.timeout_ms)


def _latency_line(session, steps):
    device = "the CPU" if session.device == "cpu" else "the GPU"
    return "latency: median %.4f ms per step over %d steps on %s" % (
        session.latency_ms or 0.0, steps, device)


def cmd_compile(args):
    kernel = compile_model(args.model, **_compile_args(args, args.out_dir))
    if args.json:
        print(json.dumps({"ptx": kernel.ptx,
                          "manifest": kernel.manifest_path,
                          "stats": kernel.stats}))
    else:
        print("ptx: " + kernel.ptx)
        print("manifest: " + kernel.manifest_path)
        for key in sorted(kernel.stats):
            print("%s: %s" % (key, kernel.stats[key]))
    return 0


def cmd_validate(args):
    report = validate(args.schedule, partial_waits=args.partial_waits,
                      max_diagnostics=args.max_diagnostics)
    print(report)
    return 0 if report.certified else 1


def cmd_run(args):
    codec = None
    if args.text is not None:
        from . import text
        codec = text.load(args.model)
        prompt = (codec.chat([{"role": "user", "content": args.text}])
                  if args.chat else codec.encode(args.text))
    elif args.chat:
        raise AmkError("--chat needs --text")
    else:
        prompt = args.prompt
    with _open(args) as session:
        tokens = session.generate(prompt, args.max_new_tokens)
        print("tokens: " + ",".join(str(t) for t in tokens))
        if codec is not None:
            print("text: " + codec.decode(tokens))
        print(_latency_line(session, len(prompt) + args.max_new_tokens))
    return 0


def cmd_bench(args):
    ref = _reference(args, None, reference.STEPS) if args.check else None
    with _open(args) as session:
        if ref:
            code = _check(session, ref)
            if code:
                return code
        session.generate(args.prompt, args.steps)
        print(_latency_line(session, len(args.prompt) + args.steps))
        if session.latency_ms:
            print("tokens/s: %.1f" % (1000.0 / session.latency_ms))
    return 0


def _add_reference_options(parser):
    parser.add_argument("--golden", metavar="GOLDEN.json",
                        help="check against this golden.json instead of a "
                        "reference made on the spot")
    parser.add_argument("--reference", choices=reference.SOURCES,
                        default="auto", help="how the reference is made "
                        "without --golden: transformers in fp32, the CPU "
                        "reference executor on the naive program, or auto "
                        "(transformers when importable; default)")


def _add_cache_option(parser):
    parser.add_argument("--work-dir", metavar="DIR", help="where references "
                        "made on the spot are cached (default $AMK_CACHE, "
                        "else ~/.cache/amk)")


def _reference(args, prompt, steps):
    """The Reference of check and bench --check: --golden, else made now
    (or cached) for ``prompt`` (None: the default) and ``steps`` tokens."""
    if args.golden:
        ref = reference.given(args.golden)
        if prompt and prompt != ref.prompt:
            raise AmkError("--prompt differs from the prompt of --golden %s"
                           % args.golden)
        ref = ref._replace(tokens=ref.tokens[:steps])
    else:
        ref = reference.make(args.model, args.work_dir or
                             reference.default_cache_dir(), prompt=prompt,
                             steps=steps, source=args.reference,
                             progress=_progress)
    _progress(reference.describe(ref))
    return ref


def _check(session, ref):
    """Greedy tokens of ``session`` against the Reference ``ref``; prints
    the outcome and returns 0 or MISMATCH."""
    tokens = session.generate(ref.prompt, len(ref.tokens))
    for i, (got, want) in enumerate(zip(tokens, ref.tokens)):
        if got != want:
            print("mismatch at new token %d: megakernel %d, %s %d"
                  % (i, got, ref.label, want))
            print("tokens: " + ",".join(str(t) for t in tokens))
            return MISMATCH
    print("ok: %d tokens match %s" % (len(ref.tokens), ref.label))
    return 0


def cmd_check(args):
    ref = _reference(args, args.prompt, args.max_new_tokens)
    with _open(args) as session:
        return _check(session, ref)


def _print_summary(summary, as_json):
    if as_json:
        print(json.dumps(summary, sort_keys=True))
        return
    kind = summary.get("time_kind") or "none"
    if summary.get("reference"):
        print("reference: %s" % summary["reference"])
    print("trials: %d (%s)" % (summary["trials"], ", ".join(
        "%s %d" % item for item in sorted(summary["verdicts"].items()))))
    print("rejected as unsafe: %d" % summary["rejected_unsafe"])
    if "default" in summary:
        print("default: %.3f us (%s)" % (summary["default"]["time_us"], kind))
    if "best" in summary:
        print("best: trial %d, %.3f us (%s), config %s" % (
            summary["best"]["trial"], summary["best"]["time_us"], kind,
            json.dumps(summary["best"]["config"], sort_keys=True)))
    for key in sorted(summary):
        if key.startswith("speedup_vs_"):
            print("%s: %.3fx (%s)" % (key, summary[key], kind))
    if summary.get("cost_model"):
        print("cost model: %s" % json.dumps(summary["cost_model"],
                                            sort_keys=True))
    if summary.get("out"):
        print("best config: " + summary["out"])


def cmd_tune(args):
    from . import tune
    summary, _ = tune.tune(
        args.model, chip=args.chip, budget=args.budget, device=args.device,
        log_path=args.log, out=args.out, proposer=args.proposer,
        golden=args.golden, weights=args.weights, pool=args.pool,
        seed=args.seed, context=args.context, steps=args.steps,
        warmup=args.warmup, cpu_steps=args.cpu_steps,
        bandwidth=args.bandwidth, baseline=args.baseline,
        kv_rows=args.kv_rows, kv_dtype=args.kv_dtype, work_dir=args.work_dir,
        progress=_progress, reference_source=args.reference)
    _print_summary(summary, args.json)
    return 0 if "best" in summary else BAD_INPUT


def cmd_tune_prepare(args):
    from . import tune
    index = tune.prepare(args.model, args.chip, args.budget, args.out_dir,
                         pool=args.pool, seed=args.seed, kv_rows=args.kv_rows,
                         kv_dtype=args.kv_dtype, log_path=args.log,
                         context=args.context, stats_at=args.stats_at,
                         progress=_progress)
    print(json.dumps(index, sort_keys=True))
    return 0 if index["candidates"] else BAD_INPUT


def cmd_tune_measure(args):
    from . import tune
    summaries = tune.measure(
        args.prepared, args.weights, args.golden, contexts=args.contexts,
        device=args.device, log_path=args.log, out=args.out,
        steps=args.steps, warmup=args.warmup, cpu_steps=args.cpu_steps,
        bandwidth=args.bandwidth, baseline=args.baseline, jobs=args.jobs,
        progress=_progress, reference_source=args.reference)
    for summary in summaries:
        print("context %d:" % summary["context"])
        _print_summary(summary, args.json)
    return 0 if all("best" in s for s in summaries) else BAD_INPUT


def cmd_serve(args):
    from . import serve, text
    serve.require_stack()
    if not 0 <= args.port <= 65535 or args.queue < 0:
        raise AmkError("--port must be in [0, 65535] and --queue >= 0")
    _progress("open the megakernel session")
    session = _open(args)
    try:
        try:
            codec = text.load(args.model)
        except AmkError as e:
            codec = None
            print("amk: token ids only: %s" % e, file=sys.stderr, flush=True)
        name = args.name or os.path.basename(os.path.normpath(args.model))
        server = serve.Server(session, name, codec, queue=args.queue,
                              eos_ids=text.eos_ids(args.model))
        _progress("start the HTTP server")
        serve.run(server, args.host, args.port, on_ready=lambda port: print(
            "serving %s on http://%s:%d/v1 (%s, %d KV rows)" % (
                name, args.host, port, "the CPU" if args.cpu else "the GPU",
                session.max_seq), flush=True))
    finally:
        session.close()
    print("stopped", flush=True)
    return 0


def cmd_doctor(args):
    from . import doctor
    lines, ok = doctor.report()
    print("\n".join(lines))
    return 0 if ok else 1


def cmd_mcp(args):
    from . import mcp
    return mcp.serve(sys.stdin, sys.stdout, root=args.root)


def _add_tune_options(parser):
    parser.add_argument("--budget", type=int, default=8,
                        help="proposals after our default (default 8)")
    parser.add_argument("--pool", type=int, default=4,
                        help="candidates scheduled and ranked by the cost "
                             "model per proposal (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log", metavar="RUNS.jsonl",
                        help="append one JSON line per trial; its measured "
                             "trials refit the cost model")
    parser.add_argument("--kv-rows", type=int, help="KV cache rows per layer")
    parser.add_argument("--kv-dtype", help="KV cache element type")


def _add_measure_options(parser):
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                        help="cpu: check on the reference path, rank by the "
                             "cost model; cuda: also check and time on the "
                             "GPU")
    _add_reference_options(parser)
    parser.add_argument("--steps", type=int, default=200,
                        help="timed decode steps (GPU)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cpu-steps", type=int, help="teacher-forced steps "
                        "of the CPU check (default: the whole golden)")
    parser.add_argument("--bandwidth", type=float, help="device read "
                        "bandwidth in bytes/s for the floor (default: "
                        "measured H200 figure, else the chip record)")
    parser.add_argument("--baseline", help="a bench/results row or the "
                        "baseline script's JSON: speedups vs its baselines "
                        "('{context}' in the path stands for the context)")
    parser.add_argument("--json", action="store_true",
                        help="print the summary as one JSON object")


def _parser():
    parser = _Parser(prog="python -m amk", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                parser_class=_Parser)
    sub.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", action="store_true", help="no progress "
                        "lines (the default when stderr is not a terminal)")
    common.add_argument("--progress", action="store_true", help="progress "
                        "lines with the elapsed time on stderr even when it "
                        "is not a terminal")
    add_parser = sub.add_parser
    sub.add_parser = lambda *a, **k: add_parser(*a, parents=[common], **k)

    p = sub.add_parser("compile", help="compile a checkpoint to PTX + "
                       "manifest", description="Import, schedule, validate, "
                       "lower and emit PTX; prints the paths and the "
                       "schedule statistics.")
    p.add_argument("model", metavar="MODEL_DIR")
    p.add_argument("-o", "--out-dir", help="output folder (default: a new "
                   "temporary folder)")
    p.add_argument("--json", action="store_true", help="print one JSON "
                   "object")
    _add_compile_options(p)
    p.set_defaults(func=cmd_compile)

    p = sub.add_parser("validate", help="certify a schedule (.mlir or JSON)",
                       description="Runs the static validator; exit 0 when "
                       "certified, 1 when rejected (each violation printed "
                       "with its witness) or unreadable.")
    p.add_argument("schedule", metavar="FILE")
    p.add_argument("--partial-waits", choices=["strict", "exact"],
                   help="exact (the default) judges an ambiguous partial "
                   "wait by the accesses that depend on it; strict rejects it")
    p.add_argument("--max-diagnostics", type=int)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help="decode greedily", description="Feeds "
                       "the prompt and prints the generated tokens and the "
                       "median step latency.")
    _add_session_options(p)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--prompt", type=_ids, metavar="IDS",
                       help="comma-separated token ids")
    group.add_argument("--text", help="prompt text (the checkpoint's "
                       "tokenizer: transformers, else tokenizer.json with the "
                       "tokenizers package)")
    p.add_argument("--chat", action="store_true", help="put --text through "
                   "the checkpoint's chat template as a user message (needs "
                   "transformers)")
    p.add_argument("--max-new-tokens", type=int, default=32)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("bench", help="median decode step latency",
                       description="Feeds the prompt, generates STEPS tokens "
                       "and prints the median step latency and tokens/s.")
    _add_session_options(p)
    p.add_argument("--prompt", type=_ids, default=[1], metavar="IDS")
    p.add_argument("--steps", type=int, default=64,
                   help="tokens generated per repetition")
    p.add_argument("--check", action="store_true", help="first check the "
                   "greedy tokens against a reference (as check; exit 4 on "
                   "a difference)")
    _add_reference_options(p)
    _add_cache_option(p)
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("check", help="greedy tokens against a reference",
                       description="Compares the megakernel's greedy tokens "
                       "with a reference made on the spot (transformers in "
                       "fp32 when importable, else the CPU reference "
                       "executor on the naive program; cached) or with "
                       "--golden; exit 4 at the first difference.")
    _add_session_options(p)
    p.add_argument("--prompt", type=_ids, metavar="IDS", help="default: "
                   "the checkpoint's BOS and seven fixed ids")
    _add_reference_options(p)
    _add_cache_option(p)
    p.add_argument("--max-new-tokens", type=int, default=32)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("tune", help="search schedule knobs, certified and "
                       "checked", description="Correctness-gated search over "
                       "the schedule configuration: every proposal is "
                       "certified by the validator, compiled, checked "
                       "against a golden and timed (GPU) or ranked by the "
                       "cost model (CPU); kept when correct and >= 1% "
                       "faster. docs/tuning.md.")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--chip", default="sm_90a")
    p.add_argument("--out", metavar="BEST.json", help="write the best knobs "
                   "(for amk.compile(config=...))")
    p.add_argument("--proposer", metavar="CMD", help="a command that reads "
                   "the state (JSON, stdin) and prints a proposal")
    p.add_argument("--weights", help="checkpoint to run (default MODEL)")
    p.add_argument("--context", type=int, default=1,
                   help="decode position timed (GPU) and predicted at")
    p.add_argument("--work-dir", help="folder for the trials' files")
    _add_tune_options(p)
    _add_measure_options(p)
    p.set_defaults(func=cmd_tune)

    p = sub.add_parser("tune-prepare", help="compile certified candidates "
                       "for tune-measure", description="Here (with the "
                       "compiler): cost-model search, certification and "
                       "compilation of BUDGET candidates (plus our default) "
                       "into OUT_DIR, for tune-measure on a GPU machine.")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--chip", default="sm_90a")
    p.add_argument("-o", "--out-dir", required=True)
    p.add_argument("--context", type=int, default=1, help="decode position "
                   "the cost model ranks at (default 1)")
    p.add_argument("--stats-at", type=int, nargs="*", default=[],
                   metavar="POS", help="also record each candidate's "
                   "statistics at these positions (the contexts "
                   "tune-measure will time), for the refit")
    _add_tune_options(p)
    p.set_defaults(func=cmd_tune_prepare)

    p = sub.add_parser("tune-measure", help="check and time prepared "
                       "candidates", description="There (amk-run and the "
                       "runtime library only): checks each candidate of "
                       "tune-prepare (CPU reference path, and the GPU), "
                       "times it at each context and keeps the best by the "
                       "1% rule.")
    p.add_argument("prepared", metavar="PREPARED_DIR")
    p.add_argument("--weights", required=True, help="checkpoint folder")
    p.add_argument("--contexts", type=int, nargs="+", default=[1])
    p.add_argument("--log", metavar="RUNS.jsonl")
    p.add_argument("--out", metavar="PREFIX", help="write PREFIX-ctxC.json "
                   "(summary) and PREFIX-ctxC.best.json (knobs)")
    p.add_argument("--jobs", type=int, default=1, help="CPU checks run at "
                   "a time")
    _add_measure_options(p)
    p.set_defaults(func=cmd_tune_measure)

    p = sub.add_parser("serve", help="OpenAI-compatible HTTP endpoint",
                       description="Serves /v1/models, /v1/completions and "
                       "/v1/chat/completions (streamed or not) from one "
                       "megakernel session with FastAPI + uvicorn; one "
                       "request decodes at a time, --queue more wait, then "
                       "503. Ctrl-C or SIGTERM stops it cleanly.")
    _add_session_options(p, positional=True)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--queue", type=int, default=8, help="requests waiting "
                   "behind the decoding one before 503 (default 8)")
    p.add_argument("--name", help="the model's name in the API (default: "
                   "the folder's name)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("doctor", help="what was found and what is missing",
                       description="Lists the tools, the runtime library, "
                       "the GPU and its driver, transformers, tokenizers, "
                       "FastAPI and uvicorn, each found or missing; exit 1 "
                       "when a tool or the runtime library is missing.")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("mcp", help="Model Context Protocol server (stdio)",
                       description="Serves the tools environment, compile, "
                       "validate, evaluate and tune over JSON-RPC 2.0 on "
                       "stdin/stdout.")
    p.add_argument("--root", help="folder searched for models (default: "
                   "the repository's test/models)")
    p.set_defaults(func=cmd_mcp)
    return parser


def main(argv=None):
    global _progress
    args = _parser().parse_args(argv)
    _progress = progress.from_flags(args.quiet, args.progress)
    validate_like = args.command in ("compile", "validate", "tune-prepare")
    try:
        return args.func(args)
    except RunError as e:
        print("error: %s" % e, file=sys.stderr)
        return e.code
    except (CompileError, AmkError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1 if validate_like else BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
