"""Where documents are extracted. Each executor takes the jobs and yields `(job, DocumentResult)` as
documents finish, in any order; it never writes results: the batch's parent process does."""

from __future__ import annotations

from docextract.batch.plan import Job
from docextract.model import DocumentError, DocumentResult


def failure(job: Job, reason: str) -> DocumentResult:
    """The outcome for a document whose worker could not report one."""
    return DocumentResult(source=str(job.path), error=DocumentError(source=str(job.path), reason=reason))


def overran(job: Job, time_limit: float) -> DocumentResult:
    return failure(job, f"stopped after the time limit of {time_limit:g} s")
