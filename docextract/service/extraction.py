"""POST /v1/extract's extraction: worker processes kept warm, so that a request pays for its document only.

Processes, not threads: the pipeline is CPU-bound (threads would queue on the GIL) and a crash in a native
library (MuPDF, OpenCV) must cost one request, not the server. A pool that lost a worker is replaced.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from docextract.model import DocumentError, DocumentResult

PARENT_POLL_SECONDS = 1.0
ATTEMPTS = 2  # a request caught in a pool that another document broke is tried once more on a fresh pool


def _start_worker(server: int) -> None:
    threading.Thread(target=_exit_with_server, args=(server,), daemon=True).start()
    import docextract.batch.extract  # noqa: F401  the pipeline and one-thread OpenCV, loaded before any request


def _exit_with_server(server: int) -> None:
    """A worker whose server died (even by SIGKILL, even before this worker started) exits rather than linger as
    an orphan. Polled, because PR_SET_PDEATHSIG follows the thread that started the worker, which may be a
    short-lived request thread."""
    while os.getppid() == server:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _extract(path: str) -> DocumentResult:
    from docextract.batch.extract import extract

    return extract(path)


class ExtractPool:
    def __init__(self, workers: int):
        self._workers = workers
        self._lock = threading.Lock()
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(os.getpid(),))
        for _ in range(self._workers):  # start every worker now, not on the first requests
            pool.submit(int)
        return pool

    def extract(self, path: Path) -> DocumentResult:
        for _ in range(ATTEMPTS):
            pool = self._pool
            try:
                return pool.submit(_extract, str(path)).result()
            except BrokenProcessPool:
                self._replace(pool)
        reason = "the extraction process died while reading the document"
        return DocumentResult(source=str(path), error=DocumentError(source=str(path), reason=reason))

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:  # not already replaced by a concurrent request
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._start()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
