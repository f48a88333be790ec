"""Document -> verified records. Orchestration only: each stage takes and returns the shared model."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docextract.checks import check_document
from docextract.mapping import map_table
from docextract.model import CellTable, DocumentError, DocumentResult, FormRecord
from docextract.reading import reread_fields
from docextract.repair import repair_record
from docextract.settings import ExtractOptions
from docextract.sources import read_document
from docextract.sources.errors import NotAFormError, SourceError
from docextract.taxonomy import align_record


def records_from_table(table: CellTable, options: ExtractOptions | None = None) -> list[FormRecord]:
    options = options or ExtractOptions()
    records = map_table(table)
    if options.reread:
        records = reread_fields(records, table)
    if not records:
        hints = "".join(f"; {w}" for w in table.notices()[:2])  # e.g. a repaired file, blank pages
        raise NotAFormError(f"no 财政项目支出绩效自评表 found{hints}")
    checked = check_document([align_record(r) for r in records])
    records = checked
    if options.repair and any(r.status == "flagged" for r in records):  # only flagged forms have something to repair
        cells = {c.id: c for row in table.rows for c in row.cells}
        records = [repair_record(r, cells) if r.status == "flagged" else r for r in records]
    if options.llm.active:  # imported only then: openai + instructor are the optional `llm` extra
        from docextract.llm import refine_records

        records = refine_records(records, table, options.llm)
    if any(new is not old for new, old in zip(records, checked)):
        records = check_document(records)  # a changed value may change the document-wide checks (year)
    return records


def process_document(path: str | Path, options: ExtractOptions | None = None) -> DocumentResult:
    """Never raises for a bad document: the failure becomes `result.error`, naming the reason."""
    source = str(path)
    started = time.perf_counter()
    try:
        with cycle_collection_paused():
            result = _extract(source, options)  # the cell table is freed before the collector resumes
        result.seconds = time.perf_counter() - started
        return result
    except SourceError as exc:
        reason = str(exc)
    except MemoryError:
        reason = "out of memory while reading"
    except Exception as exc:  # a bug or a library failure must not stop a batch
        reason = f"internal error ({type(exc).__name__}: {exc})"
    reason = " ".join(reason.split())  # one line, whatever a library's message holds
    return DocumentResult(source=source, error=DocumentError(source=source, reason=reason),
                          seconds=time.perf_counter() - started)


def _extract(source: str, options: ExtractOptions | None) -> DocumentResult:
    table = read_document(source, options)
    return DocumentResult(source=source, kind=table.kind, forms=records_from_table(table, options), pages=table.pages,
                          warnings=table.notices())


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """One document allocates some 10^5 small objects that live until it is done; the cyclic collector,
    triggered every few hundred allocations, would re-scan them again and again (a fifth of the text
    pipeline's time). Reference counting still frees them; cycles wait for the document's end. Resume
    once the document's intermediate objects are gone, or the first collection scans them all."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
