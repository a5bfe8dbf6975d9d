"""python -m amk mcp driven by a scripted client over stdio."""
import json
import os
import subprocess
import sys

from conftest import HERE, LLAMA, RACE
from test_tune import unsafe_schedule


def session(messages):
    """Sends the messages (one JSON line each) to a fresh server; returns
    its answers by id (and the list of id-less ones)."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    lines = "".join((m if isinstance(m, str) else json.dumps(m)) + "\n"
                    for m in messages)
    done = subprocess.run([sys.executable, "-m", "amk", "mcp"], input=lines,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(a["jsonrpc"] == "2.0" for a in answers)
    return {a.get("id"): a for a in answers}, answers


def call(ident, name, arguments):
    return {"jsonrpc": "2.0", "id": ident, "method": "tools/call",
            "params": {"name": name, "arguments": arguments}}


def payload(answer):
    """The tool's JSON answer; text content and structuredContent agree."""
    result = answer["result"]
    assert result["content"][0]["type"] == "text"
    data = json.loads(result["content"][0]["text"])
    assert data == result["structuredContent"]
    return data, result["isError"]


def test_scripted_client(tmp_path, llama_kernel):
    bad, task = unsafe_schedule(llama_kernel.schedule,
                                str(tmp_path / "bad.mlir"))
    by_id, answers = session([
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2024-11-05", "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        call(3, "environment", {}),
        call(4, "evaluate", {"model": "llama-f32", "schedule": bad}),
        call(5, "evaluate", {"model": LLAMA, "config": {"attn-heads": 1},
                             "device": "cpu"}),
        call(6, "validate", {"schedule": RACE}),
        call(7, "evaluate", {"model": "llama-f32",
                             "config": {"validate": False}}),
        call(8, "frobnicate", {}),
        {"jsonrpc": "2.0", "id": 9, "method": "resources/list"},
        "{not json",
        call(10, "tune", {"model": "llama-f32", "budget": 1, "pool": 1}),
        call(11, "tune", {"model": "llama-f32", "budget": 1000}),
    ])
    # Every request answered once, the notification not at all.
    assert sorted(a.get("id") or 0 for a in answers) == list(range(12))
    init = by_id[1]["result"]
    assert init["protocolVersion"] == "2024-11-05"
    assert "tools" in init["capabilities"]
    assert init["serverInfo"]["name"] == "amk"

    tools = {t["name"]: t for t in by_id[2]["result"]["tools"]}
    assert set(tools) == {"environment", "compile", "validate", "evaluate",
                          "tune"}
    assert all(t["inputSchema"]["type"] == "object" for t in tools.values())

    env, error = payload(by_id[3])
    assert not error and "sm_90a" in env["chips"]
    assert env["device"]["cuda"] is False or env["device"]["name"]
    assert {"name": "llama-f32", "path": LLAMA, "golden": True} in [
        dict(m, path=os.path.normpath(m["path"])) for m in env["models"]]
    assert env["knobs"]["strategy"] == "phases"

    # An unsafe schedule: rejected with the validator's witness, never run.
    rejected, error = payload(by_id[4])
    assert error and rejected["verdict"] == "rejected"
    assert 'task "%s"' % task in rejected["error"]
    assert "not ordered by happens-before" in rejected["error"]
    assert "check" not in rejected and rejected["measured_us"] is None

    # A configuration evaluated on the CPU: checked, then predicted.
    evaluated, error = payload(by_id[5])
    assert not error and evaluated["verdict"] == "predicted"
    assert evaluated["correct"] and evaluated["config"] == {"attn-heads": 1}
    assert evaluated["check"]["cpu"]["exit"] == 0
    assert evaluated["predicted_us"] >= evaluated["floor_us"] > 0
    assert evaluated["measured_us"] is None

    report, error = payload(by_id[6])
    assert not error and report["certified"] is False and report["total"] == 2

    invalid, error = payload(by_id[7])
    assert error and "'validate' is not a schedule knob" in invalid["error"]

    assert by_id[8]["error"]["code"] == -32602
    assert by_id[9]["error"]["code"] == -32601
    assert by_id[None]["error"]["code"] == -32700

    # A bounded loop: our default and one proposal, ranked by prediction.
    tuned, error = payload(by_id[10])
    assert not error and tuned["summary"]["trials"] == 2
    assert tuned["summary"]["time_kind"] == "predicted"
    assert [t["source"] for t in tuned["trials"]][0] == "default"
    assert all(t["measured_us"] is None for t in tuned["trials"])
    assert by_id[11]["error"]["code"] == -32602  # budget over the bound
