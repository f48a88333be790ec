"""The service's job queue, in the same database as the batches.

A job is a list of uploaded documents. What a document holds is stored as a batch stores it (`documents`,
`forms`… keyed by content); the job tables only say which job asked for which content and where each
document is in the queue: `queued`, `running` (a worker has it), `done` or `failed`. A server that stops at
any moment finds its queue again: on start, `running` documents of the dead server are queued again.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from docextract.store.corrections import utc_now
from docextract.store.write import transaction

JobStatus = Literal["queued", "running", "done"]
DocumentStatus = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class QueuedDocument:
    sha256: str
    name: str  # as the client named it: a label, never a path
    size: int  # bytes
    pages: int


@dataclass(frozen=True)
class JobDocument:
    document: QueuedDocument
    status: DocumentStatus


@dataclass(frozen=True)
class Job:
    id: str
    created_at: str
    finished_at: str | None
    documents: list[JobDocument]

    @property
    def status(self) -> JobStatus:
        states = {d.status for d in self.documents}
        if states <= {"done", "failed"}:
            return "done"
        return "queued" if states == {"queued"} else "running"

    def count(self, status: DocumentStatus) -> int:
        return sum(d.status == status for d in self.documents)


def create_job(conn: sqlite3.Connection, documents: Sequence[QueuedDocument]) -> str:
    job_id = uuid.uuid4().hex
    with transaction(conn):
        conn.execute("INSERT INTO jobs (id, created_at) VALUES (?, ?)", (job_id, utc_now()))
        conn.executemany(
            "INSERT INTO job_documents (job_id, position, sha256, name, bytes, pages, status)"
            " VALUES (?, ?, ?, ?, ?, ?, 'queued')",
            [(job_id, position, d.sha256, d.name, d.size, d.pages) for position, d in enumerate(documents)])
    return job_id


def load_job(conn: sqlite3.Connection, job_id: str) -> Job | None:
    row = conn.execute("SELECT id, created_at, finished_at FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        return None
    documents = [JobDocument(QueuedDocument(sha256, name, size, pages), status) for sha256, name, size, pages, status
                 in conn.execute("SELECT sha256, name, bytes, pages, status FROM job_documents WHERE job_id = ?"
                                 " ORDER BY position", (job_id,))]
    return Job(*row, documents=documents)


def requeue_interrupted(conn: sqlite3.Connection) -> int:
    """Queue again the documents a stopped server had running; returns how many. Call before workers start."""
    with transaction(conn):
        return conn.execute("UPDATE job_documents SET status = 'queued' WHERE status = 'running'").rowcount


def claim_queued(conn: sqlite3.Connection) -> list[QueuedDocument]:
    """Mark every queued document running and return them, one per content, oldest job first."""
    with transaction(conn):
        rows = conn.execute(
            "SELECT d.sha256, d.name, d.bytes, d.pages FROM job_documents d JOIN jobs j ON j.id = d.job_id"
            " WHERE d.status = 'queued' ORDER BY j.created_at, j.id, d.position").fetchall()
        conn.execute("UPDATE job_documents SET status = 'running' WHERE status = 'queued'")
    first: dict[str, QueuedDocument] = {}
    for row in rows:
        first.setdefault(row[0], QueuedDocument(*row))
    return list(first.values())


def finish_document(conn: sqlite3.Connection, sha256: str, failed: bool) -> None:
    """Settle the content in every job that holds it; a job whose last document this was is finished."""
    with transaction(conn):
        conn.execute("UPDATE job_documents SET status = ? WHERE sha256 = ? AND status IN ('queued', 'running')",
                     ("failed" if failed else "done", sha256))
        conn.execute("UPDATE jobs SET finished_at = ? WHERE finished_at IS NULL AND NOT EXISTS ("
                     " SELECT 1 FROM job_documents d WHERE d.job_id = jobs.id AND d.status IN ('queued', 'running'))",
                     (utc_now(),))


def unfinished_documents(conn: sqlite3.Connection) -> set[str]:
    """The content of every document still queued or running: its upload is still needed."""
    return {sha256 for (sha256,) in conn.execute(
        "SELECT DISTINCT sha256 FROM job_documents WHERE status IN ('queued', 'running')")}
