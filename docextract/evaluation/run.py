"""Runs of documents: extracted here (timed in wall and CPU seconds) or read from predictions, then scored."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from docextract.evaluation.compare import EvalResult, compare_records
from docextract.evaluation.datasets import DocumentCase
from docextract.evaluation.gold import load_gold
from docextract.evaluation.predictions import PredictionIndex
from docextract.settings import ExtractOptions


@dataclass
class DocumentRun:
    case: DocumentCase
    records: list[dict]
    kind: str | None = None  # "text" / "digital" / "scan"; None when the document failed
    pages: int | None = None
    seconds: float | None = None  # None for predictions read from a file
    cpu_seconds: float | None = None
    error: str | None = None
    result: EvalResult = field(default_factory=EvalResult)

    def score(self) -> DocumentRun:
        self.result = compare_records(load_gold(self.case.gold), self.records, label=self.case.input.name)
        return self


def process_cpu_seconds() -> float:
    """User + system time of this process and its waited-for children (OCR threads included)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def extract_run(case: DocumentCase, options: ExtractOptions) -> DocumentRun:
    from docextract.output import record_json
    from docextract.pipeline import process_document

    wall, cpu = time.perf_counter(), process_cpu_seconds()
    result = process_document(case.input, options)
    wall, cpu = time.perf_counter() - wall, process_cpu_seconds() - cpu
    return DocumentRun(case, [record_json(r) for r in result.forms], kind=result.kind, pages=result.pages,
                       seconds=wall, cpu_seconds=cpu, error=str(result.error) if result.error else None)


def predicted_run(case: DocumentCase, index: PredictionIndex) -> DocumentRun:
    records = index.for_input(case.input, case.gold)
    kinds = {r.get("source_kind") for r in records} - {None}
    return DocumentRun(case, records, kind=kinds.pop() if len(kinds) == 1 else None,
                       error=None if records else "no predicted record for this document")


def run_cases(cases: Iterable[DocumentCase], produce: Callable[[DocumentCase], DocumentRun],
              on_done: Callable[[DocumentRun], None] | None = None) -> list[DocumentRun]:
    """Produce and score each case in turn; `on_done` sees each scored run (progress, error lines)."""
    runs = []
    for case in cases:
        run = produce(case).score()
        if on_done:
            on_done(run)
        runs.append(run)
    return runs
