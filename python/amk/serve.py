"""An OpenAI-compatible HTTP endpoint over one megakernel session (FastAPI
+ uvicorn): ``python -m amk serve MODEL --port P``.

- ``GET /v1/models``; ``POST /v1/completions`` (``prompt``: text or a list
  of token ids) and ``POST /v1/chat/completions`` (``messages`` through the
  checkpoint's chat template), each with ``stream`` (server-sent events,
  ending ``data: [DONE]``) or not. Every choice also carries its generated
  ``token_ids``, so a model folder without a tokenizer still serves (text
  fields are then empty).
- Fields: ``max_tokens`` (default 16), ``temperature`` (default 1; 0 is
  greedy), ``top_p``, ``seed``, ``stop`` (strings, with a tokenizer),
  ``ignore_eos``, ``n`` = 1.
- One request decodes at a time; up to ``queue`` more wait; beyond that the
  answer is 503. A request is refused with 400 and the reason when its body
  is not JSON or a field is wrong, when a token id is outside the vocabulary
  or when prompt + ``max_tokens`` exceed the KV rows of the session.
"""
import json
import math
import random
import threading
import time
import uuid

from .errors import AmkError


class RequestError(Exception):
    """A request refused: HTTP ``status`` and the reason."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Sampler:
    """pick(logits) -> token: temperature and nucleus (top_p) sampling from
    a seeded generator; temperature 0 is the argmax (lowest index on
    ties)."""

    def __init__(self, temperature=1.0, top_p=1.0, seed=None):
        self.temperature, self.top_p = temperature, top_p
        self.rng = random.Random(seed)

    def __call__(self, logits):
        if self.temperature == 0:
            return max(range(len(logits)), key=lambda i: (logits[i], -i))
        top = max(logits)
        weights = [math.exp((v - top) / self.temperature) for v in logits]
        if self.top_p >= 1:
            return self.rng.choices(range(len(logits)), weights)[0]
        order = sorted(range(len(logits)), key=lambda i: -weights[i])
        total = sum(weights)
        kept, mass = [], 0.0
        for i in order:
            kept.append(i)
            mass += weights[i] / total
            if mass >= self.top_p:
                break
        return self.rng.choices(kept, [weights[i] for i in kept])[0]


def _field(body, name, kinds, default, check=None, what=None):
    value = body.get(name, default)
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    what = what or " or ".join("a JSON " + {"int": "integer", "float":
                                            "number", "bool": "boolean"}
                               .get(k.__name__, k.__name__) for k in kinds)
    if value is None:
        return default
    if isinstance(value, bool) and bool not in kinds or \
            not isinstance(value, kinds) or (check and not check(value)):
        raise RequestError(400, "'%s' must be %s, not %s" % (
            name, what, json.dumps(value)[:80]))
    return value


class Server:
    """The endpoint's state: the session (a Megakernel or anything with
    ``stream``, ``max_seq`` and ``vocab_size``), the model's name, its text
    Codec (None: token ids only), the decode lock and the queue bound."""

    def __init__(self, session, name, codec=None, queue=8, eos_ids=()):
        self.session, self.name, self.codec = session, name, codec
        self.queue = queue
        self.eos_ids = tuple(eos_ids) or (codec.eos_ids if codec else ())
        self.lock = threading.Lock()
        self.count_lock = threading.Lock()
        self.waiting = 0  # admitted requests: decoding or queued
        self.created = int(time.time())

    # Admission: one decoding plus ``queue`` waiting.
    def admit(self):
        with self.count_lock:
            if self.waiting >= 1 + self.queue:
                raise RequestError(503, "the server is busy: one request "
                                   "decoding and %d queued" % self.queue)
            self.waiting += 1

    def leave(self):
        with self.count_lock:
            self.waiting -= 1

    def _text_needed(self, what):
        if self.codec is None:
            raise RequestError(400, "%s needs the model's tokenizer, which "
                               "is not available here: pass the prompt as "
                               "a list of token ids" % what)

    def parse(self, body, chat):
        """The request's (prompt ids, max_tokens, sampler, stops,
        ignore_eos); RequestError 400 when something is wrong."""
        if not isinstance(body, dict):
            raise RequestError(400, "the request body must be a JSON object")
        if chat:
            messages = body.get("messages")
            if not isinstance(messages, list) or not messages or not all(
                    isinstance(m, dict) and isinstance(m.get("content"), str)
                    and isinstance(m.get("role"), str) for m in messages):
                raise RequestError(400, "'messages' must be a non-empty "
                                   "list of {role, content} objects")
            self._text_needed("chat")
            try:
                ids = self.codec.chat(messages)
            except AmkError as e:
                raise RequestError(400, str(e)) from None
        else:
            prompt = body.get("prompt")
            if isinstance(prompt, list) and len(prompt) == 1 and \
                    isinstance(prompt[0], (str, list)):
                prompt = prompt[0]  # a batch of one
            if isinstance(prompt, str):
                self._text_needed("a text prompt")
                ids = self.codec.encode(prompt)
            elif isinstance(prompt, list) and prompt and all(
                    isinstance(t, int) and not isinstance(t, bool)
                    for t in prompt):
                ids = prompt
            else:
                raise RequestError(400, "'prompt' must be a string or a "
                                   "non-empty list of token ids")
        if not ids:
            raise RequestError(400, "the prompt has no tokens")
        vocab = self.session.vocab_size
        bad = [t for t in ids if not 0 <= t < vocab]
        if bad:
            raise RequestError(400, "token id %d is outside the vocabulary "
                               "(%d ids)" % (bad[0], vocab))
        max_tokens = _field(body, "max_completion_tokens" if chat and
                            "max_completion_tokens" in body else "max_tokens",
                            int, 16, lambda v: v >= 1, "an integer >= 1")
        rows = self.session.max_seq
        if len(ids) + max_tokens - 1 > rows:
            raise RequestError(400, "%d prompt tokens + max_tokens %d exceed "
                               "the %d KV rows of the session (at most %d "
                               "new tokens for this prompt)" % (
                                   len(ids), max_tokens, rows,
                                   max(rows - len(ids) + 1, 0)))
        if _field(body, "n", int, 1) != 1:
            raise RequestError(400, "'n' must be 1: one choice per request")
        temperature = _field(body, "temperature", (int, float), 1.0,
                             lambda v: 0 <= v <= 2, "a number in [0, 2]")
        top_p = _field(body, "top_p", (int, float), 1.0,
                       lambda v: 0 < v <= 1, "a number in (0, 1]")
        seed = _field(body, "seed", int, None)
        stop = body.get("stop")
        stops = [stop] if isinstance(stop, str) else (stop or [])
        if not isinstance(stops, list) or not all(
                isinstance(s, str) and s for s in stops):
            raise RequestError(400, "'stop' must be a string or a list of "
                               "strings")
        if stops:
            self._text_needed("'stop'")
        ignore_eos = _field(body, "ignore_eos", bool, False)
        pick = None if temperature == 0 else Sampler(temperature, top_p,
                                                     seed)
        return list(ids), max_tokens, pick, stops, ignore_eos

    def decode(self, request):
        """Yields (token, text delta, finish reason or None) for a parsed
        request, holding the decode lock; the last item has the reason
        ("stop" or "length")."""
        ids, max_tokens, pick, stops, ignore_eos = request
        stop_ids = () if ignore_eos else self.eos_ids
        with self.lock:
            tokens, shown = [], ""
            stream = self.session.stream(ids, max_tokens, pick=pick,
                                         stop_ids=stop_ids)
            for token in stream:
                tokens.append(token)
                text = self.codec.decode(tokens) if self.codec else ""
                reason = None
                if token in stop_ids:
                    reason = "stop"
                hit = [text.find(s, max(len(shown) - len(s), 0))
                       for s in stops]
                hit = [h for h in hit if h >= 0]
                if hit:
                    text, reason = text[:min(hit)], "stop"
                elif reason is None and len(tokens) == max_tokens:
                    reason = "length"
                # Hold back a trailing replacement character (a multi-byte
                # character not finished yet) until the end.
                if reason is None and text.endswith("\ufffd"):
                    delta = ""
                else:
                    delta, shown = text[len(shown):], text
                yield token, delta, reason
                if reason:
                    stream.close()
                    return

    def result(self, chat, request):
        """The complete (non-streamed) response object."""
        tokens, text, reason = [], "", "length"
        for token, delta, finish in self.decode(request):
            tokens.append(token)
            text += delta
            reason = finish or reason
        choice = {"index": 0, "token_ids": tokens, "finish_reason": reason,
                  "logprobs": None}
        if chat:
            choice["message"] = {"role": "assistant", "content": text}
        else:
            choice["text"] = text
        return dict(self._head(chat, False), choices=[choice], usage={
            "prompt_tokens": len(request[0]),
            "completion_tokens": len(tokens),
            "total_tokens": len(request[0]) + len(tokens)})

    def events(self, chat, request):
        """The server-sent events of a streamed response."""
        head = self._head(chat, True)
        first = True
        for token, delta, reason in self.decode(request):
            choice = {"index": 0, "token_ids": [token],
                      "finish_reason": reason, "logprobs": None}
            if chat:
                choice["delta"] = dict({"role": "assistant"} if first else {},
                                       content=delta)
            else:
                choice["text"] = delta
            first = False
            yield "data: %s\n\n" % json.dumps(dict(head, choices=[choice]))
        yield "data: [DONE]\n\n"

    def _head(self, chat, streamed):
        kind = ("chat.completion.chunk" if streamed else "chat.completion") \
            if chat else "text_completion"
        return {"id": ("chatcmpl-" if chat else "cmpl-") + uuid.uuid4().hex,
                "object": kind, "created": int(time.time()),
                "model": self.name}

    def models(self):
        return {"object": "list", "data": [{
            "id": self.name, "object": "model", "created": self.created,
            "owned_by": "amk", "max_model_len": self.session.max_seq}]}


def _error(status, message):
    from fastapi.responses import JSONResponse
    kind = "invalid_request_error" if status == 400 else (
        "server_busy" if status == 503 else "server_error")
    return JSONResponse({"error": {"message": message, "type": kind,
                                   "code": status}}, status_code=status)


def require_stack():
    """Imports FastAPI and uvicorn; AmkError naming the Debian packages
    when they are missing."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise AmkError("serve needs FastAPI and uvicorn (%s): apt-get install "
                       "python3-fastapi python3-uvicorn, or pip install "
                       "fastapi uvicorn" % e) from None


def create_app(server):
    """The FastAPI application of a Server."""
    require_stack()
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse, StreamingResponse
    from starlette.concurrency import run_in_threadpool

    app = FastAPI(title="amk", docs_url=None, redoc_url=None)
    app.state.server = server

    @app.get("/v1/models")
    def models():
        return server.models()

    async def complete(request, chat):
        raw = await request.body()
        try:
            body = json.loads(raw.decode("utf-8") if raw else "")
        except (UnicodeDecodeError, ValueError) as e:
            return _error(400, "the request body is not JSON: %s" % e)
        try:
            parsed = server.parse(body, chat)
            server.admit()
        except RequestError as e:
            return _error(e.status, str(e))
        if body.get("stream"):
            def events():
                try:
                    yield from server.events(chat, parsed)
                except AmkError as e:
                    yield "data: %s\n\n" % json.dumps({"error": {
                        "message": str(e), "type": "server_error"}})
                finally:
                    server.leave()
            return StreamingResponse(events(), media_type="text/event-stream")
        try:
            return JSONResponse(await run_in_threadpool(server.result, chat,
                                                        parsed))
        except AmkError as e:
            return _error(500, str(e))
        finally:
            server.leave()

    @app.post("/v1/completions")
    async def completions(request: Request):
        return await complete(request, False)

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        return await complete(request, True)

    return app


def run(server, host="127.0.0.1", port=8000, on_ready=None):
    """Serves until SIGINT/SIGTERM (uvicorn's graceful shutdown); then
    returns. ``on_ready(port)`` is called once the socket listens."""
    require_stack()
    import uvicorn
    config = uvicorn.Config(create_app(server), host=host, port=port,
                            log_level="warning", lifespan="off")
    web = uvicorn.Server(config)
    if on_ready:
        def watch():
            while not web.started and not web.should_exit:
                time.sleep(0.05)
            if web.started:
                sockets = web.servers[0].sockets if web.servers else []
                on_ready(sockets[0].getsockname()[1] if sockets else port)
        threading.Thread(target=watch, daemon=True).start()
    try:
        web.run()
    except SystemExit:
        # uvicorn exits when it cannot start (e.g. the port is taken; its
        # log line says why).
        raise AmkError("the server could not start on %s:%d" % (host, port)) \
            from None
    if not web.started:
        raise AmkError("the server could not start on %s:%d" % (host, port))
    return web
