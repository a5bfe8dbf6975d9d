#!/usr/bin/env python3
"""Time-to-first-token and tokens/s of a running `python -m amk serve`.

    python -m amk serve MODEL --port 8000 &
    python3 bench/serve_bench.py --url http://127.0.0.1:8000 --requests 5 \
        --prompt-ids 1,17,42,99 --max-tokens 128

Streams /v1/completions (greedy, end of sequence ignored) `--requests`
times, one after another, with the standard library's HTTP client. Per
request: TTFT (request sent -> first token event) and decode tokens/s
(tokens after the first over the time after the first). Prints one JSON
object: the medians, every request's figures and the server's model.
"""
import argparse
import json
import statistics
import sys
import time
import urllib.request


def one(url, body):
    request = urllib.request.Request(
        url + "/v1/completions", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    first = last = None
    tokens = 0
    with urllib.request.urlopen(request, timeout=600) as answer:
        for raw in answer:
            line = raw.decode().strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            event = json.loads(line[6:])
            if "error" in event:
                raise SystemExit("server error: %s" % event["error"])
            now = time.perf_counter()
            tokens += len(event["choices"][0].get("token_ids", []))
            first = first if first is not None else now
            last = now
    if first is None:
        raise SystemExit("no token came back")
    rate = (tokens - 1) / (last - first) if tokens > 1 and last > first \
        else None
    return {"ttft_ms": (first - start) * 1e3, "tokens": tokens,
            "decode_tokens_per_s": rate}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--prompt-ids", default="1",
                        help="comma-separated token ids")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    ids = [int(t) for t in args.prompt_ids.split(",") if t.strip()]
    try:
        with urllib.request.urlopen(args.url + "/v1/models",
                                    timeout=60) as r:
            model = json.load(r)["data"][0]["id"]
    except OSError as e:
        raise SystemExit("no server at %s: %s" % (args.url, e))
    body = {"prompt": ids, "max_tokens": args.max_tokens, "temperature": 0,
            "ignore_eos": True, "stream": True}
    runs = [one(args.url, body) for _ in range(args.requests)]
    rates = [r["decode_tokens_per_s"] for r in runs
             if r["decode_tokens_per_s"]]
    print(json.dumps({
        "model": model, "prompt_tokens": len(ids),
        "max_tokens": args.max_tokens, "requests": args.requests,
        "ttft_ms_median": statistics.median(r["ttft_ms"] for r in runs),
        "decode_tokens_per_s_median": statistics.median(rates) if rates
        else None, "runs": runs}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
