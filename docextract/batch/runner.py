"""A batch from end to end: collect the INPUTs, plan against the manifest, extract, store, export.

Only this (parent) process writes the database, one transaction per finished document, so the batch can
be killed at any moment and run again: stored documents are skipped, the others are done, none twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.markup import escape

from docextract.batch.collect import SkippedEntry, collect_inputs
from docextract.batch.executors.local_pool import run_in_pool
from docextract.batch.plan import Job, Plan, plan_jobs
from docextract.batch.progress import BatchProgress
from docextract.model import DocumentError, DocumentResult, shown_path
from docextract.store import (Totals, add_sources, batch_lock, manifest_status, open_store, save_document, totals,
                              write_exports)

ExecutorName = Literal["local", "ray"]


@dataclass(frozen=True)
class BatchOptions:
    workers: int | None = None  # local: the usable cores; ray: the cluster's CPUs
    retry_failed: bool = False  # redo documents stored as failures
    executor: ExecutorName = "local"
    ray_address: str | None = None  # an existing Ray cluster; default: a Ray instance started here
    time_limit: float | None = None  # seconds per document; an overrun becomes a failure


@dataclass(frozen=True)
class BatchSummary:
    outdir: Path
    plan: Plan
    skipped: list[SkippedEntry]  # what the INPUTs reached but are no files to read
    warned: int  # documents of this run read with warnings (stored in `documents.warnings`)
    totals: Totals  # the whole database after the run
    exports: list[Path]


def run_batch(inputs: Sequence[str], outdir: Path, options: BatchOptions, console: Console) -> BatchSummary:
    collected = collect_inputs(inputs)
    for entry in collected.skipped:
        _say(console, "skipped", entry.source, entry.reason)
    warned = 0
    with batch_lock(outdir), closing(open_store(outdir)) as conn:
        with console.status(f"hashing {len(collected.files)} files"):
            plan = plan_jobs(collected.files, manifest_status(conn), options.retry_failed)
        add_sources(conn, plan.known_sources)
        with BatchProgress(console, plan.jobs) as progress, closing(_execute(plan.jobs, options)) as results:
            for job, result in results:
                result = named(result, job.sources[0])
                save_document(conn, job.sha256, job.size, job.sources, result)
                progress.advance(job, result)
                for warning in result.warnings:
                    _say(console, "warning", result.source, warning)
                warned += bool(result.warnings)
        return BatchSummary(outdir, plan, collected.skipped, warned, totals(conn), write_exports(conn, outdir))


def _say(console: Console, what: str, source: str, message: str) -> None:
    console.print(f"[yellow]{what}[/yellow] {escape(shown_path(source))}: {escape(message)}", highlight=False,
                  soft_wrap=True)


def _execute(jobs: list[Job], options: BatchOptions) -> Iterator[tuple[Job, DocumentResult]]:
    if not jobs:
        return
    if options.executor == "ray":
        from docextract.batch.executors.ray_cluster import run_on_ray

        yield from run_on_ray(jobs, options.workers, options.time_limit, options.ray_address)
    else:
        yield from run_in_pool(jobs, options.workers, options.time_limit)


def named(result: DocumentResult, source: str) -> DocumentResult:
    """The result as read from `source` (relative to its INPUT), whatever path the worker read (a Ray
    task's temporary copy, one of several duplicates): stored results do not depend on where a batch ran."""
    forms = [form.model_copy(update={
        "source": source,
        "provenance": {field: prov.model_copy(update={"source": source}) for field, prov in form.provenance.items()},
    }) for form in result.forms]
    error = result.error and DocumentError(source=source, reason=result.error.reason.replace(result.source, source))
    return result.model_copy(update={"source": source, "forms": forms, "error": error})
