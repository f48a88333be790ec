"""The batch's progress bar: pages done of the estimated total, pages/s, ETA, documents and failures."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from docextract.batch.plan import Job
from docextract.model import DocumentResult


class PagesPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:.1f} pages/s", style="progress.data.speed")


class BatchProgress:
    """Use as a context manager; `advance` once per finished document."""

    def __init__(self, console: Console, jobs: Sequence[Job]):
        self._documents, self._failed = 0, 0
        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            TextColumn("{task.completed:.0f}/{task.total:.0f} pages"), PagesPerSecond(),
            TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[tally]}"),
            console=console,
        )
        self._of = len(jobs)
        self._task = self._progress.add_task("extracting", total=sum(job.pages for job in jobs), tally=self._tally())

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._progress.stop()

    def advance(self, job: Job, result: DocumentResult) -> None:
        """Count the job's estimated pages, so the bar ends full whatever a document turned out to hold."""
        self._documents += 1
        self._failed += result.error is not None
        self._progress.update(self._task, advance=job.pages, tally=self._tally())

    def _tally(self) -> str:
        return f"{self._documents}/{self._of} documents, {self._failed} failed"
