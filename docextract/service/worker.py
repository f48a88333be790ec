"""The job queue's worker: one thread that claims every queued document, extracts them on the batch's local
pool (one process per document at a time, a time limit, a crashed process costs its document only), stores
each result as it arrives, and starts over. Content already stored is settled without extracting it again.

Documents claimed but not finished when the server stops stay `running` in the database; the next server
queues them again before its worker starts (`requeue_interrupted`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import closing, suppress

from docextract.batch.executors.local_pool import run_in_pool
from docextract.batch.plan import Job
from docextract.service.documents import manifest_entry, save_result
from docextract.service.settings import ServiceSettings
from docextract.store import add_sources, open_store
from docextract.store.jobs import QueuedDocument, claim_queued, finish_document, requeue_interrupted

log = logging.getLogger("docextract.service")

IDLE_POLL_SECONDS = 5.0  # a missed wake-up costs at most this long
RETRY_SECONDS = 2.0  # after an unexpected error, before the queue is tried again


class JobWorker:
    def __init__(self, settings: ServiceSettings):
        self._settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="docextract-jobs", daemon=True)

    def start(self) -> None:
        with closing(open_store(self._settings.data)) as conn:
            if requeued := requeue_interrupted(conn):
                log.info("queued again %d documents of a stopped server", requeued)
        self._thread.start()

    def notify(self) -> None:
        """A job was posted."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        with closing(open_store(self._settings.data)) as conn:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    claimed = claim_queued(conn)
                    if claimed:
                        self._work(conn, claimed)
                        continue
                except Exception:  # the queue must outlive a bad moment (a locked database, a full disk)
                    log.exception("job worker error; its documents are queued again")
                    with suppress(sqlite3.Error):  # else they are, at the next start
                        requeue_interrupted(conn)
                    self._stop.wait(RETRY_SECONDS)
                    continue
                self._wake.wait(IDLE_POLL_SECONDS)

    def _work(self, conn: sqlite3.Connection, claimed: list[QueuedDocument]) -> None:
        jobs = []
        for document in claimed:
            if manifest_entry(conn, document.sha256) == "done":
                add_sources(conn, [(document.name, document.sha256)])
                finish_document(conn, document.sha256, failed=False)
                continue
            jobs.append(Job(document.sha256, self._settings.uploads / document.sha256, (document.name,),
                            document.size, document.pages))
        if not jobs:
            return
        started = time.perf_counter()
        with closing(run_in_pool(jobs, self._settings.job_workers, self._settings.time_limit)) as results:
            for job, result in results:
                save_result(conn, job.sha256, job.size, job.sources[0], result)
                finish_document(conn, job.sha256, failed=result.error is not None)
                if self._stop.is_set():
                    return
        log.info("extracted %d job documents in %.1f s", len(jobs), time.perf_counter() - started)
