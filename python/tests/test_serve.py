"""python -m amk serve: the OpenAI-compatible endpoint on the CPU path,
driven by a real HTTP client (httpx) on 127.0.0.1."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import HERE, LLAMA

import amk
from amk import serve

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")


class Started:
    """A uvicorn server of ``server`` in a thread on a free port."""

    def __init__(self, server):
        import uvicorn
        self.web = uvicorn.Server(uvicorn.Config(
            serve.create_app(server), host="127.0.0.1", port=0,
            log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.web.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.web.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        port = self.web.servers[0].sockets[0].getsockname()[1]
        self.url = "http://127.0.0.1:%d" % port

    def stop(self):
        self.web.should_exit = True
        self.thread.join(20)
        assert not self.thread.is_alive()


@pytest.fixture(scope="module")
def endpoint(llama_kernel):
    mk = amk.Megakernel(llama_kernel, LLAMA, device="cpu", max_seq=48)
    started = Started(serve.Server(mk, "llama-f32", codec=None, queue=2))
    yield started.url
    started.stop()
    mk.close()


def sse(text):
    """The JSON objects of a server-sent event stream, and whether it ended
    with [DONE]."""
    data = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    return [json.loads(d) for d in data if d != "[DONE]"], data[-1] == "[DONE]"


def test_completions_tokens_in_and_out(endpoint, golden):
    prompt, expected = golden["prompt_ids"], golden["new_tokens"][:8]
    with httpx.Client(base_url=endpoint, timeout=60) as client:
        models = client.get("/v1/models").json()
        assert models["data"][0]["id"] == "llama-f32"
        assert models["data"][0]["max_model_len"] == 48
        body = {"model": "llama-f32", "prompt": prompt, "max_tokens": 8,
                "temperature": 0, "ignore_eos": True}
        answer = client.post("/v1/completions", json=body)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert result["object"] == "text_completion"
        (choice,) = result["choices"]
        assert choice["token_ids"] == expected and choice["text"] == ""
        assert choice["finish_reason"] == "length"
        assert result["usage"] == {"prompt_tokens": 8, "completion_tokens": 8,
                                   "total_tokens": 16}
        # Streamed: one event per token, then [DONE]; the same tokens.
        answer = client.post("/v1/completions", json=dict(body, stream=True))
        assert answer.headers["content-type"].startswith("text/event-stream")
        chunks, done = sse(answer.text)
        assert done and [c["choices"][0]["token_ids"][0]
                         for c in chunks] == expected
        assert chunks[-1]["choices"][0]["finish_reason"] == "length"
        # Sampling with a seed is repeatable and stays in the vocabulary.
        sampled = [client.post("/v1/completions", json=dict(
            body, temperature=0.8, top_p=0.9, seed=7)).json()
            ["choices"][0]["token_ids"] for _ in range(2)]
        assert sampled[0] == sampled[1] and len(sampled[0]) == 8
        assert all(0 <= t < golden["vocab_size"] for t in sampled[0])


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "the request body is not JSON"),
    (b"[1, 2]", "the request body must be a JSON object"),
    (b'{"prompt": "hello"}', "needs the model's tokenizer"),
    (b'{"prompt": [1, 999]}', "token id 999 is outside the vocabulary"),
    (b'{"prompt": [1, 2, 3], "max_tokens": 47}',
     "3 prompt tokens + max_tokens 47 exceed the 48 KV rows"),
    (b'{"prompt": [1], "temperature": "hot"}', "'temperature' must be"),
    (b'{"prompt": []}', "'prompt' must be a string or a non-empty list")])
def test_bad_requests_are_400_with_the_reason(endpoint, body, reason):
    with httpx.Client(base_url=endpoint, timeout=30) as client:
        answer = client.post("/v1/completions", content=body)
    assert answer.status_code == 400
    assert reason in answer.json()["error"]["message"]


def test_chat_without_a_tokenizer_is_400(endpoint):
    with httpx.Client(base_url=endpoint, timeout=30) as client:
        answer = client.post("/v1/chat/completions", json={
            "messages": [{"role": "user", "content": "hi"}]})
    assert answer.status_code == 400
    assert "chat needs the model's tokenizer" in \
        answer.json()["error"]["message"]


class SlowSession:
    """A session whose decoding waits for ``go``: holds the decode lock."""
    max_seq, vocab_size = 64, 10

    def __init__(self):
        self.go = threading.Event()

    def stream(self, ids, max_new_tokens, pick=None, stop_ids=()):
        self.go.wait(20)
        for i in range(max_new_tokens):
            yield i


class WordCodec:
    """Words "wN" <-> ids N; chat = the contents' ids; eos id 9."""
    eos_ids = (9,)

    def encode(self, text):
        return [int(w[1:]) for w in text.split()]

    def decode(self, ids):
        return " ".join("w%d" % i for i in ids)

    def chat(self, messages):
        return [i for m in messages for i in self.encode(m["content"])]


def test_one_decodes_the_queue_is_bounded_then_503():
    session = SlowSession()
    started = Started(serve.Server(session, "slow", WordCodec(), queue=1))
    try:
        results = []

        def ask(body):
            with httpx.Client(base_url=started.url, timeout=30) as client:
                results.append(client.post("/v1/completions", json=body))

        body = {"prompt": "w1 w2", "max_tokens": 3}
        first = threading.Thread(target=ask, args=(body,))
        first.start()
        second = threading.Thread(target=ask, args=(body,))
        deadline = time.monotonic() + 10
        # Wait until the first holds the decode lock, queue the second.
        while not server_waiting(started, 1) and time.monotonic() < deadline:
            time.sleep(0.02)
        second.start()
        while not server_waiting(started, 2) and time.monotonic() < deadline:
            time.sleep(0.02)
        with httpx.Client(base_url=started.url, timeout=30) as client:
            busy = client.post("/v1/completions", json=body)
        assert busy.status_code == 503
        assert "busy" in busy.json()["error"]["message"]
        session.go.set()
        first.join(20)
        second.join(20)
        assert [r.status_code for r in results] == [200, 200]
        # Text out with a tokenizer; eos (id 9) stops with "stop"; a stop
        # string cuts the text.
        with httpx.Client(base_url=started.url, timeout=30) as client:
            text = client.post("/v1/completions", json=body).json()
            assert text["choices"][0]["text"] == "w0 w1 w2"
            chat = client.post("/v1/chat/completions", json={
                "messages": [{"role": "user", "content": "w1"}],
                "max_tokens": 12, "stream": True})
            chunks, done = sse(chat.text)
            assert done and chunks[0]["choices"][0]["delta"]["role"] == \
                "assistant"
            assert "".join(c["choices"][0]["delta"]["content"]
                           for c in chunks) == " ".join(
                               "w%d" % i for i in range(10))
            assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
            cut = client.post("/v1/completions", json=dict(
                body, max_tokens=8, stop="w4")).json()["choices"][0]
            assert cut["text"] == "w0 w1 w2 w3 " and \
                cut["finish_reason"] == "stop"
    finally:
        session.go.set()
        started.stop()


def server_waiting(started, count):
    app = started.web.config.app
    return app.state.server.waiting >= count if hasattr(
        app.state, "server") else False


def test_serve_command_starts_and_stops_cleanly(llama_kernel, golden):
    """python -m amk serve on the CPU path: answers, then exits 0 on
    SIGTERM."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    proc = subprocess.Popen(
        [sys.executable, "-m", "amk", "serve", LLAMA, "--kernel",
         llama_kernel.ptx, "--cpu", "--port", str(port), "--max-seq", "64"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving llama-f32 on http://127.0.0.1:%d/v1"
                               % port), (line, proc.stderr.read()
                                         if proc.poll() is not None else "")
        answer = httpx.post("http://127.0.0.1:%d/v1/completions" % port,
                            json={"prompt": golden["prompt_ids"],
                                  "max_tokens": 4, "temperature": 0},
                            timeout=60)
        assert answer.json()["choices"][0]["token_ids"] == \
            golden["new_tokens"][:4]
        # The checkpoint's eos (config: 2) stops a choice even without a
        # tokenizer.
        answer = httpx.post("http://127.0.0.1:%d/v1/completions" % port,
                            json={"prompt": [1, 17, 42], "max_tokens": 8,
                                  "temperature": 0}, timeout=60).json()
        (choice,) = answer["choices"]
        assert choice["token_ids"][-1] == 2 and len(choice["token_ids"]) < 8
        assert choice["finish_reason"] == "stop"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert out.strip().endswith("stopped") and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_on_a_taken_port_is_exit_2(llama_kernel):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        done = subprocess.run(
            [sys.executable, "-m", "amk", "serve", LLAMA, "--kernel",
             llama_kernel.ptx, "--cpu", "--port", str(s.getsockname()[1])],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, env=env, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "error: the server could not start on 127.0.0.1:" in done.stderr


def test_sampler():
    logits = [0.0, 5.0, 4.9, -3.0]
    assert serve.Sampler(0)(logits) == 1
    # top_p keeps the smallest set reaching the mass: ids 1 and 2 here.
    picks = {serve.Sampler(1.0, 0.9, seed=s)(logits) for s in range(40)}
    assert picks == {1, 2}
    # A low temperature concentrates on the argmax; seeds repeat.
    assert {serve.Sampler(0.05, seed=s)([0.0, 5.0, 3.0, -3.0])
            for s in range(20)} == {1}
    assert [serve.Sampler(1.0, seed=3)(logits) for _ in range(3)] == \
        [serve.Sampler(1.0, seed=3)(logits)] * 3
