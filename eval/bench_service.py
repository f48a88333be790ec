"""Service latency under load, printed (never asserted): POST /v1/extract of small text exports over loopback,
N requests, C at a time, against a server this script starts on 127.0.0.1 with a fresh data folder; then what
the abuse limits cost an abuser: how many of 300 wrong keys are answered before the lock-out, and how many bytes
a job declared as 3 × 200 MB sends before it is refused.

    .venv/bin/python eval/bench_service.py [--requests 200] [--concurrency 4] [--workers 2]

Every request carries a different document (one form of the seeds, made distinct by trailing newlines), so
each is extracted rather than answered from the store. Latency is the client's: upload, sniffing, storing,
extraction in a worker process, the database write, the JSON answer. The tests use `LocalServer`,
`distinct_documents` and `run_load` for their bounded run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
TITLE = "财政项目支出绩效自评表"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """`docextract serve` in a subprocess on 127.0.0.1: started, waited for, killed (SIGKILL, as a crash would)."""

    def __init__(self, data: Path, args: Sequence[str] = (), key: str | None = None):
        self.data, self.args = data, list(args)
        self.key = key or secrets.token_urlsafe(24)
        self.url = ""
        self.process: subprocess.Popen | None = None
        self.log = data.parent / f"{data.name}-server.log"

    def start(self) -> LocalServer:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DOCEXTRACT_API_KEY": self.key}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "docextract.cli", "serve", "--port", str(port), "--data", str(self.data),
                 *self.args], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s")

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.kill()


def seed_forms() -> list[tuple[str, str]]:
    """(seed prefix, text) of every form of the seeds, each cut at its title line."""
    forms = []
    for seed in SEEDS:
        parts = re.split(rf"(?m)^(?=.*{TITLE})", seed.read_text(encoding="utf-8"))
        forms += [(seed.name[:3], part) for part in parts if TITLE in part]
    return forms


def distinct_documents(count: int) -> list[tuple[str, bytes]]:
    """`count` one-form text exports (file name, bytes), no two with the same content."""
    forms = seed_forms()
    return [(f"{prefix}_bench_{i:04d}.txt", (text + "\n" * (1 + i // len(forms))).encode("utf-8"))
            for i, (prefix, text) in ((i, forms[i % len(forms)]) for i in range(count))]


@dataclass
class LoadReport:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # of the answered requests, seconds
    errors: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


def run_load(url: str, headers: dict[str, str], documents: list[tuple[str, bytes]], concurrency: int) -> LoadReport:
    """POST every document to /v1/extract, `concurrency` at a time; an answer other than 200 with forms is an error."""
    def post(client: httpx.Client, name: str, content: bytes) -> tuple[float, str | None]:
        started = time.perf_counter()
        try:
            response = client.post(f"{url}/v1/extract", files={"file": (name, content, "text/plain")}, headers=headers)
        except httpx.HTTPError as exc:
            return time.perf_counter() - started, f"{name}: {type(exc).__name__}"
        seconds = time.perf_counter() - started
        if response.status_code != 200 or not response.json().get("forms"):
            return seconds, f"{name}: HTTP {response.status_code} {response.text[:200]}"
        return seconds, None

    started = time.perf_counter()
    with httpx.Client(timeout=120) as client, ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(lambda doc: post(client, *doc), documents))
    report = LoadReport(time.perf_counter() - started)
    for seconds, error in outcomes:
        if error:
            report.errors.append(error)
        else:
            report.latencies.append(seconds)
    return report


def wrong_keys(url: str, count: int) -> dict[int, int]:
    """`count` requests with a wrong key, one after another: status -> how many."""
    statuses: dict[int, int] = {}
    with httpx.Client(timeout=30) as client:
        for _ in range(count):
            status = client.get(f"{url}/v1/jobs/probe", headers={"Authorization": "Bearer " + "x" * 32}).status_code
            statuses[status] = statuses.get(status, 0) + 1
    return statuses


def oversized_job(url: str, key: str, files: int = 3, file_bytes: int = 200 * 1024 * 1024) -> tuple[int, int]:
    """A job of `files` files of `file_bytes` declared and sent until the server answers: (status, bytes sent).
    The bytes sent bound those the server received (some may still be in the sockets' buffers)."""
    host, port = url.removeprefix("http://").split(":")
    boundary = "probe"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'.encode()
    declared = files * (len(head) + file_bytes + 2) + len(f"--{boundary}--\r\n")
    chunk, sent = b"x" * 65536, 0
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(f"POST /v1/jobs HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\nContent-Type: "
                     f"multipart/form-data; boundary={boundary}\r\nContent-Length: {declared}\r\n\r\n".encode())
        sock.sendall(head)
        while sent < file_bytes and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(chunk)
            except OSError:  # the server closed the connection after answering
                break
            sent += len(chunk)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="the server's extraction processes")
    args = parser.parse_args()
    documents = distinct_documents(args.requests)
    with tempfile.TemporaryDirectory(prefix="bench-service-") as folder, \
            LocalServer(Path(folder) / "data", ["--workers", str(args.workers)]) as server:
        run_load(server.url, server.headers, distinct_documents(8), args.concurrency)  # warm-up, not counted
        report = run_load(server.url, server.headers, documents, args.concurrency)
    answered = len(report.latencies)
    print(f"POST /v1/extract, {args.requests} one-form text exports, {args.concurrency} at a time, "
          f"{args.workers} extraction workers, loopback")
    print(f"  answered {answered}, errors {len(report.errors)}, {answered / report.seconds:.1f} requests/s")
    if answered:
        print(f"  latency p50 {report.percentile(50) * 1000:.0f} ms, p95 {report.percentile(95) * 1000:.0f} ms, "
              f"max {max(report.latencies) * 1000:.0f} ms")
    for error in report.errors[:10]:
        print(f"  error {error}")
    with tempfile.TemporaryDirectory(prefix="bench-service-") as folder, \
            LocalServer(Path(folder) / "data", ["--workers", "1"]) as server:
        status, sent = oversized_job(server.url, server.key)
        statuses = wrong_keys(server.url, 300)  # last: it locks this address out
    print("abuse limits (defaults: 10 wrong keys per 300 s, 20 MB a file)")
    print("  300 wrong keys from one address: " + ", ".join(f"{n} answered {s}" for s, n in sorted(statuses.items())))
    print(f"  a job declared as 3 x 200 MB: answered {status} after {sent / 1024 / 1024:.1f} MB sent")


if __name__ == "__main__":
    main()
