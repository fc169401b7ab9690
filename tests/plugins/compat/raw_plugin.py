"""A plugin without the SDK whose misbehaviour is chosen by ``adminConfig.mode`` (plugins.md §12).

Synchronous on purpose: it answers one line at a time, so each test controls the interleaving.
"""

import json
import os
import subprocess
import sys
import time

STATE = {"mode": "normal", "config": {}, "credentials": {}}
OUT = sys.stdout.buffer


def send(message, *, ending=b"\n"):
    OUT.write(json.dumps(message).encode() + ending)
    OUT.flush()


def reply(request_id, result, **extra):
    send({"jsonrpc": "2.0", "id": request_id, "result": result, **extra})


def error(request_id, code, message, data=None):
    body = {"code": code, "message": message}
    if data is not None:
        body["data"] = data
    send({"jsonrpc": "2.0", "id": request_id, "error": body})


def read_message():
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        if line.strip():
            return json.loads(line)


def manifest(params):
    mode = STATE["mode"]
    result = {
        "name": "raw",
        "displayName": "Raw",
        "version": "0.0.1",
        "protocolVersion": STATE["config"].get("protocolVersion", "1.0"),
        "capabilities": {"metadataProvider": True if mode == "legacy_provider" else ["series"]},
        "receivedParams": params,
        "envKeys": sorted(os.environ),
        "pid": os.getpid(),
    }
    if mode == "bad_manifest":
        del result["displayName"]
    return result


def on_initialize(request_id, params):
    STATE["config"] = params.get("adminConfig", {})
    STATE["credentials"] = params.get("credentials", {})
    STATE["mode"] = STATE["config"].get("mode", "normal")
    mode = STATE["mode"]
    if mode == "no_init":
        return
    if mode == "echo_secret":
        secret = STATE["credentials"].get("api_key", "")
        sys.stderr.write(f"2025-01-01T00:00:00.000Z [WARN] [raw] key is {secret}\n")
        sys.stderr.write("an unlevelled continuation line\n")
        sys.stderr.flush()
    if mode == "ignore_shutdown":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        STATE["grandchild"] = child.pid
    if mode == "init_reverse":
        send(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "storage/set",
                "params": {"key": "boot", "data": True},
            }
        )
        STATE["boot_reply"] = read_message()
    result = manifest(params)
    result["grandchild"] = STATE.get("grandchild")
    result["bootReply"] = STATE.get("boot_reply")
    reply(request_id, result)


def on_search(request_id, params):
    mode = STATE["mode"]
    query = params.get("query", "")
    if mode == "garbage":
        OUT.write(b'hello from console.log\n[1,2,3]\n\n   \n"just a string"\n')
        OUT.flush()
        send({"jsonrpc": "2.0", "id": request_id, "result": {"results": []}}, ending=b"\r\n")
        return
    if mode == "oversize" and query == "big":
        OUT.write(b"x" * (17 * 1024 * 1024) + b"\n")
        OUT.flush()
        return
    if mode == "large":
        blob = "y" * (15 * 1024 * 1024)
        reply(request_id, {"results": [{"externalId": "1", "title": "big", "blob": blob}]})
        return
    if mode == "string_ids":
        send({"jsonrpc": "2.0", "id": str(request_id), "result": {"results": []}})
        return
    if mode == "reverse":
        on_search_with_reverse_calls(request_id)
        return
    if mode == "exit_mid":
        sys.stderr.write("[ERROR] fatal: giving up\n")
        sys.stderr.flush()
        os._exit(3)
    if mode == "stderr_flood":
        for i in range(10_000):
            sys.stderr.write(f"[INFO] line {i}\n")
        sys.stderr.flush()
    if query == "slow":
        time.sleep(float(STATE["config"].get("slowS", 0.5)))
    if query == "nothing":
        return
    reply(request_id, {"results": [{"externalId": "q", "title": query}]})


def on_search_with_reverse_calls(request_id):
    answers = []
    for reverse in (
        {"jsonrpc": "2.0", "id": 1, "method": "storage/set", "params": {"key": "k", "data": 1}},
        {"jsonrpc": "2.0", "id": "s-1", "method": "storage/get", "params": {"key": "k"}},
        {
            "jsonrpc": "2.0",
            "id": 1000000000,
            "parentRequestId": request_id,
            "method": "releases/list_tracked",
            "params": {},
        },
        {"jsonrpc": "2.0", "id": 7, "method": 42},
        {"jsonrpc": "2.0", "method": "storage/clear"},
    ):
        send(reverse)
        if "id" in reverse:
            answers.append(read_message())
    reply(request_id, {"results": [], "reverseReplies": answers})


def main():
    while True:
        message = read_message()
        if message is None:
            if STATE["mode"] == "ignore_shutdown":
                time.sleep(60)
            return 0
        method, request_id = message.get("method"), message.get("id")
        params = message.get("params") or {}
        if method == "initialize":
            on_initialize(request_id, params)
        elif method == "ping":
            reply(request_id, "pong")
        elif method == "shutdown":
            if STATE["mode"] == "ignore_shutdown":
                continue
            reply(request_id, None)
            return 0
        elif method == "metadata/series/search":
            on_search(request_id, params)
        else:
            error(request_id, -32601, f"Method not found: {method}")


if __name__ == "__main__":
    sys.exit(main())
