"""The local executor: worker processes on this machine, one document at a time each.

A hand-rolled pool rather than `concurrent.futures`: a worker that dies (a crash in a native library, the
OOM killer) must cost only the document it was reading, and a document that overruns the time limit must
be stoppable; both need to know which worker holds which document, and a broken executor pool forgets.

The public API is `run_in_pool` and `default_workers`; the rest is how the pool works.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from docextract.batch.executors import failure, overran
from docextract.batch.plan import Job
from docextract.model import DocumentResult

# Spawned, not forked: a forked worker would inherit the other workers' pipe ends (and never see the
# parent go) and whatever state the parent holds, such as its open database.
_CONTEXT = multiprocessing.get_context("spawn")
_PR_SET_PDEATHSIG = 1

__all__ = ["default_workers", "run_in_pool"]


def default_workers() -> int:
    """How many worker processes a pool has unless told: one per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_in_pool(jobs: Sequence[Job], workers: int | None = None,
                time_limit: float | None = None) -> Iterator[tuple[Job, DocumentResult]]:
    """Yield (job, result) as documents finish, on `workers` processes (default: `default_workers()`), each
    document stopped after `time_limit` seconds. A generator: closing it (`contextlib.closing`) stops its
    workers, whatever they are doing."""
    queue = deque(jobs)
    pool = [_Worker.start() for _ in range(min(workers or default_workers(), len(queue)))]
    try:
        for worker in pool:
            worker.assign(queue.popleft())
        while busy := [worker for worker in pool if worker.job]:
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], _next_deadline(busy, time_limit))
            for slot, worker in enumerate(pool):
                if worker.job is None or (result := worker.outcome(time_limit)) is None:
                    continue
                job, worker.job = worker.job, None
                if not worker.process.is_alive():  # it died or was stopped: a fresh one takes its place
                    worker.close()
                    if queue:
                        pool[slot] = worker = _Worker.start()
                yield job, result
                if queue:
                    worker.assign(queue.popleft())
    finally:
        for worker in pool:
            worker.close()


def _next_deadline(busy: list[_Worker], time_limit: float | None) -> float | None:
    if time_limit is None:
        return None
    return max(0.0, min(worker.started + time_limit for worker in busy) - time.monotonic())


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    job: Job | None = None
    started: float = 0.0

    @classmethod
    def start(cls) -> _Worker:
        conn, worker_end = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, args=(worker_end,), daemon=True)
        process.start()
        worker_end.close()
        return cls(process, conn)

    def assign(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(str(job.path))

    def outcome(self, time_limit: float | None) -> DocumentResult | None:
        """The current document's result; a failure when the worker died or overran; None while it works."""
        if self.conn.poll():
            try:
                return self.conn.recv()
            except (EOFError, OSError):
                pass  # it died before or while sending
        if self.process.is_alive():
            if time_limit is None or time.monotonic() - self.started < time_limit:
                return None
            self.process.kill()
            self.process.join()
            return overran(self.job, time_limit)
        self.process.join()
        return failure(self.job, f"the worker process died ({_exit_reason(self.process.exitcode)})")

    def close(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"


def _serve(conn: Connection) -> None:
    """A worker's life: read a path, send its result, until the parent closes the pipe or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the workers
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stdout is the parent's summary: library chatter goes aside
    if sys.platform == "linux":  # die with the parent, even a SIGKILLed one, rather than finish a long scan
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    from docextract.batch.extract import extract
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        conn.send(extract(path))
